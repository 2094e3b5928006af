/* test_screen.c — screening and imputation (src/ingest/screen.c).
 *
 * References: a synthetic load generated here (daily shape with an evening
 * peak, weekend dip, slow seasonal swing, 0.5 % Gaussian noise, seeded), so
 * every expected value is the generator's truth or a hand computation from
 * the definitions of Ruggles et al. (2020); the real-data test compares with
 * the published labels and cleaned peak of their EIA-930 release. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom.h"
#include "helpers.h"
#include "util/mem.h"
#include "ingest/screen.h"

#define PI 3.14159265358979323846
#define T0 1577836800 /* 2020-01-01T00:00:00Z, a Wednesday */

/* ---------------------------------------------------------------- generator */
static uint64_t rs;
static double urand(void) /* splitmix64 -> (0,1) */
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void) { return sqrt(-2 * log(urand())) * cos(2 * PI * urand()); }

/* Noise-free load at hour t (UTC hours from T0 = Wednesday 00:00):
 * 10 GW x daily shape peaking near 19:00 x weekend 0.88 x season. */
static double shape(size_t t)
{
    double h = (double)(t % 24);
    size_t dow = (t / 24 + 3) % 7; /* 0 = Sunday */
    double daily = 1 + 0.18 * sin(2 * PI * (h - 13) / 24) + 0.05 * sin(4 * PI * (h - 3) / 24);
    double week = (dow == 0 || dow == 6) ? 0.88 : 1.0;
    double season = 1 + 0.1 * sin(2 * PI * (double)t / (24 * 365.0));
    return 10000 * daily * week * season;
}

/* truth[n]: shape x (1 + 0.5 % noise), seeded. */
static double *gen(size_t n, uint64_t seed)
{
    double *x = malloc(n * sizeof *x);
    rs = seed;
    for (size_t t = 0; t < n; t++) x[t] = shape(t) * (1 + 0.005 * gauss());
    return x;
}

static double *dup_arr(const double *x, size_t n)
{
    double *y = malloc(n * sizeof *y);
    memcpy(y, x, n * sizeof *y);
    return y;
}

typedef struct {
    uint8_t *flag;
    double *clean;
    hr_quality q;
} res;

static res run(const double *raw, size_t n)
{
    res r;
    r.flag = calloc(n ? n : 1, 1);
    r.clean = malloc((n ? n : 1) * sizeof(double));
    cr_assert_eq(screen_load(raw, n, T0, r.flag, r.clean, &r.q), HR_OK);
    return r;
}
static void res_free(res *r)
{
    free(r->flag);
    free(r->clean);
}

/* hr_quality invariants that follow from its field definitions. */
static void check_counts(const double *raw, size_t n, const res *r)
{
    const hr_quality *q = &r->q;
    size_t sum = 0;
    for (int f = 0; f < HR_NFLAGS; f++) sum += q->by_flag[f];
    cr_assert_eq(sum, q->hours, "by_flag sums to hours");
    cr_assert_eq(q->flagged, q->hours - q->by_flag[HR_FLAG_OKAY]);
    cr_assert_eq(q->missing, q->by_flag[HR_FLAG_MISSING]);
    cr_assert_eq(q->imputed, q->flagged - q->by_flag[HR_FLAG_DUPLICATE_RESOLVED]);
    if (q->hours) {
        size_t first = (size_t)((q->first_utc - T0) / 3600), last = (size_t)((q->last_utc - T0) / 3600);
        cr_assert(!isnan(raw[first]) && !isnan(raw[last]));
        for (size_t t = 0; t < first; t++) cr_assert(isnan(raw[t]));
        for (size_t t = last + 1; t < n; t++) cr_assert(isnan(raw[t]));
        /* peak and mean recomputed by brute force over the span */
        double pk = -INFINITY, s = 0;
        for (size_t t = first; t <= last; t++) {
            if (r->clean[t] > pk) pk = r->clean[t];
            s += r->clean[t];
        }
        cr_assert_float_eq(q->peak_mw, pk, 0, "peak is the max of clean");
        cr_assert(rel_eq(q->mean_mw, s / (double)q->hours, 1e-12), "mean of clean (summation order only)");
    }
    for (size_t t = 0; t < n; t++) {
        if (r->flag[t] == HR_FLAG_OKAY) cr_assert_eq(r->clean[t], raw[t], "OKAY hours keep raw");
        if (q->hours && r->q.first_utc <= T0 + 3600 * (int64_t)t && T0 + 3600 * (int64_t)t <= r->q.last_utc)
            cr_assert(isfinite(r->clean[t]), "clean is complete inside the span (t=%zu)", t);
        else
            cr_assert(isnan(r->clean[t]), "nothing invented outside the span (t=%zu)", t);
    }
}

