/* test_backtest_ws.c — the backtest's shared-design path (model.h:
 * model_ws, model_gram, model_fc_at) against the per-call path it replaces
 * (model_fit_range + model_forecast_at), on a load-like series with gaps:
 *  - model_fc_at gives model_forecast_at's forecasts at successive origins
 *    (to 1e-9: the regression mean is summed in another order) for pure AR
 *    errors (whose filter is continued from origin to origin), MA errors
 *    (re-filtered at each origin), direct errors and no error model;
 *  - a fit on the workspace with a Gram matrix grown window by window gives
 *    the per-call fit (to 1e-9), here on less than a year of history, so
 *    on the workspace of the spec without its annual terms;
 *  - a backtest's forecasts do not change when the load at or after their
 *    origin does, and do not depend on the thread count (bit for bit). */
#include "helpers.h"
#include "headroom.h"
#include "model/model.h"
#include "ingest/series.h"
#include "model/spec.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define T0 1514764800 /* 2018-01-01T00:00:00Z */


/* Daily, weekly and annual shape plus AR(1) noise; missing hours every 397
 * hours and a 30-hour gap (missing to the models: they break the filter's
 * steady state and the runs model_fc_at looks for). An operator's forecast
 * (forecast_mw): the load off by an hourly bias and noise, missing every
 * 211 hours. */
static hr_series *gappy(size_t n)
{
    double *y = malloc(n * sizeof *y), *fc = malloc(n * sizeof *fc);
    int64_t *t = malloc(n * sizeof *t);
    cr_assert(y && t);
    uint64_t seed = 4242;
    double e = 0;
    for (size_t k = 0; k < n; k++) {
        double g = sqrt(-2 * log(unif(&seed))) * cos(2 * M_PI * unif(&seed));
        e = 0.9 * e + 25 * g;
        double h = (double)(k % 24), d = (double)((k / 24) % 7);
        y[k] = 2000 + 300 * sin(2 * M_PI * (h - 9) / 24) - (d >= 5 ? 150 : 0) +
               200 * cos(2 * M_PI * (double)k / 8766.0) + e;
        fc[k] = k % 211 == 7 ? NAN : y[k] * (1 + 0.03 * sin(2 * M_PI * h / 24)) + 10 * g;
        if (k % 397 == 5 || (k >= 3000 && k < 3030)) y[k] = NAN;
        t[k] = T0 + 3600 * (int64_t)k;
    }
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("GAP", t, y, n, 1, &s), HR_OK, "%s", hr_last_error());
    double *col = series_add_col(&s->reg[0], "forecast_mw");
    cr_assert(col != NULL);
    memcpy(col, fc, n * sizeof *fc);
    free(fc);
    free(y);
    free(t);
    return s;
}

static const char *const specs[] = {
    "name ar\ntransform log\nterm intercept weekday:hour fourier_annual(1)\n"
    "errors arima 2 0 0 1 0 0 24\nerror-mean yes\narima-window 1000\nvariance hourly\n",
    "name ma\nterm intercept weekday:hour\nerrors arima 1 0 1 0 0 0 24\narima-window 800\n",
    "name direct\ntransform log\nterm intercept weekday:hour\nerrors direct 40\n",
    "name none\nterm intercept weekday:hour month\nerrors none\n",
    "name direct-operator\ntransform log\nterm intercept weekday:hour\nerrors direct 40 operator\n",
};

Test(backtest_ws, forecasts_match_the_per_call_path)
{
    hr_series *s = gappy(24 * 7 * 40);
    series_region *r = &s->reg[0];
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.method = HR_METHOD_CSS;
    for (size_t c = 0; c < sizeof specs / sizeof specs[0]; c++) {
        spec *sp = NULL;
        o.spec_text = specs[c];
        cr_assert_eq(model_spec_for(&o, &sp), HR_OK, "%s", hr_last_error());
        model_ws *ws = NULL;
        cr_assert_eq(model_ws_new(r, sp, NULL, 0, r->n, &ws), HR_OK, "%s", hr_last_error());
        cr_assert(ws != NULL);
        /* 20 weeks of history: the fits leave the annual terms out */
        cr_assert_eq(model_ws_add_reduced(ws, sp, NULL), HR_OK, "%s", hr_last_error());
        model_gram g = {0};
        size_t o0 = 24 * 7 * 20 + 12;
        /* the Gram matrix grown in two steps, as the backtest does */
        cr_assert_eq(model_gram_extend(ws, &g, 0, o0 - 24 * 7), HR_OK);
        hr_model *m = NULL, *mw = NULL;
        cr_assert_eq(model_fit_range(r, sp, &o, 0, o0, &m), HR_OK, "%s", hr_last_error());
        cr_assert_eq(model_fit_range_ws(r, sp, &o, 0, o0, ws, &g, 1, &mw), HR_OK, "%s", hr_last_error());
        for (size_t j = 0; j < m->p; j++)
            cr_assert(isnan(m->beta[j]) ? isnan(mw->beta[j]) : rel_eq(m->beta[j], mw->beta[j], 1e-9),
                      "%s: beta[%zu] %.17g vs %.17g", sp->name, j, m->beta[j], mw->beta[j]);
        cr_assert(model_ws_for(ws, r, sp, 0, o0) == (ws->reduced ? ws->reduced : ws));
        model_fc *F = NULL;
        cr_assert_eq(model_fc_new(m, r, NULL, ws, &F), HR_OK);
        for (size_t k = 0; k < 60; k++) {
            size_t org = o0 + 24 * k;
            double m1[24], v1[24], m2[24], v2[24];
            cr_assert_eq(model_fc_at(F, org, 12, 24, m1, v1), HR_OK, "%s", hr_last_error());
            cr_assert_eq(model_forecast_at(m, r, NULL, org, 12, 24, m2, v2), HR_OK, "%s", hr_last_error());
            for (size_t h = 0; h < 24; h++) {
                cr_assert(rel_eq(m1[h], m2[h], 1e-9), "%s: origin %zu hour %zu: mean %.17g vs %.17g",
                          sp->name, k, h, m1[h], m2[h]);
                cr_assert(rel_eq(v1[h], v2[h], 1e-9), "%s: origin %zu hour %zu: var %.17g vs %.17g",
                          sp->name, k, h, v1[h], v2[h]);
            }
        }
        model_fc_free(F);
        hr_model_free(m);
        hr_model_free(mw);
        model_gram_free(&g);
        model_ws_free(ws);
        spec_free(sp);
    }
    hr_series_free(s);
}

