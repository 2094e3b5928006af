/* test_model.c — fitted models, model files, forecasts and the backtest
 * harness: save -> load -> forecast bit-identical, malformed model files,
 * metric formulas against hand computations, no leakage of future load. */
#include "helpers.h"
#include "model/design.h"
#include "headroom.h"
#include "model/model.h"
#include "ingest/series.h"
#include "model/spec.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define T0 1514764800 /* 2018-01-01T00:00:00Z, a Monday */

/* A load series with daily and weekly shape, an annual swing and AR(1)
 * noise (seeded LCG, so the test is reproducible). */
static hr_series *make_series(size_t n, double noise)
{
    int64_t *t = malloc(n * sizeof *t);
    double *y = malloc(n * sizeof *y);
    uint64_t s = 12345;
    double e = 0;
    for (size_t k = 0; k < n; k++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double u = ((double)(s >> 11) / 9007199254740992.0) - 0.5;
        e = 0.8 * e + noise * u;
        double h = (double)(k % 24), d = (double)((k / 24) % 7);
        t[k] = T0 + 3600 * (int64_t)k;
        y[k] = 1000 + 200 * sin(2 * M_PI * (h - 9) / 24) - (d >= 5 ? 80 : 0) +
               150 * cos(2 * M_PI * (double)k / 8766.0) + e;
    }
    hr_series *out = NULL;
    cr_assert_eq(hr_series_from_arrays("TEST", t, y, n, 0, &out), HR_OK, "%s", hr_last_error());
    free(t);
    free(y);
    return out;
}

static const char *cal_arima_spec =
    "name calarima\n"
    "term intercept trend weekday:hour fourier_annual(2)\n"
    "errors arima 1 0 0 1 0 0 24\n";

static hr_model *fit_cal_arima(const hr_series *s)
{
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.spec_text = cal_arima_spec;
    hr_model *m = NULL;
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    return m;
}

/* Save the n models ms to a new temporary file; path: a mkstemp template,
 * the file's name on return. */
static void save_temp(hr_model *const *ms, size_t n, char *path)
{
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert_eq(hr_model_save((const hr_model *const *)ms, n, path), HR_OK, "%s", hr_last_error());
}

Test(model, save_load_forecast_bit_identical)
{
    hr_series *s = make_series(24 * 7 * 10, 30);
    hr_model *m = fit_cal_arima(s);
    char path[] = "/tmp/hr_test_model_XXXXXX";
    save_temp(&m, 1, path);
    hr_model **ms = NULL;
    size_t nm = 0;
    cr_assert_eq(hr_model_load(path, &ms, &nm), HR_OK, "%s", hr_last_error());
    cr_assert_eq(nm, 1);
    enum { H = 48 };
    double lv[2] = {80, 95};
    double m1[H], m2[H], lo1[2 * H], hi1[2 * H], lo2[2 * H], hi2[2 * H];
    int64_t t1[H], t2[H];
    hr_forecast_buf b1 = {H, t1, m1, lo1, hi1}, b2 = {H, t2, m2, lo2, hi2};
    cr_assert_eq(hr_model_forecast(m, s, 0, H, lv, 2, &b1), HR_OK, "%s", hr_last_error());
    cr_assert_eq(hr_model_forecast(ms[0], s, 0, H, lv, 2, &b2), HR_OK, "%s", hr_last_error());
    cr_assert(memcmp(m1, m2, sizeof m1) == 0, "means differ after a save/load round trip");
    cr_assert(memcmp(lo1, lo2, sizeof lo1) == 0 && memcmp(hi1, hi2, sizeof hi1) == 0);
    cr_assert_eq(t1[0], T0 + 3600 * (int64_t)(24 * 7 * 10), "first forecast hour follows the data");
    for (size_t k = 0; k < H; k++) {
        cr_assert(lo1[k] < m1[k] && m1[k] < hi1[k], "80%% interval brackets the mean");
        cr_assert(lo1[H + k] < lo1[k] && hi1[H + k] > hi1[k], "95%% is wider than 80%%");
    }
    /* Saving the loaded model again gives the same bytes. */
    char path2[] = "/tmp/hr_test_model2_XXXXXX";
    save_temp(ms, 1, path2);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", path, path2);
    cr_assert_eq(system(cmd), 0, "re-saved model file differs");
    remove(path);
    remove(path2);
    hr_models_free(ms, nm);
    hr_model_free(m);
    hr_series_free(s);
}

