/* test_arima_complete.c — fixed-order ARIMA fits through hr_model_fit (the
 * path of `headroom fit --model arima`) that need orders above 10, no mean
 * (hr_fit_opts.no_mean, R's include.mean = FALSE) or drift
 * (hr_fit_opts.drift, forecast::Arima(include.drift = TRUE)), against R on
 * its classic data sets; the detection of an optimum at the AR stationarity
 * boundary (Stata's wpi1, ARMA(3,2) with mean); and the ranges of the
 * orders. Reference numbers: tests/reference/arima_complete_ref.h (made by
 * arima_complete_ref.R there). */
#include "helpers.h"
#include "reference/arima_complete_ref.h"
#include <criterion/criterion.h>
#include <headroom.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NCASES (sizeof arima_complete_cases / sizeof arima_complete_cases[0])

/* c's series as one region, hour after hour, unscreened (--no-screen) */
static hr_series *series_of(const double *y, size_t n)
{
    int64_t *t = malloc(n * sizeof *t);
    cr_assert(t != NULL);
    for (size_t i = 0; i < n; i++) t[i] = 1577836800 + 3600 * (int64_t)i;
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("X", t, y, n, 0, &s), HR_OK, "%s", hr_last_error());
    free(t);
    return s;
}

static int fit_case(const arima_complete_case *c, hr_model **m)
{
    hr_series *s = series_of(c->y, c->n);
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.model = "arima";
    memcpy(o.order, c->order, sizeof o.order);
    o.method = c->method ? HR_METHOD_ML : HR_METHOD_CSS_ML;
    o.no_mean = !c->mean;
    o.drift = c->drift;
    int st = hr_model_fit(s, 0, &o, m);
    hr_series_free(s);
    return st;
}

static const arima_complete_case *find_case(const char *name)
{
    for (size_t i = 0; i < NCASES; i++)
        if (!strcmp(arima_complete_cases[i].name, name)) return &arima_complete_cases[i];
    cr_assert_fail("no case %s", name);
    return NULL;
}

/* Every case but wpi1: R's coefficient names, log-likelihood at least R's
 * less 1e-4 and at most 1e-3 above it (the same optimum), coefficients to
 * 2e-3 absolute (R's optim stops at reltol 1.5e-8). */
Test(arima_complete, r_cases)
{
    for (size_t i = 0; i < NCASES; i++) {
        const arima_complete_case *c = &arima_complete_cases[i];
        if (!strncmp(c->name, "wpi", 3)) continue;
        hr_model *m = NULL;
        cr_assert_eq(fit_case(c, &m), HR_OK, "%s: %s", c->name, hr_last_error());
        hr_model_info in;
        cr_assert_eq(hr_model_info_get(m, &in), HR_OK);
        cr_expect(in.converged, "%s: not converged", c->name);
        cr_expect(in.loglik >= c->loglik - 1e-4 && in.loglik <= c->loglik + 1e-3,
                  "%s: loglik %.6f, R %.6f", c->name, in.loglik, c->loglik);
        cr_assert_eq(in.ncoef, c->ncoef, "%s: %zu coefficients, R %zu", c->name, in.ncoef,
                     c->ncoef);
        int has_icpt = 0, has_drift = 0;
        for (size_t j = 0; j < in.ncoef; j++) {
            const char *nm;
            double v, se;
            cr_assert_eq(hr_model_coef(m, j, &nm, &v, &se), HR_OK);
            has_icpt |= !strcmp(nm, "intercept");
            has_drift |= !strcmp(nm, "drift");
            cr_expect(fabs(v - c->coef[j]) < 2e-3, "%s: %s = %.6f, R %.6f", c->name, nm, v,
                      c->coef[j]);
            cr_expect(isfinite(se) && se > 0, "%s: se(%s) = %g", c->name, nm, se);
        }
        cr_expect_eq(has_icpt, c->mean && c->order[1] + c->order[4] == 0, "%s: intercept", c->name);
        cr_expect_eq(has_drift, c->drift, "%s: drift", c->name);
        hr_model_free(m);
    }
}

