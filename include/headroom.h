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
 *  - Unless a declaration says otherwise: pointer arguments must not be NULL
 *    (a NULL is HR_EINVAL, never a crash, for every int-returning call);
 *    on error, handle out-parameters are set to NULL and counts to 0; a
 *    log callback (hr_log_fn) is called only on the calling thread;
 *    _opts_init(o) functions need a valid o.
 */
#ifndef HEADROOM_H
#define HEADROOM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(HR_BUILDING_LIBRARY) && defined(__GNUC__)
#define HR_API __attribute__((visibility("default")))
#else
#define HR_API
#endif

/* 0.3.0: hr_ingest_opts gained region_col, min_coverage, interval_end,
 * demand and delimiter (its size changed: rebuild callers; before 1.0 a
 * minor version may change the ABI). */
#define HR_VERSION_MAJOR 0
#define HR_VERSION_MINOR 3
#define HR_VERSION_PATCH 0
#define HR_VERSION_STRING "0.3.0"

/* Run-time library version, "MAJOR.MINOR.PATCH" (equals HR_VERSION_STRING of
 * the header the library was built with); static storage. Thread-safe. */
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
 * "data/x.csv:12: column 'Demand (MW)': not a number: \"N/A\"" (where the
 * input is at fault: file, line and column; where an argument is: its name
 * or value). Never NULL. Semantics: every call that returns a status clears
 * the message on entry and sets it when it fails, so after HR_OK it is ""
 * and after an error it explains that error; calls that return no status
 * (accessors, _init, _free, hr_strerror, hr_version, ...) leave it as it
 * is. The text is thread-local (another thread's failures never show here)
 * and owned by the library: valid until the next status-returning call on
 * this thread; copy it to keep it. */
HR_API const char *hr_last_error(void);

/* Optional log callback: level 0 = info, 1 = warning. The library calls it
 * only from the thread that made the call (never from its worker threads),
 * before that call returns; msg is valid only during the callback, which
 * must not call back into the library with the same handles. Without a
 * callback the messages are dropped: the library never prints. Messages:
 *  - hr_series_read (hr_ingest_opts.log): one info line per region (span,
 *    hours, missing, flagged, imputed); a warning when hours hold a value
 *    chosen by the on_duplicate rule;
 *  - hr_model_fit (hr_fit_opts.log): a warning when the ARIMA fit fell
 *    back (the text of hr_model_info.fallback) or its optimiser stopped at
 *    its iteration limit;
 *  - hr_backtest_run (its fit.log): one warning when refits fell back;
 *  - hr_report: ingest.log as hr_series_read; fit.log one warning per
 *    region stage that failed and per forecast model that fell back (the
 *    warnings of run.json), after the worker threads have finished. */
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

/* Name of a flag as written in outputs ("OKAY", "MISSING", ...); static
 * storage; "UNKNOWN" for a value outside 0..HR_NFLAGS-1. Thread-safe. */
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
    HR_FORMAT_EIA_API, /* EIA API v2 electricity/rto exports, CSV or JSON      */
    HR_NFORMATS
} hr_format;

/* Resolution of a timestamp that occurs twice and is not a DST repeat. */
typedef enum { HR_DUP_ERROR = 0, HR_DUP_MEAN, HR_DUP_FIRST, HR_DUP_LAST } hr_dup_rule;
/* Resolution of two files giving different values for one region-hour. */
typedef enum { HR_OVERLAP_ERROR = 0, HR_OVERLAP_FIRST, HR_OVERLAP_LAST } hr_overlap_rule;

/* Which demand column of an EIA-930 BALANCE file is the load. */
typedef enum { HR_DEMAND_RAW = 0, HR_DEMAND_ADJUSTED, HR_DEMAND_IMPUTED } hr_demand;

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
    hr_log_fn log;             /* optional: read summaries (see hr_log_fn)       */
    void *log_ud;
    int threads;               /* files, then regions, read in parallel: 0 (the
                                  default) = the CPUs this process may use, at
                                  most 8; 1 = all on the calling thread. The
                                  result is the same for any value.          */
    const char *region_col;    /* one region per value of this column (series,
                                  and formats with one region per file); NULL */
    double min_coverage;       /* sub-hourly data: share of an hour's intervals
                                  that must have a value for the hour to have
                                  one, in (0, 1]; default 1 (all)            */
    int interval_end;          /* sub-hourly data: stamps mark the interval's
                                  end (default 0: its start)                 */
    hr_demand demand;          /* EIA-930 BALANCE load: raw "Demand (MW)" (the
                                  default), its "(Adjusted)" or "(Imputed)"  */
    char delimiter;            /* field separator; 0 (default) = ',' or a tab
                                  when the header has tabs and no commas     */
} hr_ingest_opts;

/* Fill *o with the defaults above (NULL is a no-op). Thread-safe. */
HR_API void hr_ingest_opts_init(hr_ingest_opts *o);

/* Read, merge, grid, screen and impute files into a new series.
 * paths: npaths file names ("-" is not accepted by the library).
 * On success *out owns a new series (free with hr_series_free).
 * Errors: HR_EINVAL (bad arguments), HR_EIO (cannot read), HR_EPARSE
 * (malformed; hr_last_error names file:line and column), HR_EDATA
 * (duplicate hour, conflicting overlap, no data), HR_ENOMEM. On error *out
 * is set to NULL. o may be NULL (defaults); paths and o are not retained.
 * Thread-safe: concurrent calls on distinct outputs are independent; o->log
 * is called on the calling thread. */
HR_API int hr_series_read(const char *const *paths, size_t npaths,
                          const hr_ingest_opts *o, hr_series **out);

/* Build a one-region series from caller arrays: t_utc[n] strictly increasing
 * hour-beginning UTC seconds, multiples of 3600 (gaps allowed); load_mw[n]
 * (NaN = missing; +-Inf is HR_EINVAL), MW. Screening/imputation runs as in
 * hr_series_read when screen != 0. region, t_utc and load_mw are copied.
 * The region's zone (for calendar terms) is known for the built-in region
 * names, else UTC. Errors: HR_EINVAL (NULL or empty region, NULL array,
 * n = 0, a time not a multiple of 3600 or not strictly increasing, a span
 * over ~340 years), HR_ENOMEM. On error *out = NULL. Thread-safe. */
HR_API int hr_series_from_arrays(const char *region, const int64_t *t_utc,
                                 const double *load_mw, size_t n, int screen,
                                 hr_series **out);

/* Free s and everything it owns (column pointers, names); NULL: no-op. */
HR_API void hr_series_free(hr_series *s);

/* Accessors below only read s: any number of threads may call them on one
 * series at once. */
