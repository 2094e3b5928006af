/* test_hostile.c — hostile model files and specifications: every value a
 * model file gives is checked against the rest before use (a mutated file
 * is refused, naming the file and field, or loads and forecasts without
 * reading out of bounds: the ASan run of make test checks that), and the
 * sizes a specification asks for are bounded before anything is built. */
#include "helpers.h"
#include "headroom.h"
#include "model/spec.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define T0 1514764800 /* 2018-01-01T00:00:00Z */

static hr_series *make_series(size_t n)
{
    int64_t *t = malloc(n * sizeof *t);
    double *y = malloc(n * sizeof *y);
    uint64_t seed = 7;
    double e = 0;
    for (size_t k = 0; k < n; k++) t[k] = T0 + 3600 * (int64_t)k, y[k] = toy_load(k, &e, &seed);
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("TEST", t, y, n, 0, &s), HR_OK, "%s", hr_last_error());
    free(t);
    free(y);
    return s;
}

/* The text of a model of spec fitted on 6 weeks of toy load (malloc'd). */
static char *model_text(const hr_series *s, const char *spec_text, size_t *len)
{
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.spec_text = spec_text;
    hr_model *m = NULL;
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    char *buf = NULL;
    cr_assert_eq(hr_model_save_mem((const hr_model *const *)&m, 1, &buf, len), HR_OK, "%s",
                 hr_last_error());
    hr_model_free(m);
    return buf;
}

/* text with the first occurrence of `from` replaced by `to` (malloc'd). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    cr_assert(at, "'%s' not in the model text", from);
    size_t a = (size_t)(at - text), lf = strlen(from), lt = strlen(to), n = strlen(text);
    char *out = malloc(n - lf + lt + 1);
    memcpy(out, text, a);
    memcpy(out + a, to, lt);
    memcpy(out + a + lt, at + lf, n - a - lf + 1);
    return out;
}

/* Load text: expect HR_EFORMAT with `field` named in the message. */
static void expect_refused(const char *text, const char *field)
{
    hr_model **ms = NULL;
    size_t n = 0;
    int st = hr_model_load_mem(text, strlen(text), &ms, &n);
    cr_expect_eq(st, HR_EFORMAT, "loaded (status %d) a model whose %s is wrong", st, field);
    cr_expect(strstr(hr_last_error(), "(memory):") != NULL, "names the source: %s", hr_last_error());
    cr_expect(strstr(hr_last_error(), field) != NULL, "names '%s': %s", field, hr_last_error());
    if (st == HR_OK) hr_models_free(ms, n);
}

static const char *arima_spec = "name t\nterm intercept hour\nerrors arima 1 0 1 1 0 0 24\n";

Test(hostile, coefficient_count_against_order)
{
    hr_series *s = make_series(24 * 7 * 6);
    size_t len;
    char *t = model_text(s, arima_spec, &len);
    /* the reported bug: one digit more in the order, the same coefficients */
    char *a = replace(t, "\narima 1 0 1 1 0 0 24", "\narima 2 0 1 1 0 0 24");
    char *b = replace(a, "errors arima 1 0 1 1 0 0 24", "errors arima 2 0 1 1 0 0 24");
    expect_refused(b, "coef");
    expect_refused(a, "arima"); /* order differs from the spec's */
    /* one coefficient line less than the order needs */
    char *c = replace(t, "\ncoef 3\n", "\ncoef 2\n");
    char *sar = strstr(c, " sar1\n");
    cr_assert(sar);
    char *bol = sar;
    while (bol[-1] != '\n') bol--;
    memmove(bol, sar + 6, strlen(sar + 6) + 1);
    expect_refused(c, "coef");
    /* coefficients in another order, or renamed */
    char *d = replace(t, " ar1\n", " ma9\n");
    expect_refused(d, "coef");
    free(a), free(b), free(c), free(d), free(t);
    hr_series_free(s);
}

Test(hostile, sigma2_finite_positive)
{
    hr_series *s = make_series(24 * 7 * 6);
    size_t len;
    char *t = model_text(s, arima_spec, &len);
    const char *fit = strstr(t, "\nfit ");
    cr_assert(fit);
    const char *sp = strchr(fit + 5, ' ');
    const char *bad[] = {"0", "-1", "nan", "inf", "1e999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char line[64], old[64];
        snprintf(old, sizeof old, "%.*s", (int)(sp - fit), fit);
        snprintf(line, sizeof line, "\nfit %s", bad[i]);
        char *u = replace(t, old, line);
        expect_refused(u, "sigma2");
        free(u);
    }
    free(t);
    hr_series_free(s);
}

