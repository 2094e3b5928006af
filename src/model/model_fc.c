/* model_fc.c — forecasts of one fitted model at many successive origins
 * (the backtest): the regression mean and the residuals from the workspace,
 * the AR error filter continued between origins (model.h: model_fc_*). */
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

struct model_fc {
    const hr_model *m;
    const series_region *r;
    const char *tzdir;
    const model_ws *ws;
    double *mu;          /* [ws->n] x'beta of workspace rows [mlo, mhi)      */
    size_t mlo, mhi;
    double *e, *em, *ev; /* scratch: window residuals, forecast mean / var  */
    size_t ecap, hcap;
    arima_fit *af;       /* the error filter, run up to hour fo              */
    size_t fo;
    int ar_only;         /* pure AR errors: the filter may be continued     */
    double *Pc, *vc;     /* forecast variances vc[0..vh) for covariance Pc   */
    size_t vh, rd;
    double *de;          /* [ws->n] direct errors: residuals of rows [dlo, dhi) */
    unsigned char *dok;  /* [ws->n] ... and which of them are observed       */
    double *dg;          /* [ws->n] ... and the operator's forecasts there on
                            the residual scale ('operator'; else NULL)      */
    size_t dlo, dhi;
};

void model_fc_free(model_fc *F)
{
    if (!F) return;
    arima_free(F->af);
    mem_free(F->mu);
    mem_free(F->e);
    mem_free(F->em);
    mem_free(F->ev);
    mem_free(F->Pc);
    mem_free(F->vc);
    mem_free(F->de);
    mem_free(F->dok);
    mem_free(F->dg);
    mem_free(F);
}

int model_fc_new(const hr_model *m, const series_region *r, const char *tzdir,
                 const model_ws *ws, model_fc **out)
{
    *out = NULL;
    model_fc *F = mem_calloc(1, sizeof *F);
    if (!F) return err_set(HR_ENOMEM, "out of memory");
    F->m = m, F->r = r, F->tzdir = tzdir;
    /* the workspace serves only the specification it was built for */
    if (ws && ws->reduced && m->sp && !strcmp(ws->reduced->spec_text, m->sp->text)) ws = ws->reduced;
    if (ws && ws->r == r && m->sp && !strcmp(ws->spec_text, m->sp->text) && ws->p == m->p) {
        F->ws = ws;
        F->mu = mem_array(ws->n, sizeof *F->mu);
        if (!F->mu) {
            model_fc_free(F);
            return err_set(HR_ENOMEM, "out of memory");
        }
    }
    F->ar_only = m->has_arima && m->order.q == 0 && m->order.Q == 0;
    *out = F;
    return HR_OK;
}

/* mu of workspace rows [a, b) (grid indices) computed (extends [mlo, mhi)). */
static int fc_mean(model_fc *F, size_t a, size_t b)
{
    const model_ws *ws = F->ws;
    if (a >= F->mlo && b <= F->mhi) return HR_OK;
    if (F->mhi == F->mlo || a > F->mhi || b < F->mlo) F->mlo = F->mhi = a; /* disjoint: anew */
    size_t lo = a < F->mlo ? a : F->mlo, hi = b > F->mhi ? b : F->mhi;
    for (int side = 0; side < 2; side++) {
        size_t x = side ? F->mhi : lo, z = side ? hi : F->mlo;
        if (x >= z) continue;
        if (F->m->p == 0) {
            for (size_t k = x; k < z; k++) F->mu[k - ws->base] = 0.0;
            continue;
        }
        int st = regress_predict_beta_ld(F->m->beta, ws->dm.X + (x - ws->base), ws->n, z - x,
                                         ws->p, F->mu + (x - ws->base));
        if (st) return st;
    }
    F->mlo = lo, F->mhi = hi;
    return HR_OK;
}

/* The residuals of rows [a, b) for the direct errors in F->de / F->dok
 * and the operator's forecasts in F->dg (extends [dlo, dhi); needs mu
 * there): the regression is fixed for F's life, so each hour's residual is
 * computed once, not once per origin (a window of years per origin). As
 * direct_at computes them. Rows may run past the origin (the targets' g):
 * direct.c reads no residual at or after it. */
