/* ingest_int.h — the driver's internals shared by its files (private).
 *
 * ingest.h is what the format readers see; this header is what the pieces
 * of the driver share among themselves:
 *   chunk.c    rows pushed per (region, file, column set), the read context
 *   fields.c   libcsv field callback, numbers, messages, header helpers
 *   rowtime.c  zones, the UTC hour of a row (DST repeats and gaps), dates
 *   file.c     one file: read, format detection, libcsv driving
 *   grid.c     a region's chunks onto one hourly grid, then screening
 *   pool.c     the thread pool for files and regions
 *   ingest.c   hr_series_read and the other public entry points
 *   write_long.c  hr_series_write_long */
#ifndef HR_INGEST_INT_H
#define HR_INGEST_INT_H
#include "ingest/ingest.h"
#include "ingest/series.h"

#define ING_CHUNK_DEFAULT (1u << 20) /* bytes per csv_parse call */
#define ING_MAX_FIELD 65536          /* longest field accepted   */
#define ING_MAX_HOURS 3000000        /* ~340 years: larger spans are date typos */
/* Grids must be justified by their rows (docs/limits.md): a region's span
 * longer than ING_SPARSE_MIN_HOURS (3 years) needs a row for at least
 * ING_MIN_FILLED of its hours; the grids of all regions together may take
 * ING_GRID_SLACK bytes plus ING_GRID_FACTOR times the bytes of the values
 * given; more than ING_WARN_IMPUTED of a region's hours imputed is warned
 * of. */
#define ING_SPARSE_MIN_HOURS 26304
#define ING_GRID_SLACK (64.0 * 1048576)
#define ING_GRID_FACTOR 10
#define ING_MIN_FILLED 0.1
#define ING_WARN_IMPUTED 0.1
#define ING_MAX_THREADS 8

/* ---- chunks (chunk.c) */
typedef struct {
    char *region;
    size_t ncol;
    char **name;     /* [ncol] */
    const char *tz;  /* static or opts-owned zone name, may be NULL */
    size_t fileno;
    size_t seq;      /* creation order in its context (one file = one context) */
    size_t n, cap;
    int64_t *t;      /* [cap] UTC hour-beginning */
    uint32_t *line;  /* [cap] source line        */
    double **v;      /* [ncol][cap]              */
    int sub;         /* some t is not on the hour (sub-hourly rows) */
} ing_chunk;

struct ing_ctx {
    const hr_ingest_opts *o;
    const char *const *paths;
    ing_chunk **ck;
    size_t nck, capck;
    /* hash of the current file's chunks: slot -> chunk index + 1 */
    size_t *ht;
    size_t htcap, htn;
    ing_chunk *last;
    const char *last_reg;         /* pointer identity fast path (fixed regions) */
    const char *const *last_names;
    struct {
        char *name;
        cal_tz *z;
    } tzc[32];
    size_t ntz;
};

void ingest_chunk_free(ing_chunk *c);
/* Free what x holds (not x itself). */
void ingest_ctx_free(ing_ctx *x);
/* FNV-1a of s continuing from h (start: ING_FNV_SEED). */
uint64_t ingest_hash(const char *s, uint64_t h);
#define ING_FNV_SEED 1469598103934665603ULL

/* ---- fields (fields.c) */
/* libcsv field callback; data is the ing_file. */
void ingest_cb_field(void *s, size_t len, void *data);
/* libcsv row callback; c is the terminator, data the ing_file. */
void ingest_cb_row(int c, void *data);
/* The header row is complete: recognise the format (file.c). */
int ingest_header_done(ing_file *f);
/* Clear the row scratch before the next row. */
void ingest_row_reset(ing_file *f);
/* 1 if s[0..n) is UTF-8 text without control characters (tab allowed). */
int ingest_utf8_ok(const unsigned char *s, size_t n);

