/* search.c — the automatic order search (arima_auto). */
#include "arima/arima_internal.h"
#include "util/error.h"
#include "util/mem.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
/* ---------------------------------------------------------- order search */
/* Hyndman & Khandakar (2008), "Automatic time series forecasting: the
 * forecast package for R", J. Stat. Softw. 27(3), sec. 3.2, as
 * forecast::auto.arima (8.20): d by repeated KPSS tests, D by seasonal
 * strength, a stepwise search over (p, q, P, Q, constant) by AICc, CSS
 * criteria during the search for long or finely seasonal series and an
 * exact CSS-ML refit of the winner. Differences from auto.arima, each on
 * purpose:
 *  - the KPSS long-run variance uses the Newey & West (1994) automatic
 *    Bartlett bandwidth (as Hobijn, Franses & Ooms 2004), never shorter
 *    than one seasonal period: auto.arima's 4 (n/100)^(1/4) lags miss the
 *    lag-24 correlation of hourly load and over-difference;
 *  - the seasonal strength comes from a classical (moving-average)
 *    decomposition instead of STL (same statistic, Wang, Smith & Hyndman
 *    2006: F_s = max(0, 1 - Var(R) / Var(S + R)), D = 1 when F_s > 0.64);
 *  - each step evaluates the whole neighbourhood of the current model in
 *    parallel (pthreads) and moves to its best member (best improvement)
 *    rather than to the first improving one; auto.arima's own
 *    first-improvement path is walked as well (r_path), so that its choice
 *    is always among the candidates;
 *  - after a CSS search up to 5 models within 10 units of the best are
 *    refitted exactly, plus auto.arima's choice; where those fail the root
 *    test, both rankings are walked down as auto.arima walks its own;
 *  - candidates get no standard errors, and an ML candidate whose MA roots
 *    stay inside the rejection radius is abandoned early (ma_guard). */

void arima_auto_opts_init(arima_auto_opts *o)
{
    o->max_p = 5; o->max_q = 5; o->max_P = 2; o->max_Q = 2;
    o->max_order = 0;
    o->max_d = 2; o->max_D = 1;
    o->d = -1; o->D = -1;
    o->s = 1;
    o->allow_mean = 1; o->allow_drift = 1;
    o->max_models = 94;
    o->threads = 2;
    o->css_search = -1;
}

/* Compact copy of the non-missing values (differencing tests ignore gaps). */
static size_t compact(const double *y, size_t n, double *out)
{
    size_t m = 0;
    for (size_t t = 0; t < n; t++)
        if (!isnan(y[t])) out[m++] = y[t];
    return m;
}

/* KPSS level-stationarity statistic (Kwiatkowski et al. 1992, eq. 13):
 * eta = sum S_t^2 / (n^2 s^2(l)), S_t partial sums of y - mean, s^2(l) the
 * Bartlett long-run variance; l from Newey & West (1994) with floor minlag. */
static double kpss_stat(const double *y, size_t n, size_t minlag)
{
    double mu = 0.0;
    for (size_t t = 0; t < n; t++) mu += y[t];
    mu /= (double)n;
    double g[1024];
    size_t maxl = n / 2 < 1000 ? n / 2 : 1000;
    /* autocovariances up to maxl */
    for (size_t j = 0; j <= maxl; j++) {
        double s = 0.0;
        for (size_t t = j; t < n; t++) s += (y[t] - mu) * (y[t - j] - mu);
        g[j] = s / (double)n;
    }
    /* NW94: pre-bandwidth m0 = 4 (n/100)^(2/9); s0 = g0 + 2 sum g_j,
     * s1 = 2 sum j g_j; gamma = 1.1447 ((s1/s0)^2)^(1/3); l = gamma n^(1/3). */
    size_t m0 = (size_t)floor(4.0 * pow((double)n / 100.0, 2.0 / 9.0));
    if (m0 > maxl) m0 = maxl;
    double s0 = g[0], s1 = 0.0;
    for (size_t j = 1; j <= m0; j++) { s0 += 2.0 * g[j]; s1 += 2.0 * (double)j * g[j]; }
    double gam = s0 != 0.0 ? 1.1447 * cbrt((s1 / s0) * (s1 / s0)) : 0.0;
    size_t l = (size_t)floor(gam * cbrt((double)n));
    if (l < minlag) l = minlag;
    if (l > maxl) l = maxl;
    double lr = g[0];
    for (size_t j = 1; j <= l; j++) lr += 2.0 * (1.0 - (double)j / ((double)l + 1.0)) * g[j];
    if (!(lr > 0.0)) return 0.0;
    double cs = 0.0, ss = 0.0;
    for (size_t t = 0; t < n; t++) { cs += y[t] - mu; ss += cs * cs; }
    return ss / ((double)n * (double)n * lr);
}

