/* test_headroom.c — headroom kernel (src/assess/assess.c).
 *
 * References: (1) closed forms worked out by hand in each test from the
 * definitions of Norris et al. (2025) as restated in docs/headroom.md:
 * with g_t = (T_t - D_t)^+ and flat load, C_t = max(0, L - g_t), so a load
 * with only a few distinct levels gives R(L) = a - c/L on each segment;
 * (2) an independent brute force written here: the yearly rates summed
 * straight from C_t = min(L s_t, max(0, D_t + L s_t - T_t)), thresholds from
 * gmtime months, bisection on L; events and hour counts by direct scan;
 * (3) R (quantile type 7) where Rscript is installed.
 * Real data: EIA-930 cleaned demand of DUK 2016-2019 (Ruggles et al. 2020),
 * read by a small parser here; its twin is a generated 4-year load. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assess/assess.h"
#include "helpers.h"
#include "util/mem.h"

/* ---------------------------------------------------------------- helpers */

static int month_of(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return tm.tm_mon + 1;
}
static int year_of(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return tm.tm_year + 1900;
}

/* Hours from Jan 1 y0 to Jan 1 y1+1. */
static size_t hours_of(int y0, int y1) { return (size_t)((utc(y1 + 1, 1, 1, 0) - utc(y0, 1, 1, 0)) / 3600); }

static double *filled(size_t n, double v)
{
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = v;
    return x;
}

/* splitmix64 -> (0,1), seeded per test */
static uint64_t rs;
static double urand(void)
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void) { return sqrt(-2 * log(urand())) * cos(2 * 3.14159265358979323846 * urand()); }

/* A load with daily, weekly and annual cycles (summer and winter peaks),
 * weather-like AR(1) noise and a few heat waves. */
static double *gen_load(int64_t t0, size_t n, uint64_t seed)
{
    double *x = malloc(n * sizeof *x);
    rs = seed;
    double e = 0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)(t0 / 3600 + (int64_t)i);
        double h = fmod(t, 24), doy = fmod(t / 24, 365.2425);
        double daily = 1 + 0.15 * sin(2 * M_PI * (h - 14) / 24);
        double season = 1 + 0.12 * cos(2 * M_PI * (doy - 200) / 365.2425) + 0.08 * cos(4 * M_PI * (doy - 15) / 365.2425);
        e = 0.97 * e + 0.01 * gauss();
        x[i] = 15000 * daily * season * (1 + e);
    }
    return x;
}

/* ---------------------------------------------------------------- brute force
 * Independent of the kernel: thresholds from gmtime months, rates straight
 * from the definition, bisection on L. */
typedef struct {
    int64_t t0;
    size_t n;
    const double *D;
    const double *prof; /* NULL or 24 values by UTC hour */
    double T[13];       /* by month */
    int y0, ny;
} bf;

static void bf_init(bf *b, int64_t t0, size_t n, const double *D, const double *prof, int slack)
{
    memset(b, 0, sizeof *b);
    b->t0 = t0, b->n = n, b->D = D, b->prof = prof;
    b->y0 = year_of(t0);
    b->ny = year_of(t0 + (int64_t)(n - 1) * 3600) - b->y0 + 1;
    double ps = -1, pw = -1;
    for (size_t i = 0; i < n; i++) {
        if (isnan(D[i])) continue;
        int m = month_of(t0 + (int64_t)i * 3600);
        int summer = slack ? (m >= 5 && m <= 9) : (m >= 6 && m <= 8);
        int winter = slack ? (m >= 11 || m <= 3) : (m == 12 || m <= 2);
        if (summer && D[i] > ps) ps = D[i];
        if (winter && D[i] > pw) pw = D[i];
    }
    for (int m = 1; m <= 12; m++) b->T[m] = (m == 3 || m == 11 || m == 12 || m <= 2) ? pw : ps;
}

static double bf_s(const bf *b, size_t i)
{
    return b->prof ? b->prof[((b->t0 / 3600) + (int64_t)i) % 24] : 1.0;
}

/* Month lookups by gmtime are slow: cache them once per bf. */
typedef struct {
    bf b;
    int *mon, *yr;
} bfc;
static void bfc_init(bfc *c, int64_t t0, size_t n, const double *D, const double *prof, int slack)
{
    bf_init(&c->b, t0, n, D, prof, slack);
    c->mon = malloc(n * sizeof(int));
    c->yr = malloc(n * sizeof(int));
    for (size_t i = 0; i < n; i++) {
        c->mon[i] = month_of(t0 + (int64_t)i * 3600);
        c->yr[i] = year_of(t0 + (int64_t)i * 3600) - c->b.y0;
    }
}
static void bfc_free(bfc *c)
{
    free(c->mon);
    free(c->yr);
}
static double bfc_rate(const bfc *c, double L)
{
    double num[64] = {0}, den[64] = {0};
    const bf *b = &c->b;
    for (size_t i = 0; i < b->n; i++) {
        if (isnan(b->D[i])) continue;
        double Ls = L * bf_s(b, i);
        num[c->yr[i]] += fmin(Ls, fmax(0, b->D[i] + Ls - b->T[c->mon[i]]));
        den[c->yr[i]] += Ls;
    }
    double r = 0;
    for (int y = 0; y < b->ny; y++) r += num[y] / den[y];
    return r / b->ny;
}
/* Largest L with rate <= budget, by bisection to 1e-7 MW. */
static double bfc_headroom(const bfc *c, double budget)
{
    double lo = 0, hi = 1;
    if (bfc_rate(c, 1e-9) > budget) return 0;
    while (bfc_rate(c, hi) <= budget) lo = hi, hi *= 2;
    while (hi - lo > 1e-7) {
        double mid = 0.5 * (lo + hi);
        if (bfc_rate(c, mid) <= budget) lo = mid;
        else hi = mid;
    }
    return lo;
}
/* Hours and events at L by a direct scan (flat load). */
static void bfc_metrics(const bfc *c, double L, double *curt_py, double *ge50_py, double *mean_ev, double *max_ev)
{
    const bf *b = &c->b;
    size_t nc = 0, n50 = 0, nev = 0, run = 0, mx = 0;
    for (size_t i = 0; i < b->n; i++) {
        double Ls = L * bf_s(b, i);
        double C = isnan(b->D[i]) ? 0 : fmin(Ls, fmax(0, b->D[i] + Ls - b->T[c->mon[i]]));
        if (C > 0) {
            nc++;
            if ((Ls - C) / Ls >= 0.5) n50++;
            if (!run) nev++;
            run++;
            if (run > mx) mx = run;
        } else {
            run = 0;
        }
    }
    *curt_py = (double)nc / b->ny;
    *ge50_py = (double)n50 / b->ny;
    *mean_ev = nev ? (double)nc / (double)nev : 0;
    *max_ev = (double)mx;
}

