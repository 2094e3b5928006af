/* calendar.c — civil dates, timestamp parsing, TZif time zones, US holidays.
 *
 * Exported (src/time/calendar.h): cal_days_from_civil, cal_civil_from_days,
 * cal_civil_to_utc, cal_utc_to_civil, cal_floor_hour, cal_format_utc,
 * cal_parse_time, cal_tz_load, cal_tz_free, cal_tz_name, cal_tz_offset,
 * cal_local_to_utc, cal_us_holiday, cal_us_bridge_day; public (headroom.h):
 * hr_time_format, hr_time_parse.
 *
 * Time is int64 seconds since 1970-01-01T00:00:00Z (SQLite date.c idea).
 * Civil-date arithmetic is Howard Hinnant's "chrono-Compatible Low-Level Date
 * Algorithms" (days_from_civil / civil_from_days), exact over the whole int
 * range. Zones come from TZif files (RFC 8536): the 64-bit block of v2+
 * files, plus the POSIX TZ footer (POSIX.1-2017 §8.3, with the RFC 8536 §3.3.1
 * hour range -167..167) for instants after the last listed transition.
 * Debian's "slim" tzdata lists US transitions only up to 2007, so the footer
 * rule is expanded into the transition table up to the year 2100 at load
 * time (lookups are then one binary search), and evaluated directly beyond.
 * Nothing here reads TZ, calls tzset/localtime or touches global state: every
 * function is thread-safe; a loaded cal_tz is immutable.
 */
#include "time/calendar.h"
#include "util/error.h"
#include "util/mem.h"
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SECS_PER_DAY 86400

/* ------------------------------------------------------------ civil dates */

/* Floor division and modulo for negative numerators. */
static int64_t fdiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && ((a < 0) != (b < 0))); }
static int64_t fmod64(int64_t a, int64_t b) { return a - fdiv(a, b) * b; }

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int cal_is_leap(int y) { return is_leap(y); }

int64_t cal_year_start(int y) { return cal_days_from_civil(y, 1, 1) * 86400; }

static int days_in_month(int64_t y, int m)
{
    static const unsigned char md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 ? 28 + is_leap(y) : md[m - 1];
}

/* Hinnant, days_from_civil: shift the year to start in March so that the
 * leap day is last; era = 400-year cycle of 146097 days. */
int64_t cal_days_from_civil(int y_in, int m, int d)
{
    int64_t y = (int64_t)y_in - (m <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                    /* [0, 399]   */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  /* [0, 365]   */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

/* Hinnant, civil_from_days (inverse of the above). */
void cal_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = mm;
    *d = dd;
}

int64_t cal_civil_to_utc(const cal_civil *c)
{
    return cal_days_from_civil(c->year, c->month, c->day) * SECS_PER_DAY
           + (int64_t)c->hour * 3600 + (int64_t)c->minute * 60 + c->second;
}

void cal_utc_to_civil(int64_t t, cal_civil *c, int *weekday, int *yday)
{
    int64_t days = fdiv(t, SECS_PER_DAY);
    int64_t s = t % SECS_PER_DAY; /* not t - days * 86400: overflows near INT64_MIN */
    if (s < 0) s += SECS_PER_DAY;
    cal_civil_from_days(days, &c->year, &c->month, &c->day);
    c->hour = (int)(s / 3600);
    c->minute = (int)(s / 60 % 60);
    c->second = (int)(s % 60);
    if (weekday) *weekday = (int)fmod64(days + 4, 7); /* 1970-01-01 was a Thursday */
    if (yday) *yday = (int)(days - cal_days_from_civil(c->year, 1, 1));
}

int64_t cal_floor_hour(int64_t t) { return fdiv(t, 3600) * 3600; }

static void put2(char *p, int v) { p[0] = (char)('0' + v / 10); p[1] = (char)('0' + v % 10); }

void cal_format_utc(int64_t t, char buf[21])
{
    cal_civil c;
    cal_utc_to_civil(t, &c, NULL, NULL);
    if (c.year < 0 || c.year > 9999) { /* outside ISO's 4-digit range: best effort, truncated */
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day,
                 c.hour, c.minute, c.second);
        memcpy(buf, tmp, 20);
        buf[20] = '\0';
        return;
    }
    put2(buf, c.year / 100);
    put2(buf + 2, c.year % 100);
    buf[4] = '-'; put2(buf + 5, c.month);
    buf[7] = '-'; put2(buf + 8, c.day);
    buf[10] = 'T'; put2(buf + 11, c.hour);
    buf[13] = ':'; put2(buf + 14, c.minute);
    buf[16] = ':'; put2(buf + 17, c.second);
    buf[19] = 'Z';
    buf[20] = '\0';
}

