/* model.c — fitted forecasting models: a regression on the terms of a
 * specification (design.c, regress.c) with optional seasonal ARIMA errors
 * (arima.c), or a pure ARIMA. Exports the public hr_model_fit,
 * hr_model_forecast, hr_model_simulate, hr_model_info_get, hr_model_coef,
 * hr_model_free, and the internal model_fit_range / model_forecast_at used by
 * the backtest. Saving and loading live in model_io.c.
 *
 * Regression with ARIMA errors is fitted in two stages: OLS for beta on the
 * whole training window, then the SARIMA on the newest `arima_window` hours
 * of the OLS residuals. R's arima(xreg=) optimises beta jointly; with the
 * 100-300 calendar columns of an hourly load model that joint optimisation
 * (numerical gradients over every beta) is far too slow, and with n in the
 * tens of thousands the OLS beta is consistent anyway (the GLS gain is
 * small). A pure ARIMA with a mean is fitted jointly, as R does.
 *
 * Specification options handled here (spec.h): 'transform log' (the model
 * is of log load; forecasts are exp of the log forecast, the median, with
 * delta-method variances), 'window' (training hours), 'arima-window',
 * 'error-mean' (the ARIMA errors get their own mean: the residual level of
 * the newest weeks), 'variance hourly' (hour-of-day interval profile) and
 * 'calibrate' (in-sample variance scaling, kept in sigma2). */
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

void hr_fit_opts_init(hr_fit_opts *o)
{
    if (!o) return; /* documented no-op */
    memset(o, 0, sizeof *o);
    o->model = "calendar";
    o->from_utc = INT64_MIN;
    o->to_utc = INT64_MAX;
    o->order[0] = 1;
    o->order[6] = 1;
    o->season = 24;
    o->method = HR_METHOD_CSS_ML;
    o->arima_window = (size_t)-1; /* auto: see hr_fit_opts */
    o->threads = 2;
}

void hr_model_free(hr_model *m)
{
    if (!m) return;
    mem_free(m->region);
    mem_free(m->tz);
    mem_free(m->name);
    spec_free(m->sp);
    for (size_t j = 0; j < m->p; j++) mem_free(m->feat[j]);
    mem_free(m->feat);
    mem_free(m->beta);
    mem_free(m->beta_se);
    for (size_t j = 0; j < m->ncoef; j++) mem_free(m->cname[j]);
    mem_free(m->cname);
    mem_free(m->coef);
    mem_free(m->coef_se);
    mem_free(m->fallback);
    mem_free(m);
}

/* Spec for the model named in o: spec text, "arima", "auto-arima", or a
 * spec name/path. */
int model_spec_for(const hr_fit_opts *o, spec **out)
{
    char buf[256];
    if (o->spec_text) return spec_parse(o->spec_text, strlen(o->spec_text), "spec", out);
    const char *name = o->model ? o->model : "calendar";
    if (!strcmp(name, "arima")) {
        const int *r = o->order;
        for (int i = 0; i < 7; i++)
            if (r[i] < 0 || (i == 6 && r[i] < 1))
                return hr_err(HR_EINVAL, "arima: order[%d] = %d is out of range", i, r[i]);
        snprintf(buf, sizeof buf, "name arima\nerrors arima %d %d %d %d %d %d %d\n", r[0], r[1],
                 r[2], r[3], r[4], r[5], r[6]);
        int st = spec_parse(buf, strlen(buf), "arima", out);
        /* the caller's order, not a file, is at fault */
        return st == HR_EFORMAT ? hr_err_prefix(HR_EINVAL, "arima: order out of range") : st;
    }
    if (!strcmp(name, "auto-arima")) {
        if (o->season < 1) return hr_err(HR_EINVAL, "auto-arima: season must be >= 1");
        snprintf(buf, sizeof buf, "name auto-arima\nerrors auto-arima %d\n", o->season);
        return spec_parse(buf, strlen(buf), "auto-arima", out);
    }
    return spec_load(name, o->models_dir, out);
}

/* log transform of a load vector in place ('transform log'): log(y) for
 * y > 0, NaN otherwise (a missing hour to the Kalman filter). */
static void to_log(double *y, size_t n)
{
    for (size_t k = 0; k < n; k++) y[k] = y[k] > 0 ? log(y[k]) : NAN;
}

static size_t hour_of(const series_region *r, size_t k);
static void hour_profile(const double *e, size_t n, size_t h0, double *prof);

/* Variance calibration ('calibrate DAYS'): the factor c by which the ARIMA
 * forecast variances must be multiplied so that the forecasts of hours
 * 12..36 ahead (the day-ahead range: issued at noon for the next day)
 * issued at the last DAYS daily pseudo-origins of the fit window
 * (parameters fixed, state filtered to each pseudo-origin, as the backtest
 * and hr_model_forecast do) have mean squared z-score 1:
 *   c = mean_{j,k} (e_{t_j+k} - ehat_{t_j+k|t_j})^2 / (v_k prof_h),
 * the in-sample analogue of the variance-scaling recalibration of
 * Gneiting, Balabdaoui & Raftery (2007, JRSS B 69:243, sec. 3). Why: the
 * SARIMA variance assumes the model is true; hourly load errors are
 * heavier-tailed and the weather moves more than the fitted errors say, so
 * uncalibrated day-ahead intervals cover ~77 / 91 % instead of 80 / 95.
 * Intervals of shorter leads (1..11 h) are then conservative. Measured on
 * the 11 largest EIA-930 BAs, a 28-day factor lags regime changes (calm
 * month -> narrow intervals in a stormy one) and gave no mean coverage
 * gain, so models/auto.spec does not use it (bench/skill.md).
 * ew[0..w) are the residuals the errors were fitted on, a0 the grid hour
 * of ew[0]. Returns 1 when too few pseudo-origins fit (w < 672 + 36). */
