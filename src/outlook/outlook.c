/* outlook.c — forward headroom you can plan on: P10/P50/P90 of the headroom
 * of the coming years (hr_outlook_run) and the rolling one-year-ahead
 * hindcast that checks and calibrates it on the region's own history
 * (hr_hindcast_run). Uses the public calls only: hr_model_fit,
 * hr_scenarios (src/model/scenario.c: the paths), hr_assess and
 * hr_assess_paths (src/assess/assess.c: headroom).
 *
 * Per forecast year Y: a model fitted on every hour before the first
 * forecast year simulates S paths of Y; the committed loads (ramped,
 * shaped) are added to every path; the thresholds are the study years'
 * (times the threshold growth); P10/P50/P90 are the paths' headroom
 * quantiles per budget.
 *
 * Calibration (split-conformal in spirit: Vovk, Gammerman & Shafer 2005,
 * "Algorithmic Learning in a Random World", ch. 2; here as a variance
 * scaling of the interval, Gneiting, Balabdaoui & Raftery 2007, JRSS B
 * 69:243, sec. 3): every whole year y of the history with a whole year of
 * load before it is forecast from the years before it, as a planner would
 * have forecast it, and its realised headroom (at the thresholds of those
 * training years) is placed in its forecast distribution as
 *   z_y = z_0.9 (h_y - P50_y) / (P90_y - P50_y)   above the median,
 *   z_y = z_0.9 (h_y - P50_y) / (P50_y - P10_y)   below,
 * z_0.9 = 1.2816, so that a calibrated forecast has E z^2 ~ 1 and 80 % of
 * |z| <= z_0.9 (|z| capped at CAP_Z: one wild year must not dominate). The
 * spread of a forecast is scaled by
 *   f = sqrt((n0 + sum_y z_y^2) / (n0 + n)),  n0 = PRIOR_YEARS
 * around its P50, per budget, from the n hindcasts of years before it:
 * n0 pseudo-years of a calibrated method shrink f towards 1 when there
 * are few years. A year is only calibrated from years before it (a
 * rolling origin), so the hindcast's own coverage is an honest check. */
#include "headroom.h"
#include "assess/assess.h"
#include "util/error.h"
#include "util/mem.h"
#include "time/calendar.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z90 1.2815515655446004 /* standard normal 0.9 quantile */
#define CAP_Z 4.0
#define PRIOR_YEARS 2.0

void hr_outlook_opts_init(hr_outlook_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->scenarios = 200;
    o->seed = 1;
    o->calibrate = 1;
}

static int year_of(int64_t t)
{
    cal_civil c;
    cal_utc_to_civil(t, &c, NULL, NULL);
    return c.year;
}

/* The whole calendar years with load [*y0, *y1] of region i, as
 * hr_assess counts them (an hour-ending file's years included). */
static int grid_years(const hr_series *s, size_t i, int *y0, int *y1)
{
    hr_assess_opts o;
    hr_assess_opts_init(&o);
    o.nbudgets = 1;
    hr_assessment a;
    int st = hr_assess(s, i, &o, &a);
    if (st) return st;
    *y0 = a.year_from;
    *y1 = a.year_to;
    return HR_OK;
}

/* Hourly committed load of the nh hours from ty for region name into c
 * (zeroed first); *mean its mean. */
static void committed_hours(const hr_outlook_opts *o, const char *name, int64_t ty, size_t nh, double *c,
                            double *mean)
{
    double sum = 0;
    memset(c, 0, nh * sizeof *c);
    for (size_t j = 0; j < o->ncommitted; j++) {
        const hr_committed_load *L = &o->committed[j];
        if (L->region && L->region[0] && strcmp(L->region, name)) continue;
        for (size_t k = 0; k < nh; k++) {
            int64_t t = ty + 3600 * (int64_t)k;
            if (t < L->start_utc) continue;
            double ramp = L->ramp_days > 0 ? (double)(t - L->start_utc) / (86400.0 * L->ramp_days) : 1.0;
            if (ramp > 1) ramp = 1;
            double shape = L->profile ? headroom_profile_at(L->profile, L->profile_len, t) : 1.0;
            c[k] += L->mw * ramp * shape;
        }
    }
    for (size_t k = 0; k < nh; k++) sum += c[k];
    *mean = nh ? sum / (double)nh : 0;
}