void hr_time_format(int64_t t_utc, char buf[21]) { cal_format_utc(t_utc, buf); }

/* ---------------------------------------------------------------- parsing
 * Hand-written scanner over [p, e): this is the ingest hot path, so no
 * sscanf/strptime (locale, NUL-termination and speed all argue against). */

static int is_digit(char ch) { return (unsigned)(ch - '0') < 10u; }
static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }
static char up(char ch) { return (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch); }

/* Read between minn and maxn digits; more digits than maxn is an error.
 * Returns the count read or -1. */
static int digits(const char **pp, const char *e, int minn, int maxn, int *v)
{
    const char *p = *pp;
    int n = 0, x = 0;
    while (p < e && n < maxn && is_digit(*p)) { x = x * 10 + (*p - '0'); p++; n++; }
    if (n < minn || (p < e && is_digit(*p))) return -1;
    *pp = p;
    *v = x;
    return n;
}

static const char *skip_spaces(const char *p, const char *e)
{
    while (p < e && is_space(*p)) p++;
    return p;
}

/* Time of day "H[:MM[:SS[.f...]]]"; need_min: minutes required. *zero_frac
 * is 0 when a fraction had a nonzero digit (matters only for 24:00). */
static int parse_clock(const char **pp, const char *e, int need_min, int *h, int *mi, int *s,
                       int *zero_frac)
{
    const char *p = *pp;
    *mi = *s = 0;
    *zero_frac = 1;
    if (digits(&p, e, 1, 2, h) < 0) return -1;
    if (p < e && *p == ':') {
        p++;
        if (digits(&p, e, 2, 2, mi) < 0) return -1;
        if (p < e && *p == ':') {
            p++;
            if (digits(&p, e, 2, 2, s) < 0) return -1;
            if (p < e && *p == '.') {
                p++;
                if (p >= e || !is_digit(*p)) return -1;
                while (p < e && is_digit(*p)) { if (*p != '0') *zero_frac = 0; p++; }
            }
        }
    } else if (need_min) {
        return -1;
    }
    *pp = p;
    return 0;
}

/* Zone designator: Z | (+|-)HH | (+|-)HH:MM | (+|-)HHMM. Seconds east. */
static int parse_offset(const char **pp, const char *e, int *off)
{
    const char *p = *pp;
    if (*p == 'Z' || *p == 'z') { *off = 0; *pp = p + 1; return 0; }
    int sign = *p == '-' ? -1 : 1, hh, mm = 0, v;
    p++;
    int n = digits(&p, e, 2, 4, &v);
    if (n == 4) { hh = v / 100; mm = v % 100; }
    else if (n == 2) {
        hh = v;
        if (p < e && *p == ':') { p++; if (digits(&p, e, 2, 2, &mm) < 0) return -1; }
    } else return -1;
    if (hh > 23 || mm > 59) return -1;
    *off = sign * (hh * 3600 + mm * 60);
    *pp = p;
    return 0;
}

enum { FORM_ISO = 1, FORM_US = 2 };

