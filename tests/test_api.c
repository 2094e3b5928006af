/* test_api.c — the public API as an embedding program sees it:
 *  - misuse of every public function (NULL pointers, zero lengths, unsorted
 *    or off-the-hour timestamps, NaN / infinite numbers, out-of-range
 *    indices) returns the documented status with a non-empty
 *    hr_last_error(), never a crash;
 *  - every status code HR_EINVAL .. HR_ENOTFOUND is reachable from a public
 *    call, each with a message;
 *  - models round-trip file <-> memory byte for byte (hr_model_save /
 *    hr_model_save_mem / hr_model_load / hr_model_load_mem);
 *  - hr_last_error(): every call that returns a status clears it on entry
 *    and sets a specific message on failure (file, line and column where
 *    the input is at fault);
 *  - the log callback: messages reach it (ARIMA fallback, read summaries,
 *    backtest fallbacks), and without one the library prints nothing.
 * Allocation failure along a whole pipeline is tested in test_oom.c.
 * All data is generated here; every expected status is the documented one
 * in include/headroom.h (the outside reference for this file). */
#include "helpers.h"
#include "headroom.h"
#include "util/error.h"
#include "util/mem.h"
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define T0 1609459200 /* 2021-01-01T00:00:00Z */
#define NY (8760 + 336) /* the whole of 2021 and two weeks of 2022 */

/* ---------------------------------------------------------------- fixtures */


/* A plausible hourly load (helpers.h). */
static void gen(int64_t *t, double *y, size_t n)
{
    uint64_t seed = 42;
    double e = 0;
    for (size_t k = 0; k < n; k++) {
        t[k] = T0 + 3600 * (int64_t)k;
        y[k] = toy_load(k, &e, &seed);
    }
}

static hr_series *year_series(void)
{
    int64_t *t = malloc(NY * sizeof *t);
    double *y = malloc(NY * sizeof *y);
    cr_assert(t && y);
    gen(t, y, NY);
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("API", t, y, NY, 1, &s), HR_OK, "%s", hr_last_error());
    free(t);
    free(y);
    return s;
}

/* Calendar spec (models/calendar.spec, run from the project root) on the
 * last four weeks: 672 rows for its 191 columns. */
static void small_fit_opts(hr_fit_opts *o)
{
    hr_fit_opts_init(o);
    o->model = "calendar";
    o->from_utc = T0 + 3600 * (int64_t)(NY - 672);
}

/* A report small enough for a test: the calendar model, a week of
 * backtest, a day of forecast, no scenarios. */
static void small_report_opts(hr_report_opts *o)
{
    hr_report_opts_init(o);
    o->fit.model = "calendar";
    o->backtest_days = 7;
    o->scenarios = 0;
    o->forecast_hours = 24;
}

static hr_model *small_model(const hr_series *s)
{
    hr_fit_opts o;
    small_fit_opts(&o);
    hr_model *m = NULL;
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    return m;
}

/* The status of call must be `want` and a message must explain it. The
 * message is cleared first so a stale one cannot pass. */
#define MISUSE(want, call)                                                                    \
    do {                                                                                      \
        err_clear();                                                                       \
        int st_ = (call);                                                                     \
        cr_expect_eq(st_, (want), "%s -> %d (%s: %s), want %d (%s)", #call, st_,              \
                     hr_strerror(st_), hr_last_error(), (want), hr_strerror(want));           \
        cr_expect(hr_last_error()[0] != '\0', "%s: empty hr_last_error()", #call);             \
    } while (0)

static char tmpdir[64];
static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hr_api_XXXXXX");
    cr_assert(mkdtemp(tmpdir));
}
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    cr_assert(b);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b[n] = '\0';
    *len = (size_t)n;
    return b;
}

/* ---------------------------------------------------------------- version, status */

Test(api, version_and_strerror)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", HR_VERSION_MAJOR, HR_VERSION_MINOR, HR_VERSION_PATCH);
    cr_assert_str_eq(hr_version(), want);
    cr_assert_str_eq(hr_version(), HR_VERSION_STRING);
    /* every code has its own non-empty text; unknown codes a generic one */
    for (int a = 0; a < HR_NSTATUS; a++) {
        cr_assert(hr_strerror(a) && hr_strerror(a)[0]);
        for (int b = 0; b < a; b++) cr_assert_str_neq(hr_strerror(a), hr_strerror(b));
    }
    cr_assert(hr_strerror(-1) && hr_strerror(HR_NSTATUS) && hr_strerror(1 << 30));
    cr_assert_str_eq(hr_flag_name(HR_FLAG_OKAY), "OKAY");
    cr_assert_str_eq(hr_flag_name(-1), "UNKNOWN");
    cr_assert_str_eq(hr_flag_name(HR_NFLAGS), "UNKNOWN");
    cr_assert_eq(hr_assess_month_season(0), -1);
    cr_assert_eq(hr_assess_month_season(13), -1);
    cr_assert_eq(hr_assess_month_season(7), HR_SEASON_SUMMER);
    cr_assert_eq(hr_assess_month_season(1), HR_SEASON_WINTER);
    cr_assert_eq(hr_year_hours(2024), 8784u); /* leap year: 366 * 24 */
    cr_assert_eq(hr_year_hours(2100), 8760u); /* century, not leap */
    EXPECT_NO_LEAKS();
}

/* Every free function accepts NULL. */
Test(api, free_null_is_noop)
{
    hr_series_free(NULL);
    hr_model_free(NULL);
    hr_models_free(NULL, 3);
    hr_backtest_free(NULL);
    hr_free(NULL);
    cr_assert_eq(hr_series_region_count(NULL), 0u);
    cr_assert_eq(hr_backtest_row_count(NULL), 0u);
    cr_assert_eq(hr_backtest_hour_count(NULL), 0u);
    EXPECT_NO_LEAKS();
}

/* ---------------------------------------------------------------- every status code */

Test(api, every_status_reachable)
{
    hr_series *s = year_series();
    hr_model *m = NULL;
    hr_fit_opts o;
    int seen[HR_NSTATUS] = {0};
#define SEE(want, call)                                                                      \
    do {                                                                                     \
        MISUSE(want, call);                                                                  \
        seen[want] = 1;                                                                      \
    } while (0)
    /* HR_EINVAL: timestamps not increasing */
    SEE(HR_EINVAL, hr_series_from_arrays("A", (int64_t[]){7200, 3600}, (double[]){1, 2}, 2, 0,
                                         &(hr_series *){NULL}));
    /* HR_ENOMEM: the first allocation of the call fails */
    mem_fail_at(1);
    SEE(HR_ENOMEM, hr_series_from_arrays("A", (int64_t[]){3600, 7200}, (double[]){1, 2}, 2, 0,
                                         &(hr_series *){NULL}));
    mem_fail_at(0);
    /* HR_EIO: no such file */
    SEE(HR_EIO, hr_model_load("/nonexistent/x.hrm", &(hr_model **){NULL}, &(size_t){0}));
    /* HR_EPARSE: a month 13 in a file, and in a time string */
    make_tmpdir();
    char path[128];
    snprintf(path, sizeof path, "%s/bad.csv", tmpdir);
    write_file(path, "region,timestamp,load_mw\nA,2020-13-01T00:00:00Z,100\n");
    hr_series *bad = NULL;
    SEE(HR_EPARSE, hr_series_read((const char *[]){path}, 1, NULL, &bad));
    cr_expect(strstr(hr_last_error(), path), "message names the file: %s", hr_last_error());
    cr_expect_null(bad);
    SEE(HR_EPARSE, hr_time_parse("2021-13-01", &(int64_t){0}));
    /* HR_EDATA: a training window with under 48 hours of load */
    hr_fit_opts_init(&o);
    o.from_utc = T0 + 3600 * (int64_t)(NY - 24);
    SEE(HR_EDATA, hr_model_fit(s, 0, &o, &m));
    /* HR_ESINGULAR: 191 calendar columns on 168 rows */
    small_fit_opts(&o);
    o.from_utc = T0 + 3600 * (int64_t)(NY - 168);
    SEE(HR_ESINGULAR, hr_model_fit(s, 0, &o, &m));
    /* HR_ENOCONV: auto-arima on loads near 1e160 MW, whose squares
     * overflow: no candidate has a finite likelihood, not even the
     * ARIMA(0,d,0) fallback. */
    {
        int64_t t[500];
        double y[500];
        for (size_t k = 0; k < 500; k++) {
            t[k] = T0 + 3600 * (int64_t)k;
            y[k] = 1e160 * (1 + 0.5 * sin(0.3 * (double)k));
        }
        hr_series *h = NULL;
        cr_assert_eq(hr_series_from_arrays("H", t, y, 500, 0, &h), HR_OK, "%s", hr_last_error());
        hr_fit_opts_init(&o);
        o.model = "auto-arima";
        SEE(HR_ENOCONV, hr_model_fit(h, 0, &o, &m));
        hr_series_free(h);
    }
    /* HR_EFORMAT: an unknown term in a specification */
    hr_fit_opts_init(&o);
    o.spec_text = "term intercept no_such_term\n";
    SEE(HR_EFORMAT, hr_model_fit(s, 0, &o, &m));
    /* HR_EVERSION: a model file from format version 2 */
    const char *v2 = "headroom-model 2\nwriter headroom 9.0.0\nmodels 1\n";
    SEE(HR_EVERSION, hr_model_load_mem(v2, strlen(v2), &(hr_model **){NULL}, &(size_t){0}));
    /* HR_ENOTFOUND: no such region, and no such spec */
    SEE(HR_ENOTFOUND, hr_series_region_index(s, "NOWHERE", &(size_t){0}));
    hr_fit_opts_init(&o);
    o.model = "no-such-spec";
    SEE(HR_ENOTFOUND, hr_model_fit(s, 0, &o, &m));
#undef SEE
    cr_expect_null(m);
    for (int c = HR_EINVAL; c < HR_NSTATUS; c++) cr_expect(seen[c], "status %d not reached", c);
    hr_series_free(s);
    unlink(path);
    rmdir(tmpdir);
    EXPECT_NO_LEAKS();
}

