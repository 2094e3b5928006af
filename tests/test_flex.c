/* test_flex.c — headroom under a flexible-load contract (src/assess/flex.c).
 *
 * References: (1) closed forms worked out by hand in each test (single
 * blocks of peak hours of known length and depth); (2) a brute force
 * written here from the definitions in include/headroom.h (hr_assess_opts):
 * an hour-by-hour loop in MW with the battery dispatched exactly as
 * stated (need, discharge min(need, power, stored), charge min(power,
 * room, (capacity - stored) / eff), stored += eff * charge), thresholds
 * from gmtime months, yearly rates, hours and events per calendar year
 * (an event counted in the year it starts), and the headroom found by
 * bisection on L to 1e-6 MW for the monotone terms, or by walking the
 * breakpoints in order for the events cap (its first failure). Data: a
 * generated load (twin) and EIA-930 cleaned demand of DUK 2016-2019
 * (Ruggles et al. 2020). Last, the report's contract and campus view. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "headroom.h"
#include "helpers.h"
#include "report/report.h"

/* ---------------------------------------------------------------- brute force */

typedef struct {
    size_t n;
    const double *D;
    int *mon, *yr; /* month 1-12, year index */
    int ny;
    double Ts, Tw; /* summer (Apr-Oct), winter (Nov-Mar) thresholds */
    /* contract */
    int evh, evn, hrs, every;
    double bpct, bhrs, beff;
    const double *prof; /* NULL (flat) or 24 multipliers by UTC hour */
    int h0;             /* UTC hour of day of the first hour */
} bf;

typedef struct {
    double rate_mean, rate_max, hours_max, events_max, run_max, hours, events, cycles;
} bf_stats;

static void bf_init(bf *b, int64_t t0, size_t n, const double *D)
{
    memset(b, 0, sizeof *b);
    b->n = n, b->D = D;
    b->mon = malloc(n * sizeof(int));
    b->yr = malloc(n * sizeof(int));
    int y0 = 0;
    for (size_t i = 0; i < n; i++) {
        time_t tt = (time_t)(t0 + (int64_t)i * 3600);
        struct tm tm;
        gmtime_r(&tt, &tm);
        if (i == 0) y0 = tm.tm_year;
        b->mon[i] = tm.tm_mon + 1;
        b->yr[i] = tm.tm_year - y0;
    }
    b->ny = b->yr[n - 1] + 1;
    b->beff = 0.85;
    b->h0 = (int)((t0 / 3600) % 24);
}

/* The study's seasonal peaks with a one-month slack: May-Sep, Nov-Mar. */
static void bf_seasonal(bf *b)
{
    b->Ts = b->Tw = -1;
    for (size_t i = 0; i < b->n; i++) {
        int m = b->mon[i];
        if (isnan(b->D[i])) continue;
        if (m >= 5 && m <= 9 && b->D[i] > b->Ts) b->Ts = b->D[i];
        if ((m >= 11 || m <= 3) && b->D[i] > b->Tw) b->Tw = b->D[i];
    }
}

static void bf_free(bf *b)
{
    free(b->mon);
    free(b->yr);
}

static void bf_run(const bf *b, double L, bf_stats *st)
{
    double num[16] = {0}, den[16] = {0}, hy[16] = {0}, ey[16] = {0};
    double power = b->bpct / 100 * L, capacity = power * b->bhrs, stored = capacity, out = 0;
    int run = 0, runmax = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (isnan(b->D[i])) {
            run = 0;
            continue;
        }
        double T = (b->mon[i] >= 4 && b->mon[i] <= 10) ? b->Ts : b->Tw;
        double Ls = L * (b->prof ? b->prof[(b->h0 + i) % 24] : 1.0);
        double need = fmin(Ls, fmax(0, b->D[i] + Ls - T)), C = 0;
        if (need > 0) {
            double x = fmin(need, fmin(power, stored));
            stored -= x;
            out += x;
            C = need - x;
        } else if (capacity > 0) {
            double ch = fmin(power, fmin(T - b->D[i] - Ls, (capacity - stored) / b->beff));
            if (ch > 0) stored += b->beff * ch;
        }
        int y = b->yr[i];
        num[y] += C;
        den[y] += Ls;
        if (C > 0) {
            hy[y] += 1;
            if (run == 0) ey[y] += 1;
            run++;
            if (run > runmax) runmax = run;
        } else {
            run = 0;
        }
    }
    memset(st, 0, sizeof *st);
    for (int y = 0; y < b->ny; y++) {
        double r = num[y] / den[y];
        st->rate_mean += r / b->ny;
        st->rate_max = fmax(st->rate_max, r);
        st->hours_max = fmax(st->hours_max, hy[y]);
        st->events_max = fmax(st->events_max, ey[y]);
        st->hours += hy[y];
        st->events += ey[y];
    }
    st->run_max = runmax;
    st->cycles = capacity > 0 ? out / capacity : 0;
}