/* forecast::ndiffs: difference while KPSS rejects at 5 % (critical value
 * 0.463, Kwiatkowski et al. 1992, Table 1). */
static int choose_d(const double *y, size_t n, int max_d, size_t minlag, double *work)
{
    size_t m = compact(y, n, work);
    int d = 0;
    while (d < max_d && m > 10) {
        double eta = kpss_stat(work, m, minlag);
        if (!(eta > 0.463)) break;
        for (size_t t = 0; t + 1 < m; t++) work[t] = work[t + 1] - work[t];
        m--;
        d++;
    }
    return d;
}

/* Seasonal strength F_s from a moving-average decomposition: trend by a
 * centred 2 x s moving average, seasonal = local mean of the detrended
 * values at the same phase (11 cycles), remainder = detrended - seasonal. */
static double seas_strength(const double *y, size_t n, size_t s, double *work)
{
    if (s < 2 || n < 3 * s) return 0.0;
    double *tr = work; /* [n] trend */
    size_t h = s / 2;
    for (size_t t = 0; t < n; t++) {
        tr[t] = NAN;
        if (t < h || t + h >= n) continue;
        double acc = 0.0, w = 0.0;
        int ok = 1;
        for (size_t j = t - h; j <= t + h && ok; j++) {
            double wt = (s % 2 == 0 && (j == t - h || j == t + h)) ? 0.5 : 1.0;
            if (isnan(y[j])) ok = 0;
            acc += wt * y[j];
            w += wt;
        }
        if (ok) tr[t] = acc / w;
    }
    double sr = 0, sr2 = 0, r = 0, r2 = 0;
    size_t c = 0;
    for (size_t t = 0; t < n; t++) {
        if (isnan(tr[t]) || isnan(y[t])) continue;
        /* seasonal value: mean detrended value at the same phase over the
         * 11 cycles centred on t (an evolving seasonal pattern, like
         * mstl's s.window = 11), less its mean over the cycle */
        double a = 0.0;
        size_t ca = 0;
        for (long j = -5; j <= 5; j++) {
            long u = (long)t + j * (long)s;
            if (u < 0 || u >= (long)n || isnan(tr[u]) || isnan(y[u])) continue;
            a += y[u] - tr[u];
            ca++;
        }
        double dt = y[t] - tr[t], se = a / (double)ca, re = dt - se;
        sr += dt; sr2 += dt * dt; r += re; r2 += re * re; c++;
    }
    if (c < 2) return 0.0;
    double vsr = sr2 / (double)c - (sr / (double)c) * (sr / (double)c);
    double vr = r2 / (double)c - (r / (double)c) * (r / (double)c);
    if (!(vsr > 0.0)) return 0.0;
    double F = 1.0 - vr / vsr;
    return F > 0.0 ? F : 0.0;
}

typedef struct {
    int p, q, P, Q, cst;
    double ic;   /* AICc (or its CSS approximation); Inf when unusable */
    int done;
    arima_fit *fit; /* kept when the search asks for it (final ranking) */
} cand;

typedef struct {
    const double *y, *xreg;
    size_t n, k;
    int d, D, s, css;
    double offset;     /* CSS approximation offset (forecast's `offset`) */
    size_t nstar;
    const arima_opts *opts;  /* candidates: no polish, no standard errors */
    const arima_opts *kopts; /* kept fits: the caller's options, polish off,
                                standard errors when se_keep */
    int se_keep;       /* kept fits get standard errors (and the caller's
                          polish: the final fit of the winner)          */
    int polish;        /* the caller's arima_opts.polish                */
    int keep;          /* keep the fits (exact final ranking)            */
    cand *list;
    size_t next, end;
    pthread_mutex_t mu;
} search;

static arima_order cand_order(const search *S, const cand *c, int method)
{
    arima_order o = { c->p, S->d, c->q, c->P, S->D, c->Q, S->s, 0, 0, method };
    if (c->cst && S->d + S->D == 0) o.include_mean = 1;
    if (c->cst && S->d + S->D == 1) o.include_drift = 1;
    return o;
}