#define CAL_LEADS 36
#define CAL_LEAD0 11
static double calibration(const hr_model *m, const series_region *r, const double *ew, size_t w,
                          size_t a0)
{
    double prof[24], fm[CAL_LEADS], fv[CAL_LEADS], ss = 0;
    size_t cnt = 0;
    for (int h = 0; h < 24; h++) prof[h] = 1.0;
    if (m->sp->var_hourly) hour_profile(ew, w, hour_of(r, a0), prof);
    arima_opts ao;
    arima_opts_init(&ao);
    for (int j = 0; j < m->sp->calibrate; j++) {
        if (w < 672 + CAL_LEADS + 24 * (size_t)j) break;
        size_t tj = w - CAL_LEADS - 24 * (size_t)j;
        arima_fit *f = NULL;
        if (arima_fit_fixed(ew, tj, NULL, 0, &m->order, &ao, m->coef, m->sigma2, &f) ||
            arima_forecast(f, NULL, CAL_LEADS, fm, fv)) {
            arima_free(f);
            continue;
        }
        arima_free(f);
        for (size_t k = CAL_LEAD0; k < CAL_LEADS; k++) {
            double d = ew[tj + k] - fm[k], v = fv[k] * prof[hour_of(r, a0 + tj + k)];
            if (!isnan(d) && v > 0) ss += d * d / v, cnt++;
        }
    }
    hr_err_clear(); /* a skipped pseudo-origin is not an error of the fit */
    return cnt >= 12 * (CAL_LEADS - CAL_LEAD0) ? ss / (double)cnt : 1.0;
}

/* Copy the design names into m. */
static int take_names(hr_model *m, const design_matrix *dm)
{
    m->feat = mem_calloc(dm->p ? dm->p : 1, sizeof(char *));
    if (!m->feat) return hr_err(HR_ENOMEM, "out of memory");
    m->p = dm->p; /* only now: hr_model_free walks feat[0..p) */
    for (size_t j = 0; j < dm->p; j++) {
        m->feat[j] = mem_strdup(dm->names[j]);
        if (!m->feat[j]) return hr_err(HR_ENOMEM, "out of memory");
    }
    return HR_OK;
}

/* The ARIMA order a spec asks for (auto-arima: search). */
static void order_from_spec(const spec *sp, int has_terms, arima_order *o, int method)
{
    memset(o, 0, sizeof *o);
    o->p = sp->errors.p, o->d = sp->errors.d, o->q = sp->errors.q;
    o->P = sp->errors.P, o->D = sp->errors.D, o->Q = sp->errors.Q;
    o->s = sp->errors.s > 0 ? sp->errors.s : 1;
    /* The regression's intercept already carries the mean of the training
     * window; 'error-mean yes' adds the level of the newest residuals (a
     * load level that moved since, e.g. a mild winter or a lockdown). */
    o->include_mean = (!has_terms || sp->error_mean) && o->d + o->D == 0;
    o->method = method == HR_METHOD_ML ? ARIMA_ML : method == HR_METHOD_CSS ? ARIMA_CSS : ARIMA_CSS_ML;
}

/* Store the ARIMA fit's coefficients and statistics in m. */
static int note_append(hr_model *m, const char *msg);

static int take_arima(hr_model *m, const arima_fit *af)
{
    m->has_arima = 1;
    m->order = arima_fit_order(af);
    size_t nc = arima_coef_count(af);
    m->cname = mem_calloc(nc ? nc : 1, sizeof(char *));
    m->coef = mem_array(nc ? nc : 1, sizeof(double));
    m->coef_se = mem_array(nc ? nc : 1, sizeof(double));
    if (!m->cname || !m->coef || !m->coef_se) return hr_err(HR_ENOMEM, "out of memory");
    m->ncoef = nc; /* only now: hr_model_free walks cname[0..ncoef) */
    for (size_t i = 0; i < m->ncoef; i++) {
        m->cname[i] = mem_strdup(arima_coef_name(af, i));
        if (!m->cname[i]) return hr_err(HR_ENOMEM, "out of memory");
        m->coef[i] = arima_coef(af, i);
        m->coef_se[i] = arima_coef_se(af, i);
    }
    m->sigma2 = arima_sigma2(af);
    m->loglik = arima_loglik(af);
    m->aic = arima_aic(af);
    m->aicc = arima_aicc(af);
    m->bic = arima_bic(af);
    m->converged = arima_converged(af);
    const arima_order *a = &m->order;
    snprintf(m->errors_text, sizeof m->errors_text, "ARIMA(%d,%d,%d)(%d,%d,%d)[%d]", a->p, a->d,
             a->q, a->P, a->D, a->Q, a->s);
    m->arima_nobs = arima_nobs(af);
    const char *note = arima_note(af);
    /* after the fit's own notes (terms left out), not instead of them */
    return note && note[0] ? note_append(m, note) : HR_OK;
}

/* 1 if hour k of r holds an observed (not imputed) load value. */
static int hour_observed(const series_region *r, size_t k)
{
    if (!r->flag) return 1;
    return r->flag[k] == HR_FLAG_OKAY || r->flag[k] == HR_FLAG_DUPLICATE_RESOLVED;
}

/* 1 if r has a temperature in hours [from, to): what 'term-if-temperature'
 * asks of the data. */
static int has_temperature(const series_region *r, size_t from, size_t to)
{
    const double *tc = series_col_get(r, "temp_c");
    for (size_t k = from; tc && k < to && k < r->n; k++)
        if (!isnan(tc[k])) return 1;
    return 0;
}

/* Regression with ARIMA errors by one exact likelihood (R's arima(xreg=)):
 * y over the newest w hours of the window, xreg = the design columns OLS
 * found estimable (the intercept left out when d + D > 0: differencing
 * removes it; columns all zero in the window keep their OLS value). The
 * joint estimates replace the OLS ones in m->beta / m->beta_se; m->joint_k
 * records how many trailing ARIMA coefficients are regression ones. */