/* Number of regions (sorted by name); 0 when s is NULL. */
HR_API size_t hr_series_region_count(const hr_series *s);
/* Name of region i; owned by s. NULL if i is out of range. */
HR_API const char *hr_series_region_name(const hr_series *s, size_t i);
/* Index of the region named name (exact, case-sensitive) into *i. Errors:
 * HR_EINVAL (NULL argument), HR_ENOTFOUND (*i unchanged). */
HR_API int hr_series_region_index(const hr_series *s, const char *name, size_t *i);
/* Grid of region i: first hour (UTC, hour-beginning) and number of hours;
 * either out pointer may be NULL. Errors: HR_EINVAL (s NULL, i out of range). */
HR_API int hr_series_grid(const hr_series *s, size_t i, int64_t *t0_utc, size_t *nhours);
/* Number of columns of region i (0 if s is NULL or i out of range) and the
 * name of column j (owned by s, valid until s is freed; NULL if out of range). */
HR_API size_t hr_series_column_count(const hr_series *s, size_t i);
HR_API const char *hr_series_column_name(const hr_series *s, size_t i, size_t j);
/* Pointer to column `name` of region i (nhours values, NaN = missing),
 * owned by s and valid until s is freed. Errors: HR_EINVAL (NULL argument,
 * i out of range), HR_ENOTFOUND (no such column). */
HR_API int hr_series_column(const hr_series *s, size_t i, const char *name,
                            const double **values);
/* Per-hour flags (hr_flag values, nhours of them) of region i, owned by s
 * and valid until s is freed. Errors: HR_EINVAL (NULL argument, i out of
 * range), HR_ENOTFOUND (the region has no load). */
HR_API int hr_series_flags(const hr_series *s, size_t i, const uint8_t **flags);

/* Quality summary of region i's load (copied into *q). Errors: HR_EINVAL
 * (NULL argument, i out of range). */
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
 * file + rename). Errors: HR_EINVAL (NULL argument, i out of range), HR_EIO,
 * HR_ENOMEM. Thread-safe for distinct paths. */
HR_API int hr_series_write_long(const hr_series *s, size_t i, const char *path);
/* Write every region of s as DIR/NAME.csv (hr_series_write_long's format),
 * replacing DIR as a whole: readers, and a kill at any moment, see the old
 * DIR or the complete new one. NAME is the region name with separators
 * ('/', '\\'), control characters and a leading '.' made '_', cut to 96
 * bytes; names equal ignoring case get "-2", "-3", ... in region order. An
 * existing DIR is replaced only if it holds nothing but regular .csv files.
 * Errors: HR_EINVAL, HR_EIO (hr_last_error names the path), HR_ENOMEM.
 * Thread-safe for distinct DIRs. */
HR_API int hr_series_write_dir(const hr_series *s, const char *dir);

/* ---------------------------------------------------------------- time */

/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes, not NULL: the
 * one call that cannot report a status). Thread-safe. */
HR_API void hr_time_format(int64_t t_utc, char buf[21]);
/* Parse an ISO 8601 UTC time ("2020-01-01", "2020-01-01T05:00:00Z",
 * "2020-01-01 05:00", with an optional offset) into *t_utc (seconds).
 * Errors: HR_EINVAL (NULL argument), HR_EPARSE (not a valid time; *t_utc
 * unchanged). Thread-safe. */
HR_API int hr_time_parse(const char *s, int64_t *t_utc);

/* ---------------------------------------------------------------- models
 * (regression + ARIMA: hr_model, specifications, fit, forecast, save/load) */
/* @section models */

/*
 * hr_model: one region's fitted forecasting model — a regression on
 * calendar / Fourier / weather terms named by a specification file
 * (NAME.spec in hr_fit_opts.models_dir), with optional seasonal ARIMA errors; or a pure
 * (seasonal) ARIMA. Fitted models save to versioned text files (.hrm).
 */
typedef struct hr_model hr_model;

enum { HR_METHOD_CSS_ML = 0, HR_METHOD_ML = 1, HR_METHOD_CSS = 2 };

typedef struct {
    const char *model;      /* spec name ("vanilla"), spec path, "arima" or
                               "auto-arima" [Default: "calendar"]              */
    const char *models_dir; /* where spec names are looked up [Default: NULL =
                               the installed ones, hr_models_dir()]           */
    const char *spec_text;  /* spec given as text instead (overrides model)   */
    int64_t from_utc;       /* first training hour [Default: INT64_MIN = all] */
    int64_t to_utc;         /* last training hour  [Default: INT64_MAX = all] */
    int order[7];           /* "arima": p d q P D Q s [Default: 1 0 0 0 0 0 1] */
    int season;             /* "auto-arima": seasonal period [Default: 24]    */
    int method;             /* HR_METHOD_* for ARIMA fits [Default: CSS_ML]   */
    int no_mean;            /* 1: no mean in the ARIMA (R's include.mean =
                               FALSE; auto-arima: no constant) [0]            */
    int drift;              /* 1: "arima" with d + D = 1 gets a drift term
                               (forecast::Arima(include.drift = TRUE)) [0]    */
    size_t arima_window;    /* hours of the newest data the ARIMA errors of a
                               regression are fitted on; 0 = all [Default:
                               (size_t)-1 = auto: the spec's `arima-window`,
                               else 2016 (12 weeks) for a regression with
                               ARIMA errors, all for a pure ARIMA]             */
    int threads;            /* candidate fits in parallel (auto-arima) [2]    */
    const char *tzdir;      /* TZif directory [Default: /usr/share/zoneinfo]  */
    hr_log_fn log;          /* optional: ARIMA fallbacks (see hr_log_fn)       */
    void *log_ud;
} hr_fit_opts;

/* Fill *o with the defaults above (NULL is a no-op). Strings of o are
 * read during the call only. Thread-safe. */
HR_API void hr_fit_opts_init(hr_fit_opts *o);

/* The directory of the installed model specifications,
 * PREFIX/share/headroom/models (compiled in by `make install PREFIX=...`),
 * where a spec name is looked up when hr_fit_opts.models_dir is NULL;
 * static storage. Thread-safe. */
HR_API const char *hr_models_dir(void);
/* The specification names in dir (NULL = hr_models_dir()), sorted, into buf
 * as "auto, calendar, vanilla" (NUL-terminated; "" when there are none).
 * Errors: HR_EINVAL (buf NULL, cap 0, or cap too small: buf = ""),
 * HR_ENOTFOUND (no such directory), HR_EIO. Thread-safe. */
HR_API int hr_models_list(const char *dir, char *buf, size_t cap);

