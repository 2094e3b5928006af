/* test_features.c — model specifications (spec.c) and design matrices
 * (design.c), and the vanilla benchmark end to end against R's lm().
 *
 * Outside references: R 4.2.2 lm() on GEFCom2014-E (tests/reference/
 * regress_ref.R -> regress_ref.h), the U.S. Office of Personnel Management's
 * published 2010 federal holiday schedule, and hand arithmetic written next
 * to each assertion. The generated-data twin of the GEFCom test fits a
 * noise-free load built from known coefficients in the vanilla column space. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "helpers.h"
#include "util/error.h"
#include "util/mem.h"
#include "time/calendar.h"
#include "model/design.h"
#include "stats/regress.h"
#include "ingest/series.h"
#include "model/spec.h"
#include "reference/regress_ref.h"

static spec *load_spec(const char *name)
{
    spec *s = NULL;
    int rc = spec_load(name, "models", &s);
    cr_assert_eq(rc, HR_OK, "spec_load(%s): %s", name, hr_last_error());
    return s;
}

static int col_index(const design_matrix *m, const char *name)
{
    for (size_t j = 0; j < m->p; j++)
        if (!strcmp(m->names[j], name)) return (int)j;
    cr_assert_fail("no column named %s", name);
    return -1;
}

Test(spec, vanilla_has_hongs_290_columns)
{
    spec *s = load_spec("vanilla");
    /* 1 intercept + 1 trend + 12 months + 7*24 weekday:hour + 3*24 hour:T^k
     * + 3*12 month:T^k = 290 (Hong 2010's vanilla model). */
    cr_assert_eq(design_width(s), 290);
    cr_assert(s->fahrenheit);
    cr_assert_str_eq(s->name, "vanilla");
    cr_assert_eq(s->errors.kind, SPEC_ERR_NONE);
    spec_free(s);
    /* by path as well */
    s = load_spec("models/calendar.spec");
    /* 1 + 1 + 12 + 168 + 3 holiday dummies + 2*3 annual Fourier = 191 */
    cr_assert_eq(design_width(s), 191);
    cr_assert(!spec_needs_temp(s));
    spec_free(s);
}