/* Core of cal_parse_time; returns the form (FORM_*) or -1. */
static int parse_time(const char *s, size_t len, int flags, cal_civil *out, int *has_off,
                      int *off_s, int *dst)
{
    const char *p = s, *e = s + len;
    p = skip_spaces(p, e);
    while (e > p && is_space(e[-1])) e--;
    int y, mo, d, h = 0, mi = 0, sec = 0, zero_frac = 1, off = 0, have_off = 0, dstf = 0;
    int form, ampm = 0; /* 1 = AM, 2 = PM */
    int n = digits(&p, e, 1, 4, &y);
    if (n == 4 && p < e && *p == '-') { /* ISO 8601 */
        form = FORM_ISO;
        p++;
        if (digits(&p, e, 1, 2, &mo) < 0 || p >= e || *p != '-') return -1;
        p++;
        if (digits(&p, e, 1, 2, &d) < 0) return -1;
        if (p < e && (*p == 'T' || *p == 't' || is_space(*p))) {
            const char *q = *p == 'T' || *p == 't' ? p + 1 : skip_spaces(p, e);
            if (q < e && is_digit(*q)) {
                p = q;
                if (parse_clock(&p, e, 0, &h, &mi, &sec, &zero_frac) < 0) return -1;
            } else if (*p == 'T' || *p == 't') {
                return -1;
            }
        }
        const char *q = skip_spaces(p, e);
        if (q < e && (*q == 'Z' || *q == 'z' || *q == '+' || *q == '-')) {
            p = q;
            if (parse_offset(&p, e, &off) < 0) return -1;
            have_off = 1;
        }
    } else if (n >= 1 && n <= 2 && p < e && *p == '/') { /* US month-first or day-first */
        form = FORM_US;
        int a = y, b, yy;
        p++;
        if (digits(&p, e, 1, 2, &b) < 0 || p >= e || *p != '/') return -1;
        p++;
        n = digits(&p, e, 2, 4, &yy);
        if (n == 2) yy += yy >= 70 ? 1900 : 2000; /* two-digit pivot: 70..99 -> 19YY */
        else if (n != 4) return -1;
        y = yy;
        if (flags & CAL_DAYFIRST) { d = a; mo = b; } else { mo = a; d = b; }
        if (p < e) {
            const char *q = skip_spaces(p, e);
            if (q == p) return -1;
            p = q;
            if (is_digit(*p)) {
                if (parse_clock(&p, e, 1, &h, &mi, &sec, &zero_frac) < 0) return -1;
                q = skip_spaces(p, e);
                if (e - q >= 2 && (up(*q) == 'A' || up(*q) == 'P') && up(q[1]) == 'M'
                    && (e - q == 2 || !((up(q[2]) >= 'A' && up(q[2]) <= 'Z')))) {
                    ampm = up(*q) == 'A' ? 1 : 2;
                    p = q + 2;
                }
            }
        }
    } else {
        return -1;
    }
    /* trailing " DST" (ERCOT marks the repeated autumn hour this way) */
    {
        const char *q = skip_spaces(p, e);
        if (e - q >= 3 && up(q[0]) == 'D' && up(q[1]) == 'S' && up(q[2]) == 'T') {
            dstf = 1;
            p = q + 3;
        }
    }
    if (p != e) return -1; /* trailing junk */
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return -1;
    if (ampm) {
        if (h < 1 || h > 12) return -1;
        h = h % 12 + (ampm == 2 ? 12 : 0); /* 12 AM = 00, 12 PM = 12 */
    } else if (h > 24 || (h == 24 && (mi || sec || !zero_frac))) {
        return -1;
    }
    if (mi > 59 || sec > 59) return -1;
    out->year = y; out->month = mo; out->day = d;
    out->hour = h; out->minute = mi; out->second = sec;
    if (has_off) *has_off = have_off;
    if (off_s) *off_s = off;
    if (dst) *dst = dstf;
    return form;
}

int cal_parse_time(const char *s, size_t len, int flags, cal_civil *out, int *has_offset,
                   int *offset_s, int *dst_flag)
{
    return parse_time(s, len, flags, out, has_offset, offset_s, dst_flag) > 0 ? 0 : -1;
}