static int check_opts(const hr_outlook_opts *o)
{
    if (o->scenarios == 0) return err_set(HR_EINVAL, "hr_outlook_opts.scenarios is 0");
    if (!(o->growth_pct > -100) || !isfinite(o->growth_pct))
        return err_set(HR_EINVAL, "hr_outlook_opts.growth_pct %g is not a number above -100", o->growth_pct);
    if (!(o->threshold_growth_pct > -100) || !isfinite(o->threshold_growth_pct))
        return err_set(HR_EINVAL, "hr_outlook_opts.threshold_growth_pct %g is not a number above -100",
                      o->threshold_growth_pct);
    if (o->ncommitted && !o->committed) return err_set(HR_EINVAL, "hr_outlook_opts.committed is NULL");
    for (size_t j = 0; j < o->ncommitted; j++) {
        const hr_committed_load *L = &o->committed[j];
        if (!(L->mw > 0) || !isfinite(L->mw))
            return err_set(HR_EINVAL, "hr_outlook_opts.committed[%zu].mw %g is not positive", j, L->mw);
        if (!(L->ramp_days >= 0)) return err_set(HR_EINVAL, "hr_outlook_opts.committed[%zu].ramp_days < 0", j);
        size_t pl = L->profile_len;
        if (pl && (!L->profile || (pl != 24 && pl != 168 && pl != 8760)))
            return err_set(HR_EINVAL, "hr_outlook_opts.committed[%zu]: profile_len %zu is not 24, 168 or 8760", j, pl);
        double m = 0;
        for (size_t k = 0; k < pl; k++) {
            if (!(L->profile[k] >= 0)) return err_set(HR_EINVAL, "hr_outlook_opts.committed[%zu].profile[%zu] < 0", j, k);
            m += L->profile[k] / (double)pl;
        }
        if (pl && fabs(m - 1) > 1e-3)
            return err_set(HR_EINVAL, "hr_outlook_opts.committed[%zu].profile averages %g, not 1", j, m);
    }
    return HR_OK;
}

/* The thresholds and historical headroom of study years (ao's, or every
 * whole year before `before`) into *a. */
static int history(const hr_series *s, size_t i, const hr_assess_opts *ao, int before, hr_assessment *a)
{
    hr_assess_opts h = *ao;
    if (!h.year_to) {
        int y0, y1;
        int st = grid_years(s, i, &y0, &y1);
        if (st) return st;
        if (y1 >= before) y1 = before - 1;
        if (y1 < y0)
            return err_set(HR_EDATA, "region '%s': no whole study year before %d", hr_series_region_name(s, i),
                          before);
        if (!h.year_from || h.year_from > y1) h.year_from = y0;
        h.year_to = y1;
    }
    return hr_assess(s, i, &h, a);
}

/* Raw (uncalibrated) forecast of years Y1..Y2 from every hour before Y1:
 * q[(y - Y1) * nb * 3 + 3 j + {0,1,2}] = P10/P50/P90 at budget j, with
 * the committed loads of o (committed: NULL = none) and the thresholds
 * thr[2] times the threshold growth from year `thr_year`. */
typedef struct {
    int64_t train_from, train_to;
    double committed_mw[HR_OUTLOOK_MAX_YEARS];
} raw_info;

static int raw_forecast(const hr_series *s, size_t i, const hr_fit_opts *fit, const hr_assess_opts *ao,
                        const hr_outlook_opts *o, int Y1, int Y2, const double *thr, int thr_year,
                        int with_committed, double *q, raw_info *info)
{
    hr_fit_opts fo = *fit;
    const int64_t tY = cal_year_start(Y1);
    if (fo.to_utc > tY - 3600) fo.to_utc = tY - 3600;
    hr_model *m = NULL;
    int st = hr_model_fit(s, i, &fo, &m);
    if (st) return err_prefix(st, "fit");
    hr_model_info mi;
    hr_model_info_get(m, &mi);
    info->train_from = mi.first_utc;
    info->train_to = mi.last_utc;
    const size_t S = o->scenarios, nb = ao->nbudgets;
    double *paths = NULL, *c = NULL;
    for (int Y = Y1; Y <= Y2 && !st; Y++) {
        const size_t nh = hr_year_hours(Y);
        if (S > SIZE_MAX / sizeof(double) / nh) {
            st = err_set(HR_ENOMEM, "hr_outlook_opts.scenarios %zu: too many", S);
            break;
        }
        mem_free(paths);
        mem_free(c);
        paths = mem_array(S * nh, sizeof *paths);
        c = mem_array(nh, sizeof *c);
        if (!paths || !c) {
            st = err_set(HR_ENOMEM, "out of memory");
            break;
        }
        st = hr_scenarios(m, s, i, Y, S, o->growth_pct, o->seed + (uint64_t)(Y - Y1) * 0x9E3779B9ull, paths);
        if (st) break;
        double cm = 0;
        if (with_committed && o->ncommitted) {
            committed_hours(o, hr_series_region_name(s, i), cal_year_start(Y), nh, c, &cm);
            for (size_t p = 0; p < S; p++)
                for (size_t k = 0; k < nh; k++) paths[p * nh + k] += c[k];
        }
        info->committed_mw[Y - Y1] = cm;
        double g = pow(1 + o->threshold_growth_pct / 100.0, (double)(Y - thr_year));
        hr_assess_opts po = *ao;
        st = hr_assess_paths(cal_year_start(Y), paths, nh, S, thr[0] * g, thr[1] * g, &po, NULL,
                             q + (size_t)(Y - Y1) * nb * 3);
    }
    mem_free(paths);
    mem_free(c);
    hr_model_free(m);
    return st;
}