/* forecast's myarima: the fit's AICc, Inf when it fails or has AR/MA roots
 * within 1.01 of the unit circle. */
static double cand_eval(const search *S, cand *c)
{
    arima_order o = cand_order(S, c, S->css ? ARIMA_CSS : ARIMA_CSS_ML);
    arima_fit *f = NULL;
    arima_opts ko;
    if (S->keep) {
        ko = *S->kopts;
        ko.std_errors = S->se_keep && S->kopts->std_errors;
        ko.polish = S->se_keep && S->polish;
    }
    if (ar_fit_core(S->y, S->n, S->xreg, S->k, &o, S->keep ? &ko : S->opts, NULL, NAN, &f))
        return INFINITY;
    double npar = (double)f->nfree + 1.0, nstar = (double)f->nobs, ic;
    if (S->css) {
        double aic = S->offset + nstar * log(f->sigma2) + 2.0 * npar;
        ic = aic + 2.0 * npar * (npar + 1.0) / (nstar - npar - 1.0);
    } else ic = f->aicc;
    /* root checks on each factor (ar_seasonal_modulus) */
    const double *cf = f->coef;
    double r1 = fmin(ar_min_root((size_t)c->p, cf, -1.0),
                     ar_seasonal_modulus(ar_min_root((size_t)c->P, cf + c->p + c->q, -1.0), S->s));
    double r2 = fmin(ar_min_root((size_t)c->q, cf + c->p, 1.0),
                     ar_seasonal_modulus(ar_min_root((size_t)c->Q, cf + c->p + c->q + c->P, 1.0), S->s));
    if (fmin(r1, r2) < 1.01 || !isfinite(f->sigma2) || !isfinite(f->loglik)) ic = INFINITY;
    if (S->keep && isfinite(ic)) c->fit = f;
    else arima_free(f);
    return isfinite(ic) ? ic : INFINITY;
}

static void *search_worker(void *arg)
{
    search *S = arg;
    for (;;) {
        pthread_mutex_lock(&S->mu);
        size_t i = S->next < S->end ? S->next++ : S->end;
        pthread_mutex_unlock(&S->mu);
        if (i >= S->end) break;
        S->list[i].ic = cand_eval(S, &S->list[i]);
        S->list[i].done = 1;
    }
    return NULL;
}

/* Evaluate list[from..to) with up to `threads` threads. */
static void eval_batch(search *S, size_t from, size_t to, int threads)
{
    S->next = from;
    S->end = to;
    pthread_t th[8];
    int nt = 0;
    if (threads > 8) threads = 8;
    for (int i = 1; i < threads && (size_t)i < to - from; i++)
        if (pthread_create(&th[nt], NULL, search_worker, S) == 0) nt++;
    search_worker(S);
    for (int i = 0; i < nt; i++) pthread_join(th[i], NULL);
}

static int cand_seen(const cand *l, size_t m, const cand *c)
{
    for (size_t i = 0; i < m; i++)
        if (l[i].p == c->p && l[i].q == c->q && l[i].P == c->P && l[i].Q == c->Q && l[i].cst == c->cst)
            return 1;
    return 0;
}

static size_t best_of(const cand *l, size_t m)
{
    size_t b = 0;
    for (size_t i = 1; i < m; i++) if (l[i].ic < l[b].ic) b = i;
    return b;
}

/* Index of c in l[0..m), or m. */
static size_t cand_find(const cand *l, size_t m, const cand *c)
{
    for (size_t i = 0; i < m; i++)
        if (l[i].p == c->p && l[i].q == c->q && l[i].P == c->P && l[i].Q == c->Q && l[i].cst == c->cst)
            return i;
    return m;
}

/* One model of r_path: look c up in (or fit it into) S->list, record it as
 * auto.arima's model number *k + 1, and take it when it beats *best:
 * returns 1 then, 0 if not, -1 when the list is full. */
