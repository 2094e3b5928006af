/* backtest.c — rolling-origin evaluation of a model against the seasonal
 * naive baselines and the balancing authority's own forecast, on exactly the
 * same hours: hr_backtest_run and its accessors, hr_metrics.
 *
 * Metrics follow Hyndman & Athanasopoulos, "Forecasting: Principles and
 * Practice" (3rd ed.), ch. 5.8-5.9: MASE scaled by the in-sample
 * seasonal-naive (m = 168) MAE of the training window (per origin, via prefix
 * sums); Winkler (1972) score of the 95 % interval; pinball loss averaged
 * over the 99 quantiles 0.01..0.99 of the Gaussian predictive distribution.
 *
 * Origins are grouped in refit blocks of refit_every origins; a block fits
 * the model on the hours before its first origin and forecasts every origin
 * in it with the parameters fixed (the ARIMA state is brought up to each
 * origin: model_fc_at). Blocks run in parallel threads and write disjoint
 * slots; scoring is serial, so the result does not depend on the thread
 * count. No forecast reads load at or after its origin (model_fc_at and
 * model_forecast_at filter the errors only up to it).
 *
 * Cost: the design matrix of the whole region is built once (model_ws) and
 * the normal equations of the growing training window are extended block
 * by block (model_gram: each hour is summed once, not once per refit). To
 * keep the result independent of the threads, a worker that skips blocks
 * still extends its Gram matrix through every block's end in order. */
#include "time/calendar.h"
#include "model/direct.h"
#include "util/error.h"
#include "util/mem.h"
#include "model/model.h"
#include "ingest/series.h"
#include "model/spec.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { M_MODEL = 0, M_SNAIVE24, M_SNAIVE168, M_BA, M_N };
static const char *const model_names_base[M_N] = {NULL, "snaive24", "snaive168", "ba_forecast"};

void hr_backtest_opts_init(hr_backtest_opts *o)
{
    if (!o) return; /* documented no-op */
    memset(o, 0, sizeof *o);
    hr_fit_opts_init(&o->fit);
    o->start_utc = INT64_MIN;
    o->origins = 1;
    o->step = 24;
    o->horizon = 24;
    o->refit_every = 7;
    o->threads = 2;
}

struct hr_backtest {
    char model_name[64];
    size_t nrow;
    hr_backtest_row *rows;
    size_t nhour;
    hr_backtest_hour *hours;
};

void hr_backtest_free(hr_backtest *b)
{
    if (!b) return;
    mem_free(b->rows);
    mem_free(b->hours);
    mem_free(b);
}

size_t hr_backtest_row_count(const hr_backtest *b) { return b ? b->nrow : 0; }
size_t hr_backtest_hour_count(const hr_backtest *b) { return b ? b->nhour : 0; }

int hr_backtest_row_get(const hr_backtest *b, size_t i, hr_backtest_row *row)
{
    err_clear();
    if (!b || !row || i >= b->nrow) return err_set(HR_EINVAL, "hr_backtest_row_get: no row %zu", i);
    *row = b->rows[i];
    return HR_OK;
}

int hr_backtest_hour_get(const hr_backtest *b, size_t i, hr_backtest_hour *h)
{
    err_clear();
    if (!b || !h || i >= b->nhour) return err_set(HR_EINVAL, "hr_backtest_hour_get: no hour %zu", i);
    *h = b->hours[i];
    return HR_OK;
}

/* ------------------------------------------------------------------ metrics */

typedef struct {
    size_t n;
    double abs, sq, ape, scaled, c80, c95, wink, pin;
} acc;

/* z_q of the 99 quantiles 0.01..0.99 and the 80 / 95 % half-widths. */
typedef struct {
    double zq[99];
    double z80, z95;
} zs;

static void zs_init(zs *z)
{
    for (int i = 0; i < 99; i++) z->zq[i] = arima_qnorm((i + 1) / 100.0);
    z->z80 = arima_qnorm(0.9);
    z->z95 = arima_qnorm(0.975);
}

