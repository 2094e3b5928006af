/* test_calendar.c — civil dates, timestamp parsing, TZif zones, holidays.
 *
 * Reference values and where they come from:
 *  - civil dates: an independent day-by-day counter written in this file;
 *  - epoch seconds, zone offsets and local->UTC maps: python3 3.11.7
 *    (datetime, zoneinfo reading this machine's /usr/share/zoneinfo), run once:
 *      d.replace(tzinfo=ZoneInfo(z), fold=0|1).timestamp()      (local -> UTC)
 *      datetime.fromtimestamp(t, ZoneInfo(z)).utcoffset()        (offsets)
 *    status: 0 if both folds agree, 2 if they differ and round-trip, else 1;
 *  - synthetic TZif files (tzif_write below, same byte layout as the python
 *    struct.pack writer used for the references): transitions found by an
 *    hourly scan + bisection of ZoneInfo.from_file(...).utcoffset, and for the
 *    zero-based "n" rule form of glibc's TZ parser instead (python 3.11's
 *    zoneinfo counts "n" from 1, against POSIX: its dates were one day early);
 *  - holidays: rules of 5 U.S.C. 6103 written by hand in python3 datetime
 *    (pandas is not installed), checked against OPM's published 2020-2022 lists;
 *  - parse results: the fields written in the text itself (by hand).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "time/calendar.h"
#include "headroom.h"
#include "helpers.h"
#include "util/mem.h"

#define ZONEINFO "/usr/share/zoneinfo"

static int have_zone(const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", ZONEINFO, name);
    return access(p, R_OK) == 0;
}

static cal_tz *load_or_skip(const char *name)
{
    if (!have_zone(name)) cr_skip_test("tzdata zone %s not installed (the synthetic-TZif tests cover the reader)", name);
    cal_tz *z = NULL;
    cr_assert_eq(cal_tz_load(name, NULL, &z), 0, "load %s", name);
    cr_assert_not_null(z);
    return z;
}

/* ------------------------------------------------------------ civil dates */

static int naive_leap(int y) { return y % 400 == 0 || (y % 4 == 0 && y % 100 != 0); }
static int naive_mdays(int y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && naive_leap(y) ? 29 : md[m - 1];
}

Test(calendar, days_from_civil_vs_day_counter)
{
    /* start: 1600-01-01, a Saturday; its day number counted year by year */
    int64_t n = 0;
    for (int y = 1600; y < 1970; y++) n -= naive_leap(y) ? 366 : 365;
    int y = 1600, m = 1, d = 1, wd = 6, yd = 0;
    for (; y <= 2400; n++) {
        cr_assert_eq(cal_days_from_civil(y, m, d), n, "%d-%d-%d", y, m, d);
        int yy, mm, dd;
        cal_civil_from_days(n, &yy, &mm, &dd);
        cr_assert(yy == y && mm == m && dd == d, "days %lld -> %d-%d-%d", (long long)n, yy, mm, dd);
        if (d == 1 || (d == 15 && m == 6)) { /* spot-check the breakdown */
            cal_civil c;
            int w, yday;
            cal_utc_to_civil(n * 86400 + 3723, &c, &w, &yday);
            cr_assert(c.year == y && c.month == m && c.day == d && c.hour == 1 && c.minute == 2
                      && c.second == 3 && w == wd && yday == yd);
        }
        wd = (wd + 1) % 7;
        yd++;
        if (++d > naive_mdays(y, m)) { d = 1; if (++m > 12) { m = 1; y++; yd = 0; } }
    }
    cr_assert_eq(cal_days_from_civil(1970, 1, 1), 0);
}

Test(calendar, civil_round_trip_wide_range)
{
    /* far outside the counter's range: inverse pairs and unit steps */
    for (int64_t z = -40000000; z <= 40000000; z += 9973) {
        int y, m, d;
        cal_civil_from_days(z, &y, &m, &d);
        cr_assert(m >= 1 && m <= 12 && d >= 1 && d <= naive_mdays(y, m));
        cr_assert_eq(cal_days_from_civil(y, m, d), z);
        int y2, m2, d2;
        cal_civil_from_days(z + 1, &y2, &m2, &d2);
        int next = (d < naive_mdays(y, m)) ? (y2 == y && m2 == m && d2 == d + 1)
                   : (m < 12) ? (y2 == y && m2 == m + 1 && d2 == 1)
                              : (y2 == y + 1 && m2 == 1 && d2 == 1);
        cr_assert(next, "day after %d-%d-%d is %d-%d-%d", y, m, d, y2, m2, d2);
    }
}

Test(calendar, utc_seconds_and_format)
{
    /* epoch seconds from python3 datetime(..., tzinfo=utc).timestamp() */
    cal_civil c = {2021, 3, 14, 8, 0, 0};
    cr_assert_eq(cal_civil_to_utc(&c), 1615708800LL);
    c = (cal_civil){2000, 2, 29, 12, 34, 56};
    cr_assert_eq(cal_civil_to_utc(&c), 951827696LL);
    c = (cal_civil){1600, 1, 1, 0, 0, 0};
    cr_assert_eq(cal_civil_to_utc(&c), -11676096000LL);
    c = (cal_civil){2400, 12, 31, 23, 59, 59};
    cr_assert_eq(cal_civil_to_utc(&c), 13601087999LL);
    c = (cal_civil){2021, 3, 13, 24, 0, 0}; /* hour 24 rolls into the next day */
    cr_assert_eq(cal_civil_to_utc(&c), 1615680000LL);

    char buf[21];
    cal_format_utc(-3600, buf);
    cr_assert_str_eq(buf, "1969-12-31T23:00:00Z");
    hr_time_format(951827696LL, buf);
    cr_assert_str_eq(buf, "2000-02-29T12:34:56Z");
    cal_utc_to_civil(-1, &c, NULL, NULL);
    cr_assert(c.year == 1969 && c.month == 12 && c.day == 31 && c.hour == 23 && c.second == 59);
    /* floor to the hour (returns seconds): by hand */
    cr_assert_eq(cal_floor_hour(-1), -3600);
    cr_assert_eq(cal_floor_hour(7199), 3600);
    cr_assert_eq(cal_floor_hour(7200), 7200);
}