static int fit_joint(hr_model *m, const series_region *r, const design_matrix *dm,
                     const double *dX, size_t ld, const double *load, size_t from, size_t n,
                     size_t w, arima_order *ord, const arima_opts *ao, arima_fit **af)
{
    size_t p = dm->p, k = 0, r0 = n - w;
    size_t *col = mem_array(p ? p : 1, sizeof *col);
    double *yw = mem_array(w, sizeof *yw);
    double *X = NULL;
    int st = HR_ENOMEM;
    if (!col || !yw) goto done;
    for (size_t j = 0; j < p; j++) {
        if (isnan(m->beta[j])) continue;
        if (ord->d + ord->D > 0 && !strcmp(dm->names[j], "intercept")) {
            m->beta[j] = 0.0, m->beta_se[j] = NAN;
            continue;
        }
        int nz = 0;
        for (size_t i = r0; i < n && !nz; i++) nz = dX[j * ld + i] != 0.0;
        if (nz) col[k++] = j;
    }
    X = mem_array(w * (k ? k : 1), sizeof *X);
    if (!X) goto done;
    for (size_t c = 0; c < k; c++)
        for (size_t i = 0; i < w; i++) X[c * w + i] = dX[col[c] * ld + r0 + i];
    for (size_t i = 0; i < w; i++) {
        double y = hour_observed(r, from + r0 + i) ? load[from + r0 + i] : NAN;
        if (m->sp->log_transform) y = y > 0 ? log(y) : NAN;
        yw[i] = y;
    }
    ord->include_mean = 0; /* the design's intercept is an xreg column */
    st = arima_fit_model(yw, w, X, k, ord, ao, af);
    if (st) goto done;
    size_t nc = arima_coef_count(*af);
    for (size_t c = 0; c < k; c++) {
        m->beta[col[c]] = arima_coef(*af, nc - k + c);
        m->beta_se[col[c]] = arima_coef_se(*af, nc - k + c);
    }
    m->joint_k = k;
done:
    if (st == HR_ENOMEM && !hr_last_error()[0]) hr_err(HR_ENOMEM, "out of memory");
    mem_free(col);
    mem_free(yw);
    mem_free(X);
    return st;
}

static int ws_covers(const model_ws *ws, const series_region *r, const spec *sp, size_t from,
                     size_t to);
static int gram_for(const model_ws *ws, model_gram *g, size_t from, size_t to, const double **G);

/* Append msg to the model's fallback report ("; "-separated). */
static int note_append(hr_model *m, const char *msg)
{
    size_t a = m->fallback ? strlen(m->fallback) : 0, b = strlen(msg);
    char *f = mem_alloc(a + b + 3);
    if (!f) return hr_err(HR_ENOMEM, "out of memory");
    snprintf(f, a + b + 3, "%s%s%s", a ? m->fallback : "", a ? "; " : "", msg);
    mem_free(m->fallback);
    m->fallback = f;
    return HR_OK;
}