static int fc_resid(model_fc *F, size_t a, size_t b)
{
    const model_ws *ws = F->ws;
    const series_region *r = F->r;
    const double *fc = op_column(F->m, r);
    if (a >= F->dlo && b <= F->dhi) return HR_OK;
    if (!F->de) {
        F->de = mem_array(ws->n, sizeof *F->de);
        F->dok = mem_alloc(ws->n);
        F->dg = fc ? mem_array(ws->n, sizeof *F->dg) : NULL;
        if (!F->de || !F->dok || (fc && !F->dg)) return err_set(HR_ENOMEM, "out of memory");
    }
    const double *ld = series_col_get(r, "load_mw");
    if (!ld) return err_set(HR_ENOTFOUND, "region '%s' has no load", r->name);
    if (F->dhi == F->dlo || a > F->dhi || b < F->dlo) F->dlo = F->dhi = a; /* disjoint: anew */
    size_t lo = a < F->dlo ? a : F->dlo, hi = b > F->dhi ? b : F->dhi;
    for (int side = 0; side < 2; side++)
        for (size_t k = side ? F->dhi : lo; k < (side ? hi : F->dlo); k++) {
            double y = k < r->n ? ld[k] : NAN;
            if (F->m->sp->log_transform) y = y > 0 ? log(y) : NAN;
            /* a row without its design input has no residual */
            int bad = ws->bad[k - ws->base];
            F->de[k - ws->base] = bad ? NAN : y - F->mu[k - ws->base];
            F->dok[k - ws->base] = (unsigned char)(!bad && k < r->n && hour_observed(r, k));
            if (F->dg) F->dg[k - ws->base] = bad ? NAN : op_resid(F->m, r, fc, k, F->mu[k - ws->base]);
        }
    F->dlo = lo, F->dhi = hi;
    return HR_OK;
}

/* 1 if e[0..n) has a run of at least len finite values. */
static int has_run(const double *e, size_t n, size_t len)
{
    size_t run = 0;
    for (size_t k = 0; k < n; k++) {
        run = isnan(e[k]) ? 0 : run + 1;
        if (run >= len) return 1;
    }
    return 0;
}

int model_fc_at(model_fc *F, size_t o, size_t lead, size_t h, double *mean, double *var)
{
    const hr_model *m = F->m;
    const model_ws *ws = F->ws;
    const series_region *r = F->r;
    const size_t hh = lead + h;
    /* The error window of arima_at / direct_at. */
    const int direct = m->sp->errors.kind == SPEC_ERR_DIRECT;
    size_t w = m->arima_nobs > 0 ? m->arima_nobs : 2016;
    if (w < 672) w = 672;
    if (direct) w = direct_history(lead, h, (size_t)m->sp->errors.days);
    const size_t a = !m->has_arima && !direct ? o : o > w ? o - w : 0;
    /* Rows the workspace lacks: per call. A row with a missing design
     * input (a temperature gap) has no residual in the error window, and
     * a forecast hour without it gets a NaN forecast, which the backtest
     * leaves unscored for every model, instead of failing the backtest. */
    if (!ws || a < ws->base || o + hh > ws->base + ws->n)
        return model_forecast_at(m, r, F->tzdir, o, lead, h, mean, var);
    int st = fc_mean(F, a, o + hh);
    if (st) return st;
    const double *mu = F->mu - ws->base; /* indexed by grid hour */
    int used = 0;
    if (direct) { /* as model_forecast_at, with the residuals of the workspace */
        st = fc_resid(F, a, op_column(m, r) ? o + hh : o);
        if (!st)
            st = model_direct_at(m, r, F->tzdir, o, lead, h, 0, 0, mean, var, &used, F->de - ws->base,
                           F->dok - ws->base, F->dg ? F->dg - ws->base : NULL, NULL);
        if (st) return st;
        for (size_t k = 0; used && k < h; k++) mean[k] += mu[o + lead + k];
    }
    if (used) {
    } else if (!m->has_arima) {
        for (size_t k = 0; k < h; k++) {
            mean[k] = mu[o + lead + k];
            var[k] = m->sigma2;
        }
    } else {
        if (F->ecap < o - a || F->hcap < hh) {
            size_t ec = o - a > F->ecap ? o - a : F->ecap, hc = hh > F->hcap ? hh : F->hcap;
            mem_free(F->e), mem_free(F->em), mem_free(F->ev);
            F->e = mem_array(ec ? ec : 1, sizeof(double));
            F->em = mem_array(hc, sizeof(double));
            F->ev = mem_array(hc, sizeof(double));
            F->ecap = F->hcap = 0;
            if (!F->e || !F->em || !F->ev) return err_set(HR_ENOMEM, "out of memory");
            F->ecap = ec, F->hcap = hc;
        }
        /* residuals of the window, as arima_at computes them */
        const double *y = ws->y - ws->base;
        double *e = F->e;
        for (size_t k = a; k < o; k++) e[k - a] = y[k] - mu[k];
        double prof[24];
        for (int q = 0; q < 24; q++) prof[q] = 1.0;
        if (m->sp->var_hourly) model_hour_profile(e, o - a, hour_of(r, a), prof);
        /* The state at o. A pure AR(p') state is a function of the last p'
         * (+ d + sD) observations alone, so once the window holds that many
         * consecutive hours, filtering from the window start (arima_at) and
         * continuing the filter of an earlier origin give the same state
         * (to rounding): the new hours are filtered at O(rd) each instead
         * of the window at O(rd^2) per hour until the Riccati recursion
         * settles. Otherwise (MA terms, gaps) the window is re-filtered. */
        size_t rd = 0;
        if (F->af) arima_state_cov(F->af, &rd);
        if (F->af && F->ar_only && o >= F->fo && a <= F->fo && has_run(e, o - a, rd)) {
            st = arima_filter_more(F->af, e + (F->fo - a), o - F->fo);
        } else {
            arima_free(F->af);
            F->af = NULL;
            arima_opts ao;
            arima_opts_init(&ao);
            st = arima_fit_fixed(e, o - a, NULL, 0, &m->order, &ao, m->coef, m->sigma2, &F->af);
        }
        if (st) {
            arima_free(F->af);
            F->af = NULL;
            return st;
        }
        F->fo = o;
        /* Forecast variances depend on the state covariance only: reuse
         * them while it is unchanged (a settled filter keeps it fixed). */
        const double *P = arima_state_cov(F->af, &rd);
        int same = F->Pc && F->rd == rd && F->vh >= hh && !memcmp(F->Pc, P, rd * rd * sizeof *P);
        if (same) {
            st = arima_forecast(F->af, NULL, hh, F->em, NULL);
            if (!st) memcpy(F->ev, F->vc, hh * sizeof(double));
        } else {
            st = arima_forecast(F->af, NULL, hh, F->em, F->ev);
            if (!st) {
                if (F->rd != rd || F->vh < hh) {
                    mem_free(F->Pc), mem_free(F->vc);
                    F->Pc = mem_array(rd * rd, sizeof(double));
                    F->vc = mem_array(hh, sizeof(double));
                    F->rd = F->vh = 0;
                    if (!F->Pc || !F->vc) return err_set(HR_ENOMEM, "out of memory");
                    F->rd = rd, F->vh = hh;
                }
                memcpy(F->Pc, P, rd * rd * sizeof *P);
                memcpy(F->vc, F->ev, hh * sizeof(double));
                F->vh = hh;
            }
        }
        if (st) return st;
        for (size_t k = 0; k < h; k++) {
            mean[k] = mu[o + lead + k] + F->em[lead + k];
            var[k] = F->ev[lead + k] * prof[hour_of(r, o + lead + k)];
        }
    }
    for (size_t k = 0; k < h; k++) /* no design input: no forecast (see above) */
        if (ws->bad[o + lead + k - ws->base]) mean[k] = var[k] = NAN;
    if (m->sp->log_transform)
        for (size_t k = 0; k < h; k++) {
            mean[k] = exp(mean[k]);
            var[k] *= mean[k] * mean[k];
        }
    return HR_OK;
}