/* Forecasts of one backtest, per hour (origin-major). */
static void run_bt(hr_series *s, const char *spec_text, int threads, size_t *n, double **mean,
                   double **lo, int64_t **org)
{
    hr_backtest_opts o;
    hr_backtest_opts_init(&o);
    o.fit.spec_text = spec_text;
    o.fit.method = HR_METHOD_CSS;
    o.start_utc = T0 + 3600 * (int64_t)(24 * 7 * 16 + 12);
    o.origins = 50;
    o.step = 24;
    o.lead = 12;
    o.horizon = 24;
    o.refit_every = 7;
    o.threads = threads;
    o.keep_hours = 1;
    hr_backtest *b = NULL;
    cr_assert_eq(hr_backtest_run(s, 0, &o, &b), HR_OK, "%s", hr_last_error());
    *n = hr_backtest_hour_count(b);
    *mean = malloc(*n * sizeof **mean);
    *lo = malloc(*n * sizeof **lo);
    *org = malloc(*n * sizeof **org);
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        hr_backtest_hour h;
        cr_assert_eq(hr_backtest_hour_get(b, i, &h), HR_OK);
        if (strcmp(h.model, "snaive24") == 0 || strcmp(h.model, "snaive168") == 0) continue;
        (*mean)[k] = h.mean, (*lo)[k] = h.lo95, (*org)[k] = h.origin_utc;
        k++;
    }
    *n = k;
    hr_backtest_free(b);
}

Test(backtest_ws, no_leakage_and_thread_independence)
{
    hr_series *s = gappy(24 * 7 * 26);
    double *y = series_col_get(&s->reg[0], "load_mw");
    double *fc = series_col_get(&s->reg[0], "forecast_mw");
    /* AR errors (continued filter), direct errors, direct errors reading the operator's forecast */
    for (size_t c = 0; c < 3; c++) {
        const char *sp = specs[c == 0 ? 0 : c == 1 ? 2 : 4];
        size_t n1, n2, n3;
        double *m1, *l1, *m2, *l2, *m3, *l3;
        int64_t *o1, *o2, *o3;
        run_bt(s, sp, 1, &n1, &m1, &l1, &o1);
        run_bt(s, sp, 2, &n2, &m2, &l2, &o2);
        cr_assert_eq(n1, n2);
        cr_assert(memcmp(m1, m2, n1 * sizeof *m1) == 0 && memcmp(l1, l2, n1 * sizeof *l1) == 0,
                  "%zu: forecasts depend on the thread count", c);
        /* garbage (positive, so the same hours are scored) in the load from
         * origin 30 on, and in the operator's forecasts after its targets
         * (those of the targets were issued before the origin; the garbage
         * stays within the backtest's plausible range for them) */
        int64_t cut = T0 + 3600 * (int64_t)(24 * 7 * 16 + 12) + 30 * 86400;
        size_t kc = (size_t)((cut - T0) / 3600), n = s->reg[0].n;
        double *keep = malloc(n * sizeof *keep), *keepf = malloc(n * sizeof *keepf);
        memcpy(keep, y, n * sizeof *keep);
        memcpy(keepf, fc, n * sizeof *keepf);
        for (size_t k = kc; k < n; k++) {
            if (!isnan(y[k])) y[k] = 5 * y[k] + 1000 * (double)(k % 3);
            if (k >= kc + 36 && !isnan(fc[k])) fc[k] *= 1.2 + 0.05 * (double)(k % 5);
        }
        run_bt(s, sp, 2, &n3, &m3, &l3, &o3);
        memcpy(y, keep, n * sizeof *keep);
        memcpy(fc, keepf, n * sizeof *keepf);
        free(keepf);
        size_t same = 0;
        for (size_t i = 0, j = 0; i < n1 && j < n3; i++, j++) {
            cr_assert_eq(o1[i], o3[j]);
            if (o1[i] > cut) break;
            cr_assert(m1[i] == m3[j] && l1[i] == l3[j], "%zu: forecast from origin %lld changed with "
                      "the load after it", c, (long long)o1[i]);
            same++;
        }
        cr_assert(same > 24 * 25, "%zu hours compared", same);
        if (c == 2) { /* ... and the operator's forecasts are really read */
            size_t nd;
            double *md, *ld;
            int64_t *od;
            run_bt(s, specs[2], 2, &nd, &md, &ld, &od);
            size_t differ = 0;
            for (size_t i = 0; i < nd && i < n1; i++) differ += md[i] != m1[i];
            /* (half the rows are ba_forecast's: the same) */
            cr_assert(nd == n1 && differ > 0.45 * (double)n1, "%zu of %zu forecasts differ", differ, n1);
            free(md), free(ld), free(od);
        }
        free(keep);
        free(m1), free(l1), free(o1), free(m2), free(l2), free(o2), free(m3), free(l3), free(o3);
    }
    hr_series_free(s);
}
