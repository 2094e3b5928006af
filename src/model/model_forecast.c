/* model_forecast.c — forecasts of a fitted model from one origin: the
 * regression mean, the ARIMA or direct errors from the residuals before the
 * origin, the hour-of-day variance profile; the public hr_model_forecast and
 * hr_model_simulate. */
#include "model/model_int.h"
#include "model/model.h"
#include "arima/arima.h"
#include "time/calendar.h"
#include "model/design.h"
#include "model/direct.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/rng.h"
#include "stats/regress.h"
#include "ingest/series.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* mu[k - from] = x_k' beta for rows [from, to) of d, built at most
 * MEAN_CHUNK rows and MEAN_CELLS values at a time (a year of a 290-column
 * design is 20 MB; up to 1024 columns go in 4096-row chunks, a wider
 * design from a model file in 32 MB ones); the rebuilt columns must be the
 * model's (HR_EFORMAT otherwise). */
enum { MEAN_CHUNK = 4096, MEAN_CELLS = 1 << 22 };
int model_mean_rows(const hr_model *m, const design_data *d, size_t from, size_t to, double *mu)
{
    if (m->p == 0) {
        for (size_t k = from; k < to; k++) mu[k - from] = 0.0;
        return HR_OK;
    }
    size_t rows = MEAN_CELLS / m->p < MEAN_CHUNK ? MEAN_CELLS / m->p : MEAN_CHUNK;
    if (rows == 0) rows = 1;
    for (size_t k = from; k < to; k += rows) {
        size_t k2 = to - k > rows ? k + rows : to;
        design_matrix dm;
        int st = design_build(m->sp, d, k, k2, &dm);
        if (st) return st;
        if (dm.p != m->p)
            st = err_set(HR_EFORMAT, "model '%s': the specification builds %zu columns, the model has %zu",
                        m->name, dm.p, m->p);
        for (size_t j = 0; j < dm.p && !st && k == from; j++)
            if (strcmp(dm.names[j], m->feat[j]) != 0)
                st = err_set(HR_EFORMAT, "model '%s': feature %zu is '%s' in the model, '%s' rebuilt",
                            m->name, j, m->feat[j], dm.names[j]);
        if (!st) st = regress_predict_beta(m->beta, dm.X, dm.n, dm.p, mu + (k - from));
        design_matrix_free(&dm);
        if (st) return st;
    }
    return HR_OK;
}

/* Regression mean of rows [a, b) of an extended grid: r's columns up to r->n,
 * NaN beyond (temperature beyond the grid is unknown). A row at or after
 * the origin cut without its temperature is an error (a forecast needs
 * it); one before it gets a NaN mean, so its residual is missing to the
 * error models, as the row is to the fit (a gap in observed weather must
 * not stop a forecast whose error window spans it). */
static int regression_mean(const hr_model *m, const series_region *r, const char *tzdir,
                           size_t a, size_t b, size_t cut, double *mu)
{
    if (m->p == 0) {
        for (size_t k = a; k < b; k++) mu[k - a] = 0.0;
        return HR_OK;
    }
    size_t next = b > r->n ? b : r->n;
    double *temp = NULL, *lo = NULL;
    const double *tc = series_col_get(r, "temp_c");
    const double *ld = series_col_get(r, "load_mw");
    int st = HR_OK;
    cal_tz *tz = NULL;
    if (spec_needs_temp(m->sp)) {
        temp = mem_array(next, sizeof(double));
        if (!temp) return err_set(HR_ENOMEM, "out of memory");
        for (size_t k = 0; k < next; k++) temp[k] = (tc && k < r->n) ? tc[k] : NAN;
        for (size_t k = a > cut ? a : cut; k < b; k++)
            if (isnan(temp[k])) {
                char ts[21];
                cal_format_utc(r->t0 + 3600 * (int64_t)k, ts);
                mem_free(temp);
                return err_set(HR_EDATA,
                              "region '%s': model '%s' needs temperatures for the forecast hours; "
                              "none for %s (give rows with temperature and no load)",
                              r->name, m->name, ts);
            }
    }
    lo = mem_array(next, sizeof(double));
    if (!lo) {
        mem_free(temp);
        return err_set(HR_ENOMEM, "out of memory");
    }
    /* Load at or after the origin is never read (lag terms see NaN there). */
    for (size_t k = 0; k < next; k++) lo[k] = (ld && k < r->n && k < cut) ? ld[k] : NAN;
    if (m->tz && cal_tz_load(m->tz, tzdir, &tz) != 0) {
        mem_free(temp);
        mem_free(lo);
        return err_set(HR_ENOTFOUND, "time zone '%s' not found", m->tz);
    }
    design_data d = {.t0 = r->t0, .t_utc = NULL, .n = next, .temp_c = temp, .load_mw = lo, .tz = tz};
    st = model_mean_rows(m, &d, a, b, mu);
    cal_tz_free(tz);
    mem_free(temp);
    mem_free(lo);
    return st;
}