/* HR_BIND_* terms broken at L (budget b; b < 0: caps only). */
static unsigned bf_broken(const bf *b, double L, double budget)
{
    bf_stats st;
    bf_run(b, L, &st);
    unsigned f = 0;
    double tol = 1e-9 * budget;
    if (budget >= 0 && !b->every && st.rate_mean > budget + tol) f |= HR_BIND_BUDGET;
    if (budget >= 0 && b->every && st.rate_max > budget + tol) f |= HR_BIND_EVERY_YEAR;
    if (b->evh && st.run_max > b->evh) f |= HR_BIND_EVENT_HOURS;
    if (b->evn && st.events_max > b->evn) f |= HR_BIND_EVENTS;
    if (b->hrs && st.hours_max > b->hrs) f |= HR_BIND_HOURS;
    return f;
}

/* Largest L keeping every monotone term, by bisection to 1e-6 MW. */
static double bf_headroom(const bf *b, double budget)
{
    double lo = 0, hi = 1;
    while (!bf_broken(b, hi, budget)) lo = hi, hi *= 2;
    while (hi - lo > 1e-6) {
        double mid = 0.5 * (lo + hi);
        if (bf_broken(b, mid, budget)) hi = mid;
        else lo = mid;
    }
    return lo;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Events cap without storage: the breakpoints (T - D)^+ in order; the
 * first v at which the cap fails just above v. */
static double bf_events_first_failure(const bf *b)
{
    double *v = malloc(b->n * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++)
        if (!isnan(b->D[i])) {
            double T = (b->mon[i] >= 4 && b->mon[i] <= 10) ? b->Ts : b->Tw;
            double sh = b->prof ? b->prof[(b->h0 + i) % 24] : 1.0;
            if (sh > 0) v[k++] = fmax(0, T - b->D[i]) / sh;
        }
    qsort(v, k, sizeof *v, cmp_d);
    double res = INFINITY;
    for (size_t j = 0; j < k; j++) {
        if (j + 1 < k && v[j + 1] == v[j]) continue;
        double above = j + 1 < k ? 0.5 * (v[j] + v[j + 1]) : v[j] + 1;
        if (bf_broken(b, above, -1) & HR_BIND_EVENTS) {
            res = v[j];
            break;
        }
    }
    free(v);
    return res;
}

static void opts_from(const bf *b, hr_assess_opts *o)
{
    o->max_event_hours = b->evh;
    o->max_events_per_year = b->evn;
    o->max_hours_per_year = b->hrs;
    o->every_year = b->every;
    o->battery_pct = b->bpct;
    o->battery_hours = b->bhrs;
    o->battery_eff = b->beff;
}

/* The kernel's rows against the brute force: on the 0.1 MW grid, every
 * term kept at L, the named ones broken at L + 0.1, and (monotone terms)
 * within 0.1 MW of the bisection. */
static void check_rows(const bf *b, const hr_assessment *a, const char *what)
{
    for (size_t j = 0; j < a->nrows; j++) {
        const hr_headroom_row *r = &a->rows[j];
        double budget = r->budget_pct / 100, L = r->headroom_mw;
        cr_assert(fabs(L * 10 - round(L * 10)) < 1e-6, "%s: %.6f off the grid", what, L);
        cr_assert_eq(bf_broken(b, L, budget), 0, "%s b=%g: L=%.1f breaks %u", what, r->budget_pct, L,
                     bf_broken(b, L, budget));
        unsigned up = bf_broken(b, L + 0.1, budget);
        cr_assert_neq(up, 0, "%s b=%g: L+0.1 = %.1f still keeps every term", what, r->budget_pct, L + 0.1);
        cr_assert_eq(r->binding, up, "%s b=%g: binding %u, brute force %u", what, r->budget_pct, r->binding, up);
        if (!b->evn) {
            double ref = bf_headroom(b, budget);
            cr_assert(fabs(L - ref) <= 0.1 + 1e-6, "%s b=%g: kernel %.2f, brute force %.6f", what, r->budget_pct,
                      L, ref);
        }
        bf_stats st;
        bf_run(b, L, &st);
        cr_assert(fabs(r->curtailed_hours_per_year - st.hours / b->ny) < 1e-9, "%s: hours %g vs %g", what,
                  r->curtailed_hours_per_year, st.hours / b->ny);
        cr_assert(fabs(r->events_per_year - st.events / b->ny) < 1e-9, "%s: events", what);
        cr_assert(fabs(r->max_event_hours - st.run_max) < 1e-9, "%s: longest event", what);
        cr_assert(fabs(r->rate_pct - 100 * st.rate_mean) < 1e-9 * 100 + 1e-9, "%s: rate", what);
        cr_assert(fabs(r->battery_cycles_per_year - st.cycles / b->ny) < 1e-6 * (1 + st.cycles), "%s: cycles %g vs %g",
                  what, r->battery_cycles_per_year, st.cycles / b->ny);
    }
}

/* A generated load: daily and annual cycles, AR(1) weather noise. */
static double *gen_load(int64_t t0, size_t n, uint64_t seed)
{
    double *x = malloc(n * sizeof *x), e = 0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)(t0 / 3600 + (int64_t)i), h = fmod(t, 24), doy = fmod(t / 24, 365.2425);
        double daily = 1 + 0.15 * sin(2 * M_PI * (h - 14) / 24);
        double season = 1 + 0.12 * cos(2 * M_PI * (doy - 200) / 365.2425) + 0.08 * cos(4 * M_PI * (doy - 15) / 365.2425);
        double u1 = unif(&seed), u2 = unif(&seed);
        e = 0.97 * e + 0.01 * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
        x[i] = 15000 * daily * season * (1 + e);
    }
    return x;
}