/* ---------------------------------------------------------------- misuse: series */

Test(api, misuse_series_from_arrays)
{
    int64_t t[4] = {T0, T0 + 3600, T0 + 7200, T0 + 10800};
    double y[4] = {100, 110, 120, 130};
    hr_series *s = (hr_series *)&s; /* must be reset to NULL on error */
    MISUSE(HR_EINVAL, hr_series_from_arrays(NULL, t, y, 4, 1, &s));
    cr_expect_null(s);
    MISUSE(HR_EINVAL, hr_series_from_arrays("", t, y, 4, 1, &s));
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", NULL, y, 4, 1, &s));
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", t, NULL, 4, 1, &s));
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", t, y, 0, 1, &s));
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", t, y, 4, 1, NULL));
    int64_t unsorted[4] = {T0, T0 + 7200, T0 + 3600, T0 + 10800};
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", unsorted, y, 4, 1, &s));
    int64_t dup[4] = {T0, T0 + 3600, T0 + 3600, T0 + 10800};
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", dup, y, 4, 1, &s));
    int64_t half[4] = {T0, T0 + 3600, T0 + 5400, T0 + 10800};
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", half, y, 4, 1, &s));
    int64_t neg[4] = {-5400, -3600, 0, 3600}; /* -5400 is not on the hour */
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", neg, y, 4, 1, &s));
    int64_t wide[2] = {0, (int64_t)3600 * 4000000}; /* ~456 years */
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", wide, y, 2, 1, &s));
    int64_t far[2] = {INT64_MIN / 3600 * 3600, INT64_MAX / 3600 * 3600}; /* span overflows */
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", far, y, 2, 1, &s));
    cr_expect_null(s);
    /* NaN is "missing" (allowed); gaps are allowed and become NaN hours */
    double ynan[4] = {100, NAN, 120, 130};
    cr_assert_eq(hr_series_from_arrays("A", t, ynan, 4, 0, &s), HR_OK, "%s", hr_last_error());
    hr_series_free(s);
    int64_t gap[3] = {T0, T0 + 3600, T0 + 4 * 3600};
    cr_assert_eq(hr_series_from_arrays("A", gap, y, 3, 0, &s), HR_OK, "%s", hr_last_error());
    size_t nh;
    cr_assert_eq(hr_series_grid(s, 0, NULL, &nh), HR_OK);
    cr_expect_eq(nh, 5u, "grid from the first to the last hour: 5 hours");
    hr_series_free(s);
    EXPECT_NO_LEAKS();
}

/* Infinite load is not a measurement; NaN is the missing value. */
Test(api, misuse_series_from_arrays_inf)
{
    int64_t t[4] = {T0, T0 + 3600, T0 + 7200, T0 + 10800};
    double yinf[4] = {100, INFINITY, 120, 130};
    hr_series *s = NULL;
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", t, yinf, 4, 1, &s));
    yinf[1] = -INFINITY;
    MISUSE(HR_EINVAL, hr_series_from_arrays("A", t, yinf, 4, 0, &s));
    hr_series_free(s);
    EXPECT_NO_LEAKS();
}

Test(api, misuse_series_read)
{
    hr_series *s = (hr_series *)&s;
    const char *p[1] = {"/nonexistent/x.csv"};
    MISUSE(HR_EINVAL, hr_series_read(NULL, 1, NULL, &s));
    cr_expect_null(s);
    MISUSE(HR_EINVAL, hr_series_read(p, 0, NULL, &s));
    MISUSE(HR_EINVAL, hr_series_read(p, 1, NULL, NULL));
    MISUSE(HR_EINVAL, hr_series_read((const char *[]){NULL}, 1, NULL, &s));
    MISUSE(HR_EIO, hr_series_read(p, 1, NULL, &s));
    cr_expect_null(s);
    hr_ingest_opts io;
    hr_ingest_opts_init(&io);
    io.format = (hr_format)99;
    make_tmpdir();
    char path[128];
    snprintf(path, sizeof path, "%s/ok.csv", tmpdir);
    write_file(path, "region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,100\n"
                     "A,2020-01-01T01:00:00Z,101\n");
    MISUSE(HR_EINVAL, hr_series_read((const char *[]){path}, 1, &io, &s));
    hr_ingest_opts_init(&io);
    io.scale = NAN;
    MISUSE(HR_EINVAL, hr_series_read((const char *[]){path}, 1, &io, &s));
    cr_expect_null(s);
    unlink(path);
    rmdir(tmpdir);
    EXPECT_NO_LEAKS();
}

Test(api, misuse_series_accessors)
{
    int64_t t[3] = {T0, T0 + 3600, T0 + 7200};
    double y[3] = {100, 110, 120};
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("A", t, y, 3, 1, &s), HR_OK, "%s", hr_last_error());
    cr_expect_eq(hr_series_region_count(s), 1u);
    cr_expect_null(hr_series_region_name(NULL, 0));
    cr_expect_null(hr_series_region_name(s, 1));
    size_t i = 7;
    MISUSE(HR_EINVAL, hr_series_region_index(NULL, "A", &i));
    MISUSE(HR_EINVAL, hr_series_region_index(s, NULL, &i));
    MISUSE(HR_EINVAL, hr_series_region_index(s, "A", NULL));
    MISUSE(HR_ENOTFOUND, hr_series_region_index(s, "B", &i));
    cr_expect_eq(i, 7u, "not written on error");
    int64_t t0;
    size_t n;
    MISUSE(HR_EINVAL, hr_series_grid(NULL, 0, &t0, &n));
    MISUSE(HR_EINVAL, hr_series_grid(s, 1, &t0, &n));
    cr_expect_eq(hr_series_column_count(NULL, 0), 0u);
    cr_expect_eq(hr_series_column_count(s, 1), 0u);
    cr_expect_null(hr_series_column_name(NULL, 0, 0));
    cr_expect_null(hr_series_column_name(s, 1, 0));
    cr_expect_null(hr_series_column_name(s, 0, hr_series_column_count(s, 0)));
    const double *v;
    MISUSE(HR_EINVAL, hr_series_column(NULL, 0, "load_mw", &v));
    MISUSE(HR_EINVAL, hr_series_column(s, 1, "load_mw", &v));
    MISUSE(HR_EINVAL, hr_series_column(s, 0, NULL, &v));
    MISUSE(HR_EINVAL, hr_series_column(s, 0, "load_mw", NULL));
    MISUSE(HR_ENOTFOUND, hr_series_column(s, 0, "temp_c", &v));
    const uint8_t *fl;
    MISUSE(HR_EINVAL, hr_series_flags(NULL, 0, &fl));
    MISUSE(HR_EINVAL, hr_series_flags(s, 1, &fl));
    MISUSE(HR_EINVAL, hr_series_flags(s, 0, NULL));
    hr_quality q;
    MISUSE(HR_EINVAL, hr_series_quality(NULL, 0, &q));
    MISUSE(HR_EINVAL, hr_series_quality(s, 1, &q));
    MISUSE(HR_EINVAL, hr_series_quality(s, 0, NULL));
    MISUSE(HR_EINVAL, hr_series_write_long(NULL, 0, "/tmp/x.csv"));
    MISUSE(HR_EINVAL, hr_series_write_long(s, 1, "/tmp/x.csv"));
    MISUSE(HR_EINVAL, hr_series_write_long(s, 0, NULL));
    MISUSE(HR_EIO, hr_series_write_long(s, 0, "/nonexistent/dir/x.csv"));
    /* the happy path for contrast: column values as given */
    cr_assert_eq(hr_series_column(s, 0, "load_raw_mw", &v), HR_OK);
    cr_expect(v[0] == 100 && v[1] == 110 && v[2] == 120);
    hr_series_free(s);
    EXPECT_NO_LEAKS();
}

Test(api, misuse_time)
{
    int64_t t = 5;
    MISUSE(HR_EINVAL, hr_time_parse(NULL, &t));
    MISUSE(HR_EINVAL, hr_time_parse("2021-01-01", NULL));
    MISUSE(HR_EPARSE, hr_time_parse("", &t));
    MISUSE(HR_EPARSE, hr_time_parse("yesterday", &t));
    MISUSE(HR_EPARSE, hr_time_parse("2021-02-30", &t));
    cr_assert_eq(hr_time_parse("2021-01-01T05:00:00Z", &t), HR_OK);
    cr_expect_eq(t, (int64_t)T0 + 5 * 3600);
    EXPECT_NO_LEAKS();
}

/* ---------------------------------------------------------------- misuse: models */

Test(api, misuse_model_fit)
{
    hr_series *s = year_series();
    hr_model *m = (hr_model *)&m;
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    MISUSE(HR_EINVAL, hr_model_fit(NULL, 0, &o, &m));
    MISUSE(HR_EINVAL, hr_model_fit(s, 0, &o, NULL));
    MISUSE(HR_EINVAL, hr_model_fit(s, 1, &o, &m));
    cr_expect_null(m);
    MISUSE(HR_EINVAL, hr_model_fit(s, (size_t)-1, &o, &m));
    o.model = "arima";
    o.order[0] = -1;
    MISUSE(HR_EINVAL, hr_model_fit(s, 0, &o, &m));
    hr_fit_opts_init(&o);
    o.model = "arima";
    o.order[6] = 0; /* season 0 */
    MISUSE(HR_EINVAL, hr_model_fit(s, 0, &o, &m));
    hr_fit_opts_init(&o);
    o.model = "auto-arima";
    o.season = 0;
    MISUSE(HR_EINVAL, hr_model_fit(s, 0, &o, &m));
    hr_fit_opts_init(&o);
    o.model = "arima";
    o.method = 7;
    MISUSE(HR_EINVAL, hr_model_fit(s, 0, &o, &m));
    /* a training window outside the data, and one reversed */
    small_fit_opts(&o);
    o.from_utc = T0 + 3600 * (int64_t)(NY + 100);
    MISUSE(HR_EDATA, hr_model_fit(s, 0, &o, &m));
    small_fit_opts(&o);
    o.to_utc = o.from_utc - 3600;
    MISUSE(HR_EDATA, hr_model_fit(s, 0, &o, &m));
    hr_fit_opts_init(&o);
    o.spec_text = "";
    MISUSE(HR_EFORMAT, hr_model_fit(s, 0, &o, &m));
    o.spec_text = "errors arima 1 0 0\n";
    MISUSE(HR_EFORMAT, hr_model_fit(s, 0, &o, &m));
    hr_fit_opts_init(&o);
    o.spec_text = "term intercept hour:T\n"; /* weather term, no temp_c */
    MISUSE(HR_ENOTFOUND, hr_model_fit(s, 0, &o, &m));
    cr_expect_null(m);
    hr_series_free(s);
    EXPECT_NO_LEAKS();
}

