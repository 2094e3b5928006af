/* ingest.c — reading load files into an hr_series.
 *
 * Exports hr_ingest_opts_init, hr_series_read, hr_series_from_arrays,
 * hr_series_write_long, and for the readers and tests the ingest_* helpers of
 * ingest.h (ingest_read takes the csv_parse chunk size).
 *
 * Pipeline per file: one read() of the whole file into an aligned buffer, a
 * UTF-8 BOM skipped, then libcsv (strict, every newline reported so that line
 * numbers are exact) fed in large chunks. The first non-empty row is the
 * header: the format is recognised from it (or forced), and the reader sets a
 * role per column. Fields are converted inside the libcsv callback (numbers
 * with a hand-written exact decimal parser, timestamps with cal_parse_time
 * after a fixed-layout fast path), never copied. Each finished row is pushed
 * into a chunk keyed by (region, file, column set): t (UTC hour-beginning),
 * source line and values. When all files are read, each region's chunks are
 * merged once onto an hourly grid from its first to its last hour with a
 * value, resolving duplicates (on_duplicate) and overlaps between files
 * (on_overlap), then the load is screened (screen_load) or copied.
 *
 * Memory: chunk rows cost 12 bytes + 8 per value; a region's chunks are freed
 * as soon as its grid is built, so peak is about twice the final numeric data.
 */
#include "ingest/ingest.h"
#include "util/error.h"
#include "util/mem.h"
#include "ingest/screen.h"
#include "ingest/series.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define ING_CHUNK_DEFAULT (1u << 20) /* bytes per csv_parse call */
#define ING_MAX_FIELD 65536          /* longest field accepted   */
#define ING_MAX_HOURS 3000000        /* ~340 years: larger spans are date typos */

/* ------------------------------------------------------------ chunks */

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

/* Bit pattern of "absent": a quiet NaN with a payload no arithmetic makes. */
static const uint64_t ABSENT_BITS = 0x7ff8dead0000beefULL;

double ingest_absent(void)
{
    double d;
    memcpy(&d, &ABSENT_BITS, sizeof d);
    return d;
}

int ingest_is_absent(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b == ABSENT_BITS;
}

static void chunk_free(ing_chunk *c)
{
    if (!c) return;
    for (size_t j = 0; j < c->ncol; j++) {
        if (c->name) mem_free(c->name[j]);
        if (c->v) mem_free(c->v[j]);
    }
    mem_free(c->name);
    mem_free(c->v);
    mem_free(c->t);
    mem_free(c->line);
    mem_free(c->region);
    mem_free(c);
}

static uint64_t fnv(const char *s, uint64_t h)
{
    while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

static int chunk_matches(const ing_chunk *c, const char *region, size_t n, const char *const *names)
{
    return c->ncol == n && strcmp(c->region, region) == 0 && strcmp(c->name[0], names[0]) == 0;
}

static int ht_grow(ing_ctx *x)
{
    size_t cap = x->htcap ? x->htcap * 2 : 64;
    size_t *ht = mem_calloc(cap, sizeof *ht);
    if (!ht) return HR_ENOMEM;
    for (size_t i = 0; i < x->htcap; i++) {
        if (!x->ht[i]) continue;
        ing_chunk *c = x->ck[x->ht[i] - 1];
        size_t k = fnv(c->name[0], fnv(c->region, 1469598103934665603ULL)) & (cap - 1);
        while (ht[k]) k = (k + 1) & (cap - 1);
        ht[k] = x->ht[i];
    }
    mem_free(x->ht);
    x->ht = ht;
    x->htcap = cap;
    return HR_OK;
}

static ing_chunk *chunk_get(ing_file *f, const char *region, size_t n, const char *const *names)
{
    ing_ctx *x = f->ctx;
    if (x->last && region == x->last_reg && names == x->last_names && names == f->slotp &&
        region != f->regbuf)
        return x->last;
    x->last_reg = region;
    x->last_names = names;
    if (x->last && chunk_matches(x->last, region, n, names)) return x->last;
    if (x->htn * 2 >= x->htcap && ht_grow(x)) return NULL;
    size_t k = fnv(names[0], fnv(region, 1469598103934665603ULL)) & (x->htcap - 1);
    while (x->ht[k]) {
        ing_chunk *c = x->ck[x->ht[k] - 1];
        if (chunk_matches(c, region, n, names)) return x->last = c;
        k = (k + 1) & (x->htcap - 1);
    }
    if (x->nck == x->capck) {
        size_t cap = x->capck ? x->capck * 2 : 16;
        ing_chunk **ck = mem_realloc(x->ck, cap * sizeof *ck);
        if (!ck) return NULL;
        x->ck = ck;
        x->capck = cap;
    }
    ing_chunk *c = mem_calloc(1, sizeof *c);
    if (!c) return NULL;
    c->seq = x->nck;
    c->ncol = n;
    c->fileno = f->fileno;
    c->tz = f->chunk_tz;
    c->region = mem_strdup(region);
    c->name = mem_calloc(n, sizeof *c->name);
    c->v = mem_calloc(n, sizeof *c->v);
    if (!c->region || !c->name || !c->v) goto fail;
    for (size_t j = 0; j < n; j++)
        if (!(c->name[j] = mem_strdup(names[j]))) goto fail;
    x->ck[x->nck++] = c;
    x->ht[k] = x->nck;
    x->htn++;
    return x->last = c;
fail:
    c->ncol = n;
    chunk_free(c);
    return NULL;
}

int ingest_push(ing_file *f, const char *region, int64_t t, size_t n, const char *const *names,
                const double *vals)
{
    if (n == 0) return 0;
    ing_chunk *c = chunk_get(f, region, n, names);
    if (!c) {
        f->status = hr_err(HR_ENOMEM, "%s:%lu: out of memory", f->path, f->line);
        return -1;
    }
    if (c->n == c->cap) {
        /* a file of one region (f->region) puts at most one row per line
         * into its chunk: sized once from the line count, the arrays are
         * neither copied by realloc nor twice the data */
        size_t cap = c->cap ? c->cap * 2 : f->region && f->nlines > 512 ? f->nlines : 512;
        int64_t *tt = mem_realloc(c->t, cap * sizeof *tt);
        if (tt) c->t = tt;
        uint32_t *ll = tt ? mem_realloc(c->line, cap * sizeof *ll) : NULL;
        if (ll) c->line = ll;
        int ok = tt && ll;
        for (size_t j = 0; ok && j < n; j++) {
            double *vv = mem_realloc(c->v[j], cap * sizeof *vv);
            if (vv) c->v[j] = vv;
            else ok = 0;
        }
        if (!ok) {
            f->status = hr_err(HR_ENOMEM, "%s:%lu: out of memory", f->path, f->line);
            return -1;
        }
        c->cap = cap;
    }
    size_t i = c->n++;
    c->t[i] = t;
    c->line[i] = f->line > UINT32_MAX ? UINT32_MAX : (uint32_t)f->line;
    for (size_t j = 0; j < n; j++) c->v[j][i] = vals[j];
    return 0;
}

/* ------------------------------------------------------------ numbers */

static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Slow path for what the fast path cannot do exactly: strtod_l in the "C"
 * locale (the process locale is never consulted or changed). */
static int parse_num_slow(const char *s, size_t len, double *v)
{
    char buf[400];
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ',') continue;
        if (k + 1 >= sizeof buf) return -1;
        buf[k++] = s[i];
    }
    buf[k] = '\0';
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c) return -1;
    char *end;
    errno = 0;
    double x = strtod_l(buf, &end, c);
    freelocale(c);
    if (end != buf + k || k == 0) return -1;
    *v = x;
    return 0;
}

/* A decimal with at most 15 significant digits and a power-of-ten scale of
 * at most 22 is m * 10^e with m < 2^53 and 10^|e| exact, so one IEEE
 * multiply or divide gives the correctly rounded value, the same double
 * strtod returns (Clinger 1990, "How to read floating point numbers
 * accurately", fast path). Everything else goes to strtod_l. */
int ingest_parse_num(const char *s, size_t len, double *v)
{
    const char *p = s, *e = s + len;
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
    if (p == e) return 1;
    const char *start = p;
    int neg = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    uint64_t m = 0;
    int nd = 0, dexp = 0, inexact = 0, nint = 0, nfrac = 0, grp = -1;
    while (p < e) {
        unsigned d = (unsigned)(unsigned char)*p - '0';
        if (d < 10) {
            if (m == 0 && d == 0) {
                /* leading zero: not significant */
            } else if (nd < 19) {
                m = m * 10 + d;
                nd++;
            } else {
                dexp++;
                inexact = 1;
            }
            nint++;
            if (grp >= 0) grp++;
            p++;
        } else if (*p == ',') {
            /* thousands separator: groups of exactly three digits */
            if (nint == 0 || (grp >= 0 && grp != 3) || (grp < 0 && nint > 3)) return -1;
            grp = 0;
            p++;
        } else
            break;
    }
    if (grp >= 0 && grp != 3) return -1;
    if (p < e && *p == '.') {
        p++;
        while (p < e) {
            unsigned d = (unsigned)(unsigned char)*p - '0';
            if (d >= 10) break;
            if (m == 0 && d == 0) {
                dexp--;
            } else if (nd < 19) {
                m = m * 10 + d;
                nd++;
                dexp--;
            } else
                inexact = 1;
            nfrac++;
            p++;
        }
    }
    if (nint + nfrac == 0) return -1;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0, ex = 0;
        if (p < e && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (p == e || (unsigned)(unsigned char)*p - '0' >= 10) return -1;
        while (p < e && (unsigned)(unsigned char)*p - '0' < 10) {
            if (ex < 100000) ex = ex * 10 + (*p - '0');
            p++;
        }
        dexp += eneg ? -ex : ex;
    }
    if (p != e) return -1;
    if (!inexact && nd <= 15 && dexp >= -22 && dexp <= 22) {
        double x = (double)m;
        x = dexp < 0 ? x / p10[-dexp] : x * p10[dexp];
        *v = neg ? -x : x;
        return 0;
    }
    return parse_num_slow(start, (size_t)(e - start), v);
}