/* wpi1's ARMA(3,2) with mean: from every start the likelihood rises to an
 * AR root on the unit circle (R's optim stops at its iteration limit at
 * -142.07, Stata at -141.67). The fit either ends cleanly at least as high
 * as R, or says that it found no clean optimum (converged false, a note),
 * never a boundary end reported as converged. */
Test(arima_complete, boundary_optimum_not_converged)
{
    const arima_complete_case *c = find_case("wpi_arma32_ml");
    for (int method = 0; method < 2; method++) {
        arima_complete_case cc = *c;
        cc.method = method;
        hr_model *m = NULL;
        cr_assert_eq(fit_case(&cc, &m), HR_OK, "%s", hr_last_error());
        hr_model_info in;
        cr_assert_eq(hr_model_info_get(m, &in), HR_OK);
        cr_expect(in.loglik >= c->loglik - 0.01, "loglik %.4f below R's %.4f", in.loglik, c->loglik);
        if (in.converged) {
            /* AR polynomial 1 - a1 z - a2 z^2 - a3 z^3 without a root near
             * z = 1 (the one wpi1 runs to): its value at 1 away from 0 */
            double a[3];
            for (int j = 0; j < 3; j++) {
                const char *nm;
                double se;
                cr_assert_eq(hr_model_coef(m, (size_t)j, &nm, &a[j], &se), HR_OK);
                cr_expect(isfinite(se), "converged with se(%s) = %g", nm, se);
            }
            cr_expect(fabs(1 - a[0] - a[1] - a[2]) > 1e-3, "converged at an AR unit root");
        } else {
            cr_expect(in.fallback && strstr(in.fallback, "no clean optimum"),
                      "not converged without a reason: '%s'", in.fallback ? in.fallback : "");
        }
        hr_model_free(m);
    }
}

/* The same fits as the CLI's spec lines: 'mean none' and 'drift yes'. */
Test(arima_complete, spec_lines)
{
    const arima_complete_case *c = find_case("www_drift");
    hr_series *s = series_of(c->y, c->n);
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    o.spec_text = "name w\nerrors arima 1 1 1 0 0 0 1\ndrift yes\n";
    hr_model *m = NULL;
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    hr_model_info in;
    hr_model_info_get(m, &in);
    cr_expect(fabs(in.loglik - c->loglik) < 1e-3, "drift yes: %.6f, R %.6f", in.loglik, c->loglik);
    hr_model_free(m);
    /* drift needs d + D = 1 */
    o.spec_text = "name w\nerrors arima 1 0 1 0 0 0 1\ndrift yes\n";
    cr_expect_eq(hr_model_fit(s, 0, &o, &m), HR_EFORMAT);
    cr_expect(strstr(hr_last_error(), "d + D = 1") != NULL, "%s", hr_last_error());
    hr_series_free(s);

    c = find_case("lh_arma11_nomean");
    s = series_of(c->y, c->n);
    o.spec_text = "name l\nerrors arima 1 0 1 0 0 0 1\nmean none\n";
    o.method = HR_METHOD_ML;
    cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    hr_model_info_get(m, &in);
    cr_expect_eq(in.ncoef, 2);
    cr_expect(in.loglik >= c->loglik - 1e-4, "mean none: %.6f, R %.6f", in.loglik, c->loglik);
    hr_model_free(m);
    hr_series_free(s);
}

/* Orders: p, q up to 30 and P, Q up to 10 are fitted; one more is refused
 * naming the field and its range (spec) or the order index (hr_fit_opts). */