int hr_time_parse(const char *s, int64_t *t_utc)
{
    err_clear();
    if (!s || !t_utc) return err_set(HR_EINVAL, "hr_time_parse: NULL argument");
    cal_civil c;
    int has_off = 0, off = 0, dst = 0;
    if (parse_time(s, strlen(s), 0, &c, &has_off, &off, &dst) != FORM_ISO || dst)
        return err_set(HR_EPARSE, "time \"%.64s\": not an ISO 8601 timestamp "
                                 "(YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])", s);
    *t_utc = cal_civil_to_utc(&c) - (has_off ? off : 0);
    return HR_OK;
}

/* ------------------------------------------------------------- time zones */

/* One POSIX TZ rule date: kind 'J' (Julian 1..365, no Feb 29), 'N' (0..365,
 * counting Feb 29) or 'M' (month.week.weekday); secs = local time of day,
 * may be negative or beyond 24 h (RFC 8536 §3.3.1). */
typedef struct {
    char kind;
    int n, m, w, wd;
    int32_t secs;
} tz_date;

typedef struct {
    int32_t std_off, dst_off; /* seconds east of UTC */
    int has_dst;
    tz_date start, end;       /* into DST (wall clock in std), out of DST (in dst) */
} tz_rule;

struct cal_tz {
    char *name;
    size_t n;             /* table entries                                   */
    int64_t *at;          /* [n] transition instants (UTC), increasing       */
    int32_t *off;         /* [n] offset in force from at[i]                  */
    unsigned char *isdst; /* [n]                                             */
    int32_t off0;         /* before at[0] (RFC 8536: time type 0)            */
    unsigned char dst0;
    int has_rule;
    int64_t rule_from;    /* instants >= this evaluate the rule directly     */
    tz_rule rule;
};

static const char *const default_zone_dir = "/usr/share/zoneinfo";
#define TZ_EXPAND_YEAR 2100 /* footer rule expanded into the table up to here */

/* Day number of a rule date in year y. */
static int64_t rule_day(const tz_date *r, int y)
{
    int64_t jan1 = cal_days_from_civil(y, 1, 1);
    if (r->kind == 'J') return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
    if (r->kind == 'N') return jan1 + r->n;
    /* Mm.w.d: the w-th weekday d of month m, w = 5 meaning the last */
    int64_t first = cal_days_from_civil(y, r->m, 1);
    int wd1 = (int)fmod64(first + 4, 7);
    int day = 1 + (r->wd - wd1 + 7) % 7 + 7 * (r->w - 1);
    int md = days_in_month(y, r->m);
    while (day > md) day -= 7;
    return first + day - 1;
}

/* UTC instants of the DST start and end in year y. */
static void rule_year(const tz_rule *R, int y, int64_t *start, int64_t *end)
{
    *start = rule_day(&R->start, y) * SECS_PER_DAY + R->start.secs - R->std_off;
    *end = rule_day(&R->end, y) * SECS_PER_DAY + R->end.secs - R->dst_off;
}

static int32_t rule_offset(const tz_rule *R, int64_t t, int *is_dst)
{
    int dst = 0;
    if (R->has_dst) {
        int y, m, d;
        cal_civil_from_days(fdiv(t + R->std_off, SECS_PER_DAY), &y, &m, &d);
        int64_t s, e;
        rule_year(R, y, &s, &e);
        dst = s < e ? (t >= s && t < e) : !(t >= e && t < s); /* southern: DST spans New Year */
    }
    if (is_dst) *is_dst = dst;
    return dst ? R->dst_off : R->std_off;
}

/* POSIX TZ pieces. Each returns the advanced pointer or NULL. */
static const char *tzs_name(const char *p)
{
    if (*p == '<') {
        const char *q = p + 1;
        while (*q && *q != '>') q++;
        if (*q != '>' || q - p - 1 < 1) return NULL;
        return q + 1;
    }
    const char *q = p;
    while ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z')) q++;
    return q - p >= 3 ? q : NULL;
}