/* The forecast rebuilds the spec's design: a spec that makes more columns
 * than the model has coefficients is refused at load, before a design of
 * any size is built (it was 2 GB from a 492-byte file). */
Test(hostile, design_width_against_beta)
{
    hr_series *s = make_series(24 * 7 * 6);
    size_t len;
    char *t = model_text(s, arima_spec, &len);
    char *u = replace(t, "term intercept hour\n", "term intercept hour weekday:hour\n");
    expect_refused(u, "beta");
    char *v = replace(t, "term intercept hour\n", "term intercept\n");
    expect_refused(v, "beta");
    free(u), free(v), free(t);
    hr_series_free(s);
}

/* A long seasonal period made a 24-hour forecast take about a minute. */
Test(hostile, seasonal_period_bounded)
{
    hr_series *s = make_series(24 * 7 * 6);
    size_t len;
    char *t = model_text(s, arima_spec, &len);
    char *a = replace(t, "\narima 1 0 1 1 0 0 24", "\narima 1 0 1 1 0 0 1500");
    char *b = replace(a, "errors arima 1 0 1 1 0 0 24", "errors arima 1 0 1 1 0 0 1500");
    expect_refused(b, "state dimension");
    char *c = replace(t, "\narima 1 0 1 1 0 0 24 0 0", "\narima 1 0 1 1 0 0 24 7 0");
    expect_refused(c, "mean");
    free(a), free(b), free(c), free(t);
    hr_series_free(s);
}

/* Every number of a saved model replaced by hostile values, one at a time:
 * each mutant is refused, or it loads and then forecasts and simulates (the
 * ASan build checks that no read leaves its arrays). */
Test(hostile, numeric_mutations_never_misread)
{
    hr_series *s = make_series(24 * 7 * 6);
    size_t len;
    char *t = model_text(s, arima_spec, &len);
    const char *vals[] = {"0", "-1", "3", "4294967297", "1e308", "nan", "1e-320"};
    size_t mutants = 0, loaded = 0;
    for (size_t i = 0; i < len; i++) {
        int starts = (t[i] >= '0' && t[i] <= '9') && (i == 0 || t[i - 1] == ' ');
        if (!starts) continue;
        size_t j = i;
        while (j < len && t[j] != ' ' && t[j] != '\n') j++;
        for (size_t v = 0; v < sizeof vals / sizeof *vals; v++) {
            size_t lv = strlen(vals[v]);
            char *u = malloc(len + lv + 1);
            memcpy(u, t, i);
            memcpy(u + i, vals[v], lv);
            memcpy(u + i + lv, t + j, len - j + 1);
            hr_model **ms = NULL;
            size_t n = 0;
            mutants++;
            if (hr_model_load_mem(u, strlen(u), &ms, &n) == HR_OK) {
                loaded++;
                double mean[24], lo[24], hi[24], lvl = 80, paths[24 * 2];
                int64_t ts[24];
                hr_forecast_buf fb = {24, ts, mean, lo, hi};
                (void)hr_model_forecast(ms[0], s, 0, 24, &lvl, 1, &fb);
                (void)hr_model_simulate(ms[0], s, 0, 24, 2, 1, paths);
                hr_models_free(ms, n);
            } else {
                cr_expect(strstr(hr_last_error(), "(memory)") != NULL, "%s", hr_last_error());
            }
            free(u);
        }
        i = j;
    }
    cr_expect_gt(mutants, 100, "only %zu mutants", mutants);
    cr_expect_lt(loaded, mutants, "every mutant loaded");
    free(t);
    hr_series_free(s);
}

static int parse(const char *text)
{
    spec *sp = NULL;
    int st = spec_parse(text, strlen(text), "x.spec", &sp);
    spec_free(sp);
    return st;
}

/* 54 bytes of specification asked for 1.5 million columns (4.2 GB before
 * the fit said "more columns than rows"). */