/* Write text to a temporary file; returns its path (static buffer). */
static const char *temp_file(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/hr_test_bad_XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

Test(model, malformed_model_files)
{
    hr_series *s = make_series(24 * 7 * 6, 10);
    hr_model *m = fit_cal_arima(s);
    char path[] = "/tmp/hr_test_model3_XXXXXX";
    save_temp(&m, 1, path);
    FILE *f = fopen(path, "rb");
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';

    hr_model **ms = NULL;
    size_t nm = 0;
    /* Truncated at every 7th byte: never loads, always names the file. */
    for (size_t cut = 0; cut < len - 1; cut += 7) {
        char saved = text[cut];
        text[cut] = '\0';
        const char *p = temp_file(text);
        int st = hr_model_load(p, &ms, &nm);
        cr_assert(st == HR_EFORMAT, "cut at %zu: status %d", cut, st);
        cr_assert(strstr(hr_last_error(), p) != NULL, "message names the file: %s", hr_last_error());
        remove(p);
        text[cut] = saved;
    }
    /* Newer version. */
    char *v = strstr(text, "headroom-model 1");
    cr_assert(v);
    v[15] = '9';
    const char *p = temp_file(text);
    cr_assert_eq(hr_model_load(p, &ms, &nm), HR_EVERSION);
    remove(p);
    v[15] = '1';
    /* Unknown key where 'nobs' belongs. */
    char *k = strstr(text, "\nnobs ");
    cr_assert(k);
    memcpy(k + 1, "nobz", 4);
    p = temp_file(text);
    cr_assert_eq(hr_model_load(p, &ms, &nm), HR_EFORMAT);
    cr_assert(strstr(hr_last_error(), ":8:") != NULL, "line of the bad key: %s", hr_last_error());
    remove(p);
    cr_assert_eq(hr_model_load("/nonexistent/x.hrm", &ms, &nm), HR_EIO);
    remove(path);
    hr_model_free(m);
    hr_series_free(s);
}

/* MAE, RMSE, MAPE, coverage, Winkler and pinball by hand on three hours. */
Test(model, metrics_by_hand)
{
    double y[3] = {100, 200, 300}, f[3] = {110, 190, 300}, sd[3] = {6, 6, 6},
           sc[3] = {20, 20, 40};
    hr_backtest_row r;
    cr_assert_eq(hr_metrics(y, f, sd, sc, 3, &r), HR_OK);
    cr_assert_eq(r.n, 3);
    cr_assert(rel_eq(r.mae, 20.0 / 3, 1e-15));
    cr_assert(rel_eq(r.rmse, sqrt(200.0 / 3), 1e-15));
    cr_assert(rel_eq(r.mape, 100 * (0.1 + 0.05 + 0) / 3, 1e-14));
    cr_assert(rel_eq(r.mase, (10.0 / 20 + 10.0 / 20 + 0) / 3, 1e-15));
    /* z80 = 1.2815515655446004, z95 = 1.959963984540054 (R: qnorm). Errors
     * of 10 with sd 6: outside the 80 % half-width 7.69, inside the 95 % one
     * (11.76). */
    cr_assert(rel_eq(r.coverage80, 1.0 / 3, 1e-15));
    cr_assert(rel_eq(r.coverage95, 1.0, 1e-15));
    cr_assert(rel_eq(r.winkler95, 2 * 1.959963984540054 * 6, 1e-12), "all inside: width only");
    /* Pinball of N(0,1) at y = mu: mean over q of (1-q)*z_q for z_q>0 ... by
     * symmetry E = sum_q max(q(y-qf), (1-q)(qf-y)); compute independently. */
    double pin = 0;
    for (int i = 1; i <= 99; i++) {
        double q = i / 100.0;
        /* R: qnorm(q) via erfinv-free bisection on erfc */
        double lo = -10, hi = 10;
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (lo + hi);
            if (0.5 * erfc(-mid / sqrt(2)) < q) lo = mid;
            else hi = mid;
        }
        double z = 0.5 * (lo + hi);
        for (int h = 0; h < 3; h++) {
            double qf = f[h] + z * sd[h];
            pin += (y[h] >= qf ? q * (y[h] - qf) : (1 - q) * (qf - y[h])) / 99 / 3;
        }
    }
    cr_assert(rel_eq(r.pinball, pin, 1e-9), "pinball %g vs %g", r.pinball, pin);
    /* An actual outside the 95 % interval: Winkler adds 2/alpha * distance. */
    double y2[1] = {100}, f2[1] = {200}, sd2[1] = {10};
    cr_assert_eq(hr_metrics(y2, f2, sd2, NULL, 1, &r), HR_OK);
    double lo95 = 200 - 1.959963984540054 * 10;
    cr_assert(rel_eq(r.winkler95, 2 * 1.959963984540054 * 10 + 40 * (lo95 - 100), 1e-12));
    cr_assert(isnan(r.mase));
}