static int fit_range(const series_region *r, const spec *sp_in, const hr_fit_opts *o, size_t from,
                     size_t to, const model_ws *ws, model_gram *gram, int std_errors,
                     hr_model **out)
{
    *out = NULL;
    double t_start = cal_monotonic_seconds();
    const double *load = series_col_get(r, "load_mw");
    if (!load) return hr_err(HR_ENOTFOUND, "region '%s' has no load", r->name);
    if (to > r->n) to = r->n;
    /* 'window H' of the spec: only the newest H hours. */
    if (sp_in->window && to > from + sp_in->window) from = to - sp_in->window;
    /* Trim the window to the hours with load. */
    while (from < to && isnan(load[from])) from++;
    while (to > from && isnan(load[to - 1])) to--;
    if (to - from < 48)
        return hr_err(HR_EDATA, "region '%s': %zu hours of load in the training window (need >= 48)",
                      r->name, to - from);

    hr_model *m = mem_calloc(1, sizeof *m);
    if (!m) return hr_err(HR_ENOMEM, "out of memory");
    int st = HR_ENOMEM;
    double *e = NULL;
    design_matrix dm;
    memset(&dm, 0, sizeof dm);
    regress_fit *rf = NULL;
    arima_fit *af = NULL;

    m->region = mem_strdup(r->name);
    m->tz = r->tz ? mem_strdup(r->tz) : NULL;
    m->fallback = mem_strdup("");
    if (!m->region || (r->tz && !m->tz) || !m->fallback) goto fail;
    st = spec_parse(sp_in->text, strlen(sp_in->text), sp_in->name ? sp_in->name : "spec", &m->sp);
    if (st) goto fail;
    m->name = mem_strdup(sp_in->name ? sp_in->name : "spec");
    if (!m->name) goto fail;
    if (m->sp->opt_temp) {
        spec *res = NULL;
        const int have = has_temperature(r, from, to);
        if ((st = spec_with_temperature(m->sp, have, &res))) goto fail;
        spec_free(m->sp);
        m->sp = res;
        if (!have && (st = note_append(m, "temperature terms left out: the data has no temperatures")))
            goto fail;
    }
    /* Terms of the annual cycle and of growth (month, fourier_annual,
     * trend) need a year of history: fitted on part of a year they carry
     * that part's seasonal ramp into months they never saw (day-ahead MAPE
     * on the 2020-only EIA-930 series from July: PJM-DOM 8.3 % with them,
     * 5.5 % without; bench/skill.md). They are left out, the model's spec
     * (saved with it) says so, and the fit reports it as a fallback. */
    int reduced = 0;
    if (to - from < ANNUAL_MIN_HOURS && m->sp->nterm > 0) {
        spec *red = NULL;
        st = spec_without_annual(m->sp, &red);
        if (st) goto fail;
        if (red) {
            char note[160];
            spec_free(m->sp);
            m->sp = red;
            reduced = 1;
            snprintf(note, sizeof note, "annual terms (month, fourier_annual, trend) left out: "
                     "%zu days of history, fewer than 365", (to - from) / 24);
            if ((st = note_append(m, note))) goto fail;
        }
    }
    m->first_utc = r->t0 + 3600 * (int64_t)from;
    m->last_utc = r->t0 + 3600 * (int64_t)(to - 1);
    m->r2 = m->adj_r2 = m->loglik = m->aic = m->aicc = m->bic = NAN;
    m->converged = 1;

    size_t n = to - from;
    /* The region's workspace, when it has these rows: its design and
     * transformed load instead of building them (same values). */
    if (reduced) ws = ws ? ws->reduced : NULL; /* the design of the reduced spec */
    const int use_ws = ws_covers(ws, r, m->sp, from, to);
    const design_matrix *dmp = use_ws ? &ws->dm : &dm;
    const double *dX = NULL;
    size_t ld = n;
    e = mem_array(n, sizeof(double));
    if (!e) goto fail;
    if (use_ws) {
        memcpy(e, ws->y + (from - ws->base), n * sizeof(double));
    } else {
        memcpy(e, load + from, n * sizeof(double));
        /* Fit on observed hours only: hours that screening flagged (and
         * imputed) are missing to the regression (rows skipped) and to the
         * Kalman filter (updates skipped), as R treats NA. */
        for (size_t k = 0; k < n; k++)
            if (!hour_observed(r, from + k)) e[k] = NAN;
        if (m->sp->log_transform) to_log(e, n);
    }

    if (m->sp->nterm > 0) {
        double *yhat = NULL;
        if (use_ws) {
            /* rows with a missing design input are NaN in ws->y: skipped */
            const double *G = NULL;
            st = gram_for(ws, gram, from, to, &G);
            if (st) goto fail;
            dX = ws->dm.X + (from - ws->base);
            ld = ws->n;
            yhat = mem_array(n, sizeof(double));
            if (!yhat) { st = hr_err(HR_ENOMEM, "out of memory"); goto fail; }
            st = regress_fit_ld(dX, ld, n, ws->p, e, G, G ? G + ws->p * ws->p : NULL, NULL, &rf, yhat);
            if (st) { mem_free(yhat); goto fail; }
        } else {
            st = design_build_region(m->sp, r, o->tzdir, from, to, &dm);
            if (st) goto fail;
            dX = dm.X;
            st = regress_fit_ols(dm.X, dm.n, dm.p, e, NULL, 0.0, &rf);
            if (st) goto fail;
        }
        st = take_names(m, dmp);
        if (st) { mem_free(yhat); goto fail; }
        m->beta = mem_array(dmp->p, sizeof(double));
        m->beta_se = mem_array(dmp->p, sizeof(double));
        if (!m->beta || !m->beta_se) { mem_free(yhat); st = hr_err(HR_ENOMEM, "out of memory"); goto fail; }
        memcpy(m->beta, regress_coef(rf), dmp->p * sizeof(double));
        memcpy(m->beta_se, regress_se(rf), dmp->p * sizeof(double));
        m->nobs = regress_nobs(rf);
        m->r2 = regress_r2(rf);
        m->adj_r2 = regress_adj_r2(rf);
        double sg = regress_sigma(rf);
        m->sigma2 = sg * sg;
        /* Residuals feed the error model (the workspace fit returned the
         * fitted values: the same x'beta product). */
        if (!yhat) {
            yhat = mem_array(n, sizeof(double));
            if (!yhat) { st = hr_err(HR_ENOMEM, "out of memory"); goto fail; }
            st = regress_predict_beta(m->beta, dm.X, dm.n, dm.p, yhat);
        }
        for (size_t k = 0; k < n; k++) e[k] = e[k] - yhat[k];
        mem_free(yhat);
        if (st) goto fail;
    } else {
        m->nobs = n;
    }

    if (m->sp->errors.kind == SPEC_ERR_DIRECT) {
        /* Fitted at each forecast, on the residuals before its origin. */
        /* 'operator': say whether the data gives the operator's forecast */
        const double *fc = m->sp->errors.op ? series_col_get(r, "forecast_mw") : NULL;
        int any_fc = 0;
        for (size_t k = from; fc && k < to && !any_fc; k++) any_fc = fc[k] > 0;
        snprintf(m->errors_text, sizeof m->errors_text, "direct %d days%s", m->sp->errors.days,
                 any_fc ? " + operator's forecast" : "");
        if (n < direct_history(0, 24, DIRECT_MIN_DAYS)) {
            char note[160];
            snprintf(note, sizeof note, "errors direct: %zu days of history, too few for the "
                     "correction: forecasts use the regression alone", n / 24);
            if ((st = note_append(m, note))) goto fail;
        }
    } else if (m->sp->errors.kind != SPEC_ERR_NONE) {
        /* A pure ARIMA is fitted on the whole window (as R's arima); the
         * errors of a regression on its newest 12 weeks unless told. */
        size_t aw = o->arima_window != (size_t)-1 ? o->arima_window
                  : m->sp->arima_window ? m->sp->arima_window - 1
                  : m->sp->nterm > 0 ? 2016 : 0;
        size_t w = aw && aw < n ? aw : n;
        const double *ew = e + (n - w);
        arima_opts ao;
        arima_opts_init(&ao);
        /* The polish restart exists to reach R's optimum on a pure ARIMA;
         * the errors of a two-stage regression do not need it. */
        if (m->sp->nterm > 0 && !m->sp->joint) ao.polish = 0;
        ao.std_errors = std_errors;
        if (m->sp->errors.kind == SPEC_ERR_ARIMA && m->sp->joint && m->sp->nterm > 0) {
            arima_order ord;
            order_from_spec(m->sp, 1, &ord, o->method);
            st = fit_joint(m, r, dmp, dX, ld, load, from, n, w, &ord, &ao, &af);
            if (st) goto fail;
        } else if (m->sp->errors.kind == SPEC_ERR_ARIMA) {
            arima_order ord;
            order_from_spec(m->sp, m->sp->nterm > 0, &ord, o->method);
            st = arima_fit_model(ew, w, NULL, 0, &ord, &ao, &af);
        } else {
            arima_auto_opts auo;
            arima_auto_opts_init(&auo);
            auo.s = m->sp->errors.s;
            auo.threads = o->threads > 0 ? o->threads : 1;
            if (m->sp->nterm > 0) auo.allow_mean = m->sp->error_mean, auo.allow_drift = 0;
            st = arima_auto(ew, w, NULL, 0, &auo, &ao, &af, NULL);
        }
        if (st) goto fail;
        st = take_arima(m, af);
        if (st) goto fail;
        if (m->joint_k) {
            /* The regression coefficients came with the ARIMA fit (its last
             * joint_k coefficients): keep only the ARMA part there. */
            for (size_t i = m->ncoef - m->joint_k; i < m->ncoef; i++) mem_free(m->cname[i]);
            m->ncoef -= m->joint_k;
        }
        if (m->sp->nterm == 0) m->nobs = arima_nobs(af);
        /* The calibrated variance is kept as sigma2 (saved with the model),
         * so forecasts from a loaded model use the same factor. */
        if (m->sp->calibrate > 0) m->sigma2 *= calibration(m, r, ew, w, from + (n - w));
    }
    m->fit_seconds = cal_monotonic_seconds() - t_start;
    arima_free(af);
    regress_free(rf);
    design_matrix_free(&dm);
    mem_free(e);
    *out = m;
    return HR_OK;
fail:
    if (!st) st = HR_ENOMEM; /* a bare `goto fail` after a NULL allocation */
    if (st == HR_ENOMEM && !hr_last_error()[0]) hr_err(HR_ENOMEM, "out of memory");
    arima_free(af);
    regress_free(rf);
    design_matrix_free(&dm);
    mem_free(e);
    hr_model_free(m);
    return st ? st : HR_ENOMEM;
}