/* Hour-of-day variance profile ('variance hourly'): prof[h] for UTC hour
 * h of the spread of the day-to-day changes of the residuals,
 * d_k = e_k - e_{k-24} over e[0..n) (e[0] at UTC hour h0), smoothed over
 * h-1, h, h+1 (circular) and scaled to mean 1. Why: load errors are
 * heteroscedastic by hour (the weather-driven afternoon and evening peaks
 * vary most), while the SARIMA forecast variance is the same at every hour
 * of day; the profile moves interval width from the quiet night hours to
 * the peaks without changing the mean width. The day-to-day change is what
 * a day-ahead forecast misses: on the 11 largest EIA-930 BAs it flattened
 * the hour-of-day coverage of 80 % intervals better than the residuals'
 * own spread did (0.71-0.80 against 0.70-0.83; 0.62-0.88 without).
 * Only residuals before the origin are used. */
void model_hour_profile(const double *e, size_t n, size_t h0, double *prof)
{
    double v[24] = {0}, c[24] = {0}, mean = 0;
    size_t cnt = 0;
    for (size_t k = 24; k < n; k++) {
        double d = e[k] - e[k - 24];
        if (!isnan(d)) mean += d, cnt++;
    }
    mean = cnt ? mean / (double)cnt : 0;
    for (size_t k = 24; k < n; k++) {
        double d = e[k] - e[k - 24];
        if (isnan(d)) continue;
        size_t h = (h0 + k) % 24;
        v[h] += (d - mean) * (d - mean), c[h] += 1;
    }
    double sm[24], tot = 0;
    for (int h = 0; h < 24; h++) {
        double sv = 0, sc = 0;
        for (int j = -1; j <= 1; j++) sv += v[(h + j + 24) % 24], sc += c[(h + j + 24) % 24];
        sm[h] = sc > 0 ? sv / sc : NAN;
        tot += sm[h];
    }
    for (int h = 0; h < 24; h++)
        prof[h] = isfinite(tot) && tot > 0 && isfinite(sm[h]) && sm[h] > 0 ? sm[h] * 24 / tot : 1.0;
}

/* ARIMA state for forecasting from hour o: the error model's parameters
 * applied (fixed) to the newest residuals before o; with 'variance hourly'
 * also the hour-of-day variance profile prof[24] (indexed by UTC hour of
 * day of the grid, (t0 / 3600 + k) mod 24), else prof is set to 1. */