/* ---------------------------------------------------------------- parsing */

typedef struct {
    const char *s;
    int flags;
    int y, mo, d, h, mi, sec;
    int has_off, off, dst;
} parse_case;

Test(calendar, parse_accepts_every_form)
{
    static const parse_case T[] = {
        {"2021-03-14", 0, 2021, 3, 14, 0, 0, 0, 0, 0, 0},
        {"2021-03-14 02:30", 0, 2021, 3, 14, 2, 30, 0, 0, 0, 0},
        {"2021-03-14T02:30:15", 0, 2021, 3, 14, 2, 30, 15, 0, 0, 0},
        {"2021-03-14T02:30:15.250", 0, 2021, 3, 14, 2, 30, 15, 0, 0, 0},
        {"2021-03-14T02:30:15.250Z", 0, 2021, 3, 14, 2, 30, 15, 1, 0, 0},
        {"2021-03-14T02:30:15+05:30", 0, 2021, 3, 14, 2, 30, 15, 1, 19800, 0},
        {"2021-03-14T02:30:15-0500", 0, 2021, 3, 14, 2, 30, 15, 1, -18000, 0},
        {"2021-03-14T02:30+01", 0, 2021, 3, 14, 2, 30, 0, 1, 3600, 0},
        {"2021-03-14 02:30:00 -06:00", 0, 2021, 3, 14, 2, 30, 0, 1, -21600, 0},
        {"2021-03-14T02", 0, 2021, 3, 14, 2, 0, 0, 0, 0, 0},
        {"2020-02-29 23:59:59", 0, 2020, 2, 29, 23, 59, 59, 0, 0, 0},
        {"2016-11-06T24:00:00Z", 0, 2016, 11, 6, 24, 0, 0, 1, 0, 0},
        {"  2021-03-14 02:30\t ", 0, 2021, 3, 14, 2, 30, 0, 0, 0, 0},
        {"11/06/2016 01:00", 0, 2016, 11, 6, 1, 0, 0, 0, 0, 0},
        {"11/6/16 2:00", 0, 2016, 11, 6, 2, 0, 0, 0, 0, 0},
        {"12/31/69 1:00", 0, 2069, 12, 31, 1, 0, 0, 0, 0, 0},
        {"1/1/70 0:00", 0, 1970, 1, 1, 0, 0, 0, 0, 0, 0},
        {"3/1/2021 4:00:00 AM", 0, 2021, 3, 1, 4, 0, 0, 0, 0, 0},
        {"2/28/2021 11:00:00 PM", 0, 2021, 2, 28, 23, 0, 0, 0, 0, 0},
        {"1/1/2021 12:00:00 AM", 0, 2021, 1, 1, 0, 0, 0, 0, 0, 0},
        {"1/1/2021 12:30:00 PM", 0, 2021, 1, 1, 12, 30, 0, 0, 0, 0},
        {"1/1/2021 1:05:09 pm", 0, 2021, 1, 1, 13, 5, 9, 0, 0, 0},
        {"11/06/2016", 0, 2016, 11, 6, 0, 0, 0, 0, 0, 0},
        {"11/05/2017 02:00 DST", 0, 2017, 11, 5, 2, 0, 0, 0, 0, 1},
        {"11/06/2016 24:00", 0, 2016, 11, 6, 24, 0, 0, 0, 0, 0},
        {"31/12/16 23:00", CAL_DAYFIRST, 2016, 12, 31, 23, 0, 0, 0, 0, 0},
        {"05/06/2016 01:00", CAL_DAYFIRST, 2016, 6, 5, 1, 0, 0, 0, 0, 0},
        {"05/06/2016 01:00", 0, 2016, 5, 6, 1, 0, 0, 0, 0, 0},
        {"1/2/2004 0:00", CAL_DAYFIRST, 2004, 2, 1, 0, 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof T / sizeof *T; i++) {
        cal_civil c;
        int ho = -1, off = -1, dst = -1;
        int rc = cal_parse_time(T[i].s, strlen(T[i].s), T[i].flags, &c, &ho, &off, &dst);
        cr_assert_eq(rc, 0, "rejected \"%s\"", T[i].s);
        cr_assert(c.year == T[i].y && c.month == T[i].mo && c.day == T[i].d && c.hour == T[i].h
                      && c.minute == T[i].mi && c.second == T[i].sec,
                  "\"%s\" -> %d-%d-%d %d:%d:%d", T[i].s, c.year, c.month, c.day, c.hour, c.minute,
                  c.second);
        cr_assert_eq(ho, T[i].has_off, "\"%s\" has_offset", T[i].s);
        if (ho) cr_assert_eq(off, T[i].off, "\"%s\" offset", T[i].s);
        cr_assert_eq(dst, T[i].dst, "\"%s\" dst", T[i].s);
    }
    /* length-bounded: the field need not be NUL-terminated */
    cal_civil c;
    cr_assert_eq(cal_parse_time("2021-03-14XYZ", 10, 0, &c, NULL, NULL, NULL), 0);
    cr_assert(c.year == 2021 && c.month == 3 && c.day == 14 && c.hour == 0);
}

Test(calendar, parse_rejects)
{
    static const struct { const char *s; int flags; } R[] = {
        {"2021-02-30", 0},            {"2019-02-29", 0},           {"2021-13-01", 0},
        {"2021-00-10", 0},            {"2021-01-00", 0},           {"2021-01-01 25:00", 0},
        {"2021-01-01 10:60", 0},      {"2021-01-01 10:00:60", 0},  {"2021-01-01 24:30", 0},
        {"2021-01-01 24:00:01", 0},   {"2021-01-01T24:00:00.5", 0}, {"2021-01-01x", 0},
        {"2021-01-01 10:00 junk", 0}, {"2021-01-01T", 0},          {"2021-01-01T10:00+5", 0},
        {"2021-01-01T10:00+05:3", 0}, {"2021-01-01T10:00+24:00", 0}, {"2021-01-01T10:0", 0},
        {"20210-01-01", 0},           {"2021/01/01", 0},           {"13/01/2016 01:00", 0},
        {"31/12/16 23:00", 0},        {"11/31/2016 01:00", 0},     {"11/06/201 01:00", 0},
        {"11/06/2016 1:0", 0},        {"11/06/2016 1", 0},         {"11/06/201601:00", 0},
        {"1/1/2021 13:00:00 PM", 0},  {"1/1/2021 0:00:00 AM", 0},  {"1/1/2021 24:00 PM", 0},
        {"11/06/2016 01:00 XM", 0},   {"11/06/2016 01:00 DSTX", 0}, {"29/02/21 1:00", CAL_DAYFIRST},
        {"", 0},                      {"   ", 0},                  {"abc", 0},
        {"-2021-01-01", 0},           {"2021-01-01 10:00:00.", 0},
    };
    for (size_t i = 0; i < sizeof R / sizeof *R; i++) {
        cal_civil c;
        int ho, off, dst;
        cr_assert_eq(cal_parse_time(R[i].s, strlen(R[i].s), R[i].flags, &c, &ho, &off, &dst), -1,
                     "accepted \"%s\"", R[i].s);
    }
}

Test(calendar, hr_time_parse_iso)
{
    int64_t t = 0;
    /* python3: 2021-03-14 -> 1615680000, 2021-03-14T08:00Z -> 1615708800 */
    cr_assert_eq(hr_time_parse("2021-03-14", &t), HR_OK);
    cr_assert_eq(t, 1615680000LL);
    cr_assert_eq(hr_time_parse("2021-03-14T08:00:00Z", &t), HR_OK);
    cr_assert_eq(t, 1615708800LL);
    cr_assert_eq(hr_time_parse("2021-03-14 08:00", &t), HR_OK); /* naive = UTC */
    cr_assert_eq(t, 1615708800LL);
    cr_assert_eq(hr_time_parse("2021-03-14T03:00:00-05:00", &t), HR_OK);
    cr_assert_eq(t, 1615708800LL);
    cr_assert_eq(hr_time_parse("2021-03-14T13:30+0530", &t), HR_OK);
    cr_assert_eq(t, 1615708800LL);
    t = 42;
    cr_assert_eq(hr_time_parse("2021-02-30", &t), HR_EPARSE);
    cr_assert_eq(t, 42);
    cr_assert(strstr(hr_last_error(), "2021-02-30") != NULL, "message: %s", hr_last_error());
    cr_assert_eq(hr_time_parse("11/06/2016 01:00", &t), HR_EPARSE); /* ISO only */
    cr_assert_eq(hr_time_parse("", &t), HR_EPARSE);
    cr_assert_eq(hr_time_parse(NULL, &t), HR_EINVAL);
}

/* ---------------------------------------------------------- real zones */

typedef struct { const char *zone; int64_t t; int off, dst; } off_case;

/* python3 zoneinfo: datetime.fromtimestamp(t, ZoneInfo(zone)).utcoffset(), .dst() != 0 */
static const off_case OFFS[] = {
    {"America/New_York", 1478411999LL, -14400, 1}, /* 2016-11-06T05:59:59Z */
    {"America/New_York", 1478412000LL, -18000, 0}, /* 2016-11-06T06:00:00Z */
    {"America/New_York", 1615708799LL, -14400, 1}, /* 2021-03-14T07:59:59Z: already EDT */
    {"America/New_York", 1435752000LL, -14400, 1}, /* 2015-07-01T12:00:00Z */
    {"America/New_York", 1579089600LL, -18000, 0}, /* 2020-01-15T12:00:00Z */
    {"America/New_York", 1710057600LL, -14400, 1}, /* 2024-03-10T08:00:00Z */
    {"America/New_York", 1919919599LL, -18000, 0}, /* 2030-11-03T06:59:59Z */
    {"America/New_York", 2215065599LL, -14400, 1}, /* 2040-03-11T07:59:59Z */
    {"America/New_York", 2235621600LL, -18000, 0}, /* 2040-11-04T06:00:00Z */
    {"America/New_York", 5695920000LL, -14400, 1}, /* 2150-07-01T00:00:00Z (rule beyond 2100) */
    {"America/New_York", 5709139200LL, -18000, 0}, /* 2150-12-01T00:00:00Z */
    {"America/New_York", 170812800LL, -14400, 1},  /* 1975-06-01T00:00:00Z */
    {"America/Chicago", 1478411999LL, -18000, 1},  /* 2016-11-06T05:59:59Z */
    {"America/Chicago", 1478412000LL, -18000, 1},  /* 2016-11-06T06:00:00Z */
    {"America/Chicago", 1478415600LL, -21600, 0},  /* 2016-11-06T07:00:00Z */
    {"America/Chicago", 1615708799LL, -21600, 0},  /* 2021-03-14T07:59:59Z */
    {"America/Chicago", 1615708800LL, -18000, 1},  /* 2021-03-14T08:00:00Z */
    {"America/Chicago", 1435752000LL, -18000, 1},  /* 2015-07-01T12:00:00Z */
    {"America/Chicago", 1579089600LL, -21600, 0},  /* 2020-01-15T12:00:00Z */
    {"America/Chicago", 1710057600LL, -18000, 1},  /* 2024-03-10T08:00:00Z */
    {"America/Chicago", 1919919599LL, -18000, 1},  /* 2030-11-03T06:59:59Z */
    {"America/Chicago", 1919919600LL, -21600, 0},  /* 2030-11-03T07:00:00Z */
    {"America/Chicago", 2215065599LL, -21600, 0},  /* 2040-03-11T07:59:59Z */
    {"America/Chicago", 2215065600LL, -18000, 1},  /* 2040-03-11T08:00:00Z */
    {"America/Chicago", 5695920000LL, -18000, 1},  /* 2150-07-01T00:00:00Z */
    {"America/Chicago", 5709139200LL, -21600, 0},  /* 2150-12-01T00:00:00Z */
    {"America/Phoenix", 1435752000LL, -25200, 0},  /* 2015-07-01T12:00:00Z */
    {"America/Phoenix", 2215065600LL, -25200, 0},  /* 2040-03-11T08:00:00Z */
    {"America/Phoenix", 5695920000LL, -25200, 0},  /* 2150-07-01T00:00:00Z */
    {"Asia/Kolkata", 1615708800LL, 19800, 0},      /* 2021-03-14T08:00:00Z */
    {"Asia/Kolkata", 5709139200LL, 19800, 0},      /* 2150-12-01T00:00:00Z */
    {"Australia/Sydney", 1435752000LL, 36000, 0},  /* 2015-07-01T12:00:00Z */
    {"Australia/Sydney", 1579089600LL, 39600, 1},  /* 2020-01-15T12:00:00Z */
    {"Australia/Sydney", 5695920000LL, 36000, 0},  /* 2150-07-01T00:00:00Z */
    {"Australia/Sydney", 5709139200LL, 39600, 1},  /* 2150-12-01T00:00:00Z */
    {"Europe/London", 1435752000LL, 3600, 1},      /* 2015-07-01T12:00:00Z */
    {"Europe/London", 5709139200LL, 0, 0},         /* 2150-12-01T00:00:00Z */
};

Test(calendar, tz_offset_vs_python_zoneinfo)
{
    for (size_t i = 0; i < sizeof OFFS / sizeof *OFFS; i++) {
        cal_tz *z = load_or_skip(OFFS[i].zone);
        int dst = -1;
        cr_assert_eq(cal_tz_offset(z, OFFS[i].t, &dst), OFFS[i].off, "%s at %lld", OFFS[i].zone,
                     (long long)OFFS[i].t);
        cr_assert_eq(dst, OFFS[i].dst, "%s at %lld isdst", OFFS[i].zone, (long long)OFFS[i].t);
        cr_assert_str_eq(cal_tz_name(z), OFFS[i].zone);
        cal_tz_free(z);
    }
}

typedef struct { const char *zone, *wall; int64_t first, second; int status; } l2u_case;

/* python3: int(datetime.fromisoformat(wall).replace(tzinfo=ZoneInfo(zone), fold=0|1).timestamp())
 * (for a gap, fold=0 reads the wall time with the pre-transition offset, as our header says) */
static const l2u_case L2U[] = {
    {"America/Chicago", "2016-11-06 01:30", 1478413800LL, 1478417400LL, 2},
    {"America/Chicago", "2016-11-06 01:00", 1478412000LL, 1478415600LL, 2},
    {"America/New_York", "2016-11-06 01:00", 1478408400LL, 1478412000LL, 2},
    {"America/New_York", "2016-11-06 01:59", 1478411940LL, 1478415540LL, 2},
    {"America/Chicago", "2021-03-14 02:30", 1615710600LL, 1615710600LL, 1},
    {"America/New_York", "2021-03-14 02:30", 1615707000LL, 1615707000LL, 1},
    {"America/Chicago", "2015-11-01 01:30", 1446359400LL, 1446363000LL, 2},
    {"America/Chicago", "2020-03-08 02:00", 1583654400LL, 1583654400LL, 1},
    {"America/Chicago", "2024-11-03 01:15", 1730614500LL, 1730618100LL, 2},
    {"America/Chicago", "2030-03-10 02:30", 1899361800LL, 1899361800LL, 1},
    {"America/Chicago", "2040-11-04 01:30", 2235623400LL, 2235627000LL, 2},
    {"America/New_York", "2040-03-11 02:30", 2215063800LL, 2215063800LL, 1},
    {"America/Chicago", "2017-11-05 02:00", 1509868800LL, 1509868800LL, 0},
    {"America/Chicago", "2016-11-06 24:00", 1478498400LL, 1478498400LL, 0}, /* = 11-07 00:00 */
    {"America/New_York", "2016-11-06 24:00", 1478494800LL, 1478494800LL, 0},
    {"America/Phoenix", "2021-03-14 02:30", 1615714200LL, 1615714200LL, 0},
    {"Asia/Kolkata", "2021-03-14 02:30", 1615669200LL, 1615669200LL, 0},
    {"America/Chicago", "2021-07-04 12:00", 1625418000LL, 1625418000LL, 0},
    {"Australia/Sydney", "2021-04-04 02:30", 1617463800LL, 1617467400LL, 2},
    {"Australia/Sydney", "2021-10-03 02:30", 1633192200LL, 1633192200LL, 1},
};

Test(calendar, local_to_utc_vs_python_folds)
{
    for (size_t i = 0; i < sizeof L2U / sizeof *L2U; i++) {
        cal_tz *z = load_or_skip(L2U[i].zone);
        cal_civil c;
        cr_assert_eq(cal_parse_time(L2U[i].wall, strlen(L2U[i].wall), 0, &c, NULL, NULL, NULL), 0);
        int st0 = -1, st1 = -1;
        int64_t t0 = cal_local_to_utc(z, &c, 0, &st0), t1 = cal_local_to_utc(z, &c, 1, &st1);
        cr_assert_eq(t0, L2U[i].first, "%s %s first", L2U[i].zone, L2U[i].wall);
        cr_assert_eq(t1, L2U[i].second, "%s %s second", L2U[i].zone, L2U[i].wall);
        cr_assert(st0 == L2U[i].status && st1 == L2U[i].status, "%s %s status %d", L2U[i].zone,
                  L2U[i].wall, st0);
        cal_tz_free(z);
    }
}

/* Hour-ending local stamp -> UTC hour-beginning: step the wall clock back
 * one hour, then map with occurrence = the DST flag (or repeat seen). */
static int64_t he_to_utc(const cal_tz *z, const char *s, int repeat)
{
    cal_civil c, b;
    int dst = 0;
    cr_assert_eq(cal_parse_time(s, strlen(s), 0, &c, NULL, NULL, &dst), 0, "%s", s);
    cal_utc_to_civil(cal_civil_to_utc(&c) - 3600, &b, NULL, NULL);
    return cal_local_to_utc(z, &b, dst || repeat, NULL);
}

Test(calendar, ercot_hour_ending_sequences)
{
    cal_tz *z = load_or_skip("America/Chicago");
    /* 2016-11-06 00:00 CDT = 05:00Z = 1478408400 (python3 zoneinfo); the four
     * hour-ending rows must be four consecutive UTC hours */
    static const char *flagged[] = {"11/06/2016 01:00", "11/06/2016 02:00", "11/06/2016 02:00 DST",
                                    "11/06/2016 03:00"};
    static const char *unflagged[] = {"11/6/16 1:00", "11/6/16 2:00", "11/6/16 2:00", "11/6/16 3:00"};
    for (int k = 0; k < 4; k++) {
        cr_assert_eq(he_to_utc(z, flagged[k], 0), 1478408400LL + 3600 * k, "%s", flagged[k]);
        cr_assert_eq(he_to_utc(z, unflagged[k], k == 2), 1478408400LL + 3600 * k, "%s", unflagged[k]);
    }
    /* 2017 (python3: 2017-11-05 00:00 CDT = 1509858000) */
    static const char *y2017[] = {"11/05/2017 01:00", "11/05/2017 02:00", "11/05/2017 02:00 DST",
                                  "11/05/2017 03:00"};
    for (int k = 0; k < 4; k++) cr_assert_eq(he_to_utc(z, y2017[k], 0), 1509858000LL + 3600 * k);
    /* spring 2021: ERCOT skips HE 03:00; HE 02:00 begins 01:00 CST = 1615705200,
     * HE 04:00 begins 03:00 CDT = 1615708800 (python3) */
    cr_assert_eq(he_to_utc(z, "03/14/2021 02:00", 0), 1615705200LL);
    cr_assert_eq(he_to_utc(z, "03/14/2021 04:00", 0), 1615708800LL);
    /* HE 24:00 = the hour beginning 23:00 that day (python3: 2016-11-06 23:00
     * CST = 1478494800; 2016-12-31 23:00 CST = 1483246800) */
    cr_assert_eq(he_to_utc(z, "11/06/2016 24:00", 0), 1478494800LL);
    cr_assert_eq(he_to_utc(z, "12/31/2016 24:00", 0), 1483246800LL);
    cal_tz_free(z);
}

Test(calendar, zone_names)
{
    cal_tz *z = (cal_tz *)1;
    const char *bad[] = {"../etc/passwd", "/etc/localtime", "America/../UTC", "", "Mars/Olympus",
                         "America/Chicago\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        z = (cal_tz *)1;
        cr_assert_eq(cal_tz_load(bad[i], NULL, &z), -1, "accepted '%s'", bad[i]);
        cr_assert_null(z);
    }
    /* "UTC" works with or without tzdata */
    cr_assert_eq(cal_tz_load("UTC", "/nonexistent-dir", &z), 0);
    int dst = -1;
    cr_assert_eq(cal_tz_offset(z, 1615708800LL, &dst), 0);
    cr_assert_eq(dst, 0);
    cal_civil c = {2016, 11, 6, 1, 30, 0};
    int st = -1;
    cr_assert_eq(cal_local_to_utc(z, &c, 1, &st), cal_civil_to_utc(&c));
    cr_assert_eq(st, 0);
    cal_tz_free(z);
    if (have_zone("UTC")) {
        cr_assert_eq(cal_tz_load("UTC", NULL, &z), 0);
        cr_assert_eq(cal_tz_offset(z, 5709139200LL, NULL), 0);
        cal_tz_free(z);
    }
    cal_tz_free(NULL);
}

/* ------------------------------------------------- synthetic TZif files */

typedef struct { int32_t off; int dst; } tt_type;
typedef struct { int64_t at; int type; } tt_trans;

static void put_be(FILE *f, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) fputc((int)((v >> (8 * i)) & 0xff), f);
}