Test(hostile, spec_columns_bounded)
{
    cr_expect_eq(parse("term fourier_annual(182):fourier_weekly(84):hour\n"), HR_EFORMAT);
    cr_expect(strstr(hr_last_error(), "x.spec:1:") && strstr(hr_last_error(), "columns"), "%s",
              hr_last_error());
    cr_expect_eq(parse("term intercept\nterm-if-temperature fourier_annual(182):hour:T\n"), HR_EFORMAT);
    cr_expect(strstr(hr_last_error(), "x.spec:2:"), "%s", hr_last_error());
    /* the largest plausible calendar design still parses */
    cr_expect_eq(parse("term weekday:hour:month intercept trend\n"), HR_OK, "%s", hr_last_error());
    /* many one-column terms add up */
    size_t n = 6000 * 2 + 6;
    char *many = malloc(n);
    strcpy(many, "term");
    for (int i = 0; i < 2600; i++) strcat(many, " T");
    strcat(many, "\n");
    cr_expect_eq(parse(many), HR_EFORMAT, "64 tokens per line");
    free(many);
}

Test(hostile, spec_arima_state_bounded)
{
    cr_expect_eq(parse("errors arima 1 0 1 1 0 0 1500\n"), HR_EFORMAT);
    cr_expect(strstr(hr_last_error(), "state dimension"), "%s", hr_last_error());
    cr_expect_eq(parse("errors arima 10 2 10 2 1 2 168\n"), HR_OK, "%s", hr_last_error());
    cr_expect_eq(parse("errors arima 0 0 0 0 0 0 9000\n"), HR_OK, "no seasonal part: s unused");
    cr_expect_eq(parse("errors auto-arima 168\n"), HR_OK, "%s", hr_last_error());
    cr_expect_eq(parse("errors auto-arima 8760\n"), HR_EFORMAT);
    cr_expect(strstr(hr_last_error(), "x.spec:1:"), "%s", hr_last_error());
}

/* A design wider than the training window is refused before it is built. */
Test(hostile, fit_columns_bounded_by_rows)
{
    hr_series *s = make_series(24 * 60);
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.spec_text = "term weekday:hour:holidays_each\n"; /* 2184 columns, 1440 hours */
    hr_model *m = NULL;
    cr_expect_eq(hr_model_fit(s, 0, &o, &m), HR_ESINGULAR);
    cr_expect(strstr(hr_last_error(), "more design columns (2184)"), "%s", hr_last_error());
    hr_series_free(s);
}

/* ------------------------------------------------------------ ingest */

static char tmpd[64];