Test(spec, errors_line_and_syntax_errors)
{
    const char *ok = "term intercept hour:T\nerrors arima 2 0 1 1 1 1 24\n";
    spec *s = NULL;
    cr_assert_eq(spec_parse(ok, strlen(ok), "x.spec", &s), HR_OK, "%s", hr_last_error());
    cr_assert_eq(s->errors.kind, SPEC_ERR_ARIMA);
    cr_assert(s->errors.p == 2 && s->errors.d == 0 && s->errors.q == 1 && s->errors.P == 1 &&
              s->errors.D == 1 && s->errors.Q == 1 && s->errors.s == 24);
    spec_free(s);
    const char *au = "# c\n\nterm trend   # comment\nerrors auto-arima 24\n";
    cr_assert_eq(spec_parse(au, strlen(au), "x.spec", &s), HR_OK);
    cr_assert(s->errors.kind == SPEC_ERR_AUTO_ARIMA && s->errors.s == 24);
    spec_free(s);
    const struct { const char *text, *msg; } bad[] = {
        { "term intercept\nterm hour:bogus\n", "x.spec:2: unknown term 'bogus'" },
        { "term fourier_daily\n", "x.spec:1: term 'fourier_daily' needs an argument" },
        { "term fourier_daily(13)\n", "at most 12 harmonics" },
        { "term hour:hour\n", "repeats a factor" },
        { "term T\nerrors arima 1 0\n", "x.spec:2: want 'errors none'" },
        { "temperature kelvin\nterm T\n", "x.spec:1: want one 'temperature" },
        { "# nothing\n", "no 'term' line" },
        { "frobnicate 3\n", "unknown directive 'frobnicate'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s = (spec *)1;
        cr_assert_eq(spec_parse(bad[i].text, strlen(bad[i].text), "x.spec", &s), HR_EFORMAT, "case %zu", i);
        cr_assert_null(s);
        cr_assert(strstr(hr_last_error(), bad[i].msg), "case %zu: '%s' lacks '%s'", i, hr_last_error(), bad[i].msg);
    }
    cr_assert_eq(spec_load("no_such_model", "models", &s), HR_ENOTFOUND);
}

/* One hour checked by hand: 2010-07-05T14:00Z is a Monday (2010-07-04 was a
 * Sunday), Independence Day observed (OPM 2010 schedule), July. */
Test(design, single_hour_by_hand)
{
    const char *txt = "temperature fahrenheit\ntrend-epoch 2010-07-05T00:00:00Z\n"
                      "term intercept trend month weekday:hour holidays hour:T2 fourier_daily(2) cdd(65) lag(2)\n";
    spec *s = NULL;
    cr_assert_eq(spec_parse(txt, strlen(txt), "t", &s), HR_OK, "%s", hr_last_error());
    double temp_c[3] = { 0, 0, 30.0 }, load[3] = { 111, 222, 333 }; /* 30 C = 86 F */
    design_data d = { .t0 = 1278338400 - 2 * 3600, .n = 3, .temp_c = temp_c, .load_mw = load };
    /* 1278338400 = 2010-07-05T14:00:00Z (14610 days * 86400 + 14 h + 181 days... checked:
     * days_from_civil(2010,7,5) = 14795; 14795*86400 + 50400 = 1278338400) */
    design_matrix m;
    cr_assert_eq(design_build(s, &d, 2, 3, &m), HR_OK, "%s", hr_last_error());
    cr_assert_eq(m.n, 1);
    cr_assert_eq(m.p, 1 + 1 + 12 + 168 + 3 + 24 + 4 + 1 + 1);
    double *x = m.X; /* one row: x[j] */
    cr_assert_eq(x[col_index(&m, "intercept")], 1.0);
    cr_assert_eq(x[col_index(&m, "trend")], 15.0, "14 hours after the epoch -> trend 15");
    cr_assert_eq(x[col_index(&m, "month[7]")], 1.0);
    cr_assert_eq(x[col_index(&m, "month[6]")], 0.0);
    cr_assert_eq(x[col_index(&m, "weekday[Mon]:hour[14]")], 1.0);
    double sum = 0;
    for (size_t j = 2; j < 2 + 12 + 168; j++) sum += x[j];
    cr_assert_eq(sum, 2.0, "exactly one month and one weekday:hour indicator");
    cr_assert_eq(x[col_index(&m, "holiday")], 1.0, "Independence Day observed Mon Jul 5, 2010");
    cr_assert(fabs(x[col_index(&m, "hour[14]:T^2")] - 86.0 * 86.0) < 1e-9, "(30*1.8+32)^2 = 7396");
    cr_assert_eq(x[col_index(&m, "hour[13]:T^2")], 0.0);
    cr_assert(fabs(x[col_index(&m, "fourier_daily_sin[1]")] - sin(2 * M_PI * 14 / 24)) < 1e-15);
    cr_assert(fabs(x[col_index(&m, "fourier_daily_cos[2]")] - cos(4 * M_PI * 14 / 24)) < 1e-15);
    cr_assert(fabs(x[col_index(&m, "cdd(65)")] - 21.0) < 1e-12, "86 F - 65 F");
    cr_assert_eq(x[col_index(&m, "lag(2)")], 111.0, "load two hours earlier");
    design_matrix_free(&m);
    /* lag before the start of the data is missing */
    cr_assert_eq(design_build(s, &d, 0, 1, &m), HR_OK);
    cr_assert(isnan(m.X[col_index(&m, "lag(2)")]));
    design_matrix_free(&m);
    cr_assert_eq(design_build(s, &d, 2, 4, &m), HR_EINVAL, "rows beyond n");
    spec_free(s);
}

/* OPM's 2010 schedule: Jan 1, Jan 18, Feb 15, May 31, Jul 5 (observed),
 * Sep 6, Oct 11, Nov 11, Nov 25, Dec 24 (Christmas observed), and Dec 31
 * (New Year's Day 2011 observed) = 11 days; day after Thanksgiving Nov 26;
 * Christmas Eve is itself the observed Christmas, so its dummy stays 0. */
Test(design, holidays_2010_match_opm)
{
    const char *txt = "term holidays\n";
    spec *s = NULL;
    cr_assert_eq(spec_parse(txt, strlen(txt), "t", &s), HR_OK);
    const size_t n = 8760;
    design_data d = { .t0 = 1262304000, .n = n }; /* 2010-01-01T00:00Z */
    design_matrix m;
    cr_assert_eq(design_build(s, &d, 0, n, &m), HR_OK, "%s", hr_last_error());
    double h = 0, dat = 0, eve = 0;
    for (size_t i = 0; i < n; i++) h += m.X[i], dat += m.X[i + n], eve += m.X[i + 2 * n];
    cr_assert_eq(h, 11 * 24.0);
    cr_assert_eq(dat, 24.0);
    cr_assert_eq(eve, 0.0);
    /* Nov 26 2010 is day-of-year 329 (0-based), hours 7896..7919 */
    cr_assert_eq(m.X[7896 + n], 1.0);
    cr_assert_eq(m.X[7895 + n], 0.0);
    design_matrix_free(&m);
    spec_free(s);
}

/* Local time: Etc/GMT+5 is UTC-5 all year (POSIX sign). 2010-07-05T03:00Z is
 * 2010-07-04 22:00 local, a Sunday. Built through a series region. */
Test(design, region_local_time)
{
    const char *txt = "term weekday:hour\n";
    spec *s = NULL;
    cr_assert_eq(spec_parse(txt, strlen(txt), "t", &s), HR_OK);
    hr_series *ser = series_new();
    series_region *r = series_add_region(ser, "R", 1278298800, 2); /* 2010-07-05T03:00Z */
    cr_assert_not_null(r);
    r->tz = mem_strdup("Etc/GMT+5");
    design_matrix m;
    int rc = design_build_region(s, r, NULL, 0, 2, &m);
    if (rc == HR_ENOTFOUND) cr_skip_test("no tz database: %s", hr_last_error());
    cr_assert_eq(rc, HR_OK, "%s", hr_last_error());
    cr_assert_eq(m.X[col_index(&m, "weekday[Sun]:hour[22]") * 2 + 0], 1.0);
    cr_assert_eq(m.X[col_index(&m, "weekday[Sun]:hour[23]") * 2 + 1], 1.0);
    design_matrix_free(&m);
    /* a model that needs temperature on a region without temp_c */
    spec *v = load_spec("vanilla");
    cr_assert_eq(design_build_region(v, r, NULL, 0, 2, &m), HR_ENOTFOUND);
    cr_assert(strstr(hr_last_error(), "temp_c"), "%s", hr_last_error());
    spec_free(v);
    spec_free(s);
    hr_series_free(ser);
}

/* ---- vanilla end to end ------------------------------------------------ */

typedef struct { size_t n; int64_t *t; double *load, *temp_c; } gef;

/* GEFCom2014-E: Date,Hour,load,T (Hour 1-24 hour-ending, no DST, T deg F,
 * load blank before 2006). Hour h of date D is read as the hour beginning
 * D + (h-1) h, on a clock taken as UTC (the calendar terms only need the
 * clock, which has no DST). */
static int read_gefcom(const char *path, gef *g)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t cap = 100000;
    g->t = malloc(cap * sizeof *g->t), g->load = malloc(cap * sizeof *g->load);
    g->temp_c = malloc(cap * sizeof *g->temp_c);
    g->n = 0;
    char line[256];
    cr_assert(fgets(line, sizeof line, f) && !strncmp(line, "Date,Hour,load,T", 16), "header");
    while (fgets(line, sizeof line, f) && g->n < cap) {
        int y, mo, d, h;
        char *p = line;
        if (sscanf(p, "%d-%d-%d,%d,", &y, &mo, &d, &h) != 4) continue;
        p = strchr(p, ',') + 1;
        p = strchr(p, ',') + 1;
        char *q = strchr(p, ',');
        g->load[g->n] = q == p ? NAN : strtod(p, NULL);
        double T = strtod(q + 1, NULL);
        g->temp_c[g->n] = (T - 32) / 1.8;
        g->t[g->n] = cal_days_from_civil(y, mo, d) * 86400 + (int64_t)(h - 1) * 3600;
        g->n++;
    }
    fclose(f);
    return 1;
}