/* The definition of "headroom rounded down to 0.1 MW": the budget holds at
 * L and fails at L + 0.1 (1e-9 relative slack for summation order). */
static void check_against_bf(const bfc *c, const hr_assessment *a)
{
    for (size_t j = 0; j < a->nrows; j++) {
        const hr_headroom_row *r = &a->rows[j];
        double b = r->budget_pct / 100;
        double L = r->headroom_mw;
        double bfL = bfc_headroom(c, b);
        /* agreement to 0.1 MW (the reporting resolution) */
        cr_assert(fabs(L - bfL) <= 0.1 + 1e-6, "budget %g: kernel %.4f, brute force %.6f", r->budget_pct, L, bfL);
        cr_assert(fabs(L * 10 - round(L * 10)) < 1e-6, "headroom %.6f not on the 0.1 MW grid", L);
        if (L > 0) cr_assert(bfc_rate(c, L) <= b * (1 + 1e-9), "budget %g broken at L=%.1f", r->budget_pct, L);
        cr_assert(bfc_rate(c, L + 0.1) > b, "budget %g still holds at L+0.1 = %.1f", r->budget_pct, L + 0.1);
        if (!c->b.prof) {
            double cpy, g50, mev, mx;
            bfc_metrics(c, L, &cpy, &g50, &mev, &mx);
            /* counts are exact integers / years */
            cr_assert(fabs(r->curtailed_hours_per_year - cpy) < 1e-9, "curtailed hours %g vs %g",
                      r->curtailed_hours_per_year, cpy);
            cr_assert(fabs(r->hours_ge50 - g50) < 1e-9);
            cr_assert(fabs(r->mean_event_hours - mev) < 1e-9);
            cr_assert(fabs(r->max_event_hours - mx) < 1e-9);
        }
    }
}

/* ---------------------------------------------------------------- season mapping */

Test(headroom, season_of_every_month)
{
    /* Norris et al.: Dec-Feb winter peak, Mar and Nov use it; Jun-Aug summer
     * peak, Apr-May and Sep-Oct use it. */
    static const int want[13] = {-1, HR_SEASON_WINTER, HR_SEASON_WINTER, HR_SEASON_WINTER, HR_SEASON_SUMMER,
                                 HR_SEASON_SUMMER,   HR_SEASON_SUMMER, HR_SEASON_SUMMER, HR_SEASON_SUMMER,
                                 HR_SEASON_SUMMER,   HR_SEASON_SUMMER, HR_SEASON_WINTER, HR_SEASON_WINTER};
    for (int m = 1; m <= 12; m++) cr_assert_eq(hr_assess_month_season(m), want[m], "month %d", m);
    cr_assert_eq(hr_assess_month_season(0), -1);
    cr_assert_eq(hr_assess_month_season(13), -1);
}

Test(headroom, seasonal_thresholds_and_slack)
{
    /* 2019 at 1000 MW; one hour of each month m at 2000 + 10 m. Without
     * slack the summer peak is the Aug spike (2080), winter the Dec one
     * (2120); with slack Sep (2090) and Dec still (Nov 2110 < Dec 2120);
     * a Mar spike of 3000 then becomes the winter peak only with slack. */
    size_t n = hours_of(2019, 2019);
    int64_t t0 = utc(2019, 1, 1, 0);
    double *D = filled(n, 1000);
    for (int m = 1; m <= 12; m++) D[(utc(2019, m, 10, 12) - t0) / 3600] = 2000 + 10 * m;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    cr_assert_eq(o.season_slack, 1, "the study's one-month slack is the default");
    o.season_slack = 0;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(a.threshold_summer_mw, 2080);
    cr_assert_eq(a.threshold_winter_mw, 2120);
    /* each spike stands 1080 / 1120 MW (108 / 112 %) above its neighbours */
    cr_assert_eq(a.peak_hour_utc[HR_SEASON_SUMMER], utc(2019, 8, 10, 12));
    cr_assert_float_eq(a.peak_jump_pct[HR_SEASON_SUMMER], 108.0, 1e-9);
    cr_assert_float_eq(a.peak_jump_pct[HR_SEASON_WINTER], 112.0, 1e-9);
    char msg[200];
    cr_assert_eq(hr_assess_peak_warning(&a, HR_SEASON_SUMMER, msg, sizeof msg), 1);
    cr_assert_str_eq(msg, "the summer threshold is set by one hour (2019-08-10T12:00:00Z) 108 % above both "
                          "neighbouring hours");
    cr_assert_eq(hr_assess_peak_warning(&a, 7, msg, sizeof msg), 0);
    o.season_slack_by[HR_SEASON_SUMMER] = 1; /* per season: summer only */
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_eq(a.threshold_summer_mw, 2090);
    o.season_slack_by[HR_SEASON_SUMMER] = -1;
    o.season_slack = 1;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_eq(a.threshold_summer_mw, 2090);
    cr_assert_eq(a.threshold_winter_mw, 2120);
    o.season_slack_by[HR_SEASON_SUMMER] = 0; /* a season's own 0 overrides the common 1 */
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_eq(a.threshold_summer_mw, 2080);
    o.season_slack_by[HR_SEASON_SUMMER] = -1;
    o.season_slack_by[HR_SEASON_WINTER] = 2;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_EINVAL);
    o.season_slack_by[HR_SEASON_WINTER] = -1;
    D[(utc(2019, 3, 20, 12) - t0) / 3600] = 3000;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_eq(a.threshold_winter_mw, 3000);
    o.season_slack = 0;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_eq(a.threshold_winter_mw, 2120);
    o.threshold_kind = HR_THRESH_ANNUAL;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_eq(a.threshold_summer_mw, 3000);
    cr_assert_eq(a.threshold_winter_mw, 3000);
    free(D);
}