static size_t hours_of(int y0, int y1) { return (size_t)((utc(y1 + 1, 1, 1, 0) - utc(y0, 1, 1, 0)) / 3600); }

static void capacity(hr_assess_opts *o, double T)
{
    o->threshold_kind = HR_THRESH_CAPACITY;
    o->threshold_summer_mw = o->threshold_winter_mw = T;
}

/* ---------------------------------------------------------------- closed forms */

Test(flex, one_block_caps)
{
    /* 2019 at 1000 MW against 1100; one block of 6 hours at 1090 (gap 10):
     * any L in (10, 100] curtails exactly those 6 hours, L > 100 every hour.
     * Event cap 4 or hours cap 5: 10.0 (binding event-length / hours);
     * event cap 6: 100.0, where the whole year joins; budget 0.05 %: on
     * (10, 100] the rate is 6 (L - 10) / (8760 L) <= 0.0005 for
     * L <= 60 / 1.62 = 37.037, so 37.0. */
    size_t n = hours_of(2019, 2019);
    int64_t t0 = utc(2019, 1, 1, 0);
    double *D = malloc(n * sizeof *D);
    for (size_t i = 0; i < n; i++) D[i] = 1000;
    size_t b0 = (size_t)((utc(2019, 7, 15, 14) - t0) / 3600);
    for (size_t i = b0; i < b0 + 6; i++) D[i] = 1090;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    capacity(&o, 1100);
    o.budgets_pct[0] = 0.05, o.budgets_pct[1] = 5, o.nbudgets = 2;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_float_eq(a.rows[0].headroom_mw, 37.0, 1e-9);
    cr_assert_eq(a.rows[0].binding, HR_BIND_BUDGET);
    o.max_event_hours = 4;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_float_eq(a.rows[0].headroom_mw, 10.0, 1e-9);
    cr_assert_eq(a.rows[0].binding, HR_BIND_EVENT_HOURS);
    cr_assert_float_eq(a.rows[1].headroom_mw, 10.0, 1e-9);
    cr_assert_eq(a.rows[0].max_event_hours, 0, "nothing curtails at exactly 10 MW");
    o.max_event_hours = 6;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_float_eq(a.rows[0].headroom_mw, 37.0, 1e-9);
    cr_assert_float_eq(a.rows[1].headroom_mw, 100.0, 1e-9);
    cr_assert_eq(a.rows[1].binding, HR_BIND_EVENT_HOURS);
    cr_assert_eq(a.rows[1].max_event_hours, 6);
    o.max_event_hours = 0;
    o.max_hours_per_year = 5;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_float_eq(a.rows[0].headroom_mw, 10.0, 1e-9);
    cr_assert_eq(a.rows[0].binding, HR_BIND_HOURS);
    o.max_hours_per_year = 6;
    o.max_event_hours = 6;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_float_eq(a.rows[1].headroom_mw, 100.0, 1e-9);
    cr_assert_eq(a.rows[1].binding, HR_BIND_HOURS | HR_BIND_EVENT_HOURS, "both break at 100.1: both named");
    char t[64];
    cr_assert_eq(hr_assess_binding_text(a.rows[1].binding, t, sizeof t), 18);
    cr_assert_str_eq(t, "event-length+hours");
    cr_assert_eq(hr_assess_binding_text(0, t, sizeof t), 0);
    cr_assert_str_eq(t, "");
    cr_assert_eq(hr_assess_binding_text(HR_BIND_BUDGET | HR_BIND_EVENTS, t, 4), 13, "as snprintf: the length needed");
    cr_assert_str_eq(t, "bud");
    /* a flat 1000 MW year has no spike: no warning */
    cr_assert_eq(hr_assess_peak_warning(&a, HR_SEASON_SUMMER, t, sizeof t), 0);
    free(D);
}

