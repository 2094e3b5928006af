/* rowtime.c — the UTC hour of a row.
 *
 * Time zones of known regions and the zone cache of a read, calendar
 * checks, local prevailing time to UTC with DST repeats (first occurrence
 * in a file = earlier instant, or by a DST flag) and spring-forward gaps,
 * hour-ending labels, the fixed-layout ISO fast path, and day-first
 * detection of d/m/y dates. */
#include "ingest/ingest_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
            uint64_t rh = ingest_hash(region ? region : "", ING_FNV_SEED);
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
    if (!ingest_civil_ok(&c))
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
    int64_t off = u % 3600;
    if (off % 60 != 0) /* sub-hourly intervals are whole minutes (subhour.c) */
        return ingest_col_err(f, HR_EDATA, f->time_col, "time is not on the hour");
    f->off_hour |= off != 0;
    *t = u;
    return 0;
}
/* Scan b[0..n) for dates N{1,2} sep N{1,2} sep N: returns DMY_SEEN if
 * there is one, | DMY_DAY when a first number is above 12 (day-first), |
 * DMY_MONTH when a second one is (month-first). */
static int scan_dmy(const char *b, size_t n, char sep)
{
    int m = 0;
    const char *p = b, *e = b + n;
    while ((p = memchr(p, sep, (size_t)(e - p))) != NULL) {
        const char *q = p;
        int a = 0, k = 0, mul = 1;
        while (q > b && k < 3 && q[-1] >= '0' && q[-1] <= '9') {
            a += (q[-1] - '0') * mul;
            mul *= 10;
            q--;
            k++;
        }
        if (k >= 1 && k <= 2 && (q == b || q[-1] < '0' || q[-1] > '9') && (q == b || q[-1] != sep)) {
            const char *r = p + 1;
            int bb = 0, kk = 0;
            while (r < e && kk < 3 && *r >= '0' && *r <= '9') bb = bb * 10 + (*r++ - '0'), kk++;
            if (kk >= 1 && kk <= 2 && r + 1 < e && *r == sep && r[1] >= '0' && r[1] <= '9') {
                m |= DMY_SEEN;
                if (a > 12) m |= DMY_DAY;
                if (bb > 12) m |= DMY_MONTH;
                p = r + 1;
                if ((m & DMY_DAY) && (m & DMY_MONTH)) break;
                continue;
            }
        }
        p++;
    }
    return m;
}

int ingest_detect_dmy(const char *b, size_t n, char sep)
{
    /* dates are on every row: a file whose first 64 KiB has none has none */
    size_t head = n < 65536 ? n : 65536;
    if (!scan_dmy(b, head, sep)) return 0;
    return scan_dmy(b, n, sep);
}

/* ISO 8601 basic form YYYYMMDD[THH[MM[SS]]][Z|+-HH[MM]] rewritten in the
 * extended form into out (>= 32 bytes); 0, or -1 if s is not one. */
static int basic_iso(const char *s, size_t len, char *out)
{
    size_t i = 0, k = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') i++;
    if (i != 8) return -1;
    k = (size_t)snprintf(out, 32, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
    if (i == len) return 0;
    if (s[i] != 'T') return -1;
    size_t t0 = ++i;
    while (i < len && s[i] >= '0' && s[i] <= '9') i++;
    size_t nt = i - t0;
    if (nt != 2 && nt != 4 && nt != 6) return -1;
    k += (size_t)snprintf(out + k, 32 - k, "T%.2s:%.2s:%.2s", s + t0, nt >= 4 ? s + t0 + 2 : "00",
                          nt == 6 ? s + t0 + 4 : "00");
    if (i == len) return 0;
    if (s[i] == 'Z' && i + 1 == len) {
        out[k++] = 'Z';
        out[k] = '\0';
        return 0;
    }
    if (s[i] != '+' && s[i] != '-') return -1;
    size_t z0 = i + 1, j = z0;
    while (j < len && s[j] >= '0' && s[j] <= '9') j++;
    if (j != len || (j - z0 != 2 && j - z0 != 4)) return -1;
    snprintf(out + k, 32 - k, "%c%.2s:%.2s", s[i], s + z0, j - z0 == 4 ? s + z0 + 2 : "00");
    return 0;
}

int ingest_parse_alt(ing_file *f, const char *s, size_t len, int *hoff, int *off, int *dst)
{
    while (len && *s == ' ') s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\r')) len--;
    char buf[80];
    if (basic_iso(s, len, buf) == 0)
        return cal_parse_time(buf, strlen(buf), 0, &f->civ, hoff, off, dst) == 0 ? 0 : -1;
    /* D-M-Y or M-D-Y with '-' or '.', as the file's dates decide */
    size_t i = 0;
    long a = 0, b = 0;
    while (i < len && i < 2 && s[i] >= '0' && s[i] <= '9') a = a * 10 + (s[i++] - '0');
    if (i == 0 || i >= len || (s[i] != '-' && s[i] != '.')) return -1;
    char sep = s[i++];
    size_t j = i;
    while (i < len && i - j < 2 && s[i] >= '0' && s[i] <= '9') b = b * 10 + (s[i++] - '0');
    if (i == j || i >= len || s[i] != sep) return -1;
    size_t y0 = ++i;
    while (i < len && s[i] >= '0' && s[i] <= '9') i++;
    if (i - y0 != 2 && i - y0 != 4) return -1;
    int m = sep == '-' ? f->dmy_dash : f->dmy_dot;
    if ((m & DMY_DAY) && (m & DMY_MONTH)) return -3; /* both orders in one file */
    if (!(m & (DMY_DAY | DMY_MONTH)) && a != b && a <= 12 && b <= 12) return -2;
    long day = (m & DMY_DAY) ? a : b, mon = (m & DMY_DAY) ? b : a;
    int yy = atoi(s + y0);
    if (i - y0 == 2) yy += yy >= 70 ? 1900 : 2000;
    size_t rest = len - i;
    if (rest == 0)
        snprintf(buf, sizeof buf, "%04d-%02ld-%02ld", yy, mon, day);
    else if (rest < 40)
        snprintf(buf, sizeof buf, "%ld/%ld/%04d%.*s", mon, day, yy, (int)rest, s + i);
    else
        return -1;
    return cal_parse_time(buf, strlen(buf), 0, &f->civ, hoff, off, dst) == 0 ? 0 : -1;
}