/* ---------------------------------------------------------------- closed forms */

Test(headroom, constant_load_capacity_threshold)
{
    /* D = 1000, T = 1100 all year: g = 100 every hour, so for L > 100
     * R(L) = (L - 100)/L and headroom(b) = 100/(1 - b). */
    size_t n = hours_of(2019, 2019);
    int64_t t0 = utc(2019, 1, 1, 0);
    double *D = filled(n, 1000);
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.threshold_kind = HR_THRESH_CAPACITY;
    o.threshold_summer_mw = o.threshold_winter_mw = 1100;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(a.nrows, 4);
    for (size_t j = 0; j < 4; j++) {
        double b = o.budgets_pct[j] / 100;
        double want = floor(100 / (1 - b) * 10) / 10; /* 100.2, 100.5, 101.0, 105.2 */
        cr_assert(fabs(a.rows[j].headroom_mw - want) < 1e-9, "b=%g: %.4f vs %.4f", b, a.rows[j].headroom_mw, want);
        /* every hour curtails and keeps 100/L >= 90 %; one event of 8760 hours */
        cr_assert_eq(a.rows[j].curtailed_hours_per_year, 8760);
        cr_assert_eq(a.rows[j].hours_ge90, 8760);
        cr_assert_eq(a.rows[j].max_event_hours, 8760);
        cr_assert_eq(a.rows[j].mean_event_hours, 8760);
        cr_assert(fabs(a.rows[j].headroom_pct_peak - want / 10) < 1e-9);
    }
    cr_assert_eq(a.load_factor, 1.0);
    cr_assert_eq(a.peak_mw, 1000);
    free(D);
}

Test(headroom, two_level_load)
{
    /* 2019: 900 MW except 10 peak hours at 1000 (6 in July, 4 in January),
     * annual threshold 1000. R(L) = 10/8760 for 0 < L <= 100 and
     * 1 - 8750*100/(8760 L) beyond. Budget 0.1 % < 10/8760 = 0.114 % -> 0;
     * 0.2 % -> L = 875000/(8760*0.998) = 100.086 -> 100.0, where only the 10
     * peak hours curtail (the 900-MW hours have g = L exactly), in 2 events
     * of 6 and 4 hours keeping nothing; 1 % -> 875000/(8760*0.99) = 100.895. */
    size_t n = hours_of(2019, 2019);
    int64_t t0 = utc(2019, 1, 1, 0);
    double *D = filled(n, 900);
    for (int h = 0; h < 6; h++) D[(utc(2019, 7, 15, 12 + h) - t0) / 3600] = 1000;
    for (int h = 0; h < 4; h++) D[(utc(2019, 1, 20, 18 + h) - t0) / 3600] = 1000;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.threshold_kind = HR_THRESH_ANNUAL;
    o.nbudgets = 3;
    o.budgets_pct[0] = 1.0; /* unsorted on purpose: rows follow the given order */
    o.budgets_pct[1] = 0.1;
    o.budgets_pct[2] = 0.2;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(a.rows[0].budget_pct, 1.0);
    cr_assert(fabs(a.rows[0].headroom_mw - floor(875000 / (8760 * 0.99) * 10) / 10) < 1e-9, "%f",
              a.rows[0].headroom_mw);
    cr_assert_eq(a.rows[1].headroom_mw, 0);
    cr_assert_eq(a.rows[1].curtailed_hours_per_year, 0);
    cr_assert(fabs(a.rows[2].headroom_mw - 100.0) < 1e-9, "%f", a.rows[2].headroom_mw);
    cr_assert_eq(a.rows[2].curtailed_hours_per_year, 10);
    cr_assert_eq(a.rows[2].hours_ge50, 0);
    cr_assert_eq(a.rows[2].mean_event_hours, 5);
    cr_assert_eq(a.rows[2].max_event_hours, 6);
    /* by month and UTC hour: 6 hours in July 12-17, 4 in January 18-21 */
    cr_assert_eq(a.curtailed_by_month_hour[2][6][12], 1);
    cr_assert_eq(a.curtailed_by_month_hour[2][0][21], 1);
    cr_assert_eq(a.curtailed_by_month_hour[2][0][22], 0);
    /* load factor by hand: (8750*900 + 10*1000) / 8760 / 1000 */
    cr_assert(fabs(a.load_factor - (8750.0 * 900 + 10000) / 8760 / 1000) < 1e-12);
    free(D);
}