Test(flex, events_cap_first_failure)
{
    /* Two 3-hour blocks at gap 10 joined by one hour at gap 20: on
     * (10, 20] two events, above 20 one event of 7 hours. With at most one
     * event a year the headroom is 10.0 although (20, 100] has one event:
     * the cap must hold for every smaller campus too. With 2 the cap never
     * fails (above 100 the whole year is one event): the budget binds. */
    size_t n = hours_of(2019, 2019);
    int64_t t0 = utc(2019, 1, 1, 0);
    double *D = malloc(n * sizeof *D);
    for (size_t i = 0; i < n; i++) D[i] = 1000;
    size_t b0 = (size_t)((utc(2019, 7, 15, 14) - t0) / 3600);
    for (size_t i = 0; i < 7; i++) D[b0 + i] = i == 3 ? 1080 : 1090;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    capacity(&o, 1100);
    o.budgets_pct[0] = 5, o.nbudgets = 1;
    o.max_events_per_year = 1;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK, "%s", hr_last_error());
    cr_assert_float_eq(a.rows[0].headroom_mw, 10.0, 1e-9);
    cr_assert_eq(a.rows[0].binding, HR_BIND_EVENTS);
    o.max_events_per_year = 2;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert(a.rows[0].headroom_mw > 100.0, "%f", a.rows[0].headroom_mw);
    cr_assert_eq(a.rows[0].binding, HR_BIND_BUDGET);
    /* a campus of 15 MW sees 2 events; 50 MW one of 7 hours */
    hr_campus c;
    cr_assert_eq(hr_assess_size_arrays(t0, D, n, &o, 15, &c), HR_OK);
    cr_assert_eq(c.events_per_year, 2);
    cr_assert_eq(c.max_event_hours, 3);
    cr_assert_eq(c.curtailed_hours_per_year, 6);
    cr_assert_float_eq(c.curtailed_pct, 100.0 * 6 * 5 / (8760.0 * 15), 1e-12);
    o.max_events_per_year = 1;
    cr_assert_eq(hr_assess_size_arrays(t0, D, n, &o, 15, &c), HR_OK);
    cr_assert_eq(c.broken, HR_BIND_EVENTS);
    cr_assert_eq(hr_assess_size_arrays(t0, D, n, &o, 50, &c), HR_OK);
    cr_assert_eq(c.broken, 0);
    cr_assert_eq(c.max_event_hours, 7);
    cr_assert_float_eq(c.mean_event_hours, 7, 1e-12);
    free(D);
}

