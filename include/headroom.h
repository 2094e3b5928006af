/*
 * headroom.h — the public interface of libheadroom.
 *
 * libheadroom ingests hourly electricity load / generation files into clean
 * hourly UTC series, forecasts them, and computes how many MW of new load a
 * region can absorb under a curtailment budget.
 *
 * Conventions (apply to every declaration below unless it says otherwise):
 *  - Every fallible call returns an int status: HR_OK (0) or a positive HR_E*
 *    code. hr_strerror() gives static text for a code; hr_last_error() gives
 *    the detail of the last failure on the calling thread.
 *  - Timestamps are int64 seconds since 1970-01-01T00:00:00Z (UTC). Hourly
 *    grids are hour-beginning: the value at t is the mean MW over [t, t+3600).
 *  - Power is in MW, temperature in degrees Celsius.
 *  - Handles are opaque; every _new / constructor has a matching _free, and
 *    _free(NULL) is a no-op. Inputs are copied, never retained.
 *  - Thread-safety: the library has no global mutable state. Distinct handles
 *    may be used concurrently from different threads; one handle must not be
 *    used from two threads at once without external locking. Const handles
 *    may be read concurrently.
 *  - The library never prints, exits, aborts or changes the locale.
 */
#ifndef HEADROOM_H
#define HEADROOM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(HR_BUILDING_LIBRARY) && defined(__GNUC__)
#define HR_API __attribute__((visibility("default")))
#else
#define HR_API
#endif

#define HR_VERSION_MAJOR 0
#define HR_VERSION_MINOR 1
#define HR_VERSION_PATCH 0
#define HR_VERSION_STRING "0.1.0"

/* Run-time library version, "MAJOR.MINOR.PATCH"; static storage. */
HR_API const char *hr_version(void);

/* ---------------------------------------------------------------- status */

enum {
    HR_OK = 0,
    HR_EINVAL,    /* invalid argument (NULL, zero length, NaN, unsorted)   */
    HR_ENOMEM,    /* allocation failed                                     */
    HR_EIO,       /* file could not be opened, read or written             */
    HR_EPARSE,    /* malformed input: bad number, date, header, encoding   */
    HR_EDATA,     /* data problem: duplicates, overlaps, too few hours     */
    HR_ESINGULAR, /* design matrix rank deficient beyond repair            */
    HR_ENOCONV,   /* an optimiser did not converge                         */
    HR_EFORMAT,   /* bad model or specification file                       */
    HR_EVERSION,  /* model file written by a newer format version          */
    HR_ENOTFOUND, /* named region, column, zone or model does not exist    */
    HR_NSTATUS    /* number of status codes; not a status                  */
};

/* Static text for a status code; never NULL (unknown codes get a generic
 * text). Thread-safe. */
HR_API const char *hr_strerror(int status);

/* Detail of the most recent failure on the calling thread, e.g.
 * "data/x.csv:12: column 'Demand (MW)': not a number: \"N/A\"". Never NULL
 * (empty string when nothing failed). Valid until the next hr_ call on this
 * thread. */
HR_API const char *hr_last_error(void);

/* Optional log callback: level 0 = info, 1 = warning. The library calls it
 * from the thread that made the call; msg is valid only during the call. */
typedef void (*hr_log_fn)(int level, const char *msg, void *user_data);

/* ---------------------------------------------------------------- series */

/*
 * hr_series: one or more regions, each on its own hourly UTC grid, with
 * named numeric columns (NaN = missing) and a per-hour screening flag.
 * Column names used by the readers:
 *   load_raw_mw    load as read (spikes and all)
 *   load_mw        load after screening and imputation
 *   forecast_mw    the balancing authority's own day-ahead forecast
 *   temp_c         temperature, degrees Celsius
 *   gen_<fuel>_mw  net generation by fuel (coal, gas, nuclear, wind, ...)
 *   interchange_mw total interchange (positive = export)
 */
typedef struct hr_series hr_series;

/* Screening flags, one per hour of load (after Ruggles et al. 2020). */
typedef enum {
    HR_FLAG_OKAY = 0,
    HR_FLAG_MISSING,
    HR_FLAG_NEG_OR_ZERO,
    HR_FLAG_GLOBAL_DEM,
    HR_FLAG_GLOBAL_DEM_PLUS_MINUS,
    HR_FLAG_IDENTICAL_RUN,
    HR_FLAG_LOCAL_DEM_UP,
    HR_FLAG_LOCAL_DEM_DOWN,
    HR_FLAG_DELTA,
    HR_FLAG_SINGLE_DELTA,
    HR_FLAG_ANOMALOUS_REGION,
    HR_FLAG_DUPLICATE_RESOLVED, /* value kept from --on-duplicate rule */
    HR_NFLAGS
} hr_flag;

/* Name of a flag as written in outputs ("OKAY", "MISSING", ...); static. */
HR_API const char *hr_flag_name(int flag);

typedef enum {
    HR_FORMAT_AUTO = 0,
    HR_FORMAT_LONG,
    HR_FORMAT_EIA930,
    HR_FORMAT_EIA930_BA,
    HR_FORMAT_ERCOT_NATIVE,
    HR_FORMAT_ERCOT_FUEL,
    HR_FORMAT_PJM_GEN,
    HR_FORMAT_US48,
    HR_FORMAT_SERIES,
    HR_FORMAT_WEATHER, /* GEFCom / BigDEAL / TELL / NYC load-with-weather files */
    HR_NFORMATS
} hr_format;

