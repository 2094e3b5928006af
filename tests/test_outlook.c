/* test_outlook.c — forward headroom (src/outlook/outlook.c: hr_outlook_run,
 * hr_hindcast_run). References: a seeded synthetic region (its own
 * splitmix64 + Box-Muller here, no library code): daily and annual shape,
 * AR(1) noise; the committed-load ramp and the threshold growth computed
 * by hand; hr_assess on the same data for the historical columns. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "headroom.h"
#include "helpers.h"

static uint64_t sm(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double nrm(uint64_t *x)
{
    double u = ((double)(sm(x) >> 11) + 0.5) * 0x1.0p-53, v = ((double)(sm(x) >> 11) + 0.5) * 0x1.0p-53;
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* nyears of hourly load from y0-01-01 UTC: 1000 (1 + 0.25 cos(annual) +
 * 0.1 sin(daily)) exp(e), e AR(1) phi 0.95 sd 3 %; level * (1 + g)^years. */
static hr_series *region(uint64_t seed, int y0, int nyears, double g)
{
    int64_t t0 = utc(y0, 1, 1, 0);
    size_t n = (size_t)((utc(y0 + nyears, 1, 1, 0) - t0) / 3600);
    double *L = malloc(n * sizeof *L);
    int64_t *t = malloc(n * sizeof *t);
    double e = 0;
    for (size_t k = 0; k < n; k++) {
        t[k] = t0 + 3600 * (int64_t)k;
        double d = (double)k / 24.0;
        e = 0.95 * e + 0.03 * sqrt(1 - 0.95 * 0.95) * nrm(&seed);
        L[k] = 1000 * pow(1 + g, d / 365.25) * (1 + 0.25 * cos(2 * M_PI * (d - 200) / 365.25) +
                                                 0.1 * sin(2 * M_PI * (double)(k % 24) / 24)) * exp(e);
    }
    hr_series *s = NULL;
    cr_assert_eq(hr_series_from_arrays("R", t, L, n, 0, &s), HR_OK, "%s", hr_last_error());
    free(L);
    free(t);
    return s;
}

static const char *const SPEC = "name t\nterm intercept trend hour fourier_annual(2)\ntransform log\nerrors none\n";

static void opts(hr_fit_opts *fo, hr_assess_opts *ao, hr_outlook_opts *oo, int y1, int y2)
{
    hr_fit_opts_init(fo);
    fo->spec_text = SPEC;
    hr_assess_opts_init(ao);
    hr_outlook_opts_init(oo);
    oo->year_from = y1;
    oo->year_to = y2;
    oo->scenarios = 60;
    oo->calibrate = 0;
}

/* Years, training window, study years, thresholds and history are stated
 * and equal hr_assess on the study years; more years, one row each. */
Test(outlook, states_what_it_is)
{
    hr_series *s = region(3, 2015, 3, 0.0);
    hr_fit_opts fo;
    hr_assess_opts ao;
    hr_outlook_opts oo;
    opts(&fo, &ao, &oo, 2018, 2020);
    hr_outlook out;
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &out), HR_OK, "%s", hr_last_error());
    cr_assert_eq(out.nyears, 3);
    hr_assessment a;
    cr_assert_eq(hr_assess(s, 0, &ao, &a), HR_OK);
    for (size_t k = 0; k < 3; k++) {
        const hr_outlook_year *y = &out.y[k];
        cr_assert_eq(y->year, 2018 + (int)k);
        cr_assert_eq(y->train_from_utc, utc(2015, 1, 1, 0));
        cr_assert_eq(y->train_to_utc, utc(2017, 12, 31, 23));
        cr_assert_eq(y->hist_year_from, 2015);
        cr_assert_eq(y->hist_year_to, 2017);
        cr_assert_eq(y->scenarios, 60);
        cr_assert_float_eq(y->threshold_summer_mw, a.threshold_summer_mw, 1e-9);
        cr_assert_float_eq(y->threshold_winter_mw, a.threshold_winter_mw, 1e-9);
        for (size_t j = 0; j < ao.nbudgets; j++) {
            cr_assert_float_eq(y->headroom_hist_mw[j], a.rows[j].headroom_mw, 1e-9);
            cr_assert(y->p10_mw[j] <= y->p50_mw[j] && y->p50_mw[j] <= y->p90_mw[j]);
            cr_assert_eq(y->spread[j], 1.0);
        }
    }
    /* a year further from the data is less certain (its level's random walk) */
    const size_t j5 = ao.nbudgets - 1;
    cr_assert_gt(out.y[2].p90_mw[j5] - out.y[2].p10_mw[j5], out.y[0].p90_mw[j5] - out.y[0].p10_mw[j5]);
    hr_series_free(s);
}