static int arima_at(const hr_model *m, const series_region *r, const char *tzdir, size_t o,
                    arima_fit **af, double *prof)
{
    *af = NULL;
    size_t w = m->arima_nobs > 0 ? m->arima_nobs : 2016;
    if (w < 672) w = 672;
    size_t a = o > w ? o - w : 0;
    const double *ld = series_col_get(r, "load_mw");
    if (!ld) return err_set(HR_ENOTFOUND, "region '%s' has no load", r->name);
    double *e = mem_array(o - a ? o - a : 1, sizeof(double));
    if (!e) return err_set(HR_ENOMEM, "out of memory");
    int st = regression_mean(m, r, tzdir, a, o, o, e);
    if (st) {
        mem_free(e);
        return st;
    }
    for (size_t k = a; k < o; k++) {
        double y = k < r->n && hour_observed(r, k) ? ld[k] : NAN;
        if (m->sp->log_transform) y = y > 0 ? log(y) : NAN;
        e[k - a] = y - e[k - a];
    }
    for (int h = 0; h < 24; h++) prof[h] = 1.0;
    if (m->sp->var_hourly) model_hour_profile(e, o - a, hour_of(r, a), prof);
    arima_opts ao;
    arima_opts_init(&ao);
    st = arima_fit_fixed(e, o - a, NULL, 0, &m->order, &ao, m->coef, m->sigma2, af);
    mem_free(e);
    return st;
}

/* 'errors direct' (direct.h) from hour o for leads [lead, lead + h): the
 * residuals of the newest hours before o (imputed hours serve as features,
 * only observed ones as training targets); with npaths == 0 the mean x[h]
 * and variance v[h], else npaths sample paths x[npaths * h]. *used = 0
 * (and x, v untouched) when the history before o is too short for it: the
 * caller then uses the regression alone, as for 'errors none'. e_g, ok_g:
 * the residuals and observed flags by grid hour, already computed for the
 * whole window (model_fc_at, npaths == 0), else NULL; g_g, the operator's
 * forecasts on the residual scale by grid hour up to the last target
 * (NULL: none). Per call (e_g NULL), mu_t: the regression mean of the
 * targets, for the operator's forecasts there (npaths == 0). */
int model_direct_at(const hr_model *m, const series_region *r, const char *tzdir, size_t o,
                    size_t lead, size_t h, size_t npaths, uint64_t seed, double *x, double *v,
                    int *used, const double *e_g, const unsigned char *ok_g, const double *g_g,
                    const double *mu_t)
{
    *used = 0;
    size_t days = (size_t)m->sp->errors.days, w = direct_history(lead, h, days);
    size_t a = o > w ? o - w : 0;
    if (e_g) { /* the residuals by grid hour, already computed (model_fc_at) */
        int st = g_g ? direct_forecast_op(e_g + a, g_g + a, ok_g + a, o - a, lead, h, days, x, v)
                     : direct_forecast(e_g + a, ok_g + a, o - a, lead, h, days, x, v);
        *used = st == HR_OK;
        if (st == HR_EDATA) st = HR_OK, err_clear();
        return st;
    }
    const double *ld = series_col_get(r, "load_mw");
    if (!ld) return err_set(HR_ENOTFOUND, "region '%s' has no load", r->name);
    const double *fc = npaths ? NULL : op_column(m, r);
    double *e = mem_array(o - a ? o - a : 1, sizeof(double));
    double *g = fc ? mem_array(o + lead + h - a, sizeof(double)) : NULL;
    unsigned char *ok = mem_alloc(o - a ? o - a : 1);
    int st = !e || !ok || (fc && !g) ? err_set(HR_ENOMEM, "out of memory")
                                     : regression_mean(m, r, tzdir, a, o, o, e);
    for (size_t k = a; !st && k < o; k++) {
        double y = k < r->n ? ld[k] : NAN;
        if (m->sp->log_transform) y = y > 0 ? log(y) : NAN;
        if (g) g[k - a] = op_resid(m, r, fc, k, e[k - a]);
        e[k - a] = y - e[k - a];
        ok[k - a] = (unsigned char)(k < r->n && hour_observed(r, k));
    }
    for (size_t k = o; g && k < o + lead + h; k++)
        g[k - a] = k < o + lead ? NAN : op_resid(m, r, fc, k, mu_t[k - o - lead]);
    if (!st) {
        st = npaths ? direct_simulate(e, ok, o - a, lead, h, days, npaths, seed, x)
             : g    ? direct_forecast_op(e, g, ok, o - a, lead, h, days, x, v)
                    : direct_forecast(e, ok, o - a, lead, h, days, x, v);
        *used = st == HR_OK;
        if (st == HR_EDATA) st = HR_OK, err_clear(); /* too few training days */
    }
    mem_free(e);
    mem_free(g);
    mem_free(ok);
    return st;
}