static int r_fit(search *S, size_t cap, size_t *m, const cand *c, size_t *rk, size_t *k, double *best,
                 size_t *bi, cand *cur)
{
    size_t i = cand_find(S->list, *m, c);
    if (i == *m) {
        if (*m >= cap) return -1;
        S->list[*m] = *c;
        S->list[*m].ic = 0.0, S->list[*m].done = 0, S->list[*m].fit = NULL;
        eval_batch(S, *m, *m + 1, 1);
        (*m)++;
    }
    rk[(*k)++] = i;
    if (S->list[i].ic < *best) {
        *best = S->list[i].ic;
        *bi = i;
        *cur = S->list[i];
        return 1;
    }
    return 0;
}

/* auto.arima's own stepwise path (forecast 8.20: its start models, its
 * move order, first improvement, at most nmodels fits), each model fitted
 * once through S->list (up to cap entries; fits already there are reused).
 * Run besides our search so that the final ranking always holds auto.arima's
 * choice: our best-improvement steps can leave its path and miss a model
 * it finds. Returns the
 * S->list index of the path's best model, or cap when none was fitted;
 * rk[0..*nrk) (128 entries) get the S->list indices of its models. */
static size_t r_path(search *S, const arima_auto_opts *ao, int allow_cst, size_t cap, size_t *m,
                     size_t nmodels, size_t *rk, size_t *nrk)
{
    const int seas = S->s > 1;
    const int mP = seas ? ao->max_P : 0, mQ = seas ? ao->max_Q : 0;
    size_t k = 0, bi = cap;
    if (nmodels > 128) nmodels = 128;
    cand cur = { 0, 0, 0, 0, 0, 0, 0, NULL };
    double best = INFINITY;
    /* fit c as auto.arima's model number k + 1; 1 if it improved */
    #define R_FIT(C) r_fit(S, cap, m, &(C), rk, &k, &best, &bi, &cur)
    cand init[5] = {
        { ao->max_p < 2 ? ao->max_p : 2, ao->max_q < 2 ? ao->max_q : 2, mP < 1 ? mP : 1, mQ < 1 ? mQ : 1, allow_cst, 0, 0, NULL },
        { 0, 0, 0, 0, allow_cst, 0, 0, NULL },
        { ao->max_p > 0, 0, mP > 0, 0, allow_cst, 0, 0, NULL },
        { 0, ao->max_q > 0, 0, mQ > 0, allow_cst, 0, 0, NULL },
        { 0, 0, 0, 0, 0, 0, 0, NULL } };
    for (int i = 0; i < 5 && k < nmodels; i++) {
        if ((i == 2 && !(ao->max_p > 0 || mP > 0)) || (i == 3 && !(ao->max_q > 0 || mQ > 0)) ||
            (i == 4 && !allow_cst))
            continue;
        if (R_FIT(init[i]) < 0) break;
    }
    /* auto.arima's move order: P-1, Q-1, P+1, Q+1, the four (P,Q)
     * diagonals, the same for (p,q), then the constant */
    static const int mv[16][4] = {
        { 0, 0, -1, 0 }, { 0, 0, 0, -1 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 },
        { 0, 0, -1, -1 }, { 0, 0, -1, 1 }, { 0, 0, 1, -1 }, { 0, 0, 1, 1 },
        { -1, 0, 0, 0 }, { 0, -1, 0, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 },
        { -1, -1, 0, 0 }, { -1, 1, 0, 0 }, { 1, -1, 0, 0 }, { 1, 1, 0, 0 } };
    size_t startk = 0;
    while (startk < k && k < nmodels && bi < cap) {
        startk = k;
        for (int j = 0; j <= 16; j++) {
            cand c = cur;
            if (j < 16) {
                c.p += mv[j][0]; c.q += mv[j][1]; c.P += mv[j][2]; c.Q += mv[j][3];
            } else {
                if (!allow_cst) continue;
                c.cst = !c.cst;
            }
            if (c.p < 0 || c.q < 0 || c.P < 0 || c.Q < 0 || c.p > ao->max_p || c.q > ao->max_q ||
                c.P > mP || c.Q > mQ)
                continue;
            int seen = 0;
            for (size_t i = 0; i < k && !seen; i++) seen = cand_find(S->list + rk[i], 1, &c) == 0;
            if (seen) continue;
            if (k >= nmodels) break;
            int r = R_FIT(c);
            if (r < 0) { startk = k; break; } /* list full: stop */
            if (r) break; /* first improvement: start the moves again */
        }
    }
    #undef R_FIT
    *nrk = k;
    return bi;
}

