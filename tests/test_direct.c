/* test_direct.c — direct per-lead residual forecasts (src/model/direct.c).
 *
 * References: series generated here (own splitmix64 + Box-Muller) whose
 * optimal predictor is known in closed form: e_k = 0.9 e_{k-24} + u_k gives,
 * for leads under a day, the best linear predictor 0.9 e_{o+L-24} (the
 * newest same-hour value, one of the features) with error variance var(u);
 * a pure daily pattern repeats exactly (zero error); when the coefficient
 * is 0.9 in one season and -0.5 in the other, the best predictor is the
 * season's own (a fit on whole years, its blend near 0, misses it). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/direct.h"
#include "headroom.h"
#include "helpers.h"

static double gauss(uint64_t *x)
{
    double u1 = unif(x), u2 = unif(x); /* helpers.h: splitmix64 */
    return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* e_k = 0.9 e_{k-24} + sd * N(0,1); all hours are targets. */
static double *seasonal_ar(size_t n, double sd, uint64_t seed, unsigned char **ok)
{
    double *e = malloc(n * sizeof *e);
    *ok = malloc(n);
    uint64_t x = seed;
    for (size_t k = 0; k < n; k++) {
        e[k] = (k >= 24 ? 0.9 * e[k - 24] : 0.0) + sd * gauss(&x);
        (*ok)[k] = 1;
    }
    return e;
}

Test(direct, recovers_the_seasonal_ar_predictor)
{
    size_t days = 365, lead = 12, h = 12; /* leads under 24 h */
    size_t o = direct_history(lead, h, days) + 500;
    unsigned char *ok;
    double *e = seasonal_ar(o, 0.01, 7, &ok), mean[12], var[12];
    cr_assert_eq(direct_forecast(e, ok, o, lead, h, days, mean, var), HR_OK);
    double ss = 0;
    for (size_t k = 0; k < h; k++) {
        double best = 0.9 * e[o + lead + k - 24], d = mean[k] - best;
        /* 365 samples, 9 correlated features: each estimate is within a few
         * standard errors (~0.002) of the truth, far below the signal's
         * spread (sd 0.023); an unrelated predictor misses by ~0.02. */
        cr_expect(fabs(d) < 0.008, "lead %zu: %g vs %g", lead + k, mean[k], best);
        cr_expect(var[k] > 0.7e-4 && var[k] < 1.3e-4, "lead %zu: var %g (want 1e-4)", lead + k, var[k]);
        ss += d * d;
    }
    cr_expect(sqrt(ss / (double)h) < 0.003, "rms deviation %g", sqrt(ss / (double)h));
    free(e);
    free(ok);
}

Test(direct, exact_daily_pattern_has_no_error)
{
    size_t days = 60, lead = 0, h = 48;
    size_t o = direct_history(lead, h, days);
    double *e = malloc(o * sizeof *e), mean[48], var[48];
    unsigned char *ok = malloc(o);
    for (size_t k = 0; k < o; k++) e[k] = 0.1 * sin(2 * M_PI * (double)(k % 24) / 24.0), ok[k] = 1;
    cr_assert_eq(direct_forecast(e, ok, o, lead, h, days, mean, var), HR_OK);
    for (size_t k = 0; k < h; k++) {
        double want = 0.1 * sin(2 * M_PI * (double)((o + k) % 24) / 24.0);
        cr_expect(fabs(mean[k] - want) < 1e-6, "lead %zu: %g vs %g", k, mean[k], want);
        cr_expect(var[k] < 1e-10, "lead %zu: var %g", k, var[k]);
    }
    free(e);
    free(ok);
}

Test(direct, too_little_history_is_a_data_error)
{
    size_t o = 24 * 20 + 168;
    unsigned char *ok;
    double *e = seasonal_ar(o, 0.01, 3, &ok), mean[24], var[24];
    cr_expect_eq(direct_forecast(e, ok, o, 0, 24, 365, mean, var), HR_EDATA);
    cr_expect(strstr(hr_last_error(), "training days") != NULL, "%s", hr_last_error());
    /* Targets that are not observed do not count either. */
    free(e);
    free(ok);
    size_t o2 = direct_history(0, 24, 100);
    double *e2 = seasonal_ar(o2, 0.01, 4, &ok);
    memset(ok, 0, o2);
    cr_expect_eq(direct_forecast(e2, ok, o2, 0, 24, 100, mean, var), HR_EDATA);
    free(e2);
    free(ok);
}