Test(api, misuse_model_use)
{
    hr_series *s = year_series();
    hr_model *m = small_model(s);
    hr_model_info info;
    MISUSE(HR_EINVAL, hr_model_info_get(NULL, &info));
    MISUSE(HR_EINVAL, hr_model_info_get(m, NULL));
    cr_assert_eq(hr_model_info_get(m, &info), HR_OK);
    double v, se;
    const char *name;
    MISUSE(HR_EINVAL, hr_model_coef(NULL, 0, &name, &v, &se));
    MISUSE(HR_EINVAL, hr_model_coef(m, info.ncoef, &name, &v, &se));
    cr_expect_eq(hr_model_coef(m, 0, NULL, NULL, NULL), HR_OK, "every out pointer may be NULL");

    double mean[48], lo[96], hi[96];
    int64_t t[48];
    hr_forecast_buf b = {48, t, mean, lo, hi};
    const double lv[2] = {80, 95};
    MISUSE(HR_EINVAL, hr_model_forecast(NULL, s, 0, 48, lv, 2, &b));
    MISUSE(HR_EINVAL, hr_model_forecast(m, NULL, 0, 48, lv, 2, &b));
    MISUSE(HR_EINVAL, hr_model_forecast(m, s, 0, 48, lv, 2, NULL));
    MISUSE(HR_EINVAL, hr_model_forecast(m, s, 0, 0, lv, 2, &b));
    MISUSE(HR_EINVAL, hr_model_forecast(m, s, 0, 49, lv, 2, &b)); /* cap < horizon */
    MISUSE(HR_EINVAL, hr_model_forecast(m, s, 0, 48, NULL, 2, &b));
    MISUSE(HR_EINVAL, hr_model_forecast(m, s, 1, 48, lv, 2, &b));
    MISUSE(HR_EINVAL, hr_model_forecast(m, s, 0, 48, (double[]){NAN}, 1, &b));
    MISUSE(HR_EINVAL, hr_model_forecast(m, s, 0, 48, (double[]){0}, 1, &b));
    MISUSE(HR_EINVAL, hr_model_forecast(m, s, 0, 48, (double[]){100}, 1, &b));
    hr_forecast_buf nomean = {48, t, NULL, lo, hi};
    MISUSE(HR_EINVAL, hr_model_forecast(m, s, 0, 48, lv, 2, &nomean));
    /* the model's region by name, in a series that lacks it */
    int64_t t2[60];
    double y2[60];
    gen(t2, y2, 60);
    hr_series *other = NULL;
    cr_assert_eq(hr_series_from_arrays("OTHER", t2, y2, 60, 0, &other), HR_OK);
    MISUSE(HR_ENOTFOUND, hr_model_forecast(m, other, (size_t)-1, 48, lv, 2, &b));
    /* a region whose load is all missing */
    for (size_t k = 0; k < 60; k++) y2[k] = NAN;
    hr_series *empty = NULL;
    cr_assert_eq(hr_series_from_arrays("API", t2, y2, 60, 0, &empty), HR_OK, "%s", hr_last_error());
    MISUSE(HR_EDATA, hr_model_forecast(m, empty, 0, 48, lv, 2, &b));
    /* NULL t_utc, lo and hi are allowed */
    hr_forecast_buf meanonly = {48, NULL, mean, NULL, NULL};
    cr_expect_eq(hr_model_forecast(m, s, 0, 48, lv, 2, &meanonly), HR_OK, "%s", hr_last_error());

    double paths[48 * 3];
    MISUSE(HR_EINVAL, hr_model_simulate(NULL, s, 0, 48, 3, 1, paths));
    MISUSE(HR_EINVAL, hr_model_simulate(m, NULL, 0, 48, 3, 1, paths));
    MISUSE(HR_EINVAL, hr_model_simulate(m, s, 0, 48, 3, 1, NULL));
    MISUSE(HR_EINVAL, hr_model_simulate(m, s, 0, 0, 3, 1, paths));
    MISUSE(HR_EINVAL, hr_model_simulate(m, s, 0, 48, 0, 1, paths));
    MISUSE(HR_EINVAL, hr_model_simulate(m, s, 1, 48, 3, 1, paths));
    MISUSE(HR_ENOTFOUND, hr_model_simulate(m, other, (size_t)-1, 48, 3, 1, paths));

    double yp[8760];
    MISUSE(HR_EINVAL, hr_scenarios(NULL, s, 0, 2021, 1, 0, 1, yp));
    MISUSE(HR_EINVAL, hr_scenarios(m, NULL, 0, 2021, 1, 0, 1, yp));
    MISUSE(HR_EINVAL, hr_scenarios(m, s, 0, 2021, 1, 0, 1, NULL));
    MISUSE(HR_EINVAL, hr_scenarios(m, s, 0, 2021, 0, 0, 1, yp));
    MISUSE(HR_EINVAL, hr_scenarios(m, s, 0, 2021, 1, -100, 1, yp));
    MISUSE(HR_EINVAL, hr_scenarios(m, s, 0, 2021, 1, NAN, 1, yp));
    MISUSE(HR_EINVAL, hr_scenarios(m, s, 0, 1800, 1, 0, 1, yp));
    MISUSE(HR_EINVAL, hr_scenarios(m, s, 1, 2021, 1, 0, 1, yp));
    hr_series_free(empty);
    hr_series_free(other);
    hr_model_free(m);
    hr_series_free(s);
    EXPECT_NO_LEAKS();
}

/* ---------------------------------------------------------------- model files and memory */

Test(api, model_io_file_memory_round_trip)
{
    hr_series *s = year_series();
    hr_model *m = small_model(s);
    make_tmpdir();
    char path[128];
    snprintf(path, sizeof path, "%s/m.hrm", tmpdir);
    const hr_model *const ms[2] = {m, m};
    cr_assert_eq(hr_model_save(ms, 2, path), HR_OK, "%s", hr_last_error());
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(hr_model_save_mem(ms, 2, &buf, &len), HR_OK, "%s", hr_last_error());
    size_t flen;
    char *file = slurp(path, &flen);
    /* file and memory: the same bytes, NUL-terminated buffer */
    cr_assert_eq(len, flen);
    cr_assert(memcmp(buf, file, len) == 0, "save_mem and save differ");
    cr_assert_eq(buf[len], '\0');
    cr_assert_eq(strlen(buf), len);

    /* load from memory (without the NUL) and from the file; saving either
     * gives the same bytes again */
    hr_model **a = NULL, **b = NULL;
    size_t na = 0, nb = 0;
    cr_assert_eq(hr_model_load_mem(file, flen, &a, &na), HR_OK, "%s", hr_last_error());
    cr_assert_eq(hr_model_load(path, &b, &nb), HR_OK, "%s", hr_last_error());
    cr_assert_eq(na, 2u);
    cr_assert_eq(nb, 2u);
    char *buf2 = NULL, *buf3 = NULL;
    size_t len2, len3;
    cr_assert_eq(hr_model_save_mem((const hr_model *const *)a, na, &buf2, &len2), HR_OK);
    cr_assert_eq(hr_model_save_mem((const hr_model *const *)b, nb, &buf3, &len3), HR_OK);
    cr_assert(len2 == len && memcmp(buf2, buf, len) == 0, "memory round trip not bit-identical");
    cr_assert(len3 == len && memcmp(buf3, buf, len) == 0, "file round trip not bit-identical");

    /* forecasts of the original and the loaded model: identical doubles */
    double m0[24], m1[24];
    hr_forecast_buf f0 = {24, NULL, m0, NULL, NULL}, f1 = {24, NULL, m1, NULL, NULL};
    cr_assert_eq(hr_model_forecast(m, s, 0, 24, NULL, 0, &f0), HR_OK);
    cr_assert_eq(hr_model_forecast(a[1], s, 0, 24, NULL, 0, &f1), HR_OK);
    cr_assert(memcmp(m0, m1, sizeof m0) == 0);

    hr_free(buf);
    hr_free(buf2);
    hr_free(buf3);
    free(file);
    hr_models_free(a, na);
    hr_models_free(b, nb);
    hr_model_free(m);
    hr_series_free(s);
    unlink(path);
    rmdir(tmpdir);
    EXPECT_NO_LEAKS();
}