static void acc_add(acc *a, const zs *z, double y, double f, double sd, double scale)
{
    double e = y - f;
    a->n++;
    a->abs += fabs(e);
    a->sq += e * e;
    a->ape += fabs(e) / fabs(y);
    a->scaled += fabs(e) / scale;
    double lo80 = f - z->z80 * sd, hi80 = f + z->z80 * sd;
    double lo95 = f - z->z95 * sd, hi95 = f + z->z95 * sd;
    a->c80 += (y >= lo80 && y <= hi80);
    a->c95 += (y >= lo95 && y <= hi95);
    /* Winkler (1972): width + (2/alpha) * distance outside, alpha = 0.05. */
    double w = hi95 - lo95;
    if (y < lo95) w += (2 / 0.05) * (lo95 - y);
    if (y > hi95) w += (2 / 0.05) * (y - hi95);
    a->wink += w;
    double pl = 0;
    for (int i = 0; i < 99; i++) {
        double q = (i + 1) / 100.0, qf = f + z->zq[i] * sd;
        pl += y >= qf ? q * (y - qf) : (1 - q) * (qf - y);
    }
    a->pin += pl / 99;
}

static void acc_row(const acc *a, hr_backtest_row *r)
{
    double n = (double)a->n;
    r->n = a->n;
    if (a->n == 0) {
        r->mae = r->rmse = r->mape = r->mase = r->coverage80 = r->coverage95 = r->winkler95 =
            r->pinball = NAN;
        return;
    }
    r->mae = a->abs / n;
    r->rmse = sqrt(a->sq / n);
    r->mape = 100 * a->ape / n;
    r->mase = a->scaled / n;
    r->coverage80 = a->c80 / n;
    r->coverage95 = a->c95 / n;
    r->winkler95 = a->wink / n;
    r->pinball = a->pin / n;
}

int hr_metrics(const double *actual, const double *mean, const double *sd, const double *scale,
               size_t n, hr_backtest_row *row)
{
    err_clear();
    if (!actual || !mean || !sd || !row) return err_set(HR_EINVAL, "hr_metrics: NULL argument");
    zs z;
    zs_init(&z);
    acc a;
    memset(&a, 0, sizeof a);
    for (size_t i = 0; i < n; i++) {
        if (isnan(actual[i]) || isnan(mean[i]) || isnan(sd[i]) || actual[i] == 0) continue;
        acc_add(&a, &z, actual[i], mean[i], sd[i], scale ? scale[i] : NAN);
    }
    memset(row, 0, sizeof *row);
    row->model = "";
    acc_row(&a, row);
    if (!scale) row->mase = NAN;
    return HR_OK;
}

/* ----------------------------------------------------------------- backtest */

typedef struct {
    const series_region *r;
    const spec *sp;
    const hr_backtest_opts *o;
    const model_ws *ws;      /* the region's design, or NULL               */
    int use_gram;            /* the window grows from a fixed start        */
    model_gram *gram0;       /* the calling thread's Gram (the caller's)   */
    size_t gblock0;          /* blocks gram0 has been extended through     */
    const size_t *origin;    /* [norig] grid index of each origin */
    size_t norig, nblock, from_min;
    double *mean, *var;      /* [norig * horizon] model forecasts */
    pthread_mutex_t lock;
    size_t next;             /* next block to take                  */
    int status;              /* first failure (lowest block)        */
    size_t nfallback, fb_block; /* refits whose ARIMA fell back; lowest */
    char fallback[256];      /* the lowest such block's note         */
    size_t fail_block;
    char msg[512];
} job;

/* Extend g through the ends of blocks *done .. b-1 in order (the canonical
 * sums: the same G whichever worker gets there). */
static int gram_through(const job *J, model_gram *g, size_t *done, size_t b)
{
    for (; *done < b; (*done)++) {
        size_t end = J->origin[*done * J->o->refit_every];
        const model_ws *ws = model_ws_for(J->ws, J->r, J->sp, J->from_min, end);
        int st = model_gram_extend(ws, g, J->from_min, end);
        if (st) return st;
    }
    return HR_OK;
}

