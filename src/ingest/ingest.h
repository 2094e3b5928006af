/* ingest.h — file ingestion: CSV tokenising, format readers, gridding (private).
 *
 * file.c drives libcsv over a whole-file buffer and hands every field to
 * the column handlers the format reader set up from the header; each data
 * row is finished by the reader's row hook, which pushes (t, values...) into
 * a per-(region, file, column set) chunk. Once every file is read the chunks
 * of a region are merged onto one hourly UTC grid (duplicates, DST repeats,
 * overlaps between files), then the load is screened.
 *
 * Readers live in read_eia.c (eia930, eia930-ba, us48), read_iso.c
 * (ercot-native, ercot-fuel, pjm-gen) and read_generic.c (long, series,
 * weather and the PJM zone-load preset); the driver's own files are listed
 * in ingest_int.h. */
#ifndef HR_INGEST_H
#define HR_INGEST_H
#include "headroom.h"
#include "time/calendar.h"
#include <stddef.h>
#include <stdint.h>

#define ING_MAXSLOTS 128  /* values per row a reader may collect        */
#define ING_NAMELEN 96    /* region / key / column name buffer          */

/* Role of one header column. */
enum {
    COL_SKIP = 0,
    COL_TIME,   /* a whole timestamp                                  */
    COL_DATE,   /* a date (time of day from COL_HOUR)                 */
    COL_HOUR,   /* hour number 0-24                                   */
    COL_YEAR, COL_MONTH, COL_DAY,
    COL_REGION, /* region name per row                               */
    COL_KEY,    /* fuel / series type per row (long-by-key formats)  */
    COL_VAL,    /* number into slot                                  */
    COL_LABEL   /* screening label into slot as hr_flag code         */
};
/* Unit transforms of COL_VAL. */
enum { XF_NONE = 0, XF_F2C, XF_K2C };
/* Missing-value spellings accepted besides the empty field. */
enum { MISS_NONE = 0, MISS_EIA = 1 /* MISSING, EMPTY */, MISS_NA = 2 /* NA, NaN, nan */ };

typedef struct {
    uint8_t role, xf, miss, avg; /* avg: slot takes the mean of its columns */
    uint8_t need_hour;           /* COL_TIME: a date alone is refused (daily data) */
    uint16_t slot;
    double scale;                /* multiply (after xf is NOT applied: power only) */
} ing_col;

typedef struct ing_ctx ing_ctx;
typedef struct ing_file ing_file;
typedef int (*ing_row_fn)(ing_file *f);

/* Per-file parse state; readers fill the spec part from the header. */
struct ing_file {
    ing_ctx *ctx;
    const hr_ingest_opts *o;
    const char *path;       /* as given (used in messages)            */
    char stem[ING_NAMELEN]; /* file name without directory/extension  */
    size_t fileno;
    int status;             /* first error; later callbacks do nothing */
    /* line accounting */
    unsigned long line, nl_in_row;
    int prev_term;
    size_t nfield, nonempty;
    unsigned long nrows;    /* data rows seen                          */
    size_t nlines;          /* newlines in the file + 1 (chunk sizing) */
    /* header */
    int in_header;
    size_t nhdr;
    char **hdr;             /* [nhdr] owned copies (any number)        */
    size_t caphdr;
    /* spec (set by the reader's setup from the header) */
    int format;
    size_t ncol;
    ing_col *col;           /* [ncol], allocated when the header ends   */
    size_t nslot;
    char slot_name[ING_MAXSLOTS][ING_NAMELEN];
    const char *slotp[ING_MAXSLOTS];   /* -> slot_name[i]                */
    unsigned char slot_avg[ING_MAXSLOTS];
    ing_row_fn row;
    int mode;                /* reader-specific small state            */
    int join_key;            /* ingest_row_wide: region = REGION-KEY   */
    int off_hour;            /* some time so far is not on the hour    */
    const char *chunk_tz;    /* zone recorded with pushed rows (region tz) */
    /* DST repeat tracker: ambiguous local hours seen in this file */
    struct { uint64_t reg; int64_t key; int n; } *dstseen;
    size_t ndst, capdst;
    const char *region;      /* fixed region (NULL: per row)          */
    const char *tz_name;     /* zone for naive local times, NULL = UTC */
    const cal_tz *tz;
    int hour_ending, dayfirst;
    int dmy_dash, dmy_dot;   /* DMY_* masks of dates with '-' / '.'  */
    int dmy_slash;           /* and with '/'                          */
    int mdy_default;         /* the format's '/' dates are month-first */
    char delim;              /* field separator of the file            */
    /* row scratch */
    double val[ING_MAXSLOTS];
    unsigned char cnt[ING_MAXSLOTS];
    cal_civil civ;
    int have_time, has_off, off_s, dst;
    long y, mo, d, h;        /* COL_YEAR.. / COL_HOUR parts, -1 unset   */
    char regbuf[ING_NAMELEN], key[ING_NAMELEN];
    size_t time_col;         /* column index of the time (messages)    */
    /* an empty field where a value is needed: 1 + its column and the error,
     * raised at the row's end unless every field of the row is empty */
    size_t empty_col;
    char empty_msg[48];
    int gap;                 /* last ingest_row_time hit a DST gap     */
    /* caches of the last date: its text (fast_iso) and day number (month
     * 0, never valid, when empty) */
    int fd_ok;
    char fd_str[10];
    cal_civil fd_civ;
    int cd_y, cd_m, cd_d;
    int64_t cd_days;
    cal_civil gap_civ;
};