/* ---------------------------------------------------------------- screening */

Test(screen, clean_series_is_left_alone)
{
    size_t n = 24 * 7 * 8;
    double *x = gen(n, 1);
    res r = run(x, n);
    size_t fl = 0;
    for (size_t t = 0; t < n; t++) fl += r.flag[t] != HR_FLAG_OKAY;
    /* 0.5 % noise is far inside every threshold (local filter 3.5 IQR of a
     * ~15 % daily swing): allow at most 0.1 % false flags */
    cr_assert_leq(fl, n / 1000, "%zu false flags", fl);
    check_counts(x, n, &r);
    res_free(&r);
    free(x);
}

Test(screen, huge_spike_and_neighbours)
{
    size_t n = 24 * 7 * 6, k = 24 * 20 + 15;
    double *truth = gen(n, 2), *x = dup_arr(truth, n);
    x[k] = 2147480000.0; /* the EIA-930 2^31 spike */
    res r = run(x, n);
    cr_assert_eq(r.flag[k], HR_FLAG_GLOBAL_DEM, ">= 10x median");
    cr_assert_eq(r.flag[k - 1], HR_FLAG_GLOBAL_DEM_PLUS_MINUS);
    cr_assert_eq(r.flag[k + 1], HR_FLAG_GLOBAL_DEM_PLUS_MINUS);
    /* 3 hours imputed from the neighbours: within 3 % of the truth (noise 0.5 %) */
    for (size_t t = k - 1; t <= k + 1; t++)
        cr_assert(rel_eq(r.clean[t], truth[t], 0.03), "t=%zu %g vs %g", t, r.clean[t], truth[t]);
    double tmax = -INFINITY;
    for (size_t t = 0; t < n; t++) tmax = fmax(tmax, truth[t]);
    cr_assert_leq(r.q.peak_mw, tmax * 1.01, "the spike never reaches the peak");
    check_counts(x, n, &r);
    res_free(&r);
    free(x);
    free(truth);
}

Test(screen, negative_and_zero)
{
    size_t n = 24 * 7 * 4;
    double *truth = gen(n, 3), *x = dup_arr(truth, n);
    x[100] = -3.5e6; /* TVA-style sign error */
    x[200] = 0;
    x[201] = 0;
    x[202] = -0.0;
    res r = run(x, n);
    cr_assert_eq(r.flag[100], HR_FLAG_NEG_OR_ZERO);
    for (size_t t = 200; t <= 202; t++) cr_assert_eq(r.flag[t], HR_FLAG_NEG_OR_ZERO);
    cr_assert_eq(r.q.by_flag[HR_FLAG_NEG_OR_ZERO], 4);
    for (size_t t = 199; t <= 203; t++) cr_assert(rel_eq(r.clean[t], truth[t], 0.03));
    cr_assert(rel_eq(r.clean[100], truth[100], 0.03));
    check_counts(x, n, &r);
    res_free(&r);
    free(x);
    free(truth);
}

Test(screen, identical_run)
{
    size_t n = 24 * 7 * 4, k = 300;
    double *truth = gen(n, 4), *x = dup_arr(truth, n);
    for (size_t t = k; t < k + 6; t++) x[t] = x[k]; /* a frozen meter, 6 hours */
    res r = run(x, n);
    /* Ruggles et al.: d_t = d_{t-1} = d_{t-2} flags the 3rd hour onwards */
    cr_assert_eq(r.flag[k], HR_FLAG_OKAY);
    cr_assert_eq(r.flag[k + 1], HR_FLAG_OKAY);
    for (size_t t = k + 2; t < k + 6; t++) cr_assert_eq(r.flag[t], HR_FLAG_IDENTICAL_RUN, "t=%zu", t);
    cr_assert_eq(r.q.by_flag[HR_FLAG_IDENTICAL_RUN], 4);
    /* the second hour of the run stays OKAY (by the definition) although it
     * is frozen too; the fill is scaled to it, so allow its error (the hourly
     * ramp, ~4 % here) plus 2 % */
    double ramp = fabs(x[k + 1] - truth[k + 1]) / truth[k + 1];
    for (size_t t = k + 2; t < k + 6; t++)
        cr_assert(rel_eq(r.clean[t], truth[t], ramp + 0.02), "t=%zu", t);
    check_counts(x, n, &r);
    res_free(&r);
    free(x);
    free(truth);
}