/* Fit a model to region `region` of s (its cleaned load_mw, and temp_c when
 * the specification has weather terms), over the training window of o.
 * o may be NULL (defaults). On success *out is a new model owned by the
 * caller (hr_model_free); on error *out = NULL. Errors: HR_EINVAL (NULL s or
 * out, region out of range, bad order / season / method), HR_ENOTFOUND (no
 * such model/spec, column or zone), HR_EFORMAT (bad spec), HR_EDATA (under
 * 48 hours of load in the window), HR_ESINGULAR (more design columns than
 * hours, or a singular system), HR_ENOCONV (no ARIMA could be fitted),
 * HR_ENOMEM. Thread-safe for distinct outputs; s and o are only read and
 * not retained (auto-arima's own worker threads end before it returns). */
HR_API int hr_model_fit(const hr_series *s, size_t region, const hr_fit_opts *o,
                        hr_model **out);
/* Free m; NULL: no-op. */
HR_API void hr_model_free(hr_model *m);

/* Summary of a fitted model into *info. Errors: HR_EINVAL (NULL argument).
 * Thread-safe (m is only read). Strings belong to the model and live until
 * it is freed. Statistics that do not apply are NaN (e.g. loglik of a pure
 * regression, r2 of a pure ARIMA). */
typedef struct {
    const char *region;      /* region the model was fitted to                 */
    const char *model;       /* model name ("vanilla", "arima", ...)           */
    const char *errors;      /* "none", "ARIMA(p,d,q)(P,D,Q)[s]" or "direct N days" */
    int64_t first_utc, last_utc; /* training span (hour-beginning)             */
    size_t n;                /* hours used by the regression (or the ARIMA)    */
    size_t ncoef;            /* coefficients (regression then ARIMA)           */
    double sigma2;           /* innovation variance (MW^2)                     */
    double r2, adj_r2;       /* regression part                                */
    double loglik, aic, aicc, bic; /* ARIMA part, R's constants                */
    int order[7];            /* p d q P D Q s; all 0 without ARIMA errors      */
    int converged;           /* 1 unless the optimiser stopped at its limit    */
    const char *fallback;    /* "" or what the fit fell back to (order search;
                                'errors direct' with too little history)     */
    double fit_seconds;      /* wall time of the fit                           */
} hr_model_info;
HR_API int hr_model_info_get(const hr_model *m, hr_model_info *info);

/* Coefficient i < info.ncoef: name (owned by m), value and standard error
 * (NaN when aliased or unavailable), in the model's units (MW per unit of
 * the term; log-MW for 'transform log'). Any out pointer may be NULL.
 * Errors: HR_EINVAL (m NULL, i out of range). Thread-safe. */
HR_API int hr_model_coef(const hr_model *m, size_t i, const char **name, double *value,
                         double *se);

/* Caller-owned forecast buffers: cap >= horizon. lo/hi hold nlevels blocks
 * of cap values (level j at lo[j*cap ...]); either may be NULL. t_utc may be
 * NULL. */
typedef struct {
    size_t cap;
    int64_t *t_utc;  /* [cap] hour-beginning UTC                   */
    double *mean;    /* [cap] MW                                     */
    double *lo, *hi; /* [nlevels*cap] MW                             */
} hr_forecast_buf;

/* Forecast the `horizon` hours after the last hour with load in region
 * `region` of s (a model is applied to the region of its name when
 * region == (size_t)-1). levels: nlevels central interval levels in percent
 * (80, 95). Models with weather terms read the future temperatures from s's
 * hours after the last load and fail with HR_EDATA when they are missing.
 * Writes out->mean[0..horizon) (MW), out->t_utc, and lo/hi when not NULL;
 * nothing is retained. Errors: HR_EINVAL (NULL m, s, out or out->mean,
 * horizon 0 or > cap, levels NULL with nlevels > 0, a level outside
 * (0, 100), region out of range), HR_ENOTFOUND (no region of the model's
 * name, no load column, unknown zone), HR_EDATA (no load, missing
 * temperatures), HR_EFORMAT (model and its specification disagree),
 * HR_ENOMEM. Thread-safe: m and s are only read. */
HR_API int hr_model_forecast(const hr_model *m, const hr_series *s, size_t region,
                             size_t horizon, const double *levels, size_t nlevels,
                             hr_forecast_buf *out);

/* npaths simulated sample paths (MW) of the `horizon` hours after the last
 * load into the caller's paths[horizon * npaths]: path j, hour k at
 * paths[j*horizon + k] (column-major horizon x npaths), seeded and
 * reproducible for a given (m, s, seed). region as for hr_model_forecast.
 * Errors: as hr_model_forecast (HR_EINVAL also for paths NULL, horizon 0 or
 * npaths 0). Thread-safe: m and s are only read. */
HR_API int hr_model_simulate(const hr_model *m, const hr_series *s, size_t region,
                             size_t horizon, size_t npaths, uint64_t seed, double *paths);

/* ------------------------------------------------- atomic output files */

/* An output file that readers see either complete or not at all (also
 * after a crash or kill -9): written under a temporary name beside path
 * (an unnamed file where the file system allows), then flushed, fsync'd
 * and renamed over path by hr_outfile_commit. Temporaries left by killed
 * writers of the same path are removed at the next hr_outfile_open. */
typedef struct hr_outfile hr_outfile;
/* Errors: HR_EINVAL, HR_EIO (hr_last_error: "path: reason"), HR_ENOMEM. */
HR_API int hr_outfile_open(const char *path, hr_outfile **out);
/* The stream to write to (owned by f; do not fclose it). */
HR_API FILE *hr_outfile_stream(hr_outfile *f);
/* Put the file in place and free f. Errors: HR_EIO (any write error, e.g.
 * a full disk; the temporary is removed and path is left as it was),
 * HR_EINVAL (NULL). */
HR_API int hr_outfile_commit(hr_outfile *f);
/* Drop what was written (path unchanged) and free f; NULL: no-op. */
HR_API void hr_outfile_abort(hr_outfile *f);

/* Save n models to path as versioned text (written with the atomic writer
 * above: unique temporary, fsync, rename over path). Errors:
 * HR_EINVAL (models or path NULL or empty, n = 0, a NULL model), HR_EIO,
 * HR_ENOMEM. Thread-safe: the models are only read. */
HR_API int hr_model_save(const hr_model *const *models, size_t n, const char *path);
/* Load all models of a file. *models is a new array of *n models owned by
 * the caller: free array and models with hr_models_free (or take models out
 * and hr_model_free them, then free the array with hr_models_free(a, 0)).
 * Errors: HR_EINVAL (NULL argument), HR_EIO, HR_EFORMAT (malformed or
 * truncated: hr_last_error names file and line), HR_EVERSION, HR_ENOMEM. On
 * error *models = NULL and *n = 0. Thread-safe. */