Test(headroom, single_peak_all_budgets)
{
    /* 1000 MW with one hour at 1500 (annual threshold 1500): R = 1/8760 up to
     * L = 500, then 1 - 8759*500/(8760 L); headroom(b) = 8759*500/(8760 (1-b)). */
    size_t n = hours_of(2018, 2018);
    int64_t t0 = utc(2018, 1, 1, 0);
    double *D = filled(n, 1000);
    D[4000] = 1500;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.threshold_kind = HR_THRESH_ANNUAL;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    for (size_t j = 0; j < 4; j++) {
        double b = o.budgets_pct[j] / 100;
        double want = floor(8759.0 * 500 / (8760 * (1 - b)) * 10) / 10;
        cr_assert(fabs(a.rows[j].headroom_mw - want) < 1e-9, "b=%g: %f vs %f", b, a.rows[j].headroom_mw, want);
        cr_assert(fabs(a.rows[j].headroom_pct_peak - 100 * want / 1500) < 1e-9);
    }
    free(D);
}

Test(headroom, per_year_mean_differs_from_pooling)
{
    /* Year A = 2018 with its second half missing and 100 peak hours; year B =
     * 2019 full with 1 peak hour; base 900, peaks 1000 (annual threshold).
     * Per-year mean for L <= 100: (100/4380 + 1/8760)/2 = 1.147 % > 1 %, so
     * headroom(1 %) = 0, while pooling (101/13140 = 0.769 %) would give
     * 100*13039/(13140*0.99) = 100.23. At 5 %: per-year
     * L = 50 (4280/4380 + 8759/8760)/0.95, pooled 100*13039/(13140*0.95). */
    int64_t t0 = utc(2018, 1, 1, 0);
    size_t n = hours_of(2018, 2019);
    double *D = filled(n, 900);
    for (size_t i = 4380; i < 8760; i++) D[i] = NAN;
    for (size_t i = 0; i < 100; i++) D[1000 + 7 * i] = 1000;
    D[8760 + 5000] = 1000;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.threshold_kind = HR_THRESH_ANNUAL;
    o.nbudgets = 2;
    o.budgets_pct[0] = 1;
    o.budgets_pct[1] = 5;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(a.missing_hours, 4380);
    cr_assert_eq(a.nyears, 2);
    cr_assert_eq(a.rows[0].headroom_mw, 0);
    double pooled1 = 100.0 * 13039 / (13140 * 0.99);
    cr_assert(pooled1 > 100, "the constructed case must separate the two");
    double per5 = 50 * (4280.0 / 4380 + 8759.0 / 8760) / 0.95, pooled5 = 100.0 * 13039 / (13140 * 0.95);
    cr_assert(fabs(a.rows[1].headroom_mw - floor(per5 * 10) / 10) < 1e-9, "%f vs %f", a.rows[1].headroom_mw, per5);
    /* 104.0 vs 104.45: more than the 0.1 MW resolution apart */
    cr_assert(fabs(a.rows[1].headroom_mw - pooled5) > 0.3, "per-year %f too close to pooled %f", a.rows[1].headroom_mw,
              pooled5);
    free(D);
}

Test(headroom, events_cross_year_boundary)
{
    /* 2018-2019, base 500, annual threshold 1000 from 5 peak hours: Dec 31
     * 2018 22:00, 23:00 and Jan 1 2019 00:00, 01:00 (one run across the
     * boundary) and 2018-07-01 12:00. Plus 100 hours at 900 in 10 runs of 10
     * (5 in June 2018, 5 in June 2019). Mean yearly rate for
     * 100 < L <= 500: (2.5 L + 50 (L - 100)) / (8760 L); at 0.25 %:
     * L = 5000 / (52.5 - 8760*0.0025) = 163.40 -> 163.3. There: 105 curtailed
     * hours (52.5 per year), the 900-MW ones keep 100/163.3 = 61 % (>= 50, < 75),
     * 12 events, mean 105/12 = 8.75 h, longest 10 h. */
    int64_t t0 = utc(2018, 1, 1, 0);
    size_t n = hours_of(2018, 2019);
    double *D = filled(n, 500);
    int64_t pk[5] = {utc(2018, 12, 31, 22), utc(2018, 12, 31, 23), utc(2019, 1, 1, 0), utc(2019, 1, 1, 1),
                     utc(2018, 7, 1, 12)};
    for (int k = 0; k < 5; k++) D[(pk[k] - t0) / 3600] = 1000;
    for (int y = 2018; y <= 2019; y++)
        for (int r = 0; r < 5; r++)
            for (int h = 0; h < 10; h++) D[(utc(y, 6, 3 + 2 * r, 8 + h) - t0) / 3600] = 900;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.nbudgets = 1;
    o.budgets_pct[0] = 0.25;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    const hr_headroom_row *r = &a.rows[0];
    cr_assert(fabs(r->headroom_mw - floor(5000 / (52.5 - 8760 * 0.0025) * 10) / 10) < 1e-9, "%f", r->headroom_mw);
    cr_assert_eq(r->curtailed_hours_per_year, 52.5);
    cr_assert_eq(r->hours_ge50, 50);
    cr_assert_eq(r->hours_ge75, 0);
    cr_assert(fabs(r->mean_event_hours - 105.0 / 12) < 1e-12, "%f", r->mean_event_hours);
    cr_assert_eq(r->max_event_hours, 10);
    /* Only 2019 selected: the boundary run is cut to 2 hours. Annual
     * threshold (2019 has no July peak): still 1000. Year 2019 alone:
     * R = 2/8760 up to 100, then (2 L + 50 (L-100))/(8760 L). */
    o.year_from = o.year_to = 2019;
    o.threshold_kind = HR_THRESH_ANNUAL;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(a.year_from, 2019);
    cr_assert_eq(a.hours, 8760);
    cr_assert(fabs(a.rows[0].headroom_mw - floor(5000 / (52.0 - 8760 * 0.0025) * 10) / 10) < 1e-9);
    cr_assert_eq(a.rows[0].curtailed_hours_per_year, 52);
    cr_assert_eq(a.rows[0].mean_event_hours, 52.0 / 6); /* 1 run of 2 h + 5 runs of 10 h */
    free(D);
}