/* ------------------------------------------------------------ errors */

/* Printable excerpt of a field for messages. */
static void excerpt(const char *s, size_t len, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 4 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        out[k++] = (ch >= 32 && ch < 127) || ch >= 0x80 ? (char)ch : '?';
        if (i == 40) {
            out[k++] = '.';
            out[k++] = '.';
            out[k++] = '.';
            break;
        }
    }
    out[k] = '\0';
}

static int verr_at(ing_file *f, int status, const char *colname, size_t j, const char *fmt,
                   va_list ap)
{
    char msg[300], nm[64];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (colname) {
        excerpt(colname, strlen(colname), nm, sizeof nm);
        hr_err(status, "%s:%lu: column '%s': %s", f->path, f->line, nm, msg);
    } else if (j != (size_t)-1)
        hr_err(status, "%s:%lu: column %zu: %s", f->path, f->line, j + 1, msg);
    else
        hr_err(status, "%s:%lu: %s", f->path, f->line, msg);
    f->status = status;
    return -1;
}

int ingest_col_err(ing_file *f, int status, size_t j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr_at(f, status, j < f->nhdr ? f->hdr[j] : NULL, j, fmt, ap);
    va_end(ap);
    return -1;
}

int ingest_line_err(ing_file *f, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr_at(f, status, NULL, (size_t)-1, fmt, ap);
    va_end(ap);
    return -1;
}

/* ------------------------------------------------------------ header helpers */

int ingest_hdr_is(const ing_file *f, size_t j, const char *name)
{
    return j < f->nhdr && strcasecmp(f->hdr[j], name) == 0;
}

long ingest_hdr_find(const ing_file *f, const char *name)
{
    for (size_t j = 0; j < f->nhdr; j++)
        if (strcasecmp(f->hdr[j], name) == 0) return (long)j;
    return -1;
}

int ingest_slot(ing_file *f, const char *name)
{
    for (size_t i = 0; i < f->nslot; i++)
        if (strcmp(f->slot_name[i], name) == 0) return (int)i;
    if (f->nslot >= ING_MAXSLOTS) return -1;
    size_t i = f->nslot++;
    snprintf(f->slot_name[i], ING_NAMELEN, "%s", name);
    f->slotp[i] = f->slot_name[i];
    f->slot_avg[i] = 0;
    return (int)i;
}

void ingest_slug(const char *name, size_t len, char *out, size_t cap)
{
    size_t k = 0;
    int us = 0;
    for (size_t i = 0; i < len && k + 1 < cap; i++) {
        unsigned char ch = (unsigned char)name[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
            if (us && k) out[k++] = '_';
            if (k + 1 < cap) out[k++] = (char)ch;
            us = 0;
        } else if (ch >= 'A' && ch <= 'Z') {
            if (us && k) out[k++] = '_';
            if (k + 1 < cap) out[k++] = (char)(ch - 'A' + 'a');
            us = 0;
        } else
            us = 1;
    }
    out[k] = '\0';
}

void ingest_fuel_key(const char *name, size_t len, char *out, size_t cap)
{
    static const char *const alias[][2] = {
        {"natural_gas", "gas"},
        {"all_petroleum_products", "oil"},
        {"petroleum", "oil"},
        {"hydropower_and_pumped_storage", "hydro"},
        {"hydropower_excluding_pumped_storage", "hydro"},
        {"hydropower", "hydro"},
        {"other_fuel_sources", "other"},
        {"unknown_fuel_sources", "unknown"},
        {"battery_storage", "battery"},
        {"solar_with_integrated_battery_storage", "solar_battery"},
        {"solar_without_integrated_battery_storage", "solar"},
        {"wind_with_integrated_battery_storage", "wind_battery"},
        {"wind_without_integrated_battery_storage", "wind"},
        {"other_energy_storage", "other_storage"},
        {"unknown_energy_storage", "unknown_storage"},
    };
    ingest_slug(name, len, out, cap);
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcmp(out, alias[i][0]) == 0) {
            snprintf(out, cap, "%s", alias[i][1]);
            return;
        }
}

/* ------------------------------------------------------------ time zones */

static const struct {
    const char *ba, *tz;
} ba_tz[] = {
    /* balancing_authority_acronyms.csv "Time Zone" column: Eastern, Central,
     * Mountain, Pacific, Arizona -> the IANA zone observing that prevailing time. */
    {"AEC", "America/Chicago"},      {"AECI", "America/Chicago"},     {"AVA", "America/Los_Angeles"},
    {"AVRN", "America/Los_Angeles"}, {"AZPS", "America/Phoenix"},     {"BANC", "America/Los_Angeles"},
    {"BPAT", "America/Los_Angeles"}, {"CHPD", "America/Los_Angeles"}, {"CISO", "America/Los_Angeles"},
    {"CPLE", "America/New_York"},    {"CPLW", "America/New_York"},    {"DEAA", "America/Phoenix"},
    {"DOPD", "America/Los_Angeles"}, {"DUK", "America/New_York"},     {"EEI", "America/Chicago"},
    {"EPE", "America/Phoenix"},      {"ERCO", "America/Chicago"},     {"FMPP", "America/New_York"},
    {"FPC", "America/New_York"},     {"FPL", "America/New_York"},     {"GCPD", "America/Los_Angeles"},
    {"GRID", "America/Los_Angeles"}, {"GRIF", "America/Phoenix"},     {"GRMA", "America/Phoenix"},
    {"GVL", "America/New_York"},     {"GWA", "America/Denver"},       {"HGMA", "America/Phoenix"},
    {"HST", "America/New_York"},     {"IID", "America/Los_Angeles"},  {"IPCO", "America/Los_Angeles"},
    {"ISNE", "America/New_York"},    {"JEA", "America/New_York"},     {"LDWP", "America/Los_Angeles"},
    {"LGEE", "America/Chicago"},     {"MISO", "America/Chicago"},     {"NEVP", "America/Los_Angeles"},
    {"NSB", "America/New_York"},     {"NWMT", "America/Denver"},      {"NYIS", "America/New_York"},
    {"OVEC", "America/New_York"},    {"PACE", "America/Denver"},      {"PACW", "America/Los_Angeles"},
    {"PGE", "America/Los_Angeles"},  {"PJM", "America/New_York"},     {"PNM", "America/Phoenix"},
    {"PSCO", "America/Denver"},      {"PSEI", "America/Los_Angeles"}, {"SC", "America/New_York"},
    {"SCEG", "America/New_York"},    {"SCL", "America/Los_Angeles"},  {"SEC", "America/New_York"},
    {"SEPA", "America/Chicago"},     {"SOCO", "America/Chicago"},     {"SPA", "America/Chicago"},
    {"SRP", "America/Phoenix"},      {"SWPP", "America/Chicago"},     {"TAL", "America/New_York"},
    {"TEC", "America/New_York"},     {"TEPC", "America/Phoenix"},     {"TIDC", "America/Los_Angeles"},
    {"TPWR", "America/Los_Angeles"}, {"TVA", "America/Chicago"},      {"WACM", "America/Phoenix"},
    {"WALC", "America/Phoenix"},     {"WAUW", "America/Denver"},      {"WWA", "America/Denver"},
    {"YAD", "America/New_York"},
};

const char *ingest_region_tz(const char *region)
{
    if (strncmp(region, "PJM-", 4) == 0) return "America/New_York";
    if (strncmp(region, "ERCO-", 5) == 0 || strncmp(region, "ERCOT", 5) == 0) return "America/Chicago";
    for (size_t i = 0; i < sizeof ba_tz / sizeof ba_tz[0]; i++)
        if (strcmp(region, ba_tz[i].ba) == 0) return ba_tz[i].tz;
    return NULL;
}

int ingest_set_tz(ing_file *f, const char *name)
{
    ing_ctx *x = f->ctx;
    f->tz_name = name;
    f->chunk_tz = name;
    f->tz = NULL;
    if (!name || strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) return 0;
    for (size_t i = 0; i < x->ntz; i++)
        if (strcmp(x->tzc[i].name, name) == 0) {
            f->tz = x->tzc[i].z;
            return 0;
        }
    if (x->ntz == sizeof x->tzc / sizeof x->tzc[0])
        return ingest_line_err(f, HR_EINVAL, "too many time zones");
    cal_tz *z = NULL;
    if (cal_tz_load(name, NULL, &z) != 0 || !z)
        return ingest_line_err(f, HR_ENOTFOUND, "unknown time zone '%s'", name);
    char *nm = mem_strdup(name);
    if (!nm) {
        cal_tz_free(z);
        return ingest_line_err(f, HR_ENOMEM, "out of memory");
    }
    x->tzc[x->ntz].name = nm;
    x->tzc[x->ntz].z = z;
    x->ntz++;
    f->tz = z;
    return 0;
}

/* ------------------------------------------------------------ time of a row */

/* Seconds of civil c read as UTC, with calendar validation of its fields
 * (cal_civil_to_utc itself does not validate). */
static int civil_ok(const cal_civil *c)
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