static const char *put_file(const char *name, const char *text, size_t len)
{
    static char path[4][160];
    static int k;
    if (!tmpd[0]) {
        strcpy(tmpd, "/tmp/hr_test_hostile_XXXXXX");
        cr_assert(mkdtemp(tmpd));
    }
    char *p = path[k++ % 4];
    snprintf(p, 160, "%s/%s", tmpd, name);
    FILE *f = fopen(p, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    return p;
}

static int read_one(const char *path, hr_dup_rule dup, hr_series **s)
{
    hr_ingest_opts o;
    hr_ingest_opts_init(&o);
    o.screen = 0;
    o.threads = 1;
    o.on_duplicate = dup;
    const char *paths[1] = {path};
    *s = NULL;
    return hr_series_read(paths, 1, &o, s);
}

/* 1e309 overflows to inf: refused as "inf" is (it was read as +inf). */
Test(hostile, number_overflow_refused)
{
    const char *t = "region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,5\nA,2020-01-01T01:00:00Z,1e309\n";
    const char *p = put_file("big.csv", t, strlen(t));
    hr_series *s;
    cr_expect_eq(read_one(p, HR_DUP_ERROR, &s), HR_EPARSE);
    cr_expect(strstr(hr_last_error(), "big.csv:3:") && strstr(hr_last_error(), "load_mw"), "%s",
              hr_last_error());
    hr_series_free(s);
    const char *u = "region,timestamp,load_mw\nA,2020-01-01T00:00:00Z,1e-400\n"; /* underflow: 0 */
    cr_expect_eq(read_one(put_file("small.csv", u, strlen(u)), HR_DUP_ERROR, &s), HR_OK, "%s",
                 hr_last_error());
    hr_series_free(s);
}

/* 100,000 copies of 100 average to 100 (a 16-bit count gave 152.59). */
Test(hostile, duplicate_mean_many_copies)
{
    size_t n = 100000, cap = 40 + n * 30;
    char *t = malloc(cap), *w = t;
    w += sprintf(w, "region,timestamp,load_mw\n");
    for (size_t i = 0; i < n; i++) w += sprintf(w, "A,2020-01-01T00:00:00Z,100\n");
    w += sprintf(w, "A,2020-01-01T01:00:00Z,50\n");
    hr_series *s;
    cr_assert_eq(read_one(put_file("dup.csv", t, (size_t)(w - t)), HR_DUP_MEAN, &s), HR_OK, "%s",
                 hr_last_error());
    const double *v;
    cr_assert_eq(hr_series_column(s, 0, "load_raw_mw", &v), HR_OK);
    cr_expect_eq(v[0], 100.0, "mean of 100,000 copies of 100 is %.17g", v[0]);
    hr_series_free(s);
    free(t);
}

/* A one-digit year typo (2060 in a 2020 file) is refused, naming the row. */
Test(hostile, year_typo_refused)
{
    size_t cap = 24 * 400 * 40;
    char *t = malloc(cap), *w = t;
    w += sprintf(w, "region,timestamp,load_mw\n");
    for (int k = 0; k < 24 * 366; k++) {
        char ts[21];
        hr_time_format(utc(2020, 1, 1, 0) + 3600 * (int64_t)k, ts);
        w += sprintf(w, "A,%s,%d\n", ts, 100 + k % 24);
    }
    w += sprintf(w, "A,2060-06-01T00:00:00Z,100\n");
    hr_series *s;
    cr_expect_eq(read_one(put_file("typo.csv", t, (size_t)(w - t)), HR_DUP_ERROR, &s), HR_EDATA);
    char want[32];
    snprintf(want, sizeof want, "typo.csv:%d)", 24 * 366 + 2);
    cr_expect(strstr(hr_last_error(), want) && strstr(hr_last_error(), "2060-06-01"), "%s",
              hr_last_error());
    hr_series_free(s);
    free(t);
}

/* Rows far apart, alone or in many regions, are refused before their
 * grids are allocated. */
Test(hostile, sparse_grids_refused)
{
    const char *t = "region,timestamp,load_mw\nA,1700-01-01T00:00:00Z,5\nA,2039-01-01T00:00:00Z,5\n";
    hr_series *s;
    cr_expect_eq(read_one(put_file("far.csv", t, strlen(t)), HR_DUP_ERROR, &s), HR_EDATA);
    hr_series_free(s);
    size_t n = 2000, cap = 40 + n * 80;
    char *u = malloc(cap), *w = u;
    w += sprintf(w, "region,timestamp,load_mw\n");
    for (size_t i = 0; i < n; i++)
        w += sprintf(w, "R%zu,2020-01-01T00:00:00Z,1\nR%zu,2022-12-01T00:00:00Z,1\n", i, i);
    cr_expect_eq(read_one(put_file("two.csv", u, (size_t)(w - u)), HR_DUP_ERROR, &s), HR_EDATA);
    cr_expect(strstr(hr_last_error(), "two.csv") && strstr(hr_last_error(), "grids"), "%s",
              hr_last_error());
    hr_series_free(s);
    free(u);
}

/* A row of empty fields before the header leaked the header copies (the
 * ASan run checks). */
Test(hostile, empty_row_before_header_no_leak)
{
    const char *t = ",,,\n,,,\nregion,timestamp,load_mw,temp_c\nA,2020-01-01T00:00:00Z,5,1\n";
    hr_series *s;
    cr_expect_eq(read_one(put_file("lead.csv", t, strlen(t)), HR_DUP_ERROR, &s), HR_OK, "%s",
                 hr_last_error());
    hr_series_free(s);
    EXPECT_NO_LEAKS();
}

/* Inputs that are not text files: refused at once, never a hang or a read
 * until memory runs out. */
Test(hostile, special_inputs)
{
    hr_series *s;
    cr_expect_eq(read_one("/dev/zero", HR_DUP_ERROR, &s), HR_EPARSE);
    cr_expect(strstr(hr_last_error(), "/dev/zero:1:") && strstr(hr_last_error(), "binary"), "%s", hr_last_error());
    cr_expect_eq(read_one("/tmp", HR_DUP_ERROR, &s), HR_EIO);
    cr_expect(strstr(hr_last_error(), "is a directory"), "%s", hr_last_error());
    put_file("x", "", 0);
    char fifo[160];
    snprintf(fifo, sizeof fifo, "%s/fifo", tmpd);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_expect_neq(read_one(fifo, HR_DUP_ERROR, &s), HR_OK, "a FIFO nobody writes is empty");
    cr_expect(strstr(hr_last_error(), "fifo"), "%s", hr_last_error());
    hr_model **ms;
    size_t nm;
    cr_expect_eq(hr_model_load("/dev/zero", &ms, &nm), HR_EFORMAT);
    cr_expect_eq(hr_model_load("/tmp", &ms, &nm), HR_EIO);
    cr_expect_neq(hr_model_load(fifo, &ms, &nm), HR_OK);
    rm_rf(tmpd);
}