Test(screen, single_hour_jump)
{
    size_t n = 24 * 7 * 6, k = 24 * 21 + 4; /* a night hour */
    double *truth = gen(n, 5), *x = dup_arr(truth, n);
    x[k] *= 1.4; /* +40 %: far beyond the hourly ramps, far below 10x */
    size_t j = 24 * 30 + 3;
    x[j] *= 0.6; /* a -40 % dip */
    res r = run(x, n);
    cr_assert_neq(r.flag[k], HR_FLAG_OKAY);
    cr_assert_neq(r.flag[j], HR_FLAG_OKAY);
    cr_assert(r.flag[k] == HR_FLAG_LOCAL_DEM_UP || r.flag[k] == HR_FLAG_DELTA, "flag %d", r.flag[k]);
    cr_assert(r.flag[j] == HR_FLAG_LOCAL_DEM_DOWN || r.flag[j] == HR_FLAG_DELTA, "flag %d", r.flag[j]);
    cr_assert(rel_eq(r.clean[k], truth[k], 0.03));
    cr_assert(rel_eq(r.clean[j], truth[j], 0.03));
    check_counts(x, n, &r);
    res_free(&r);
    free(x);
    free(truth);
}

/* ---------------------------------------------------------------- imputation */

static double maxv(const double *x, size_t a, size_t b)
{
    double m = -INFINITY;
    for (size_t t = a; t <= b; t++) m = fmax(m, x[t]);
    return m;
}

Test(impute, twelve_hour_gap_keeps_evening_peak)
{
    size_t n = 24 * 7 * 5;
    size_t day = 21 + 1;            /* day 22 from Wednesday = a Thursday */
    size_t a = 24 * day + 10, b = 24 * day + 21; /* 10:00-21:00, peak ~19:00 */
    double *truth = gen(n, 6), *x = dup_arr(truth, n);
    for (size_t t = a; t <= b; t++) x[t] = NAN;
    double *y = dup_arr(x, n);
    cr_assert_eq(screen_impute(y, n, T0), HR_OK);
    double tp = maxv(truth, a, b), ip = maxv(y, a, b);
    /* linear interpolation (computed here) between the edges */
    double lp = -INFINITY;
    for (size_t t = a; t <= b; t++) {
        double s = (double)(t - a + 1) / (double)(b - a + 2);
        lp = fmax(lp, (1 - s) * truth[a - 1] + s * truth[b + 1]);
    }
    cr_assert(rel_eq(ip, tp, 0.03), "imputed peak %g vs true %g (3 %%)", ip, tp);
    cr_assert(!rel_eq(lp, tp, 0.10), "linear peak %g must miss the true %g by > 10 %%", lp, tp);
    for (size_t t = a; t <= b; t++) cr_assert(rel_eq(y[t], truth[t], 0.04), "t=%zu", t);
    /* the same through screen_load (the hours are MISSING there) */
    res r = run(x, n);
    for (size_t t = a; t <= b; t++) {
        cr_assert_eq(r.flag[t], HR_FLAG_MISSING);
        cr_assert_float_eq(r.clean[t], y[t], 1e-9, "screen_load uses the same filler");
    }
    cr_assert_eq(r.q.missing, 12);
    cr_assert_eq(r.q.imputed, 12);
    check_counts(x, n, &r);
    res_free(&r);
    free(x);
    free(y);
    free(truth);
}

Test(impute, short_gaps_are_linear)
{
    size_t n = 24 * 14;
    double *truth = gen(n, 7), *y = dup_arr(truth, n);
    y[50] = NAN;
    y[80] = y[81] = NAN;
    cr_assert_eq(screen_impute(y, n, T0), HR_OK);
    cr_assert_float_eq(y[50], (truth[49] + truth[51]) / 2, 1e-9);
    cr_assert_float_eq(y[80], truth[79] + (truth[82] - truth[79]) / 3, 1e-9);
    cr_assert_float_eq(y[81], truth[79] + 2 * (truth[82] - truth[79]) / 3, 1e-9);
    free(y);
    free(truth);
}