int model_fit_range(const series_region *r, const spec *sp, const hr_fit_opts *o, size_t from,
                    size_t to, hr_model **out)
{
    return fit_range(r, sp, o, from, to, NULL, NULL, 1, out);
}

int model_fit_range_ws(const series_region *r, const spec *sp, const hr_fit_opts *o,
                       size_t from, size_t to, const model_ws *ws, model_gram *g,
                       int std_errors, hr_model **out)
{
    return fit_range(r, sp, o, from, to, ws, g, std_errors, out);
}

/* ------------------------------------------------------------- workspace */

void model_ws_free(model_ws *ws)
{
    if (!ws) return;
    design_matrix_free(&ws->dm);
    mem_free(ws->spec_text);
    mem_free(ws->y);
    mem_free(ws->bad);
    mem_free(ws->badc);
    mem_free(ws->yc);
    model_ws_free(ws->reduced);
    mem_free(ws);
}

int model_ws_new(const series_region *r, const spec *sp, const char *tzdir, size_t from,
                 size_t to, model_ws **out)
{
    *out = NULL;
    if (!r || !sp || from >= to) return hr_err(HR_EINVAL, "model_ws_new: invalid argument");
    if (sp->opt_temp) { /* the design of the spec the fit will use */
        spec *res = NULL;
        int st = spec_with_temperature(sp, has_temperature(r, from, to), &res);
        if (!st) st = model_ws_new(r, res, tzdir, from, to, out);
        spec_free(res);
        return st;
    }
    /* Lag terms read the load before each row, which a forecast must cut
     * at its origin: such a design cannot be shared between origins. */
    if (spec_needs_load(sp)) return HR_OK;
    const double *ld = series_col_get(r, "load_mw");
    if (!ld) return hr_err(HR_ENOTFOUND, "region '%s' has no load", r->name);
    const size_t n = to - from;
    model_ws *ws = mem_calloc(1, sizeof *ws);
    if (!ws) return hr_err(HR_ENOMEM, "out of memory");
    int st = HR_OK;
    double *temp = NULL;
    cal_tz *tz = NULL;
    ws->r = r;
    ws->base = from;
    ws->n = n;
    ws->spec_text = mem_strdup(sp->text);
    ws->y = mem_array(n, sizeof *ws->y);
    ws->bad = mem_calloc(n, 1);
    ws->badc = mem_array(n + 1, sizeof *ws->badc);
    ws->yc = mem_array(n + 1, sizeof *ws->yc);
    if (!ws->spec_text || !ws->y || !ws->bad || !ws->badc || !ws->yc) goto oom;
    if (sp->nterm > 0) {
        /* rows past the grid: calendar terms as any hour, temperature
         * unknown (as regression_mean extends the grid) */
        const double *tc = series_col_get(r, "temp_c");
        if (spec_needs_temp(sp)) {
            if (!tc) {
                st = hr_err(HR_ENOTFOUND, "region '%s': model '%s' needs column 'temp_c'", r->name,
                            sp->name ? sp->name : "?");
                goto fail;
            }
            temp = mem_array(to, sizeof *temp);
            if (!temp) goto oom;
            for (size_t k = 0; k < to; k++) temp[k] = k < r->n ? tc[k] : NAN;
        }
        if (r->tz && cal_tz_load(r->tz, tzdir, &tz) != 0) {
            st = hr_err(HR_ENOTFOUND, "region '%s': time zone '%s' not found", r->name, r->tz);
            goto fail;
        }
        design_data d = {.t0 = r->t0, .t_utc = NULL, .n = to, .temp_c = temp, .load_mw = NULL, .tz = tz};
        st = design_build(sp, &d, from, to, &ws->dm);
        if (st) {
            st = hr_err_prefix(st, r->name);
            goto fail;
        }
        ws->p = ws->dm.p;
        /* finite X for regress_fit_ld: a missing input becomes 0 and its
         * row is marked (and dropped through y below) */
        for (size_t j = 0; j < ws->p; j++) {
            double *c = ws->dm.X + j * n;
            for (size_t i = 0; i < n; i++)
                if (!isfinite(c[i])) c[i] = 0.0, ws->bad[i] = 1;
        }
    }
    ws->badc[0] = ws->yc[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = from + i;
        double v = k < r->n && hour_observed(r, k) ? ld[k] : NAN;
        if (sp->log_transform) v = v > 0 ? log(v) : NAN;
        if (ws->bad[i]) v = NAN;
        ws->y[i] = v;
        ws->badc[i + 1] = ws->badc[i] + ws->bad[i];
        ws->yc[i + 1] = ws->yc[i] + !isnan(v);
    }
    cal_tz_free(tz);
    mem_free(temp);
    *out = ws;
    return HR_OK;
oom:
    st = hr_err(HR_ENOMEM, "out of memory");
fail:
    cal_tz_free(tz);
    mem_free(temp);
    model_ws_free(ws);
    return st;
}

/* 1 if ws has the design of sp for rows [from, to) of r. */
static int ws_covers(const model_ws *ws, const series_region *r, const spec *sp, size_t from,
                     size_t to)
{
    if (!ws || ws->r != r || from < ws->base || to > ws->base + ws->n || from >= to) return 0;
    if (strcmp(ws->spec_text, sp->text) != 0) return 0;
    /* the joint fit reads the load itself: only rows with their design */
    if (sp->joint && ws->badc[to - ws->base] != ws->badc[from - ws->base]) return 0;
    return 1;
}