/* cal_civil_to_utc with the day number of the last date remembered. */
static int64_t civil_utc(ing_file *f, const cal_civil *c)
{
    if (c->year != f->cd_y || c->month != f->cd_m || c->day != f->cd_d) {
        f->cd_y = c->year;
        f->cd_m = c->month;
        f->cd_d = c->day;
        f->cd_days = cal_days_from_civil(c->year, c->month, c->day);
    }
    return f->cd_days * 86400 + (int64_t)c->hour * 3600 + (int64_t)c->minute * 60 + c->second;
}

/* Normalise c (hour 24, negative hours after a shift) through UTC seconds. */
static void civil_shift(cal_civil *c, int64_t ds)
{
    int64_t t = cal_civil_to_utc(c) + ds;
    int wd, yd;
    cal_utc_to_civil(t, c, &wd, &yd);
}

int ingest_local_time(ing_file *f, const cal_civil *c, const char *region, int occ, int dstflag,
                      int64_t *t)
{
    int st = 0;
    int64_t u = cal_local_to_utc(f->tz, c, 0, &st);
    if (st == 1) {
        *t = u;
        return 1; /* the caller decides: hour-ending fallback, skip, or error */
    }
    if (st == 2) {
        int o = occ;
        if (o < 0 && dstflag) o = 1;
        if (o < 0) {
            /* first unflagged occurrence in the file = earlier instant */
            uint64_t rh = fnv(region ? region : "", 1469598103934665603ULL);
            int64_t key = cal_civil_to_utc(c);
            size_t i;
            for (i = 0; i < f->ndst; i++)
                if (f->dstseen[i].reg == rh && f->dstseen[i].key == key) break;
            if (i == f->ndst) {
                if (f->ndst == f->capdst) {
                    size_t cap = f->capdst ? 2 * f->capdst : 16;
                    void *p = mem_realloc(f->dstseen, cap * sizeof *f->dstseen);
                    if (!p) return ingest_line_err(f, HR_ENOMEM, "out of memory");
                    f->dstseen = p;
                    f->capdst = cap;
                }
                f->dstseen[i].reg = rh;
                f->dstseen[i].key = key;
                f->dstseen[i].n = 0;
                f->ndst++;
            }
            o = f->dstseen[i].n > 0 ? 1 : 0;
            f->dstseen[i].n++;
        }
        if (o) u = cal_local_to_utc(f->tz, c, 1, &st);
    } else if (dstflag) {
        return ingest_col_err(f, HR_EDATA, f->time_col,
                              "flagged DST but %04d-%02d-%02d %02d:%02d is not a repeated hour in %s",
                              c->year, c->month, c->day, c->hour, c->minute, f->tz_name);
    }
    *t = u;
    return 0;
}

int ingest_gap_err(ing_file *f, const cal_civil *c)
{
    return ingest_col_err(f, HR_EDATA, f->time_col,
                          "local time %04d-%02d-%02d %02d:%02d does not exist in %s "
                          "(spring-forward gap)",
                          c->year, c->month, c->day, c->hour, c->minute, f->tz_name);
}

int ingest_row_time(ing_file *f, const char *region, int occ, int64_t *t)
{
    cal_civil c;
    if (f->have_time) {
        c = f->civ;
        if (f->h >= 0) { /* date + hour-number columns */
            c.hour = (int)f->h;
            c.minute = c.second = 0;
        }
    } else if (f->y >= 0 && f->mo >= 0 && f->d >= 0 && f->h >= 0) {
        c.year = (int)f->y;
        c.month = (int)f->mo;
        c.day = (int)f->d;
        c.hour = (int)f->h;
        c.minute = c.second = 0;
    } else
        return ingest_col_err(f, HR_EPARSE, f->time_col, "no time in this row");
    if (!civil_ok(&c))
        return ingest_col_err(f, HR_EPARSE, f->time_col,
                              "impossible date or time %04d-%02d-%02d %02d:%02d", c.year, c.month,
                              c.day, c.hour, c.minute);
    int64_t u;
    if (f->has_off || !f->tz) {
        u = civil_utc(f, &c) - (f->has_off ? f->off_s : 0);
        if (f->dst)
            return ingest_col_err(f, HR_EPARSE, f->time_col, "DST flag on a UTC timestamp");
        if (f->hour_ending) u -= 3600;
    } else {
        cal_civil b = c;
        if (f->hour_ending || c.hour == 24) civil_shift(&b, f->hour_ending ? -3600 : 0);
        int r = ingest_local_time(f, &b, region, occ, f->dst, &u);
        if (r < 0) return -1;
        if (r == 1 && f->hour_ending) {
            /* The hour would begin in the spring gap: the label is the true end
             * instant (ERCOT 2015-16 write "3:00" after "1:00"; later files
             * write "02:00" for the same hour, which the shift above maps). */
            civil_shift(&c, 0);
            r = ingest_local_time(f, &c, region, occ, f->dst, &u);
            if (r < 0) return -1;
            if (r == 1) return ingest_gap_err(f, &c);
            u -= 3600;
        } else if (r == 1) {
            f->gap = 1;
            f->gap_civ = b;
            *t = u;
            return 1;
        }
    }
    if (u % 3600 != 0)
        return ingest_col_err(f, HR_EDATA, f->time_col, "time is not on the hour");
    *t = u;
    return 0;
}

/* ------------------------------------------------------------ field callbacks */