Test(impute, month_long_gap)
{
    size_t n = 24 * 7 * 20, a = 24 * 7 * 8 + 5, L = 24 * 30;
    double *truth = gen(n, 8), *y = dup_arr(truth, n);
    for (size_t t = a; t < a + L; t++) y[t] = NAN;
    cr_assert_eq(screen_impute(y, n, T0), HR_OK);
    double ape = 0;
    for (size_t t = a; t < a + L; t++) {
        cr_assert(isfinite(y[t]) && y[t] > 0);
        ape += fabs(y[t] - truth[t]) / truth[t];
    }
    /* the generator's season moves 2 % over the month and the fill blends the
     * weeks on both sides: MAPE within 3 % */
    cr_assert_lt(ape / (double)L, 0.03, "MAPE %g", ape / (double)L);
    /* every filled day keeps the daily swing (true swing ~35 %; a flat fill has 0) */
    for (size_t d = 1; d + 1 < L / 24; d++) {
        size_t s = a + 24 * d;
        double mx = -INFINITY, mn = INFINITY;
        for (size_t t = s; t < s + 24; t++) { mx = fmax(mx, y[t]); mn = fmin(mn, y[t]); }
        cr_assert_gt((mx - mn) / mx, 0.2, "day %zu is flat", d);
    }
    free(y);
    free(truth);
}

Test(impute, short_series_and_edges)
{
    /* < 1 week: no weekly template. Wednesday 00:00 to Friday 23:00, so
     * that the neighbouring day is of the same type (a sub-week series
     * that crosses a weekend is filled from the other day type). */
    size_t n = 72;
    double *truth = gen(n, 9), *y = dup_arr(truth, n);
    for (size_t t = 0; t < 6; t++) y[t] = NAN;      /* leading gap */
    for (size_t t = 30; t < 42; t++) y[t] = NAN;    /* 12 h inside */
    for (size_t t = 67; t < n; t++) y[t] = NAN;     /* trailing gap */
    cr_assert_eq(screen_impute(y, n, T0), HR_OK);
    for (size_t t = 0; t < n; t++) {
        cr_assert(isfinite(y[t]));
        /* daily template from the neighbouring day(s), scaled at the edge(s) */
        cr_assert(rel_eq(y[t], truth[t], 0.04), "t=%zu %g vs %g", t, y[t], truth[t]);
    }
    free(y);
    free(truth);
}

Test(impute, all_nan_and_tiny)
{
    double v[3] = {NAN, NAN, NAN};
    cr_assert_eq(screen_impute(v, 3, T0), HR_OK);
    cr_assert(isnan(v[0]) && isnan(v[1]) && isnan(v[2]), "nothing to fill from");
    double w[3] = {NAN, 5, NAN};
    cr_assert_eq(screen_impute(w, 3, T0), HR_OK);
    cr_assert(w[0] == 5 && w[2] == 5, "one value: constant fill");
    cr_assert_eq(screen_impute(w, 0, T0), HR_OK);
}

/* ---------------------------------------------------------------- edges, counts */

Test(screen, flags_at_series_edges)
{
    size_t n = 24 * 7 * 4;
    double *truth = gen(n, 10), *x = dup_arr(truth, n);
    for (size_t t = 0; t < 5; t++) x[t] = NAN; /* span starts at hour 5 */
    x[5] = 5e7;                                 /* and with a spike */
    x[n - 1] = -1;                              /* ends with a sign error */
    x[n - 2] = 2e8;
    res r = run(x, n);
    cr_assert_eq(r.q.first_utc, T0 + 5 * 3600);
    cr_assert_eq(r.q.last_utc, T0 + (int64_t)(n - 1) * 3600);
    cr_assert_eq(r.q.hours, n - 5);
    cr_assert_eq(r.flag[5], HR_FLAG_GLOBAL_DEM);
    cr_assert_eq(r.flag[6], HR_FLAG_GLOBAL_DEM_PLUS_MINUS);
    cr_assert_eq(r.flag[n - 1], HR_FLAG_NEG_OR_ZERO);
    cr_assert_eq(r.flag[n - 2], HR_FLAG_GLOBAL_DEM);
    cr_assert_eq(r.flag[n - 3], HR_FLAG_GLOBAL_DEM_PLUS_MINUS);
    for (size_t t = 0; t < 5; t++) cr_assert_eq(r.flag[t], HR_FLAG_MISSING);
    cr_assert_eq(r.q.missing, 0, "the leading NaNs are outside the span");
    for (size_t t = 0; t < 5; t++) cr_assert(isnan(r.clean[t]), "t=%zu: nothing invented before the span", t);
    for (size_t t = 5; t < 8; t++) cr_assert(rel_eq(r.clean[t], truth[t], 0.04), "t=%zu", t);
    for (size_t t = n - 3; t < n; t++) cr_assert(rel_eq(r.clean[t], truth[t], 0.04), "t=%zu", t);
    check_counts(x, n, &r);
    res_free(&r);
    free(x);
    free(truth);
}