Test(api, misuse_model_io)
{
    hr_series *s = year_series();
    hr_model *m = small_model(s);
    const hr_model *ms[2] = {m, NULL};
    char *buf = (char *)&buf;
    size_t len = 9;
    MISUSE(HR_EINVAL, hr_model_save_mem(NULL, 1, &buf, &len));
    cr_expect(buf == NULL && len == 0, "outputs reset on error");
    MISUSE(HR_EINVAL, hr_model_save_mem(ms, 0, &buf, &len));
    MISUSE(HR_EINVAL, hr_model_save_mem(ms, 2, &buf, &len)); /* a NULL model */
    MISUSE(HR_EINVAL, hr_model_save_mem(ms, 1, NULL, &len));
    MISUSE(HR_EINVAL, hr_model_save_mem(ms, 1, &buf, NULL));
    MISUSE(HR_EINVAL, hr_model_save(NULL, 1, "/tmp/x.hrm"));
    MISUSE(HR_EINVAL, hr_model_save(ms, 0, "/tmp/x.hrm"));
    MISUSE(HR_EINVAL, hr_model_save(ms, 2, "/tmp/x.hrm"));
    MISUSE(HR_EINVAL, hr_model_save(ms, 1, NULL));
    MISUSE(HR_EINVAL, hr_model_save(ms, 1, ""));
    MISUSE(HR_EIO, hr_model_save(ms, 1, "/nonexistent/dir/x.hrm"));

    hr_model **out = (hr_model **)&out;
    size_t n = 5;
    MISUSE(HR_EINVAL, hr_model_load(NULL, &out, &n));
    MISUSE(HR_EINVAL, hr_model_load("/tmp/x.hrm", NULL, &n));
    MISUSE(HR_EINVAL, hr_model_load("/tmp/x.hrm", &out, NULL));
    MISUSE(HR_EIO, hr_model_load("/nonexistent/x.hrm", &out, &n));
    cr_expect(out == NULL && n == 0, "outputs reset on error");
    MISUSE(HR_EINVAL, hr_model_load_mem(NULL, 10, &out, &n));
    MISUSE(HR_EINVAL, hr_model_load_mem("x", 0, &out, &n));
    MISUSE(HR_EINVAL, hr_model_load_mem("x", 1, NULL, &n));
    MISUSE(HR_EINVAL, hr_model_load_mem("x", 1, &out, NULL));
    MISUSE(HR_EFORMAT, hr_model_load_mem("x", 1, &out, &n));
    MISUSE(HR_EFORMAT, hr_model_load_mem("headroom-model 1\0junk", 21, &out, &n));
    MISUSE(HR_EFORMAT, hr_model_load_mem("headroom-model 0\n", 17, &out, &n));

    /* every truncation of a valid text is HR_EFORMAT (never a crash, never
     * a partial success), and names the line in memory */
    cr_assert_eq(hr_model_save_mem((const hr_model *const *)ms, 1, &buf, &len), HR_OK);
    size_t step = len / 97 + 1;
    for (size_t cut = 1; cut < len; cut += step) {
        err_clear();
        int st = hr_model_load_mem(buf, cut, &out, &n);
        cr_expect(st == HR_EFORMAT, "cut at %zu: %d (%s)", cut, st, hr_last_error());
        cr_expect(strstr(hr_last_error(), "(memory):"), "cut at %zu: %s", cut, hr_last_error());
        cr_expect(out == NULL && n == 0);
    }
    /* a later format version in an otherwise valid text */
    char *v2 = strdup(buf);
    cr_assert(v2);
    v2[strlen("headroom-model ")] = '2';
    MISUSE(HR_EVERSION, hr_model_load_mem(v2, len, &out, &n));
    cr_expect(strstr(hr_last_error(), "version 2"), "%s", hr_last_error());
    free(v2);
    hr_free(buf);
    hr_model_free(m);
    hr_series_free(s);
    EXPECT_NO_LEAKS();
}

/* ---------------------------------------------------------------- misuse: backtest, assess, report */

Test(api, misuse_backtest_metrics)
{
    hr_series *s = year_series();
    hr_backtest_opts o;
    hr_backtest_opts_init(&o);
    o.fit.model = "calendar";
    o.start_utc = T0 + 3600 * (int64_t)(NY - 48);
    hr_backtest *b = (hr_backtest *)&b;
    MISUSE(HR_EINVAL, hr_backtest_run(NULL, 0, &o, &b));
    MISUSE(HR_EINVAL, hr_backtest_run(s, 0, NULL, &b));
    MISUSE(HR_EINVAL, hr_backtest_run(s, 0, &o, NULL));
    MISUSE(HR_EINVAL, hr_backtest_run(s, 1, &o, &b));
    o.origins = 0;
    MISUSE(HR_EINVAL, hr_backtest_run(s, 0, &o, &b));
    o.origins = 1;
    o.horizon = 0;
    MISUSE(HR_EINVAL, hr_backtest_run(s, 0, &o, &b));
    o.horizon = 24;
    o.step = 0;
    MISUSE(HR_EINVAL, hr_backtest_run(s, 0, &o, &b));
    o.step = 24;
    o.start_utc += 1800; /* not on the hour */
    MISUSE(HR_EINVAL, hr_backtest_run(s, 0, &o, &b));
    o.start_utc = T0 + 3600 * 24; /* too little training before it */
    MISUSE(HR_EDATA, hr_backtest_run(s, 0, &o, &b));
    o.start_utc = T0 + 3600 * (int64_t)(NY + 500); /* after the data */
    MISUSE(HR_EDATA, hr_backtest_run(s, 0, &o, &b));
    hr_backtest_row row;
    hr_backtest_hour hour;
    MISUSE(HR_EINVAL, hr_backtest_row_get(NULL, 0, &row));
    MISUSE(HR_EINVAL, hr_backtest_hour_get(NULL, 0, &hour));

    double a[3] = {1, 2, 3}, mu[3] = {1, 2, 4}, sd[3] = {1, 1, 1};
    MISUSE(HR_EINVAL, hr_metrics(NULL, mu, sd, NULL, 3, &row));
    MISUSE(HR_EINVAL, hr_metrics(a, NULL, sd, NULL, 3, &row));
    MISUSE(HR_EINVAL, hr_metrics(a, mu, NULL, NULL, 3, &row));
    MISUSE(HR_EINVAL, hr_metrics(a, mu, sd, NULL, 3, NULL));
    cr_assert_eq(hr_metrics(a, mu, sd, NULL, 3, &row), HR_OK);
    cr_expect_eq(row.n, 3u);
    cr_expect(fabs(row.mae - 1.0 / 3) < 1e-15, "MAE of errors 0, 0, 1 is 1/3: %g", row.mae);
    hr_series_free(s);
    EXPECT_NO_LEAKS();
}

Test(api, misuse_assess)
{
    hr_series *s = year_series();
    hr_assessment *out = malloc(sizeof *out);
    cr_assert(out);
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    MISUSE(HR_EINVAL, hr_assess(NULL, 0, &o, out));
    MISUSE(HR_EINVAL, hr_assess(s, 1, &o, out));
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, NULL));
    const double badb[] = {0, 100, -1, NAN, INFINITY};
    for (size_t i = 0; i < sizeof badb / sizeof *badb; i++) {
        hr_assess_opts_init(&o);
        o.budgets_pct[0] = badb[i];
        MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    }
    hr_assess_opts_init(&o);
    o.nbudgets = 0;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    o.nbudgets = HR_MAX_BUDGETS + 1;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    hr_assess_opts_init(&o);
    o.threshold_kind = 7;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    o.threshold_kind = HR_THRESH_CAPACITY;
    o.threshold_summer_mw = 0;
    o.threshold_winter_mw = 1000;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    o.threshold_summer_mw = NAN;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    double prof[24];
    for (int h = 0; h < 24; h++) prof[h] = 1;
    hr_assess_opts_init(&o);
    o.profile = prof;
    o.profile_len = 23;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    o.profile_len = 24;
    o.profile = NULL;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    o.profile = prof;
    prof[3] = NAN;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    prof[3] = 2; /* mean 25/24 != 1 */
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    prof[3] = -1, prof[4] = 3; /* mean 1, one negative */
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    hr_assess_opts_init(&o);
    o.curve_step_pct_peak = 0;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    o.curve_step_pct_peak = NAN;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    hr_assess_opts_init(&o);
    o.year_from = 2022, o.year_to = 2021;
    MISUSE(HR_EINVAL, hr_assess(s, 0, &o, out));
    o.year_from = 2022, o.year_to = 2022; /* not whole in the data */
    MISUSE(HR_EDATA, hr_assess(s, 0, &o, out));

    double y[3] = {1, 2, 3};
    MISUSE(HR_EINVAL, hr_assess_arrays(T0, NULL, 3, NULL, out));
    MISUSE(HR_EINVAL, hr_assess_arrays(T0, y, 0, NULL, out));
    MISUSE(HR_EINVAL, hr_assess_arrays(T0, y, 3, NULL, NULL));
    MISUSE(HR_EINVAL, hr_assess_arrays(T0 + 60, y, 3, NULL, out));
    MISUSE(HR_EDATA, hr_assess_arrays(T0, y, 3, NULL, out)); /* no whole year */

    double paths[48], hq[4 * 3];
    for (int k = 0; k < 48; k++) paths[k] = 900;
    MISUSE(HR_EINVAL, hr_assess_paths(T0, NULL, 24, 2, 1000, 1000, NULL, NULL, hq));
    MISUSE(HR_EINVAL, hr_assess_paths(T0, paths, 0, 2, 1000, 1000, NULL, NULL, hq));
    MISUSE(HR_EINVAL, hr_assess_paths(T0, paths, 24, 0, 1000, 1000, NULL, NULL, hq));
    MISUSE(HR_EINVAL, hr_assess_paths(T0, paths, 24, 2, 1000, 1000, NULL, NULL, NULL));
    MISUSE(HR_EINVAL, hr_assess_paths(T0, paths, 24, 2, NAN, 1000, NULL, NULL, hq));
    MISUSE(HR_EINVAL, hr_assess_paths(T0, paths, 24, 2, 1000, -5, NULL, NULL, hq));
    MISUSE(HR_EINVAL, hr_assess_paths(T0 + 1, paths, 24, 2, 1000, 1000, NULL, NULL, hq));
    for (int k = 24; k < 48; k++) paths[k] = NAN;
    MISUSE(HR_EDATA, hr_assess_paths(T0, paths, 24, 2, 1000, 1000, NULL, NULL, hq));

    hr_genmix *g = malloc(sizeof *g);
    cr_assert(g);
    cr_assert_eq(hr_assess(s, 0, NULL, out), HR_OK, "%s", hr_last_error());
    MISUSE(HR_EINVAL, hr_assess_genmix(NULL, 0, NULL, out, g));
    MISUSE(HR_EINVAL, hr_assess_genmix(s, 1, NULL, out, g));
    MISUSE(HR_EINVAL, hr_assess_genmix(s, 0, NULL, NULL, g));
    MISUSE(HR_EINVAL, hr_assess_genmix(s, 0, NULL, out, NULL));
    MISUSE(HR_ENOTFOUND, hr_assess_genmix(s, 0, NULL, out, g));
    free(g);
    free(out);
    hr_series_free(s);
    EXPECT_NO_LEAKS();
}