Test(vanilla, gefcom2014_matches_R_lm)
{
    char path[1024];
    if (!shared_path(path, sizeof path, "weather/gefcom2014_e.csv"))
        cr_skip_test("shared data absent: %s (set HR_DATA)", path);
    gef g = { 0 };
    cr_assert(read_gefcom(path, &g), "cannot read %s", path);
    const int64_t t2006 = cal_days_from_civil(2006, 1, 1) * 86400;
    const int64_t t2010 = cal_days_from_civil(2010, 1, 1) * 86400;
    const int64_t t2011 = cal_days_from_civil(2011, 1, 1) * 86400;
    size_t a = 0, b, c;
    while (g.t[a] < t2006) a++;
    for (b = a; g.t[b] < t2010; b++) {}
    for (c = b; c < g.n && g.t[c] < t2011; c++) {}
    cr_assert_eq(b - a, VANILLA_NFIT);
    cr_assert_eq(c - b, VANILLA_NTEST);
    spec *s = load_spec("vanilla");
    design_data d = { .t_utc = g.t, .n = g.n, .temp_c = g.temp_c };
    design_matrix fit, test;
    cr_assert_eq(design_build(s, &d, a, b, &fit), HR_OK, "%s", hr_last_error());
    cr_assert_eq(design_build(s, &d, b, c, &test), HR_OK, "%s", hr_last_error());
    cr_assert_eq(fit.p, 290);
    regress_fit *f = NULL;
    cr_assert_eq(regress_fit_ols(fit.X, fit.n, fit.p, g.load + a, NULL, 0, &f), HR_OK, "%s", hr_last_error());
    cr_assert_eq(regress_rank(f), VANILLA_RANK, "rank %zu", regress_rank(f));
    /* sigma and R^2 are functions of the fitted values: 1e-9 */
    cr_assert(rel_eq(regress_sigma(f), vanilla_sigma, 1e-9), "sigma %.17g vs R %.17g", regress_sigma(f), vanilla_sigma);
    cr_assert(rel_eq(regress_r2(f), vanilla_r2, 1e-10), "R2 %.17g vs R %.17g", regress_r2(f), vanilla_r2);
    double *pred = malloc(test.n * sizeof *pred);
    cr_assert_eq(regress_predict(f, test.X, test.n, test.p, pred), HR_OK);
    double sum = 0, ape = 0, maxrel = 0;
    for (int k = 0; k < VANILLA_NSAMPLE; k++) {
        size_t i = (size_t)vanilla_sample_idx[k] - 1;
        maxrel = fmax(maxrel, fabs(pred[i] - vanilla_sample_pred[k]) / fabs(vanilla_sample_pred[k]));
    }
    for (size_t i = 0; i < test.n; i++) {
        sum += pred[i];
        ape += fabs(g.load[b + i] - pred[i]) / g.load[b + i];
    }
    /* predictions of a rank-deficient fit: 1e-8 relative */
    for (int k = 0; k < VANILLA_NSAMPLE; k++) {
        size_t i = (size_t)vanilla_sample_idx[k] - 1;
        cr_assert(rel_eq(pred[i], vanilla_sample_pred[k], 1e-8), "2010 hour %zu: %.17g vs R %.17g", i, pred[i], vanilla_sample_pred[k]);
    }
    cr_assert(rel_eq(sum, vanilla_sum2010, 1e-9), "sum %.17g vs R %.17g", sum, vanilla_sum2010);
    double mape = 100 * ape / (double)test.n;
    cr_assert(rel_eq(mape, vanilla_mape2010, 1e-7), "MAPE %.10f vs R %.10f", mape, vanilla_mape2010);
    cr_log_info("vanilla 2010 MAPE %.10f %% (R %.10f %%), max rel. diff of sampled predictions %.2g, "
                "method %s, rcond %.3g", mape, vanilla_mape2010, maxrel,
                regress_method_used(f) == REGRESS_CHOL ? "chol" : "qr", regress_rcond(f));
    /* the QR path must agree as well */
    regress_opts o;
    regress_opts_init(&o);
    o.method = REGRESS_QR;
    regress_fit *fq = NULL;
    cr_assert_eq(regress_fit_x(fit.X, fit.n, fit.p, g.load + a, NULL, &o, &fq), HR_OK);
    cr_assert_eq(regress_rank(fq), VANILLA_RANK);
    double *pq = malloc(test.n * sizeof *pq);
    regress_predict(fq, test.X, test.n, test.p, pq);
    for (int k = 0; k < VANILLA_NSAMPLE; k++) {
        size_t i = (size_t)vanilla_sample_idx[k] - 1;
        cr_assert(rel_eq(pq[i], vanilla_sample_pred[k], 1e-8), "QR: 2010 hour %zu", i);
    }
    free(pq);
    regress_free(fq);
    free(pred);
    regress_free(f);
    design_matrix_free(&fit);
    design_matrix_free(&test);
    spec_free(s);
    free(g.t), free(g.load), free(g.temp_c);
}