Test(flex, every_year_closed_form)
{
    /* 2018-2019; only 2019 has the 6-hour block at gap 10 (gaps 100
     * elsewhere). Every year at 0.05 %: 2019 alone must keep it, so 37.0
     * (as one_block_caps); on the mean of the two years 6 (L - 10) /
     * (2 * 8760 L) <= 0.0005 holds up to L = 100, where every hour joins;
     * the brute force gives the rest. */
    size_t n = hours_of(2018, 2019);
    int64_t t0 = utc(2018, 1, 1, 0);
    double *D = malloc(n * sizeof *D);
    for (size_t i = 0; i < n; i++) D[i] = 1000;
    size_t b0 = (size_t)((utc(2019, 7, 15, 14) - t0) / 3600);
    for (size_t i = b0; i < b0 + 6; i++) D[i] = 1090;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    capacity(&o, 1100);
    o.budgets_pct[0] = 0.05, o.nbudgets = 1;
    hr_assessment a;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert(a.rows[0].headroom_mw >= 100.0, "%f", a.rows[0].headroom_mw);
    o.every_year = 1;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, &a), HR_OK);
    cr_assert_float_eq(a.rows[0].headroom_mw, 37.0, 1e-9);
    cr_assert_eq(a.rows[0].binding, HR_BIND_EVERY_YEAR);
    cr_assert_float_eq(a.rows[0].worst_year_rate_pct, 100.0 * 6 * 27 / (8760 * 37.0), 1e-9);
    free(D);
}

Test(flex, battery_closed_form)
{
    /* 2019 at 1000 MW against 1100; a campus of 50 MW with a battery of
     * 25 % (12.5 MW) for 4 h (50 MWh), efficiency 0.85. Block A: 4 hours at
     * 1100 (need 50 each): the battery gives 12.5 each and is empty, 4 x
     * 37.5 = 150 MWh curtailed. Two hours at 1000 recharge 12.5 MW each
     * (room 50), storing 2 x 0.85 x 12.5 = 21.25 MWh. Block B: 2 hours at
     * 1100: 12.5 then 8.75 from storage, 37.5 + 41.25 = 78.75 curtailed.
     * Rate 228.75 / (50 x 8760); events 2, longest 4; cycles (50 + 21.25) /
     * 50 = 1.425 per year. */
    size_t n = hours_of(2019, 2019);
    int64_t t0 = utc(2019, 1, 1, 0);
    double *D = malloc(n * sizeof *D);
    for (size_t i = 0; i < n; i++) D[i] = 1000;
    size_t b0 = (size_t)((utc(2019, 7, 15, 14) - t0) / 3600);
    for (size_t i = 0; i < 8; i++) D[b0 + i] = (i == 4 || i == 5) ? 1000 : 1100;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    capacity(&o, 1100);
    o.battery_pct = 25, o.battery_hours = 4;
    cr_assert_float_eq(o.battery_eff, 0.85, 0, "default efficiency");
    hr_campus c;
    cr_assert_eq(hr_assess_size_arrays(t0, D, n, &o, 50, &c), HR_OK, "%s", hr_last_error());
    cr_assert_float_eq(c.curtailed_pct, 100.0 * 228.75 / (50 * 8760.0), 1e-12);
    cr_assert_eq(c.curtailed_hours_per_year, 6);
    cr_assert_eq(c.events_per_year, 2);
    cr_assert_eq(c.max_event_hours, 4);
    cr_assert_float_eq(c.battery_cycles_per_year, 1.425, 1e-12);
    /* without storage 300 MWh curtailed in the same 6 hours */
    o.battery_pct = 0;
    cr_assert_eq(hr_assess_size_arrays(t0, D, n, &o, 50, &c), HR_OK);
    cr_assert_float_eq(c.curtailed_pct, 100.0 * 300 / (50 * 8760.0), 1e-12);
    cr_assert_eq(c.battery_cycles_per_year, 0);
    /* 100 % for 2 h (50 MW, 100 MWh): block A is served 2 hours and curtails
     * 50 + 50 in hours 3-4; the recharge stores 2 x 0.85 x 50 = 85 MWh, so
     * block B is served 50 then 35 and curtails 15: 115 MWh in 3 hours. */
    o.battery_pct = 100, o.battery_hours = 2;
    cr_assert_eq(hr_assess_size_arrays(t0, D, n, &o, 50, &c), HR_OK);
    cr_assert_float_eq(c.curtailed_pct, 100.0 * 115 / (50 * 8760.0), 1e-12);
    cr_assert_eq(c.curtailed_hours_per_year, 3);
    cr_assert_eq(c.events_per_year, 2);
    free(D);
}