static int utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t') return 0;
            i++;
            continue;
        }
        size_t k = (c >= 0xc2 && c <= 0xdf) ? 1 : (c >= 0xe0 && c <= 0xef) ? 2
                   : (c >= 0xf0 && c <= 0xf4) ? 3 : 0;
        if (!k || i + k >= n) return 0;
        for (size_t m = 1; m <= k; m++)
            if ((s[i + m] & 0xc0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}

/* Fixed layout YYYY-MM-DD[ T]HH:MM:SS, the bulk of EIA files: skip the
 * general parser. The date of the previous row is remembered (24 rows
 * share it): only the time of day is converted then. Returns 0 and sets
 * the civil time, -1 to fall back. */
static int fast_iso(ing_file *f, const char *s, size_t len, cal_civil *c)
{
    if (len != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
        s[13] != ':' || s[16] != ':')
        return -1;
    static const unsigned char pos[14] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
    int d[14];
    int same = f->fd_ok && memcmp(s, f->fd_str, 10) == 0;
    for (int i = same ? 8 : 0; i < 14; i++) {
        unsigned v = (unsigned)(unsigned char)s[pos[i]] - '0';
        if (v > 9) return -1;
        d[i] = (int)v;
    }
    if (same) {
        c->year = f->fd_civ.year;
        c->month = f->fd_civ.month;
        c->day = f->fd_civ.day;
    } else {
        c->year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
        c->month = d[4] * 10 + d[5];
        c->day = d[6] * 10 + d[7];
    }
    c->hour = d[8] * 10 + d[9];
    c->minute = d[10] * 10 + d[11];
    c->second = d[12] * 10 + d[13];
    if (!civil_ok(c)) return -1;
    if (!same) {
        memcpy(f->fd_str, s, 10);
        f->fd_civ = *c;
        f->fd_ok = 1;
    }
    return 0;
}


static int parse_int(const char *s, size_t len, long *out)
{
    const char *p = s, *e = s + len;
    while (p < e && *p == ' ') p++;
    while (e > p && e[-1] == ' ') e--;
    if (p == e || e - p > 9) return -1;
    long v = 0;
    for (; p < e; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return 0;
}

static void row_reset(ing_file *f)
{
    f->nfield = f->nonempty = 0;
    f->nl_in_row = 0;
    f->have_time = f->has_off = f->off_s = f->dst = 0;
    f->y = f->mo = f->d = f->h = -1;
    f->regbuf[0] = f->key[0] = '\0';
    double a = ingest_absent();
    for (size_t i = 0; i < f->nslot; i++) {
        f->val[i] = a;
        f->cnt[i] = 0;
    }
}

static int is_miss_token(const char *s, size_t len, int miss)
{
    while (len && *s == ' ') s++, len--;
    while (len && s[len - 1] == ' ') len--;
    if (miss & MISS_EIA)
        if ((len == 7 && memcmp(s, "MISSING", 7) == 0) || (len == 5 && memcmp(s, "EMPTY", 5) == 0))
            return 1;
    if (miss & MISS_NA)
        if ((len == 2 && memcmp(s, "NA", 2) == 0) || (len == 3 && strncasecmp(s, "nan", 3) == 0))
            return 1;
    return 0;
}

static void field_data(ing_file *f, size_t j, const char *s, size_t len)
{
    const ing_col *c = &f->col[j];
    char ex[64];
    switch (c->role) {
    case COL_SKIP:
        return;
    case COL_VAL: {
        double x;
        int r = ingest_parse_num(s, len, &x);
        if (r == 1)
            x = NAN;
        else if (r < 0) {
            if (!is_miss_token(s, len, c->miss)) {
                excerpt(s, len, ex, sizeof ex);
                ingest_col_err(f, HR_EPARSE, j, "not a number: \"%s\"", ex);
                return;
            }
            x = NAN;
        } else {
            if (c->xf == XF_F2C) x = (x - 32.0) * (5.0 / 9.0);
            else if (c->xf == XF_K2C) x = x - 273.15;
            x *= c->scale;
        }
        if (c->avg) {
            if (!isnan(x)) {
                f->val[c->slot] = f->cnt[c->slot] ? f->val[c->slot] + x : x;
                f->cnt[c->slot]++;
            } else if (!f->cnt[c->slot])
                f->val[c->slot] = NAN;
        } else
            f->val[c->slot] = x;
        return;
    }
    case COL_TIME:
    case COL_DATE: {
        int r = fast_iso(f, s, len, &f->civ);
        if (r == 0) {
            f->has_off = 0;
            f->dst = 0;
        } else {
            int hoff = 0, off = 0, dst = 0;
            if (cal_parse_time(s, len, f->dayfirst ? CAL_DAYFIRST : 0, &f->civ, &hoff, &off, &dst) !=
                    0 ||
                !civil_ok(&f->civ)) {
                excerpt(s, len, ex, sizeof ex);
                ingest_col_err(f, HR_EPARSE, j, "not a valid %s: \"%s\"",
                               c->role == COL_DATE ? "date" : "timestamp", ex);
                return;
            }
            f->has_off = hoff;
            f->off_s = off;
            f->dst = dst;
        }
        f->have_time = 1;
        f->time_col = j;
        return;
    }
    case COL_HOUR:
    case COL_YEAR:
    case COL_MONTH:
    case COL_DAY: {
        long v;
        if (parse_int(s, len, &v) || (c->role == COL_HOUR && v > 24) ||
            (c->role == COL_MONTH && (v < 1 || v > 12)) || (c->role == COL_DAY && (v < 1 || v > 31))) {
            excerpt(s, len, ex, sizeof ex);
            ingest_col_err(f, HR_EPARSE, j, "not a valid %s: \"%s\"",
                           c->role == COL_HOUR ? "hour" : c->role == COL_YEAR ? "year"
                           : c->role == COL_MONTH ? "month" : "day", ex);
            return;
        }
        if (c->role == COL_HOUR) f->h = v, f->time_col = j;
        else if (c->role == COL_YEAR) f->y = v, f->time_col = j;
        else if (c->role == COL_MONTH) f->mo = v;
        else f->d = v;
        return;
    }
    case COL_REGION:
    case COL_KEY: {
        const char *p = s, *e = s + len;
        while (p < e && *p == ' ') p++;
        while (e > p && e[-1] == ' ') e--;
        size_t n = (size_t)(e - p);
        if (n == 0) {
            ingest_col_err(f, HR_EPARSE, j, "empty %s", c->role == COL_REGION ? "region" : "value");
            return;
        }
        if (n >= ING_NAMELEN) {
            ingest_col_err(f, HR_EPARSE, j, "longer than %d bytes", ING_NAMELEN - 1);
            return;
        }
        if (!utf8_ok((const unsigned char *)p, n)) {
            ingest_col_err(f, HR_EPARSE, j, "not valid UTF-8 text");
            return;
        }
        char *dst = c->role == COL_REGION ? f->regbuf : f->key;
        memcpy(dst, p, n);
        dst[n] = '\0';
        return;
    }
    case COL_LABEL: {
        const char *p = s, *e = s + len;
        while (p < e && *p == ' ') p++;
        while (e > p && e[-1] == ' ') e--;
        size_t n = (size_t)(e - p);
        if (n == 0) {
            f->val[c->slot] = NAN;
            return;
        }
        for (int k = 0; k < HR_NFLAGS; k++) {
            const char *nm = hr_flag_name(k);
            if (strlen(nm) == n && memcmp(nm, p, n) == 0) {
                f->val[c->slot] = (double)k;
                return;
            }
        }
        excerpt(s, len, ex, sizeof ex);
        ingest_col_err(f, HR_EPARSE, j, "unknown screening category \"%s\"", ex);
        return;
    }
    }
}

static void cb_field(void *sv, size_t len, void *data)
{
    ing_file *f = data;
    if (f->status) return;
    size_t j = f->nfield++;
    const char *s = sv ? (const char *)sv : "";
    if (len > ING_MAX_FIELD) {
        ingest_col_err(f, HR_EPARSE, j, "field longer than %d bytes", ING_MAX_FIELD);
        return;
    }
    if (len) f->nonempty++;
    /* Newlines inside quoted fields advance the line count. Only skipped
     * and header fields need the scan: a field with a newline fails every
     * other conversion, and its error names the row's first line. */
    if (len && (f->in_header || j >= f->ncol || f->col[j].role == COL_SKIP)) {
        const char *nl = memchr(s, '\n', len);
        while (nl) {
            f->nl_in_row++;
            nl = memchr(nl + 1, '\n', len - (size_t)(nl + 1 - s));
        }
    }
    if (f->in_header) {
        if (j >= ING_MAXCOLS) {
            ingest_line_err(f, HR_EPARSE, "more than %d columns", ING_MAXCOLS);
            return;
        }
        const char *p = s, *e = s + len;
        while (p < e && (*p == ' ' || *p == '\t')) p++;
        while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
        size_t n = (size_t)(e - p);
        char *h = mem_alloc(n + 1);
        if (!h) {
            ingest_line_err(f, HR_ENOMEM, "out of memory");
            return;
        }
        memcpy(h, p, n);
        h[n] = '\0';
        f->hdr[j] = h;
        f->nhdr = j + 1;
        return;
    }
    if (j >= f->ncol) {
        if (len == 0) return; /* trailing empty field */
        ingest_line_err(f, HR_EPARSE, "more fields than the %zu header columns", f->ncol);
        return;
    }
    field_data(f, j, s, len);
}

/* ------------------------------------------------------------ format detection */

typedef int (*setup_fn)(ing_file *f, int force);
static const struct {
    int fmt;
    const char *name;
    setup_fn fn;
} readers[] = {
    /* order matters for auto-detection: most specific headers first */
    {HR_FORMAT_EIA930, "eia930", read_eia930_setup},
    {HR_FORMAT_EIA930_BA, "eia930-ba", read_eia930_ba_setup},
    {HR_FORMAT_US48, "us48", read_us48_setup},
    {HR_FORMAT_ERCOT_NATIVE, "ercot-native", read_ercot_native_setup},
    {HR_FORMAT_ERCOT_FUEL, "ercot-fuel", read_ercot_fuel_setup},
    {HR_FORMAT_PJM_GEN, "pjm-gen", read_pjm_gen_setup},
    {HR_FORMAT_WEATHER, "weather", read_weather_setup},
    {HR_FORMAT_LONG, "long", read_long_setup},
    {HR_FORMAT_SERIES, "series", read_series_setup},
};

static void spec_reset(ing_file *f)
{
    for (size_t j = 0; j < f->ncol; j++) f->col[j] = (ing_col){.scale = 1.0};
    f->nslot = 0;
    f->region = NULL;
    f->row = NULL;
    f->mode = 0;
    f->hour_ending = 0;
    f->tz = NULL;
    f->tz_name = f->chunk_tz = NULL;
}

static int try_reader(ing_file *f, setup_fn fn, int fmt, int force)
{
    spec_reset(f);
    int r = fn(f, force);
    if (r < 0 || f->status) return -1;
    if (r == 1) {
        f->format = fmt;
        if (!f->chunk_tz) f->chunk_tz = f->tz_name;
        row_reset(f);
    }
    return r;
}

static int header_done(ing_file *f)
{
    for (size_t j = 0; j < f->nhdr; j++)
        if (!utf8_ok((const unsigned char *)f->hdr[j], strlen(f->hdr[j])))
            return ingest_col_err(f, HR_EPARSE, j, "header is not UTF-8 text");
    f->in_header = 0;
    f->ncol = f->nhdr;
    int fmt = f->o->format;
    if (fmt == HR_FORMAT_AUTO && (f->o->time_col || f->o->value_cols[0])) fmt = HR_FORMAT_SERIES;
    if (fmt != HR_FORMAT_AUTO) {
        for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
            if (readers[i].fmt == fmt) {
                int r = try_reader(f, readers[i].fn, fmt, 1);
                if (r < 0) return -1;
                if (r == 0)
                    return ingest_col_err(f, HR_EPARSE, 0, "header does not match format %s",
                                          readers[i].name);
                return 0;
            }
        return ingest_line_err(f, HR_EINVAL, "unknown format code %d", fmt);
    }
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        if (readers[i].fmt == HR_FORMAT_SERIES) continue;
        int r = try_reader(f, readers[i].fn, readers[i].fmt, 0);
        if (r) return r < 0 ? -1 : 0;
    }
    int r = try_reader(f, read_pjm_zone_setup, HR_FORMAT_SERIES, 0);
    if (r) return r < 0 ? -1 : 0;
    return ingest_col_err(f, HR_EPARSE, 0,
                          "header not recognised as any known format (give --format, or "
                          "--time-col/--value-col for the series format)");
}

int ingest_row_wide(ing_file *f)
{
    const char *reg = f->region ? f->region : f->regbuf;
    if (!*reg) return ingest_line_err(f, HR_EPARSE, "no region in this row");
    int64_t t;
    int r = ingest_row_time(f, reg, -1, &t);
    if (r < 0) return -1;
    if (r == 1) {
        /* a row in the spring gap is dropped if it has no load (NYC writes
         * the absent hour with an interpolated temperature); else an error */
        int li = -1;
        for (size_t i = 0; i < f->nslot; i++)
            if (strcmp(f->slot_name[i], "load_raw_mw") == 0) li = (int)i;
        for (size_t i = 0; i < f->nslot; i++)
            if ((li < 0 || (int)i == li) && !isnan(f->val[i])) return ingest_gap_err(f, &f->gap_civ);
        return 0;
    }
    for (size_t i = 0; i < f->nslot; i++)
        if (f->slot_avg[i] && f->cnt[i] > 1) f->val[i] /= f->cnt[i];
    return ingest_push(f, reg, t, f->nslot, f->slotp, f->val);
}

static void cb_row(int c, void *data)
{
    ing_file *f = data;
    if (f->status) return;
    if (c == '\n' && f->prev_term == '\r' && f->nfield == 0) {
        f->prev_term = c; /* the LF of a CRLF */
        return;
    }
    f->prev_term = c;
    if (f->nonempty > 0) {
        if (f->in_header) {
            if (header_done(f)) return;
        } else {
            if (f->nfield < f->ncol) {
                ingest_line_err(f, HR_EPARSE, "%zu fields, the header has %zu", f->nfield, f->ncol);
                return;
            }
            f->nrows++;
            if (f->row(f)) return;
        }
    }
    f->line += 1 + f->nl_in_row;
    row_reset(f);
}

static int tsv_space(unsigned char c) { return c == ' '; }

/* Day-first if some d/m/y date in the buffer has a first number > 12 and
 * none has a second number > 12 (NI_hourly.csv was re-saved dd/mm/yy). */
static int detect_dayfirst(const char *b, size_t n)
{
    int dayfirst = 0, monthfirst = 0;
    const char *p = b, *e = b + n;
    while ((p = memchr(p, '/', (size_t)(e - p))) != NULL) {
        const char *q = p;
        int a = 0, k = 0, mul = 1;
        while (q > b && k < 3 && q[-1] >= '0' && q[-1] <= '9') {
            a += (q[-1] - '0') * mul;
            mul *= 10;
            q--;
            k++;
        }
        if (k >= 1 && k <= 2 && (q == b || q[-1] < '0' || q[-1] > '9') && (q == b || q[-1] != '/')) {
            const char *r = p + 1;
            int bb = 0, kk = 0;
            while (r < e && kk < 3 && *r >= '0' && *r <= '9') bb = bb * 10 + (*r++ - '0'), kk++;
            if (kk >= 1 && kk <= 2 && r < e && *r == '/') {
                if (a > 12) dayfirst = 1;
                if (bb > 12) monthfirst = 1;
                p = r + 1;
                if (dayfirst && monthfirst) break;
                continue;
            }
        }
        p++;
    }
    return dayfirst && !monthfirst;
}

static void file_stem(const char *path, char *out, size_t cap)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    if (n >= cap) n = cap - 1;
    memcpy(out, b, n);
    out[n] = '\0';
}