HR_API int hr_model_load(const char *path, hr_model ***models, size_t *n);
/* Free an array returned by hr_model_load / hr_model_load_mem, with its first
 * n models; models == NULL: no-op. */
HR_API void hr_models_free(hr_model **models, size_t n);

/* Save n models as the same versioned text hr_model_save writes, into a new
 * buffer: on success *buf holds *len bytes of text followed by a NUL (not
 * counted in *len); the caller owns it and frees it with hr_free(). The
 * bytes equal those of a file written by hr_model_save for the same models.
 * Errors: HR_EINVAL (models, buf or len NULL, n = 0, a NULL model),
 * HR_ENOMEM. On error *buf = NULL and *len = 0. Thread-safe; the models are
 * only read. */
HR_API int hr_model_save_mem(const hr_model *const *models, size_t n, char **buf,
                             size_t *len);
/* Load all models from len bytes of model text at buf (as written by
 * hr_model_save / hr_model_save_mem; no NUL terminator needed, embedded NULs
 * are rejected). buf is only read and not retained. Results as for
 * hr_model_load (free with hr_models_free). Errors: HR_EINVAL (NULL
 * argument, len = 0), HR_EFORMAT (malformed or truncated: hr_last_error
 * names "(memory):LINE"), HR_EVERSION (written by a newer format version),
 * HR_ENOMEM. On error *models = NULL and *n = 0. Thread-safe. */
HR_API int hr_model_load_mem(const void *buf, size_t len, hr_model ***models, size_t *n);
/* Free memory the library allocated for the caller (hr_model_save_mem's
 * buffer). hr_free(NULL) is a no-op. Thread-safe. */
HR_API void hr_free(void *p);

/* ---------------------------------------------------------------- backtest */
/* @section backtest */

/* Rolling-origin evaluation. For origin k = 0..origins-1 at t_k = start +
 * k*step hours, the model is fitted on the hours before t_k (the last
 * `window` hours, 0 = all; refitted every refit_every origins, the state
 * updated with fixed parameters in between) and forecasts hours
 * t_k+lead .. t_k+lead+horizon-1. Baselines on exactly the same hours:
 * snaive24, snaive168 and ba_forecast (the data's forecast_mw) when present.
 * Hours whose actual load is missing or was flagged by screening, or where
 * ba_forecast is missing, are excluded for every model alike and counted. */
typedef struct {
    hr_fit_opts fit;        /* the model and its options                    */
    int64_t start_utc;      /* first origin [required]                      */
    size_t origins;         /* [1]                                          */
    size_t step;            /* hours between origins [24]                   */
    size_t lead;            /* hours from origin to the first forecast [0]  */
    size_t horizon;         /* hours forecast per origin [24]               */
    size_t refit_every;     /* origins per refit [7]                        */
    size_t window;          /* training hours, 0 = all before the origin [0]*/
    int threads;            /* origins in parallel [2]                      */
    int by_horizon;         /* also rows per lead hour                      */
    int keep_hours;         /* keep per-hour forecasts (hr_backtest_hour_get) */
} hr_backtest_opts;
/* Fill *o with the defaults in brackets above (NULL is a no-op; start_utc
 * is left INT64_MIN and must be set). Thread-safe. */
HR_API void hr_backtest_opts_init(hr_backtest_opts *o);

/* One row of metrics (Hyndman & Athanasopoulos, FPP3 ch. 5.8-5.9). */
typedef struct {
    const char *model;   /* owned by the result                             */
    int horizon;         /* 0 = all hours; h >= 1 = lead hour h only         */
    size_t n;            /* hours scored                                     */
    size_t excluded;     /* hours excluded for every model                   */
    double mae, rmse;    /* MW                                               */
    double mape;         /* percent                                          */
    double mase;         /* MAE / in-sample seasonal-naive-168 MAE of the training window */
    double coverage80, coverage95; /* fraction of actuals inside the intervals */
    double winkler95;    /* Winkler (1972) interval score at 95 %, MW        */
    double pinball;      /* pinball loss averaged over quantiles 0.01..0.99, MW */
} hr_backtest_row;

/* One forecast hour of one model. */
typedef struct {
    const char *model;          /* owned by the result                      */
    int64_t origin_utc, t_utc;  /* hour-beginning UTC                       */
    double actual, mean, lo80, hi80, lo95, hi95; /* MW                      */
} hr_backtest_hour;

typedef struct hr_backtest hr_backtest;
/* Run the backtest on region `region` of s. On success *out is a new result
 * owned by the caller (hr_backtest_free). Errors: HR_EINVAL (NULL argument,
 * region out of range, origins / step / horizon / refit_every 0, origins,
 * step, lead, horizon or (origins - 1) * step above 3,000,000 hours (longer
 * than any grid), start_utc unset or off the hour), HR_ENOTFOUND (no load),
 * HR_EDATA (an origin after the end of the data, under 216 hours before the
 * first), and the errors of hr_model_fit. Forecast hours after the end of
 * the data are not scored (they count as excluded). Thread-safe: s and o
 * are only read; o->threads worker threads are joined before the call
 * returns. */
HR_API int hr_backtest_run(const hr_series *s, size_t region, const hr_backtest_opts *o,
                           hr_backtest **out);
/* Rows and (with keep_hours) per-hour forecasts of a result: counts are 0
 * for b == NULL; _get copies entry i (its strings owned by b, valid until
 * b is freed). Errors: HR_EINVAL (NULL argument, i out of range). Read-only:
 * safe from several threads at once. hr_backtest_free(NULL) is a no-op. */
HR_API size_t hr_backtest_row_count(const hr_backtest *b);
HR_API int hr_backtest_row_get(const hr_backtest *b, size_t i, hr_backtest_row *row);
HR_API size_t hr_backtest_hour_count(const hr_backtest *b);
HR_API int hr_backtest_hour_get(const hr_backtest *b, size_t i, hr_backtest_hour *h);
HR_API void hr_backtest_free(hr_backtest *b);

/* Metrics of n forecasts with Gaussian predictive distributions
 * N(mean[i], sd[i]^2) against actual[i]; scale[i] is the MASE denominator for
 * hour i (NULL: mase = NaN). Hours with a NaN actual, mean or sd, or an
 * actual of 0 (MAPE undefined), are skipped; n = 0 gives an empty row.
 * Units as hr_backtest_row; row->model is "" (static). Errors: HR_EINVAL
 * (actual, mean, sd or row NULL). Thread-safe; nothing is retained. */
HR_API int hr_metrics(const double *actual, const double *mean, const double *sd,
                      const double *scale, size_t n, hr_backtest_row *row);