int model_ws_add_reduced(model_ws *ws, const spec *sp, const char *tzdir)
{
    if (!ws || ws->reduced || sp->nterm == 0) return HR_OK;
    spec *res = NULL, *red = NULL;
    /* in the fit's order: temperature terms resolved, then annual ones out */
    int st = spec_with_temperature(sp, has_temperature(ws->r, ws->base, ws->base + ws->n), &res);
    if (!st) st = spec_without_annual(res ? res : sp, &red);
    spec_free(res);
    if (!st && red) st = model_ws_new(ws->r, red, tzdir, ws->base, ws->base + ws->n, &ws->reduced);
    spec_free(red);
    return st;
}

const model_ws *model_ws_for(const model_ws *ws, const series_region *r, const spec *sp,
                             size_t from, size_t to)
{
    /* fit_range's window: the spec's 'window', trimmed to hours with
     * load; shorter than a year, the spec without its annual terms */
    const double *load = series_col_get(r, "load_mw");
    if (!ws || !load) return NULL;
    if (to > r->n) to = r->n;
    if (sp->window && to > from + sp->window) from = to - sp->window;
    while (from < to && isnan(load[from])) from++;
    while (to > from && isnan(load[to - 1])) to--;
    return to - from < ANNUAL_MIN_HOURS && sp->nterm > 0 && ws->reduced ? ws->reduced : ws;
}

/* 1 if rows [a, b) of ws have no usable load (they add nothing to a Gram). */
static int no_y(const model_ws *ws, size_t a, size_t b)
{
    return a >= b || ws->yc[b - ws->base] == ws->yc[a - ws->base];
}

void model_gram_free(model_gram *g)
{
    if (!g) return;
    mem_free(g->G);
    memset(g, 0, sizeof *g);
}

int model_gram_extend(const model_ws *ws, model_gram *g, size_t from, size_t to)
{
    if (!ws || !g || from < ws->base || to > ws->base + ws->n || from > to)
        return hr_err(HR_EINVAL, "model_gram_extend: rows outside the workspace");
    const size_t p = ws->p;
    if (p == 0) return HR_OK;
    /* Still valid when the windows differ only by rows without load. */
    int keep = g->G && g->ws == ws && g->p == p &&
               (g->from == from || no_y(ws, g->from < from ? g->from : from, g->from < from ? from : g->from)) &&
               (to >= g->to || no_y(ws, to, g->to));
    if (!keep) {
        if (!g->G || g->p != p) {
            mem_free(g->G);
            g->G = mem_array(p * (p + 1), sizeof *g->G);
            if (!g->G) {
                memset(g, 0, sizeof *g);
                return hr_err(HR_ENOMEM, "out of memory");
            }
        }
        memset(g->G, 0, p * (p + 1) * sizeof *g->G);
        g->p = p;
        g->ws = ws;
        g->from = g->to = from;
    }
    if (to > g->to) {
        size_t a = g->to - ws->base;
        int st = regress_gram_add(ws->dm.X + a, ws->n, to - g->to, p, ws->y + a, g->G, g->G + p * p);
        if (st) return st;
        g->to = to;
    }
    return HR_OK;
}

static int gram_for(const model_ws *ws, model_gram *g, size_t from, size_t to, const double **G)
{
    *G = NULL;
    if (!g) return HR_OK;
    int st = model_gram_extend(ws, g, from, to);
    if (!st) *G = g->G;
    return st;
}

/* Grid index range [from, to) of the training window of o within r. */
static void window_of(const series_region *r, int64_t from_utc, int64_t to_utc, size_t *from,
                      size_t *to)
{
    int64_t t_end = r->t0 + 3600 * (int64_t)r->n;
    int64_t a = from_utc < r->t0 ? r->t0 : from_utc;
    int64_t b = to_utc >= t_end ? t_end - 1 : to_utc;
    if (b < a) {
        *from = *to = 0;
        return;
    }
    *from = (size_t)((a - r->t0 + 3599) / 3600);
    *to = (size_t)((b - r->t0) / 3600) + 1;
}

int hr_model_fit(const hr_series *s, size_t region, const hr_fit_opts *o, hr_model **out)
{
    return model_fit_ws(s, region, o, NULL, NULL, 1, out);
}

int model_fit_ws(const hr_series *s, size_t region, const hr_fit_opts *o, const model_ws *ws,
                 model_gram *g, int std_errors, hr_model **out)
{
    hr_err_clear();
    if (!s || !out) return hr_err(HR_EINVAL, "hr_model_fit: NULL argument");
    *out = NULL;
    if (region >= s->nreg) return hr_err(HR_EINVAL, "hr_model_fit: no region %zu", region);
    hr_fit_opts def;
    if (!o) {
        hr_fit_opts_init(&def);
        o = &def;
    }
    if (o->method < HR_METHOD_CSS_ML || o->method > HR_METHOD_CSS)
        return hr_err(HR_EINVAL, "hr_model_fit: method %d is not an HR_METHOD_*", o->method);
    spec *sp = NULL;
    int st = model_spec_for(o, &sp);
    if (st) return st;
    const series_region *r = &s->reg[region];
    size_t from, to;
    window_of(r, o->from_utc, o->to_utc, &from, &to);
    st = fit_range(r, sp, o, from, to, ws, g, std_errors, out);
    spec_free(sp);
    if (st == HR_OK) {
        hr_err_clear(); /* recovered internal failures leave no message */
        if (o->log && (*out)->fallback && (*out)->fallback[0]) {
            char msg[512];
            snprintf(msg, sizeof msg, "region '%s', model '%s': %s", r->name, (*out)->name,
                     (*out)->fallback);
            o->log(1, msg, o->log_ud);
        }
        if (o->log && !(*out)->converged) {
            char msg[512];
            snprintf(msg, sizeof msg, "region '%s', model '%s': the optimiser stopped at its iteration limit",
                     r->name, (*out)->name);
            o->log(1, msg, o->log_ud);
        }
    }
    return st;
}

