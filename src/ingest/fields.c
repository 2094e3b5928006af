/* fields.c — what happens to each field libcsv hands over.
 *
 * Fields are converted inside the libcsv callback, never copied: numbers
 * with an exact decimal parser, timestamps through rowtime.c, names and
 * labels checked as UTF-8. Also the messages (FILE:LINE: column 'NAME':
 * problem) and the header helpers the readers use. */
#include "ingest/ingest_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    int range = errno == ERANGE && isinf(x); /* 1e309: refused as "inf" is */
    freelocale(c);
    if (end != buf + k || k == 0 || range) return -1;
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
    char msg[600], nm[64];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (colname) {
        excerpt(colname, strlen(colname), nm, sizeof nm);
        err_set(status, "%s:%lu: column '%s': %s", f->path, f->line, nm, msg);
    } else if (j != (size_t)-1)
        err_set(status, "%s:%lu: column %zu: %s", f->path, f->line, j + 1, msg);
    else
        err_set(status, "%s:%lu: %s", f->path, f->line, msg);
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
/* ------------------------------------------------------------ field callbacks */

int ingest_utf8_ok(const unsigned char *s, size_t n)
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
    if (!ingest_civil_ok(c)) return -1;
    if (!same) {
        memcpy(f->fd_str, s, 10);
        f->fd_civ = *c;
        f->fd_ok = 1;
    }
    return 0;
}

/* ISO 8601 basic YYYYMMDDTHH[MM[SS]][Z] (the 2019 cleaned EIA-930 release
 * writes 20150702T01Z); 0 and *zulu, or -1 to fall back (offsets, dates). */