/* [+-]hh[:mm[:ss]] with hours <= maxh; result in seconds, sign applied. */
static const char *tzs_hms(const char *p, int maxh, int32_t *out)
{
    int sign = 1, h = 0, m = 0, s = 0, nd = 0;
    if (*p == '+' || *p == '-') { sign = *p == '-' ? -1 : 1; p++; }
    while (is_digit(*p) && nd < 3) { h = h * 10 + (*p++ - '0'); nd++; }
    if (nd == 0 || is_digit(*p) || h > maxh) return NULL;
    if (*p == ':') {
        p++;
        if (!is_digit(p[0]) || !is_digit(p[1])) return NULL;
        m = (p[0] - '0') * 10 + (p[1] - '0');
        p += 2;
        if (*p == ':') {
            p++;
            if (!is_digit(p[0]) || !is_digit(p[1])) return NULL;
            s = (p[0] - '0') * 10 + (p[1] - '0');
            p += 2;
        }
        if (m > 59 || s > 59) return NULL;
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *tzs_int(const char *p, int lo, int hi, int *v)
{
    int x = 0, nd = 0;
    while (is_digit(*p) && nd < 4) { x = x * 10 + (*p++ - '0'); nd++; }
    if (nd == 0 || x < lo || x > hi) return NULL;
    *v = x;
    return p;
}

static const char *tzs_date(const char *p, tz_date *r)
{
    if (*p == 'J') {
        r->kind = 'J';
        p = tzs_int(p + 1, 1, 365, &r->n);
    } else if (*p == 'M') {
        r->kind = 'M';
        p = tzs_int(p + 1, 1, 12, &r->m);
        if (!p || *p != '.' || !(p = tzs_int(p + 1, 1, 5, &r->w)) || *p != '.') return NULL;
        p = tzs_int(p + 1, 0, 6, &r->wd);
    } else {
        r->kind = 'N';
        p = tzs_int(p, 0, 365, &r->n);
    }
    if (!p) return NULL;
    r->secs = 7200; /* POSIX default 02:00:00 */
    if (*p == '/') p = tzs_hms(p + 1, 167, &r->secs);
    return p;
}

/* Parse a POSIX TZ string (NUL-terminated). Returns 0 or -1. */
static int parse_posix_tz(const char *p, tz_rule *R)
{
    int32_t v;
    memset(R, 0, sizeof *R);
    if (!(p = tzs_name(p)) || !(p = tzs_hms(p, 24, &v))) return -1;
    R->std_off = -v; /* POSIX offsets are positive west of Greenwich */
    R->dst_off = R->std_off;
    if (*p == '\0') return 0;
    if (!(p = tzs_name(p))) return -1;
    R->has_dst = 1;
    R->dst_off = R->std_off + 3600;
    if (*p && *p != ',') {
        if (!(p = tzs_hms(p, 24, &v))) return -1;
        R->dst_off = -v;
    }
    if (*p == '\0') { /* no rule given: the POSIX/US default M3.2.0,M11.1.0 */
        R->start = (tz_date){'M', 0, 3, 2, 0, 7200};
        R->end = (tz_date){'M', 0, 11, 1, 0, 7200};
        return 0;
    }
    if (*p != ',' || !(p = tzs_date(p + 1, &R->start)) || *p != ','
        || !(p = tzs_date(p + 1, &R->end)))
        return -1;
    return *p == '\0' ? 0 : -1;
}

static int64_t be(const unsigned char *p, int nbytes)
{
    uint64_t v = 0;
    for (int i = 0; i < nbytes; i++) v = v << 8 | p[i];
    if (nbytes == 4) return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

static int valid_zone_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 255 || name[0] == '/' || strstr(name, "..")) return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '/'
              || ch == '_' || ch == '-' || ch == '+' || ch == '.'))
            return 0;
    }
    return 1;
}

void cal_tz_free(cal_tz *z)
{
    if (!z) return;
    mem_free(z->name);
    mem_free(z->at);
    mem_free(z->off);
    mem_free(z->isdst);
    mem_free(z);
}

const char *cal_tz_name(const cal_tz *z) { return z ? z->name : NULL; }

