/* assess.h — internal interface of the headroom kernel (private).
 *
 * The kernel works on plain arrays (no I/O): see src/assess/assess.c for the
 * method (Norris et al. 2025) and the exact solver. These functions are
 * shared with the tests and with later modules (report, scenarios). */
#ifndef HR_HEADROOM_INT_H
#define HR_HEADROOM_INT_H
#include "headroom.h"
#include <stddef.h>
#include <stdint.h>

/* One hour's contribution to the mean curtailment rate:
 * L = breakpoint (T_t - D_t)^+ / s_t, MW, where the hour starts to curtail;
 * w = s_t / (Y * S_y), its weight in the mean of the yearly rates.
 * For L > 0: mean rate R(L) = sum_{L_t < L} w_t (L - L_t) / L. */
typedef struct {
    double L;
    double w;
} headroom_item;

/* Sort it[m] ascending by L (all L >= +0.0) with an LSD radix sort on the
 * IEEE bit patterns; tmp[m] is scratch. */
void headroom_sort_items(headroom_item *it, size_t m, headroom_item *tmp);

/* Exact solution of R(L) = b for each budget b_asc[j] (fractions, ascending,
 * 0 < b < 1) over items sorted by L: L_out[j] is the largest L with
 * R(L) <= b (not rounded). */
void headroom_solve(const headroom_item *it, size_t m, const double *b_asc, size_t nb,
                    double *L_out);

/* R(L) (fraction) over sorted items; R(0) is the limit from the right. */
double headroom_rate_at(const headroom_item *it, size_t m, double L);

/* Round L down to a multiple of 0.1 MW (allowing 1e-12 relative noise). */
double headroom_round_down(double L);

/* Quantile of sorted x[n] at probability p, R's type 7 (linear). */
double headroom_quantile7(const double *x, size_t n, double p);

/* Generation mix on arrays: gen[f] = the nf columns gen_<names[f]>_mw on the
 * load's grid; a = hr_assess_arrays(t0, load, n, o, a). */
int headroom_genmix_arrays(int64_t t0_utc, const double *load_mw, size_t n,
                           const double *const *gen, const char *const *names, size_t nf,
                           const hr_assess_opts *o, const hr_assessment *a, hr_genmix *out);

/* HR_EINVAL with a message when o is not valid for hr_assess (budgets,
 * thresholds, profile, curve, years), else HR_OK. */
int headroom_check_opts(const hr_assess_opts *o);
/* The value of an added-load profile (hr_assess_opts.profile: 24, 168 or
 * 8760 values; other lengths are flat) at the UTC hour t_utc. */
double headroom_profile_at(const double *p, size_t len, int64_t t_utc);

/* ---------------------------------------------------------------- flexible load
 * src/assess/flex.c: caps, every-year budgets and storage on one study. */
typedef struct {
    size_t m;           /* study hours                                         */
    int ny;             /* study years                                         */
    const double *gap;  /* T_t - D_t, MW; NaN = missing hour                    */
    const double *s;    /* shape s_t of the added load                          */
    const uint16_t *yi; /* year index of each hour                              */
    const double *S;    /* S_y = sum of s_t over the hours with load of year y  */
} flex_study;

/* What the added load L meets over the study (battery dispatched). */
typedef struct {
    double rate_mean, rate_max;    /* mean and worst yearly rate (fractions)  */
    double hours_max, events_max;  /* worst year's curtailed hours and events */
    double hours, events;          /* totals over the study                   */
    double run_max;                /* longest event, hours                    */
    double cycles;                 /* full battery cycles over the study      */
} flex_stats;

/* 1 if o asks for anything beyond the study's mean-rate headroom. */
int flex_active(const hr_assess_opts *o);

/* The kernel's scratch for one study (fs and o must outlive it). */
typedef struct flex_ctx flex_ctx;
int flex_open(flex_ctx **c, const flex_study *fs, const hr_assess_opts *o); /* HR_OK / HR_ENOMEM */
void flex_close(flex_ctx *c);

/* Statistics at L > 0; cn (optional, [m]) receives C_t / L per hour (0 when
 * nothing is curtailed, NaN for a missing hour). */
void flex_eval(flex_ctx *c, double L, flex_stats *st, double *cn);

/* Headroom under every constraint of the options for the budgets b_asc[nb]
 * (fractions, ascending): L_out rounded down to 0.1 MW, binding = HR_BIND_*
 * that 0.1 MW more breaks. L_mean[j] is the exact mean-rate headroom
 * (headroom_solve). HR_OK or HR_ENOMEM. */
int flex_solve(flex_ctx *c, const double *b_asc, size_t nb, const double *L_mean, double *L_out,
               unsigned *binding);

/* HR_BIND_EVENT_HOURS / _EVENTS / _HOURS caps of o that st exceeds. */
unsigned flex_broken(const hr_assess_opts *o, const flex_stats *st);

/* 1 if fuel name (without gen_ and _mw) counts as carbon-free. */
int headroom_fuel_carbon_free(const char *fuel);
#endif