int hr_model_info_get(const hr_model *m, hr_model_info *info)
{
    hr_err_clear();
    if (!m || !info) return hr_err(HR_EINVAL, "hr_model_info_get: NULL argument");
    memset(info, 0, sizeof *info);
    info->region = m->region;
    info->model = m->name;
    info->first_utc = m->first_utc;
    info->last_utc = m->last_utc;
    info->n = m->nobs;
    info->ncoef = m->p + m->ncoef;
    info->sigma2 = m->sigma2;
    info->r2 = m->r2;
    info->adj_r2 = m->adj_r2;
    info->loglik = m->loglik;
    info->aic = m->aic;
    info->aicc = m->aicc;
    info->bic = m->bic;
    if (m->has_arima) {
        const arima_order *a = &m->order;
        int v[7] = {a->p, a->d, a->q, a->P, a->D, a->Q, a->s};
        memcpy(info->order, v, sizeof v);
    }
    info->errors = m->has_arima || m->sp->errors.kind == SPEC_ERR_DIRECT ? m->errors_text : "none";
    info->converged = m->converged;
    info->fallback = m->fallback ? m->fallback : "";
    info->fit_seconds = m->fit_seconds;
    return HR_OK;
}

int hr_model_coef(const hr_model *m, size_t i, const char **name, double *value, double *se)
{
    hr_err_clear();
    if (!m) return hr_err(HR_EINVAL, "hr_model_coef: NULL model");
    if (i < m->p) {
        if (name) *name = m->feat[i];
        if (value) *value = m->beta[i];
        if (se) *se = m->beta_se ? m->beta_se[i] : NAN;
        return HR_OK;
    }
    i -= m->p;
    if (i >= m->ncoef) return hr_err(HR_EINVAL, "hr_model_coef: index out of range");
    if (name) *name = m->cname[i];
    if (value) *value = m->coef[i];
    if (se) *se = m->coef_se ? m->coef_se[i] : NAN;
    return HR_OK;
}

/* ------------------------------------------------------------- forecasting */

/* UTC hour of day (0..23) of grid hour k of r. */
static size_t hour_of(const series_region *r, size_t k)
{
    int64_t h = (r->t0 / 3600 + (int64_t)k) % 24;
    return (size_t)(h < 0 ? h + 24 : h);
}

/* mu[k - from] = x_k' beta for rows [from, to) of d, built MEAN_CHUNK rows
 * at a time (a year of a 290-column design is 20 MB); the rebuilt columns
 * must be the model's (HR_EFORMAT otherwise). */