/* z of a realised value h in the forecast (P10, P50, P90). */
static double zscore(const double *q, double h)
{
    double side = h >= q[1] ? q[2] - q[1] : q[1] - q[0];
    double z = side > 0 ? Z90 * (h - q[1]) / side : h == q[1] ? 0.0 : (h > q[1] ? CAP_Z : -CAP_Z);
    return z > CAP_Z ? CAP_Z : z < -CAP_Z ? -CAP_Z : z;
}

/* Raw hindcasts of every whole year y in [y0 + 1, last] (each from the
 * hours before y): *n years into H (y, thresholds, raw P's, realised). */
static int raw_hindcasts(const hr_series *s, size_t i, const hr_fit_opts *fit, const hr_assess_opts *ao,
                         const hr_outlook_opts *o, int last, hr_hindcast *H)
{
    int y0, y1;
    int st = grid_years(s, i, &y0, &y1);
    if (st) return st;
    if (y1 > last) y1 = last;
    hr_outlook_opts ho = *o;
    ho.growth_pct = 0;
    ho.threshold_growth_pct = 0;
    H->nyears = 0;
    H->nbudgets = ao->nbudgets;
    H->scenarios = o->scenarios;
    memcpy(H->budget_pct, ao->budgets_pct, sizeof H->budget_pct);
    for (int y = y0 + 1; y <= y1 && H->nyears < HR_HINDCAST_MAX_YEARS; y++) {
        hr_hindcast_year *Y = &H->y[H->nyears];
        hr_assessment a, real;
        hr_assess_opts ta = *ao;
        ta.year_from = y0;
        ta.year_to = y - 1;
        hr_assess_opts ra = *ao;
        ra.year_from = ra.year_to = y;
        ra.threshold_kind = HR_THRESH_CAPACITY;
        double q[HR_MAX_BUDGETS * 3];
        raw_info info;
        st = hr_assess(s, i, &ta, &a);
        if (!st) {
            ra.threshold_summer_mw = a.threshold_summer_mw;
            ra.threshold_winter_mw = a.threshold_winter_mw;
            st = hr_assess(s, i, &ra, &real);
        }
        if (!st) {
            double thr[2] = {a.threshold_summer_mw, a.threshold_winter_mw};
            st = raw_forecast(s, i, fit, ao, &ho, y, y, thr, y - 1, 0, q, &info);
        }
        /* a year that cannot be forecast (a gap, too little load before
         * it) is left out of the hindcast, not the end of it */
        if (st == HR_ENOMEM) return st;
        if (st) {
            err_clear();
            st = HR_OK;
            continue;
        }
        Y->year = y;
        Y->train_year_from = year_of(info.train_from + 3600); /* an hour-ending file's first hour */
        Y->train_year_to = year_of(info.train_to);
        Y->threshold_summer_mw = a.threshold_summer_mw;
        Y->threshold_winter_mw = a.threshold_winter_mw;
        for (size_t j = 0; j < ao->nbudgets; j++) {
            Y->p10_mw[j] = q[3 * j];
            Y->p50_mw[j] = q[3 * j + 1];
            Y->p90_mw[j] = q[3 * j + 2];
            Y->realised_mw[j] = real.rows[j].headroom_mw;
        }
        H->nyears++;
    }
    return HR_OK;
}