Test(screen, all_nan_one_and_zero)
{
    double v[48];
    for (int i = 0; i < 48; i++) v[i] = NAN;
    res r = run(v, 48);
    cr_assert_eq(r.q.hours, 0);
    cr_assert_eq(r.q.flagged, 0);
    cr_assert(isnan(r.q.peak_mw) && isnan(r.q.mean_mw));
    for (int i = 0; i < 48; i++) {
        cr_assert_eq(r.flag[i], HR_FLAG_MISSING);
        cr_assert(isnan(r.clean[i]), "whole series empty: clean stays NaN");
    }
    res_free(&r);

    double one = 1234.5;
    r = run(&one, 1);
    cr_assert_eq(r.flag[0], HR_FLAG_OKAY);
    cr_assert_eq(r.clean[0], 1234.5);
    cr_assert_eq(r.q.hours, 1);
    cr_assert_eq(r.q.peak_mw, 1234.5);
    cr_assert_eq(r.q.mean_mw, 1234.5);
    cr_assert_eq(r.q.first_utc, T0);
    res_free(&r);

    double nan1 = NAN;
    r = run(&nan1, 1);
    cr_assert_eq(r.flag[0], HR_FLAG_MISSING);
    cr_assert_eq(r.q.hours, 0);
    res_free(&r);

    hr_quality q;
    cr_assert_eq(screen_load(NULL, 0, T0, NULL, NULL, &q), HR_OK);
    cr_assert_eq(q.hours, 0);
}

Test(screen, counts_with_many_anomalies)
{
    size_t n = 24 * 7 * 10;
    double *truth = gen(n, 11), *x = dup_arr(truth, n);
    rs = 77;
    for (int i = 0; i < 60; i++) {
        size_t t = (size_t)(urand() * (double)n);
        double u = urand();
        x[t] = u < 0.3 ? NAN : u < 0.5 ? -x[t] : u < 0.7 ? x[t] * 50 : x[t] * 1.5;
    }
    for (size_t t = 800; t < 900; t++) x[t] = NAN; /* a 100 h outage */
    uint8_t *flag = calloc(n, 1);
    double *clean = malloc(n * sizeof *clean);
    hr_quality q;
    flag[10] = HR_FLAG_DUPLICATE_RESOLVED; /* kept: a normal hour */
    x[500] = truth[500] * 60;
    flag[500] = HR_FLAG_DUPLICATE_RESOLVED; /* replaced: it is a spike */
    cr_assert_eq(screen_load(x, n, T0, flag, clean, &q), HR_OK);
    cr_assert_eq(flag[10], HR_FLAG_DUPLICATE_RESOLVED);
    cr_assert_eq(clean[10], x[10]);
    cr_assert_eq(flag[500], HR_FLAG_GLOBAL_DEM);
    res r = {flag, clean, q};
    check_counts(x, n, &r);
    double tmax = -INFINITY;
    for (size_t t = 0; t < n; t++) tmax = fmax(tmax, truth[t]);
    cr_assert_leq(q.peak_mw, tmax * 1.02, "no spike in the peak: %g vs %g", q.peak_mw, tmax);
    res_free(&r);
    free(x);
    free(truth);
}