Test(arima_complete, order_ranges)
{
    const arima_complete_case *c = find_case("lynx_ar11_ml");
    hr_series *s = series_of(c->y, c->n);
    hr_fit_opts o;
    hr_fit_opts_init(&o);
    hr_model *m = NULL;
    o.spec_text = "name x\nerrors arima 31 0 0 0 0 0 1\n";
    cr_expect_eq(hr_model_fit(s, 0, &o, &m), HR_EFORMAT);
    cr_expect(strstr(hr_last_error(), "p = 31 is out of range 0..30") != NULL, "%s", hr_last_error());
    o.spec_text = "name x\nerrors arima 1 0 0 11 0 0 4\n";
    cr_expect_eq(hr_model_fit(s, 0, &o, &m), HR_EFORMAT);
    cr_expect(strstr(hr_last_error(), "P = 11 is out of range 0..10") != NULL, "%s", hr_last_error());
    o.spec_text = NULL;
    o.model = "arima";
    int ord[7] = { 0, 0, 31, 0, 0, 0, 1 };
    memcpy(o.order, ord, sizeof ord);
    cr_expect_eq(hr_model_fit(s, 0, &o, &m), HR_EINVAL);
    cr_expect(strstr(hr_last_error(), "order[2] = 31 is out of range 0..30") != NULL, "%s",
              hr_last_error());
    /* the largest orders fit (a pure MA(30) on 114 values) */
    int ord30[7] = { 0, 0, 30, 0, 0, 0, 1 };
    memcpy(o.order, ord30, sizeof ord30);
    o.method = HR_METHOD_CSS;
    cr_expect_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s", hr_last_error());
    hr_model_free(m);
    hr_series_free(s);
}

/* The order search at s = 48: a seasonal MA of -0.8 (the airline class of
 * half-hourly demand, R's forecast::taylor). auto.arima tests the roots of
 * the expanded polynomial, |u|^(1/48) for a seasonal root u, and rejects
 * every seasonal MA beyond -0.62 there; the search tests each factor in
 * its own variable and must find the seasonal MA. */
#include "arima/arima.h"
#include "util/rng.h"
Test(arima_complete, search_finds_seasonal_ma_at_s48)
{
    enum { N = 1200, S = 48, BURN = 200 };
    static double e[N + BURN], w[N + BURN], y[N + BURN];
    rng g;
    rng_seed(&g, 4848);
    for (size_t t = 0; t < N + BURN; t++) e[t] = rng_norm_polar(&g);
    for (size_t t = 0; t < N + BURN; t++) { /* (1 - 1.5 B + 0.6 B^2)(1 - B^48) y = (1 - 0.8 B^48) e */
        double v = e[t] - (t >= S ? 0.8 * e[t - S] : 0.0);
        if (t >= 1) v += 1.5 * w[t - 1];
        if (t >= 2) v -= 0.6 * w[t - 2];
        w[t] = v;
        y[t] = w[t] + (t >= S ? y[t - S] : 0.0);
    }
    arima_auto_opts ao;
    arima_auto_opts_init(&ao);
    ao.s = S;
    ao.D = 1; /* the differencing is not what is tested */
    arima_fit *f = NULL;
    cr_assert_eq(arima_auto(y + BURN, N, NULL, 0, &ao, NULL, &f, NULL), 0, "%s", hr_last_error());
    arima_order o = arima_fit_order(f);
    cr_expect(o.Q >= 1, "(%d,%d,%d)(%d,%d,%d)48: no seasonal MA", o.p, o.d, o.q, o.P, o.D, o.Q);
    /* and it beats the same model without the seasonal MA by a margin */
    arima_order o0 = o;
    o0.Q = 0;
    arima_fit *f0 = NULL;
    cr_assert_eq(arima_fit_model(y + BURN, N, NULL, 0, &o0, NULL, &f0), 0, "%s", hr_last_error());
    cr_expect(arima_aicc(f) < arima_aicc(f0) - 100, "AICc %.1f vs %.1f without sma", arima_aicc(f),
              arima_aicc(f0));
    arima_free(f0);
    arima_free(f);
}
