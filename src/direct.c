/* direct.c — direct per-lead forecasts of regression residuals (see direct.h). */
#include "direct.h"

#include <math.h>
#include <string.h>

#include "error.h"
#include "linalg.h"
#include "mem.h"

enum { NF = 9, BACK = 168 };

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
 * carry the daily shape of a weather spell; the recent means its level. */
static void features(const double *e, size_t oo, size_t L, double *x)
{
    size_t q = L / 24 + 1, qw = L / 168 + 1;
    x[0] = 1.0;
    x[1] = e[oo - 1];
    x[2] = e[oo - 2];
    x[3] = mean_of(e, oo - 24, oo);
    x[4] = mean_of(e, oo - 48, oo - 24);
    x[5] = e[oo + L - 24 * q];
    x[6] = e[oo + L - 24 * (q + 1)];
    x[7] = e[oo + L - 168 * qw];
    x[8] = e[oo - 1] - e[oo - 25];
}

static int finite_all(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

size_t direct_history(size_t lead, size_t h, size_t days)
{
    size_t j0 = (lead + h - 1) / 24 + 1;
    return 24 * (j0 + days - 1) + BACK;
}

/* The training origins oo_j = o - 24 j, j = j0 .. j0 + nd - 1, all at or
 * after BACK; returns nd. Every target oo_j + L, L < 24 j0, lies before o. */
static size_t train_days(size_t o, size_t lead, size_t h, size_t days, size_t *j0)
{
    *j0 = (lead + h - 1) / 24 + 1;
    size_t nd = 0;
    while (nd < days && o >= 24 * (*j0 + nd) + BACK) nd++;
    return nd;
}

/* One lead: least squares of e[oo + L] on the features over the training
 * days (a tiny ridge keeps a constant feature, e.g. a flat stretch, from
 * making X'X singular); err[j] = training error of day j (NaN if unused).
 * X (column-major, ld nd) and y are workspaces of nd rows. Writes the
 * prediction at o and the error variance SSE / (n - NF). */
static int fit_lead(const double *e, const unsigned char *ok, size_t o, size_t L, size_t j0,
                    size_t nd, double *X, double *y, double *err, double *mean, double *var)
{
    size_t n = 0;
    for (size_t j = 0; j < nd; j++) {
        size_t oo = o - 24 * (j0 + j);
        double x[NF];
        err[j] = NAN;
        if (!ok[oo + L] || !isfinite(e[oo + L])) continue;
        features(e, oo, L, x);
        if (!finite_all(x, NF)) continue;
        for (size_t a = 0; a < NF; a++) X[a * nd + n] = x[a];
        y[n++] = e[oo + L];
        err[j] = 0; /* used: its error is filled in below */
    }
    if (n < DIRECT_MIN_DAYS)
        return hr_err(HR_EDATA, "errors direct: %zu usable training days for lead %zu (need %d)", n,
                      L + 1, DIRECT_MIN_DAYS);
    double G[NF * NF], b[NF];
    la_syrk_t(n, NF, 1.0, X, nd, 0.0, G, NF);
    la_gemv(1, n, NF, 1.0, X, nd, y, 0.0, b);
    double tr = 0;
    for (size_t a = 1; a < NF; a++) tr += G[a * NF + a];
    for (size_t a = 1; a < NF; a++) G[a * NF + a] += 1e-8 * tr / (NF - 1) + 1e-12;
    if (la_potrf_upper(NF, G, NF))
        return hr_err(HR_ESINGULAR, "errors direct: singular training design for lead %zu", L + 1);
    la_trsv_upper(1, NF, G, NF, b); /* U'U b = X'y */
    la_trsv_upper(0, NF, G, NF, b);
    /* Training errors y - X b, then back to days (rows were packed in day order). */
    la_gemv(0, n, NF, -1.0, X, nd, b, 1.0, y);
    double sse = 0;
    size_t i = 0;
    for (size_t j = 0; j < nd; j++)
        if (!isnan(err[j])) {
            err[j] = y[i++];
            sse += err[j] * err[j];
        }
    double x[NF];
    features(e, o, L, x);
    /* A feature unknown at the origin (a gap) counts as its mean, zero. */
    double f = 0;
    for (size_t a = 0; a < NF; a++) f += b[a] * (isfinite(x[a]) ? x[a] : 0.0);
    *mean = f;
    *var = sse / (double)(n - NF);
    return HR_OK;
}

/* Shared driver: means, variances and (when errs != NULL) the training
 * errors errs[k * nd + j] of lead k on day j. */
static int run(const double *e, const unsigned char *ok, size_t o, size_t lead, size_t h,
               size_t days, double *mean, double *var, double **errs, size_t *ndp)
{
    size_t j0, nd = train_days(o, lead, h, days, &j0);
    if (nd < DIRECT_MIN_DAYS)
        return hr_err(HR_EDATA, "errors direct: %zu training days before the origin (need %d)", nd,
                      DIRECT_MIN_DAYS);
    double *X = mem_array(nd * NF, sizeof(double)), *y = mem_array(nd, sizeof(double));
    double *err = mem_array(nd * h, sizeof(double));
    int st = X && y && err ? HR_OK : hr_err(HR_ENOMEM, "out of memory");
    for (size_t k = 0; !st && k < h; k++)
        st = fit_lead(e, ok, o, lead + k, j0, nd, X, y, &err[k * nd], &mean[k], &var[k]);
    mem_free(X);
    mem_free(y);
    if (!st && errs) {
        *errs = err;
        *ndp = nd;
    } else
        mem_free(err);
    return st;
}

int direct_forecast(const double *e, const unsigned char *target_ok, size_t o, size_t lead,
                    size_t h, size_t days, double *mean, double *var)
{
    return run(e, target_ok, o, lead, h, days, mean, var, NULL, NULL);
}

/* splitmix64 (Steele, Lea & Flood 2014): enough for drawing days. */
static uint64_t next_u64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int direct_simulate(const double *e, const unsigned char *target_ok, size_t o, size_t lead,
                    size_t h, size_t days, size_t npaths, uint64_t seed, double *paths)
{
    double *mean = mem_array(h, sizeof(double)), *var = mem_array(h, sizeof(double));
    double *err = NULL;
    size_t nd = 0;
    int st = mean && var ? HR_OK : hr_err(HR_ENOMEM, "out of memory");
    if (!st) st = run(e, target_ok, o, lead, h, days, mean, var, &err, &nd);
    uint64_t x = seed;
    for (size_t p = 0; !st && p < npaths; p++) {
        size_t j = (size_t)(next_u64(&x) % nd);
        for (size_t k = 0; k < h; k++) {
            double d = err[k * nd + j];
            /* A lead whose error is missing on the drawn day borrows the
             * error of another day (bounded tries; else the mean). */
            for (int t = 0; t < 64 && isnan(d); t++) d = err[k * nd + next_u64(&x) % nd];
            paths[p * h + k] = mean[k] + (isnan(d) ? 0.0 : d);
        }
    }
    mem_free(err);
    mem_free(mean);
    mem_free(var);
    return st;
}