/* Stepwise search (H&K 2008, step 2) on S->list: evaluate the entries
 * [from, *m) not fitted yet, then repeatedly fit the whole neighbourhood of
 * the current best and move to its best member, until no neighbour
 * improves or maxm models are in the list. The orders are capped one by one
 * (max_p, max_q, max_P, max_Q) and, when max_order > 0, in their sum;
 * auto.arima's stepwise search has no sum cap (its max.order applies to
 * the exhaustive search only). Returns the index of the best entry. */
static size_t stepwise(search *S, const arima_auto_opts *ao, int allow_cst, size_t maxm, size_t from,
                       size_t *m)
{
    static const int mv[16][4] = {
        { 0, 0, -1, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, -1 }, { 0, 0, 0, 1 },
        { 0, 0, -1, -1 }, { 0, 0, 1, 1 }, { 0, 0, -1, 1 }, { 0, 0, 1, -1 },
        { -1, 0, 0, 0 }, { 1, 0, 0, 0 }, { 0, -1, 0, 0 }, { 0, 1, 0, 0 },
        { -1, -1, 0, 0 }, { 1, 1, 0, 0 }, { -1, 1, 0, 0 }, { 1, -1, 0, 0 } };
    const int seasonal = S->s > 1;
    cand *list = S->list;
    if (from < *m) eval_batch(S, from, *m, ao->threads);
    size_t best = best_of(list, *m);
    while (*m < maxm && isfinite(list[best].ic)) {
        size_t first = *m;
        cand b = list[best];
        for (int j = 0; j <= 16 && *m < maxm; j++) {
            cand c = b;
            if (j < 16) {
                if (!seasonal && (mv[j][2] || mv[j][3])) continue;
                c.p += mv[j][0]; c.q += mv[j][1]; c.P += mv[j][2]; c.Q += mv[j][3];
            } else {
                if (!allow_cst) continue;
                c.cst = !c.cst;
            }
            if (c.p < 0 || c.q < 0 || c.P < 0 || c.Q < 0 || c.p > ao->max_p || c.q > ao->max_q ||
                c.P > ao->max_P || c.Q > ao->max_Q ||
                (ao->max_order > 0 && c.p + c.q + c.P + c.Q > ao->max_order))
                continue;
            c.ic = 0; c.done = 0; c.fit = NULL;
            if (!cand_seen(list, *m, &c)) list[(*m)++] = c;
        }
        if (*m == first) break;
        eval_batch(S, first, *m, ao->threads);
        size_t nb = best;
        for (size_t i = first; i < *m; i++) if (list[i].ic < list[nb].ic) nb = i;
        if (nb == best) break;
        best = nb;
    }
    return best;
}

/* Exact (CSS-ML) fits of cands[0..nc), kept (standard errors when se);
 * returns the index of the best fit (the others freed), or nc when none
 * could be used. */
static size_t refit_exact(search *S, cand *cands, size_t nc, int threads, int se)
{
    cand *saved = S->list;
    int css = S->css, keep = S->keep;
    S->css = 0;
    S->keep = 1;
    S->se_keep = se;
    S->list = cands;
    for (size_t i = 0; i < nc; i++) cands[i].fit = NULL, cands[i].done = 0;
    if (nc) eval_batch(S, 0, nc, threads);
    S->list = saved;
    S->css = css;
    S->keep = keep;
    size_t bi = nc;
    for (size_t i = 0; i < nc; i++)
        if (cands[i].fit && (bi == nc || cands[i].ic < cands[bi].ic)) bi = i;
    for (size_t i = 0; i < nc; i++)
        if (i != bi) { arima_free(cands[i].fit); cands[i].fit = NULL; }
    return bi;
}

