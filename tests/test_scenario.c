/* test_scenario.c — year-ahead load scenarios (src/model/scenario.c, hr_scenarios).
 *
 * References: (1) a seeded generator written here (its own splitmix64 +
 * Box-Muller, no library code) of regions with known dynamics: daily, weekly
 * and annual shape, a persistent weather-like AR(1) temperature anomaly
 * (e-folding 60 h) with summer heat waves driving a convex cooling load, AR
 * load noise and 1 %/yr multiplicative growth; (2) the binomial
 * distribution, summed exactly here, for the calibration counts; (3) the
 * bootstrap's defining property checked by brute-force search here: with an
 * intercept-only model (mean mu, residual ratios y/mu - 1) every path is a
 * concatenation of week-long stretches of the training load copied from the
 * same hours of the year, shifted by whole days within +-3; with an exactly
 * linear temperature model every path is 1000 + 30 T of one shifted
 * training year; (4) the growth factor (1 + g)^(hours since the end of
 * training / 8766) computed by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "headroom.h"
#include "helpers.h"
#include "model/scenario.h"
#include "ingest/series.h"

/* ---------------------------------------------------------------- generator */

typedef struct {
    uint64_t x;
    int have;
    double spare;
} grng;

static uint64_t g_next(grng *g)
{
    uint64_t z = (g->x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double g_unif(grng *g) { return ((double)(g_next(g) >> 11) + 0.5) * 0x1.0p-53; }
static double g_norm(grng *g)
{
    if (g->have) {
        g->have = 0;
        return g->spare;
    }
    double u = g_unif(g), v = g_unif(g), r = sqrt(-2 * log(u));
    g->spare = r * sin(2 * M_PI * v);
    g->have = 1;
    return r * cos(2 * M_PI * v);
}

/* n hourly values of load (MW) and temperature (deg C) from y0-01-01 UTC
 * for nyears years. Known dynamics (UTC clock; one region):
 *   T = 14 - 11 cos(2 pi (doy - 20)/365.25) + 4 cos(2 pi (h - 15)/24) + W + HW,
 *   W AR(1), phi = exp(-1/60), sd 3.5; HW: heat waves in Jun-Aug starting
 *   with probability 1/480 per hour, 72-120 h long, 4-8 deg C, sine-shaped;
 *   load = 1000 (1.01)^(k/8766) [D(h) Wk(wd) + 0.012 (T-20)+^1.5
 *          + 0.008 (10-T)+^1.2] exp(e), e AR(1) phi 0.9 sd 1 %. */
static size_t gen_region_ex(uint64_t seed, int y0, int nyears, double growth, double level_sd, double **load,
                            double **temp);
static size_t gen_region(uint64_t seed, int y0, int nyears, double **load, double **temp)
{
    return gen_region_ex(seed, y0, nyears, 0.01, 0.0, load, temp);
}

/* The same with annual growth `growth` and a level shock per calendar
 * year: load times exp(a_y), a_y ~ N(0, level_sd^2) independent (the
 * economy, efficiency, new loads: what moves a year's level besides its
 * weather), drawn from a stream of their own. */
static size_t gen_region_ex(uint64_t seed, int y0, int nyears, double growth, double level_sd, double **load,
                            double **temp)
{
    int64_t t0 = utc(y0, 1, 1, 0);
    size_t n = (size_t)((utc(y0 + nyears, 1, 1, 0) - t0) / 3600);
    double *L = malloc(n * sizeof *L), *T = malloc(n * sizeof *T);
    grng g = {seed * 0x2545F4914F6CDD1Dull + 17, 0, 0}, gl = {seed * 0x9E3779B97F4A7C15ull + 5, 0, 0};
    double phi = exp(-1.0 / 60), W = 3.5 * g_norm(&g), e = 0, lev = 0;
    int cur_year = -1;
    int hw_left = 0, hw_len = 0;
    double hw_amp = 0;
    for (size_t k = 0; k < n; k++) {
        int64_t t = t0 + 3600 * (int64_t)k;
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        double doy = tm.tm_yday + tm.tm_hour / 24.0, h = tm.tm_hour;
        if (tm.tm_year != cur_year) cur_year = tm.tm_year, lev = level_sd > 0 ? level_sd * g_norm(&gl) : 0.0;
        W = phi * W + 3.5 * sqrt(1 - phi * phi) * g_norm(&g);
        if (hw_left == 0 && tm.tm_mon >= 5 && tm.tm_mon <= 7 && g_unif(&g) < 1.0 / 480) {
            hw_len = hw_left = 72 + (int)(48 * g_unif(&g));
            hw_amp = 4 + 4 * g_unif(&g);
        }
        double hw = 0;
        if (hw_left > 0) {
            hw = hw_amp * sin(M_PI * (double)(hw_len - hw_left) / hw_len);
            hw_left--;
        }
        double Tt = 14 - 11 * cos(2 * M_PI * (doy - 20) / 365.25) + 4 * cos(2 * M_PI * (h - 15) / 24) + W + hw;
        double D = 1 + 0.12 * sin(2 * M_PI * (h - 9) / 24) + 0.05 * cos(4 * M_PI * (h - 18) / 24);
        double Wk = (tm.tm_wday == 0 || tm.tm_wday == 6) ? 0.92 : 1.0;
        double cool = Tt > 20 ? 0.012 * pow(Tt - 20, 1.5) : 0, heat = Tt < 10 ? 0.008 * pow(10 - Tt, 1.2) : 0;
        e = 0.9 * e + 0.01 * sqrt(1 - 0.81) * g_norm(&g);
        L[k] = 1000 * pow(1 + growth, (double)k / 8766) * (D * Wk + cool + heat) * exp(e + lev);
        T[k] = Tt;
    }
    *load = L;
    if (temp) *temp = T;
    else free(T);
    return n;
}

/* P(X <= k), X ~ Binomial(n, p), summed exactly. */
static double pbinom(int k, int n, double p)
{
    double s = 0;
    for (int i = 0; i <= k && i <= n; i++)
        s += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) + i * log(p) + (n - i) * log1p(-p));
    return s;
}