/* Read the whole file; NULL when absent or larger than 4 MB. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 14, n = 0;
    unsigned char *buf = mem_alloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        if (cap >= (4u << 20)) { mem_free(buf); buf = NULL; break; }
        unsigned char *nb = mem_realloc(buf, cap * 2);
        if (!nb) { mem_free(buf); buf = NULL; break; }
        buf = nb;
        cap *= 2;
    }
    if (buf && ferror(f)) { mem_free(buf); buf = NULL; }
    fclose(f);
    *len = n;
    return buf;
}

/* Append a footer-rule transition at instant a (into DST when dst) after the
 * last listed one at `last`; a transition at the same instant as the previous
 * entry replaces it (e.g. "EST5EDT,0/0,J365/25": DST ends and restarts at
 * once, i.e. permanent DST). Returns the new count. */
static size_t tz_append(cal_tz *z, size_t n, int64_t last, int64_t a, int dst)
{
    if (a <= last || (n && a < z->at[n - 1])) return n;
    if (n && a == z->at[n - 1]) n--;
    z->at[n] = a;
    z->off[n] = dst ? z->rule.dst_off : z->rule.std_off;
    z->isdst[n] = (unsigned char)(dst != 0);
    return n + 1;
}

/* Decode a TZif image into z (whose name is set). Returns 0 or -1. */
static int tzif_decode(const unsigned char *b, size_t len, cal_tz *z)
{
    size_t cnt[6];
    if (len < 44 || memcmp(b, "TZif", 4) != 0) return -1;
    int version = b[4] ? b[4] - '0' : 1;
    if (version < 1) return -1;
    const unsigned char *h = b, *end = b + len;
    int tsize = 4;
    for (;;) {
        for (int i = 0; i < 6; i++) cnt[i] = (size_t)(uint32_t)be(h + 20 + 4 * i, 4);
        /* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
        size_t isut = cnt[0], isstd = cnt[1], leap = cnt[2], timecnt = cnt[3], typecnt = cnt[4],
               charcnt = cnt[5];
        if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || leap > 100000
            || (isut && isut != typecnt) || (isstd && isstd != typecnt) || charcnt > 100000)
            return -1;
        size_t body = timecnt * (size_t)tsize + timecnt + typecnt * 6 + charcnt
                      + leap * (size_t)(tsize + 4) + isstd + isut;
        const unsigned char *d = h + 44;
        if ((size_t)(end - d) < body) return -1;
        if (version >= 2 && tsize == 4) { /* skip the v1 block: use the 64-bit one */
            h = d + body;
            if (end - h < 44 || memcmp(h, "TZif", 4) != 0) return -1;
            tsize = 8;
            continue;
        }
        const unsigned char *tt = d, *idx = d + timecnt * (size_t)tsize,
                            *info = idx + timecnt;
        for (size_t i = 0; i < timecnt; i++)
            if (idx[i] >= typecnt || (i && be(tt + i * (size_t)tsize, tsize)
                                               <= be(tt + (i - 1) * (size_t)tsize, tsize)))
                return -1;
        /* footer (v2+): "\n<POSIX TZ>\n" right after the 64-bit block */
        char foot[128];
        foot[0] = '\0';
        if (version >= 2) {
            const unsigned char *f = d + body;
            if (f < end && *f == '\n') {
                const unsigned char *q = f + 1;
                while (q < end && *q != '\n') q++;
                size_t fl = (size_t)(q - f - 1);
                if (q < end && fl < sizeof foot) { memcpy(foot, f + 1, fl); foot[fl] = '\0'; }
            }
        }
        if (foot[0]) {
            if (parse_posix_tz(foot, &z->rule) < 0) return -1;
            z->has_rule = 1;
        }
        /* count footer-rule transitions to add after the last listed one */
        int64_t last = timecnt ? be(tt + (timecnt - 1) * (size_t)tsize, tsize) : INT64_MIN;
        int y0 = 1900, extra = 0;
        if (timecnt) {
            int m_, d_;
            cal_civil_from_days(fdiv(last, SECS_PER_DAY), &y0, &m_, &d_);
        }
        if (z->has_rule && z->rule.has_dst && y0 <= TZ_EXPAND_YEAR)
            extra = 2 * (TZ_EXPAND_YEAR - y0 + 1);
        size_t cap = timecnt + (size_t)extra;
        z->at = mem_array(cap ? cap : 1, sizeof *z->at);
        z->off = mem_array(cap ? cap : 1, sizeof *z->off);
        z->isdst = mem_array(cap ? cap : 1, 1);
        if (!z->at || !z->off || !z->isdst) return -1;
        for (size_t i = 0; i < timecnt; i++) {
            const unsigned char *ti = info + 6 * idx[i];
            z->at[i] = be(tt + i * (size_t)tsize, tsize);
            z->off[i] = (int32_t)be(ti, 4);
            z->isdst[i] = ti[4] != 0;
        }
        z->off0 = (int32_t)be(info, 4);
        z->dst0 = info[4] != 0;
        size_t n = timecnt;
        for (int y = y0; extra && y <= TZ_EXPAND_YEAR; y++) {
            int64_t s, e;
            rule_year(&z->rule, y, &s, &e);
            int d1 = s < e; /* DST follows the earlier transition when it is the start */
            n = tz_append(z, n, last, d1 ? s : e, d1);
            n = tz_append(z, n, last, d1 ? e : s, !d1);
        }
        z->n = n;
        z->rule_from = INT64_MAX;
        if (z->has_rule) {
            int64_t horizon = cal_days_from_civil(TZ_EXPAND_YEAR, 1, 1) * SECS_PER_DAY;
            z->rule_from = last == INT64_MIN || horizon > last ? horizon : last;
            if (!z->rule.has_dst && timecnt) z->rule_from = last; /* e.g. "MST7" after 1967 */
        }
        return 0;
    }
}