static void run_block(job *J, size_t b, model_gram *g, size_t *gdone)
{
    const hr_backtest_opts *o = J->o;
    size_t k0 = b * o->refit_every, k1 = k0 + o->refit_every;
    if (k1 > J->norig) k1 = J->norig;
    size_t end = J->origin[k0];
    size_t from = J->from_min;
    if (o->window && end > o->window && end - o->window > from) from = end - o->window;
    hr_model *m = NULL;
    model_fc *F = NULL;
    int st = J->use_gram ? gram_through(J, g, gdone, b) : HR_OK;
    /* (no standard errors, the regression from its Gram matrix: only the
     * forecasts are scored) */
    if (!st)
        st = model_fit_range_ws(J->r, J->sp, &o->fit, from, end, J->ws, J->use_gram ? g : NULL,
                                MODEL_REFIT, &m);
    /* g ends at this block's end as gram_through would leave it (a no-op
     * when the fit extended it), so the chain is the same in every thread */
    if (!st && J->use_gram) st = gram_through(J, g, gdone, b + 1);
    if (!st && m->fallback && m->fallback[0]) {
        pthread_mutex_lock(&J->lock);
        if (!J->nfallback || b < J->fb_block) {
            J->fb_block = b;
            snprintf(J->fallback, sizeof J->fallback, "%s", m->fallback);
        }
        J->nfallback++;
        pthread_mutex_unlock(&J->lock);
    }
    if (!st) st = model_fc_new(m, J->r, o->fit.tzdir, J->ws, &F);
    if (!st)
        st = model_fc_many(F, J->origin + k0, k1 - k0, o->lead, o->horizon, J->mean + k0 * o->horizon,
                           J->var + k0 * o->horizon);
    model_fc_free(F);
    hr_model_free(m);
    if (st) {
        pthread_mutex_lock(&J->lock);
        if (!J->status || b < J->fail_block) {
            char ts[21];
            cal_format_utc(J->r->t0 + 3600 * (int64_t)J->origin[k0], ts);
            J->status = st;
            J->fail_block = b;
            snprintf(J->msg, sizeof J->msg, "region '%s', origin %s: %s", J->r->name, ts,
                     hr_last_error());
        }
        pthread_mutex_unlock(&J->lock);
    }
}

static void worker_run(job *J, model_gram *g, size_t *gdone)
{
    for (;;) {
        pthread_mutex_lock(&J->lock);
        size_t b = J->next++;
        pthread_mutex_unlock(&J->lock);
        if (b >= J->nblock) break;
        run_block(J, b, g, gdone);
    }
}

static void *worker(void *arg)
{
    job *J = arg;
    model_gram g = {0};
    size_t done = 0;
    worker_run(J, &g, &done);
    model_gram_free(&g);
    return NULL;
}

/* A plausible BA forecast: within a factor 2 of the median load of the week
 * before the origin (EIA-930's forecasts are unscreened: PJM's of July 2015
 * is 40 % of actual). The actual of the scored hour is not looked at. */
static double week_median(const double *y, size_t o)
{
    double w[168];
    size_t n = 0;
    for (size_t k = o >= 168 ? o - 168 : 0; k < o; k++)
        if (!isnan(y[k])) w[n++] = y[k];
    if (!n) return NAN;
    /* insertion sort: 168 values */
    for (size_t i = 1; i < n; i++) {
        double v = w[i];
        size_t j = i;
        while (j > 0 && w[j - 1] > v) w[j] = w[j - 1], j--;
        w[j] = v;
    }
    return w[n / 2];
}

int hr_backtest_run(const hr_series *s, size_t region, const hr_backtest_opts *o, hr_backtest **out)
{
    return backtest_run_ws(s, region, o, NULL, NULL, out);
}