/* Forecasts from origin o must not read load at or after o: with ARIMA
 * errors and with the direct per-lead errors (40 training days: the origins
 * below have 56+ days before them, so the correction is in use). */
static void no_leakage_with(const char *spec_text)
{
    size_t n = 24 * 7 * 12;
    hr_series *s = make_series(n, 30);
    series_region *r = &s->reg[0];
    double *y = series_col_get(r, "load_mw");
    double *keep = malloc(n * sizeof *keep);
    memcpy(keep, y, n * sizeof *keep);
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    spec *sp = NULL;
    o.spec_text = spec_text;
    cr_assert_eq(model_spec_for(&o, &sp), HR_OK);
    for (size_t origin = 24 * 7 * 8; origin < n - 48; origin += 24 * 9 + 5) {
        hr_model *m = NULL;
        cr_assert_eq(model_fit_range(r, sp, &o, 0, origin, &m), HR_OK, "%s", hr_last_error());
        double m1[36], v1[36], m2[36], v2[36];
        cr_assert_eq(model_forecast_at(m, r, NULL, origin, 12, 24, m1, v1), HR_OK);
        for (size_t k = origin; k < n; k++) y[k] = (k % 2 ? 1e9 : -1e9); /* garbage */
        cr_assert_eq(model_forecast_at(m, r, NULL, origin, 12, 24, m2, v2), HR_OK);
        cr_assert(memcmp(m1, m2, 24 * sizeof(double)) == 0, "forecast changed with future load");
        cr_assert(memcmp(v1, v2, 24 * sizeof(double)) == 0);
        hr_model *m3 = NULL;
        cr_assert_eq(model_fit_range(r, sp, &o, 0, origin, &m3), HR_OK);
        cr_assert(m->ncoef == 0 || memcmp(m->coef, m3->coef, m->ncoef * sizeof(double)) == 0,
                  "fit changed with future load");
        cr_assert(memcmp(m->beta, m3->beta, m->p * sizeof(double)) == 0,
                  "fit changed with future load");
        hr_model_free(m3);
        memcpy(y, keep, n * sizeof *keep);
        hr_model_free(m);
    }
    spec_free(sp);
    free(keep);
    hr_series_free(s);
}

Test(model, no_leakage) { no_leakage_with(cal_arima_spec); }