Test(api, misuse_report)
{
    hr_report_opts o;
    hr_report_opts_init(&o);
    const char *p[1] = {"/nonexistent/x.csv"};
    MISUSE(HR_EINVAL, hr_report(NULL, 1, &o, "/tmp/hr_api_out"));
    MISUSE(HR_EINVAL, hr_report(p, 0, &o, "/tmp/hr_api_out"));
    MISUSE(HR_EINVAL, hr_report(p, 1, NULL, "/tmp/hr_api_out"));
    MISUSE(HR_EINVAL, hr_report(p, 1, &o, NULL));
    o.rank_budget_pct = 3; /* not one of the budgets */
    MISUSE(HR_EINVAL, hr_report(p, 1, &o, "/tmp/hr_api_out"));
    hr_report_opts_init(&o);
    MISUSE(HR_EIO, hr_report(p, 1, &o, "/tmp/hr_api_out"));
    EXPECT_NO_LEAKS();
}

/* Option initialisers accept NULL (a no-op), and a successful fit leaves no
 * stale message behind. */
Test(api, opts_init_null_and_clean_error_after_success)
{
    hr_ingest_opts_init(NULL);
    hr_fit_opts_init(NULL);
    hr_assess_opts_init(NULL);
    hr_backtest_opts_init(NULL);
    hr_report_opts_init(NULL);
    size_t n = 24 * 7 * 6;
    int64_t *t = malloc(n * sizeof *t);
    double *y = malloc(n * sizeof *y);
    for (size_t k = 0; k < n; k++) {
        t[k] = 1514764800 + 3600 * (int64_t)k;
        y[k] = 1000 + 100 * sin(2 * M_PI * (double)k / 24) + (double)(k % 7);
    }
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("R", t, y, n, 0, &s), HR_OK);
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.spec_text = "name x\nterm intercept hour\nerrors arima 1 0 0 1 0 0 24\n";
    hr_model *m = NULL;
    hr_model_fit(s, 99, &o, &m); /* fails: leaves a message */
    cr_assert(hr_last_error()[0] != '\0');
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    cr_assert_str_empty(hr_last_error());
    hr_model_free(m);
    hr_series_free(s);
    free(t);
    free(y);
}

/* ---------------------------------------------------------------- hr_last_error */

/* A long-format file of `hours` hours of region `region` from T0, with BA
 * forecast, temperature and generation by fuel. */
static void write_year_file(const char *path, const char *region, size_t hours)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "%s", path);
    fputs("region,timestamp,load_mw,forecast_mw,temp_c,gen_gas_mw,gen_wind_mw\n", f);
    uint64_t seed = 3;
    double e = 0;
    for (size_t k = 0; k < hours; k++) {
        double y = toy_load(k, &e, &seed);
        char ts[21];
        hr_time_format(T0 + 3600 * (int64_t)k, ts);
        fprintf(f, "%s,%s,%.2f,%.1f,%.1f,%.0f,%.0f\n", region, ts, y, y * 1.01,
                15 + 10 * sin(2 * M_PI * (double)k / 8766), y * 0.7, y * 0.3);
    }
    fclose(f);
}

/* A stale message is cleared by every call that returns a status, when it
 * succeeds: hr_last_error() is "" after HR_OK (the documented semantics). */