/* Resolution of a timestamp that occurs twice and is not a DST repeat. */
typedef enum { HR_DUP_ERROR = 0, HR_DUP_MEAN, HR_DUP_FIRST, HR_DUP_LAST } hr_dup_rule;
/* Resolution of two files giving different values for one region-hour. */
typedef enum { HR_OVERLAP_ERROR = 0, HR_OVERLAP_FIRST, HR_OVERLAP_LAST } hr_overlap_rule;

#define HR_MAX_VALUE_COLS 16

typedef struct {
    hr_format format;          /* default HR_FORMAT_AUTO                         */
    hr_dup_rule on_duplicate;  /* default HR_DUP_ERROR                           */
    hr_overlap_rule on_overlap;/* default HR_OVERLAP_ERROR                       */
    int screen;                /* 1 (default): screen and impute load            */
    /* `series` format and overrides: */
    const char *time_col;      /* time column name(s), comma-separated; NULL     */
    const char *value_cols[HR_MAX_VALUE_COLS]; /* value columns; NULL-terminated */
    const char *region;        /* region name override; NULL = from file        */
    const char *tz;            /* IANA zone for naive local times; NULL = UTC    */
    int hour_ending;           /* 1: timestamps mark the end of the hour         */
    double scale;              /* multiply values (e.g. 0.001 for kW -> MW); 1   */
    hr_log_fn log;             /* optional                                       */
    void *log_ud;
} hr_ingest_opts;

/* Fill *o with the defaults above. */
HR_API void hr_ingest_opts_init(hr_ingest_opts *o);

/* Read, merge, grid, screen and impute files into a new series.
 * paths: npaths file names ("-" is not accepted by the library).
 * On success *out owns a new series (free with hr_series_free).
 * Errors: HR_EINVAL (bad arguments), HR_EIO (cannot read), HR_EPARSE
 * (malformed; hr_last_error names file:line and column), HR_EDATA
 * (duplicate hour, conflicting overlap, no data), HR_ENOMEM. On error *out
 * is set to NULL. */
HR_API int hr_series_read(const char *const *paths, size_t npaths,
                          const hr_ingest_opts *o, hr_series **out);

/* Build a one-region series from caller arrays: t_utc[n] strictly increasing
 * hour-beginning UTC seconds, multiples of 3600 (gaps allowed); load_mw[n]
 * (NaN = missing). Screening/imputation runs as in hr_series_read when
 * screen != 0. Errors: HR_EINVAL, HR_ENOMEM. */
HR_API int hr_series_from_arrays(const char *region, const int64_t *t_utc,
                                 const double *load_mw, size_t n, int screen,
                                 hr_series **out);

HR_API void hr_series_free(hr_series *s);

/* Number of regions (sorted by name). */
HR_API size_t hr_series_region_count(const hr_series *s);
/* Name of region i; owned by s. NULL if i is out of range. */
HR_API const char *hr_series_region_name(const hr_series *s, size_t i);
/* Index of the region named name. Errors: HR_ENOTFOUND. */
HR_API int hr_series_region_index(const hr_series *s, const char *name, size_t *i);
/* Grid of region i: first hour (UTC, hour-beginning) and number of hours. */
HR_API int hr_series_grid(const hr_series *s, size_t i, int64_t *t0_utc, size_t *nhours);
/* Number of columns of region i and the name of column j (owned by s). */
HR_API size_t hr_series_column_count(const hr_series *s, size_t i);
HR_API const char *hr_series_column_name(const hr_series *s, size_t i, size_t j);
/* Pointer to column `name` of region i (nhours values, NaN = missing),
 * owned by s and valid until s is freed. Errors: HR_ENOTFOUND, HR_EINVAL. */
HR_API int hr_series_column(const hr_series *s, size_t i, const char *name,
                            const double **values);
/* Per-hour flags (hr_flag values) of region i, owned by s. */
HR_API int hr_series_flags(const hr_series *s, size_t i, const uint8_t **flags);

/* Quality summary of region i's load. */
typedef struct {
    int64_t first_utc, last_utc; /* first and last hour with load (hour-beginning) */
    size_t hours;                /* grid length from first to last              */
    size_t missing;              /* hours with no raw value                     */
    size_t flagged;              /* hours with a flag other than OKAY          */
    size_t imputed;              /* hours whose cleaned value was filled in     */
    size_t by_flag[HR_NFLAGS];   /* hours per flag                              */
    double peak_mw, mean_mw;     /* on the cleaned load                         */
} hr_quality;
HR_API int hr_series_quality(const hr_series *s, size_t i, hr_quality *q);

/* Write region i as a normalised long CSV (region,timestamp,load_mw,
 * load_raw_mw,flag, then the other columns) to path, atomically (temporary
 * file + rename). Errors: HR_EIO. */
HR_API int hr_series_write_long(const hr_series *s, size_t i, const char *path);

/* ---------------------------------------------------------------- time */

/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
HR_API void hr_time_format(int64_t t_utc, char buf[21]);
/* Parse an ISO 8601 UTC time ("2020-01-01", "2020-01-01T05:00:00Z",
 * "2020-01-01 05:00", with an optional offset). Errors: HR_EPARSE. */
HR_API int hr_time_parse(const char *s, int64_t *t_utc);

/* ---------------------------------------------------------------- models
 * (regression + ARIMA: hr_model, specifications, fit, forecast, save/load) */
/* @section models */

/* ---------------------------------------------------------------- backtest */
/* @section backtest */

/* ---------------------------------------------------------------- headroom */
/* @section headroom */

#ifdef __cplusplus
}
#endif
#endif /* HEADROOM_H */