static int read_whole(const char *path, char **mem, char **buf, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return hr_err(HR_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    size_t cap = 1 << 16;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) cap = (size_t)st.st_size + 1;
    /* 64-byte aligned: read() into page+16 runs ~4x slower (REFERENCES.md) */
    char *m = mem_alloc(cap + 64);
    if (!m) {
        close(fd);
        return hr_err(HR_ENOMEM, "%s: out of memory (%zu bytes)", path, cap);
    }
    char *b = m + (64 - ((uintptr_t)m & 63));
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap * 2;
            char *m2 = mem_alloc(ncap + 64);
            if (!m2) {
                mem_free(m);
                close(fd);
                return hr_err(HR_ENOMEM, "%s: out of memory", path);
            }
            char *b2 = m2 + (64 - ((uintptr_t)m2 & 63));
            memcpy(b2, b, n);
            mem_free(m);
            m = m2;
            b = b2;
            cap = ncap;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            mem_free(m);
            close(fd);
            return hr_err(HR_EIO, "%s: read error: %s", path, strerror(e));
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    *mem = m;
    *buf = b;
    *len = n;
    return HR_OK;
}

static int read_one(ing_ctx *x, size_t fileno, size_t chunk)
{
    const char *path = x->paths[fileno];
    char *mem = NULL, *buf = NULL;
    size_t len = 0;
    int rc = read_whole(path, &mem, &buf, &len);
    if (rc) return rc;
    ing_file *f = mem_calloc(1, sizeof *f);
    if (!f) {
        mem_free(mem);
        return hr_err(HR_ENOMEM, "%s: out of memory", path);
    }
    f->ctx = x;
    f->o = x->o;
    f->path = path;
    f->fileno = fileno;
    f->line = 1;
    f->in_header = 1;
    f->time_col = 0;
    file_stem(path, f->stem, sizeof f->stem);
    row_reset(f);
    /* the chunk hash only serves the current file */
    if (x->ht) memset(x->ht, 0, x->htcap * sizeof *x->ht);
    x->htn = 0;
    x->last = NULL;
    x->last_reg = NULL;
    x->last_names = NULL;

    const char *p = buf;
    size_t n = len;
    if (n >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
        (unsigned char)p[2] == 0xbf)
        p += 3, n -= 3;
    int tsv = 0;
    {
        const char *nl = memchr(p, '\n', n);
        size_t l1 = nl ? (size_t)(nl - p) : n;
        tsv = memchr(p, '\t', l1) && !memchr(p, ',', l1);
        if (x->o->format == HR_FORMAT_ERCOT_FUEL) tsv = 1;
    }
    f->dayfirst = detect_dayfirst(p, n);
    for (const char *q = p, *e = p + n; (q = memchr(q, '\n', (size_t)(e - q))) != NULL; q++) f->nlines++;
    f->nlines++; /* a last line without newline */

    struct csv_parser cp;
    int st = HR_OK;
    if (csv_init(&cp, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI) != 0) {
        st = hr_err(HR_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    csv_set_realloc_func(&cp, mem_realloc);
    csv_set_free_func(&cp, mem_free);
    csv_set_blk_size(&cp, 4096);
    if (tsv) {
        csv_set_delim(&cp, '\t');
        csv_set_space_func(&cp, tsv_space);
    }
    if (n == 0) {
        f->status = hr_err(HR_EPARSE, "%s:1: empty file", path);
    }
    if (chunk == 0) chunk = ING_CHUNK_DEFAULT;
    for (size_t off = 0; off < n && !f->status;) {
        size_t k = n - off < chunk ? n - off : chunk;
        size_t used = csv_parse(&cp, p + off, k, cb_field, cb_row, f);
        if (f->status) break;
        if (used != k) {
            int e = csv_error(&cp);
            if (e == CSV_EPARSE)
                ingest_line_err(f, HR_EPARSE, "malformed quoting (a quote inside a field)");
            else
                ingest_line_err(f, HR_ENOMEM, "%s", csv_strerror(e));
            break;
        }
        off += k;
    }
    if (!f->status && n > 0) {
        if (csv_fini(&cp, cb_field, cb_row, f) != 0 && !f->status)
            ingest_line_err(f, HR_EPARSE, "unterminated quoted field");
    }
    csv_free(&cp);
    if (!f->status) {
        if (f->in_header)
            f->status = hr_err(HR_EPARSE, "%s:%lu: no header", path, f->line > 1 ? f->line - 1 : 1);
        else if (f->nrows == 0) {
            unsigned long l = f->line > 1 ? f->line - 1 : 1;
            f->status = hr_err(HR_EDATA, "%s:%lu: no data rows", path, l);
        }
    }
    st = f->status;
out:
    for (size_t j = 0; j < f->nhdr; j++) mem_free(f->hdr[j]);
    mem_free(f->dstseen);
    mem_free(f);
    mem_free(mem);
    return st;
}

/* ------------------------------------------------------------ gridding */

static int cmp_ck(const void *a, const void *b)
{
    const ing_chunk *x = *(ing_chunk *const *)a, *y = *(ing_chunk *const *)b;
    int c = strcmp(x->region, y->region);
    if (c) return c;
    /* stable: file order, then creation order, decides FIRST/LAST */
    if (x->fileno != y->fileno) return x->fileno < y->fileno ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Load flags and quality without screening: OKAY / MISSING (and
 * DUPLICATE_RESOLVED kept), load_mw = load_raw_mw, q over [first, last]. */
static void quality_plain(const double *raw, size_t n, int64_t t0, uint8_t *flag, double *clean,
                          hr_quality *q)
{
    memset(q, 0, sizeof *q);
    size_t first = n, last = 0;
    for (size_t k = 0; k < n; k++) {
        clean[k] = raw[k];
        if (isnan(raw[k])) flag[k] = HR_FLAG_MISSING;
        else {
            if (flag[k] != HR_FLAG_DUPLICATE_RESOLVED) flag[k] = HR_FLAG_OKAY;
            if (first == n) first = k;
            last = k;
        }
    }
    q->peak_mw = q->mean_mw = NAN;
    if (first == n) {
        q->first_utc = q->last_utc = t0;
        return;
    }
    q->first_utc = t0 + 3600 * (int64_t)first;
    q->last_utc = t0 + 3600 * (int64_t)last;
    q->hours = last - first + 1;
    double sum = 0, peak = -INFINITY;
    size_t m = 0;
    for (size_t k = first; k <= last; k++) {
        q->by_flag[flag[k]]++;
        if (flag[k] != HR_FLAG_OKAY) q->flagged++;
        if (isnan(raw[k])) q->missing++;
        else {
            sum += raw[k];
            m++;
            if (raw[k] > peak) peak = raw[k];
        }
    }
    q->peak_mw = peak;
    q->mean_mw = sum / (double)m;
}

/* Add load_mw and flags to region r from its load_raw_mw (if any). dup[k]
 * marks hours whose value came from an on_duplicate rule. */
static int finish_load(series_region *r, const uint8_t *dup, int screen)
{
    memset(&r->q, 0, sizeof r->q);
    r->q.first_utc = r->q.last_utc = r->t0;
    r->q.peak_mw = r->q.mean_mw = NAN;
    double *raw = series_col_get(r, "load_raw_mw");
    if (!raw) return HR_OK;
    double *clean = series_col_get(r, "load_mw");
    if (!clean) return hr_err(HR_EINVAL, "internal: no load_mw column");
    r->flag = mem_calloc(r->n ? r->n : 1, 1);
    if (!r->flag) return hr_err(HR_ENOMEM, "out of memory");
    if (dup)
        for (size_t k = 0; k < r->n; k++)
            if (dup[k]) r->flag[k] = HR_FLAG_DUPLICATE_RESOLVED;
    if (screen) {
        int rc = screen_load(raw, r->n, r->t0, r->flag, clean, &r->q);
        if (rc) return hr_err(rc, "%s: screening failed", r->name);
    } else
        quality_plain(raw, r->n, r->t0, r->flag, clean, &r->q);
    return HR_OK;
}

static void fmt_hour(int64_t t, char *buf)
{
    cal_format_utc(t, buf);
}

/* Merge chunks ck[0..m) (one region, file order) into *r (zeroed on entry;
 * left zeroed when no chunk gives anything; the caller clears it on error).
 * Only reads x (options, paths): regions are built on several threads. */
static int build_region(const ing_ctx *x, series_region *r, ing_chunk **ck, size_t m)
{
    const char *region = ck[0]->region;
    /* grid span: hours with a value; failing that, hours with a row */
    int64_t lo = INT64_MAX, hi = INT64_MIN, lo2 = INT64_MAX, hi2 = INT64_MIN;
    for (size_t i = 0; i < m; i++) {
        const ing_chunk *c = ck[i];
        for (size_t k = 0; k < c->n; k++) {
            int any = 0, given = 0;
            for (size_t j = 0; j < c->ncol; j++) {
                double v = c->v[j][k];
                if (!isnan(v)) any = 1;
                else if (!ingest_is_absent(v)) given = 1;
            }
            if (any) {
                if (c->t[k] < lo) lo = c->t[k];
                if (c->t[k] > hi) hi = c->t[k];
            } else if (given) {
                if (c->t[k] < lo2) lo2 = c->t[k];
                if (c->t[k] > hi2) hi2 = c->t[k];
            }
        }
    }
    if (lo == INT64_MAX) lo = lo2, hi = hi2;
    if (lo == INT64_MAX) return HR_OK; /* nothing given at all */
    int64_t span = (hi - lo) / 3600 + 1;
    if (span > ING_MAX_HOURS) {
        char a[21], b[21];
        fmt_hour(lo, a);
        fmt_hour(hi, b);
        return hr_err(HR_EDATA, "region %s spans %s to %s (%lld hours): check the timestamps", region,
                      a, b, (long long)span);
    }
    size_t n = (size_t)span;

    /* column names: load_mw, load_raw_mw first, the rest sorted */
    size_t nn = 0, capn = 8;
    const char **names = mem_array(capn, sizeof *names);
    if (!names) return hr_err(HR_ENOMEM, "out of memory");
    int has_load = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < ck[i]->ncol; j++) {
            const char *nm = ck[i]->name[j];
            if (strcmp(nm, "load_raw_mw") == 0) {
                has_load = 1;
                continue;
            }
            if (strcmp(nm, "load_mw") == 0) continue;
            size_t k;
            for (k = 0; k < nn; k++)
                if (strcmp(names[k], nm) == 0) break;
            if (k < nn) continue;
            if (nn == capn) {
                const char **p = mem_realloc(names, 2 * capn * sizeof *names);
                if (!p) {
                    mem_free(names);
                    return hr_err(HR_ENOMEM, "out of memory");
                }
                names = p;
                capn *= 2;
            }
            names[nn++] = nm;
        }
    qsort(names, nn, sizeof *names, cmp_str);

    int rc = HR_OK;
    uint8_t *dup = NULL;
    uint32_t *src = NULL;
    uint16_t *cnt = NULL;
    if (series_region_init(r, region, lo, n)) {
        rc = hr_err(HR_ENOMEM, "out of memory");
        goto done;
    }
    const char *tz = NULL;
    for (size_t i = 0; i < m && !tz; i++) tz = ck[i]->tz;
    if (!tz) tz = ingest_region_tz(region);
    if (tz && !(r->tz = mem_strdup(tz))) {
        rc = hr_err(HR_ENOMEM, "out of memory");
        goto done;
    }
    if (has_load && (!series_add_col(r, "load_mw") || !series_add_col(r, "load_raw_mw"))) {
        rc = hr_err(HR_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < nn; k++)
        if (!series_add_col(r, names[k])) {
            rc = hr_err(HR_ENOMEM, "out of memory");
            goto done;
        }
    src = mem_array(n, sizeof *src);
    if (!src) {
        rc = hr_err(HR_ENOMEM, "out of memory");
        goto done;
    }
    const hr_ingest_opts *o = x->o;
    for (size_t cj = 0; cj < r->ncol; cj++) {
        const char *cname = r->col[cj].name;
        if (strcmp(cname, "load_mw") == 0) continue;
        double *g = r->col[cj].v;
        memset(src, 0, n * sizeof *src);
        int64_t conf_t = INT64_MAX;
        size_t conf_a = 0, conf_b = 0;
        for (size_t i = 0; i < m; i++) {
            const ing_chunk *c = ck[i];
            size_t j;
            for (j = 0; j < c->ncol; j++)
                if (strcmp(c->name[j], cname) == 0) break;
            if (j == c->ncol) continue;
            const double *v = c->v[j];
            uint32_t me = (uint32_t)c->fileno + 1;
            for (size_t rr = 0; rr < c->n; rr++) {
                double y = v[rr];
                if (ingest_is_absent(y)) continue;
                size_t k = (size_t)((c->t[rr] - lo) / 3600);
                if (c->t[rr] < lo || k >= n) continue; /* only missing values outside the span */
                if (src[k] == 0) {
                    g[k] = y;
                    src[k] = me;
                } else if (src[k] == me) {
                    /* same file, same hour, not a DST repeat */
                    if (o->on_duplicate == HR_DUP_ERROR) {
                        char a[21];
                        fmt_hour(c->t[rr], a);
                        rc = hr_err(HR_EDATA,
                                    "%s:%u: duplicate hour %s for region %s (not a DST repeat; "
                                    "use --on-duplicate=mean|first|last)",
                                    x->paths[c->fileno], c->line[rr], a, region);
                        goto done;
                    }
                    if (!dup && !(dup = mem_calloc(n, 1))) {
                        rc = hr_err(HR_ENOMEM, "out of memory");
                        goto done;
                    }
                    dup[k] = 1;
                    if (o->on_duplicate == HR_DUP_LAST) {
                        if (!isnan(y)) g[k] = y;
                    } else if (o->on_duplicate == HR_DUP_MEAN && !isnan(y)) {
                        if (isnan(g[k])) g[k] = y;
                        else {
                            if (!cnt && !(cnt = mem_calloc(n, sizeof *cnt))) {
                                rc = hr_err(HR_ENOMEM, "out of memory");
                                goto done;
                            }
                            g[k] += y;
                            if (cnt[k] < UINT16_MAX) cnt[k]++;
                        }
                    } else if (o->on_duplicate == HR_DUP_FIRST && isnan(g[k])) {
                        g[k] = y;
                    }
                } else {
                    /* overlap between two files */
                    if (isnan(y)) continue;
                    if (isnan(g[k]) || g[k] == y) {
                        g[k] = y;
                        continue;
                    }
                    if (o->on_overlap == HR_OVERLAP_LAST) {
                        g[k] = y;
                        src[k] = me;
                    } else if (o->on_overlap == HR_OVERLAP_ERROR && c->t[rr] < conf_t) {
                        conf_t = c->t[rr];
                        conf_a = src[k] - 1;
                        conf_b = c->fileno;
                    }
                }
            }
        }
        if (cnt) {
            for (size_t k = 0; k < n; k++)
                if (cnt[k]) g[k] /= (double)cnt[k] + 1.0;
            mem_free(cnt);
            cnt = NULL;
        }
        if (conf_t != INT64_MAX) {
            char a[21];
            fmt_hour(conf_t, a);
            rc = hr_err(HR_EDATA,
                        "%s and %s give different values for region %s column %s, first at %s "
                        "(use --on-overlap=first|last)",
                        x->paths[conf_a], x->paths[conf_b], region, cname, a);
            goto done;
        }
    }
    rc = finish_load(r, dup, o->screen);
done:
    mem_free(dup);
    mem_free(src);
    mem_free(cnt);
    mem_free(names);
    return rc;
}

/* One info line per region (what screening did), and a warning for hours
 * whose value came from an on_duplicate rule, through the caller's log
 * callback on this thread (the library never prints). */
static void log_summary(const hr_series *s, const hr_ingest_opts *o)
{
    for (size_t i = 0; i < s->nreg; i++) {
        const series_region *r = &s->reg[i];
        char msg[512], a[21], b[21];
        if (!r->flag) {
            snprintf(msg, sizeof msg, "region '%s': %zu hours, no load column", r->name, r->n);
            o->log(0, msg, o->log_ud);
            continue;
        }
        fmt_hour(r->q.first_utc, a);
        fmt_hour(r->q.last_utc, b);
        snprintf(msg, sizeof msg,
                 "region '%s': %s to %s, %zu hours, %zu missing, %zu flagged, %zu imputed%s", r->name,
                 a, b, r->q.hours, r->q.missing, r->q.flagged, r->q.imputed,
                 o->screen ? "" : " (not screened)");
        o->log(0, msg, o->log_ud);
        size_t nd = r->q.by_flag[HR_FLAG_DUPLICATE_RESOLVED];
        if (nd) {
            snprintf(msg, sizeof msg, "region '%s': %zu hours hold a value chosen by the on_duplicate rule",
                     r->name, nd);
            o->log(1, msg, o->log_ud);
        }
    }
}

static void ctx_free(ing_ctx *x)
{
    for (size_t i = 0; i < x->nck; i++) chunk_free(x->ck[i]);
    mem_free(x->ck);
    mem_free(x->ht);
    for (size_t i = 0; i < x->ntz; i++) {
        mem_free(x->tzc[i].name);
        cal_tz_free(x->tzc[i].z);
    }
}

/* ------------------------------------------------------------ threads */

/* Files are parsed, and regions gridded and screened, on up to
 * ING_MAX_THREADS threads (one per core). Each job writes only its own
 * outputs (a file's chunks carry its number; a region goes to its own
 * slot) and the results are combined in file and region order, so they do
 * not depend on the threads or their timing. The first error in that order
 * is reported, as a serial run would. While a test hook of mem.h is set,
 * everything stays on the calling thread. */
#define ING_MAX_THREADS 8

typedef int (*ing_job_fn)(void *arg, size_t i, size_t th);

typedef struct {
    ing_job_fn fn;
    void *arg;
    size_t n;
    const size_t *order; /* jobs in this order (largest first), or NULL */
    pthread_mutex_t mu;
    size_t next, fail; /* next job; lowest failed job (n: none) */
} ing_pool;

typedef struct {
    ing_pool *p;
    size_t th;
    size_t fail;        /* this thread's lowest failed job, or n */
    int status;
    char msg[1024];     /* its hr_last_error (thread-local) */
} ing_worker;

static void *pool_run(void *arg)
{
    ing_worker *w = arg;
    ing_pool *p = w->p;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t k = p->next++, i = k < p->n && p->order ? p->order[k] : k;
        /* past a failed job, a later one's error would not be reported:
         * skip it, but go on (with an order, earlier jobs may still come) */
        int done = k >= p->n, skip = !done && i > p->fail;
        pthread_mutex_unlock(&p->mu);
        if (done) break;
        if (skip) continue;
        int rc = p->fn(p->arg, i, w->th);
        if (rc) {
            pthread_mutex_lock(&p->mu);
            if (i < p->fail) p->fail = i;
            pthread_mutex_unlock(&p->mu);
            if (i < w->fail) {
                w->fail = i;
                w->status = rc;
                snprintf(w->msg, sizeof w->msg, "%s", hr_last_error());
            }
        }
    }
    return NULL;
}

/* Threads worth starting for n jobs (1 = run on the caller): o->threads,
 * or (0) the CPUs this process may use, at most ING_MAX_THREADS. */
static size_t pool_threads(const hr_ingest_opts *o, size_t n)
{
    if (n < 2 || mem_hooked()) return 1;
    size_t ncpu = (size_t)o->threads;
    if (o->threads <= 0) {
        cpu_set_t cs;
        ncpu = 1;
        if (sched_getaffinity(0, sizeof cs, &cs) == 0) ncpu = (size_t)CPU_COUNT(&cs);
    }
    if (ncpu > ING_MAX_THREADS) ncpu = ING_MAX_THREADS;
    return ncpu < n ? ncpu : n;
}

/* Run fn(arg, i, th) for i < n on nth threads (th < nth: the thread's
 * index; 0 is the caller), taking the jobs in the order order[] if given
 * (largest first, so that no big job is left for the end). Returns the
 * status of the lowest failing i with its message restored on the calling
 * thread, or HR_OK. */
static int pool_for(ing_job_fn fn, void *arg, size_t n, size_t nth, const size_t *order)
{
    ing_pool p = {.fn = fn, .arg = arg, .n = n, .order = order, .next = 0, .fail = n};
    ing_worker w[ING_MAX_THREADS];
    pthread_t tid[ING_MAX_THREADS];
    int started[ING_MAX_THREADS] = {0};
    if (pthread_mutex_init(&p.mu, NULL) != 0) nth = 1;
    for (size_t t = 0; t < nth; t++) w[t] = (ing_worker){.p = &p, .th = t, .fail = n, .status = 0};
    if (nth == 1) {
        /* serial: stop at the first error, as the threads do */
        for (size_t i = 0; i < n; i++) {
            int rc = fn(arg, i, 0);
            if (rc) return rc;
        }
        return HR_OK;
    }
    for (size_t t = 1; t < nth; t++)
        started[t] = pthread_create(&tid[t], NULL, pool_run, &w[t]) == 0;
    pool_run(&w[0]);
    for (size_t t = 1; t < nth; t++)
        if (started[t]) pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&p.mu);
    size_t best = n;
    for (size_t t = 0; t < nth; t++)
        if (w[t].fail < n && (best == n || w[t].fail < w[best].fail)) best = t;
    if (best == n) return HR_OK;
    return hr_err(w[best].status, "%s", w[best].msg);
}

/* ord[0..n) = 0..n-1 by decreasing w[] (ties: index order): insertion
 * sort, n is a few hundred at most (files, regions). */
static void order_by_weight(const size_t *w, size_t n, size_t *ord)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        while (k > 0 && w[ord[k - 1]] < w[i]) {
            ord[k] = ord[k - 1];
            k--;
        }
        ord[k] = i;
    }
}