Test(flex, options_checked)
{
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    double D[24 * 366];
    for (size_t i = 0; i < 24 * 365; i++) D[i] = 1000 + (double)(i % 24);
    int64_t t0 = utc(2019, 1, 1, 0);
    hr_assessment a;
    o.max_event_hours = -1;
    cr_assert_eq(hr_assess_arrays(t0, D, 8760, &o, &a), HR_EINVAL);
    cr_assert(strstr(hr_last_error(), "max_event_hours"), "%s", hr_last_error());
    hr_assess_opts_init(&o);
    o.battery_pct = 25, o.battery_hours = 0;
    cr_assert_eq(hr_assess_arrays(t0, D, 8760, &o, &a), HR_EINVAL);
    cr_assert(strstr(hr_last_error(), "battery_hours"));
    o.battery_hours = 4, o.battery_eff = 1.5;
    cr_assert_eq(hr_assess_arrays(t0, D, 8760, &o, &a), HR_EINVAL);
    hr_assess_opts_init(&o);
    o.every_year = 2;
    cr_assert_eq(hr_assess_arrays(t0, D, 8760, &o, &a), HR_EINVAL);
    hr_assess_opts_init(&o);
    hr_campus c;
    cr_assert_eq(hr_assess_size_arrays(t0, D, 8760, &o, 0, &c), HR_EINVAL);
    cr_assert_eq(hr_assess_size_arrays(t0, D, 8760, &o, NAN, &c), HR_EINVAL);
    cr_assert_eq(hr_assess_size_arrays(t0, D, 8760, &o, 10, &c), HR_OK, "%s", hr_last_error());
    cr_assert_str_eq(hr_last_error(), "");
}

/* ---------------------------------------------------------------- brute force */

/* Every term alone and a combination, with and without storage, on one load. */
static void sweep(int64_t t0, size_t n, const double *D, hr_assess_opts base, const char *name)
{
    bf b;
    bf_init(&b, t0, n, D);
    if (base.profile_len == 24) b.prof = base.profile;
    hr_assessment *a = malloc(sizeof *a);
    hr_assess_opts o = base;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, a), HR_OK, "%s", hr_last_error());
    if (o.threshold_kind == HR_THRESH_CAPACITY) {
        b.Ts = o.threshold_summer_mw, b.Tw = o.threshold_winter_mw;
    } else {
        bf_seasonal(&b);
        cr_assert_eq(a->threshold_summer_mw, b.Ts, "%s: summer threshold", name);
        cr_assert_eq(a->threshold_winter_mw, b.Tw, "%s: winter threshold", name);
    }
    static const struct { int evh, evn, hrs, every; double bp, bh; const char *what; } cs[] = {
        {4, 0, 0, 0, 0, 0, "event<=4h"},      {8, 0, 0, 0, 0, 0, "event<=8h"},
        {0, 0, 20, 0, 0, 0, "hours<=20"},     {0, 0, 0, 1, 0, 0, "every-year"},
        {0, 0, 0, 0, 25, 4, "battery 25/4"},  {0, 0, 0, 1, 25, 4, "battery+every-year"},
        {4, 0, 0, 0, 25, 4, "battery+4h"},    {6, 0, 60, 1, 10, 2, "6h+60h+every+battery 10/2"},
        {0, 3, 0, 0, 0, 0, "events<=3"},      {0, 0, 0, 0, 100, 8, "battery 100/8"},
    };
    for (size_t k = 0; k < sizeof cs / sizeof *cs; k++) {
        b.evh = cs[k].evh, b.evn = cs[k].evn, b.hrs = cs[k].hrs, b.every = cs[k].every;
        b.bpct = cs[k].bp, b.bhrs = cs[k].bh;
        o = base;
        opts_from(&b, &o);
        cr_assert_eq(hr_assess_arrays(t0, D, n, &o, a), HR_OK, "%s %s: %s", name, cs[k].what, hr_last_error());
        char what[96];
        snprintf(what, sizeof what, "%s %s", name, cs[k].what);
        check_rows(&b, a, what);
        if (b.evn && !b.bpct) {
            double v = bf_events_first_failure(&b);
            for (size_t j = 0; j < a->nrows; j++)
                if (a->rows[j].binding & HR_BIND_EVENTS)
                    cr_assert(a->rows[j].headroom_mw <= v && a->rows[j].headroom_mw > v - 0.1 - 1e-9,
                              "%s: %.1f vs the first failure at %.6f", what, a->rows[j].headroom_mw, v);
        }
        /* the inverse question at the 0.5 % headroom and at twice it */
        for (int twice = 0; twice < 2; twice++) {
            double L = (1 + twice) * a->rows[1].headroom_mw;
            if (!(L > 0)) continue;
            hr_campus c;
            cr_assert_eq(hr_assess_size_arrays(t0, D, n, &o, L, &c), HR_OK);
            bf_stats st;
            bf_run(&b, L, &st);
            cr_assert(fabs(c.curtailed_pct - 100 * st.rate_mean) <= 1e-9 * (1 + 100 * st.rate_mean), "%s size %.1f",
                      what, L);
            cr_assert(fabs(c.curtailed_hours_per_year - st.hours / b.ny) < 1e-9);
            cr_assert(fabs(c.events_per_year - st.events / b.ny) < 1e-9);
            cr_assert(fabs(c.max_event_hours - st.run_max) < 1e-9);
            cr_assert(fabs(c.mean_event_hours - (st.events ? st.hours / st.events : 0)) < 1e-9);
            cr_assert_eq(c.broken, bf_broken(&b, L, -1), "%s size %.1f: broken", what, L);
        }
    }
    free(a);
    bf_free(&b);
}