static hr_model *fit(const hr_series *s, const char *spec, int64_t to_utc)
{
    hr_fit_opts fo;
    hr_fit_opts_init(&fo);
    fo.spec_text = spec;
    fo.to_utc = to_utc;
    hr_model *m = NULL;
    int st = hr_model_fit(s, 0, &fo, &m);
    cr_assert_eq(st, HR_OK, "fit: %s", hr_last_error());
    return m;
}

static hr_series *series_of(const double *load, size_t n, int64_t t0)
{
    int64_t *t = malloc(n * sizeof *t);
    for (size_t k = 0; k < n; k++) t[k] = t0 + 3600 * (int64_t)k;
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("SIM", t, load, n, 0, &s), HR_OK, "%s", hr_last_error());
    free(t);
    return s;
}

/* the test's model: UTC calendar (the series has no zone), trend, logs,
 * AR(1) errors (so the conditional-mean blend runs too) */
static const char *const CAL_SPEC = "name cal\n"
                                    "term intercept trend month weekday hour fourier_annual(2)\n"
                                    "transform log\n"
                                    "errors arima 1 0 0 0 0 0 1\n";

/* ---------------------------------------------------------------- calibration */

/* Over R replicate regions (the generator above with 1 %/yr growth and a
 * level shock per year of SCEN_LEVEL_SD0, the spread the method's prior
 * assumes: the machinery must be calibrated when the truth follows its
 * assumptions; bench/forecast_calibration.sh measures it on real years):
 * fit on NYT years, forecast the next one
 * with hr_outlook_run (no hindcast calibration: the generator is the
 * method's own reference), and count per budget how often the realised
 * headroom (against the training years' seasonal thresholds, which the
 * forecast states) falls in [P10, P90]. Returns the counts in inside[4]. */
static const double BUDGETS[4] = {0.25, 0.5, 1, 5};