Test(direct, gaps_before_the_origin_are_tolerated)
{
    size_t days = 200, lead = 12, h = 24;
    size_t o = direct_history(lead, h, days);
    unsigned char *ok;
    double *e = seasonal_ar(o, 0.01, 11, &ok), mean[24], var[24];
    for (size_t k = o - 30; k < o - 3; k++) e[k] = NAN; /* a gap in the newest day */
    for (size_t k = 1000; k < 1200; k++) e[k] = NAN, ok[k] = 0;
    cr_assert_eq(direct_forecast(e, ok, o, lead, h, days, mean, var), HR_OK);
    for (size_t k = 0; k < h; k++) cr_expect(isfinite(mean[k]) && isfinite(var[k]) && var[k] > 0);
    free(e);
    free(ok);
}

Test(direct, sample_paths_are_seeded_and_centred)
{
    size_t days = 365, lead = 12, h = 24, np = 2000;
    size_t o = direct_history(lead, h, days) + 100;
    unsigned char *ok;
    double *e = seasonal_ar(o, 0.01, 5, &ok), mean[24], var[24];
    double *p1 = malloc(np * h * sizeof *p1), *p2 = malloc(np * h * sizeof *p2);
    cr_assert_eq(direct_forecast(e, ok, o, lead, h, days, mean, var), HR_OK);
    cr_assert_eq(direct_simulate(e, ok, o, lead, h, days, np, 42, p1), HR_OK);
    cr_assert_eq(direct_simulate(e, ok, o, lead, h, days, np, 42, p2), HR_OK);
    cr_expect(memcmp(p1, p2, np * h * sizeof *p1) == 0, "same seed, same paths");
    cr_assert_eq(direct_simulate(e, ok, o, lead, h, days, np, 43, p2), HR_OK);
    cr_expect(memcmp(p1, p2, np * h * sizeof *p1) != 0, "another seed, other paths");
    for (size_t k = 0; k < h; k++) {
        double s = 0, s2 = 0;
        for (size_t j = 0; j < np; j++) s += p1[j * h + k], s2 += p1[j * h + k] * p1[j * h + k];
        double m = s / (double)np, v = s2 / (double)np - m * m;
        /* Training errors average zero (OLS with an intercept); the path
         * spread is their spread, (n - 9) / n of the variance estimate. */
        cr_expect(fabs(m - mean[k]) < 4 * sqrt(var[k] / (double)np) + 1e-4, "lead %zu mean", k);
        cr_expect(v > 0.8 * var[k] && v < 1.2 * var[k], "lead %zu: %g vs %g", k, v, var[k]);
    }
    free(p1);
    free(p2);
    free(e);
    free(ok);
}

/* e_k = phi(season of k) e_{k-24} + sd N(0,1): phi = 0.9 from day 120 to
 * day 240 of every 365.2425-day year, -0.5 otherwise. */
static double phi_at(size_t k)
{
    double d = fmod((double)(k / 24), 365.2425);
    return d >= 120 && d < 240 ? 0.9 : -0.5;
}

Test(direct, persistence_is_learnt_from_the_same_season_of_every_year)
{
    size_t n = 24 * 5 * 366, lead = 12, h = 12;
    unsigned char *ok = malloc(n);
    double *e = malloc(n * sizeof *e), mean[12], var[12];
    uint64_t x = 21;
    for (size_t k = 0; k < n; k++) {
        e[k] = (k >= 24 ? phi_at(k) * e[k - 24] : 0.0) + 0.01 * gauss(&x);
        ok[k] = 1;
    }
    /* a summer and a winter origin of the fifth year, at 00:00 */
    size_t origins[2] = { 24 * (size_t)(4 * 365.2425 + 180), 24 * (size_t)(4 * 365.2425 + 20) };
    for (int c = 0; c < 2; c++) {
        size_t o = origins[c];
        cr_assert_eq(direct_forecast(e, ok, o, lead, h, 3650, mean, var), HR_OK, "%s", hr_last_error());
        double ss = 0;
        for (size_t k = 0; k < h; k++) {
            double d = mean[k] - phi_at(o + lead + k) * e[o + lead + k - 24];
            ss += d * d;
        }
        /* the season's predictor to a few standard errors (rms ~0.002);
         * equal weights on all days miss it by ~0.008 */
        cr_expect(sqrt(ss / (double)h) < 0.005, "origin %d: rms deviation %g", c, sqrt(ss / (double)h));
    }
    free(e);
    free(ok);
}