Test(screen, out_of_memory)
{
    size_t n = 500;
    double *x = gen(n, 12), *c = malloc(n * sizeof *c);
    uint8_t *f = calloc(n, 1);
    hr_quality q;
    /* every one of screen_load's five allocations fails cleanly */
    for (unsigned long k = 1; k <= 5; k++) {
        mem_fail_at(k);
        cr_assert_eq(screen_load(x, n, T0, f, c, &q), HR_ENOMEM, "allocation %lu", k);
    }
    for (unsigned long k = 1; k <= 3; k++) {
        mem_fail_at(k);
        cr_assert_eq(screen_moving_quantile(x, n, 24, 23, 0.5, c), HR_ENOMEM, "allocation %lu", k);
    }
    mem_fail_at(1);
    cr_assert_eq(screen_impute(c, n, T0), HR_ENOMEM);
    mem_fail_at(0);
    free(x);
    free(c);
    free(f);
}

/* ------------------------------------------------ moving quantile (exact) */

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Independent reference: sort each window with qsort, type-7 quantile
 * (Hyndman & Fan 1996, numpy's default: v[k] + (h-k)(v[k+1]-v[k]),
 * h = p(m-1)), written out here. */
static double brute_quant(const double *x, size_t n, size_t t, size_t lo, size_t hi, double p,
                          double *buf)
{
    size_t a = t >= lo ? t - lo : 0, b = t + hi < n ? t + hi : n - 1, m = 0;
    for (size_t i = a; i <= b; i++)
        if (!isnan(x[i])) buf[m++] = x[i];
    if (!m) return NAN;
    qsort(buf, m, sizeof *buf, cmp_d);
    double h = p * (double)(m - 1);
    size_t k = (size_t)h;
    if (k + 1 >= m) return buf[m - 1];
    return buf[k] + (h - (double)k) * (buf[k + 1] - buf[k]);
}

/* Bit-identical to sorting every window: whole-MW values with many ties,
 * negative and positive differences, fractional values, NaN runs (empty
 * windows included), the windows screen_load uses and odd ones. */
Test(screen, moving_quantile_matches_sorted_windows)
{
    const size_t n = 1200;
    double *x = malloc(n * sizeof *x), *out = malloc(n * sizeof *out), buf[1024];
    const size_t win[][2] = {{24, 23}, {240, 239}, {120, 119}, {10, 10}, {0, 0}, {0, 5}, {7, 0},
                             {300, 400}};
    const double ps[] = {0.5, 0.25, 0.75, 0.1, 1.0, 0.0};
    rs = 99;
    for (int kind = 0; kind < 4; kind++) {
        for (size_t t = 0; t < n; t++) {
            double u = urand();
            if (kind == 0) x[t] = floor(5000 + 50 * u); /* heavy ties */
            if (kind == 1) x[t] = floor(1000 * (u - 0.5)); /* signed, as Δ and δ */
            if (kind == 2) x[t] = 1e4 * gauss() + 0.5 * (t % 3); /* fractional */
            if (kind == 3) x[t] = (t / 150) % 3 == 1 ? NAN : u < 0.2 ? NAN : floor(100 * u);
        }
        for (size_t wi = 0; wi < sizeof win / sizeof win[0]; wi++)
            for (size_t pi = 0; pi < sizeof ps / sizeof ps[0]; pi++) {
                size_t lo = win[wi][0], hi = win[wi][1];
                cr_assert_eq(screen_moving_quantile(x, n, lo, hi, ps[pi], out), HR_OK);
                for (size_t t = 0; t < n; t++) {
                    double ref = brute_quant(x, n, t, lo, hi, ps[pi], buf);
                    /* exact: both take the same two order statistics */
                    cr_assert(isnan(ref) ? isnan(out[t]) : out[t] == ref,
                              "kind %d lo %zu hi %zu p %g t %zu: %.17g vs %.17g", kind, lo, hi,
                              ps[pi], t, out[t], ref);
                }
            }
    }
    /* a short series (shorter than the window) and n = 0 */
    double y[3] = {3, NAN, 1}, o[3];
    cr_assert_eq(screen_moving_quantile(y, 3, 240, 239, 0.5, o), HR_OK);
    for (int t = 0; t < 3; t++) cr_assert_eq(o[t], 2.0, "median of {3, 1} is 2");
    cr_assert_eq(screen_moving_quantile(y, 0, 1, 1, 0.5, o), HR_OK);
    free(x);
    free(out);
}

/* ---------------------------------------------------------------- real data */