static int fast_basic(const char *s, size_t len, cal_civil *c, int *zulu)
{
    *zulu = len > 0 && s[len - 1] == 'Z';
    size_t nt = len - (size_t)*zulu;
    if (nt != 11 && nt != 13 && nt != 15) return -1;
    if (s[8] != 'T') return -1;
    int d[14] = {0};
    for (size_t i = 0, k = 0; i < nt; i++) {
        if (i == 8) continue;
        unsigned v = (unsigned)(unsigned char)s[i] - '0';
        if (v > 9) return -1;
        d[k++] = (int)v;
    }
    c->year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
    c->month = d[4] * 10 + d[5];
    c->day = d[6] * 10 + d[7];
    c->hour = d[8] * 10 + d[9];
    c->minute = d[10] * 10 + d[11];
    c->second = d[12] * 10 + d[13];
    return ingest_civil_ok(c) ? 0 : -1;
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

static inline void row_reset(ing_file *f)
{
    f->nfield = f->nonempty = 0;
    f->nl_in_row = 0;
    f->empty_col = 0;
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

static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

static const char *role_name(int role)
{
    switch (role) {
    case COL_TIME: return "timestamp";
    case COL_DATE: return "date";
    case COL_HOUR: return "hour";
    case COL_YEAR: return "year";
    case COL_MONTH: return "month";
    case COL_DAY: return "day";
    case COL_REGION: return "region";
    default: return "value";
    }
}

/* 1 if s starts with a date A/B/... with A != B (both <= 12 in a file where
 * no date decides): day-first and month-first read it differently. */
static int slash_undecided(const char *s, size_t len)
{
    size_t i = 0;
    int a = 0, b = 0;
    while (i < len && s[i] == ' ') i++;
    size_t i0 = i;
    while (i < len && i - i0 < 3 && s[i] >= '0' && s[i] <= '9') a = a * 10 + (s[i++] - '0');
    if (i == i0 || i >= len || s[i] != '/') return 0;
    size_t j0 = ++i;
    while (i < len && i - j0 < 3 && s[i] >= '0' && s[i] <= '9') b = b * 10 + (s[i++] - '0');
    return i > j0 && i < len && s[i] == '/' && a != b;
}

/* The error for a timestamp that does not parse (r: ingest_parse_alt's). */
static void time_err(ing_file *f, size_t j, int role, const char *s, size_t len, int r)
{
    char ex[64];
    excerpt(s, len, ex, sizeof ex);
    if (r == -2)
        ingest_col_err(f, HR_EPARSE, j,
                       "ambiguous date \"%s\": no date in the file has a day above 12, so day-first "
                       "and month-first cannot be told apart (write YYYY-MM-DD dates)", ex);
    else if (r == -3)
        ingest_col_err(f, HR_EPARSE, j,
                       "date \"%s\": the file has dates of both orders (day-first and month-first)", ex);
    else
        ingest_col_err(f, HR_EPARSE, j,
                       "not a valid %s: \"%s\" (accepted: 2024-01-31 13:00[:00] with 'T', 'Z' or "
                       "+hh:mm; 20240131T13[00[00]][Z]; 1/31/2024 1:00[:00] [PM]; 31/01/2024, "
                       "31-01-2024 or 31.01.2024 13:00, day-first when a day above 12 says so)",
                       role == COL_DATE ? "date" : "timestamp", ex);
}

static void field_data(ing_file *f, size_t j, const char *s, size_t len)
{
    const ing_col *c = &f->col[j];
    char ex[64];
    if (c->role != COL_SKIP && c->role != COL_VAL && c->role != COL_LABEL && blank(s, len)) {
        /* an error only if the row is not empty (a spreadsheet's ",,,," rows are) */
        if (!f->empty_col) {
            f->empty_col = j + 1;
            snprintf(f->empty_msg, sizeof f->empty_msg, "empty %s", role_name(c->role));
        }
        return;
    }
    switch (c->role) {
    case COL_SKIP:
        return;
    case COL_VAL: {
        double x;
        if (f->delim == ';' && memchr(s, ',', len)) {
            /* where ';' separates fields, ',' may be a decimal comma */
            excerpt(s, len, ex, sizeof ex);
            ingest_col_err(f, HR_EPARSE, j, "not a number: \"%s\" (a decimal comma? only '.' is read)", ex);
            return;
        }
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
        if (c->need_hour && len <= 10 && !memchr(s, 'T', len) && !memchr(s, ' ', len)) {
            excerpt(s, len, ex, sizeof ex);
            ingest_col_err(f, HR_EPARSE, j, "\"%s\" is a date without an hour: daily data (hourly or "
                           "sub-hourly data is read)", ex);
            return;
        }
        int r = fast_iso(f, s, len, &f->civ), zulu = 0;
        if (r != 0 && (r = fast_basic(s, len, &f->civ, &zulu)) == 0) {
            f->has_off = zulu;
            f->off_s = 0;
            f->dst = 0;
        } else if (r == 0) {
            f->has_off = 0;
            f->dst = 0;
        } else {
            int hoff = 0, off = 0, dst = 0;
            int r2 = cal_parse_time(s, len, f->dayfirst ? CAL_DAYFIRST : 0, &f->civ, &hoff, &off, &dst);
            if (r2 != 0) r2 = ingest_parse_alt(f, s, len, &hoff, &off, &dst);
            if (r2 == 0 && f->dmy_slash == DMY_SEEN && !f->mdy_default && slash_undecided(s, len)) r2 = -2;
            if (r2 != 0 || !ingest_civil_ok(&f->civ)) {
                time_err(f, j, c->role, s, len, r2);
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
        if (n >= ING_NAMELEN) {
            ingest_col_err(f, HR_EPARSE, j, "longer than %d bytes", ING_NAMELEN - 1);
            return;
        }
        if (!ingest_utf8_ok((const unsigned char *)p, n)) {
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

void ingest_cb_field(void *sv, size_t len, void *data)
{
    ing_file *f = data;
    if (f->status) return;
    size_t j = f->nfield++;
    const char *s = sv ? (const char *)sv : "";
    if (len > ING_MAX_FIELD) {
        ingest_col_err(f, HR_EPARSE, j, "field longer than %d bytes", ING_MAX_FIELD);
        return;
    }
    if (len && (s[0] != ' ' || !blank(s, len))) f->nonempty++;
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
        if (j == f->caphdr) {
            size_t cap = f->caphdr ? 2 * f->caphdr : 64;
            char **hh = mem_realloc(f->hdr, cap * sizeof *hh);
            if (!hh) {
                ingest_line_err(f, HR_ENOMEM, "out of memory");
                return;
            }
            f->hdr = hh;
            f->caphdr = cap;
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

void ingest_row_reset(ing_file *f) { row_reset(f); }

void ingest_cb_row(int c, void *data)
{
    ing_file *f = data;
    if (f->status) return;
    if (c == '\n' && f->prev_term == '\r' && f->nfield == 0) {
        f->prev_term = c; /* the LF of a CRLF */
        return;
    }
    f->prev_term = c;
    if (f->nonempty == 0 && f->in_header) {
        /* a row of empty fields before the header: its copies go */
        for (size_t j = 0; j < f->nhdr; j++) mem_free(f->hdr[j]);
        f->nhdr = 0;
    }
    if (f->nonempty > 0) {
        if (f->in_header) {
            if (ingest_header_done(f)) return;
        } else {
            if (f->empty_col) {
                ingest_col_err(f, HR_EPARSE, f->empty_col - 1, "%s", f->empty_msg);
                return;
            }
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