Test(headroom, years_and_errors)
{
    /* Grid 2017-07-01 .. 2020-03-01: the whole calendar years are 2018-2019. */
    int64_t t0 = utc(2017, 7, 1, 0);
    size_t n = (size_t)((utc(2020, 3, 1, 0) - t0) / 3600);
    double *D = gen_load(t0, n, 7);
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(a.year_from, 2018);
    cr_assert_eq(a.year_to, 2019);
    cr_assert_eq(a.hours, 17520);
    o.year_from = 2017;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_EDATA);
    o.year_from = 2019, o.year_to = 2020;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_EDATA);
    cr_assert(strstr(hr_last_error(), "2018-2019") != NULL, "%s", hr_last_error());
    hr_assess_opts_init(&o);
    cr_assert_eq(hr_assess_arrays(t0, D, 4000, &o, &a), HR_EDATA); /* less than a year */
    o.budgets_pct[0] = 0;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_EINVAL);
    hr_assess_opts_init(&o);
    double prof[24];
    for (int h = 0; h < 24; h++) prof[h] = 1.1;
    o.profile = prof, o.profile_len = 24;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_EINVAL); /* averages 1.1 */
    o.profile_len = 25;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_EINVAL);
    hr_assess_opts_init(&o);
    o.threshold_kind = HR_THRESH_CAPACITY; /* thresholds left NaN */
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_EINVAL);
    cr_assert_eq(hr_assess_arrays(t0 + 60, D, n, NULL, &a), HR_EINVAL); /* not on the hour */
    /* No load in 2018 (a grid another column extends): by default the
     * study is 2019 alone, with the same result as the grid cut to 2019;
     * asked for explicitly, the empty year is an error. */
    hr_assessment b;
    size_t k19 = (size_t)((utc(2019, 1, 1, 0) - t0) / 3600);
    cr_assert_eq(hr_assess_arrays(utc(2019, 1, 1, 0), D + k19, 8760, NULL, &b), HR_OK, "%s", hr_last_error());
    for (size_t k = 0; k < k19; k++) D[k] = NAN;
    cr_assert_eq(hr_assess_arrays(t0, D, n, NULL, &a), HR_OK, "%s", hr_last_error());
    cr_assert(a.year_from == 2019 && a.year_to == 2019 && a.hours == 8760);
    cr_assert(a.rows[0].headroom_mw == b.rows[0].headroom_mw && a.peak_mw == b.peak_mw);
    hr_assess_opts_init(&o);
    o.year_from = 2018;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_EDATA);
    cr_assert(strstr(hr_last_error(), "2018") != NULL, "%s", hr_last_error());
    free(D);
}

/* ---------------------------------------------------------------- against brute force */

Test(headroom, generated_twin_vs_brute_force)
{
    /* Twin of the DUK test: 2016-2019, the study's default options. */
    int64_t t0 = utc(2015, 12, 31, 20); /* a partial day before the first whole year */
    size_t n = (size_t)((utc(2020, 1, 1, 5) - t0) / 3600);
    double *D = gen_load(t0, n, 42);
    D[5000] = NAN; /* one missing hour inside 2016 */
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(a.year_from, 2016);
    cr_assert_eq(a.year_to, 2019);
    cr_assert_eq(a.missing_hours, 1);
    size_t k0 = (size_t)((utc(2016, 1, 1, 0) - t0) / 3600), m = hours_of(2016, 2019);
    bfc c;
    bfc_init(&c, utc(2016, 1, 1, 0), m, D + k0, NULL, 0);
    cr_assert_eq(a.threshold_summer_mw, c.b.T[7]);
    cr_assert_eq(a.threshold_winter_mw, c.b.T[1]);
    check_against_bf(&c, &a);
    /* monotone in the budget, and strictly positive for this load */
    for (size_t j = 1; j < 4; j++) cr_assert(a.rows[j].headroom_mw >= a.rows[j - 1].headroom_mw);
    cr_assert(a.rows[0].headroom_mw > 0);
    /* the curve is R(L) at its points (1e-9: different summation order) */
    cr_assert_eq(a.ncurve, 100);
    for (size_t k = 0; k < a.ncurve; k += 9) {
        cr_assert(fabs(a.curve_added_mw[k] - (double)(k + 1) * 0.0025 * a.peak_mw) < 1e-6);
        cr_assert(fabs(a.curve_rate_pct[k] - 100 * bfc_rate(&c, a.curve_added_mw[k])) < 1e-9, "k=%zu", k);
    }
    for (size_t k = 1; k < a.ncurve; k++) cr_assert(a.curve_rate_pct[k] >= a.curve_rate_pct[k - 1]);
    /* with slack thresholds can only grow (wider windows) */
    o.season_slack = 1;
    hr_assessment a2;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a2), HR_OK);
    cr_assert(a2.threshold_summer_mw >= a.threshold_summer_mw && a2.threshold_winter_mw >= a.threshold_winter_mw);
    bfc_free(&c);
    bfc_init(&c, utc(2016, 1, 1, 0), m, D + k0, NULL, 1);
    check_against_bf(&c, &a2);
    bfc_free(&c);
    free(D);
}