/* Read raw, category and cleaned columns of a Ruggles et al. per-BA file. */
static size_t read_eia_ba(const char *path, double **raw, double **pub, char (**cat)[24])
{
    FILE *fp = fopen(path, "r");
    char line[256];
    size_t n = 0, cap = 50000;
    *raw = malloc(cap * sizeof **raw);
    *pub = malloc(cap * sizeof **pub);
    *cat = malloc(cap * sizeof **cat);
    if (!fgets(line, sizeof line, fp)) return 0;
    while (fgets(line, sizeof line, fp) && n < cap) {
        char *f[5] = {0}, *p = line;
        for (int k = 0; k < 5 && p; k++) {
            f[k] = p;
            p = strchr(p, ',');
            if (p) *p++ = 0;
        }
        char *e;
        double v = strtod(f[1], &e);
        (*raw)[n] = e == f[1] ? NAN : v; /* MISSING / EMPTY */
        (*pub)[n] = strtod(f[3], NULL);
        snprintf((*cat)[n], 24, "%s", f[2]);
        n++;
    }
    fclose(fp);
    return n;
}

static const char *const CATN[] = {"OKAY", "MISSING", "NEG_OR_ZERO", "GLOBAL_DEM",
                                   "GLOBAL_DEM_PLUS_MINUS", "IDENTICAL_RUN", "LOCAL_DEM_UP",
                                   "LOCAL_DEM_DOWN", "DELTA", "SINGLE_DELTA", "ANOMALOUS_REGION"};

Test(real, pjm_tva_match_published)
{
    const char *bas[] = {"PJM", "TVA"};
    for (int b = 0; b < 2; b++) {
        char path[1024], rel[128];
        snprintf(rel, sizeof rel, "eia930/ba_2015_2020/%s.csv", bas[b]);
        if (!shared_path(path, sizeof path, rel)) cr_skip_test("shared data absent: %s", path);
        double *raw, *pub;
        char(*cat)[24];
        size_t n = read_eia_ba(path, &raw, &pub, &cat);
        cr_assert_gt(n, 40000);
        res r = run(raw, n);
        size_t an = 0, hit = 0, ok = 0, fp = 0;
        double ppk = -INFINITY;
        for (size_t t = 0; t < n; t++) {
            ppk = fmax(ppk, pub[t]);
            int c = -1;
            for (int k = 0; k < 11; k++)
                if (!strcmp(cat[t], CATN[k])) c = k;
            if (c == 0) {
                ok++;
                fp += r.flag[t] != HR_FLAG_OKAY;
            } else if (c > 1) {
                an++;
                hit += r.flag[t] != HR_FLAG_OKAY;
            }
        }
        /* the published screening is the reference: recall >= 95 %, false
         * flags <= 0.1 % of its OKAY hours, cleaned peak within 2 % */
        cr_assert_geq((double)hit, 0.95 * (double)an, "%s recall %zu/%zu", bas[b], hit, an);
        cr_assert_leq((double)fp, 0.001 * (double)ok, "%s false flags %zu", bas[b], fp);
        cr_assert(rel_eq(r.q.peak_mw, ppk, 0.02), "%s peak %g vs published %g", bas[b], r.q.peak_mw, ppk);
        check_counts(raw, n, &r);
        res_free(&r);
        free(raw);
        free(pub);
        free(cat);
    }
}

/* Twin of the real-data test on generated data with the same quirks: a
 * 4x spike (PJM's 417,669 MW on ~100 GW), negative millions, a 2^31 value,
 * a three-day outage; the cleaned peak stays within 2 % of the true one. */
Test(real, generated_twin)
{
    size_t n = 24 * 365;
    double *truth = gen(n, 13), *x = dup_arr(truth, n);
    x[1000] *= 4;
    x[2000] = -3.2e6;
    x[3000] = 2147480000.0;
    for (size_t t = 5000; t < 5072; t++) x[t] = NAN;
    res r = run(x, n);
    double tpk = -INFINITY;
    for (size_t t = 0; t < n; t++) tpk = fmax(tpk, truth[t]);
    cr_assert(rel_eq(r.q.peak_mw, tpk, 0.02), "peak %g vs true %g", r.q.peak_mw, tpk);
    cr_assert_neq(r.flag[1000], HR_FLAG_OKAY);
    cr_assert_eq(r.flag[2000], HR_FLAG_NEG_OR_ZERO);
    cr_assert_eq(r.flag[3000], HR_FLAG_GLOBAL_DEM);
    check_counts(x, n, &r);
    res_free(&r);
    free(x);
    free(truth);
}