int model_forecast_at(const hr_model *m, const series_region *r, const char *tzdir, size_t o,
                      size_t lead, size_t h, double *mean, double *var)
{
    size_t hh = lead + h;
    double *mu = mem_array(hh, sizeof(double));
    if (!mu) return err_set(HR_ENOMEM, "out of memory");
    /* the lead hours are not forecast: their temperature is not needed */
    for (size_t k = 0; k < lead; k++) mu[k] = NAN;
    int st = regression_mean(m, r, tzdir, o + lead, o + hh, o, mu + lead), direct = 0;
    if (!st && m->sp->errors.kind == SPEC_ERR_DIRECT) {
        st = model_direct_at(m, r, tzdir, o, lead, h, 0, 0, mean, var, &direct, NULL, NULL, NULL,
                       mu + lead);
        for (size_t k = 0; !st && direct && k < h; k++) mean[k] += mu[lead + k];
    }
    if (st || direct) {
        /* failed, or the direct errors answered */
    } else if (m->has_arima) {
        arima_fit *af = NULL;
        double *em = mem_array(hh, sizeof(double)), *ev = mem_array(hh, sizeof(double));
        if (!em || !ev) st = err_set(HR_ENOMEM, "out of memory");
        double prof[24];
        if (!st) st = arima_at(m, r, tzdir, o, &af, prof);
        if (!st) st = arima_forecast(af, NULL, hh, em, ev);
        if (!st)
            for (size_t k = 0; k < h; k++) {
                mean[k] = mu[lead + k] + em[lead + k];
                var[k] = ev[lead + k] * prof[hour_of(r, o + lead + k)];
            }
        arima_free(af);
        mem_free(em);
        mem_free(ev);
    } else {
        for (size_t k = 0; k < h; k++) {
            mean[k] = mu[lead + k];
            var[k] = m->sigma2;
        }
    }
    /* Back from logs: the point forecast is the median exp(mu) of the
     * log-normal predictive distribution, its variance by the delta method
     * (exp(mu))^2 var (the log-scale sd is a few percent, so the two
     * Gaussian approximations agree to second order). */
    if (!st && m->sp->log_transform)
        for (size_t k = 0; k < h; k++) {
            mean[k] = exp(mean[k]);
            var[k] *= mean[k] * mean[k];
        }
    mem_free(mu);
    return st;
}

/* Region of s the model applies to, and the hour after its last load. */
static int target(const hr_model *m, const hr_series *s, size_t region, const series_region **r,
                  size_t *o)
{
    if (region == (size_t)-1) {
        size_t i;
        int st = hr_series_region_index(s, m->region, &i);
        if (st) return st;
        region = i;
    }
    if (region >= s->nreg) return err_set(HR_EINVAL, "no region %zu", region);
    *r = &s->reg[region];
    const double *ld = series_col_get(*r, "load_mw");
    if (!ld) return err_set(HR_ENOTFOUND, "region '%s' has no load", (*r)->name);
    size_t last = (*r)->n;
    while (last > 0 && isnan(ld[last - 1])) last--;
    if (last == 0) return err_set(HR_EDATA, "region '%s' has no load", (*r)->name);
    *o = last;
    return HR_OK;
}