static void coverage_run(int R, int NYT, int seed0, int *inside, double *med_ratio)
{
    enum { Y0 = 2013 };
    const int Yh = Y0 + NYT;
    double *ratio = malloc((size_t)R * 4 * sizeof *ratio);
    int nr[4] = {0};
    for (int j = 0; j < 4; j++) inside[j] = 0;
    for (int rep = 0; rep < R; rep++) {
        double *L;
        size_t n = gen_region_ex((uint64_t)(seed0 + rep), Y0, NYT + 1, 0.01, SCEN_LEVEL_SD0, &L, NULL);
        hr_series *s = series_of(L, n, utc(Y0, 1, 1, 0));
        hr_fit_opts fo;
        hr_fit_opts_init(&fo);
        fo.spec_text = CAL_SPEC;
        hr_assess_opts ao;
        hr_assess_opts_init(&ao);
        hr_outlook_opts oo;
        hr_outlook_opts_init(&oo);
        oo.year_from = Yh;
        oo.scenarios = 100;
        oo.calibrate = 0;
        oo.seed = 77 + (uint64_t)rep;
        hr_outlook out;
        cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &out), HR_OK, "%s", hr_last_error());
        const hr_outlook_year *y = &out.y[0];
        cr_assert_eq(y->hist_year_to, Yh - 1);
        hr_assess_opts ro = ao;
        ro.year_from = ro.year_to = Yh;
        ro.threshold_kind = HR_THRESH_CAPACITY;
        ro.threshold_summer_mw = y->threshold_summer_mw;
        ro.threshold_winter_mw = y->threshold_winter_mw;
        hr_assessment real;
        cr_assert_eq(hr_assess(s, 0, &ro, &real), HR_OK, "%s", hr_last_error());
        for (int j = 0; j < 4; j++) {
            double h = real.rows[j].headroom_mw;
            inside[j] += h >= y->p10_mw[j] && h <= y->p90_mw[j];
            if (y->p50_mw[j] > 0) ratio[j * R + nr[j]++] = h / y->p50_mw[j];
        }
        hr_series_free(s);
        free(L);
    }
    for (int j = 0; j < 4; j++) {
        double *r = ratio + j * R;
        for (int i = 1; i < nr[j]; i++) /* insertion sort: R is small */
            for (int k = i; k > 0 && r[k] < r[k - 1]; k--) {
                double t = r[k];
                r[k] = r[k - 1], r[k - 1] = t;
            }
        med_ratio[j] = nr[j] ? (nr[j] % 2 ? r[nr[j] / 2] : 0.5 * (r[nr[j] / 2 - 1] + r[nr[j] / 2])) : NAN;
    }
    free(ratio);
}

/* Coverage at every budget over R = 256 replicates (64 under make
 * check-asan, HR_ASAN, ~10x slower): at least the smallest count a
 * calibrated method reaches with probability 0.999 (Binomial(R, 0.8):
 * 184 of 256, 72 %), at most 92 % or the largest count such a method
 * reaches with probability 0.999, whichever is more (too wide is
 * miscalibrated too).
 * Measured (R = 256): 6 training years 73-74 % (median realised/P50
 * 0.87-0.95: the shrunk trend under-forecasts the generator's steady
 * 1 %/yr growth); one year 84-91 % (the prior's t_4 level is wider than
 * this generator's level shocks need). */
static void check_coverage(int NYT, int seed0)
{
    const int R = getenv("HR_ASAN") ? 64 : 256;
    int inside[4];
    double med[4];
    coverage_run(R, NYT, seed0, inside, med);
    int lo = 0, hi = R;
    while (pbinom(lo, R, 0.8) <= 0.001) lo++;
    while (hi > 0 && 1 - pbinom(hi - 1, R, 0.8) <= 0.001) hi--;
    if (hi < (int)floor(0.92 * R)) hi = (int)floor(0.92 * R);
    for (int j = 0; j < 4; j++) {
        cr_log_info("%d training year(s), budget %g %%: %d of %d inside P10-P90 (bounds %d-%d), median "
                    "realised/P50 %.3f", NYT, BUDGETS[j], inside[j], R, lo, hi, med[j]);
        cr_expect(inside[j] >= lo && inside[j] <= hi, "%d training year(s), budget %g %%: %d of %d inside P10-P90, "
                  "outside %d-%d", NYT, BUDGETS[j], inside[j], R, lo, hi);
    }
}

Test(scenario, calibration_six_years, .timeout = 600) { check_coverage(6, 1000); }
Test(scenario, calibration_one_year, .timeout = 600) { check_coverage(1, 5000); }

/* ---------------------------------------------------------------- reproducibility */

