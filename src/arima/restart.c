/* restart.c — arima_fit_model: the staged fit (fit.c), and when its end is
 * not a clean optimum, fits from other starting points, keeping the best
 * clean one.
 *
 * BFGS on an ARMA likelihood can end at the edge of the parameter space:
 * an AR factor with a root on the unit circle (the transformed partial
 * autocorrelations run off to +-Inf, and with a mean the likelihood keeps
 * rising towards the non-stationary limit), or where the Hessian is
 * singular and a standard error is not finite. R and Stata users restart
 * such fits by hand from other values (R's arima(init = ...)): the CSS
 * estimates, zeros, or the estimates of the nearest lower-order model
 * (Box, Jenkins, Reinsel & Ljung 2015, "Time Series Analysis", 5th ed.,
 * sec. 7.2: likelihood surfaces of mixed models with near-cancelling
 * roots). Those starts are tried here in that order, each as a complete
 * ML fit; the clean end with the highest likelihood is kept. When none is
 * clean, the highest end is kept with converged = 0 and a note. */
#include "arima/arima_internal.h"
#include "util/error.h"
#include "util/mem.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* an AR factor's roots this close to the unit circle count as on it */
#define AR_EDGE 1.001

/* Why f is not a clean optimum (static text), or NULL when it is. */
static const char *unclean(const arima_fit *f, int std_errors)
{
    const arima_order *o = &f->o;
    if (!isfinite(f->loglik)) return "log-likelihood not finite";
    if ((o->p && ar_min_root((size_t)o->p, f->coef, -1.0) < AR_EDGE) ||
        (o->P && ar_min_root((size_t)o->P, f->coef + o->p + o->q, -1.0) < AR_EDGE))
        return "AR root on the unit circle";
    if (std_errors)
        for (size_t i = 0; i < f->np; i++)
            if (!isfinite(f->se[i])) return "standard errors not finite (singular Hessian)";
    return NULL;
}

/* The ARMA start from the lower-order model with block b (0 p, 1 q, 2 P,
 * 3 Q) one shorter: its estimates, a 0 for the dropped last lag. Returns
 * 0 and fills start[narma], or -1 when that fit fails. */
static int lower_start(const double *y, size_t n, const double *xreg, size_t k,
                       const arima_order *o, const arima_opts *op, int b, double *start)
{
    arima_order lo = *o;
    int *ord[4] = { &lo.p, &lo.q, &lo.P, &lo.Q };
    if (*ord[b] == 0) return -1;
    (*ord[b])--;
    arima_fit *g = NULL;
    if (ar_fit_core(y, n, xreg, k, &lo, op, NULL, NAN, &g)) {
        err_clear();
        return -1;
    }
    const int cnt[4] = { o->p, o->q, o->P, o->Q };
    size_t si = 0, gi = 0;
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < cnt[j]; i++) start[si++] = j == b && i == cnt[j] - 1 ? 0.0 : g->coef[gi++];
    arima_free(g);
    return 0;
}

/* The CSS estimate's ARMA part as a start; -1 when it is not usable (a
 * non-stationary AR part, as R's CSS-ML would refuse). */
static int css_start(const double *y, size_t n, const double *xreg, size_t k,
                     const arima_order *o, const arima_opts *op, size_t narma, double *start)
{
    arima_order oc = *o;
    oc.method = ARIMA_CSS;
    arima_opts q = *op;
    q.std_errors = 0;
    q.css_state = 0;
    arima_fit *g = NULL;
    if (ar_fit_core(y, n, xreg, k, &oc, &q, NULL, NAN, &g)) {
        err_clear();
        return -1;
    }
    memcpy(start, g->coef, narma * sizeof(double));
    arima_free(g);
    if ((o->p && !ar_stationary((size_t)o->p, start)) ||
        (o->P && !ar_stationary((size_t)o->P, start + o->p + o->q)))
        return -1;
    return 0;
}

int arima_fit_model(const double *y, size_t n, const double *xreg, size_t k,
                    const arima_order *o, const arima_opts *opts, arima_fit **out)
{
    arima_opts dflt;
    if (!opts) { arima_opts_init(&dflt); opts = &dflt; }
    arima_fit *f = NULL;
    int rc = ar_fit_core(y, n, xreg, k, o, opts, NULL, NAN, &f);
    if (rc) return rc;
    const char *why = unclean(f, opts->std_errors);
    if (!why || !opts->restarts || o->method == ARIMA_CSS) {
        *out = f;
        return 0;
    }
    /* the first end is kept only when no other start ends cleanly */
    const size_t narma = (size_t)(o->p + o->q + o->P + o->Q);
    double *start = mem_array(narma + 1, sizeof(double));
    if (!start) {
        arima_free(f);
        return err_set(HR_ENOMEM, "arima_fit_model: out of memory for the restarts");
    }
    arima_opts q = *opts;
    q.restarts = 0;
    arima_fit *best = NULL, *worst = f; /* best clean; highest unclean */
    static const char *const from[6] = { "zeros", "the CSS estimates", "the AR(p-1) estimates",
                                         "the MA(q-1) estimates", "the SAR(P-1) estimates",
                                         "the SMA(Q-1) estimates" };
    int best_from = -1;
    for (int s = 0; s < 6; s++) {
        if (s == 0) {
            /* the first fit started at zeros already when it was ML, or when
             * its CSS start was refused */
            if (o->method == ARIMA_ML || f->ml_from_zeros) continue;
            memset(start, 0, narma * sizeof(double));
        } else if (s == 1) {
            if (o->method != ARIMA_ML || css_start(y, n, xreg, k, o, &q, narma, start)) continue;
        } else if (lower_start(y, n, xreg, k, o, &q, s - 2, start)) {
            continue;
        }
        arima_fit *g = NULL;
        if (ar_fit_from(y, n, xreg, k, o, &q, NULL, NAN, start, &g)) {
            if (hr_last_error()[0]) err_clear();
            continue;
        }
        if (!unclean(g, opts->std_errors)) {
            if (!best || g->loglik > best->loglik) {
                arima_free(best);
                best = g, best_from = s;
            } else arima_free(g);
        } else if (g->loglik > worst->loglik || (!isnan(g->loglik) && isnan(worst->loglik))) {
            if (worst != f) arima_free(worst);
            worst = g;
        } else arima_free(g);
    }
    mem_free(start);
    char msg[200];
    if (best) {
        if (worst != f) arima_free(worst);
        arima_free(f);
        snprintf(msg, sizeof msg, "first optimum not clean (%s): refitted from %s", why,
                 from[best_from]);
        ar_note_add(best, msg);
        *out = best;
        return 0;
    }
    if (worst != f) arima_free(f);
    snprintf(msg, sizeof msg, "no clean optimum from any start (%s): not converged",
             unclean(worst, opts->std_errors));
    worst->converged = 0;
    ar_note_add(worst, msg);
    *out = worst;
    return 0;
}