Test(headroom, monotone_in_budget)
{
    int64_t t0 = utc(2019, 1, 1, 0);
    size_t n = hours_of(2019, 2020);
    double *D = gen_load(t0, n, 3);
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.nbudgets = 8;
    double b[8] = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 20};
    memcpy(o.budgets_pct, b, sizeof b);
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    for (size_t j = 1; j < 8; j++) {
        cr_assert(a.rows[j].headroom_mw >= a.rows[j - 1].headroom_mw, "b=%g", b[j]);
        cr_assert(a.rows[j].curtailed_hours_per_year >= a.rows[j - 1].curtailed_hours_per_year);
    }
    cr_assert(a.rows[7].headroom_mw > a.rows[0].headroom_mw);
    free(D);
}

Test(headroom, shaped_profile_vs_brute_force)
{
    /* 24-hour profile: 1.5 in UTC hours 12-23 (US daytime), 0.5 otherwise. */
    int64_t t0 = utc(2018, 1, 1, 0);
    size_t n = hours_of(2018, 2019);
    double *D = gen_load(t0, n, 11);
    double prof[24];
    for (int h = 0; h < 24; h++) prof[h] = h >= 12 ? 1.5 : 0.5;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.profile = prof, o.profile_len = 24;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    bfc c;
    bfc_init(&c, t0, n, D, prof, 0);
    check_against_bf(&c, &a);
    bfc_free(&c);
    /* the same profile as 168 values (Monday 00:00 start) and as 8760 values
     * gives the same answer: it depends on the UTC hour only */
    double p168[168], *p8760 = malloc(8760 * sizeof *p8760);
    for (int k = 0; k < 168; k++) p168[k] = prof[k % 24];
    for (int k = 0; k < 8760; k++) p8760[k] = prof[k % 24];
    hr_assessment b;
    o.profile = p168, o.profile_len = 168;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &b), HR_OK);
    for (size_t j = 0; j < 4; j++) cr_assert_eq(a.rows[j].headroom_mw, b.rows[j].headroom_mw);
    o.profile = p8760, o.profile_len = 8760;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &b), HR_OK);
    for (size_t j = 0; j < 4; j++) cr_assert_eq(a.rows[j].headroom_mw, b.rows[j].headroom_mw);
    free(p8760);
    free(D);
}

/* ---------------------------------------------------------------- real data */


Test(headroom, duk_2016_2019_vs_brute_force)
{
    char path[1024];
    if (!shared_path(path, sizeof path, "eia930/ba_2015_2020/DUK.csv")) cr_skip_test("shared data absent: %s", path);
    int64_t t0 = 0;
    size_t n = 0;
    double *D = read_ba(path, "cleaned demand (MW)", &t0, &n);
    cr_assert_not_null(D);
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.year_from = 2016, o.year_to = 2019;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(a.nyears, 4);
    cr_assert_eq(a.missing_hours, 0, "the cleaned release has no gaps");
    size_t k0 = (size_t)((utc(2016, 1, 1, 0) - t0) / 3600);
    bfc c;
    bfc_init(&c, utc(2016, 1, 1, 0), hours_of(2016, 2019), D + k0, NULL, 0);
    check_against_bf(&c, &a);
    for (size_t j = 1; j < 4; j++) cr_assert(a.rows[j].headroom_mw >= a.rows[j - 1].headroom_mw);
    /* sanity of magnitude: Duke's peak is ~20 GW; 0.25 % headroom a few % of it */
    cr_assert(a.peak_mw > 15000 && a.peak_mw < 30000, "%f", a.peak_mw);
    cr_log_info("DUK 2016-2019: T summer %.0f winter %.0f; headroom 0.25/0.5/1/5 %% = %.1f %.1f %.1f %.1f MW",
                a.threshold_summer_mw, a.threshold_winter_mw, a.rows[0].headroom_mw, a.rows[1].headroom_mw,
                a.rows[2].headroom_mw, a.rows[3].headroom_mw);
    bfc_free(&c);
    free(D);
}

/* ---------------------------------------------------------------- scenarios */

Test(headroom, quantile_type7_by_hand)
{
    /* R: quantile(c(1,2,3,4), c(.1,.5,.9)) = 1.3 2.5 3.7 (h = (n-1) p). */
    double x[4] = {1, 2, 3, 4};
    cr_assert(fabs(headroom_quantile7(x, 4, 0.1) - 1.3) < 1e-12);
    cr_assert(fabs(headroom_quantile7(x, 4, 0.5) - 2.5) < 1e-12);
    cr_assert(fabs(headroom_quantile7(x, 4, 0.9) - 3.7) < 1e-12);
    cr_assert_eq(headroom_quantile7(x, 1, 0.9), 1);
}