Test(model, no_leakage_direct)
{
    const char *d = "name d\nterm intercept weekday:hour\nerrors direct 40\n";
    no_leakage_with(d);
    /* ... and the correction is really applied: the forecast differs from
     * the regression alone (the same spec with 'errors none'). */
    size_t n = 24 * 7 * 12, origin = 24 * 7 * 9;
    hr_series *s = make_series(n, 30);
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    spec *sp = NULL, *sn = NULL;
    o.spec_text = d;
    cr_assert_eq(model_spec_for(&o, &sp), HR_OK);
    o.spec_text = "name n\nterm intercept weekday:hour\n";
    cr_assert_eq(model_spec_for(&o, &sn), HR_OK);
    hr_model *md = NULL, *mn = NULL;
    cr_assert_eq(model_fit_range(&s->reg[0], sp, &o, 0, origin, &md), HR_OK, "%s", hr_last_error());
    cr_assert_eq(model_fit_range(&s->reg[0], sn, &o, 0, origin, &mn), HR_OK, "%s", hr_last_error());
    double a[24], va[24], b[24], vb[24];
    cr_assert_eq(model_forecast_at(md, &s->reg[0], NULL, origin, 12, 24, a, va), HR_OK);
    cr_assert_eq(model_forecast_at(mn, &s->reg[0], NULL, origin, 12, 24, b, vb), HR_OK);
    cr_assert(memcmp(a, b, sizeof a) != 0, "direct correction not applied");
    cr_assert(strcmp(md->fallback, "") == 0, "unexpected fallback: %s", md->fallback);
    /* With too little history before the origin, the regression alone. */
    hr_model *ms = NULL;
    cr_assert_eq(model_fit_range(&s->reg[0], sp, &o, 0, 24 * 20, &ms), HR_OK, "%s", hr_last_error());
    cr_assert(strstr(ms->fallback, "regression alone") != NULL, "%s", ms->fallback);
    hr_model *ns = NULL;
    cr_assert_eq(model_fit_range(&s->reg[0], sn, &o, 0, 24 * 20, &ns), HR_OK);
    cr_assert_eq(model_forecast_at(ms, &s->reg[0], NULL, 24 * 20, 12, 24, a, va), HR_OK);
    cr_assert_eq(model_forecast_at(ns, &s->reg[0], NULL, 24 * 20, 12, 24, b, vb), HR_OK);
    cr_assert(memcmp(a, b, sizeof a) == 0 && memcmp(va, vb, sizeof va) == 0);
    hr_model_free(md);
    hr_model_free(mn);
    hr_model_free(ms);
    hr_model_free(ns);
    spec_free(sp);
    spec_free(sn);
    hr_series_free(s);
}

/* A weather model refuses to forecast without future temperatures. */
Test(model, weather_model_needs_future_temperature)
{
    hr_series *s = make_series(24 * 7 * 6, 10);
    series_region *r = &s->reg[0];
    double *tc = series_add_col(r, "temp_c");
    for (size_t k = 0; k < r->n; k++) tc[k] = 10 + 10 * sin(2 * M_PI * (double)k / 24);
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.spec_text = "name w\nterm intercept hour hour:T\n";
    hr_model *m = NULL;
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    double mean[24];
    hr_forecast_buf b = {24, NULL, mean, NULL, NULL};
    cr_assert_eq(hr_model_forecast(m, s, 0, 24, NULL, 0, &b), HR_EDATA);
    cr_assert(strstr(hr_last_error(), "temperature") != NULL, "%s", hr_last_error());
    hr_model_free(m);
    hr_series_free(s);
}

/* Screened hours are missing to the fit (as NA in R), not imputed values:
 * a pure ARIMA's n counts only the hours screening left OKAY. */
Test(model, fit_skips_screened_hours)
{
    size_t n = 24 * 7 * 8;
    int64_t *t = malloc(n * sizeof *t);
    double *y = malloc(n * sizeof *y);
    for (size_t k = 0; k < n; k++) {
        t[k] = T0 + 3600 * (int64_t)k;
        y[k] = 1000 + 200 * sin(2 * M_PI * ((double)(k % 24) - 9) / 24) + (double)(k * 7 % 13);
    }
    y[500] = 2147480000; /* a spike screening must flag */
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("S", t, y, n, 1, &s), HR_OK, "%s", hr_last_error());
    hr_quality q;
    hr_series_quality(s, 0, &q);
    cr_assert(q.flagged >= 1, "the spike is flagged");
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.model = "arima";
    int ord[7] = {1, 0, 0, 1, 0, 0, 24};
    memcpy(o.order, ord, sizeof ord);
    hr_model *m = NULL;
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    hr_model_info in;
    hr_model_info_get(m, &in);
    cr_assert_eq(in.n, n - q.flagged, "n = %zu, want %zu", in.n, n - q.flagged);
    hr_model_free(m);
    hr_series_free(s);
    free(t);
    free(y);
}