int cal_tz_load(const char *name, const char *dir, cal_tz **out)
{
    *out = NULL;
    if (!name || !valid_zone_name(name))
        return err_set(HR_ENOTFOUND, "time zone '%.64s': invalid name", name ? name : "(null)"),
               -1;
    if (!dir) dir = default_zone_dir;
    size_t nd = strlen(dir), nn = strlen(name);
    char *path = mem_alloc(nd + nn + 2);
    cal_tz *z = mem_calloc(1, sizeof *z);
    if (!path || !z || !(z->name = mem_strdup(name))) {
        mem_free(path);
        cal_tz_free(z);
        return err_set(HR_ENOMEM, "time zone '%s': out of memory", name), -1;
    }
    memcpy(path, dir, nd);
    path[nd] = '/';
    memcpy(path + nd + 1, name, nn + 1);
    size_t len = 0;
    unsigned char *img = slurp(path, &len);
    mem_free(path);
    if (!img) {
        if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
            /* built in, so "UTC" works even without tzdata */
            z->at = mem_alloc(sizeof *z->at);
            z->off = mem_alloc(sizeof *z->off);
            z->isdst = mem_alloc(1);
            if (z->at && z->off && z->isdst) {
                z->rule_from = INT64_MAX;
                *out = z;
                return 0;
            }
        }
        cal_tz_free(z);
        return err_set(HR_ENOTFOUND, "time zone '%s': no such zone under %s", name, dir), -1;
    }
    int rc = tzif_decode(img, len, z);
    mem_free(img);
    if (rc < 0) {
        cal_tz_free(z);
        return err_set(HR_EFORMAT, "time zone '%s': malformed TZif file under %s", name, dir), -1;
    }
    *out = z;
    return 0;
}