#define CLEARS(call)                                                                          \
    do {                                                                                      \
        err_set(HR_EINVAL, "stale message");                                                   \
        int st_ = (call);                                                                     \
        cr_expect_eq(st_, HR_OK, "%s -> %d: %s", #call, st_, hr_last_error());               \
        cr_expect_str_empty(hr_last_error(), "%s succeeded but left '%s'", #call,            \
                            hr_last_error());                                                 \
    } while (0)

Test(api, last_error_cleared_by_every_success, .timeout = 120)
{
    make_tmpdir();
    char path[128], out[160], mpath[160], rdir[160];
    snprintf(path, sizeof path, "%s/y.csv", tmpdir);
    snprintf(out, sizeof out, "%s/w.csv", tmpdir);
    snprintf(mpath, sizeof mpath, "%s/m.hrm", tmpdir);
    snprintf(rdir, sizeof rdir, "%s/report", tmpdir);
    write_year_file(path, "API", NY);
    const char *paths[1] = {path};
    hr_series *s = NULL, *sa = NULL;
    CLEARS(hr_series_read(paths, 1, NULL, &s));
    int64_t t[3] = {T0, T0 + 3600, T0 + 7200};
    double y[3] = {1, 2, 3};
    CLEARS(hr_series_from_arrays("A", t, y, 3, 1, &sa));
    size_t i;
    int64_t t0;
    size_t nh;
    const double *v;
    const uint8_t *fl;
    hr_quality q;
    CLEARS(hr_series_region_index(s, "API", &i));
    CLEARS(hr_series_grid(s, 0, &t0, &nh));
    CLEARS(hr_series_column(s, 0, "load_mw", &v));
    CLEARS(hr_series_flags(s, 0, &fl));
    CLEARS(hr_series_quality(s, 0, &q));
    CLEARS(hr_series_write_long(s, 0, out));
    int64_t tp;
    CLEARS(hr_time_parse("2021-01-01T00:00:00Z", &tp));

    /* a model without trend, so that hr_scenarios runs on one year */
    hr_fit_opts fo;
    hr_fit_opts_init(&fo);
    fo.spec_text = "name nt\nterm intercept month weekday:hour\nerrors arima 1 0 0 0 0 0 1\n";
    hr_model *m = NULL;
    CLEARS(hr_model_fit(s, 0, &fo, &m));
    hr_model_info info;
    const char *cn;
    CLEARS(hr_model_info_get(m, &info));
    CLEARS(hr_model_coef(m, 0, &cn, NULL, NULL));
    double mean[24], paths_out[24 * 2];
    hr_forecast_buf fb = {24, NULL, mean, NULL, NULL};
    CLEARS(hr_model_forecast(m, s, 0, 24, NULL, 0, &fb));
    CLEARS(hr_model_simulate(m, s, 0, 24, 2, 1, paths_out));
    const hr_model *ms[1] = {m};
    char *buf = NULL;
    size_t len = 0;
    hr_model **lm = NULL, **lf = NULL;
    size_t nlm = 0, nlf = 0;
    CLEARS(hr_model_save_mem(ms, 1, &buf, &len));
    CLEARS(hr_model_load_mem(buf, len, &lm, &nlm));
    CLEARS(hr_model_save(ms, 1, mpath));
    CLEARS(hr_model_load(mpath, &lf, &nlf));
    double *sc = malloc(2 * 8760 * sizeof *sc);
    cr_assert(sc);
    CLEARS(hr_scenarios(m, s, 0, 2022, 2, 0, 1, sc));

    hr_backtest_opts bo;
    hr_backtest_opts_init(&bo);
    bo.fit.model = "arima";
    bo.start_utc = T0 + 3600 * (int64_t)(NY - 72);
    bo.origins = 2;
    bo.keep_hours = 1;
    hr_backtest *b = NULL;
    CLEARS(hr_backtest_run(s, 0, &bo, &b));
    hr_backtest_row row;
    hr_backtest_hour hour;
    CLEARS(hr_backtest_row_get(b, 0, &row));
    CLEARS(hr_backtest_hour_get(b, 0, &hour));
    double a3[3] = {1, 2, 3};
    CLEARS(hr_metrics(a3, a3, a3, NULL, 3, &row));

    hr_assessment *a = malloc(sizeof *a);
    hr_genmix *g = malloc(sizeof *g);
    cr_assert(a && g);
    CLEARS(hr_assess(s, 0, NULL, a));
    CLEARS(hr_assess_genmix(s, 0, NULL, a, g));
    CLEARS(hr_assess_arrays(T0, v, 8760, NULL, a));
    double qq[4 * 3];
    CLEARS(hr_assess_paths(T0, v, 24, 2, 1e6, 1e6, NULL, NULL, qq));

    hr_report_opts ro;
    small_report_opts(&ro);
    CLEARS(hr_report(paths, 1, &ro, rdir));

    free(a);
    free(g);
    free(sc);
    hr_backtest_free(b);
    hr_models_free(lm, nlm);
    hr_models_free(lf, nlf);
    hr_free(buf);
    hr_model_free(m);
    hr_series_free(sa);
    hr_series_free(s);
    cr_expect_eq(rm_rf(tmpdir), 0);
    EXPECT_NO_LEAKS();
}

/* The status of call must be `want` and the message must contain every
 * one of the given fragments (the file, line, column, argument or value at
 * fault). */
#define SAYS(want, call, ...)                                                                 \
    do {                                                                                      \
        err_clear();                                                                       \
        int st_ = (call);                                                                     \
        cr_expect_eq(st_, (want), "%s -> %d (%s), want %d", #call, st_, hr_last_error(),     \
                     (want));                                                                 \
        const char *frag_[] = {__VA_ARGS__};                                                  \
        for (size_t f_ = 0; f_ < sizeof frag_ / sizeof *frag_; f_++)                          \
            cr_expect(strstr(hr_last_error(), frag_[f_]), "%s: message '%s' lacks '%s'",      \
                      #call, hr_last_error(), frag_[f_]);                                     \
    } while (0)

Test(api, last_error_is_specific)
{
    make_tmpdir();
    char bad[128], trunc[128], ok[128];
    snprintf(bad, sizeof bad, "%s/bad.csv", tmpdir);
    snprintf(trunc, sizeof trunc, "%s/t.hrm", tmpdir);
    snprintf(ok, sizeof ok, "%s/ok.csv", tmpdir);
    write_file(bad, "region,timestamp,load_mw\nA,2021-01-01T00:00:00Z,1\nA,2021-01-01T01:00:00Z,12x\n");
    write_file(ok, "region,timestamp,load_mw\nA,2021-01-01T00:00:00Z,1\nA,2021-01-01T01:00:00Z,2\n");
    hr_series *s = NULL;
    /* input at fault: file, line, column and the text */
    SAYS(HR_EPARSE, hr_series_read((const char *[]){bad}, 1, NULL, &s), bad, ":3:", "load_mw",
         "12x");
    write_file(bad, "region,timestamp,load_mw\nA,2021-01-01T00:00:00Z,1\nA,2021-01-01T00:00:00Z,2\n");
    SAYS(HR_EDATA, hr_series_read((const char *[]){bad}, 1, NULL, &s), bad, ":3:", "duplicate");
    write_file(bad, "region,time,load\nA,2021-01-01T00:00:00Z,1\n");
    SAYS(HR_EPARSE, hr_series_read((const char *[]){bad}, 1, NULL, &s), bad, ":1:");
    SAYS(HR_EIO, hr_series_read((const char *[]){"/nonexistent/x.csv"}, 1, NULL, &s),
         "/nonexistent/x.csv");
    SAYS(HR_EIO, hr_series_read((const char *[]){tmpdir}, 1, NULL, &s), tmpdir);
    hr_ingest_opts io;
    hr_ingest_opts_init(&io);
    io.tz = "Mars/Olympus_Mons";
    SAYS(HR_ENOTFOUND, hr_series_read((const char *[]){ok}, 1, &io, &s), "Mars/Olympus_Mons");
    hr_ingest_opts_init(&io);
    io.format = (hr_format)77;
    SAYS(HR_EINVAL, hr_series_read((const char *[]){ok}, 1, &io, &s), "format 77");
    SAYS(HR_EINVAL, hr_series_read((const char *[]){ok, NULL}, 2, NULL, &s), "paths[1]");
    /* arguments at fault: their name or value */
    SAYS(HR_EINVAL,
         hr_series_from_arrays("A", (int64_t[]){T0, T0 + 7200, T0 + 3600}, (double[]){1, 2, 3}, 3,
                               0, &s),
         "t_utc", "2");
    SAYS(HR_EINVAL, hr_series_from_arrays("A", (int64_t[]){T0}, (double[]){1}, 0, 0, &s), "n = 0");
    SAYS(HR_EPARSE, hr_time_parse("2021-13-01", &(int64_t){0}), "2021-13-01");

    hr_series *ys = year_series();
    SAYS(HR_ENOTFOUND, hr_series_column(ys, 0, "temp_c", &(const double *){NULL}), "temp_c", "API");
    SAYS(HR_ENOTFOUND, hr_series_region_index(ys, "NOWHERE", &(size_t){0}), "NOWHERE");
    hr_fit_opts fo;
    hr_fit_opts_init(&fo);
    fo.spec_text = "name x\nterm intercept no_such_term\n";
    hr_model *m = NULL;
    SAYS(HR_EFORMAT, hr_model_fit(ys, 0, &fo, &m), "no_such_term", ":2:");
    hr_fit_opts_init(&fo);
    fo.model = "no-such-spec";
    SAYS(HR_ENOTFOUND, hr_model_fit(ys, 0, &fo, &m), "no-such-spec");
    hr_fit_opts_init(&fo);
    fo.model = "arima";
    fo.order[0] = 500;
    SAYS(HR_EINVAL, hr_model_fit(ys, 0, &fo, &m), "order");
    hr_fit_opts_init(&fo);
    fo.method = 9;
    SAYS(HR_EINVAL, hr_model_fit(ys, 0, &fo, &m), "method 9");
    m = small_model(ys);
    double mean[4];
    hr_forecast_buf fb = {4, NULL, mean, NULL, NULL};
    SAYS(HR_EINVAL, hr_model_forecast(m, ys, 0, 4, (double[]){120}, 1, &fb), "level 120");
    /* a truncated model file: file and line */
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(hr_model_save_mem((const hr_model *const *)&m, 1, &text, &len), HR_OK);
    FILE *f = fopen(trunc, "wb");
    cr_assert(f);
    fwrite(text, 1, len / 2, f);
    fclose(f);
    SAYS(HR_EFORMAT, hr_model_load(trunc, &(hr_model **){NULL}, &(size_t){0}), trunc, ":");
    hr_free(text);
    hr_backtest_opts bo;
    hr_backtest_opts_init(&bo);
    SAYS(HR_EINVAL, hr_backtest_run(ys, 0, &bo, &(hr_backtest *){NULL}), "start");
    hr_assess_opts ao;
    hr_assess_opts_init(&ao);
    ao.budgets_pct[1] = 150;
    hr_assessment *a = malloc(sizeof *a);
    cr_assert(a);
    SAYS(HR_EINVAL, hr_assess(ys, 0, &ao, a), "budget 150");
    free(a);
    hr_model_free(m);
    hr_series_free(ys);
    cr_expect_eq(rm_rf(tmpdir), 0);
    EXPECT_NO_LEAKS();
}

/* ---------------------------------------------------------------- log callback */

typedef struct {
    size_t n[2];        /* messages per level            */
    char last[2][512];  /* the last message of each level */
    int off_thread;     /* calls not on the test's thread */
    pthread_t self;
} log_rec;

static void rec_log(int level, const char *msg, void *ud)
{
    log_rec *L = ud;
    cr_assert(level == 0 || level == 1, "log level %d", level);
    L->n[level]++;
    snprintf(L->last[level], sizeof L->last[level], "%s", msg);
    if (!pthread_equal(pthread_self(), L->self)) L->off_thread++;
}

/* A load growing 1 % an hour: the AR(1) fit's CSS start does not converge
 * and ML starts from zeros, a fallback the model records and logs. */
static hr_series *explosive_series(void)
{
    int64_t t[400];
    double y[400];
    for (size_t k = 0; k < 400; k++) {
        t[k] = T0 + 3600 * (int64_t)k;
        y[k] = 1000 * pow(1.01, (double)k);
    }
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("X", t, y, 400, 0, &s), HR_OK, "%s", hr_last_error());
    return s;
}

Test(api, log_receives_arima_fallback)
{
    hr_series *s = explosive_series();
    log_rec L = {.self = pthread_self()};
    hr_fit_opts fo;
    hr_fit_opts_init(&fo);
    fo.model = "arima"; /* ARIMA(1,0,0) */
    fo.log = rec_log;
    fo.log_ud = &L;
    hr_model *m = NULL;
    cr_assert_eq(hr_model_fit(s, 0, &fo, &m), HR_OK, "%s", hr_last_error());
    hr_model_info info;
    cr_assert_eq(hr_model_info_get(m, &info), HR_OK);
    cr_assert(info.fallback[0], "the fit records a fallback");
    cr_expect_eq(L.n[1], 1u, "one warning");
    cr_expect(strstr(L.last[1], info.fallback), "'%s' carries '%s'", L.last[1], info.fallback);
    cr_expect(strstr(L.last[1], "region 'X'"), "%s", L.last[1]);
    cr_expect_eq(L.n[0], 0u);

    /* the backtest's refits fall back too: one summary warning, logged on
     * this thread although the refits ran on two */
    memset(L.n, 0, sizeof L.n);
    hr_backtest_opts bo;
    hr_backtest_opts_init(&bo);
    bo.fit = fo;
    bo.start_utc = T0 + 3600 * 300;
    bo.origins = 3;
    bo.refit_every = 1;
    bo.threads = 2;
    hr_backtest *b = NULL;
    cr_assert_eq(hr_backtest_run(s, 0, &bo, &b), HR_OK, "%s", hr_last_error());
    cr_expect_eq(L.n[1], 1u, "one warning for the run");
    cr_expect(strstr(L.last[1], "3 of 3 refits fell back"), "%s", L.last[1]);
    cr_expect_eq(L.off_thread, 0, "the callback ran on another thread");
    hr_backtest_free(b);
    hr_model_free(m);
    hr_series_free(s);
    EXPECT_NO_LEAKS();
}

Test(api, log_receives_read_summaries)
{
    make_tmpdir();
    char path[128];
    snprintf(path, sizeof path, "%s/d.csv", tmpdir);
    /* hour 01:00 twice (kept by the mean rule), hour 03:00 missing */
    write_file(path, "region,timestamp,load_mw\nA,2021-01-01T00:00:00Z,100\n"
                     "A,2021-01-01T01:00:00Z,110\nA,2021-01-01T01:00:00Z,112\n"
                     "A,2021-01-01T02:00:00Z,120\nA,2021-01-01T04:00:00Z,130\n"
                     "B,2021-01-01T00:00:00Z,7\n");
    log_rec L = {.self = pthread_self()};
    hr_ingest_opts io;
    hr_ingest_opts_init(&io);
    io.on_duplicate = HR_DUP_MEAN;
    io.screen = 0;
    io.log = rec_log;
    io.log_ud = &L;
    hr_series *s = NULL;
    cr_assert_eq(hr_series_read((const char *[]){path}, 1, &io, &s), HR_OK, "%s", hr_last_error());
    cr_expect_eq(L.n[0], 2u, "one summary per region");
    cr_expect(strstr(L.last[0], "region 'B'"), "%s", L.last[0]);
    cr_expect_eq(L.n[1], 1u, "the duplicate rule is a warning");
    cr_expect(strstr(L.last[1], "region 'A': 1 hours"), "%s", L.last[1]);
    hr_series_free(s);
    unlink(path);
    rmdir(tmpdir);
    EXPECT_NO_LEAKS();
}

/* Redirect stdout and stderr to a file; capture_end restores them and
 * returns how many bytes were written meanwhile. */
typedef struct {
    int fd1, fd2;
    char path[64];
} capture;
static void capture_begin(capture *c)
{
    fflush(stdout);
    fflush(stderr);
    snprintf(c->path, sizeof c->path, "/tmp/hr_api_out_XXXXXX");
    int fd = mkstemp(c->path);
    cr_assert(fd >= 0);
    c->fd1 = dup(1);
    c->fd2 = dup(2);
    cr_assert(c->fd1 >= 0 && c->fd2 >= 0);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
}
static long capture_end(capture *c)
{
    fflush(stdout);
    fflush(stderr);
    dup2(c->fd1, 1);
    dup2(c->fd2, 2);
    close(c->fd1);
    close(c->fd2);
    struct stat sb;
    long n = stat(c->path, &sb) == 0 ? (long)sb.st_size : -1;
    unlink(c->path);
    return n;
}

/* Without callbacks the library prints nothing, even where it has
 * something to say: fallbacks in a fit and a backtest, duplicate hours in
 * a read, failed stages in a report (region B has no whole year and too
 * little data for a backtest). With callbacks, the report's warnings reach
 * fit.log on the calling thread, and hr_report still returns HR_OK with
 * no message left behind. */
Test(api, silent_without_callback_and_report_warnings_logged, .timeout = 120)
{
    make_tmpdir();
    char a[128], b[128], rdir[128];
    snprintf(a, sizeof a, "%s/a.csv", tmpdir);
    snprintf(b, sizeof b, "%s/b.csv", tmpdir);
    snprintf(rdir, sizeof rdir, "%s/report", tmpdir);
    write_year_file(a, "API", NY);
    write_year_file(b, "BETA", 24 * 14);
    const char *paths[2] = {a, b};
    hr_series *x = explosive_series();

    capture c;
    capture_begin(&c);
    hr_fit_opts fo;
    hr_fit_opts_init(&fo);
    fo.model = "arima";
    hr_model *m = NULL;
    int st1 = hr_model_fit(x, 0, &fo, &m);
    hr_backtest_opts bo;
    hr_backtest_opts_init(&bo);
    bo.fit = fo;
    bo.start_utc = T0 + 3600 * 300;
    bo.origins = 2;
    hr_backtest *bt = NULL;
    int st2 = hr_backtest_run(x, 0, &bo, &bt);
    hr_ingest_opts io;
    hr_ingest_opts_init(&io);
    hr_series *s = NULL;
    int st3 = hr_series_read(paths, 2, &io, &s);
    hr_report_opts ro;
    small_report_opts(&ro);
    /* BETA's stages fail: the report is written, and the call fails
     * unless keep_going */
    int st4 = hr_report(paths, 2, &ro, rdir);
    long printed = capture_end(&c);
    cr_expect(st1 == HR_OK && st2 == HR_OK && st3 == HR_OK && st4 == HR_EDATA, "%d %d %d %d: %s", st1,
              st2, st3, st4, hr_last_error());
    cr_expect(strstr(hr_last_error(), "BETA") && strstr(hr_last_error(), "keep_going"), "%s", hr_last_error());
    char rj[160];
    snprintf(rj, sizeof rj, "%s/run.json", rdir);
    cr_expect_eq(access(rj, F_OK), 0, "the report is written all the same");
    cr_expect_eq(printed, 0, "the library printed %ld bytes", printed);
    ro.keep_going = 1;

    log_rec L = {.self = pthread_self()};
    ro.fit.log = rec_log;
    ro.fit.log_ud = &L;
    ro.ingest.log = rec_log;
    ro.ingest.log_ud = &L;
    ro.threads = 2;
    err_set(HR_EINVAL, "stale message");
    cr_assert_eq(hr_report(paths, 2, &ro, rdir), HR_OK, "%s", hr_last_error());
    cr_expect_str_empty(hr_last_error());
    cr_expect_eq(L.n[0], 2u, "a read summary per region");
    cr_expect_geq(L.n[1], 2u, "BETA's headroom and backtest warnings");
    cr_expect(strstr(L.last[1], "BETA"), "%s", L.last[1]);
    cr_expect_eq(L.off_thread, 0, "the callback ran on a worker thread");

    hr_backtest_free(bt);
    hr_model_free(m);
    hr_series_free(s);
    hr_series_free(x);
    cr_expect_eq(rm_rf(tmpdir), 0);
    EXPECT_NO_LEAKS();
}

/* ---------------------------------------------------------------- misuse: options, extremes */

/* Bad option values and extreme arguments, function by function through
 * headroom.h, where the cases above do not reach them. */
Test(api, misuse_options_and_extremes, .timeout = 120)
{
    /* hr_time_format cannot fail: any int64 gives a terminated string */
    char buf[21];
    hr_time_format(INT64_MIN, buf);
    cr_expect_eq(strlen(buf), 20u);
    hr_time_format(INT64_MAX, buf);
    cr_expect_eq(strlen(buf), 20u);
    hr_time_format(T0, buf);
    cr_expect_str_eq(buf, "2021-01-01T00:00:00Z");
    MISUSE(HR_EPARSE, hr_time_parse("99999-01-01", &(int64_t){0}));
    MISUSE(HR_EPARSE, hr_time_parse("2021-01-01T00:00:00+99:00", &(int64_t){0}));
    cr_expect_eq(hr_year_hours(INT32_MIN), 8784u); /* divisible by 400: leap */
    cr_expect_eq(hr_assess_month_season(INT32_MIN), -1);

    make_tmpdir();
    char ok[128], nan[128], unsorted[128], gen[128];
    snprintf(ok, sizeof ok, "%s/ok.csv", tmpdir);
    snprintf(nan, sizeof nan, "%s/nan.csv", tmpdir);
    snprintf(unsorted, sizeof unsorted, "%s/unsorted.csv", tmpdir);
    snprintf(gen, sizeof gen, "%s/gen.csv", tmpdir);
    write_file(ok, "region,timestamp,load_mw\nA,2021-01-01T00:00:00Z,1\nA,2021-01-01T01:00:00Z,2\n");
    hr_series *s = (hr_series *)&s;
    hr_ingest_opts io;
    hr_ingest_opts_init(&io);
    io.on_duplicate = (hr_dup_rule)9;
    MISUSE(HR_EINVAL, hr_series_read((const char *[]){ok}, 1, &io, &s));
    cr_expect_null(s);
    hr_ingest_opts_init(&io);
    io.on_overlap = (hr_overlap_rule)-1;
    MISUSE(HR_EINVAL, hr_series_read((const char *[]){ok}, 1, &io, &s));
    hr_ingest_opts_init(&io);
    io.scale = 0;
    MISUSE(HR_EINVAL, hr_series_read((const char *[]){ok}, 1, &io, &s));
    io.scale = INFINITY;
    MISUSE(HR_EINVAL, hr_series_read((const char *[]){ok}, 1, &io, &s));
    MISUSE(HR_EINVAL, hr_series_read((const char *[]){ok, "-"}, 2, NULL, &s));
    /* in files, "NaN" is a missing value and "inf" malformed; rows out of
     * order are put on the grid (files are not required to be sorted) */
    write_file(nan, "region,timestamp,load_mw\nA,2021-01-01T00:00:00Z,NaN\nA,2021-01-01T01:00:00Z,2\n"
                    "A,2021-01-01T02:00:00Z,inf\n");
    MISUSE(HR_EPARSE, hr_series_read((const char *[]){nan}, 1, NULL, &s));
    cr_expect(strstr(hr_last_error(), ":4:"), "%s", hr_last_error());
    write_file(unsorted, "region,timestamp,load_mw\nA,2021-01-01T02:00:00Z,3\nA,2021-01-01T00:00:00Z,1\n"
                         "A,2021-01-01T01:00:00Z,NaN\n");
    cr_assert_eq(hr_series_read((const char *[]){unsorted}, 1, NULL, &s), HR_OK, "%s", hr_last_error());
    const double *raw;
    cr_assert_eq(hr_series_column(s, 0, "load_raw_mw", &raw), HR_OK);
    cr_expect(raw[0] == 1 && isnan(raw[1]) && raw[2] == 3);
    hr_series_free(s);
    hr_series *ys = year_series();
    MISUSE(HR_EINVAL, hr_series_write_long(ys, 0, ""));

    /* model options */
    hr_fit_opts fo;
    hr_fit_opts_init(&fo);
    fo.model = "arima";
    fo.order[0] = 500; /* beyond what a specification accepts */
    hr_model *m = (hr_model *)&m;
    MISUSE(HR_EINVAL, hr_model_fit(ys, 0, &fo, &m));
    cr_expect_null(m);
    hr_fit_opts_init(&fo);
    fo.model = "auto-arima";
    fo.season = -24;
    MISUSE(HR_EINVAL, hr_model_fit(ys, 0, &fo, &m));
    hr_fit_opts_init(&fo);
    fo.model = "";
    MISUSE(HR_EINVAL, hr_model_fit(ys, 0, &fo, &m));
    hr_fit_opts_init(&fo);
    fo.models_dir = "/nonexistent";
    MISUSE(HR_ENOTFOUND, hr_model_fit(ys, 0, &fo, &m));

    /* backtest options: offsets past any grid, origins after the data */
    hr_backtest_opts bo;
    hr_backtest_opts_init(&bo);
    bo.fit.model = "calendar";
    hr_backtest *b = (hr_backtest *)&b;
    MISUSE(HR_EINVAL, hr_backtest_run(ys, 0, &bo, &b)); /* start_utc unset */
    cr_expect_null(b);
    bo.start_utc = T0 + 3600 * (int64_t)(NY - 96);
    bo.refit_every = 0;
    MISUSE(HR_EINVAL, hr_backtest_run(ys, 0, &bo, &b));
    bo.refit_every = 7;
    bo.lead = SIZE_MAX; /* lead + horizon would wrap around */
    MISUSE(HR_EINVAL, hr_backtest_run(ys, 0, &bo, &b));
    bo.lead = 0;
    bo.horizon = SIZE_MAX;
    MISUSE(HR_EINVAL, hr_backtest_run(ys, 0, &bo, &b));
    bo.horizon = 24;
    bo.origins = 2;
    bo.step = SIZE_MAX;
    MISUSE(HR_EINVAL, hr_backtest_run(ys, 0, &bo, &b));
    bo.step = 24;
    bo.origins = SIZE_MAX;
    MISUSE(HR_EINVAL, hr_backtest_run(ys, 0, &bo, &b));
    bo.origins = 10; /* the last ones after the end of the data */
    MISUSE(HR_EDATA, hr_backtest_run(ys, 0, &bo, &b));
    cr_expect(strstr(hr_last_error(), "origin 6 of 10"), "%s", hr_last_error());
    bo.origins = 2;
    bo.window = 5; /* too few training hours */
    MISUSE(HR_EDATA, hr_backtest_run(ys, 0, &bo, &b));
    bo.window = 0;
    cr_assert_eq(hr_backtest_run(ys, 0, &bo, &b), HR_OK, "%s", hr_last_error());
    hr_backtest_row row;
    hr_backtest_hour hour;
    MISUSE(HR_EINVAL, hr_backtest_row_get(b, hr_backtest_row_count(b), &row));
    MISUSE(HR_EINVAL, hr_backtest_row_get(b, 0, NULL));
    MISUSE(HR_EINVAL, hr_backtest_hour_get(b, 0, &hour)); /* keep_hours was 0 */
    hr_backtest_free(b);
    double one = 1;
    cr_assert_eq(hr_metrics(&one, &one, &one, NULL, 0, &row), HR_OK);
    cr_expect_eq(row.n, 0u, "n = 0: an empty row");
    cr_assert_eq(hr_metrics((double[]){NAN}, &one, &one, NULL, 1, &row), HR_OK);
    cr_expect_eq(row.n, 0u, "NaN actuals are skipped");

    /* assess: generation mix with options that do not match the assessment */
    write_year_file(gen, "G", NY);
    cr_assert_eq(hr_series_read((const char *[]){gen}, 1, NULL, &s), HR_OK, "%s", hr_last_error());
    hr_assessment *a = malloc(sizeof *a);
    hr_genmix *g = malloc(sizeof *g);
    cr_assert(a && g);
    cr_assert_eq(hr_assess(s, 0, NULL, a), HR_OK, "%s", hr_last_error());
    hr_assess_opts ao;
    hr_assess_opts_init(&ao);
    ao.nbudgets = 2;
    MISUSE(HR_EINVAL, hr_assess_genmix(s, 0, &ao, a, g));
    ao.nbudgets = 4;
    ao.budgets_pct[0] = NAN;
    MISUSE(HR_EINVAL, hr_assess_genmix(s, 0, &ao, a, g));
    cr_expect_eq(hr_assess_genmix(s, 0, NULL, a, g), HR_OK, "%s", hr_last_error());
    double *allnan = malloc(8760 * sizeof *allnan);
    cr_assert(allnan);
    for (size_t k = 0; k < 8760; k++) allnan[k] = NAN;
    MISUSE(HR_EDATA, hr_assess_arrays(T0, allnan, 8760, NULL, a));
    hr_assess_opts_init(&ao);
    ao.threshold_kind = HR_THRESH_CAPACITY;
    ao.threshold_summer_mw = INFINITY;
    ao.threshold_winter_mw = 5;
    MISUSE(HR_EINVAL, hr_assess_arrays(T0, allnan, 8760, &ao, a));
    hr_assess_opts_init(&ao);
    ao.curve_max_pct_peak = NAN;
    MISUSE(HR_EINVAL, hr_assess_paths(T0, allnan, 24, 2, 1000, 1000, &ao, NULL, (double[12]){0}));
    free(allnan);

    /* report: options hr_assess would reject fail the call, not a region */
    hr_report_opts ro;
    hr_report_opts_init(&ro);
    char rdir[160];
    snprintf(rdir, sizeof rdir, "%s/report", tmpdir);
    ro.assess.budgets_pct[0] = NAN;
    MISUSE(HR_EINVAL, hr_report((const char *[]){gen}, 1, &ro, rdir));
    hr_report_opts_init(&ro);
    ro.assess.nbudgets = 0;
    MISUSE(HR_EINVAL, hr_report((const char *[]){gen}, 1, &ro, rdir));
    hr_report_opts_init(&ro);
    ro.rank_budget_pct = NAN;
    MISUSE(HR_EINVAL, hr_report((const char *[]){gen}, 1, &ro, rdir));
    hr_report_opts_init(&ro);
    MISUSE(HR_EINVAL, hr_report((const char *[]){gen}, 1, &ro, ""));
    struct stat sb;
    cr_expect(stat(rdir, &sb) != 0, "no report written");

    free(a);
    free(g);
    hr_series_free(s);
    hr_series_free(ys);
    cr_expect_eq(rm_rf(tmpdir), 0);
    EXPECT_NO_LEAKS();
}

/* Specification names resolve in models_dir, else in hr_models_dir() (the
 * tests link a copy naming the source tree's models/, Makefile TREE_DIR);
 * an unknown name's message lists what the directory has. */
Test(api, models_dir_lookup)
{
    const char *d = hr_models_dir();
    cr_assert(d && strstr(d, "models"), "hr_models_dir: %s", d ? d : "(null)");
    char names[512];
    cr_assert_eq(hr_models_list(NULL, names, sizeof names), HR_OK, "%s", hr_last_error());
    cr_expect(strstr(names, "auto, ") && strstr(names, "calendar") && strstr(names, "vanilla"), "%s", names);
    cr_expect_null(strstr(names, ".spec"));
    cr_expect_eq(hr_models_list("models", names, 8), HR_EINVAL); /* too small */
    cr_expect_str_eq(names, "");
    cr_expect_eq(hr_models_list("/nonexistent-dir", names, sizeof names), HR_ENOTFOUND);
    cr_expect_eq(hr_models_list(NULL, NULL, 4), HR_EINVAL);

    /* a directory of one's own, and an unknown name in it */
    char dir[] = "/tmp/hr_models_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/mine.spec", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("name mine\nterm trend\n", f);
    fclose(f);
    cr_expect_eq(hr_models_list(dir, names, sizeof names), HR_OK);
    cr_expect_str_eq(names, "mine");

    int64_t t[400];
    double y[400];
    for (int i = 0; i < 400; i++) t[i] = 1577836800 + 3600 * (int64_t)i, y[i] = 100 + i % 24;
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("X", t, y, 400, 0, &s), HR_OK);
    hr_fit_opts fo;
    hr_fit_opts_init(&fo);
    cr_expect_null(fo.models_dir);
    fo.models_dir = dir;
    fo.model = "mine";
    hr_model *m = NULL;
    cr_expect_eq(hr_model_fit(s, 0, &fo, &m), HR_OK, "%s", hr_last_error());
    hr_model_free(m);
    fo.model = "calendar";
    cr_expect_eq(hr_model_fit(s, 0, &fo, &m), HR_ENOTFOUND);
    cr_expect(strstr(hr_last_error(), "model 'calendar' not found in") && strstr(hr_last_error(), "available: mine"),
              "%s", hr_last_error());
    fo.models_dir = NULL; /* the default directory has calendar */
    cr_expect_eq(hr_model_fit(s, 0, &fo, &m), HR_OK, "%s", hr_last_error());
    hr_model_free(m);
    hr_series_free(s);
    remove(path);
    rmdir(dir);
}