Test(flex, generated_vs_brute_force)
{
    int64_t t0 = utc(2016, 1, 1, 0);
    size_t n = hours_of(2016, 2019);
    double *D = gen_load(t0, n, 7);
    D[5000] = NAN; /* missing hours end events and hold the battery */
    D[20000] = D[20001] = NAN;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    sweep(t0, n, D, o, "generated");
    free(D);
}

Test(flex, shaped_load_vs_brute_force)
{
    /* A load shaped by UTC hour (a day-time campus, 0 at 02-04 UTC), which
     * the battery's power and the breakpoints (T - D)^+ / s_t follow. */
    int64_t t0 = utc(2018, 1, 1, 0);
    size_t n = hours_of(2018, 2019);
    double *D = gen_load(t0, n, 23), prof[24], sum = 0;
    for (int h = 0; h < 24; h++) sum += prof[h] = (h >= 2 && h <= 4) ? 0 : 1 + 0.4 * sin(2 * M_PI * (h - 8) / 24);
    for (int h = 0; h < 24; h++) prof[h] *= 24 / sum;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.profile = prof, o.profile_len = 24;
    sweep(t0, n, D, o, "shaped");
    free(D);
}

/* The generated twin of the DUK check: same span, seasonal thresholds. */
Test(flex, duk_2016_2019_vs_brute_force)
{
    char path[1024];
    if (!shared_path(path, sizeof path, "eia930/ba_2015_2020/DUK.csv")) cr_skip_test("shared data absent: %s", path);
    int64_t t0 = 0;
    size_t n = 0;
    double *D = read_ba(path, "cleaned demand (MW)", &t0, &n);
    cr_assert_not_null(D);
    size_t k0 = (size_t)((utc(2016, 1, 1, 0) - t0) / 3600);
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    sweep(utc(2016, 1, 1, 0), hours_of(2016, 2019), D + k0, o, "DUK");
    hr_assessment *a = malloc(sizeof *a);
    o.year_from = 2016, o.year_to = 2019;
    o.max_event_hours = 4;
    cr_assert_eq(hr_assess_arrays(t0, D, n, &o, a), HR_OK);
    cr_log_info("DUK 2016-2019 at 0.5 %%: events <= 4 h: %.1f MW", a->rows[1].headroom_mw);
    free(a);
    free(D);
}