/* Same layout as the python reference writer: no leap/isstd/isut records,
 * designations "XXX\0"; version '\0' writes a v1 file (no footer). */
static void tzif_block(FILE *f, char version, int tsize, const tt_type *ty, int nty,
                       const tt_trans *tr, int ntr)
{
    fwrite("TZif", 1, 4, f);
    fputc(version, f);
    for (int i = 0; i < 15; i++) fputc(0, f);
    uint32_t cnt[6] = {0, 0, 0, (uint32_t)ntr, (uint32_t)nty, 4};
    for (int i = 0; i < 6; i++) put_be(f, cnt[i], 4);
    for (int i = 0; i < ntr; i++) put_be(f, (uint64_t)tr[i].at, tsize);
    for (int i = 0; i < ntr; i++) fputc(tr[i].type, f);
    for (int i = 0; i < nty; i++) { put_be(f, (uint64_t)(uint32_t)ty[i].off, 4); fputc(ty[i].dst, f); fputc(0, f); }
    fwrite("XXX", 1, 4, f);
}

static void tzif_write(const char *dir, const char *name, char version, const tt_type *ty, int nty,
                       const tt_trans *tr, int ntr, const char *footer)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    tzif_block(f, version, 4, ty, nty, tr, ntr);
    if (version != '\0') {
        tzif_block(f, version, 8, ty, nty, tr, ntr);
        fprintf(f, "\n%s\n", footer);
    }
    cr_assert_eq(fclose(f), 0);
}