int arima_auto(const double *y, size_t n, const double *xreg, size_t k,
               const arima_auto_opts *ao, const arima_opts *opts, arima_fit **out, int *models)
{
    arima_auto_opts dflt;
    if (!ao) { arima_auto_opts_init(&dflt); ao = &dflt; }
    if (!y || !out || ao->s < 1 || (k && !xreg)) return err_set(HR_EINVAL, "arima_auto: bad arguments (NULL series or xreg, or s < 1)");
    size_t nok = 0;
    for (size_t t = 0; t < n; t++) nok += isnan(y[t]) ? 0u : 1u;
    if (nok < 10) return err_set(HR_EDATA, "arima_auto: %zu observations (at least 10 needed)", nok);
    const size_t s = (size_t)ao->s;
    const size_t maxm = ao->max_models > 0 ? (size_t)ao->max_models : 94;
    double *work = mem_array(2 * n + s + 2, sizeof(double));
    double *sd = mem_array(n + 1, sizeof(double));
    /* list: the search (ours, then auto.arima's path); ex: the refits down
     * the ranking after failed ones; rl: auto.arima's path on its own */
    const size_t cap = maxm + 32 + 128;
    cand *list = mem_calloc(2 * cap + 8 + 128, sizeof(cand));
    double *yi = NULL;
    if (!work || !list || !sd) {
        mem_free(work); mem_free(list); mem_free(sd);
        return err_set(HR_ENOMEM, "arima_auto: out of memory");
    }
    cand *ex = list + cap, *rl = ex + cap + 8;

    /* D by seasonal strength, then d by KPSS on the seasonally differenced data */
    int D = ao->D;
    if (D < 0) D = (s > 1 && ao->max_D > 0 && seas_strength(y, n, s, work) > 0.64) ? 1 : 0;
    size_t ns = n;
    memcpy(sd, y, n * sizeof(double));
    for (int i = 0; i < D && ns > s; i++) {
        for (size_t t = ns; t-- > s;) sd[t] = sd[t] - sd[t - s];
        memmove(sd, sd + s, (ns - s) * sizeof(double));
        ns -= s;
    }
    int d = ao->d;
    if (d < 0) d = choose_d(sd, ns, ao->max_d, s > 1 ? s + 1 : 0, work);
    mem_free(sd);

    search S;
    memset(&S, 0, sizeof S);
    S.y = y; S.xreg = xreg; S.n = n; S.k = k; S.d = d; S.D = D; S.s = ao->s;
    arima_opts sopts, kopts; /* candidates are compared, not polished; only
                                the kept fits need standard errors */
    if (opts) kopts = *opts;
    else arima_opts_init(&kopts);
    kopts.polish = 0;
    kopts.unit_ma_stop = 1; /* such fits are rejected anyway (cand_eval) */
    sopts = kopts;
    sopts.std_errors = 0;
    sopts.css_state = 0; /* CSS candidates are ranked by sigma2, never forecast */
    S.opts = &sopts;
    S.kopts = &kopts;
    S.polish = opts ? opts->polish : 1;
    S.list = list;
    int anyna = nok < n;
    S.css = ao->css_search >= 0 ? ao->css_search : (n > 2000 || ao->s > 12);
    if (S.css && anyna) {
        /* CSS recursions cannot skip gaps: search on a linearly interpolated
         * copy; the re-ranking and the final fit use the data as given
         * (exact likelihood, gaps skipped). */
        yi = mem_array(n + 1, sizeof(double));
        if (!yi) { mem_free(work); mem_free(list); return err_set(HR_ENOMEM, "arima_auto: out of memory"); }
        size_t prev = n;
        for (size_t t = 0; t < n; t++) {
            if (isnan(y[t])) continue;
            if (prev == n) for (size_t u = 0; u < t; u++) yi[u] = y[t];
            else for (size_t u = prev + 1; u < t; u++)
                yi[u] = y[prev] + (y[t] - y[prev]) * (double)(u - prev) / (double)(t - prev);
            yi[t] = y[t];
            prev = t;
        }
        for (size_t u = prev + 1; u < n; u++) yi[u] = y[prev];
        S.y = yi;
    }
    pthread_mutex_init(&S.mu, NULL);
    int allow_cst = (d + D == 0 && ao->allow_mean) || (d + D == 1 && ao->allow_drift);
    char note[160] = "";
    if (S.css) {
        /* forecast: offset = -2 loglik - n log(sigma2) of an exact (1,d,0)(0,D,0) fit */
        cand c0 = { 1, 0, 0, 0, 0, 0, 0, NULL };
        arima_order o = cand_order(&S, &c0, ARIMA_CSS_ML);
        arima_fit *f = NULL;
        if (ar_fit_core(S.y, n, xreg, k, &o, opts, NULL, NAN, &f) == 0) {
            S.offset = -2.0 * f->loglik - (double)f->nobs * log(f->sigma2);
            arima_free(f);
        } else S.css = 0;
    }
    const int seasonal = ao->s > 1;
    cand init[4] = {
        { 2, 2, seasonal ? 1 : 0, seasonal ? 1 : 0, allow_cst, 0, 0, NULL },
        { 0, 0, 0, 0, allow_cst, 0, 0, NULL },
        { 1, 0, seasonal ? 1 : 0, 0, allow_cst, 0, 0, NULL },
        { 0, 1, 0, seasonal ? 1 : 0, allow_cst, 0, 0, NULL },
    };
    size_t m = 0;
    for (int i = 0; i < 4; i++) {
        cand c = init[i];
        if (c.p > ao->max_p) c.p = ao->max_p;
        if (c.q > ao->max_q) c.q = ao->max_q;
        if (c.P > ao->max_P) c.P = ao->max_P;
        if (c.Q > ao->max_Q) c.Q = ao->max_Q;
        if (!cand_seen(list, m, &c)) list[m++] = c;
    }
    if (allow_cst) { cand c = { 0, 0, 0, 0, 0, 0, 0, NULL }; if (!cand_seen(list, m, &c)) list[m++] = c; }
    size_t best = stepwise(&S, ao, allow_cst, maxm, 0, &m);
    /* auto.arima's own path (r_path). With gaps and CSS it runs on the data
     * as given, as auto.arima's CSS does (a gap's NaN then runs on through
     * the MA recursion), so on its own list; else through ours. */
    cand rbest = { 0, 0, 0, 0, 0, 0, 0, NULL };
    int have_rbest = 0;
    size_t mr = 0, rk[128], nrk = 0; /* fits on rl; auto.arima's models */
    const cand *rlist = list;
    {
        search R = S;
        pthread_mutex_init(&R.mu, NULL);
        size_t *pm = &m, rcap = cap;
        if (S.css && anyna) R.y = y, R.list = rl, pm = &mr, rcap = 128;
        size_t ri = r_path(&R, ao, allow_cst, rcap, pm, maxm, rk, &nrk);
        pthread_mutex_destroy(&R.mu);
        rlist = R.list;
        if (ri < rcap && isfinite(R.list[ri].ic)) rbest = R.list[ri], have_rbest = 1;
        best = best_of(list, m);
    }

    /* Final ranking by the exact (CSS-ML) AICc, fits kept. The CSS
     * criterion only approximates AICc and favours seasonal MA terms, so
     * after a CSS search up to 5 candidates within 10 units of its best
     * are refitted exactly (in parallel); after an exact search, the best. */
    cand top[6];
    size_t nt = 0;
    double best_ic = list[best].ic;
    for (; nt < (S.css ? 5u : 1u); nt++) {
        size_t bi = m;
        for (size_t i = 0; i < m; i++)
            if (isfinite(list[i].ic) && !cand_seen(top, nt, &list[i]) && (bi == m || list[i].ic < list[bi].ic))
                bi = i;
        if (bi == m || (nt > 0 && list[bi].ic > best_ic + 10.0)) break;
        top[nt] = list[bi];
    }
    /* and auto.arima's choice (when its path ran apart from ours) */
    const size_t nown = nt;
    if (S.css && have_rbest && !cand_seen(top, nt, &rbest)) top[nt++] = rbest;
    const int used_css = S.css;
    S.y = y;
    /* the refits without standard errors (a Hessian costs 4 np^2
     * likelihoods); the winner is fitted once more with them */
    cand win = { 0, 0, 0, 0, 0, 0, 0, NULL };
    size_t bi = refit_exact(&S, top, nt, ao->threads, 0);
    if (bi < nt) win = top[bi];
    size_t jr = have_rbest ? cand_find(top, nt, &rbest) : nt, nrr = 0;
    int own_ok = 0; /* one of our own top models has a usable exact fit */
    for (size_t i = 0; i < nown; i++) own_ok |= isfinite(top[i].ic);
    if (S.css && jr < nt && !isfinite(top[jr].ic)) {
        /* auto.arima's choice failed its exact fit: auto.arima then takes
         * the next usable model of its own ranking; so do we, in batches,
         * and keep it when it beats ours (auto.arima's answer is always a
         * candidate) */
        cand rc[128];
        size_t nrc = 0;
        for (size_t i = 0; i < nrk; i++) {
            const cand *c = &rlist[rk[i]];
            if (!isfinite(c->ic) || cand_seen(rc, nrc, c)) continue;
            size_t j = nrc++;
            for (; j > 0 && rc[j - 1].ic > c->ic; j--) rc[j] = rc[j - 1]; /* by CSS AICc */
            rc[j] = *c;
        }
        size_t i = 0;
        int done_r = 0, batch = ao->threads > 1 ? ao->threads : 1;
        while (!done_r && i < nrc) {
            cand b[8];
            size_t nb = 0;
            for (; i < nrc && nb < (size_t)batch && nb < 8; i++) {
                size_t jt = cand_find(top, nt, &rc[i]);
                if (jt < nt) { /* refitted above: usable ends the walk */
                    if (isfinite(top[jt].ic)) { done_r = 1; break; }
                    continue;
                }
                b[nb++] = rc[i];
            }
            if (!nb) continue;
            nrr += nb;
            size_t wi = refit_exact(&S, b, nb, ao->threads, 0);
            if (wi < nb) {
                done_r = 1;
                if (!win.fit || b[wi].ic < win.ic) { arima_free(win.fit); win = b[wi]; }
                else arima_free(b[wi].fit);
            }
        }
    }
    size_t me = 0;
    if (!own_ok && used_css && nt) {
        /* Every CSS winner's exact fit has a root inside 1.01 (the CSS
         * criterion misjudges MA parts near the boundary, e.g. seasonal MA
         * near -0.79 at s = 24, or over-differenced series). auto.arima then
         * refits down its CSS ranking until one exact fit is usable; so do
         * we, in parallel batches, keeping the best of the first batch with
         * a usable fit. */
        for (size_t i = 0; i < nt; i++) ex[me++] = top[i];
        int batch = ao->threads > 1 ? ao->threads : 1, got = 0;
        while (!got && me + (size_t)batch <= maxm + 32) {
            size_t from = me;
            for (int b = 0; b < batch; b++) {
                size_t ci = m;
                for (size_t i = 0; i < m; i++)
                    if (isfinite(list[i].ic) && !cand_seen(ex, me, &list[i]) && (ci == m || list[i].ic < list[ci].ic))
                        ci = i;
                if (ci == m) break;
                ex[me++] = list[ci];
            }
            if (me == from) break;
            size_t wi = refit_exact(&S, ex + from, me - from, ao->threads, 0);
            if (wi < me - from) {
                got = 1;
                cand w = ex[from + wi];
                if (!win.fit || w.ic < win.ic) {
                    arima_free(win.fit);
                    win = w;
                    snprintf(note, sizeof note, "the CSS search's best models failed their exact fits: "
                                                "the next usable one in its ranking was taken");
                } else arima_free(w.fit);
            }
        }
    }
    arima_fit *f = win.fit;
    if (f && (opts ? opts->std_errors || opts->polish : 1)) {
        /* the same fit again (deterministic), now with standard errors and
         * the polishing restart (R's log-likelihood, arima_opts.polish);
         * when the polished fit fails the root check (polishing can move a
         * seasonal MA past -0.79, 1.01 at s = 24), the fit as searched */
        win.fit = NULL;
        if (refit_exact(&S, &win, 1, 1, 1) == 0) {
            arima_free(f);
            f = win.fit;
        } else {
            snprintf(note, sizeof note, "the polished refit failed its root check: the fit "
                                        "as searched, without standard errors");
        }
    }
    pthread_mutex_destroy(&S.mu);
    int rc = f ? 0 : HR_ENOCONV;
    if (!f) {
        /* fallback: ARIMA(0,d,0)(0,D,0) with constant when allowed, then without */
        for (int cst = allow_cst; cst >= 0 && rc; cst--) {
            cand c = { 0, 0, 0, 0, cst, 0, 0, NULL };
            arima_order o = cand_order(&S, &c, ARIMA_ML);
            rc = ar_fit_core(y, n, xreg, k, &o, opts, NULL, NAN, &f);
        }
        snprintf(note, sizeof note, "no candidate could be fitted: fell back to ARIMA(0,%d,0)(0,%d,0)", d, D);
    }
    mem_free(work);
    mem_free(list);
    mem_free(yi);
    if (models) *models = (int)(m + mr + nrr + (me > nt ? me - nt : 0)); /* + the refits down a ranking */
    if (rc) return rc == HR_ENOMEM ? rc : err_set(HR_ENOCONV, "arima_auto: no model could be fitted");
    if (note[0]) ar_note_add(f, note);
    *out = f;
    return 0;
}