Test(flex, battery_headroom_monotone_in_load)
{
    /* The argument in flex.c: with storage the mean rate is nondecreasing
     * in L. Checked on a grid of loads of the generated twin. */
    int64_t t0 = utc(2017, 1, 1, 0);
    size_t n = hours_of(2017, 2018);
    double *D = gen_load(t0, n, 11);
    bf b;
    bf_init(&b, t0, n, D);
    bf_seasonal(&b);
    b.bpct = 25, b.bhrs = 4;
    double prev = 0;
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    opts_from(&b, &o);
    for (double L = 50; L <= 6000; L += 50) {
        hr_campus c;
        cr_assert_eq(hr_assess_size_arrays(t0, D, n, &o, L, &c), HR_OK);
        cr_assert(c.curtailed_pct >= prev - 1e-12, "rate fell from %g to %g at %g MW", prev, c.curtailed_pct, L);
        prev = c.curtailed_pct;
    }
    bf_free(&b);
    free(D);
}

/* ---------------------------------------------------------------- report view */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = '\0';
    fclose(f);
    return b;
}

Test(flex, report_contract_and_campus_view)
{
    /* Region A has more headroom on the study's measure (100 vs 50 MW) but
     * less under the contract (10 vs 40 MW): ranking by the contract puts B
     * first; the CSV carries the contract and campus columns; the page
     * shows the campus table and states the terms. */
    report_region r[2];
    report_headroom h[2];
    const char *names[2] = {"A", "B"};
    const double study[2] = {100, 50}, contract[2] = {10, 40.04}; /* MW to 0.1 */
    for (int i = 0; i < 2; i++) {
        report_region_init(&r[i]);
        memset(&h[i], 0, sizeof h[i]);
        h[i].budget_pct = 0.5;
        h[i].headroom_mw = study[i];
        h[i].p10_mw = h[i].p50_mw = h[i].p90_mw = NAN;
        r[i].name = names[i];
        r[i].nbudgets = 1;
        r[i].headroom = &h[i];
        r[i].contract_mw = contract[i];
        snprintf(r[i].contract_binding, sizeof r[i].contract_binding, "%s", i ? "budget" : "event-length");
        r[i].campus_mw = 500;
        r[i].campus_curtailed_pct = 0.25 * (i + 1) + 0.0031; /* rounded to 0.01 % in the files */
        r[i].campus_hours_per_year = 10 * (i + 1);
        r[i].campus_events_per_year = 3;
        r[i].campus_max_event_hours = 4 + i;
    }
    report_run run;
    report_run_init(&run);
    run.contract = "no event longer than 4 h";
    run.rank_by_contract = 1;
    char dir[] = "/tmp/hr_test_flex_XXXXXX", out[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/rep", dir);
    cr_assert_eq(report_write(out, r, 2, &run, 0), HR_OK, "%s", hr_last_error());
    char path[128];
    snprintf(path, sizeof path, "%s/regions.csv", out);
    char *csv = slurp(path);
    cr_assert_not_null(csv);
    cr_assert(strstr(csv, ",contract_headroom_mw,contract_binding,campus_mw,campus_curtailed_pct,"
                          "campus_curtailed_h_per_yr,campus_events_per_yr,campus_max_event_h\n"),
              "%s", csv);
    const char *row1 = strchr(csv, '\n') + 1;
    cr_assert_eq(strncmp(row1, "B,1,", 4), 0, "B ranks first by the contract: %.40s", row1);
    cr_assert(strstr(row1, ",40,budget,500,0.5,20,3,5\n"), "%.300s", row1);
    free(csv);
    snprintf(path, sizeof path, "%s/index.html", out);
    char *html = slurp(path);
    cr_assert(strstr(html, "For a campus of 500 MW"));
    cr_assert(strstr(html, "no event longer than 4 h"));
    cr_assert(strstr(html, "ranked by contract headroom at 0.5 %"));
    free(html);
    run.rank_by_contract = 0;
    cr_assert_eq(report_write(out, r, 2, &run, 0), HR_OK);
    snprintf(path, sizeof path, "%s/regions.csv", out);
    csv = slurp(path);
    cr_assert_eq(strncmp(strchr(csv, '\n') + 1, "A,1,", 4), 0, "A ranks first by the study's headroom");
    free(csv);
    /* without the views the CSV has none of their columns */
    for (int i = 0; i < 2; i++) r[i].contract_mw = r[i].campus_mw = NAN;
    run.contract = NULL;
    cr_assert_eq(report_write(out, r, 2, &run, 0), HR_OK);
    csv = slurp(path);
    cr_assert_null(strstr(csv, "campus_mw"));
    cr_assert_null(strstr(csv, "contract_headroom_mw"));
    free(csv);
    rm_rf(dir);
}