/* An unknown hr_ingest_opts.tz is the option's fault, not the file's line 1. */
Test(api, ingest_tz_option_named)
{
    char path[] = "/tmp/hr_tz_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("region,timestamp,load_mw\nA,2020-01-01 00:00,1\nA,2020-01-01 01:00,2\n", f);
    fclose(f);
    hr_ingest_opts o;
    hr_ingest_opts_init(&o);
    o.tz = "America/Chicgo";
    const char *p = path;
    hr_series *s = (hr_series *)&s;
    cr_expect_eq(hr_series_read(&p, 1, &o, &s), HR_ENOTFOUND);
    cr_expect_null(s);
    cr_expect(strstr(hr_last_error(), "tz option 'America/Chicgo'") && !strstr(hr_last_error(), path),
              "%s", hr_last_error());
    o.tz = "America/Chicago";
    cr_expect_eq(hr_series_read(&p, 1, &o, &s), HR_OK, "%s", hr_last_error());
    hr_series_free(s);
    remove(path);
}

/* Budgets run up to HR_MAX_BUDGET_PCT (50 %) and no further. */
Test(api, budget_at_most_50)
{
    enum { N = 2 * 8784 };
    static double y[N];
    for (int i = 0; i < N; i++) y[i] = 100 + 20 * sin(i * 2 * M_PI / 24);
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.nbudgets = 1;
    static hr_assessment a;
    o.budgets_pct[0] = HR_MAX_BUDGET_PCT;
    cr_expect_eq(hr_assess_arrays(1577836800, y, N, &o, &a), HR_OK, "%s", hr_last_error());
    o.budgets_pct[0] = 50.5;
    cr_expect_eq(hr_assess_arrays(1577836800, y, N, &o, &a), HR_EINVAL);
    cr_expect(strstr(hr_last_error(), "budget 50.5 % is not in (0, 50]"), "%s", hr_last_error());
}