/* ---- helpers readers use (fields.c, rowtime.c, chunk.c) ---- */
/* Fast decimal parse of s[len] (spaces, quotes already removed by libcsv;
 * surrounding spaces and thousands separators "12,345.6" accepted).
 * Returns 0 and *v, 1 for an empty field, -1 if not a number. */
int ingest_parse_num(const char *s, size_t len, double *v);
/* Record an error for column j of the current row and return status. */
int ingest_col_err(ing_file *f, int status, size_t j, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Error for the current line without a column. */
int ingest_line_err(ing_file *f, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Case-insensitive compare of header field j against name. */
int ingest_hdr_is(const ing_file *f, size_t j, const char *name);
/* Index of header named name (case-insensitive), or -1. */
long ingest_hdr_find(const ing_file *f, const char *name);
/* Add an output slot named name; returns its index or -1 (too many). */
int ingest_slot(ing_file *f, const char *name);
/* Normalised fuel key of an EIA/ISO fuel name ("Natural Gas" -> "gas"). */
void ingest_fuel_key(const char *name, size_t len, char *out, size_t cap);
/* Lower-case slug of a name (non-alphanumeric runs -> '_'). */
void ingest_slug(const char *name, size_t len, char *out, size_t cap);
/* Load the zone for the file (f->tz_name); HR_ENOTFOUND if it does not exist. */
int ingest_set_tz(ing_file *f, const char *name);
/* UTC hour-beginning of the current row's time (COL_TIME or the parts),
 * honouring f->tz, f->hour_ending and DST repeats (first occurrence in the
 * file of an ambiguous local hour = earlier instant; a row flagged DST =
 * later). region keys the repeat tracker. occ >= 0 forces the occurrence.
 * Returns 0, -1 on error (recorded against the time column), or 1 when a
 * hour-beginning local time falls in the spring-forward gap (no error
 * recorded; the caller skips an empty row or reports it). */
int ingest_row_time(ing_file *f, const char *region, int occ, int64_t *t);
/* Same for an explicit civil local time (hour-beginning, no shift);
 * returns 1 (nothing recorded) for a time in the spring-forward gap. */
int ingest_local_time(ing_file *f, const cal_civil *c, const char *region, int occ, int dstflag,
                      int64_t *t);
/* Record the error for a local time c in the spring-forward gap; returns -1. */
int ingest_gap_err(ing_file *f, const cal_civil *c);
/* Push a row: region, hour t, the values of n slots whose names are
 * names[0..n) (values vals[0..n), NaN = missing, ING_ABSENT = not given). */
int ingest_push(ing_file *f, const char *region, int64_t t, size_t n,
                const char *const *names, const double *vals);
/* Payload marking "not given" (distinct from a missing NaN). */
double ingest_absent(void);
int ingest_is_absent(double v);

/* ---- reader setup hooks: return 1 if the header is theirs (auto), and set
 * up f; 0 if not recognised; or a negative/positive HR_E code on error via
 * f->status (they return -1 then). force = 1 when the format was named. */
int read_eia930_setup(ing_file *f, int force);
int read_eia930_ba_setup(ing_file *f, int force);
int read_us48_setup(ing_file *f, int force);
int read_ercot_native_setup(ing_file *f, int force);
int read_ercot_fuel_setup(ing_file *f, int force);
int read_pjm_gen_setup(ing_file *f, int force);
int read_long_setup(ing_file *f, int force);
int read_series_setup(ing_file *f, int force);
int read_weather_setup(ing_file *f, int force);
int read_pjm_zone_setup(ing_file *f, int force);
int read_eia_api_setup(ing_file *f, int force);
int read_gridstatus_setup(ing_file *f, int force);
/* Generic row hook: one row -> one push of all slots to f->region or the
 * COL_REGION value. */
int ingest_row_wide(ing_file *f);
/* A long-by-key row hook's end: the row's time, then its one value (slot 0)
 * under the column name `name` for region reg; a local time in the
 * spring-forward gap is an error. */
int ingest_row_one(ing_file *f, const char *reg, const char *name);

/* IANA zone of a known region name (EIA BA code, PJM-*, ERCO-*, ERCOT*) or NULL. */
const char *ingest_region_tz(const char *region);

/* hr_series_read with the csv_parse chunk size given (0 = default); tests
 * use it to check chunk-size independence. */
int ingest_read(const char *const *paths, size_t npaths, const hr_ingest_opts *o,
                size_t chunk, hr_series **out);

#endif