/* ---------------------------------------------------------------- headroom */
/* @section headroom */
/*
 * Headroom (docs/headroom.md; Norris et al. 2025, "Rethinking Load
 * Growth", Duke Nicholas Institute). For hourly load D_t, threshold T_t and
 * an added load L with hourly shape s_t (flat: s_t = 1):
 *   C_t(L) = min(L s_t, max(0, D_t + L s_t - T_t))       curtailed MW
 *   r_y(L) = sum_{t in y} C_t / sum_{t in y} L s_t       yearly rate
 *   headroom(b) = largest L with mean_y r_y(L) <= b, solved exactly (the rate
 *   is monotone and piecewise of the form a - c/L) and rounded DOWN to 0.1 MW.
 * A contract may add caps on event length, events and curtailed hours per
 * year, ask for the budget in every year, and add on-site storage; each is
 * solved exactly or by bisection on a quantity monotone in L (see
 * src/assess/flex.c), and the row names what binds.
 * Study years are whole calendar years (UTC). Hours with NaN load are left
 * out of both sums and counted. Thread-safe; nothing is retained.
 */
#define HR_MAX_BUDGETS 8
/* Largest curtailment budget, %: beyond half of the added load's energy
 * curtailed, the "added load" is mostly not served. */
#define HR_MAX_BUDGET_PCT 50.0
#define HR_CURVE_MAX 401 /* curve points: up to 100 % of peak in 0.25 % steps */
#define HR_MAX_FUELS 24

/* Threshold kinds. */
enum {
    HR_THRESH_SEASONAL = 0, /* highest Jun-Aug and Dec-Feb peaks of the study years;
                               Apr-May, Sep-Oct use summer, Mar and Nov winter */
    HR_THRESH_ANNUAL,       /* one threshold: the highest hour of the study years */
    HR_THRESH_CAPACITY      /* caller's threshold_summer_mw / threshold_winter_mw */
};
/* Seasons of the threshold mapping (and of hr_assess_month_season). */
enum { HR_SEASON_WINTER = 0, HR_SEASON_SUMMER = 1 };

typedef struct {
    double budgets_pct[HR_MAX_BUDGETS]; /* curtailment budgets, % (0 < b <= 50);
                                           default 0.25, 0.5, 1, 5                */
    size_t nbudgets;                    /* default 4                              */
    int threshold_kind;                 /* HR_THRESH_*; default SEASONAL          */
    double threshold_summer_mw;         /* HR_THRESH_CAPACITY only                */
    double threshold_winter_mw;         /* HR_THRESH_CAPACITY only                */
    int season_slack;                   /* 1 (default): a seasonal peak may fall one
                                           month outside its window (May-Sep,
                                           Nov-Mar), as the study did for CAISO, FPL
                                           and AZPS; 0: strict Jun-Aug, Dec-Feb      */
    int year_from, year_to;             /* study years (UTC, whole calendar years);
                                           0, 0 (default) = every whole year present */
    const double *profile;              /* shape s_t of the added load, or NULL =
                                           flat. 24 values = by UTC hour of day,
                                           168 = by UTC hour of week from Monday
                                           00:00, 8760 = by hour of year (Feb 29
                                           repeats Feb 28). Must average 1 (within
                                           1e-3) and be >= 0. Not retained.          */
    size_t profile_len;                 /* 0, 24, 168 or 8760                     */
    double curve_step_pct_peak;         /* curve step, % of peak; default 0.25     */
    double curve_max_pct_peak;          /* curve end, % of peak; default 25        */
    /* Flexible-load contract (library 0.3). Each cap is off at 0. An event is
     * a run of consecutive hours with curtailment (a missing hour ends it; a
     * run crossing New Year counts in the year it starts). */
    int max_event_hours;                /* no event longer than this              */
    int max_events_per_year;            /* events starting in any study year      */
    int max_hours_per_year;             /* curtailed hours in any study year      */
    int every_year;                     /* 1: the budget holds in each study year,
                                           not only on the mean of the years      */
    int season_slack_by[2];             /* slack per season (HR_SEASON_*), -1 =
                                           season_slack; default -1, -1            */
    /* On-site storage, off at battery_pct 0: power battery_pct % of the added
     * load L, energy battery_hours x that power, round-trip efficiency
     * battery_eff on charging (default 0.85), full at the first study hour.
     * Hourly: when need_t = min(L s_t, max(0, D_t + L s_t - T_t)) > 0 it
     * discharges x = min(need_t, power, stored) and need_t - x is curtailed;
     * otherwise it draws min(power, T_t - D_t - L s_t, (capacity - stored) /
     * eff) from the grid and stores eff times that. */
    double battery_pct, battery_hours, battery_eff; /* [0, 4, 0.85] */
} hr_assess_opts;

/* Fill *o with the defaults above (NULL is a no-op). Thread-safe. */
HR_API void hr_assess_opts_init(hr_assess_opts *o);

/* One row of the headroom table (one budget). Hour counts are per year
 * (mean over the study years). */
typedef struct {
    double budget_pct;               /* the budget b, %                               */
    double headroom_mw;              /* largest L (MW, multiple of 0.1) within b       */
    double headroom_pct_peak;        /* 100 * headroom_mw / peak_mw                   */
    double curtailed_hours_per_year; /* hours with C_t > 0                            */
    double hours_ge50, hours_ge75, hours_ge90; /* curtailed hours keeping >= 50/75/90 %
                                                  of the added load                   */
    double mean_event_hours;         /* mean length of runs of curtailed hours (0: none) */
    double max_event_hours;          /* longest run (runs cross year boundaries)     */
    double peak_mw;                  /* peak load over the study years               */
    double load_factor;              /* mean / peak load over the study years        */
    /* library 0.3 */
    double events_per_year;          /* events (runs of curtailed hours) per year    */
    double rate_pct;                 /* mean over years of the yearly rate, %        */
    double worst_year_rate_pct;      /* highest yearly rate, %                       */
    double battery_cycles_per_year;  /* discharged energy / capacity per year (0: none) */
    unsigned binding;                /* HR_BIND_* limits that 0.1 MW more would break */
} hr_headroom_row;

/* The HR_BIND_* bits of binding as "budget+event-length" (names: budget,
 * every-year, event-length, events, hours; "" for 0) into buf[cap]; the
 * length it needs, as snprintf. Thread-safe. */
HR_API int hr_assess_binding_text(unsigned binding, char *buf, size_t cap);