Test(scenario, reproducible_and_independent_of_S)
{
    double *L;
    size_t n = gen_region(5, 2015, 3, &L, NULL);
    hr_series *s = series_of(L, n, utc(2015, 1, 1, 0));
    hr_model *m = fit(s, CAL_SPEC, INT64_MAX);
    size_t nh = hr_year_hours(2018);
    cr_assert_eq(nh, 8760); /* 2018 is not a leap year */
    cr_assert_eq(hr_year_hours(2020), 8784);
    cr_assert_eq(hr_year_hours(2100), 8760); /* Gregorian century rule */
    double *a = malloc(8 * nh * sizeof *a), *b = malloc(8 * nh * sizeof *b), *c = malloc(3 * nh * sizeof *c);
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 8, 0, 42, a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(hr_scenarios(m, s, (size_t)-1, 2018, 8, 0, 42, b), HR_OK, "%s", hr_last_error());
    cr_assert(memcmp(a, b, 8 * nh * sizeof *a) == 0, "same seed, different paths");
    /* a path depends on (seed, p) only: the first 3 of 8 equal 3 of 3 */
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 3, 0, 42, c), HR_OK);
    cr_assert(memcmp(a, c, 3 * nh * sizeof *a) == 0, "paths depend on S");
    /* another seed gives other paths; paths differ from each other */
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 8, 0, 43, b), HR_OK);
    cr_assert(memcmp(a, b, nh * sizeof *a) != 0);
    cr_assert(memcmp(a, a + nh, nh * sizeof *a) != 0);
    for (size_t k = 0; k < 8 * nh; k++) cr_assert(isfinite(a[k]) && a[k] > 0, "path value %zu = %g", k, a[k]);
    free(a), free(b), free(c);
    hr_model_free(m);
    hr_series_free(s);
    free(L);
}

/* ---------------------------------------------------------------- growth */

Test(scenario, growth_scales_by_compound_factor)
{
    double *L;
    size_t n = gen_region(9, 2015, 3, &L, NULL);
    hr_series *s = series_of(L, n, utc(2015, 1, 1, 0));
    hr_model *m = fit(s, CAL_SPEC, INT64_MAX); /* training ends 2017-12-31T23:00Z */
    size_t nh = hr_year_hours(2019);
    double *a = malloc(4 * nh * sizeof *a), *b = malloc(4 * nh * sizeof *b);
    cr_assert_eq(hr_scenarios(m, s, 0, 2019, 4, 0.0, 3, a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(hr_scenarios(m, s, 0, 2019, 4, 2.5, 3, b), HR_OK, "%s", hr_last_error());
    /* hour k of 2019 lies 8760 + k hours after the first hour after training */
    for (size_t p = 0; p < 4; p++)
        for (size_t k = 0; k < nh; k += 97) {
            double f = pow(1.025, (8760.0 + (double)k) / 8766.0);
            cr_assert(rel_eq(b[p * nh + k], a[p * nh + k] * f, 1e-12), "p %zu k %zu: %g vs %g x %g", p, k,
                      b[p * nh + k], a[p * nh + k], f);
        }
    /* the year right after training: growth starts at 1 */
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 1, 0.0, 3, a), HR_OK);
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 1, 2.5, 3, b), HR_OK);
    cr_assert(rel_eq(b[0], a[0], 1e-14));
    cr_assert(rel_eq(b[8759], a[8759] * pow(1.025, 8759.0 / 8766.0), 1e-12));
    free(a), free(b);
    hr_model_free(m);
    hr_series_free(s);
    free(L);
}

/* ---------------------------------------------------------------- bootstrap structure */

/* Intercept-only model: mu is constant, the residual ratio is y/mu - 1, so
 * path hour = mu (1 + lambda + y_s/mu - 1) = y_s + mu lambda: a training hour
 * plus the path's level shift (one constant per path). Each
 * SCEN_BLOCK_HOURS block of a path must equal the training load at the same
 * hours of some training year shifted by d whole days, |d| <= SCEN_SHIFT_DAYS,
 * plus that constant. */
