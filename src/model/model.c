/* model.c — fitted forecasting models: a regression on the terms of a
 * specification (design.c, regress.c) with optional seasonal ARIMA errors
 * (src/arima), or a pure ARIMA. Exports the public hr_fit_opts_init,
 * hr_model_fit, hr_model_info_get, hr_model_coef,
 * hr_model_free, and the internal model_fit_range / model_fit_ws used by
 * the backtest. The workspace is in model_ws.c, forecasts from one origin
 * (with hr_model_forecast, hr_model_simulate) in model_forecast.c, from
 * many origins in model_fc.c, saving and loading in model_io.c.
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
/* hr_fit_opts' no_mean and drift on a spec from text or a file */
static int spec_opts_apply(const hr_fit_opts *o, int st, spec **out)
{
    if (st || !(o->no_mean || o->drift)) return st;
    spec *sp = *out;
    sp->no_mean |= o->no_mean;
    if (o->drift) {
        if (sp->errors.kind != SPEC_ERR_ARIMA || sp->errors.d + sp->errors.D != 1) {
            spec_free(sp);
            *out = NULL;
            return err_set(HR_EINVAL, "drift needs ARIMA errors with d + D = 1");
        }
        sp->drift = 1;
    }
    return HR_OK;
}

int model_spec_for(const hr_fit_opts *o, spec **out)
{
    char buf[256];
    if (o->spec_text)
        return spec_opts_apply(o, spec_parse(o->spec_text, strlen(o->spec_text), "spec", out), out);
    const char *name = o->model ? o->model : "calendar";
    if (!strcmp(name, "arima")) {
        const int *r = o->order;
        static const int hi[7] = { SPEC_MAX_PQ, 3, SPEC_MAX_PQ, SPEC_MAX_SPQ, 2, SPEC_MAX_SPQ, 10000 };
        for (int i = 0; i < 7; i++)
            if (r[i] < (i == 6) || r[i] > hi[i])
                return err_set(HR_EINVAL, "arima: order[%d] = %d is out of range %d..%d", i, r[i],
                              i == 6, hi[i]);
        if (o->drift && r[1] + r[4] != 1)
            return err_set(HR_EINVAL, "arima: drift needs d + D = 1 (order[1] + order[4] = %d)",
                          r[1] + r[4]);
        snprintf(buf, sizeof buf, "name arima\nerrors arima %d %d %d %d %d %d %d\n%s%s", r[0], r[1],
                 r[2], r[3], r[4], r[5], r[6], o->no_mean ? "mean none\n" : "",
                 o->drift ? "drift yes\n" : "");
        int st = spec_parse(buf, strlen(buf), "arima", out);
        /* the caller's order, not a file, is at fault */
        return st == HR_EFORMAT ? err_prefix(HR_EINVAL, "arima: order out of range") : st;
    }
    if (!strcmp(name, "auto-arima")) {
        if (o->season < 1) return err_set(HR_EINVAL, "auto-arima: season must be >= 1");
        if (o->drift) return err_set(HR_EINVAL, "auto-arima: drift is chosen by the search (drift needs \"arima\")");
        snprintf(buf, sizeof buf, "name auto-arima\nerrors auto-arima %d\n%s", o->season,
                 o->no_mean ? "mean none\n" : "");
        return spec_parse(buf, strlen(buf), "auto-arima", out);
    }
    return spec_opts_apply(o, spec_load(name, o->models_dir, out), out);
}

/* log transform of a load vector in place ('transform log'): log(y) for
 * y > 0, NaN otherwise (a missing hour to the Kalman filter). */
static void to_log(double *y, size_t n)
{
    for (size_t k = 0; k < n; k++) y[k] = y[k] > 0 ? log(y[k]) : NAN;
}

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
    if (m->sp->var_hourly) model_hour_profile(ew, w, hour_of(r, a0), prof);
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
    err_clear(); /* a skipped pseudo-origin is not an error of the fit */
    return cnt >= 12 * (CAL_LEADS - CAL_LEAD0) ? ss / (double)cnt : 1.0;
}