/* `errors-fit joint`: beta and the ARIMA errors by one likelihood — the
 * same fit as the kernel's regression with ARIMA errors (arima_fit_model
 * with xreg, checked against R's arima(xreg=) in test_arima.c) on the
 * design's columns. */
Test(model, joint_regression_with_arima_errors)
{
    size_t n = 24 * 7 * 4;
    hr_series *s = make_series(n, 30);
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.spec_text = "name j\nterm intercept fourier_daily(1)\nerrors arima 1 0 0 0 0 0 1\n"
                  "errors-fit joint\narima-window 0\n";
    hr_model *m = NULL;
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());

    spec *sp = NULL;
    cr_assert_eq(spec_parse(o.spec_text, strlen(o.spec_text), "j", &sp), HR_OK);
    design_matrix dm;
    cr_assert_eq(design_build_region(sp, &s->reg[0], NULL, 0, n, &dm), HR_OK);
    cr_assert_eq(dm.p, 3);
    const double *y = series_col_get(&s->reg[0], "load_mw");
    arima_order ord = {1, 0, 0, 0, 0, 0, 1, 0, 0, ARIMA_CSS_ML};
    arima_fit *af = NULL;
    cr_assert_eq(arima_fit_model(y, n, dm.X, 3, &ord, NULL, &af), HR_OK, "%s", hr_last_error());
    hr_model_info in;
    hr_model_info_get(m, &in);
    cr_assert_eq(in.loglik, arima_loglik(af), "joint loglik %.10g vs kernel %.10g", in.loglik,
                 arima_loglik(af));
    for (size_t j = 0; j < 3; j++) {
        double v;
        hr_model_coef(m, j, NULL, &v, NULL);
        cr_assert_eq(v, arima_coef(af, 1 + j), "beta %zu", j);
    }
    cr_assert_eq(in.ncoef, 3 + 1, "3 regression coefficients + ar1");
    /* The joint model forecasts and round-trips like any other. */
    double mean[24];
    hr_forecast_buf b = {24, NULL, mean, NULL, NULL};
    cr_assert_eq(hr_model_forecast(m, s, 0, 24, NULL, 0, &b), HR_OK, "%s", hr_last_error());
    for (int k = 0; k < 24; k++) cr_assert(isfinite(mean[k]));
    arima_free(af);
    design_matrix_free(&dm);
    spec_free(sp);
    hr_model_free(m);
    hr_series_free(s);
}

/* spec_without_annual: terms with a month, fourier_annual or trend atom
 * go (also inside interactions), the rest of the text stays. */
Test(model, spec_without_annual)
{
    const char *txt = "name x # comment\ntransform log\nterm intercept trend month:hour  weekday:hour\n"
                      "term fourier_annual(3) holidays # tail\nterm month\nerrors direct 100\n";
    spec *s = NULL, *r = NULL;
    cr_assert_eq(spec_parse(txt, strlen(txt), "x", &s), HR_OK, "%s", hr_last_error());
    cr_assert_eq(spec_without_annual(s, &r), HR_OK);
    cr_assert_not_null(r);
    cr_assert_eq(r->nterm, 3, "%zu terms:\n%s", r->nterm, r->text);
    cr_assert(strstr(r->text, "term intercept weekday:hour\nterm holidays\n") != NULL, "%s", r->text);
    cr_assert(r->log_transform && r->errors.kind == SPEC_ERR_DIRECT && r->errors.days == 100);
    spec *r2 = NULL;
    cr_assert_eq(spec_without_annual(r, &r2), HR_OK);
    cr_assert_null(r2, "nothing left to remove");
    spec_free(r);
    spec_free(s);
    /* Only annual terms: the intercept stays. */
    const char *t2 = "name y\nterm trend month\n";
    cr_assert_eq(spec_parse(t2, strlen(t2), "y", &s), HR_OK);
    cr_assert_eq(spec_without_annual(s, &r), HR_OK);
    cr_assert(r && r->nterm == 1 && r->term[0].atom[0].kind == SA_INTERCEPT, "%s", r ? r->text : "");
    spec_free(r);
    spec_free(s);
}

/* 'term-if-temperature': the terms join the fit when the series has
 * temperatures and are left out (reported) when it has none; the saved
 * model carries the spec it used, and a backtest (the shared workspace
 * path) gives the forecasts of the model fitted alone. */