/* A committed load consumes headroom before the new load: its ramp's mean
 * by hand, and the quantiles equal those of the same paths plus the ramp
 * through hr_assess_paths; threshold growth g scales the thresholds by
 * (1 + g)^(Y - last study year). */
Test(outlook, committed_and_threshold_growth)
{
    hr_series *s = region(5, 2015, 3, 0.0);
    hr_fit_opts fo;
    hr_assess_opts ao;
    hr_outlook_opts oo;
    opts(&fo, &ao, &oo, 2018, 2019);
    ao.budgets_pct[0] = 5;
    ao.nbudgets = 1;
    hr_outlook base, com, tg;
    /* thresholds 10 %/yr up, so that every path has headroom to lose */
    oo.threshold_growth_pct = 10;
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &base), HR_OK, "%s", hr_last_error());
    hr_committed_load c = {.region = "R", .start_utc = utc(2016, 1, 1, 0), .mw = 10, .ramp_days = 365};
    oo.committed = &c;
    oo.ncommitted = 1;
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &com), HR_OK, "%s", hr_last_error());
    for (size_t k = 0; k < 2; k++) {
        cr_assert_float_eq(com.y[k].committed_mw, 10, 1e-9);
        cr_assert(base.y[k].p50_mw[0] > 20, "test needs headroom above the committed load (%g)", base.y[k].p50_mw[0]);
        cr_assert_lt(com.y[k].p50_mw[0], base.y[k].p50_mw[0]);
    }
    /* starting mid-2018 with a 100-day ramp: the mean over 2018 by hand */
    c.start_utc = utc(2018, 7, 1, 0);
    c.ramp_days = 100;
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &com), HR_OK, "%s", hr_last_error());
    double sum = 0;
    for (int64_t t = utc(2018, 1, 1, 0); t < utc(2019, 1, 1, 0); t += 3600) {
        double r = t < c.start_utc ? 0 : (double)(t - c.start_utc) / (86400.0 * 100);
        sum += 10 * (r > 1 ? 1 : r);
    }
    cr_assert_float_eq(com.y[0].committed_mw, sum / 8760, 1e-9);
    cr_assert_float_eq(com.y[1].committed_mw, 10, 1e-9);
    /* by hand: the same paths (model fitted on the hours before 2018, the
     * first year's seed), the ramp added, headroom at the grown thresholds */
    hr_model *m = NULL;
    fo.to_utc = utc(2017, 12, 31, 23);
    cr_assert_eq(hr_model_fit(s, 0, &fo, &m), HR_OK, "%s", hr_last_error());
    const size_t nh = 8760, S = oo.scenarios;
    double *P = malloc(S * nh * sizeof *P), q[3];
    cr_assert_eq(hr_scenarios(m, s, 0, 2018, S, 0, oo.seed, P), HR_OK, "%s", hr_last_error());
    for (size_t p = 0; p < S; p++)
        for (size_t k = 0; k < nh; k++) {
            int64_t t = utc(2018, 1, 1, 0) + 3600 * (int64_t)k;
            double r = t < c.start_utc ? 0 : (double)(t - c.start_utc) / (86400.0 * 100);
            P[p * nh + k] += 10 * (r > 1 ? 1 : r);
        }
    cr_assert_eq(hr_assess_paths(utc(2018, 1, 1, 0), P, nh, S, com.y[0].threshold_summer_mw,
                                 com.y[0].threshold_winter_mw, &ao, NULL, q), HR_OK);
    cr_assert_float_eq(com.y[0].p10_mw[0], q[0], 1e-9);
    cr_assert_float_eq(com.y[0].p50_mw[0], q[1], 1e-9);
    cr_assert_float_eq(com.y[0].p90_mw[0], q[2], 1e-9);
    free(P);
    hr_model_free(m);
    oo.ncommitted = 0;
    oo.threshold_growth_pct = 0;
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &tg), HR_OK, "%s", hr_last_error());
    for (size_t k = 0; k < 2; k++) {
        double f = 1 / pow(1.10, (double)(2018 + (int)k - 2017));
        cr_assert_float_eq(tg.y[k].threshold_summer_mw, base.y[k].threshold_summer_mw * f, 1e-6);
        cr_assert_float_eq(tg.y[k].threshold_winter_mw, base.y[k].threshold_winter_mw * f, 1e-6);
        cr_assert_leq(tg.y[k].p50_mw[0], base.y[k].p50_mw[0]);
    }
    hr_series_free(s);
}