int backtest_run_ws(const hr_series *s, size_t region, const hr_backtest_opts *o,
                    const model_ws *ws_in, model_gram *g_out, hr_backtest **out)
{
    err_clear();
    if (!s || !o || !out) return err_set(HR_EINVAL, "hr_backtest_run: NULL argument");
    *out = NULL;
    if (region >= s->nreg) return err_set(HR_EINVAL, "hr_backtest_run: no region %zu", region);
    if (o->origins == 0 || o->horizon == 0 || o->step == 0 || o->refit_every == 0)
        return err_set(HR_EINVAL, "backtest: origins, step, horizon and refit-every must be >= 1");
    /* No grid is longer than ~340 years of hours (ingest): larger offsets are
     * misuse, and the bound keeps origin + lead + horizon from overflowing. */
    const size_t lim = 3000000;
    if (o->origins > lim || o->step > lim || o->lead > lim || o->horizon > lim ||
        (o->origins - 1) * o->step > lim)
        return err_set(HR_EINVAL, "backtest: origins %zu, step %zu, lead %zu or horizon %zu reach "
                                 "beyond any hourly grid (%zu hours)",
                      o->origins, o->step, o->lead, o->horizon, lim);
    if (o->start_utc == INT64_MIN) return err_set(HR_EINVAL, "hr_backtest: the start_utc option is required");
    const series_region *r = &s->reg[region];
    const double *y = series_col_get(r, "load_mw");
    if (!y || !r->flag) return err_set(HR_ENOTFOUND, "region '%s' has no load", r->name);
    const double *fc = series_col_get(r, "forecast_mw");
    if (o->start_utc % 3600 != 0) return err_set(HR_EINVAL, "hr_backtest: the start_utc option must be on the hour");
    int64_t d0 = (o->start_utc - r->t0) / 3600;
    size_t first = 0;
    while (first < r->n && isnan(y[first])) first++;
    if (d0 < (int64_t)first + 168 + 48)
        return err_set(HR_EDATA, "region '%s': first origin leaves less than 216 hours of training data",
                      r->name);
    if (d0 > (int64_t)r->n)
        return err_set(HR_EDATA, "region '%s': first origin is after the end of the data", r->name);
    if (d0 + (int64_t)((o->origins - 1) * o->step) > (int64_t)r->n)
        return err_set(HR_EDATA, "region '%s': origin %zu of %zu is after the end of the data", r->name,
                      (size_t)(((int64_t)r->n - d0) / (int64_t)o->step) + 2, o->origins);

    spec *sp = NULL;
    hr_fit_opts fo = o->fit;
    int st = model_spec_for(&fo, &sp);
    if (st) return st;

    size_t H = o->horizon, N = o->origins;
    size_t *origin = mem_array(N, sizeof(size_t));
    double *mean = mem_array(N * H, sizeof(double));
    double *var = mem_array(N * H, sizeof(double));
    hr_backtest *b = mem_calloc(1, sizeof *b);
    double *csum = NULL;
    acc *A = NULL;
    model_ws *ws_own = NULL;
    model_gram g_own = {0};
    if (!origin || !mean || !var || !b) {
        st = err_set(HR_ENOMEM, "out of memory");
        goto done;
    }
    snprintf(b->model_name, sizeof b->model_name, "%s", sp->name);
    for (size_t k = 0; k < N; k++) origin[k] = (size_t)d0 + k * o->step;

    /* The region's design once: from a window's length before the first
     * origin (the error window of the first forecasts) to the last
     * forecast hour. A spec it cannot serve (load lags) gets NULL; one it
     * fails on for another reason than memory is left to the per-fit path,
     * which reports that failure as before. */
    const model_ws *ws = ws_in;
    if (!ws) {
        size_t back = 2016;
        if (o->fit.arima_window != (size_t)-1 && o->fit.arima_window > back) back = o->fit.arima_window;
        if (sp->arima_window > back) back = sp->arima_window;
        /* the direct errors' training days reach years back */
        if (sp->errors.kind == SPEC_ERR_DIRECT) {
            size_t dh = direct_history(o->lead, H, (size_t)sp->errors.days);
            if (dh > back) back = dh;
        }
        size_t lo = origin[0] > back ? origin[0] - back : 0, hi = origin[N - 1] + o->lead + H;
        if (lo > first) lo = first;
        if (hi < r->n) hi = r->n;
        st = model_ws_new(r, sp, o->fit.tzdir, lo, hi, &ws_own);
        /* windows shorter than a year fit the spec without its annual terms */
        if (!st && origin[0] < first + ANNUAL_MIN_HOURS + 168)
            st = model_ws_add_reduced(ws_own, sp, o->fit.tzdir);
        if (st == HR_ENOMEM) goto done;
        if (st) err_clear();
        ws = ws_own;
    }

    /* Model forecasts, blocks in parallel. */
    job J = {.r = r, .sp = sp, .o = o, .ws = ws, .origin = origin, .norig = N,
             .nblock = (N + o->refit_every - 1) / o->refit_every, .from_min = first,
             .mean = mean, .var = var};
    J.use_gram = ws && !o->window && !sp->window && ws->base <= first;
    J.gram0 = g_out ? g_out : &g_own;
    if (g_out) model_gram_free(g_out);
    pthread_mutex_init(&J.lock, NULL);
    int nth = o->threads > 0 ? o->threads : 1;
    if ((size_t)nth > J.nblock) nth = (int)J.nblock;
    pthread_t th[64];
    if (nth > 64) nth = 64;
    int started = 0;
    for (int i = 1; i < nth; i++)
        if (pthread_create(&th[i], NULL, worker, &J) == 0) started++;
        else break;
    worker_run(&J, J.gram0, &J.gblock0);
    for (int i = 1; i <= started; i++) pthread_join(th[i], NULL);
    pthread_mutex_destroy(&J.lock);
    if (J.status) {
        st = err_set(J.status, "%s", J.msg);
        goto done;
    }
    if (J.nfallback && o->fit.log) { /* on the calling thread, after the join */
        char msg[512];
        snprintf(msg, sizeof msg, "backtest of region '%s': %zu of %zu refits fell back (first: %s)",
                 r->name, J.nfallback, J.nblock, J.fallback);
        o->fit.log(1, msg, o->fit.log_ud);
    }
    /* The caller's Gram ends at the last block's end, by the canonical steps. */
    if (g_out && J.use_gram) {
        st = gram_through(&J, g_out, &J.gblock0, J.nblock);
        if (st) goto done;
    } else if (g_out) {
        model_gram_free(g_out);
    }

    /* Prefix sums over the cleaned load for the per-origin MASE scale and
     * the seasonal-naive in-sample variances: |y_t - y_{t-168}|,
     * (y_t - y_{t-24})^2, (y_t - y_{t-168})^2 and counts. */
    size_t n = r->n;
    csum = mem_calloc(6 * (n + 1), sizeof(double));
    if (!csum) {
        st = err_set(HR_ENOMEM, "out of memory");
        goto done;
    }
    double *pa168 = csum, *pc168 = csum + (n + 1), *p24 = csum + 2 * (n + 1),
           *pc24 = csum + 3 * (n + 1), *p168 = csum + 4 * (n + 1), *pc2 = csum + 5 * (n + 1);
    for (size_t t = 0; t < n; t++) {
        double a = 0, c = 0, q24 = 0, c24 = 0, q168 = 0;
        if (t >= 168 && !isnan(y[t]) && !isnan(y[t - 168])) {
            double d = y[t] - y[t - 168];
            a = fabs(d), c = 1, q168 = d * d;
        }
        if (t >= 24 && !isnan(y[t]) && !isnan(y[t - 24])) {
            double d = y[t] - y[t - 24];
            q24 = d * d, c24 = 1;
        }
        pa168[t + 1] = pa168[t] + a;
        pc168[t + 1] = pc168[t] + c;
        p24[t + 1] = p24[t] + q24;
        pc24[t + 1] = pc24[t] + c24;
        p168[t + 1] = p168[t] + q168;
        pc2[t + 1] = pc2[t] + c;
    }

    size_t nrow_per = o->by_horizon ? 1 + H : 1;
    A = mem_calloc(M_N * nrow_per, sizeof(acc));
    if (!A) {
        st = err_set(HR_ENOMEM, "out of memory");
        goto done;
    }
    int has_ba = fc != NULL;
    if (o->keep_hours) {
        b->hours = mem_array(N * H * (has_ba ? 4 : 3), sizeof(hr_backtest_hour));
        if (!b->hours) {
            st = err_set(HR_ENOMEM, "out of memory");
            goto done;
        }
    }
    zs z;
    zs_init(&z);
    size_t excluded = 0;
    for (size_t k = 0; k < N; k++) {
        size_t oi = origin[k];
        size_t from = first;
        if (o->window && oi > o->window && oi - o->window > from) from = oi - o->window;
        double scale = pa168[oi] - pa168[from], cnt = pc168[oi] - pc168[from];
        scale = cnt > 0 ? scale / cnt : NAN;
        double c24 = pc24[oi] - pc24[from > 24 ? from : 24];
        double sd24 = c24 > 0 ? sqrt((p24[oi] - p24[from > 24 ? from : 24]) / c24) : NAN;
        double c168 = pc2[oi] - pc2[from];
        double sd168 = c168 > 0 ? sqrt((p168[oi] - p168[from]) / c168) : NAN;
        /* BA forecast error spread over the 8 weeks before the origin. */
        double ba_sd = NAN, level = NAN;
        if (has_ba) {
            double ss = 0;
            size_t cn = 0;
            for (size_t t = oi >= 1344 ? oi - 1344 : 0; t < oi; t++)
                if (!isnan(fc[t]) && !isnan(y[t]) && r->flag[t] == HR_FLAG_OKAY) {
                    double d = y[t] - fc[t];
                    if (fabs(d) < 0.5 * y[t]) ss += d * d, cn++;
                }
            ba_sd = cn > 24 ? sqrt(ss / (double)cn) : NAN;
            level = week_median(y, oi);
        }
        for (size_t j = 0; j < H; j++) {
            size_t t = oi + o->lead + j;
            double f[M_N], sd[M_N];
            f[M_MODEL] = mean[k * H + j];
            sd[M_MODEL] = sqrt(var[k * H + j]);
            size_t ahead = t - oi + 1;
            size_t k24 = (ahead + 23) / 24, k168 = (ahead + 167) / 168;
            f[M_SNAIVE24] = y[t - 24 * k24];
            sd[M_SNAIVE24] = sd24 * sqrt((double)k24);
            f[M_SNAIVE168] = t >= 168 * k168 ? y[t - 168 * k168] : NAN;
            sd[M_SNAIVE168] = sd168 * sqrt((double)k168);
            f[M_BA] = NAN;
            sd[M_BA] = ba_sd;
            int ok = t < n && !isnan(y[t]) && r->flag[t] == HR_FLAG_OKAY && y[t] != 0 &&
                     !isnan(scale) && scale > 0;
            if (ok && has_ba) {
                double v = fc[t];
                if (isnan(v) || isnan(level) || v < 0.5 * level || v > 2 * level || isnan(ba_sd))
                    ok = 0;
                else
                    f[M_BA] = v;
            }
            int nm = has_ba ? M_N : M_BA;
            for (int mi = 0; mi < nm && ok; mi++)
                if (isnan(f[mi]) || isnan(sd[mi])) ok = 0;
            if (!ok) {
                excluded++;
                continue;
            }
            for (int mi = 0; mi < nm; mi++) {
                acc_add(&A[mi * nrow_per], &z, y[t], f[mi], sd[mi], scale);
                if (o->by_horizon) acc_add(&A[mi * nrow_per + 1 + j], &z, y[t], f[mi], sd[mi], scale);
                if (o->keep_hours) {
                    hr_backtest_hour *hh = &b->hours[b->nhour++];
                    hh->model = mi == M_MODEL ? b->model_name : model_names_base[mi];
                    hh->origin_utc = r->t0 + 3600 * (int64_t)oi;
                    hh->t_utc = r->t0 + 3600 * (int64_t)t;
                    hh->actual = y[t];
                    hh->mean = f[mi];
                    hh->lo80 = f[mi] - z.z80 * sd[mi];
                    hh->hi80 = f[mi] + z.z80 * sd[mi];
                    hh->lo95 = f[mi] - z.z95 * sd[mi];
                    hh->hi95 = f[mi] + z.z95 * sd[mi];
                }
            }
        }
    }
    int nm = has_ba ? M_N : M_BA;
    b->rows = mem_calloc((size_t)nm * nrow_per, sizeof(hr_backtest_row));
    if (!b->rows) {
        st = err_set(HR_ENOMEM, "out of memory");
        goto done;
    }
    for (int mi = 0; mi < nm; mi++)
        for (size_t h = 0; h < nrow_per; h++) {
            hr_backtest_row *row = &b->rows[b->nrow++];
            acc_row(&A[mi * nrow_per + h], row);
            row->model = mi == M_MODEL ? b->model_name : model_names_base[mi];
            row->horizon = (int)h;
            row->excluded = excluded;
        }
    st = HR_OK;
done:
    if (st && g_out) model_gram_free(g_out);
    model_gram_free(&g_own);
    model_ws_free(ws_own);
    mem_free(A);
    mem_free(csum);
    mem_free(origin);
    mem_free(mean);
    mem_free(var);
    spec_free(sp);
    if (st) {
        hr_backtest_free(b);
        return st;
    }
    *out = b;
    err_clear(); /* recovered internal failures of the refits leave no message */
    return HR_OK;
}