/* Spread factors per budget from the raw hindcasts of years before `before`. */
static size_t spread_factors(const hr_hindcast *H, int before, size_t nb, double *f)
{
    size_t n = 0;
    for (size_t j = 0; j < nb; j++) {
        double ss = 0;
        n = 0;
        for (size_t k = 0; k < H->nyears; k++) {
            const hr_hindcast_year *Y = &H->y[k];
            if (Y->year >= before) continue;
            double q[3] = {Y->p10_mw[j], Y->p50_mw[j], Y->p90_mw[j]}, z = zscore(q, Y->realised_mw[j]);
            ss += z * z, n++;
        }
        f[j] = sqrt((PRIOR_YEARS + ss) / (PRIOR_YEARS + (double)n));
    }
    return n;
}

/* P10/P90 of q[3] moved to P50 -+ f times their distance, P10 >= 0. */
static void scale_spread(double *q, double f)
{
    q[0] = q[1] - f * (q[1] - q[0]);
    q[2] = q[1] + f * (q[2] - q[1]);
    if (q[0] < 0) q[0] = 0;
}

static int check_common(const hr_series *s, size_t region, const hr_fit_opts **fit, hr_fit_opts *fdef,
                        const hr_assess_opts **ao, hr_assess_opts *adef, const hr_outlook_opts **o,
                        hr_outlook_opts *odef)
{
    if (!s) return err_set(HR_EINVAL, "NULL series");
    if (region >= hr_series_region_count(s)) return err_set(HR_EINVAL, "no region %zu", region);
    if (!*fit) {
        hr_fit_opts_init(fdef);
        fdef->model = "auto";
        *fit = fdef;
    }
    if (!*ao) {
        hr_assess_opts_init(adef);
        *ao = adef;
    }
    if (!*o) {
        hr_outlook_opts_init(odef);
        *o = odef;
    }
    if ((*ao)->nbudgets == 0 || (*ao)->nbudgets > HR_MAX_BUDGETS)
        return err_set(HR_EINVAL, "hr_assess_opts.nbudgets %zu is not in 1-%d", (*ao)->nbudgets, HR_MAX_BUDGETS);
    return check_opts(*o);
}