/* One year of history whose fitted trend is steep (the annual ramp of a
 * year that ends high): the forecast's mean level stays the training
 * year's, within the level the data can support (P10-P90 of the mean
 * path load within +-10 %; the level prior's spread is 2.5 %). */
Test(outlook, one_year_level_does_not_jump)
{
    hr_series *s = region(11, 2019, 1, 0.3); /* +30 %/yr inside the year */
    hr_fit_opts fo;
    hr_assess_opts ao;
    hr_outlook_opts oo;
    opts(&fo, &ao, &oo, 2020, 0);
    hr_model *m = NULL;
    cr_assert_eq(hr_model_fit(s, 0, &fo, &m), HR_OK, "%s", hr_last_error());
    const size_t nh = hr_year_hours(2020), S = 100;
    double *P = malloc(S * nh * sizeof *P);
    cr_assert_eq(hr_scenarios(m, s, 0, 2020, S, 0, 3, P), HR_OK, "%s", hr_last_error());
    const double *L;
    int64_t t0;
    size_t n;
    cr_assert_eq(hr_series_column(s, 0, "load_mw", &L), HR_OK);
    cr_assert_eq(hr_series_grid(s, 0, &t0, &n), HR_OK);
    double mt = 0;
    for (size_t k = 0; k < n; k++) mt += L[k] / (double)n;
    double mp[100];
    for (size_t p = 0; p < S; p++) {
        mp[p] = 0;
        for (size_t k = 0; k < nh; k++) mp[p] += P[p * nh + k] / (double)nh;
    }
    double sum = 0;
    for (size_t p = 0; p < S; p++) sum += mp[p] / (double)S;
    /* the held trend would have put 2020 ~15 % above 2019's mean */
    cr_assert(fabs(sum / mt - 1) < 0.03, "mean path level %.1f vs training mean %.1f", sum, mt);
    int out = 0;
    for (size_t p = 0; p < S; p++) out += fabs(mp[p] / mt - 1) > 0.10;
    cr_assert_leq(out, 5, "%d of 100 paths' mean level more than 10 %% from the training year's", out);
    free(P);
    hr_model_free(m);
    hr_series_free(s);
}

/* The hindcast: every whole year after the first, from the years before
 * it; its realised values are hr_assess of that year at the training
 * years' thresholds; coverage and median ratio recomputed by hand. */