/* ------------------------------------------------------------ driver */

typedef struct {
    ing_ctx *cx; /* [nth] per-thread reading contexts */
    size_t chunk;
} read_job;

static int read_job_fn(void *arg, size_t i, size_t th)
{
    read_job *j = arg;
    return read_one(&j->cx[th], i, j->chunk);
}

typedef struct {
    const ing_ctx *x;  /* merged chunks, sorted by region */
    size_t *grp;       /* [ngrp + 1] first chunk of each region */
    series_region *reg; /* [ngrp] built regions */
} build_job;

static int build_job_fn(void *arg, size_t g, size_t th)
{
    (void)th;
    build_job *j = arg;
    size_t a = j->grp[g], e = j->grp[g + 1];
    int rc = build_region(j->x, &j->reg[g], j->x->ck + a, e - a);
    /* the region's chunks are done with: free them now (peak memory) */
    for (size_t k = a; k < e; k++) {
        chunk_free(j->x->ck[k]);
        j->x->ck[k] = NULL;
    }
    return rc;
}

/* pool_for with the jobs taken largest first by weight(warg, i), so that no
 * big job is left for the end (one thread: in order, nothing to weigh). */
static int pool_for_largest(ing_job_fn fn, void *arg, size_t n, size_t nth,
                            size_t (*weight)(const void *warg, size_t i), const void *warg)
{
    if (nth <= 1) return pool_for(fn, arg, n, 1, NULL);
    size_t *w = mem_array(2 * n, sizeof *w);
    if (!w) return hr_err(HR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) w[i] = weight(warg, i);
    order_by_weight(w, n, w + n);
    int rc = pool_for(fn, arg, n, nth, w + n);
    mem_free(w);
    return rc;
}