Test(scenario, blocks_are_shifted_stretches_of_history)
{
    enum { Y0 = 2014, NY = 3 };
    int64_t t0 = utc(Y0, 1, 1, 0);
    double *L;
    size_t n = gen_region(21, Y0, NY, &L, NULL);
    hr_series *s = series_of(L, n, t0);
    hr_model *m = fit(s, "name icpt\nterm intercept\nerrors none\n", INT64_MAX);
    const int Y = 2018;
    size_t nh = hr_year_hours(Y), S = 12;
    double *P = malloc(S * nh * sizeof *P);
    cr_assert_eq(hr_scenarios(m, s, 0, Y, S, 0, 11, P), HR_OK, "%s", hr_last_error());
    size_t nblk = nh / SCEN_BLOCK_HOURS;
    int shifts_seen[2 * SCEN_SHIFT_DAYS + 1] = {0}, years_seen[NY] = {0};
    for (size_t p = 0; p < S; p++) {
        /* the offsets mu (lambda - ebar_c) of a path: one per training
         * year c whose residuals a stretch comes from */
        double offs[8];
        int noff = 0;
        for (size_t j = 0; j < nblk; j++) {
            size_t off = j * SCEN_BLOCK_HOURS, len = j + 1 < nblk ? SCEN_BLOCK_HOURS : nh - off;
            int found = 0;
            for (int y = Y0; y < Y0 + NY && !found; y++)
                for (int d = -SCEN_SHIFT_DAYS; d <= SCEN_SHIFT_DAYS && !found; d++) {
                    int64_t st = (utc(y, 1, 1, 0) - t0) / 3600 + (int64_t)off + 24 * d;
                    if (st < 0 || st + (int64_t)len > (int64_t)n) continue;
                    /* the path differs from history by a constant, which may
                     * step once where the stretch crosses from one training
                     * year's residuals into the next's */
                    double c = P[p * nh + off] - L[st], c2 = NAN;
                    size_t i = 0;
                    while (i < len) {
                        double dlt = P[p * nh + off + i] - L[st + (int64_t)i];
                        if (fabs(dlt - c) < 1e-7) i++;
                        else if (isnan(c2)) c2 = c, c = dlt;
                        else break;
                    }
                    if (i < len) continue;
                    found = 1;
                    shifts_seen[d + SCEN_SHIFT_DAYS]++;
                    years_seen[y - Y0]++;
                    double cs[2] = {c, c2};
                    for (int q = 0; q < 2; q++) {
                        if (isnan(cs[q])) continue;
                        int have = 0;
                        for (int u = 0; u < noff; u++) have |= fabs(offs[u] - cs[q]) < 1e-7;
                        if (!have && noff < 8) offs[noff++] = cs[q];
                    }
                }
            cr_assert(found, "path %zu block %zu (hours %zu..%zu) is no shifted stretch of history", p, j, off,
                      off + len - 1);
        }
        cr_assert_leq(noff, NY, "path %zu: %d different offsets from history, at most one per training year", p,
                      noff);
    }
    /* the draws use every year and every shift (12 paths over 3 base years
     * and 7 shifts) */
    for (int d = 0; d <= 2 * SCEN_SHIFT_DAYS; d++) cr_assert_gt(shifts_seen[d], 0, "shift %d never drawn", d - 3);
    for (int y = 0; y < NY; y++) cr_assert_gt(years_seen[y], 0, "year %d never drawn", Y0 + y);
    free(P);
    hr_model_free(m);
    hr_series_free(s);
    free(L);
}

/* Weather model: load = 1000 + 30 T exactly, model intercept + T. Every
 * path must be (1000 + 30 T)(1 + lambda) of one training year shifted by
 * whole days (the residuals are 0; lambda is the path's level). */
Test(scenario, weather_model_uses_shifted_weather_years)
{
    enum { Y0 = 2014, NY = 3 };
    int64_t t0 = utc(Y0, 1, 1, 0);
    double *L, *T;
    size_t n = gen_region(33, Y0, NY, &L, &T);
    for (size_t k = 0; k < n; k++) L[k] = 1000 + 30 * T[k];
    hr_series *s = series_new();
    series_region *r = series_add_region(s, "W", t0, n);
    cr_assert(r);
    double *lc = series_add_col(r, "load_mw"), *tc = series_add_col(r, "temp_c");
    memcpy(lc, L, n * sizeof *L);
    memcpy(tc, T, n * sizeof *T);
    hr_model *m = fit(s, "name wx\nterm intercept T\nerrors none\n", INT64_MAX);
    const int Y = 2019;
    size_t nh = hr_year_hours(Y), S = 6;
    double *P = malloc(S * nh * sizeof *P);
    cr_assert_eq(hr_scenarios(m, s, 0, Y, S, 0, 5, P), HR_OK, "%s", hr_last_error());
    for (size_t p = 0; p < S; p++) {
        int found = 0;
        for (int y = Y0; y < Y0 + NY && !found; y++)
            for (int d = -SCEN_SHIFT_DAYS; d <= SCEN_SHIFT_DAYS && !found; d++) {
                int64_t st = (utc(y, 1, 1, 0) - t0) / 3600 + 24 * d;
                if (st < 0 || st + (int64_t)nh > (int64_t)n) continue;
                size_t i = 0;
                double f = P[p * nh] / (1000 + 30 * T[st]);
                /* tolerance: the OLS fit of an exact line, rounding only */
                while (i < nh && fabs(P[p * nh + i] - f * (1000 + 30 * T[st + (int64_t)i])) < 1e-6) i++;
                found = i == nh;
            }
        cr_assert(found, "path %zu is not 1000 + 30 T of a shifted training year", p);
    }
    /* a weather model without temperatures in the series */
    hr_series *s2 = series_of(L, n, t0);
    cr_assert_eq(hr_scenarios(m, s2, 0, Y, 1, 0, 5, P), HR_ENOTFOUND);
    hr_series_free(s2);
    free(P);
    hr_model_free(m);
    hr_series_free(s);
    free(L);
    free(T);
}