Test(direct, outlying_training_days_pull_the_fit_little)
{
    size_t days = 365, lead = 12, h = 12;
    size_t o = direct_history(lead, h, days) + 500;
    unsigned char *ok;
    double *e = seasonal_ar(o, 0.01, 9, &ok), mean[12], var[12];
    /* 80 hours, every 4th day of the training year, off by 50 standard
     * deviations, as unmodelled holidays or outages might be: as targets
     * and as features of the neighbouring training days they tilt a
     * least-squares fit (rms deviation 0.015 from the best predictor);
     * the Huber loss bounds their residuals' pull (0.0085; the features'
     * leverage remains) */
    for (size_t i = 0; i < 80; i++) e[o - 24 * (10 + 4 * i) + (7 * i) % 24] += 0.5;
    cr_assert_eq(direct_forecast(e, ok, o, lead, h, days, mean, var), HR_OK);
    double ss = 0;
    for (size_t k = 0; k < h; k++) {
        double d = mean[k] - 0.9 * e[o + lead + k - 24];
        ss += d * d;
    }
    cr_expect(sqrt(ss / (double)h) < 0.011, "rms deviation %g", sqrt(ss / (double)h));
    free(e);
    free(ok);
}

/* An operator's forecast g and the residuals e = g + u it forecasts: g
 * follows the weather (AR(1) 0.95, sd 0.032: the load alone cannot see it
 * a day ahead), the operator's error u = b(hour of day) + v has a fixed
 * hourly bias b (amplitude 0.02) and a short-lived part v (AR(1) 0.9, sd
 * 0.0046). The best day-ahead predictor is g + b + (tiny) with rms error
 * ~0.0046; the operator alone (g) errs by rms(u) ~0.015; the load alone by
 * ~0.03. n hours, g known at every hour (also past the last e). */
static void operator_pair(size_t n, uint64_t seed, double **e, double **g, unsigned char **ok)
{
    *e = malloc(n * sizeof **e), *g = malloc(n * sizeof **g), *ok = malloc(n);
    uint64_t x = seed;
    double gk = 0, v = 0;
    for (size_t k = 0; k < n; k++) {
        gk = 0.95 * gk + 0.01 * gauss(&x);
        v = 0.9 * v + 0.002 * gauss(&x);
        (*g)[k] = gk;
        (*e)[k] = gk + 0.02 * sin(2 * M_PI * (double)(k % 24) / 24.0) + v;
        (*ok)[k] = 1;
    }
}

Test(direct, operator_forecast_corrected_beats_it_and_the_load_alone)
{
    size_t days = 365, lead = 12, h = 24, norig = 20;
    size_t o0 = direct_history(lead, h, days), n = o0 + 24 * norig + lead + h;
    double *e, *g, mean[24], var[24];
    unsigned char *ok;
    operator_pair(n, 77, &e, &g, &ok);
    double s_op = 0, s_g = 0, s_load = 0, s_var = 0;
    for (size_t i = 0; i < norig; i++) {
        size_t o = o0 + 24 * i;
        cr_assert_eq(direct_forecast_op(e, g, ok, o, lead, h, days, mean, var), HR_OK, "%s",
                     hr_last_error());
        for (size_t k = 0; k < h; k++) {
            double y = e[o + lead + k];
            s_op += (mean[k] - y) * (mean[k] - y);
            s_g += (g[o + lead + k] - y) * (g[o + lead + k] - y);
            s_var += var[k];
        }
        cr_assert_eq(direct_forecast(e, ok, o, lead, h, days, mean, var), HR_OK);
        for (size_t k = 0; k < h; k++) s_load += (mean[k] - e[o + lead + k]) * (mean[k] - e[o + lead + k]);
    }
    double m = (double)(norig * h), r_op = sqrt(s_op / m), r_g = sqrt(s_g / m), r_load = sqrt(s_load / m);
    cr_expect(r_op < 0.007, "corrected operator rms %g (best predictor ~0.0046)", r_op);
    cr_expect(r_op < 0.5 * r_g, "corrected %g vs operator alone %g", r_op, r_g);
    cr_expect(r_op < 0.3 * r_load, "corrected %g vs load alone %g", r_op, r_load);
    /* its variances are its own errors' (not the load-alone model's) */
    cr_expect(s_var / m > 0.5 * r_op * r_op && s_var / m < 2 * r_op * r_op, "var %g vs mse %g",
              s_var / m, r_op * r_op);
    free(e);
    free(g);
    free(ok);
}