/* Limits of a headroom (hr_headroom_row.binding, hr_campus.broken). */
enum {
    HR_BIND_BUDGET = 1,      /* the mean yearly rate reaches the budget             */
    HR_BIND_EVENT_HOURS = 2, /* max_event_hours                                     */
    HR_BIND_EVENTS = 4,      /* max_events_per_year                                 */
    HR_BIND_HOURS = 8,       /* max_hours_per_year                                  */
    HR_BIND_EVERY_YEAR = 16  /* the budget in the worst year (every_year)           */
};

/* The result of one assessment (plain data, caller-owned; ~25 kB). */
typedef struct {
    int year_from, year_to;          /* study years used                              */
    size_t nyears;
    double threshold_summer_mw;      /* thresholds used (equal for ANNUAL)            */
    double threshold_winter_mw;
    size_t hours;                    /* hours in the study years                      */
    size_t missing_hours;            /* of which NaN load (left out)                  */
    double peak_mw, mean_mw, load_factor;
    size_t nrows;                    /* = opts nbudgets, in the opts order            */
    hr_headroom_row rows[HR_MAX_BUDGETS];
    /* curtailed hours per year at each row's headroom by UTC month (0 = Jan)
     * and UTC hour of day */
    double curtailed_by_month_hour[HR_MAX_BUDGETS][12][24];
    /* rate-versus-added-load curve: curve_rate_pct[k] = 100 * mean_y r_y(L_k)
     * at L_k = curve_added_mw[k] = (k+1) * step * peak / 100 */
    size_t ncurve;
    double curve_added_mw[HR_CURVE_MAX];
    double curve_rate_pct[HR_CURVE_MAX];
    /* library 0.3: the hour that set each seasonal threshold (HR_SEASON_*;
     * -1 when the threshold was given) and how far it stands above the higher
     * of its two neighbouring hours, % (NaN if both are missing): a single
     * hour far above its neighbours is a likely data error. */
    int64_t peak_hour_utc[2];
    double peak_jump_pct[2];
} hr_assessment;
/* 1 if the threshold of season (HR_SEASON_*) of a is set by one hour more
 * than 5 % above both its neighbouring hours (the real peaks of the shared
 * EIA-930 BAs stand at most ~3 % above a neighbour; a spike is a likely data
 * error that sets the region's headroom), with "the summer threshold is set
 * by one hour (TIME) 10 % above both neighbouring hours" in buf[cap]; else 0.
 * The summer one is not repeated when the same hour sets both. */
HR_API int hr_assess_peak_warning(const hr_assessment *a, int season, char *buf, size_t cap);

/* Season of month (1-12) in the threshold mapping: HR_SEASON_WINTER for
 * Nov-Mar, HR_SEASON_SUMMER for Apr-Oct; -1 for an invalid month. */
HR_API int hr_assess_month_season(int month);

/* Headroom of region `region` of s (column load_mw, or load_raw_mw when the
 * series has no load_mw). o may be NULL (defaults). Fills *out.
 * Errors: HR_EINVAL (s or out NULL, region out of range; bad options:
 * budget out of (0, HR_MAX_BUDGET_PCT] or NaN, nbudgets 0 or > HR_MAX_BUDGETS, unknown
 * threshold kind, bad profile length, values or mean, capacity threshold
 * not positive, curve step not positive, year_from > year_to, a negative
 * cap, every_year or a slack out of range, battery_pct outside [0, 1000],
 * battery_hours outside (0, 8760] or battery_eff outside (0, 1] with a
 * battery),
 * HR_ENOTFOUND (no load column),
 * HR_EDATA (no whole calendar year, a requested year not whole on the grid,
 * a year with no load), HR_ENOMEM. On error *out is unspecified. */
HR_API int hr_assess(const hr_series *s, size_t region, const hr_assess_opts *o,
                     hr_assessment *out);

/* The same on caller arrays: load_mw[n] on the hourly grid starting at
 * t0_utc (hour-beginning, a multiple of 3600), NaN = missing, MW. Errors:
 * as hr_assess (HR_EINVAL also for load_mw NULL, n = 0, t0_utc off the
 * hour). */
HR_API int hr_assess_arrays(int64_t t0_utc, const double *load_mw, size_t n,
                            const hr_assess_opts *o, hr_assessment *out);

/* Probabilistic headroom on simulated years. paths: npaths x nh values,
 * row-major (path p, hour h at paths[p*nh + h]) on the hourly grid starting
 * at t0_utc; each path is one period (its curtailment rate is not split by
 * year). Thresholds are the historical ones (T_t = summer_mw in Apr-Oct,
 * winter_mw in Nov-Mar); o supplies budgets and profile (o may be NULL).
 * headroom_mw: optional [npaths * nbudgets] (path-major), each rounded down
 * to 0.1 MW. quantiles: [nbudgets * 3] = P10, P50, P90 of the paths'
 * headroom per budget (linear interpolation, R's quantile type 7).
 * Errors: HR_EINVAL, HR_EDATA (a path with no finite hour), HR_ENOMEM. */
HR_API int hr_assess_paths(int64_t t0_utc, const double *paths, size_t nh, size_t npaths,
                           double threshold_summer_mw, double threshold_winter_mw,
                           const hr_assess_opts *o, double *headroom_mw, double *quantiles);

/* A campus of a given size (the inverse question): what it would see under
 * the thresholds, storage and caps of o (budgets are not used). */
typedef struct {
    double size_mw;
    double curtailed_pct;            /* mean over years of the yearly rate, %        */
    double worst_year_pct;           /* highest yearly rate, %                       */
    double curtailed_hours_per_year;
    double events_per_year;
    double mean_event_hours;         /* 0 without events                             */
    double max_event_hours;
    double battery_cycles_per_year;
    unsigned broken;                 /* HR_BIND_EVENT_HOURS / _EVENTS / _HOURS caps of
                                        o this size exceeds                         */
} hr_campus;

/* The campus of size_mw (> 0) in region `region` of s; errors as hr_assess
 * (HR_EINVAL also for size_mw not a positive finite number). */
HR_API int hr_assess_size(const hr_series *s, size_t region, const hr_assess_opts *o, double size_mw,
                          hr_campus *out);
/* The same on caller arrays (as hr_assess_arrays). */
HR_API int hr_assess_size_arrays(int64_t t0_utc, const double *load_mw, size_t n, const hr_assess_opts *o,
                                 double size_mw, hr_campus *out);

/* Generation mix overall and during curtailment (shares in %). A fuel's
 * generation is its positive part (net generation below zero, e.g. storage
 * charging, is consumption). Carbon-free: nuclear, hydro, wind, solar,
 * geothermal and storage discharge (battery / pumped storage). */