int hr_outlook_run(const hr_series *s, size_t region, const hr_fit_opts *fit, const hr_assess_opts *ao,
                   const hr_outlook_opts *o, hr_outlook *out)
{
    err_clear();
    hr_fit_opts fdef;
    hr_assess_opts adef;
    hr_outlook_opts odef;
    if (!out) return err_set(HR_EINVAL, "hr_outlook_run: NULL out");
    memset(out, 0, sizeof *out);
    int st = check_common(s, region, &fit, &fdef, &ao, &adef, &o, &odef);
    if (st) return err_prefix(st, "hr_outlook_run");
    const int Y1 = o->year_from, Y2 = o->year_to ? o->year_to : o->year_from;
    if (Y1 < 1901 || Y2 > 9999 || Y2 < Y1)
        return err_set(HR_EINVAL, "hr_outlook_run: forecast years %d-%d are not a range in 1901-9999", Y1, Y2);
    if (Y2 - Y1 + 1 > HR_OUTLOOK_MAX_YEARS)
        return err_set(HR_EINVAL, "hr_outlook_run: %d forecast years, at most %d", Y2 - Y1 + 1, HR_OUTLOOK_MAX_YEARS);
    const char *name = hr_series_region_name(s, region);
    hr_assessment a;
    if ((st = history(s, region, ao, Y1, &a))) return err_prefix(st, name);
    const size_t nb = ao->nbudgets;
    double thr[2] = {a.threshold_summer_mw, a.threshold_winter_mw};
    double q[HR_OUTLOOK_MAX_YEARS * HR_MAX_BUDGETS * 3];
    raw_info info;
    if ((st = raw_forecast(s, region, fit, ao, o, Y1, Y2, thr, a.year_to, 1, q, &info)))
        return err_prefix(st, name);
    /* calibration from the hindcasts of the years before Y1 */
    double f[HR_MAX_BUDGETS];
    size_t ncal = 0;
    for (size_t j = 0; j < nb; j++) f[j] = 1.0;
    if (o->calibrate) {
        hr_hindcast *H = mem_calloc(1, sizeof *H);
        if (!H) return err_set(HR_ENOMEM, "out of memory");
        hr_assess_opts ha = *ao;
        ha.year_from = ha.year_to = 0;
        st = raw_hindcasts(s, region, fit, &ha, o, Y1 - 1, H);
        if (!st) ncal = spread_factors(H, Y1, nb, f);
        mem_free(H);
        if (st == HR_EDATA) st = HR_OK, err_clear(); /* too little history: none */
        if (st) return err_prefix(st, name);
        if (ncal == 0)
            for (size_t j = 0; j < nb; j++) f[j] = 1.0;
    }
    out->nyears = (size_t)(Y2 - Y1 + 1);
    for (int Y = Y1; Y <= Y2; Y++) {
        hr_outlook_year *oy = &out->y[Y - Y1];
        double g = pow(1 + o->threshold_growth_pct / 100.0, (double)(Y - a.year_to));
        oy->year = Y;
        oy->train_from_utc = info.train_from;
        oy->train_to_utc = info.train_to;
        oy->hist_year_from = a.year_from;
        oy->hist_year_to = a.year_to;
        oy->threshold_summer_mw = thr[0] * g;
        oy->threshold_winter_mw = thr[1] * g;
        oy->scenarios = o->scenarios;
        oy->committed_mw = info.committed_mw[Y - Y1];
        oy->calib_years = ncal;
        oy->nbudgets = nb;
        for (size_t j = 0; j < nb; j++) {
            double *qq = q + (size_t)(Y - Y1) * nb * 3 + 3 * j;
            scale_spread(qq, f[j]);
            oy->budget_pct[j] = ao->budgets_pct[j];
            oy->spread[j] = f[j];
            oy->p10_mw[j] = qq[0];
            oy->p50_mw[j] = qq[1];
            oy->p90_mw[j] = qq[2];
            oy->headroom_hist_mw[j] = a.rows[j].headroom_mw;
        }
    }
    return HR_OK;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

int hr_hindcast_run(const hr_series *s, size_t region, const hr_fit_opts *fit, const hr_assess_opts *ao,
                    const hr_outlook_opts *o, hr_hindcast *out)
{
    err_clear();
    hr_fit_opts fdef;
    hr_assess_opts adef;
    hr_outlook_opts odef;
    if (!out) return err_set(HR_EINVAL, "hr_hindcast_run: NULL out");
    memset(out, 0, sizeof *out);
    int st = check_common(s, region, &fit, &fdef, &ao, &adef, &o, &odef);
    if (st) return err_prefix(st, "hr_hindcast_run");
    const char *name = hr_series_region_name(s, region);
    hr_assess_opts ha = *ao;
    ha.year_from = ha.year_to = 0;
    if ((st = raw_hindcasts(s, region, fit, &ha, o, 9999, out))) return err_prefix(st, name);
    if (out->nyears == 0)
        return err_set(HR_EDATA, "region '%s': no whole year with a whole year of load before it", name);
    const size_t nb = ao->nbudgets;
    /* each year calibrated from the raw hindcasts of the years before it */
    double fy[HR_HINDCAST_MAX_YEARS][HR_MAX_BUDGETS];
    for (size_t k = 0; k < out->nyears; k++) {
        size_t n = o->calibrate ? spread_factors(out, out->y[k].year, nb, fy[k]) : 0;
        for (size_t j = 0; j < nb; j++)
            if (n == 0) fy[k][j] = 1.0;
    }
    for (size_t k = 0; k < out->nyears; k++)
        for (size_t j = 0; j < nb; j++) {
            hr_hindcast_year *Y = &out->y[k];
            double q[3] = {Y->p10_mw[j], Y->p50_mw[j], Y->p90_mw[j]};
            scale_spread(q, fy[k][j]);
            Y->p10_mw[j] = q[0], Y->p50_mw[j] = q[1], Y->p90_mw[j] = q[2];
        }
    for (size_t j = 0; j < nb; j++) {
        size_t in = 0, nr = 0;
        double r[HR_HINDCAST_MAX_YEARS];
        for (size_t k = 0; k < out->nyears; k++) {
            const hr_hindcast_year *Y = &out->y[k];
            in += Y->realised_mw[j] >= Y->p10_mw[j] && Y->realised_mw[j] <= Y->p90_mw[j];
            if (Y->p50_mw[j] > 0) r[nr++] = Y->realised_mw[j] / Y->p50_mw[j];
        }
        out->coverage[j] = (double)in / (double)out->nyears;
        qsort(r, nr, sizeof *r, cmp_double);
        out->median_ratio[j] = nr == 0 ? NAN : nr % 2 ? r[nr / 2] : 0.5 * (r[nr / 2 - 1] + r[nr / 2]);
    }
    return HR_OK;
}