enum { MEAN_CHUNK = 4096 };
int model_mean_rows(const hr_model *m, const design_data *d, size_t from, size_t to, double *mu)
{
    if (m->p == 0) {
        for (size_t k = from; k < to; k++) mu[k - from] = 0.0;
        return HR_OK;
    }
    for (size_t k = from; k < to; k += MEAN_CHUNK) {
        size_t k2 = to - k > MEAN_CHUNK ? k + MEAN_CHUNK : to;
        design_matrix dm;
        int st = design_build(m->sp, d, k, k2, &dm);
        if (st) return st;
        if (dm.p != m->p)
            st = hr_err(HR_EFORMAT, "model '%s': the specification builds %zu columns, the model has %zu",
                        m->name, dm.p, m->p);
        for (size_t j = 0; j < dm.p && !st && k == from; j++)
            if (strcmp(dm.names[j], m->feat[j]) != 0)
                st = hr_err(HR_EFORMAT, "model '%s': feature %zu is '%s' in the model, '%s' rebuilt",
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
        if (!temp) return hr_err(HR_ENOMEM, "out of memory");
        for (size_t k = 0; k < next; k++) temp[k] = (tc && k < r->n) ? tc[k] : NAN;
        for (size_t k = a > cut ? a : cut; k < b; k++)
            if (isnan(temp[k])) {
                char ts[21];
                cal_format_utc(r->t0 + 3600 * (int64_t)k, ts);
                mem_free(temp);
                return hr_err(HR_EDATA,
                              "region '%s': model '%s' needs temperatures for the forecast hours; "
                              "none for %s (give rows with temperature and no load)",
                              r->name, m->name, ts);
            }
    }
    lo = mem_array(next, sizeof(double));
    if (!lo) {
        mem_free(temp);
        return hr_err(HR_ENOMEM, "out of memory");
    }
    /* Load at or after the origin is never read (lag terms see NaN there). */
    for (size_t k = 0; k < next; k++) lo[k] = (ld && k < r->n && k < cut) ? ld[k] : NAN;
    if (m->tz && cal_tz_load(m->tz, tzdir, &tz) != 0) {
        mem_free(temp);
        mem_free(lo);
        return hr_err(HR_ENOTFOUND, "time zone '%s' not found", m->tz);
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
static void hour_profile(const double *e, size_t n, size_t h0, double *prof)
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
    if (!ld) return hr_err(HR_ENOTFOUND, "region '%s' has no load", r->name);
    double *e = mem_array(o - a ? o - a : 1, sizeof(double));
    if (!e) return hr_err(HR_ENOMEM, "out of memory");
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
    if (m->sp->var_hourly) hour_profile(e, o - a, hour_of(r, a), prof);
    arima_opts ao;
    arima_opts_init(&ao);
    st = arima_fit_fixed(e, o - a, NULL, 0, &m->order, &ao, m->coef, m->sigma2, af);
    mem_free(e);
    return st;
}

/* The operator's forecast fc of hour k (forecast_mw) on the residual scale
 * of m, given the regression mean mu there: h(fc) - mu, NaN if unknown. */
static double op_resid(const hr_model *m, const series_region *r, const double *fc, size_t k,
                       double mu)
{
    double f = fc && k < r->n ? fc[k] : NAN;
    if (m->sp->log_transform) f = f > 0 ? log(f) : NAN;
    return f - mu;
}

/* The operator's forecasts (forecast_mw) when m's direct errors read them
 * ('errors direct DAYS operator') and r has them; else NULL. */
static const double *op_column(const hr_model *m, const series_region *r)
{
    return m->sp->errors.op ? series_col_get(r, "forecast_mw") : NULL;
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
static int direct_at(const hr_model *m, const series_region *r, const char *tzdir, size_t o,
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
        if (st == HR_EDATA) st = HR_OK, hr_err_clear();
        return st;
    }
    const double *ld = series_col_get(r, "load_mw");
    if (!ld) return hr_err(HR_ENOTFOUND, "region '%s' has no load", r->name);
    const double *fc = npaths ? NULL : op_column(m, r);
    double *e = mem_array(o - a ? o - a : 1, sizeof(double));
    double *g = fc ? mem_array(o + lead + h - a, sizeof(double)) : NULL;
    unsigned char *ok = mem_alloc(o - a ? o - a : 1);
    int st = !e || !ok || (fc && !g) ? hr_err(HR_ENOMEM, "out of memory")
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
        if (st == HR_EDATA) st = HR_OK, hr_err_clear(); /* too few training days */
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
    if (!mu) return hr_err(HR_ENOMEM, "out of memory");
    /* the lead hours are not forecast: their temperature is not needed */
    for (size_t k = 0; k < lead; k++) mu[k] = NAN;
    int st = regression_mean(m, r, tzdir, o + lead, o + hh, o, mu + lead), direct = 0;
    if (!st && m->sp->errors.kind == SPEC_ERR_DIRECT) {
        st = direct_at(m, r, tzdir, o, lead, h, 0, 0, mean, var, &direct, NULL, NULL, NULL,
                       mu + lead);
        for (size_t k = 0; !st && direct && k < h; k++) mean[k] += mu[lead + k];
    }
    if (st || direct) {
        /* failed, or the direct errors answered */
    } else if (m->has_arima) {
        arima_fit *af = NULL;
        double *em = mem_array(hh, sizeof(double)), *ev = mem_array(hh, sizeof(double));
        if (!em || !ev) st = hr_err(HR_ENOMEM, "out of memory");
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

/* ------------------------------------------ forecasts at many origins */

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
    if (!F) return hr_err(HR_ENOMEM, "out of memory");
    F->m = m, F->r = r, F->tzdir = tzdir;
    /* the workspace serves only the specification it was built for */
    if (ws && ws->reduced && m->sp && !strcmp(ws->reduced->spec_text, m->sp->text)) ws = ws->reduced;
    if (ws && ws->r == r && m->sp && !strcmp(ws->spec_text, m->sp->text) && ws->p == m->p) {
        F->ws = ws;
        F->mu = mem_array(ws->n, sizeof *F->mu);
        if (!F->mu) {
            model_fc_free(F);
            return hr_err(HR_ENOMEM, "out of memory");
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
        if (!F->de || !F->dok || (fc && !F->dg)) return hr_err(HR_ENOMEM, "out of memory");
    }
    const double *ld = series_col_get(r, "load_mw");
    if (!ld) return hr_err(HR_ENOTFOUND, "region '%s' has no load", r->name);
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
            st = direct_at(m, r, F->tzdir, o, lead, h, 0, 0, mean, var, &used, F->de - ws->base,
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
            if (!F->e || !F->em || !F->ev) return hr_err(HR_ENOMEM, "out of memory");
            F->ecap = ec, F->hcap = hc;
        }
        /* residuals of the window, as arima_at computes them */
        const double *y = ws->y - ws->base;
        double *e = F->e;
        for (size_t k = a; k < o; k++) e[k - a] = y[k] - mu[k];
        double prof[24];
        for (int q = 0; q < 24; q++) prof[q] = 1.0;
        if (m->sp->var_hourly) hour_profile(e, o - a, hour_of(r, a), prof);
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
                    if (!F->Pc || !F->vc) return hr_err(HR_ENOMEM, "out of memory");
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
    int st = batch && !used ? hr_err(HR_ENOMEM, "out of memory") : HR_OK;
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
    if (region >= s->nreg) return hr_err(HR_EINVAL, "no region %zu", region);
    *r = &s->reg[region];
    const double *ld = series_col_get(*r, "load_mw");
    if (!ld) return hr_err(HR_ENOTFOUND, "region '%s' has no load", (*r)->name);
    size_t last = (*r)->n;
    while (last > 0 && isnan(ld[last - 1])) last--;
    if (last == 0) return hr_err(HR_EDATA, "region '%s' has no load", (*r)->name);
    *o = last;
    return HR_OK;
}

int hr_model_forecast(const hr_model *m, const hr_series *s, size_t region, size_t horizon,
                      const double *levels, size_t nlevels, hr_forecast_buf *out)
{
    hr_err_clear();
    if (!m || !s || !out || !out->mean || horizon == 0 || out->cap < horizon ||
        (nlevels && !levels))
        return hr_err(HR_EINVAL, "hr_model_forecast: invalid argument");
    for (size_t j = 0; j < nlevels; j++)
        if (!(levels[j] > 0 && levels[j] < 100))
            return hr_err(HR_EINVAL, "interval level %g is not in (0, 100)", levels[j]);
    const series_region *r;
    size_t o;
    int st = target(m, s, region, &r, &o);
    if (st) return st;
    double *var = mem_array(horizon, sizeof(double));
    if (!var) return hr_err(HR_ENOMEM, "out of memory");
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
    hr_err_clear();
    if (!m || !s || !paths || horizon == 0 || npaths == 0)
        return hr_err(HR_EINVAL, "hr_model_simulate: invalid argument");
    const series_region *r;
    size_t o;
    int st = target(m, s, region, &r, &o);
    if (st) return st;
    double *mu = mem_array(horizon, sizeof(double));
    if (!mu) return hr_err(HR_ENOMEM, "out of memory");
    st = regression_mean(m, r, NULL, o, o + horizon, o, mu);
    int direct = 0;
    if (!st && m->sp->errors.kind == SPEC_ERR_DIRECT) {
        st = direct_at(m, r, NULL, o, 0, horizon, npaths, seed, paths, NULL, &direct, NULL, NULL,
                       NULL, NULL);
        for (size_t j = 0; !st && direct && j < npaths; j++)
            for (size_t k = 0; k < horizon; k++) paths[j * horizon + k] += mu[k];
    }
    if (st || direct) {
        /* failed, or the direct errors answered */
    } else if (m->has_arima) {
        arima_fit *af = NULL;
        double prof[24], *em = mem_array(horizon, sizeof(double));
        if (!em) st = hr_err(HR_ENOMEM, "out of memory");
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
