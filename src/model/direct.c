/* direct.c — direct per-lead forecasts of regression residuals (see direct.h). */
#include "model/direct.h"

#include <math.h>
#include <string.h>

#include "util/error.h"
#include "stats/linalg.h"
#include "util/mem.h"
#include "util/rng.h"

/* NF features on the load alone; NFO with the operator's forecast. */
enum { NF = 9, NFO = 11, BACK = 168 };

/* Training-day weights (see direct.h): a Gaussian in the distance, in days,
 * between the training day and the origin's date in any year, of standard
 * deviation KERNEL_BW days unless that leaves under KERNEL_MASS days of
 * total weight (short histories: the kernel widens, by steps of 15 %, until
 * it does, tending to equal weights), times exp(-age / AGE_TAU); weights
 * under WMIN are 0 (their days are skipped). A kernel in the season is
 * local regression in the day of year (Cleveland & Devlin 1988, JASA
 * 83:596) with a nearest-neighbour style bandwidth. Chosen on the day-ahead
 * backtests of bench/skill.md, where the mean MAPE is flat for KERNEL_BW
 * 15..25, KERNEL_MASS 80..130, AGE_TAU 2..4 years and WMIN 0.01..0.05. */
#define KERNEL_BW 20.0
#define KERNEL_MASS 100.0
#define AGE_TAU (2 * 365.2425)
#define WMIN 0.05
/* Days older than AGE_TAU ln(1 / WMIN) weigh under WMIN: never read. */
#define MAX_DAYS 2189
/* Huber loss (Huber 1964, Ann. Math. Stat. 35:73), as the one-step
 * estimator from the least-squares start (Bickel 1975, JASA 70:428): the
 * residuals beyond HUBER_K times the weighted rms of the first fit are
 * down-weighted to k / |r| and the fit is repeated once. A holiday or a
 * storm in a training day then pulls the coefficients less. The bench is
 * flat for k in 0.5..1.0; iterating to convergence changes nothing. */
#define HUBER_K 1.0
#define HUBER_PASSES 2
/* An operator's forecast further than a factor exp(OP_MAX) = 1.5 from the
 * load it forecast is a data fault, not a forecast error (EIA-930 carries
 * unscreened forecasts: PJM's of July 2015 is ~40 % of the load; the
 * errors of a working day-ahead forecast are a few percent): its hour is
 * left out of the operator's errors. */
#define OP_MAX 0.4055

static double mean_of(const double *e, size_t from, size_t to)
{
    double s = 0;
    size_t c = 0;
    for (size_t k = from; k < to; k++)
        if (!isnan(e[k])) s += e[k], c++;
    return c * 2 >= to - from ? s / (double)c : NAN;
}

/* Features of target oo + L known at origin oo (needs oo >= BACK): the two
 * newest residuals, the means of the newest two days, the newest two values
 * at the target's hour of day and the newest at its hour of week, and the
 * day-to-day change of the newest hour. The last known same-hour values
 * carry the daily shape of a weather spell; the recent means its level.
 * The features that depend on the origin alone (ND of them, d[0..ND)) are
 * computed once per origin by day_features and shared by all leads:
 * the two daily means were 90 % of the time spent on features. */
enum { ND = 5 };

static void day_features(const double *e, size_t oo, double *d)
{
    d[0] = e[oo - 1];
    d[1] = e[oo - 2];
    d[2] = mean_of(e, oo - 24, oo);
    d[3] = mean_of(e, oo - 48, oo - 24);
    d[4] = e[oo - 1] - e[oo - 25];
}

/* What one lead's regression reads. Load alone: features and target are
 * the residuals e. With the operator's forecast g (on the residual scale,
 * known at the target hours), the target is the operator's error u = e - g
 * and the features are u's, plus g itself and u's mean at the target's
 * hour over the newest week: the forecast is g + the predicted u, so the
 * fit learns how the operator's errors persist and how far to trust g. */
typedef struct {
    const double *s; /* the series of the features and of the target: e or u */
    const double *g; /* NULL: load alone                                      */
    size_t nf;       /* NF or NFO                                             */
} lead_src;