Test(headroom, paths_vs_brute_force_and_R)
{
    /* 40 simulated 2021 paths: a base year times path-level growth plus
     * noise; thresholds from "history". Each path's headroom must match the
     * brute force on that path as a one-year series; quantiles match R's
     * quantile(type = 7) when Rscript is installed, else the formula. */
    int64_t t0 = utc(2021, 1, 1, 0);
    size_t nh = hours_of(2021, 2021), S = 40;
    double *base = gen_load(t0, nh, 5);
    double *P = malloc(S * nh * sizeof *P);
    rs = 99;
    for (size_t p = 0; p < S; p++) {
        double grow = 1 + 0.03 * gauss();
        for (size_t h = 0; h < nh; h++) P[p * nh + h] = base[h] * grow * (1 + 0.01 * gauss());
    }
    double Ts = 0, Tw = 0; /* "historical" thresholds: 3 % above the base year's seasonal peaks */
    for (size_t h = 0; h < nh; h++) {
        int m = month_of(t0 + 3600 * (int64_t)h);
        if (hr_assess_month_season(m) == HR_SEASON_SUMMER) Ts = fmax(Ts, 1.03 * base[h]);
        else Tw = fmax(Tw, 1.03 * base[h]);
    }
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    double H[40 * 4], Q[12];
    cr_assert_eq(hr_assess_paths(t0, P, nh, S, Ts, Tw, &o, H, Q), HR_OK, "%s", hr_last_error());
    for (size_t p = 0; p < S; p += 13) {
        bfc c;
        bfc_init(&c, t0, nh, P + p * nh, NULL, 0);
        for (int m = 1; m <= 12; m++) c.b.T[m] = hr_assess_month_season(m) == HR_SEASON_SUMMER ? Ts : Tw;
        for (size_t j = 0; j < 4; j++) {
            double b = o.budgets_pct[j] / 100, L = H[p * 4 + j];
            cr_assert(fabs(L - bfc_headroom(&c, b)) <= 0.1 + 1e-6, "path %zu budget %g", p, b);
            cr_assert(bfc_rate(&c, L + 0.1) > b);
        }
        bfc_free(&c);
    }
    /* quantiles */
    FILE *r = popen("command -v Rscript >/dev/null 2>&1 && echo yes", "r");
    char yes[8] = "";
    int haveR = r && fgets(yes, sizeof yes, r) && !strncmp(yes, "yes", 3);
    if (r) pclose(r);
    double wantR[12];
    if (haveR) { /* one R process for the four budgets */
        char cmd[8192];
        int k = snprintf(cmd, sizeof cmd, "Rscript -e 'cat(sprintf(\"%%.10f\", c(");
        for (size_t j = 0; j < 4; j++) {
            k += snprintf(cmd + k, sizeof cmd - (size_t)k, "%squantile(c(", j ? "," : "");
            for (size_t p = 0; p < S; p++)
                k += snprintf(cmd + k, sizeof cmd - (size_t)k, "%s%.1f", p ? "," : "", H[p * 4 + j]);
            k += snprintf(cmd + k, sizeof cmd - (size_t)k, "), c(.1,.5,.9), type = 7)");
        }
        snprintf(cmd + k, sizeof cmd - (size_t)k, ")))' 2>/dev/null");
        FILE *pr = popen(cmd, "r");
        cr_assert_not_null(pr);
        for (int q = 0; q < 12; q++) cr_assert_eq(fscanf(pr, "%lf", &wantR[q]), 1, "Rscript output");
        pclose(pr);
    }
    for (size_t j = 0; j < 4; j++) {
        double want[3];
        if (haveR) {
            for (int q = 0; q < 3; q++) want[q] = wantR[j * 3 + q];
        } else {
            double x[40];
            for (size_t p = 0; p < S; p++) x[p] = H[p * 4 + j];
            for (size_t a = 1; a < S; a++) /* insertion sort */
                for (size_t q = a; q > 0 && x[q] < x[q - 1]; q--) {
                    double t = x[q];
                    x[q] = x[q - 1];
                    x[q - 1] = t;
                }
            for (int q = 0; q < 3; q++) {
                double pp = q == 0 ? 0.1 : q == 1 ? 0.5 : 0.9, h = 39 * pp;
                size_t lo = (size_t)floor(h);
                want[q] = x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
            }
        }
        /* 1e-8: R printed to 10 decimals */
        for (int q = 0; q < 3; q++) cr_assert(fabs(Q[j * 3 + q] - want[q]) < 1e-8, "budget %zu q%d: %f vs %f", j, q, Q[j * 3 + q], want[q]);
        cr_assert(Q[j * 3] <= Q[j * 3 + 1] && Q[j * 3 + 1] <= Q[j * 3 + 2]);
    }
    free(P);
    free(base);
}

/* ---------------------------------------------------------------- generation mix */

Test(headroom, genmix_by_hand)
{
    /* 2019, load 1000 with 1100 in 100 hours; capacity threshold 1050.
     * nuclear 400 always; gas 600 (1000-MW hours) or 700 (1100-MW hours);
     * battery -50 (charging, counts 0) in 1000-MW hours, +50 in peak hours.
     * Overall: nuclear 8760*400 = 3,504,000; gas 8660*600 + 100*700 =
     * 5,266,000; battery 5,000 -> carbon-free (nuclear + battery)
     * 3,509,000 / 8,775,000. At any L between 0 and 50 only the 100 peak hours
     * curtail (equal C_t), so the curtailed share is that of a peak hour:
     * (400 + 50) / 1150. */
    int64_t t0 = utc(2019, 1, 1, 0);
    size_t n = hours_of(2019, 2019);
    double *D = filled(n, 1000), *nuc = filled(n, 400), *gas = filled(n, 600), *bat = filled(n, -50);
    for (size_t i = 0; i < 100; i++) {
        size_t t = 3000 + 50 * i;
        D[t] = 1100, gas[t] = 700, bat[t] = 50;
    }
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.threshold_kind = HR_THRESH_CAPACITY;
    o.threshold_summer_mw = o.threshold_winter_mw = 1050;
    o.nbudgets = 1;
    /* 1.2 %: R = 100/8760 = 1.14 % up to L = 50, then 1 - 8660*50/(8760 L)
     * = 0.012 at L = 50.03 -> 50.0, where only the peak hours curtail. */
    o.budgets_pct[0] = 1.2;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert(fabs(a.rows[0].headroom_mw - 50.0) < 1e-9, "%f", a.rows[0].headroom_mw);
    cr_assert_eq(a.rows[0].curtailed_hours_per_year, 100);
    const double *gen[3] = {nuc, gas, bat};
    const char *names[3] = {"nuclear", "natural_gas", "battery_storage"};
    hr_genmix g;
    cr_assert_eq(headroom_genmix_arrays(t0, D, n, gen, names, 3, &o, &a, &g), HR_OK, "%s", hr_last_error());
    cr_assert_eq(g.carbon_free[0], 1);
    cr_assert_eq(g.carbon_free[1], 0);
    cr_assert_eq(g.carbon_free[2], 1);
    cr_assert_eq(g.hours_used, 8760);
    cr_assert(fabs(g.carbon_free_all_pct - 100.0 * 3509000 / 8775000) < 1e-9, "%f", g.carbon_free_all_pct);
    cr_assert(fabs(g.share_all_pct[1] - 100.0 * 5266000 / 8775000) < 1e-9);
    cr_assert(fabs(g.carbon_free_curtailed_pct[0] - 100.0 * 450 / 1150) < 1e-9, "%f", g.carbon_free_curtailed_pct[0]);
    cr_assert(fabs(g.share_curtailed_pct[0][1] - 100.0 * 700 / 1150) < 1e-9);
    /* fuel-name classification (EIA-930 codes and names) */
    cr_assert(headroom_fuel_carbon_free("wat") && headroom_fuel_carbon_free("pumped_storage") &&
              headroom_fuel_carbon_free("geothermal") && headroom_fuel_carbon_free("SUN"));
    cr_assert(!headroom_fuel_carbon_free("coal") && !headroom_fuel_carbon_free("oil") &&
              !headroom_fuel_carbon_free("other"));
    free(D), free(nuc), free(gas), free(bat);
}