int model_fc_many(model_fc *F, const size_t *o, size_t n, size_t lead, size_t h, double *mean,
                  double *var)
{
    const hr_model *m = F->m;
    const model_ws *ws = F->ws;
    const series_region *r = F->r;
    const size_t hh = lead + h;
    /* Direct errors on the workspace: every origin's fits at once
     * (direct_forecast_many); others, and origins it leaves to the
     * regression alone, one at a time. */
    size_t lo = SIZE_MAX, hi = 0;
    int batch = n > 1 && ws && m->sp->errors.kind == SPEC_ERR_DIRECT && !m->has_arima;
    const size_t w = batch ? direct_history(lead, h, (size_t)m->sp->errors.days) : 0;
    for (size_t k = 0; batch && k < n; k++) {
        size_t a = o[k] > w ? o[k] - w : 0;
        if (a < ws->base || o[k] + hh > ws->base + ws->n) batch = 0;
        if (a < lo) lo = a;
        if (o[k] > hi) hi = o[k];
    }
    unsigned char *used = batch ? mem_alloc(n) : NULL;
    int st = batch && !used ? err_set(HR_ENOMEM, "out of memory") : HR_OK;
    if (!st && batch) st = fc_mean(F, lo, hi + hh);
    if (!st && batch) st = fc_resid(F, lo, op_column(m, r) ? hi + hh : hi);
    if (!st && batch) {
        const size_t b = ws->base;
        st = direct_forecast_many(F->de - b, F->dg ? F->dg - b : NULL, F->dok - b, o, n, lead, h,
                                  (size_t)m->sp->errors.days, mean, var, used);
    }
    for (size_t k = 0; !st && k < n; k++) {
        double *mk = mean + k * h, *vk = var + k * h;
        if (!batch || !used[k]) {
            st = model_fc_at(F, o[k], lead, h, mk, vk);
            continue;
        }
        const double *mu = F->mu - ws->base;
        for (size_t j = 0; j < h; j++) {
            mk[j] += mu[o[k] + lead + j];
            if (ws->bad[o[k] + lead + j - ws->base]) mk[j] = vk[j] = NAN; /* as model_fc_at */
        }
        if (m->sp->log_transform)
            for (size_t j = 0; j < h; j++) {
                mk[j] = exp(mk[j]);
                vk[j] *= mk[j] * mk[j];
            }
    }
    mem_free(used);
    return st;
}