/* Twin on generated data: a noise-free load in the vanilla column space,
 * y = 1000 + 0.01 trend + 50 [Jul] + 20 [Mon 08h] + (2 + 0.1 h) T
 *     + 0.01 T^2 + 1e-4 [Jan] T^3  (T in deg F),
 * three years fitted, the fourth predicted. Exact data: predictions equal y
 * up to rounding (1e-9), and the identifiable trend coefficient is 0.01. */
Test(vanilla, generated_noise_free_recovery)
{
    const size_t n = 4 * 8760;
    int64_t t0 = cal_days_from_civil(2013, 1, 1) * 86400;
    double *temp_c = malloc(n * sizeof *temp_c), *y = malloc(n * sizeof *y);
    for (size_t k = 0; k < n; k++) {
        int64_t t = t0 + 3600 * (int64_t)k;
        cal_civil cv;
        int wd, yd;
        cal_utc_to_civil(t, &cv, &wd, &yd);
        double TF = 50 + 25 * sin(2 * M_PI * (double)k / 8766.0) + 10 * sin(2 * M_PI * (double)k / 24.0) + 3 * sin(0.7 * (double)k);
        temp_c[k] = (TF - 32) / 1.8;
        double trend = (double)(t - 946684800) / 3600.0 + 1; /* spec's default epoch 2000-01-01 */
        y[k] = 1000 + 0.01 * trend + (cv.month == 7 ? 50 : 0) + (wd == 1 && cv.hour == 8 ? 20 : 0) +
               (2 + 0.1 * cv.hour) * TF + 0.01 * TF * TF + (cv.month == 1 ? 1e-4 * TF * TF * TF : 0);
    }
    spec *s = load_spec("vanilla");
    design_data d = { .t0 = t0, .n = n, .temp_c = temp_c };
    design_matrix fx, tx;
    cr_assert_eq(design_build(s, &d, 0, 3 * 8760, &fx), HR_OK);
    cr_assert_eq(design_build(s, &d, 3 * 8760, n, &tx), HR_OK);
    regress_fit *f = NULL;
    cr_assert_eq(regress_fit_ols(fx.X, fx.n, fx.p, y, NULL, 0, &f), HR_OK, "%s", hr_last_error());
    cr_assert_eq(regress_rank(f), 285, "intercept+12 months+168 wd:hour-1 ... = 285");
    cr_assert(rel_eq(regress_coef(f)[1], 0.01, 1e-8), "trend %.17g", regress_coef(f)[1]);
    double *p = malloc(tx.n * sizeof *p);
    regress_predict(f, tx.X, tx.n, tx.p, p);
    for (size_t i = 0; i < tx.n; i++)
        cr_assert(rel_eq(p[i], y[3 * 8760 + i], 1e-9), "hour %zu: %.17g vs %.17g", i, p[i], y[3 * 8760 + i]);
    free(p);
    regress_free(f);
    design_matrix_free(&fx);
    design_matrix_free(&tx);
    spec_free(s);
    free(temp_c);
    free(y);
}