/* ---------------------------------------------------------------- public series path */

Test(headroom, through_hr_series)
{
    /* hr_assess on a series built by hr_series_from_arrays (no screening)
     * equals hr_assess_arrays on the same values. */
    int64_t t0 = utc(2019, 1, 1, 0);
    size_t n = hours_of(2019, 2019);
    double *D = gen_load(t0, n, 8);
    int64_t *t = malloc(n * sizeof *t);
    for (size_t i = 0; i < n; i++) t[i] = t0 + 3600 * (int64_t)i;
    hr_series *s = NULL;
    int rc = hr_series_from_arrays("X", t, D, n, 0, &s);
    if (rc != HR_OK) cr_skip_test("hr_series_from_arrays unavailable: %s", hr_last_error());
    hr_assessment a, b;
    cr_assert_eq(hr_assess(s, 0, NULL, &a), HR_OK, "%s", hr_last_error());
    cr_assert_eq(hr_assess_arrays(t0, D, n, NULL, &b), HR_OK);
    for (size_t j = 0; j < 4; j++) cr_assert_eq(a.rows[j].headroom_mw, b.rows[j].headroom_mw);
    hr_genmix g;
    cr_assert_eq(hr_assess_genmix(s, 0, NULL, &a, &g), HR_ENOTFOUND); /* no gen columns */
    cr_assert_eq(hr_assess(s, 5, NULL, &a), HR_EINVAL);
    hr_series_free(s);
    free(t);
    free(D);
}

Test(headroom, out_of_memory_paths)
{
    /* Fail each allocation in turn: HR_ENOMEM (never a crash or leak; ASan
     * checks the leaks), and success once no allocation fails. */
    int64_t t0 = utc(2019, 1, 1, 0);
    size_t n = hours_of(2019, 2019);
    double *D = gen_load(t0, n, 2);
    hr_assessment a;
    double Q[12];
    int ok = 0;
    for (unsigned long k = 1; k < 40 && !ok; k++) {
        mem_fail_at(k);
        int rc = hr_assess_arrays(t0, D, n, NULL, &a);
        mem_fail_at(0);
        cr_assert(rc == HR_OK || rc == HR_ENOMEM, "k=%lu rc=%d", k, rc);
        ok = rc == HR_OK;
    }
    cr_assert(ok);
    ok = 0;
    for (unsigned long k = 1; k < 40 && !ok; k++) {
        mem_fail_at(k);
        int rc = hr_assess_paths(t0, D, n, 1, 20000, 20000, NULL, NULL, Q);
        mem_fail_at(0);
        cr_assert(rc == HR_OK || rc == HR_ENOMEM, "k=%lu rc=%d", k, rc);
        ok = rc == HR_OK;
    }
    cr_assert(ok);
    free(D);
}

/* Hour-ending files of whole UTC years land one hour short of the year on
 * the hour-beginning grid; that year still counts, with the hour missing. */
Test(headroom, edge_hour_short_year_counts)
{
    const int64_t y2019 = 1546300800; /* 2019-01-01T00:00:00Z */
    size_t n = 8760;
    double *full = malloc(n * sizeof *full);
    for (size_t k = 0; k < n; k++) full[k] = 1000 + 300 * sin(2 * M_PI * (double)k / 24) + (double)(k % 97);
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    hr_assessment a, b;
    /* reference: the whole year with its last hour missing */
    double keep = full[n - 1];
    full[n - 1] = NAN;
    cr_assert_eq(hr_assess_arrays(y2019, full, n, &o, &a), HR_OK, "%s", hr_last_error());
    full[n - 1] = keep;
    /* the same data one hour short, starting 23:00 the day before (hour-ending file) */
    double *he = malloc(n * sizeof *he);
    he[0] = 999;
    memcpy(he + 1, full, (n - 1) * sizeof *he);
    cr_assert_eq(hr_assess_arrays(y2019 - 3600, he, n, &o, &b), HR_OK, "%s", hr_last_error());
    cr_assert_eq(b.year_from, 2019);
    cr_assert_eq(b.nyears, 1);
    cr_assert_eq(b.missing_hours, 1);
    for (size_t j = 0; j < a.nrows; j++)
        cr_assert_eq(a.rows[j].headroom_mw, b.rows[j].headroom_mw, "budget %zu", j);
    /* 25 hours short is not a whole year */
    cr_assert_eq(hr_assess_arrays(y2019, full, n - 25, &o, &b), HR_EDATA);
    free(he);
    free(full);
}