int cal_tz_offset(const cal_tz *z, int64_t t, int *is_dst)
{
    if (t >= z->rule_from) return rule_offset(&z->rule, t, is_dst);
    if (z->n == 0 || t < z->at[0]) {
        if (is_dst) *is_dst = z->dst0;
        return z->off0;
    }
    size_t lo = 0, hi = z->n; /* invariant: at[lo] <= t < at[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= t) lo = mid; else hi = mid;
    }
    if (is_dst) *is_dst = z->isdst[lo];
    return z->off[lo];
}

/* Wall time w (civil read as UTC) -> UTC. Candidate offsets are those in
 * force a day before and a day after (no zone changes offset twice within a
 * day in the modern era); a candidate o is genuine if offset(w - o) == o. */
int64_t cal_local_to_utc(const cal_tz *z, const cal_civil *c, int occurrence, int *status)
{
    int64_t w = cal_civil_to_utc(c);
    int64_t oa = cal_tz_offset(z, w - SECS_PER_DAY, NULL);
    int64_t ob = cal_tz_offset(z, w + SECS_PER_DAY, NULL);
    int64_t ta = w - oa, tb = w - ob;
    int va = cal_tz_offset(z, ta, NULL) == oa;
    int vb = oa == ob ? 0 : cal_tz_offset(z, tb, NULL) == ob;
    int st = 0;
    int64_t t;
    if (va && vb) {
        st = 2;
        int64_t first = ta < tb ? ta : tb, second = ta < tb ? tb : ta;
        t = occurrence ? second : first;
    } else if (va) {
        t = ta;
    } else if (vb) {
        t = tb;
    } else {
        st = 1; /* spring gap: read with the offset before the transition */
        t = ta;
    }
    if (status) *status = st;
    return t;
}

/* ---------------------------------------------------------------- holidays
 * 5 U.S.C. 6103(a) dates; 6103(b) / E.O. 11582 observed-day shifts. */

static int weekday_of(int y, int m, int d) { return (int)fmod64(cal_days_from_civil(y, m, d) + 4, 7); }

/* Day of month of the n-th weekday wd (0 = Sunday) of y-m. */
static int nth_weekday(int y, int m, int n, int wd)
{
    return 1 + (wd - weekday_of(y, m, 1) + 7) % 7 + 7 * (n - 1);
}

/* Is (m, d) in year y the observed day of fixed holiday (fm, fd) of year y? */
static int observed_is(int y, int m, int d, int fm, int fd)
{
    int64_t h = cal_days_from_civil(y, fm, fd);
    int wd = (int)fmod64(h + 4, 7);
    if (wd == 6) h -= 1;      /* Saturday -> Friday */
    else if (wd == 0) h += 1; /* Sunday -> Monday   */
    return cal_days_from_civil(y, m, d) == h;
}

int cal_us_holiday(int y, int m, int d)
{
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return 0;
    switch (m) {
    case 1:
        if (observed_is(y, m, d, 1, 1)) return 1;
        if (y >= 1986 && d == nth_weekday(y, 1, 3, 1)) return 2;
        return 0;
    case 2: return d == nth_weekday(y, 2, 3, 1) ? 3 : 0;
    case 5: return d == 31 - (weekday_of(y, 5, 31) + 6) % 7 ? 4 : 0; /* last Monday */
    case 6: return y >= 2021 && observed_is(y, m, d, 6, 19) ? 5 : 0;
    case 7: return observed_is(y, m, d, 7, 4) ? 6 : 0;
    case 9: return d == nth_weekday(y, 9, 1, 1) ? 7 : 0;
    case 10: return d == nth_weekday(y, 10, 2, 1) ? 8 : 0;
    case 11:
        if (observed_is(y, m, d, 11, 11)) return 9;
        return d == nth_weekday(y, 11, 4, 4) ? 10 : 0;
    case 12:
        if (observed_is(y, m, d, 12, 25)) return 11;
        /* next year's New Year on a Saturday is observed Friday Dec 31 */
        if (d == 31 && weekday_of(y + 1, 1, 1) == 6) return 1;
        return 0;
    default: return 0;
    }
}

int cal_us_bridge_day(int y, int m, int d)
{
    if (m == 11 && d == nth_weekday(y, 11, 4, 4) + 1) return 1;
    if (m == 12 && d == 24) return 2;
    return 0;
}

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return __builtin_nan(""); /* <math.h> would clash with fdiv */
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double cal_monotonic_seconds(void) { return clock_seconds(CLOCK_MONOTONIC); }
double cal_thread_cpu_seconds(void) { return clock_seconds(CLOCK_THREAD_CPUTIME_ID); }
double cal_process_cpu_seconds(void) { return clock_seconds(CLOCK_PROCESS_CPUTIME_ID); }