/* ---- dates (rowtime.c) */
/* 1 if c is a valid calendar date and time of day, hour 24 only at 24:00:00
 * (cal_civil_to_utc itself does not validate); inline: every row calls it. */
static inline int ingest_civil_ok(const cal_civil *c)
{
    static const int dim[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (c->month < 1 || c->month > 12 || c->day < 1 || c->day > dim[c->month - 1]) return 0;
    if (c->month == 2 && c->day == 29) {
        int y = c->year;
        if (!((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
    }
    if (c->hour < 0 || c->hour > 24 || c->minute < 0 || c->minute > 59 || c->second < 0 ||
        c->second > 60)
        return 0;
    if (c->hour == 24 && (c->minute || c->second)) return 0;
    return 1;
}
/* Dates N{1,2} sep N{1,2} sep N in b[0..n): a DMY_* mask (0: none). */
enum { DMY_SEEN = 1, DMY_DAY = 2, DMY_MONTH = 4 };
int ingest_detect_dmy(const char *b, size_t n, char sep);
/* The timestamps cal_parse_time does not read: ISO 8601 basic
 * (20150702T01Z) and dates with '-' or '.' ordered by f->dmy_dash/dot.
 * Into f->civ; 0, -1 not such a timestamp, -2 ambiguous (no day above 12
 * in the file), -3 both orders in the file. */
int ingest_parse_alt(ing_file *f, const char *s, size_t len, int *hoff, int *off, int *dst);

/* ---- one file (file.c) */
/* Parse file x->paths[fileno] into chunks of x; chunk = bytes per csv_parse. */
int ingest_read_file(ing_ctx *x, size_t fileno, size_t chunk);

/* A JSON file (read_eia_api.c): EIA API v2 responses are fed to the readers
 * as rows; anything else is refused. Sets f->status on error. */
void ingest_read_json(ing_file *f, const char *p, size_t n);

/* Rows la and lb of path (one hour, one region): 1 and the name of a text
 * column whose values differ in col, 0 if none does, -1 if unknown
 * (dupcheck.c). */
int ingest_dup_column(const hr_ingest_opts *o, const char *path, unsigned long la, unsigned long lb,
                      char *col, size_t cap);
/* The whole file into a 64-byte aligned buffer (free *mem). */
int ingest_read_whole(const char *path, char **mem, char **buf, size_t *len);

/* Sub-hourly chunk c (of file path) to hourly means (subhour.c). */
int ingest_subhourly(const hr_ingest_opts *o, const char *path, ing_chunk *c);

/* ---- gridding (grid.c) */
/* qsort order of chunk pointers: region, then file, then creation. */
int ingest_cmp_chunk(const void *a, const void *b);
/* Merge chunks ck[0..m) (one region, file order) into *r. */
int ingest_build_region(const ing_ctx *x, series_region *r, ing_chunk **ck, size_t m);
/* Bytes the grid of chunks ck[0..m) (one region) would take, and in
 * *given 8 bytes per value the chunks hold. */
double ingest_grid_bytes(ing_chunk *const *ck, size_t m, double *given);
/* load_mw and flags of r from its load_raw_mw; dup marks on_duplicate hours. */
int ingest_finish_load(series_region *r, const uint8_t *dup, int screen);
/* One info line per region through o->log. */
void ingest_log_summary(const hr_series *s, const hr_ingest_opts *o);

/* ---- threads (pool.c) */
typedef int (*ing_job_fn)(void *arg, size_t i, size_t th);
/* Threads worth starting for n jobs (1 = run on the caller). */
size_t ingest_pool_threads(const hr_ingest_opts *o, size_t n);
/* Run fn(arg, i, th) for i < n on nth threads, largest weight(warg, i)
 * first; the status of the lowest failing i (its message restored), or HR_OK. */
int ingest_pool_for_largest(ing_job_fn fn, void *arg, size_t n, size_t nth,
                            size_t (*weight)(const void *warg, size_t i), const void *warg);
#endif