Test(outlook, hindcast_by_hand)
{
    hr_series *s = region(7, 2014, 4, 0.0);
    hr_fit_opts fo;
    hr_assess_opts ao;
    hr_outlook_opts oo;
    opts(&fo, &ao, &oo, 0, 0);
    hr_hindcast h;
    cr_assert_eq(hr_hindcast_run(s, 0, &fo, &ao, &oo, &h), HR_OK, "%s", hr_last_error());
    cr_assert_eq(h.nyears, 3);
    for (size_t k = 0; k < 3; k++) {
        const hr_hindcast_year *y = &h.y[k];
        cr_assert_eq(y->year, 2015 + (int)k);
        cr_assert_eq(y->train_year_from, 2014);
        cr_assert_eq(y->train_year_to, y->year - 1);
        hr_assess_opts ta = ao, ra = ao;
        ta.year_from = 2014, ta.year_to = y->year - 1;
        hr_assessment a, r;
        cr_assert_eq(hr_assess(s, 0, &ta, &a), HR_OK);
        cr_assert_float_eq(y->threshold_summer_mw, a.threshold_summer_mw, 1e-9);
        ra.year_from = ra.year_to = y->year;
        ra.threshold_kind = HR_THRESH_CAPACITY;
        ra.threshold_summer_mw = a.threshold_summer_mw, ra.threshold_winter_mw = a.threshold_winter_mw;
        cr_assert_eq(hr_assess(s, 0, &ra, &r), HR_OK);
        for (size_t j = 0; j < ao.nbudgets; j++) cr_assert_float_eq(y->realised_mw[j], r.rows[j].headroom_mw, 1e-9);
    }
    for (size_t j = 0; j < ao.nbudgets; j++) {
        int in = 0;
        for (size_t k = 0; k < 3; k++) in += h.y[k].realised_mw[j] >= h.y[k].p10_mw[j] && h.y[k].realised_mw[j] <= h.y[k].p90_mw[j];
        cr_assert_float_eq(h.coverage[j], in / 3.0, 1e-12);
    }
    /* too little history */
    hr_series *s1 = region(7, 2014, 1, 0.0);
    cr_assert_eq(hr_hindcast_run(s1, 0, &fo, &ao, &oo, &h), HR_EDATA);
    hr_series_free(s1);
    hr_series_free(s);
}

/* The calibrated forecast uses the hindcasts of the years before it and
 * states how many; calibrate 0 leaves the spread alone. */
Test(outlook, calibration_uses_earlier_years)
{
    hr_series *s = region(9, 2014, 4, 0.0);
    hr_fit_opts fo;
    hr_assess_opts ao;
    hr_outlook_opts oo;
    opts(&fo, &ao, &oo, 2018, 0);
    oo.calibrate = 1;
    hr_outlook c, u;
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &c), HR_OK, "%s", hr_last_error());
    oo.calibrate = 0;
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &u), HR_OK, "%s", hr_last_error());
    cr_assert_eq(c.y[0].calib_years, 3); /* 2015, 2016, 2017 */
    cr_assert_eq(u.y[0].calib_years, 0);
    for (size_t j = 0; j < ao.nbudgets; j++) {
        cr_assert_float_eq(c.y[0].p50_mw[j], u.y[0].p50_mw[j], 1e-9);
        double f = c.y[0].spread[j];
        cr_assert(f > 0 && isfinite(f));
        cr_assert_float_eq(c.y[0].p90_mw[j], u.y[0].p50_mw[j] + f * (u.y[0].p90_mw[j] - u.y[0].p50_mw[j]), 1e-6);
    }
    hr_series_free(s);
}

Test(outlook, rejects_bad_options)
{
    hr_series *s = region(1, 2015, 2, 0.0);
    hr_fit_opts fo;
    hr_assess_opts ao;
    hr_outlook_opts oo;
    hr_outlook out;
    opts(&fo, &ao, &oo, 2017, 2027);
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &out), HR_EINVAL); /* 11 years */
    oo.year_to = 2016;
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &out), HR_EINVAL);
    oo.year_to = 0;
    oo.scenarios = 0;
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &out), HR_EINVAL);
    cr_assert(strstr(hr_last_error(), "hr_outlook_opts.scenarios"), "%s", hr_last_error());
    oo.scenarios = 10;
    hr_committed_load c = {.region = NULL, .start_utc = 0, .mw = -1};
    oo.committed = &c;
    oo.ncommitted = 1;
    cr_assert_eq(hr_outlook_run(s, 0, &fo, &ao, &oo, &out), HR_EINVAL);
    cr_assert_eq(hr_outlook_run(NULL, 0, &fo, &ao, &oo, &out), HR_EINVAL);
    cr_assert_eq(hr_outlook_run(s, 5, &fo, &ao, &oo, &out), HR_EINVAL);
    hr_series_free(s);
}