static size_t count_temp_coefs(const hr_model *m, hr_model_info *mi, double *t2)
{
    cr_assert_eq(hr_model_info_get(m, mi), HR_OK);
    size_t nt = 0;
    for (size_t i = 0; i < mi->ncoef; i++) {
        const char *name;
        double v, se;
        cr_assert_eq(hr_model_coef(m, i, &name, &v, &se), HR_OK);
        nt += !strcmp(name, "T") || !strncmp(name, "T^", 2);
        if (!strcmp(name, "T^2")) *t2 = v;
    }
    return nt;
}

Test(model, term_if_temperature)
{
    const char *txt = "name w\nterm intercept weekday:hour\nterm-if-temperature T   T2 # hot and cold\n";
    spec *sp = NULL, *with = NULL, *without = NULL;
    cr_assert_eq(spec_parse(txt, strlen(txt), "w", &sp), HR_OK, "%s", hr_last_error());
    cr_assert(sp->opt_temp && sp->nterm == 2 && !spec_needs_temp(sp));
    cr_assert_eq(spec_with_temperature(sp, 1, &with), HR_OK);
    cr_assert_eq(spec_with_temperature(sp, 0, &without), HR_OK);
    cr_assert(with && with->nterm == 4 && spec_needs_temp(with) && !with->opt_temp, "%s", with ? with->text : "");
    cr_assert(without && without->nterm == 2 && !spec_needs_temp(without), "%s", without ? without->text : "");
    spec_free(with);
    spec_free(without);
    spec_free(sp);
    const char *bad = "term intercept\nterm-if-temperature T9\n";
    cr_assert_eq(spec_parse(bad, strlen(bad), "b", &sp), HR_EFORMAT);

    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.spec_text = txt;
    hr_model_info mi;
    /* no temperature column: fitted without the terms, and said so */
    hr_series *s = make_series(24 * 7 * 8, 10);
    hr_model *m = NULL;
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    double t2 = NAN;
    cr_assert_eq(count_temp_coefs(m, &mi, &t2), 0);
    cr_assert(strstr(mi.fallback, "temperature terms left out") != NULL, "%s", mi.fallback);
    hr_model_free(m);
    hr_series_free(s);

    /* with temperatures that drive the load: T and T^2 in the fit */
    s = make_series(24 * 7 * 8, 10);
    series_region *r = &s->reg[0];
    double *tc = series_add_col(r, "temp_c"), *ld = (double *)series_col_get(r, "load_mw");
    for (size_t k = 0; k < r->n; k++) {
        tc[k] = 15 + 10 * sin(2 * M_PI * (double)k / 240.0);
        ld[k] += 3 * (tc[k] - 15) * (tc[k] - 15);
    }
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    cr_assert_eq(count_temp_coefs(m, &mi, &t2), 2);
    cr_assert_str_empty(mi.fallback);
    cr_assert(fabs(t2 - 3) < 0.3, "T^2 coefficient %g, generated with 3", t2);
    /* the backtest (its shared design workspace) uses them too: far better
     * than the same spec without the line */
    double mae[2];
    for (int k = 0; k < 2; k++) {
        hr_backtest_opts bo;
        hr_backtest_opts_init(&bo);
        bo.fit = o;
        if (k) bo.fit.spec_text = "name w\nterm intercept weekday:hour\n";
        bo.start_utc = T0 + 3600 * 24 * 7 * 6 + 12 * 3600;
        bo.origins = 7, bo.step = 24, bo.lead = 12, bo.horizon = 24;
        hr_backtest *b = NULL;
        hr_backtest_row row;
        cr_assert_eq(hr_backtest_run(s, 0, &bo, &b), HR_OK, "%s", hr_last_error());
        cr_assert_eq(hr_backtest_row_get(b, 0, &row), HR_OK);
        cr_assert_str_eq(row.model, "w");
        mae[k] = row.mae;
        hr_backtest_free(b);
    }
    cr_assert(mae[0] < 0.5 * mae[1], "MAE with T %g, without %g", mae[0], mae[1]);
    hr_model_free(m);
    hr_series_free(s);
}