Test(direct, without_a_usable_operator_forecast_the_load_alone_answers)
{
    size_t days = 200, lead = 12, h = 24;
    size_t o = direct_history(lead, h, days) + 48, n = o + lead + h;
    double *e, *g, m0[24], v0[24], m1[24], v1[24];
    unsigned char *ok;
    operator_pair(n, 5, &e, &g, &ok);
    cr_assert_eq(direct_forecast(e, ok, o, lead, h, days, m0, v0), HR_OK);
    /* no operator forecast at any target: the load-alone forecast, bit for bit */
    double *gn = malloc(n * sizeof *gn);
    memcpy(gn, g, n * sizeof *gn);
    for (size_t k = o; k < n; k++) gn[k] = NAN;
    cr_assert_eq(direct_forecast_op(e, gn, ok, o, lead, h, days, m1, v1), HR_OK);
    cr_expect(memcmp(m0, m1, sizeof m0) == 0 && memcmp(v0, v1, sizeof v0) == 0);
    /* ... at some targets: those leads are the load alone's, the others not */
    memcpy(gn, g, n * sizeof *gn);
    for (size_t k = 0; k < h; k += 3) gn[o + lead + k] = NAN;
    cr_assert_eq(direct_forecast_op(e, gn, ok, o, lead, h, days, m1, v1), HR_OK);
    for (size_t k = 0; k < h; k++)
        cr_expect(k % 3 ? m1[k] != m0[k] : m1[k] == m0[k] && v1[k] == v0[k], "lead %zu", k);
    /* an operator off by a factor 2.5 all along is a data fault, not a
     * forecast: no operator training day is left, the load alone answers */
    for (size_t k = 0; k < n; k++) gn[k] = g[k] - 0.9;
    cr_assert_eq(direct_forecast_op(e, gn, ok, o, lead, h, days, m1, v1), HR_OK);
    cr_expect(memcmp(m0, m1, sizeof m0) == 0 && memcmp(v0, v1, sizeof v0) == 0);
    free(gn);
    free(e);
    free(g);
    free(ok);
}

/* direct_forecast_many is direct_forecast_op at each origin (to rounding:
 * the normal equations are summed in another order, which moves the
 * forecasts by ~1e-12 here; a wrong row or weight moves them by ~1e-4),
 * for origins at two
 * hours of day in one call, with gaps in e and g, an origin with too few
 * training days (used = 0, as direct_forecast's HR_EDATA), and more
 * origins than one batch holds. */
Test(direct, many_origins_match_one_at_a_time)
{
    size_t days = 200, lead = 12, h = 24;
    size_t n = direct_history(lead, h, days) + 24 * 60 + 48;
    double *e, *g;
    unsigned char *ok;
    operator_pair(n, 31, &e, &g, &ok);
    for (size_t k = 2000; k < 2100; k++) e[k] = NAN, ok[k] = 0;
    for (size_t k = 3001; k < n; k += 97) g[k] = NAN;
    for (size_t k = 4000; k < 4030; k++) g[k] = NAN;
    enum { NO = 50 };
    size_t o[NO];
    o[0] = 24 * 20 + 168; /* too few days */
    for (size_t i = 1; i < NO; i++) /* two hours of day, days out of order */
        o[i] = n - lead - h - 24 * ((i * 7) % 45) - (i % 3 == 0 ? 5 : 0);
    double *m = malloc(NO * h * sizeof *m), *v = malloc(NO * h * sizeof *v), m1[24], v1[24];
    unsigned char used[NO];
    for (int op = 0; op < 2; op++) {
        const double *gg = op ? g : NULL;
        cr_assert_eq(direct_forecast_many(e, gg, ok, o, NO, lead, h, days, m, v, used), HR_OK, "%s",
                     hr_last_error());
        cr_expect_eq(used[0], 0);
        cr_expect_eq(direct_forecast(e, ok, o[0], lead, h, days, m1, v1), HR_EDATA);
        for (size_t i = 1; i < NO; i++) {
            cr_assert_eq(used[i], 1, "origin %zu", i);
            int st = op ? direct_forecast_op(e, g, ok, o[i], lead, h, days, m1, v1)
                        : direct_forecast(e, ok, o[i], lead, h, days, m1, v1);
            cr_assert_eq(st, HR_OK);
            for (size_t k = 0; k < h; k++) {
                cr_expect(fabs(m[i * h + k] - m1[k]) < 1e-9, "op %d origin %zu lead %zu: %.17g vs %.17g",
                          op, i, k, m[i * h + k], m1[k]);
                cr_expect(fabs(v[i * h + k] - v1[k]) < 1e-7 * v1[k], "op %d origin %zu lead %zu var", op,
                          i, k);
            }
        }
    }
    free(m);
    free(v);
    free(e);
    free(g);
    free(ok);
}