/* A file's weight: its size (a file that cannot be read fails in read_one). */
static size_t file_weight(const void *paths, size_t i)
{
    struct stat st;
    const char *p = ((const char *const *)paths)[i];
    return stat(p, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0;
}

/* A region's weight: the values its chunks hold. */
static size_t region_weight(const void *job, size_t g)
{
    const build_job *j = job;
    size_t w = 0;
    for (size_t k = j->grp[g]; k < j->grp[g + 1]; k++) w += j->x->ck[k]->n * (j->x->ck[k]->ncol + 1);
    return w;
}

int ingest_read(const char *const *paths, size_t npaths, const hr_ingest_opts *o, size_t chunk,
                hr_series **out)
{
    hr_err_clear();
    if (out) *out = NULL;
    if (!paths || !o || !out) return hr_err(HR_EINVAL, "hr_series_read: NULL argument");
    if (!npaths) return hr_err(HR_EINVAL, "hr_series_read: no paths (npaths = 0)");
    for (size_t i = 0; i < npaths; i++) {
        if (!paths[i]) return hr_err(HR_EINVAL, "hr_series_read: paths[%zu] is NULL", i);
        if (strcmp(paths[i], "-") == 0)
            return hr_err(HR_EINVAL, "hr_series_read: \"-\" (stdin) is not accepted by the library");
    }
    if ((unsigned)o->format >= HR_NFORMATS)
        return hr_err(HR_EINVAL, "hr_series_read: format %d is not an hr_format", (int)o->format);
    if ((unsigned)o->on_duplicate > HR_DUP_LAST)
        return hr_err(HR_EINVAL, "hr_series_read: on_duplicate %d is not an hr_dup_rule",
                      (int)o->on_duplicate);
    if ((unsigned)o->on_overlap > HR_OVERLAP_LAST)
        return hr_err(HR_EINVAL, "hr_series_read: on_overlap %d is not an hr_overlap_rule",
                      (int)o->on_overlap);
    if (!isfinite(o->scale) || o->scale == 0)
        return hr_err(HR_EINVAL, "hr_series_read: scale %g is not a finite non-zero number", o->scale);
    if (o->threads < 0)
        return hr_err(HR_EINVAL, "hr_series_read: threads %d is negative", o->threads);
    ing_ctx cx[ING_MAX_THREADS];
    size_t nth = pool_threads(o, npaths);
    memset(cx, 0, nth * sizeof cx[0]);
    for (size_t t = 0; t < nth; t++) {
        cx[t].o = o;
        cx[t].paths = paths;
    }
    ing_ctx *x = &cx[0]; /* after the read: holds every chunk */
    int rc = HR_OK;
    hr_series *s = NULL;
    series_region *reg = NULL;
    size_t *grp = NULL, ngrp = 0;
    read_job rj = {cx, chunk};
    rc = pool_for_largest(read_job_fn, &rj, npaths, nth, file_weight, paths);
    if (rc) goto fail;
    /* chunks of the other threads join thread 0's */
    for (size_t t = 1; t < nth; t++) {
        if (!cx[t].nck) continue;
        size_t need = x->nck + cx[t].nck;
        if (need > x->capck) {
            ing_chunk **ck = mem_realloc(x->ck, need * sizeof *ck);
            if (!ck) {
                rc = hr_err(HR_ENOMEM, "out of memory");
                goto fail;
            }
            x->ck = ck;
            x->capck = need;
        }
        memcpy(x->ck + x->nck, cx[t].ck, cx[t].nck * sizeof *x->ck);
        x->nck = need;
        cx[t].nck = 0;
    }
    if (x->nck == 0) {
        rc = hr_err(HR_EDATA, "%s: no data", paths[0]);
        goto fail;
    }
    qsort(x->ck, x->nck, sizeof *x->ck, cmp_ck);
    s = series_new();
    grp = mem_array(x->nck + 1, sizeof *grp);
    if (!s || !grp) {
        rc = hr_err(HR_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < x->nck; i++)
        if (i == 0 || strcmp(x->ck[i]->region, x->ck[i - 1]->region) != 0) grp[ngrp++] = i;
    grp[ngrp] = x->nck;
    reg = mem_calloc(ngrp, sizeof *reg);
    if (!reg) {
        rc = hr_err(HR_ENOMEM, "out of memory");
        goto fail;
    }
    build_job bj = {x, grp, reg};
    rc = pool_for_largest(build_job_fn, &bj, ngrp, pool_threads(o, ngrp), region_weight, &bj);
    if (rc) goto fail;
    for (size_t g = 0; g < ngrp; g++)
        if (reg[g].name && series_take_region(s, &reg[g])) {
            rc = hr_err(HR_ENOMEM, "out of memory");
            goto fail;
        }
    if (s->nreg == 0) {
        rc = hr_err(HR_EDATA, "%s: no data", paths[0]);
        goto fail;
    }
    series_sort_regions(s);
    mem_free(reg);
    mem_free(grp);
    for (size_t t = 0; t < nth; t++) ctx_free(&cx[t]);
    if (o->log) log_summary(s, o);
    *out = s;
    return HR_OK;
fail:
    if (reg)
        for (size_t g = 0; g < ngrp; g++) series_region_clear(&reg[g]);
    mem_free(reg);
    mem_free(grp);
    for (size_t t = 0; t < nth; t++) ctx_free(&cx[t]);
    hr_series_free(s);
    return rc ? rc : HR_ENOMEM;
}

/* ------------------------------------------------------------ public API */

void hr_ingest_opts_init(hr_ingest_opts *o)
{
    if (!o) return; /* documented no-op */
    memset(o, 0, sizeof *o);
    o->format = HR_FORMAT_AUTO;
    o->on_duplicate = HR_DUP_ERROR;
    o->on_overlap = HR_OVERLAP_ERROR;
    o->screen = 1;
    o->scale = 1.0;
}

int hr_series_read(const char *const *paths, size_t npaths, const hr_ingest_opts *o, hr_series **out)
{
    hr_ingest_opts def;
    if (!o) {
        hr_ingest_opts_init(&def);
        o = &def;
    }
    return ingest_read(paths, npaths, o, 0, out);
}

int hr_series_from_arrays(const char *region, const int64_t *t_utc, const double *load_mw, size_t n,
                          int screen, hr_series **out)
{
    hr_err_clear();
    if (out) *out = NULL;
    if (!region || !t_utc || !load_mw || !out)
        return hr_err(HR_EINVAL, "hr_series_from_arrays: NULL argument");
    if (!*region) return hr_err(HR_EINVAL, "hr_series_from_arrays: empty region name");
    if (!n) return hr_err(HR_EINVAL, "hr_series_from_arrays: no hours (n = 0)");
    for (size_t i = 0; i < n; i++) {
        if (isinf(load_mw[i]))
            return hr_err(HR_EINVAL, "hr_series_from_arrays: load_mw[%zu] is infinite (NaN = missing)", i);
        if (t_utc[i] % 3600 != 0)
            return hr_err(HR_EINVAL, "hr_series_from_arrays: t_utc[%zu] is not on the hour", i);
        if (i && t_utc[i] <= t_utc[i - 1])
            return hr_err(HR_EINVAL, "hr_series_from_arrays: t_utc not strictly increasing at %zu", i);
    }
    /* hours, not seconds, so that the difference cannot overflow */
    int64_t span = t_utc[n - 1] / 3600 - t_utc[0] / 3600 + 1;
    if (span > ING_MAX_HOURS)
        return hr_err(HR_EINVAL, "hr_series_from_arrays: span of %lld hours", (long long)span);
    hr_series *s = series_new();
    if (!s) return hr_err(HR_ENOMEM, "out of memory");
    series_region *r = series_add_region(s, region, t_utc[0], (size_t)span);
    double *clean = r ? series_add_col(r, "load_mw") : NULL;
    double *raw = clean ? series_add_col(r, "load_raw_mw") : NULL;
    if (!raw) {
        hr_series_free(s);
        return hr_err(HR_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) raw[(t_utc[i] - t_utc[0]) / 3600] = load_mw[i];
    const char *tz = ingest_region_tz(region);
    if (tz && !(r->tz = mem_strdup(tz))) {
        hr_series_free(s);
        return hr_err(HR_ENOMEM, "out of memory");
    }
    int rc = finish_load(r, NULL, screen);
    if (rc) {
        hr_series_free(s);
        return rc;
    }
    *out = s;
    return HR_OK;
}

/* Shortest "%.Ng" that reads back to the same double (N = 15..17). */
static void fmt_num(double v, char *buf, size_t cap, locale_t c)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod_l(buf, NULL, c) == v) return;
    }
}