int hr_model_forecast(const hr_model *m, const hr_series *s, size_t region, size_t horizon,
                      const double *levels, size_t nlevels, hr_forecast_buf *out)
{
    err_clear();
    if (!m || !s || !out || !out->mean || horizon == 0 || out->cap < horizon ||
        (nlevels && !levels))
        return err_set(HR_EINVAL, "hr_model_forecast: invalid argument");
    for (size_t j = 0; j < nlevels; j++)
        if (!(levels[j] > 0 && levels[j] < 100))
            return err_set(HR_EINVAL, "interval level %g is not in (0, 100)", levels[j]);
    const series_region *r;
    size_t o;
    int st = target(m, s, region, &r, &o);
    if (st) return st;
    double *var = mem_array(horizon, sizeof(double));
    if (!var) return err_set(HR_ENOMEM, "out of memory");
    st = model_forecast_at(m, r, NULL, o, 0, horizon, out->mean, var);
    if (!st) {
        for (size_t k = 0; k < horizon; k++)
            if (out->t_utc) out->t_utc[k] = r->t0 + 3600 * (int64_t)(o + k);
        for (size_t j = 0; j < nlevels; j++) {
            double z = arima_qnorm(0.5 + levels[j] / 200.0);
            for (size_t k = 0; k < horizon; k++) {
                double sd = sqrt(var[k]);
                if (out->lo) out->lo[j * out->cap + k] = out->mean[k] - z * sd;
                if (out->hi) out->hi[j * out->cap + k] = out->mean[k] + z * sd;
            }
        }
    }
    mem_free(var);
    return st;
}

int hr_model_simulate(const hr_model *m, const hr_series *s, size_t region, size_t horizon,
                      size_t npaths, uint64_t seed, double *paths)
{
    err_clear();
    if (!m || !s || !paths || horizon == 0 || npaths == 0)
        return err_set(HR_EINVAL, "hr_model_simulate: invalid argument");
    const series_region *r;
    size_t o;
    int st = target(m, s, region, &r, &o);
    if (st) return st;
    double *mu = mem_array(horizon, sizeof(double));
    if (!mu) return err_set(HR_ENOMEM, "out of memory");
    st = regression_mean(m, r, NULL, o, o + horizon, o, mu);
    int direct = 0;
    if (!st && m->sp->errors.kind == SPEC_ERR_DIRECT) {
        st = model_direct_at(m, r, NULL, o, 0, horizon, npaths, seed, paths, NULL, &direct, NULL, NULL,
                       NULL, NULL);
        for (size_t j = 0; !st && direct && j < npaths; j++)
            for (size_t k = 0; k < horizon; k++) paths[j * horizon + k] += mu[k];
    }
    if (st || direct) {
        /* failed, or the direct errors answered */
    } else if (m->has_arima) {
        arima_fit *af = NULL;
        double prof[24], *em = mem_array(horizon, sizeof(double));
        if (!em) st = err_set(HR_ENOMEM, "out of memory");
        if (!st) st = arima_at(m, r, NULL, o, &af, prof);
        if (!st) st = arima_simulate(af, NULL, horizon, npaths, seed, paths);
        if (!st) st = arima_forecast(af, NULL, horizon, em, NULL);
        arima_free(af);
        /* Each path's deviation from the conditional mean scaled by the
         * hour's profile, so the marginal variances match the forecast's. */
        if (!st)
            for (size_t j = 0; j < npaths; j++)
                for (size_t k = 0; k < horizon; k++) {
                    double *p = &paths[j * horizon + k];
                    if (m->sp->var_hourly) *p = em[k] + sqrt(prof[hour_of(r, o + k)]) * (*p - em[k]);
                    *p += mu[k];
                }
        mem_free(em);
    } else {
        /* No error model: independent Gaussian errors with the residual variance. */
        uint64_t x = seed ? seed : 0x9E3779B97F4A7C15ull;
        double sd = sqrt(m->sigma2);
        for (size_t j = 0; j < npaths; j++)
            for (size_t k = 0; k < horizon; k++) {
                paths[j * horizon + k] = mu[k] + sd * rng_splitmix_norm(&x);
            }
    }
    if (!st && m->sp->log_transform)
        for (size_t j = 0; j < npaths * horizon; j++) paths[j] = exp(paths[j]);
    mem_free(mu);
    return st;
}