/* ---------------------------------------------------------------- errors */

Test(scenario, rejects_bad_input)
{
    double *L;
    size_t n = gen_region(3, 2016, 2, &L, NULL);
    hr_series *s = series_of(L, n, utc(2016, 1, 1, 0));
    hr_model *m = fit(s, "name hr\nterm intercept hour\nerrors none\n", INT64_MAX);
    double *P = malloc(8784 * sizeof *P);
    cr_assert_eq(hr_scenarios(NULL, s, 0, 2018, 1, 0, 1, P), HR_EINVAL);
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 0, 0, 1, P), HR_EINVAL);
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 1, -100, 1, P), HR_EINVAL);
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 1, NAN, 1, P), HR_EINVAL);
    cr_assert_eq(hr_scenarios(m, s, 3, 2018, 1, 0, 1, P), HR_EINVAL);
    hr_model_free(m);
    /* load lags need the simulated load itself */
    m = fit(s, "name lag\nterm intercept lag(24)\nerrors none\n", INT64_MAX);
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 1, 0, 1, P), HR_EINVAL);
    hr_model_free(m);
    /* 20 weeks of training cannot cover every week of a year */
    m = fit(s, "name hr\nterm intercept hour\nerrors none\n", utc(2016, 5, 20, 0));
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 1, 0, 1, P), HR_EDATA);
    cr_assert(strstr(hr_last_error(), "every week") != NULL, "%s", hr_last_error());
    hr_model_free(m);
    /* a trend fitted on one year is not extrapolated: held at its value at
     * the end of training, so two later years have the same level, where
     * the fitted trend alone would move it by more than 1 % a year */
    m = fit(s, "name tr\nterm intercept trend hour\nerrors none\n", utc(2016, 12, 31, 23));
    double *P2 = malloc(20 * 8784 * sizeof *P2), mean[2] = {0, 0}, b0 = NAN, bt = NAN;
    hr_model_info mi;
    cr_assert_eq(hr_model_info_get(m, &mi), HR_OK);
    for (size_t i = 0; i < mi.ncoef; i++) {
        const char *nm;
        double v, se;
        cr_assert_eq(hr_model_coef(m, i, &nm, &v, &se), HR_OK);
        if (!strcmp(nm, "trend")) bt = v;
        if (!strcmp(nm, "intercept")) b0 = v;
    }
    for (int y = 0; y < 2; y++) {
        size_t nh = hr_year_hours(2018 + y);
        cr_assert_eq(hr_scenarios(m, s, 0, 2018 + y, 20, 0, 1, P2), HR_OK, "%s", hr_last_error());
        for (size_t k = 0; k < 20 * nh; k++) mean[y] += P2[k] / (double)(20 * nh);
    }
    cr_assert(fabs(bt) * 8760 > 0.01 * b0, "trend %g per hour, intercept %g: the check has no teeth", bt, b0);
    cr_assert(fabs(mean[1] / mean[0] - 1) < 0.003, "means %g, %g", mean[0], mean[1]);
    /* a trend inside an interaction cannot be held */
    hr_model_free(m);
    m = fit(s, "name tr2\nterm intercept trend:hour hour\nerrors none\n", utc(2016, 12, 31, 23));
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, 1, 0, 1, P), HR_EDATA);
    free(P2);
    hr_model_free(m);
    free(P);
    hr_series_free(s);
    free(L);
}