/* Copy the design names into m. */
static int take_names(hr_model *m, const design_matrix *dm)
{
    m->feat = mem_calloc(dm->p ? dm->p : 1, sizeof(char *));
    if (!m->feat) return err_set(HR_ENOMEM, "out of memory");
    m->p = dm->p; /* only now: hr_model_free walks feat[0..p) */
    for (size_t j = 0; j < dm->p; j++) {
        m->feat[j] = mem_strdup(dm->names[j]);
        if (!m->feat[j]) return err_set(HR_ENOMEM, "out of memory");
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
    o->include_mean = (!has_terms || sp->error_mean) && !sp->no_mean && o->d + o->D == 0;
    o->include_drift = sp->drift && o->d + o->D == 1;
    o->method = method == HR_METHOD_ML ? ARIMA_ML : method == HR_METHOD_CSS ? ARIMA_CSS : ARIMA_CSS_ML;
}

/* Append msg to the model's fallback report ("; "-separated). */
static int note_append(hr_model *m, const char *msg)
{
    size_t a = m->fallback ? strlen(m->fallback) : 0, b = strlen(msg);
    char *f = mem_alloc(a + b + 3);
    if (!f) return err_set(HR_ENOMEM, "out of memory");
    snprintf(f, a + b + 3, "%s%s%s", a ? m->fallback : "", a ? "; " : "", msg);
    mem_free(m->fallback);
    m->fallback = f;
    return HR_OK;
}

/* Store the ARIMA fit's coefficients and statistics in m. */
static int take_arima(hr_model *m, const arima_fit *af)
{
    m->has_arima = 1;
    m->order = arima_fit_order(af);
    size_t nc = arima_coef_count(af);
    m->cname = mem_calloc(nc ? nc : 1, sizeof(char *));
    m->coef = mem_array(nc ? nc : 1, sizeof(double));
    m->coef_se = mem_array(nc ? nc : 1, sizeof(double));
    if (!m->cname || !m->coef || !m->coef_se) return err_set(HR_ENOMEM, "out of memory");
    m->ncoef = nc; /* only now: hr_model_free walks cname[0..ncoef) */
    for (size_t i = 0; i < m->ncoef; i++) {
        m->cname[i] = mem_strdup(arima_coef_name(af, i));
        if (!m->cname[i]) return err_set(HR_ENOMEM, "out of memory");
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
    if (st == HR_ENOMEM && !hr_last_error()[0]) err_set(HR_ENOMEM, "out of memory");
    mem_free(col);
    mem_free(yw);
    mem_free(X);
    return st;
}

static int fit_range(const series_region *r, const spec *sp_in, const hr_fit_opts *o, size_t from,
                     size_t to, const model_ws *ws, model_gram *gram, int std_errors,
                     hr_model **out)
{
    *out = NULL;
    double t_start = cal_monotonic_seconds();
    const double *load = series_col_get(r, "load_mw");
    if (!load) return err_set(HR_ENOTFOUND, "region '%s' has no load", r->name);
    if (to > r->n) to = r->n;
    /* 'window H' of the spec: only the newest H hours. */
    if (sp_in->window && to > from + sp_in->window) from = to - sp_in->window;
    /* Trim the window to the hours with load. */
    while (from < to && isnan(load[from])) from++;
    while (to > from && isnan(load[to - 1])) to--;
    if (to - from < 48)
        return err_set(HR_EDATA, "region '%s': %zu hours of load in the training window (need >= 48)",
                      r->name, to - from);

    hr_model *m = mem_calloc(1, sizeof *m);
    if (!m) return err_set(HR_ENOMEM, "out of memory");
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
    /* Before any design is built: a few bytes of spec may ask for thousands
     * of columns, which the rows could not estimate anyway. */
    if (design_width(m->sp) > n) {
        st = err_set(HR_ESINGULAR, "region '%s': model '%s' has more design columns (%zu) than hours in the training window (%zu)",
                    r->name, m->name, design_width(m->sp), n);
        goto fail;
    }
    /* The region's workspace, when it has these rows: its design and
     * transformed load instead of building them (same values). */
    if (reduced) ws = ws ? ws->reduced : NULL; /* the design of the reduced spec */
    const int use_ws = model_ws_covers(ws, r, m->sp, from, to);
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
            st = model_gram_for(ws, gram, from, to, &G);
            if (st) goto fail;
            dX = ws->dm.X + (from - ws->base);
            ld = ws->n;
            yhat = mem_array(n, sizeof(double));
            if (!yhat) { st = err_set(HR_ENOMEM, "out of memory"); goto fail; }
            regress_opts ro;
            regress_opts_init(&ro);
            ro.gram_only = std_errors == MODEL_REFIT;
            st = regress_fit_ld(dX, ld, n, ws->p, e, G, G ? G + ws->p * ws->p : NULL, &ro, &rf, yhat);
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
        if (!m->beta || !m->beta_se) { mem_free(yhat); st = err_set(HR_ENOMEM, "out of memory"); goto fail; }
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
            if (!yhat) { st = err_set(HR_ENOMEM, "out of memory"); goto fail; }
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
        ao.std_errors = std_errors > 0;
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
            if (m->sp->no_mean) auo.allow_mean = auo.allow_drift = 0; /* auto.arima(allow.mean = FALSE, allow.drift = FALSE) */
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
    if (st == HR_ENOMEM && !hr_last_error()[0]) err_set(HR_ENOMEM, "out of memory");
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
    err_clear();
    if (!s || !out) return err_set(HR_EINVAL, "hr_model_fit: NULL argument");
    *out = NULL;
    if (region >= s->nreg) return err_set(HR_EINVAL, "hr_model_fit: no region %zu", region);
    hr_fit_opts def;
    if (!o) {
        hr_fit_opts_init(&def);
        o = &def;
    }
    if (o->method < HR_METHOD_CSS_ML || o->method > HR_METHOD_CSS)
        return err_set(HR_EINVAL, "hr_model_fit: method %d is not an HR_METHOD_*", o->method);
    spec *sp = NULL;
    int st = model_spec_for(o, &sp);
    if (st) return st;
    const series_region *r = &s->reg[region];
    size_t from, to;
    window_of(r, o->from_utc, o->to_utc, &from, &to);
    st = fit_range(r, sp, o, from, to, ws, g, std_errors, out);
    spec_free(sp);
    if (st == HR_OK) {
        err_clear(); /* recovered internal failures leave no message */
        if (o->log && (*out)->fallback && (*out)->fallback[0]) {
            char msg[512];
            snprintf(msg, sizeof msg, "region '%s', model '%s': %s", r->name, (*out)->name,
                     (*out)->fallback);
            o->log(1, msg, o->log_ud);
        }
        /* a fit without a clean optimum says so in its note (fallback) */
        if (o->log && !(*out)->converged &&
            !((*out)->fallback && strstr((*out)->fallback, "no clean optimum"))) {
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
    err_clear();
    if (!m || !info) return err_set(HR_EINVAL, "hr_model_info_get: NULL argument");
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
    err_clear();
    if (!m) return err_set(HR_EINVAL, "hr_model_coef: NULL model");
    if (i < m->p) {
        if (name) *name = m->feat[i];
        if (value) *value = m->beta[i];
        if (se) *se = m->beta_se ? m->beta_se[i] : NAN;
        return HR_OK;
    }
    i -= m->p;
    if (i >= m->ncoef) return err_set(HR_EINVAL, "hr_model_coef: index out of range");
    if (name) *name = m->cname[i];
    if (value) *value = m->coef[i];
    if (se) *se = m->coef_se ? m->coef_se[i] : NAN;
    return HR_OK;
}