static int put_field(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) return fputs(s, fp) < 0 ? -1 : 0;
    if (fputc('"', fp) == EOF) return -1;
    for (; *s; s++) {
        if (*s == '"' && fputc('"', fp) == EOF) return -1;
        if (fputc(*s, fp) == EOF) return -1;
    }
    return fputc('"', fp) == EOF ? -1 : 0;
}

int hr_series_write_long(const hr_series *s, size_t i, const char *path)
{
    hr_err_clear();
    if (!s || !path) return hr_err(HR_EINVAL, "hr_series_write_long: NULL argument");
    if (!*path) return hr_err(HR_EINVAL, "hr_series_write_long: empty path");
    if (i >= s->nreg) return hr_err(HR_EINVAL, "hr_series_write_long: no region %zu", i);
    const series_region *r = &s->reg[i];
    size_t plen = strlen(path);
    char *tmp = mem_alloc(plen + 5);
    if (!tmp) return hr_err(HR_ENOMEM, "out of memory");
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    locale_t cl = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (!cl) {
        mem_free(tmp);
        return hr_err(HR_ENOMEM, "out of memory (locale)");
    }
    locale_t old = uselocale(cl); /* thread-local: %g always writes '.' */
    FILE *fp = fopen(tmp, "w");
    int rc = HR_OK;
    if (!fp) {
        rc = hr_err(HR_EIO, "%s: cannot create: %s", tmp, strerror(errno));
        goto out;
    }
    const double *load = series_col_get(r, "load_mw");
    const double *raw = series_col_get(r, "load_raw_mw");
    int bad = fputs("region,timestamp,load_mw,load_raw_mw,flag", fp) < 0;
    for (size_t j = 0; j < r->ncol; j++) {
        const char *nm = r->col[j].name;
        if (strcmp(nm, "load_mw") == 0 || strcmp(nm, "load_raw_mw") == 0) continue;
        bad |= fputc(',', fp) == EOF || put_field(fp, nm);
    }
    bad |= fputc('\n', fp) == EOF;
    char num[40], ts[21];
    for (size_t k = 0; k < r->n && !bad; k++) {
        bad |= put_field(fp, r->name) || fputc(',', fp) == EOF;
        cal_format_utc(r->t0 + 3600 * (int64_t)k, ts);
        bad |= fputs(ts, fp) < 0 || fputc(',', fp) == EOF;
        fmt_num(load ? load[k] : NAN, num, sizeof num, cl);
        bad |= fputs(num, fp) < 0 || fputc(',', fp) == EOF;
        fmt_num(raw ? raw[k] : NAN, num, sizeof num, cl);
        bad |= fputs(num, fp) < 0 || fputc(',', fp) == EOF;
        if (r->flag) bad |= fputs(hr_flag_name(r->flag[k]), fp) < 0;
        for (size_t j = 0; j < r->ncol; j++) {
            const char *nm = r->col[j].name;
            if (strcmp(nm, "load_mw") == 0 || strcmp(nm, "load_raw_mw") == 0) continue;
            fmt_num(r->col[j].v[k], num, sizeof num, cl);
            bad |= fputc(',', fp) == EOF || fputs(num, fp) < 0;
        }
        bad |= fputc('\n', fp) == EOF;
    }
    if (ferror(fp)) bad = 1;
    if (fclose(fp) != 0) bad = 1;
    if (bad) {
        remove(tmp);
        rc = hr_err(HR_EIO, "%s: write error", tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        rc = hr_err(HR_EIO, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
        remove(tmp);
    }
out:
    uselocale(old);
    freelocale(cl);
    mem_free(tmp);
    return rc;
}