static char tmpdir[64];
static const char *const synth_names[] = {"SlimChicago", "Julian", "ZeroBased", "Nuuk", "Sydney",
                                          "Perm", "Kolkata", "MST", "V1", "Bad", "Short"};

static void synth_setup(void)
{
    strcpy(tmpdir, "/tmp/hr_test_cal_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    const int64_t y2000 = 946684800LL; /* 2000-01-01T00:00:00Z */
    tt_type cst[] = {{-21600, 0}, {-18000, 1}}, est[] = {{-18000, 0}, {-14400, 1}},
            m3[] = {{-10800, 0}, {-7200, 1}}, syd[] = {{36000, 0}, {39600, 1}}, ist[] = {{19800, 0}},
            mst[] = {{-25200, 0}};
    /* slim-style Chicago: transitions only through 2007 (2007-03-11T08Z, 2007-11-04T07Z) */
    tt_trans slim[] = {{1173600000LL, 1}, {1194159600LL, 0}};
    tt_trans at2000[] = {{y2000, 0}}, at2000dst[] = {{y2000, 1}};
    tzif_write(tmpdir, "SlimChicago", '2', cst, 2, slim, 2, "CST6CDT,M3.2.0,M11.1.0");
    tzif_write(tmpdir, "Julian", '2', est, 2, at2000, 1, "EST5EDT,J60/2,J300/-1:30");
    tzif_write(tmpdir, "ZeroBased", '3', m3, 2, at2000, 1, "XXX3YYY,59/0,300/+26");
    tzif_write(tmpdir, "Nuuk", '3', m3, 2, at2000, 1, "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1");
    tzif_write(tmpdir, "Sydney", '2', syd, 2, at2000, 1, "AEST-10AEDT,M10.1.0,M4.1.0/3");
    tzif_write(tmpdir, "Perm", '3', est, 2, at2000dst, 1, "EST5EDT,0/0,J365/25");
    tzif_write(tmpdir, "Kolkata", '2', ist, 1, NULL, 0, "<+0530>-5:30");
    tzif_write(tmpdir, "MST", '2', mst, 1, NULL, 0, "MST7");
    /* v1: Chicago's 2016 transitions (2016-03-13T08Z, 2016-11-06T07Z), 32-bit */
    tt_trans v1[] = {{1457856000LL, 1}, {1478415600LL, 0}};
    tzif_write(tmpdir, "V1", '\0', cst, 2, v1, 2, "");
    char p[512];
    snprintf(p, sizeof p, "%s/Bad", tmpdir);
    FILE *f = fopen(p, "wb");
    fputs("TZif2 this is not a zone file at all, just text long enough", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/Short", tmpdir); /* truncated v2 file */
    f = fopen(p, "wb");
    tzif_block(f, '2', 4, cst, 2, slim, 2);
    fclose(f);
}

static void synth_teardown(void)
{
    char p[512];
    for (size_t i = 0; i < sizeof synth_names / sizeof *synth_names; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, synth_names[i]);
        unlink(p);
    }
    rmdir(tmpdir);
}

typedef struct { int zone; int64_t at; int before, after; } trans_case;

/* python3 zoneinfo.ZoneInfo.from_file on the same bytes (cases 0,1,3,4);
 * glibc TZ=... localtime for case 2 (python 3.11 is one day early there). */
static const trans_case TRANS[] = {
    {0, 1457856000LL, -21600, -18000}, /* 2016-03-13T08:00:00Z */
    {0, 1478415600LL, -18000, -21600}, /* 2016-11-06T07:00:00Z */
    {0, 1710057600LL, -21600, -18000}, /* 2024-03-10T08:00:00Z */
    {0, 1730617200LL, -18000, -21600}, /* 2024-11-03T07:00:00Z */
    {0, 2215065600LL, -21600, -18000}, /* 2040-03-11T08:00:00Z */
    {0, 2235625200LL, -18000, -21600}, /* 2040-11-04T07:00:00Z */
    {0, 5686012800LL, -21600, -18000}, /* 2150-03-08T08:00:00Z */
    {0, 5706572400LL, -18000, -21600}, /* 2150-11-01T07:00:00Z */
    {1, 1456815600LL, -18000, -14400}, /* 2016-03-01T07:00:00Z */
    {1, 1477535400LL, -14400, -18000}, /* 2016-10-27T02:30:00Z */
    {1, 1709276400LL, -18000, -14400}, /* 2024-03-01T07:00:00Z */
    {1, 1729996200LL, -14400, -18000}, /* 2024-10-27T02:30:00Z */
    {1, 2214198000LL, -18000, -14400}, /* 2040-03-01T07:00:00Z */
    {1, 2234917800LL, -14400, -18000}, /* 2040-10-27T02:30:00Z */
    {1, 5685404400LL, -18000, -14400}, /* 2150-03-01T07:00:00Z */
    {1, 5706124200LL, -14400, -18000}, /* 2150-10-27T02:30:00Z */
    {2, 1456714800LL, -10800, -7200},  /* 2016-02-29T03:00:00Z */
    {2, 1477627200LL, -7200, -10800},  /* 2016-10-28T04:00:00Z */
    {2, 1709175600LL, -10800, -7200},  /* 2024-02-29T03:00:00Z */
    {2, 1730088000LL, -7200, -10800},  /* 2024-10-28T04:00:00Z */
    {2, 2214097200LL, -10800, -7200},  /* 2040-02-29T03:00:00Z */
    {2, 2235009600LL, -7200, -10800},  /* 2040-10-28T04:00:00Z */
    {2, 5685390000LL, -10800, -7200},  /* 2150-03-01T03:00:00Z */
    {2, 5706302400LL, -7200, -10800},  /* 2150-10-29T04:00:00Z */
    {3, 1459040400LL, -10800, -7200},  /* 2016-03-27T01:00:00Z */
    {3, 1477789200LL, -7200, -10800},  /* 2016-10-30T01:00:00Z */
    {3, 1711846800LL, -10800, -7200},  /* 2024-03-31T01:00:00Z */
    {3, 1729990800LL, -7200, -10800},  /* 2024-10-27T01:00:00Z */
    {3, 2216250000LL, -10800, -7200},  /* 2040-03-25T01:00:00Z */
    {3, 2234998800LL, -7200, -10800},  /* 2040-10-28T01:00:00Z */
    {3, 5687802000LL, -10800, -7200},  /* 2150-03-29T01:00:00Z */
    {3, 5705946000LL, -7200, -10800},  /* 2150-10-25T01:00:00Z */
    {4, 1459612800LL, 39600, 36000},   /* 2016-04-02T16:00:00Z */
    {4, 1475337600LL, 36000, 39600},   /* 2016-10-01T16:00:00Z */
    {4, 1712419200LL, 39600, 36000},   /* 2024-04-06T16:00:00Z */
    {4, 1728144000LL, 36000, 39600},   /* 2024-10-05T16:00:00Z */
    {4, 2216822400LL, 39600, 36000},   /* 2040-03-31T16:00:00Z */
    {4, 2233152000LL, 36000, 39600},   /* 2040-10-06T16:00:00Z */
    {4, 5688374400LL, 39600, 36000},   /* 2150-04-04T16:00:00Z */
    {4, 5704099200LL, 36000, 39600},   /* 2150-10-03T16:00:00Z */
};

Test(calendar, tzif_footer_rules, .init = synth_setup, .fini = synth_teardown)
{
    cal_tz *z[5];
    for (int k = 0; k < 5; k++) cr_assert_eq(cal_tz_load(synth_names[k], tmpdir, &z[k]), 0, "%s", synth_names[k]);
    for (size_t i = 0; i < sizeof TRANS / sizeof *TRANS; i++) {
        const trans_case *c = &TRANS[i];
        cr_assert_eq(cal_tz_offset(z[c->zone], c->at - 1, NULL), c->before, "%s at %lld-1",
                     synth_names[c->zone], (long long)c->at);
        cr_assert_eq(cal_tz_offset(z[c->zone], c->at, NULL), c->after, "%s at %lld",
                     synth_names[c->zone], (long long)c->at);
        /* no other change within the 30 days either side (python's scan found none) */
        cr_assert_eq(cal_tz_offset(z[c->zone], c->at - 86400 * 30, NULL), c->before);
        cr_assert_eq(cal_tz_offset(z[c->zone], c->at + 86400 * 30, NULL), c->after);
    }
    /* slim file, local -> UTC through the footer: same as the fat Chicago above */
    cal_civil c = {2016, 11, 6, 1, 30, 0};
    int st;
    cr_assert_eq(cal_local_to_utc(z[0], &c, 0, &st), 1478413800LL);
    cr_assert_eq(cal_local_to_utc(z[0], &c, 1, &st), 1478417400LL);
    cr_assert_eq(st, 2);
    c = (cal_civil){2021, 3, 14, 2, 30, 0};
    cr_assert_eq(cal_local_to_utc(z[0], &c, 0, &st), 1615710600LL);
    cr_assert_eq(st, 1);
    for (int k = 0; k < 5; k++) cal_tz_free(z[k]);
}

Test(calendar, tzif_fixed_v1_and_malformed, .init = synth_setup, .fini = synth_teardown)
{
    cal_tz *z;
    int dst;
    /* permanent DST, python3 zoneinfo: -14400 at every instant below (glibc
     * disagrees for 1893456000, reading the year in UTC) */
    cr_assert_eq(cal_tz_load("Perm", tmpdir, &z), 0);
    static const int64_t perm[] = {1893456000LL, 1893474000LL, 1909094400LL, 1924988400LL,
                                   5693328000LL, 5680368000LL};
    for (size_t i = 0; i < 6; i++) {
        cr_assert_eq(cal_tz_offset(z, perm[i], &dst), -14400, "perm at %lld", (long long)perm[i]);
        cr_assert_eq(dst, 1);
    }
    cal_tz_free(z);
    /* fixed offsets from the footer alone */
    cr_assert_eq(cal_tz_load("Kolkata", tmpdir, &z), 0);
    cr_assert_eq(cal_tz_offset(z, 1615708800LL, NULL), 19800);
    cr_assert_eq(cal_tz_offset(z, 5709139200LL, NULL), 19800);
    cal_tz_free(z);
    cr_assert_eq(cal_tz_load("MST", tmpdir, &z), 0);
    cr_assert_eq(cal_tz_offset(z, 2215065600LL, NULL), -25200);
    cr_assert_eq(cal_tz_offset(z, 5709139200LL, &dst), -25200);
    cr_assert_eq(dst, 0);
    cal_tz_free(z);
    /* v1 file: listed transitions, then the last type forever */
    cr_assert_eq(cal_tz_load("V1", tmpdir, &z), 0);
    cr_assert_eq(cal_tz_offset(z, 1457856000LL - 1, NULL), -21600);
    cr_assert_eq(cal_tz_offset(z, 1457856000LL, NULL), -18000);
    cr_assert_eq(cal_tz_offset(z, 1478415600LL - 1, NULL), -18000);
    cr_assert_eq(cal_tz_offset(z, 1478415600LL, NULL), -21600);
    cr_assert_eq(cal_tz_offset(z, 2215065600LL, NULL), -21600);
    cal_tz_free(z);
    z = (cal_tz *)1;
    cr_assert_eq(cal_tz_load("Bad", tmpdir, &z), -1);
    cr_assert_null(z);
    cr_assert_eq(cal_tz_load("Short", tmpdir, &z), -1);
    cr_assert_null(z);
}

Test(calendar, tz_load_out_of_memory, .init = synth_setup, .fini = synth_teardown)
{
    /* fail the k-th allocation for every k until a load succeeds: each
     * failure returns -1 with *out NULL (ASan's leak check covers the rest) */
    int ok = 0;
    for (unsigned long k = 1; k < 64 && !ok; k++) {
        cal_tz *z = (cal_tz *)1;
        mem_fail_at(k);
        int rc = cal_tz_load("SlimChicago", tmpdir, &z);
        mem_fail_at(0);
        if (rc == 0) {
            ok = 1;
            cr_assert_eq(cal_tz_offset(z, 2215065600LL, NULL), -18000); /* python3, as above */
            cal_tz_free(z);
        } else {
            cr_assert_eq(rc, -1);
            cr_assert_null(z);
        }
    }
    cr_assert(ok, "load never succeeded");
}

/* ---------------------------------------------------------------- holidays */

/* python3 datetime, rules of 5 U.S.C. 6103 by hand; matches OPM's lists */
static const int HOL[][4] = {
    {2020, 1, 1, 1},   {2020, 1, 20, 2},  {2020, 2, 17, 3},  {2020, 5, 25, 4},  {2020, 7, 3, 6},
    {2020, 9, 7, 7},   {2020, 10, 12, 8}, {2020, 11, 11, 9}, {2020, 11, 26, 10}, {2020, 12, 25, 11},
    {2021, 1, 1, 1},   {2021, 1, 18, 2},  {2021, 2, 15, 3},  {2021, 5, 31, 4},  {2021, 6, 18, 5},
    {2021, 7, 5, 6},   {2021, 9, 6, 7},   {2021, 10, 11, 8}, {2021, 11, 11, 9}, {2021, 11, 25, 10},
    {2021, 12, 24, 11}, {2021, 12, 31, 1}, {2022, 1, 17, 2},  {2022, 2, 21, 3},  {2022, 5, 30, 4},
    {2022, 6, 20, 5},  {2022, 7, 4, 6},   {2022, 9, 5, 7},   {2022, 10, 10, 8}, {2022, 11, 11, 9},
    {2022, 11, 24, 10}, {2022, 12, 26, 11},
};

Test(calendar, us_holidays_2020_2022)
{
    size_t nh = sizeof HOL / sizeof *HOL, found = 0;
    for (int64_t n = cal_days_from_civil(2020, 1, 1); n <= cal_days_from_civil(2022, 12, 31); n++) {
        int y, m, d, want = 0;
        cal_civil_from_days(n, &y, &m, &d);
        for (size_t i = 0; i < nh; i++)
            if (HOL[i][0] == y && HOL[i][1] == m && HOL[i][2] == d) want = HOL[i][3];
        int got = cal_us_holiday(y, m, d);
        cr_assert_eq(got, want, "%d-%02d-%02d: got %d want %d", y, m, d, got, want);
        found += got != 0;
    }
    cr_assert_eq(found, nh);
    /* rule edges by hand: MLK from 1986 (3rd Mondays 1985-01-21, 1986-01-20);
     * Juneteenth from 2021; Saturday New Year 2022 not on Jan 1 itself */
    cr_assert_eq(cal_us_holiday(1985, 1, 21), 0);
    cr_assert_eq(cal_us_holiday(1986, 1, 20), 2);
    cr_assert_eq(cal_us_holiday(2020, 6, 19), 0);
    cr_assert_eq(cal_us_holiday(2022, 1, 1), 0);
    cr_assert_eq(cal_us_holiday(2021, 2, 30), 0);
    /* bridge days: Fridays after Thanksgiving (2020-11-27, 2021-11-26, 2022-11-25) */
    cr_assert_eq(cal_us_bridge_day(2020, 11, 27), 1);
    cr_assert_eq(cal_us_bridge_day(2021, 11, 26), 1);
    cr_assert_eq(cal_us_bridge_day(2022, 11, 25), 1);
    cr_assert_eq(cal_us_bridge_day(2022, 11, 24), 0);
    cr_assert_eq(cal_us_bridge_day(2022, 12, 24), 2);
    cr_assert_eq(cal_us_bridge_day(2022, 12, 23), 0);
}
