/* test_arima_joint.c — regression with SARIMA errors by one likelihood
 * (`errors-fit joint` specs) against R's arima(xreg = X) on the same data.
 *
 * The series is generated here by the recipe of
 * tests/reference/arima_joint_ref.R (bit for bit: see there), and R's design
 * is recomputed in R from the definitions, so the test checks the design
 * columns (Fourier, holidays), the joint likelihood and the optimiser at
 * once. Reference numbers: tests/reference/arima_joint_ref.h. */
#include "helpers.h"
#include "reference/arima_joint_ref.h"
#include <criterion/criterion.h>
#include <headroom.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* gen_joint: the series of arima_joint_ref.R. Park-Miller (Park & Miller
 * 1988, multiplier 16807 mod 2^31 - 1) is exact in doubles, so R and C draw
 * the same uniforms; every expression below keeps R's operation order. */
static void gen_joint(double *y, size_t n)
{
    enum { BURN = 600 };
    double *x = calloc(n + BURN, sizeof *x);
    cr_assert(x != NULL);
    uint64_t pm = 20240611;
    double e1 = 0.0;
    for (size_t t = 0; t < n + BURN; t++) {
        pm = pm * 16807u % 2147483647u;
        double u1 = (double)pm / 2147483647.0;
        pm = pm * 16807u % 2147483647u;
        double u2 = (double)pm / 2147483647.0;
        double e = 40 * (sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2));
        double v = e + 0.3 * e1;
        if (t >= 1) v = v + 0.8 * x[t - 1];
        if (t >= 24) v = v + 0.5 * x[t - 24];
        if (t >= 25) v = v - 0.4 * x[t - 25];
        x[t] = v;
        e1 = e;
    }
    for (size_t k = 0; k < n; k++) {
        double h = (double)(k % 24);
        size_t d = k / 24;
        double wk = (double)((d + 2) % 7) * 24 + h; /* 2019-10-01 is a Tuesday */
        int hol = d == 13 || d == 41 || d == 58 || d == 85 || d == 92 || d == 111;
        double mu = 5000 + 300 * sin(6.283185307179586 * h / 24) - 200 * cos(6.283185307179586 * h / 24) +
                    80 * sin(6.283185307179586 * 2 * h / 24) + 40 * cos(6.283185307179586 * 2 * h / 24) +
                    150 * sin(6.283185307179586 * wk / 168) - 100 * cos(6.283185307179586 * wk / 168) -
                    400 * (double)hol - 250 * (double)(d == 59) - 150 * (double)(d == 84);
        y[k] = mu + x[BURN + k];
    }
    free(x);
}

Test(arima_joint, generator_matches_R)
{
    static double y[JOINT_REF_N];
    gen_joint(y, JOINT_REF_N);
    double s = 0.0;
    for (size_t k = 0; k < JOINT_REF_N; k++) s += y[k];
    cr_assert(rel_eq(s, joint_ref_sum_y, 1e-13), "sum(y) %.17g, R %.17g", s, joint_ref_sum_y);
}

/* Fitted log-likelihood at least R's less 1e-3 (and not far above it: a
 * much higher value would be a different likelihood), sigma2 and every
 * coefficient, matched by name, within a tenth of R's standard error. */
Test(arima_joint, joint_fit_reaches_R, .timeout = 120)
{
    static double y[JOINT_REF_N];
    static int64_t t[JOINT_REF_N];
    for (int c = 0; c < JOINT_REF_NCASES; c++) {
        const joint_ref_case *r = &joint_ref_cases[c];
        gen_joint(y, JOINT_REF_N);
        double *yw = y + r->from; /* the case's window: hours from .. from + n - 1 */
        if (r->with_na)
            for (size_t i = 0; i < sizeof joint_ref_na / sizeof joint_ref_na[0]; i++) yw[joint_ref_na[i]] = NAN;
        for (size_t k = 0; k < r->n; k++) t[k] = (int64_t)JOINT_REF_T0 + 3600 * (int64_t)(r->from + k);
        hr_series *s = NULL;
        cr_assert_eq(hr_series_from_arrays("TEST", t, yw, r->n, 0, &s), HR_OK, "%s", hr_last_error());
        char spec[512];
        snprintf(spec, sizeof spec, "name joint\n%s\n%s\nerrors-fit joint\narima-window 0\n", r->terms,
                 r->errors);
        hr_fit_opts o;
        hr_fit_opts_init(&o);
        o.spec_text = spec;
        hr_model *m = NULL;
        cr_assert_eq(hr_model_fit(s, 0, &o, &m), HR_OK, "%s: %s", r->name, hr_last_error());
        hr_model_info in;
        hr_model_info_get(m, &in);
        cr_expect(in.loglik >= r->loglik - 1e-3 && in.loglik <= r->loglik + 0.1,
                  "%s: loglik %.6f, R %.6f", r->name, in.loglik, r->loglik);
        cr_expect(rel_eq(in.sigma2, r->sigma2, 1e-3), "%s: sigma2 %.6f, R %.6f", r->name, in.sigma2,
                  r->sigma2);
        /* same parameter count as R: the AICs differ by -2 x the loglik gap */
        cr_expect(fabs((in.aic - r->aic) + 2.0 * (in.loglik - r->loglik)) < 1e-6, "%s: aic %.6f, R %.6f",
                  r->name, in.aic, r->aic);
        for (size_t j = 0; j < r->ncoef; j++) {
            size_t i = 0;
            const char *nm = NULL;
            double v = NAN, se = NAN;
            for (i = 0; i < in.ncoef; i++) {
                hr_model_coef(m, i, &nm, &v, &se);
                if (!strcmp(nm, r->coef_name[j])) break;
            }
            cr_assert(i < in.ncoef, "%s: no coefficient %s", r->name, r->coef_name[j]);
            cr_expect(fabs(v - r->coef[j]) <= 0.1 * r->se[j], "%s: %s = %.6f, R %.6f (se %.4f)", r->name,
                      nm, v, r->coef[j], r->se[j]);
            cr_expect(rel_eq(se, r->se[j], 0.05), "%s: se(%s) = %.6f, R %.6f", r->name, nm, se, r->se[j]);
        }
        /* nothing beyond R's coefficients (aliased or dropped columns
         * would show up here) */
        size_t extra = 0;
        for (size_t i = 0; i < in.ncoef; i++) {
            double v;
            hr_model_coef(m, i, NULL, &v, NULL);
            extra += !isnan(v) && v != 0.0;
        }
        cr_expect_eq(extra, r->ncoef, "%s: %zu non-zero coefficients, R %zu", r->name, extra, r->ncoef);
        hr_model_free(m);
        hr_series_free(s);
    }
}