typedef struct {
    size_t nfuels;
    char fuel[HR_MAX_FUELS][48];         /* "nuclear" from column gen_nuclear_mw     */
    int carbon_free[HR_MAX_FUELS];       /* 1 if counted as carbon-free              */
    double share_all_pct[HR_MAX_FUELS];  /* share of generation over the study hours */
    double carbon_free_all_pct;
    size_t nrows;                        /* = the assessment's nrows                */
    /* weighted by curtailed MWh at each row's headroom; NaN if no curtailment */
    double share_curtailed_pct[HR_MAX_BUDGETS][HR_MAX_FUELS];
    double carbon_free_curtailed_pct[HR_MAX_BUDGETS];
    size_t hours_used;                   /* study hours with load and all fuels     */
    size_t hours_skipped;                /* study hours left out (a NaN or no generation) */
} hr_genmix;

/* Generation mix of region `region` of s from its gen_<fuel>_mw columns,
 * with a = the result of hr_assess(s, region, o, a) for the same o.
 * Errors: HR_EINVAL (NULL s, a or out, region out of range, bad options),
 * HR_ENOTFOUND (no load or no gen_*_mw column), HR_EDATA, HR_ENOMEM. */
HR_API int hr_assess_genmix(const hr_series *s, size_t region, const hr_assess_opts *o,
                            const hr_assessment *a, hr_genmix *out);

/* Hours of calendar year `year` (UTC, Gregorian): 8784 in leap years, else
 * 8760. Pure; thread-safe. */
HR_API size_t hr_year_hours(int year);

/* Year-ahead load scenarios for probabilistic headroom (src/model/scenario.c has
 * the method and its references): S simulated hourly load paths of calendar
 * year `year` (UTC, from year-01-01T00:00:00Z) for the region of s the model
 * was fitted to (region index, or (size_t)-1 = the model's region by name).
 * Each path = the model's regression mean for that year (calendar, a trend
 * shrunk by its reliability on the scale of years; with temperature terms,
 * the temperatures of a historical year shifted by up to +-3 days) + the
 * residuals of one whole training year (drawn per path, shifted by up to
 * +-3 days, around that year's own mean; residuals of a model without logs
 * are resampled as ratios to the mean) + one level per path (Student t with
 * the prediction variance of a new year's level, a prior for short
 * histories, and a random walk for each year beyond the first after
 * training); the error model's conditional mean at the end of training is
 * added, tapered to zero over four weeks. The whole path is then scaled by
 * (1 + growth_pct/100)^years, years counted from the hour after the last
 * training hour (0 before it): growth on top of the model's own trend.
 * paths: [S * hr_year_hours(year)] MW, row-major (path p, hour h at
 * paths[p*nh + h]), the layout hr_assess_paths reads. With under 2 years of
 * training a plain 'trend' term is held at its value at the centre of the
 * training window (a trend fitted within one year cannot be told from the
 * annual cycle: the level stays the training year's).
 * Reproducible: path p depends only on (m, s, seed, p), not on S or on any
 * thread count. For a held-out check, fit the model on the years before
 * `year`. Errors: HR_EINVAL (NULL, S = 0, growth_pct <= -100, year outside
 * 1900-9999, a model with load-lag terms), HR_ENOTFOUND (no load, or no
 * temp_c for a weather model), HR_EDATA (the training window on s's grid
 * does not cover every week of the year, a trend inside an interaction
 * with under 2 years of training, or a weather model has no whole year of temperatures in
 * it), HR_EFORMAT (model and specification
 * disagree), HR_ENOMEM. m and s are only read. */
HR_API int hr_scenarios(const hr_model *m, const hr_series *s, size_t region, int year,
                        size_t S, double growth_pct, uint64_t seed, double *paths);

/* ---------------------------------------------------------------- outlook */
/*
 * Forward headroom (src/outlook/outlook.c has the method): for each
 * forecast year, P10/P50/P90 of the headroom of S scenario paths
 * (hr_scenarios) of a model fitted on every hour before the first forecast
 * year, against the thresholds of the historical study years, after the
 * committed loads; where the history allows, the spread is calibrated on
 * the region's own rolling one-year-ahead hindcasts. Thread-safe; nothing is
 * retained; no output.
 */
#define HR_OUTLOOK_MAX_YEARS 10
#define HR_HINDCAST_MAX_YEARS 40

/* A large load already committed in a region (queued or under
 * construction): mw from start_utc on, ramping in linearly over ramp_days
 * (0: at once), shaped like hr_assess_opts.profile (NULL: flat). */
typedef struct {
    const char *region;      /* region name (NULL: every region)              */
    int64_t start_utc;
    double mw;               /* > 0                                            */
    const double *profile;   /* NULL, or 24 / 168 / 8760 values averaging 1    */
    size_t profile_len;
    double ramp_days;        /* [Default of the CLI: 365]                      */
} hr_committed_load;

typedef struct {
    int year_from, year_to;       /* forecast years; year_to 0 = year_from; at most
                                     HR_OUTLOOK_MAX_YEARS                          */
    size_t scenarios;             /* paths per year [Default: 200]                 */
    double growth_pct;            /* annual load growth on top of the model's trend,
                                     compounding from the end of training [0]      */
    double threshold_growth_pct;  /* annual growth of the thresholds, compounding
                                     from the last study year [0]                  */
    uint64_t seed;                /* [Default: 1]                                  */
    const hr_committed_load *committed; /* not retained                            */
    size_t ncommitted;
    int calibrate;                /* 1: scale the P10-P90 spread by the region's
                                     hindcasts (hr_hindcast_run) of the years before
                                     the first forecast year, where it has any
                                     [Default: 1]                                  */
} hr_outlook_opts;
/* Fill *o with the defaults above (NULL is a no-op). Thread-safe. */
HR_API void hr_outlook_opts_init(hr_outlook_opts *o);

typedef struct {
    int year;                        /* forecast year                              */
    int64_t train_from_utc, train_to_utc; /* the model's training hours             */
    int hist_year_from, hist_year_to;/* study years of thresholds and history      */
    double threshold_summer_mw;      /* thresholds of this year (with growth)      */
    double threshold_winter_mw;
    size_t scenarios;
    double committed_mw;             /* mean committed load over the year          */
    size_t calib_years;              /* hindcasts behind the spread factor (0: none) */
    size_t nbudgets;
    double budget_pct[HR_MAX_BUDGETS];
    double spread[HR_MAX_BUDGETS];   /* factor applied to P10-P50 and P50-P90 (1: none) */
    double p10_mw[HR_MAX_BUDGETS], p50_mw[HR_MAX_BUDGETS], p90_mw[HR_MAX_BUDGETS];
    double headroom_hist_mw[HR_MAX_BUDGETS]; /* historical headroom, study years  */
} hr_outlook_year;

typedef struct {
    size_t nyears;
    hr_outlook_year y[HR_OUTLOOK_MAX_YEARS];
} hr_outlook;