static void features(const lead_src *c, const double *d, size_t oo, size_t L, double *x)
{
    const double *e = c->s;
    size_t q = L / 24 + 1, qw = L / 168 + 1;
    x[0] = 1.0;
    x[1] = d[0];
    x[2] = d[1];
    x[3] = d[2];
    x[4] = d[3];
    x[5] = e[oo + L - 24 * q];
    x[6] = e[oo + L - 24 * (q + 1)];
    x[7] = e[oo + L - 168 * qw];
    x[8] = d[4];
    if (!c->g) return;
    x[9] = c->g[oo + L];
    double sum = 0;
    size_t cnt = 0;
    for (size_t i = 0; i < 7; i++) {
        double v = e[oo + L - 24 * (q + i)];
        if (!isnan(v)) sum += v, cnt++;
    }
    x[10] = cnt >= 4 ? sum / (double)cnt : NAN;
}

static int finite_all(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

size_t direct_history(size_t lead, size_t h, size_t days)
{
    if (days > MAX_DAYS) days = MAX_DAYS;
    size_t j0 = (lead + h - 1) / 24 + 1;
    return 24 * (j0 + days - 1) + BACK;
}

/* The training origins oo_j = o - 24 j, j = j0 .. j0 + nd - 1, all at or
 * after BACK; returns nd. Every target oo_j + L, L < 24 j0, lies before o. */
static size_t train_days(size_t o, size_t lead, size_t h, size_t days, size_t *j0)
{
    *j0 = (lead + h - 1) / 24 + 1;
    if (days > MAX_DAYS) days = MAX_DAYS;
    size_t nd = 0;
    while (nd < days && o >= 24 * (*j0 + nd) + BACK) nd++;
    return nd;
}

/* Weights w[0..nd) of training days j0 .. j0 + nd - 1 days before the
 * origin (constants above). */
static void day_weights(size_t j0, size_t nd, double *w)
{
    double bw = KERNEL_BW, sw = 0;
    for (int it = 0; it < 50; it++) {
        sw = 0;
        for (size_t j = 0; j < nd; j++) {
            double d = (double)(j0 + j), r = fmod(d, 365.2425), s = r < 365.2425 - r ? r : 365.2425 - r;
            double wj = exp(-0.5 * (s / bw) * (s / bw) - d / AGE_TAU);
            w[j] = wj < WMIN ? 0.0 : wj;
            sw += w[j];
        }
        if (sw >= KERNEL_MASS || bw > 3650) break;
        bw *= 1.15;
    }
}

/* One lead: weighted Huber regression of s[oo + L] (c: e or u) on the
 * features over the training days of weight w[j] > 0 (a tiny ridge keeps a
 * constant feature, e.g. a flat stretch, from making X'X singular); err[j]
 * = training error of day j (NaN if unused). D: the day features of s at o
 * (D[0..ND)) and at training day j (D[(j + 1) ND ..]). X (column-major, ld
 * nd, 2 NFO columns) and y (4 nd) are workspaces. Writes the prediction of
 * e at o (plus g[o + L] with the operator) and the error
 * variance: the weighted mean square error times n / (n - nf) for the
 * effective sample size n = (sum w)^2 / sum w^2 (Kish 1965). */
static int fit_lead(const lead_src *c, const unsigned char *ok, const double *D, const double *w,
                    size_t o, size_t L, size_t j0, size_t nd, double *X, double *y, double *err,
                    double *mean, double *var)
{
    const size_t nf = c->nf;
    const double *e = c->s;
    size_t n = 0;
    double *Xs = X + nd * NFO, *rw = y + nd, *ys = y + 2 * nd, *r = y + 3 * nd;
    double sw = 0, sw2 = 0;
    for (size_t j = 0; j < nd; j++) {
        size_t oo = o - 24 * (j0 + j);
        double x[NFO];
        err[j] = NAN;
        if (w[j] <= 0 || !ok[oo + L] || !isfinite(e[oo + L])) continue;
        features(c, &D[(j + 1) * ND], oo, L, x);
        if (!finite_all(x, nf)) continue;
        for (size_t a = 0; a < nf; a++) X[a * nd + n] = x[a];
        rw[n] = w[j];
        sw += w[j], sw2 += w[j] * w[j];
        y[n++] = e[oo + L];
        err[j] = 0; /* used: its error is filled in below */
    }
    double neff = sw2 > 0 ? sw * sw / sw2 : 0;
    if (n < DIRECT_MIN_DAYS || neff <= nf + 1)
        return hr_err(HR_EDATA, "errors direct: %zu usable training days for lead %zu (need %d)", n,
                      L + 1, DIRECT_MIN_DAYS);
    double b[NFO], msq = 0;
    for (int pass = 0; pass < HUBER_PASSES; pass++) {
        /* row scale sqrt(day weight x Huber weight); r holds the Huber weights */
        for (size_t i = 0; i < n; i++) r[i] = sqrt(rw[i] * (pass ? r[i] : 1.0));
        for (size_t i = 0; i < n; i++) ys[i] = y[i] * r[i];
        for (size_t a = 0; a < nf; a++) {
            const double *xa = X + a * nd;
            double *sa = Xs + a * nd;
            for (size_t i = 0; i < n; i++) sa[i] = xa[i] * r[i];
        }
        double G[NFO * NFO];
        la_syrk_t(n, nf, 1.0, Xs, nd, 0.0, G, nf);
        la_gemv(1, n, nf, 1.0, Xs, nd, ys, 0.0, b);
        double tr = 0;
        for (size_t a = 1; a < nf; a++) tr += G[a * nf + a];
        for (size_t a = 1; a < nf; a++) G[a * nf + a] += 1e-8 * tr / (nf - 1) + 1e-12;
        if (la_potrf_upper(nf, G, nf))
            return hr_err(HR_ESINGULAR, "errors direct: singular training design for lead %zu", L + 1);
        la_trsv_upper(1, nf, G, nf, b); /* U'U b = X'W y */
        la_trsv_upper(0, nf, G, nf, b);
        memcpy(r, y, n * sizeof *r); /* r = y - X b */
        la_gemv(0, n, nf, -1.0, X, nd, b, 1.0, r);
        msq = 0;
        for (size_t i = 0; i < n; i++) msq += rw[i] * r[i] * r[i];
        msq /= sw;
        if (pass + 1 < HUBER_PASSES) {
            double k = HUBER_K * sqrt(msq);
            for (size_t i = 0; i < n; i++) r[i] = fabs(r[i]) <= k ? 1.0 : k / fabs(r[i]);
        }
    }
    /* Training errors back to days (rows were packed in day order). */
    size_t i = 0;
    for (size_t j = 0; j < nd; j++)
        if (!isnan(err[j])) err[j] = r[i++];
    double x[NFO];
    features(c, D, o, L, x);
    /* A feature unknown at the origin (a gap) counts as its mean, zero. */
    double f = c->g ? c->g[o + L] : 0.0;
    for (size_t a = 0; a < nf; a++) f += b[a] * (isfinite(x[a]) ? x[a] : 0.0);
    *mean = f;
    *var = msq * neff / (neff - nf);
    return HR_OK;
}

/* Shared driver: means, variances and (when errs != NULL) the training
 * errors errs[k * nd + j] of lead k on day j and the day weights wp[j].
 * g (NULL: none): the operator's forecast on the residual scale, read at
 * hours before o + lead + h. A lead uses it when g is known at its target
 * and the fit has its 30 days; else the load alone. Also when the
 * operator's newest errors are unknown (a gap in the newest hours): they
 * count as zero, as any unknown feature does, and the operator's forecast
 * with that correction still beats the load alone (TVA day-ahead 2.22 %
 * MAPE, against 2.33 % when such origins fell back to the load alone). */
static int run(const double *e, const double *g, const unsigned char *ok, size_t o, size_t lead,
               size_t h, size_t days, double *mean, double *var, double **errs, double **wp,
               size_t *ndp)
{
    size_t j0, nd = train_days(o, lead, h, days, &j0);
    if (nd < DIRECT_MIN_DAYS)
        return hr_err(HR_EDATA, "errors direct: %zu training days before the origin (need %d)", nd,
                      DIRECT_MIN_DAYS);
    double *X = mem_array(nd * 2 * NFO, sizeof(double)), *y = mem_array(nd * 4, sizeof(double));
    double *err = mem_array(nd * h, sizeof(double)), *w = mem_array(nd, sizeof(double));
    double *D = mem_array((nd + 1) * ND * (g ? 2 : 1), sizeof(double));
    double *u = g ? mem_array(o, sizeof(double)) : NULL;
    int st = X && y && err && D && w && (u || !g) ? HR_OK : hr_err(HR_ENOMEM, "out of memory");
    double *Du = g ? D + (nd + 1) * ND : NULL;
    if (!st) {
        day_weights(j0, nd, w);
        day_features(e, o, D);
        for (size_t j = 0; j < nd; j++)
            if (w[j] > 0) day_features(e, o - 24 * (j0 + j), &D[(j + 1) * ND]);
    }
    if (!st && g) {
        for (size_t k = 0; k < o; k++) {
            u[k] = e[k] - g[k];
            if (!(fabs(u[k]) <= OP_MAX)) u[k] = NAN; /* NaN, or a data fault */
        }
        day_features(u, o, Du);
        for (size_t j = 0; j < nd; j++)
            if (w[j] > 0) day_features(u, o - 24 * (j0 + j), &Du[(j + 1) * ND]);
    }
    const lead_src plain = {e, NULL, NF}, oper = {u, g, NFO};
    for (size_t k = 0; !st && k < h; k++) {
        st = HR_EDATA;
        if (g && isfinite(g[o + lead + k])) {
            st = fit_lead(&oper, ok, Du, w, o, lead + k, j0, nd, X, y, &err[k * nd], &mean[k],
                          &var[k]);
            if (st == HR_EDATA) hr_err_clear(); /* too few days with the operator's */
        }
        if (st == HR_EDATA)
            st = fit_lead(&plain, ok, D, w, o, lead + k, j0, nd, X, y, &err[k * nd], &mean[k],
                          &var[k]);
    }
    mem_free(u);
    mem_free(D);
    mem_free(X);
    mem_free(y);
    if (!st && errs) {
        *errs = err;
        *wp = w;
        *ndp = nd;
    } else {
        mem_free(err);
        mem_free(w);
    }
    return st;
}

int direct_forecast(const double *e, const unsigned char *target_ok, size_t o, size_t lead,
                    size_t h, size_t days, double *mean, double *var)
{
    return run(e, NULL, target_ok, o, lead, h, days, mean, var, NULL, NULL, NULL);
}

int direct_forecast_op(const double *e, const double *g, const unsigned char *target_ok, size_t o,
                       size_t lead, size_t h, size_t days, double *mean, double *var)
{
    return run(e, g, target_ok, o, lead, h, days, mean, var, NULL, NULL, NULL);
}

/* A training day drawn with probability proportional to its weight
 * (cumulative weights c[0..nd), c[nd - 1] > 0). */
static size_t draw_day(const double *c, size_t nd, uint64_t *x)
{
    double u = rng_unit53(rng_splitmix64(x)) * c[nd - 1];
    size_t lo = 0, hi = nd - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c[mid] > u) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

int direct_simulate(const double *e, const unsigned char *target_ok, size_t o, size_t lead,
                    size_t h, size_t days, size_t npaths, uint64_t seed, double *paths)
{
    double *mean = mem_array(h, sizeof(double)), *var = mem_array(h, sizeof(double));
    double *err = NULL, *w = NULL;
    size_t nd = 0;
    int st = mean && var ? HR_OK : hr_err(HR_ENOMEM, "out of memory");
    if (!st) st = run(e, NULL, target_ok, o, lead, h, days, mean, var, &err, &w, &nd);
    for (size_t j = 1; !st && j < nd; j++) w[j] += w[j - 1]; /* cumulative */
    uint64_t x = seed;
    for (size_t p = 0; !st && p < npaths; p++) {
        size_t j = draw_day(w, nd, &x);
        for (size_t k = 0; k < h; k++) {
            double d = err[k * nd + j];
            /* A lead whose error is missing on the drawn day borrows the
             * error of another day (bounded tries; else the mean). */
            for (int t = 0; t < 64 && isnan(d); t++) d = err[k * nd + draw_day(w, nd, &x)];
            paths[p * h + k] = mean[k] + (isnan(d) ? 0.0 : d);
        }
    }
    mem_free(err);
    mem_free(w);
    mem_free(mean);
    mem_free(var);
    return st;
}