/* Forward headroom of region `region` of s. fit, ao may be NULL (defaults:
 * model "auto", budgets 0.25/0.5/1/5); ao's study years (0 = every whole
 * year before the first forecast year) give the thresholds and the
 * historical headroom; with HR_THRESH_CAPACITY its thresholds are used.
 * Errors: HR_EINVAL (NULL s or out, bad options: no forecast year, more than
 * HR_OUTLOOK_MAX_YEARS, scenarios 0, growth <= -100 %, a committed load
 * without positive mw or with a bad profile), those of hr_assess,
 * hr_model_fit and hr_scenarios, HR_ENOMEM. */
HR_API int hr_outlook_run(const hr_series *s, size_t region, const hr_fit_opts *fit,
                          const hr_assess_opts *ao, const hr_outlook_opts *o, hr_outlook *out);

typedef struct {
    int year;                        /* held-out year                              */
    int train_year_from, train_year_to; /* its training years                      */
    double threshold_summer_mw, threshold_winter_mw; /* training years' peaks      */
    double p10_mw[HR_MAX_BUDGETS], p50_mw[HR_MAX_BUDGETS], p90_mw[HR_MAX_BUDGETS];
    double realised_mw[HR_MAX_BUDGETS]; /* the year's headroom at those thresholds */
} hr_hindcast_year;

typedef struct {
    size_t nyears, nbudgets;
    double budget_pct[HR_MAX_BUDGETS];
    size_t scenarios;
    hr_hindcast_year y[HR_HINDCAST_MAX_YEARS];
    double coverage[HR_MAX_BUDGETS];     /* share of years with P10 <= realised <= P90 */
    double median_ratio[HR_MAX_BUDGETS]; /* median realised / P50 (years with P50 > 0;
                                            NaN: none)                             */
} hr_hindcast;

/* Rolling one-year-ahead hindcast of region `region` of s: for every whole
 * year with at least one whole year of load before it (a year that cannot
 * be forecast, e.g. after a long gap, is left out), the forecast of
 * hr_outlook_run from the years before (o->scenarios, o->seed,
 * o->calibrate; no growth, no committed load) against the realised
 * headroom of that year at the training years' thresholds (ao's budgets,
 * threshold kind and profile; its study years are ignored); each year's
 * P10-P90 calibrated (o->calibrate) from the years before it only. No such
 * year: HR_EDATA. Other errors as hr_outlook_run. */
HR_API int hr_hindcast_run(const hr_series *s, size_t region, const hr_fit_opts *fit,
                           const hr_assess_opts *ao, const hr_outlook_opts *o, hr_hindcast *out);

/* ---------------------------------------------------------------- report */

/* The batch site-selection report (docs/report.md): for every region
 * of the inputs, data quality, a day-ahead backtest of the model against the
 * baselines over the last year, a 14-day forecast, deterministic and
 * probabilistic headroom, and the generation mix where the data has one;
 * written atomically to outdir (index.html, regions.csv, regions.json,
 * run.json). */
typedef struct {
    hr_ingest_opts ingest;      /* how the inputs are read                       */
    hr_fit_opts fit;            /* forecasting model [Default: model "auto"]     */
    hr_assess_opts assess;      /* budgets, thresholds, profile                  */
    double rank_budget_pct;     /* ranking budget [Default: 0.5]                 */
    size_t backtest_days;       /* day-ahead origins, last days [Default: 365]   */
    size_t forecast_hours;      /* [Default: 336 = 14 days]                      */
    size_t scenarios;           /* simulated next years [Default: 100]           */
    double growth_pct;          /* annual load growth of the scenarios [0]       */
    uint64_t seed;              /* scenario seed [Default: 1]                    */
    int threads;                /* regions in parallel, and the read's threads when
                                   ingest.threads is 0 [Default: 2]           */
    const char *options_text;   /* shown in run.json (e.g. the command line)     */
    /* Optional progress callback: done of total regions finished. Called
     * from worker threads, serialised by the library. */
    void (*progress)(size_t done, size_t total, void *ud);
    void *progress_ud;
    int fail_after_files;       /* test hook: fail after writing k files         */
    int keep_going;             /* 1: a stage that failed for a region (listed at
                                   the top of the page and in run.json) does not
                                   fail the call [Default: 0]                   */
    /* library 0.3: the contract view. The headroom table is the study's (the
     * contract terms of `assess` are left out of it); when assess carries
     * contract terms (caps, every_year, storage) each region also gets the
     * headroom under them at the ranking budget, with what binds. */
    double campus_mw;           /* "for a campus of X MW" view, 0 = none [500]    */
    int rank_by;                /* HR_RANK_STUDY or HR_RANK_CONTRACT [STUDY]      */
} hr_report_opts;
enum { HR_RANK_STUDY = 0, HR_RANK_CONTRACT = 1 };
/* Fill *o with the defaults in brackets above and those of the embedded
 * ingest / fit / assess options (NULL is a no-op). Thread-safe. */
HR_API void hr_report_opts_init(hr_report_opts *o);

/* Run the report over npaths input files into outdir (built in a temporary
 * directory, then renamed into place).
 * Errors: HR_EINVAL (paths, o or outdir NULL, npaths 0, assess options
 * hr_assess would reject, rank_budget_pct not one of the budgets, rank_by
 * HR_RANK_CONTRACT without contract terms, campus_mw negative), those of
 * hr_series_read, HR_EIO (outdir), HR_ENOMEM; HR_EDATA when a stage
 * (headroom, backtest, forecast, scenarios) failed for a region: the report
 * is then still written, with those sections empty and the failures listed
 * at the top of the page, in run.json and through o->fit.log; with
 * o->keep_going the call returns HR_OK for such a report. Thread-safe for
 * distinct outdirs: o->threads worker threads are joined before the call
 * returns; o is not retained. */
HR_API int hr_report(const char *const *paths, size_t npaths, const hr_report_opts *o,
                     const char *outdir);

/* ---------------------------------------------------------------- bindings */

/* Layout of the public structs for language bindings (python/headroom):
 * with field NULL, *size = sizeof(type) and *offset = 0; else the member's
 * offsetof and sizeof (an array member: the whole array). type and field
 * are spelt as above ("hr_fit_opts", "models_dir"); the structs of the
 * read, fit, forecast, assess and report calls are covered. Either out
 * pointer may be NULL. Errors: HR_EINVAL (type NULL), HR_ENOTFOUND (no such
 * type or member). Thread-safe. */
HR_API int hr_layout(const char *type, const char *field, size_t *offset, size_t *size);

#ifdef __cplusplus
}
#endif
#endif /* HEADROOM_H */
