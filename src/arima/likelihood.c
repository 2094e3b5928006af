/* likelihood.c — the objectives the optimiser minimises, each with its
 * own context: R's filter (ar_armafn), the differenced series as a stationary
 * ARMA (ar_armafn_w), beta profiled out by GLS (ar_armafn_p) and R's conditional
 * sum of squares (ar_armacss). */
#include "arima/arima_internal.h"
#include "stats/linalg.h"
#include "util/error.h"
#include "util/mem.h"
#include <float.h>
#include <math.h>
#include <string.h>
void ar_lik_free(lik_ctx *c)
{
    if (!c) return;
    ar_ssm_free(&c->S);
    mem_free(c->w);
    mem_free(c->full);
    memset(c, 0, sizeof *c);
}

void ar_arma_free(arma_ctx *a)
{
    if (!a) return;
    mem_free(a->wd);
    mem_free(a->nz);
    ar_ao_free(&a->ao);
    memset(a, 0, sizeof *a);
}

void ar_prof_free(prof_ctx *p)
{
    if (!p) return;
    mem_free(p->pD);
    mem_free(p->pmiss);
    ar_ao_free(&p->pao);
    memset(p, 0, sizeof *p);
}

/* hours where y or a regressor is missing (NaN in ar_spec_resid's w) */
static size_t count_missing(const spec *m, const double *y)
{
    size_t nm = 0;
    for (size_t t = 0; t < m->n; t++) {
        int miss = isnan(y[t]);
        for (size_t j = 0; j < m->ncx && !miss; j++) miss = isnan(m->X[j * m->n + t]);
        nm += (size_t)miss;
    }
    return nm;
}

/* Whether ar_armafn_w (the missing hours as outlier columns) costs less per
 * evaluation than R's filter (ar_armafn) on y's missing hours. Per hour an
 * outlier column costs ~r (its state) plus its row of the envelope (the
 * outliers alive), counted as alive for AO_LIFE hours after its hour (under
 * a seasonal MA near -1 they live 3,000-4,000 hours, with AR terms less:
 * an upper bound); R's filter costs ~rd^2 per hour while its gain moves,
 * and every missing hour sets it moving again. A unit of the outliers' sum
 * costs about a fifth of a unit of N rd^2 (s = 24, one thread), hence
 * ar_armafn_w while its sum is below AO_RATIO N rd^2. */
enum { AO_LIFE = 4000, AO_RATIO = 4 };
int ar_ao_cheaper(const spec *m, const double *y)
{
    const size_t n = m->n, nd = m->nd, r = m->r, rd = r + nd;
    double cost = 0.0;
    size_t hi = 0, lo = 0, live = 0; /* hours scanned for the outliers' start and end */
    for (size_t t = nd; t < n; t++) { /* hour t of the series, t - nd of w */
        for (; hi <= t; hi++) live += isnan(y[hi]) ? 1u : 0u;
        for (; lo + AO_LIFE <= t; lo++) live -= isnan(y[lo]) ? 1u : 0u;
        cost += (double)live * ((double)r + 0.5 * (double)live);
    }
    return cost <= (double)AO_RATIO * (double)(n - nd) * (double)(rd * rd);
}

int ar_lik_init(lik_ctx *c, const spec *m, const double *y)
{
    memset(c, 0, sizeof *c);
    c->m = m;
    c->y = y;
    size_t np = m->narma + m->ncx;
    c->full = mem_calloc(np + 1, sizeof(double));
    c->w = mem_array(m->n + m->pe + m->qe + 2, sizeof(double));
    if (!c->full || !c->w) { ar_lik_free(c); return err_set(HR_ENOMEM, "arima fit: out of memory for the likelihood"); }
    c->phi = c->w + m->n;
    c->theta = c->phi + m->pe + 1;
    int rc = ar_ssm_alloc(&c->S, m);
    if (rc) { ar_lik_free(c); return rc; }
    return 0;
}

int ar_arma_init(arma_ctx *a, lik_ctx *c)
{
    memset(a, 0, sizeof *a);
    a->c = c;
    const spec *m = c->m;
    const size_t r = m->r, nmiss = count_missing(m, c->y), am = nmiss <= AO_MAX ? nmiss : 0;
    size_t q0w = m->pe * (m->pe + 1) / 2 + 3 * r + m->qe + 3;
    size_t aow = (am + 4) * r + 2 * am + 2;
    a->amax = am;
    a->wd = mem_array(m->n + 3 * r + m->nd + 1 + (q0w > aow ? q0w : aow), sizeof(double));
    a->nz = mem_array(m->qe + 2 + am, sizeof(size_t));
    if (!a->wd || !a->nz) { ar_arma_free(a); return err_set(HR_ENOMEM, "arima fit: out of memory for the likelihood"); }
    int rc = ar_ao_alloc(&a->ao, 1, am);
    if (rc) { ar_arma_free(a); return rc; }
    a->miss = a->nz + m->qe + 2;
    a->Sw.r = a->Sw.rd = r;
    a->Sw.phi = a->wd + m->n;
    a->Sw.v = a->Sw.phi + r;
    a->poly = a->Sw.v + r;
    a->poly[0] = 1.0;
    for (size_t k = 0; k < m->nd; k++) a->poly[k + 1] = -m->delta[k];
    a->ck = a->poly + m->nd + 1;
    return 0;
}

static void ctx_set(lik_ctx *c, const double *x)
{
    size_t j = 0, np = c->m->narma + c->m->ncx;
    for (size_t i = 0; i < np; i++)
        if (!c->mask || c->mask[i]) c->full[i] = x[j++];
}

/* R's armafn: the concentrated -loglik / n.used up to constants,
 * 0.5 (log(ssq/nu) + sumlog/nu). DBL_MAX when Q0 cannot be built. */
double ar_armafn(const double *x, void *ud)
{
    lik_ctx *c = ud;
    const spec *m = c->m;
    ctx_set(c, x);
    ar_trans_pars(m, c->full, c->trans, c->phi, c->theta);
    if (ar_ssm_set(&c->S, m, c->phi, c->theta, m->kappa)) return DBL_MAX;
    ar_spec_resid(m, c->y, c->full + m->narma, c->w);
    lik_sums L = ar_ssm_filter(&c->S, c->w, m->n, NULL);
    c->last = L;
    if (L.nu == 0 || !(L.ssq > 0.0)) return DBL_MAX;
    double s2 = L.ssq / (double)L.nu;
    double f = 0.5 * (log(s2) + L.sumlog / (double)L.nu);
    return isfinite(f) ? f : DBL_MAX;
}

/* The differenced-series objective, ar_armafn's counterpart in estimation:
 * w = Delta (y - X beta) as the stationary ARMA(p', q') it is, from Q0
 * with no differencing states, by ar_chandra_ao. With d = D = 0 that is R's
 * likelihood (measured 1e-14 relative); with differencing and without
 * missing hours, the likelihood R's diffuse filter approaches as kappa -> Inf
 * (Ansley & Kohn 1985, Ann. Statist. 13; Durbin & Koopman 2012, sec.
 * 5.7): measured within 1e-4..1.2e-2 log-likelihood units of R's value at
 * kappa = 1e6 (10 load series, s = 24, several orders), nearly constant in
 * the parameters. Missing hours (at most AO_MAX) are set to 0 and each
 * gets a regression column, its differencing polynomial, concentrated out
 * by GLS: the likelihood of the observed hours is that of the filled series
 * at the GLS estimate times |X' Sigma^-1 X|^(-1/2) (Gomez & Maravall 1994,
 * JASA 89, sec. 3: missing values as additive outliers; from |Sigma| =
 * |Sigma_oo| |(Sigma^-1)_mm|^-1 and the Schur complement of the quadratic
 * form). More missing hours: R's filter (ar_armafn). */
double ar_armafn_w(const double *x, void *ud)
{
    arma_ctx *a = ud;
    lik_ctx *c = a->c;
    const spec *m = c->m;
    const size_t n = m->n, nd = m->nd, s = (size_t)m->s, r = m->r;
    ctx_set(c, x);
    ar_spec_resid(m, c->y, c->full + m->narma, a->wd);
    double *w = a->wd;
    size_t nm = 0;
    for (size_t t = 0; t < n; t++)
        if (isnan(w[t])) {
            if (nm == a->amax) return ar_armafn(x, c);
            a->miss[nm++] = t;
            w[t] = 0.0;
        }
    ar_trans_pars(m, c->full, c->trans, c->phi, c->theta);
    ar_ssm_set_coef(&a->Sw, m, c->phi, c->theta);
    if (ar_q0_col(&a->Sw, m->pe, m->qe, a->ck, a->ck + r, a->nz)) return DBL_MAX;
    /* d = D = 0 with missing hours: R's filter leaves out the hours whose
     * prediction variance F is 1e4 or more (sigma2 = 1), which the outliers
     * do not. F never exceeds the variance gamma(0) = Q0[0][0] (conditioning
     * cannot add variance), so below the cut (with room for rounding:
     * 5e3) no hour is left out and the likelihoods agree; else R's filter. */
    if (!nd && nm && !(a->ck[0] < 5e3)) return ar_armafn(x, c);
    for (int i = 0; i < m->d; i++)
        for (size_t l = n - 1; l > 0; l--) w[l] -= w[l - 1];
    for (int i = 0; i < m->D; i++)
        for (size_t l = n - 1; l >= s; l--) w[l] -= w[l - s];
    double *wk = a->ck + r, *z = wk + (nm + 4) * r + nm + 1; /* ar_q0_col's workspace is free again */
    lik_sums L = ar_chandra_ao(&a->Sw, a->ck, w + nd, n - nd, 1, n - nd, nd, a->miss, nm, a->poly,
                            &a->ao, wk, NULL);
    /* GLS over the outlier columns: G_AA = U'U (ar_env_chol), then
     * ssq = G_ww - |U'^-1 G_Aw|^2 and log |X' Sigma^-1 X| = 2 sum log U_jj */
    double logdet = 0.0;
    if (nm > 0) {
        if (ar_env_chol(&a->ao)) return ar_armafn(x, c); /* an hour the data cannot identify */
        memcpy(z, a->ao.Gx, nm * sizeof(double));
        ar_env_trsv_t(&a->ao, z);
        for (size_t j = 0; j < nm; j++) L.ssq -= z[j] * z[j];
        logdet = ar_env_logdet(&a->ao);
    }
    L.sumlog += logdet;
    L.nu -= nm;
    c->last = L;
    if (L.nu == 0 || L.nu > n || !(L.ssq > 0.0)) return DBL_MAX;
    double s2 = L.ssq / (double)L.nu;
    double f = 0.5 * (log(s2) + L.sumlog / (double)L.nu);
    return isfinite(f) ? f : DBL_MAX;
}

/* Profile likelihood over the ARMA parameters, beta concentrated out.
 * For given ARMA parameters the likelihood of y = X beta + eta is a
 * Gaussian regression with covariance sigma2 Sigma, maximised over beta by
 * GLS: filtering Delta y and every column of Delta X with the same
 * innovations gains (ar_chandra_ao) gives G = sum v v' / F = [y X]' Sigma^-1
 * [y X] (with the missing-hour columns A of ar_armafn_w), and
 *   ssq(beta_hat) = G_yy - G_yz' G_zz^-1 G_zy,  z = [A X]
 * (regression by augmenting the filter with the design columns: Durbin &
 * Koopman 2012, sec. 6.2). Only A's block enters log |X' Sigma^-1 X|
 * (ar_armafn_w's diffuse outliers); beta is an ML
 * parameter as in R's arima(xreg=), so min over beta of ar_armafn_w equals
 * this value. One pass over ncx + 1 columns replaces 2 ncx gradient
 * evaluations and the O(ncx^2) Hessians. The factor of G_zz is taken in
 * blocks: U_AA by ar_env_chol, Z = U_AA'^-1 G_A[y X], then the Schur
 * complement S = G_[y X] - Z'Z, whose X block's Cholesky factor is U_XX
 * (p->pUx, the trailing block of G_zz's factor) and
 *   ssq = S_yy - |U_XX'^-1 S_Xy|^2,  beta_hat = U_XX^-1 U_XX'^-1 S_Xy.
 * Leaves beta_hat in c->full + narma and ssq in p->pssq; DBL_MAX where GLS
 * is singular. */
double ar_armafn_p(const double *x, void *ud)
{
    prof_ctx *p = ud;
    lik_ctx *c = p->c;
    arma_ctx *a = p->a;
    const spec *m = c->m;
    const size_t r = m->r, nw = p->pnw, nm = p->pnm, k = m->ncx;
    memcpy(c->full, x, m->narma * sizeof(double));
    ar_trans_pars(m, c->full, c->trans, c->phi, c->theta);
    ar_ssm_set_coef(&a->Sw, m, c->phi, c->theta);
    ao_sums *g = &p->pao;
    lik_sums L;
    if (p->pkal) {
        if (ar_ssm_set(&c->S, m, c->phi, c->theta, m->kappa)) return DBL_MAX;
        L = ar_kalman_cols(&c->S, p->pD, p->pN, nw, p->pN, p->pmiss, p->pnsk, g->Gd, p->pwork, p->pvbuf);
    } else {
        if (ar_q0_col(&a->Sw, m->pe, m->qe, a->ck, a->ck + r, a->nz)) return DBL_MAX;
        L = ar_chandra_ao(&a->Sw, a->ck, p->pD, p->pN, nw, p->pN, m->nd, p->pmiss, nm, a->poly, g,
                       p->pwork, p->pvbuf);
    }
    double *S = p->pS, *U = p->pUx, *z = S + nw * nw;
    memcpy(S, g->Gd, nw * nw * sizeof(double));
    double logdet = 0.0;
    if (nm > 0) {
        if (ar_env_chol(g)) return DBL_MAX;
        memcpy(p->pZ, g->Gx, nm * nw * sizeof(double));
        for (size_t j = 0; j < nw; j++) ar_env_trsv_t(g, p->pZ + j * nm);
        la_syrk_t(nm, nw, -1.0, p->pZ, nm, 1.0, S, nw);
        logdet = ar_env_logdet(g);
    }
    /* S's order is [y X]: U_XX from rows and columns 1..k */
    for (size_t j = 0; j < k; j++) {
        memcpy(U + j * k, S + (j + 1) * nw + 1, (j + 1) * sizeof(double));
        z[j] = S[(j + 1) * nw];
    }
    if (la_potrf_upper(k, U, k)) {
        err_clear();
        return DBL_MAX;
    }
    la_trsv_upper(1, k, U, k, z);
    double ssq = S[0];
    for (size_t j = 0; j < k; j++) ssq -= z[j] * z[j];
    la_trsv_upper(0, k, U, k, z);
    memcpy(c->full + m->narma, z, k * sizeof(double));
    L.ssq = ssq;
    L.sumlog += logdet;
    L.nu -= nm;
    c->last = L;
    p->pssq = ssq;
    if (L.nu == 0 || !(ssq > 0.0)) return DBL_MAX;
    double f = 0.5 * (log(ssq / (double)L.nu) + L.sumlog / (double)L.nu);
    return isfinite(f) ? f : DBL_MAX;
}

/* ar_armafn_p's data: Delta y and Delta X with the missing hours (y or a
 * regressor NaN; at most AO_MAX, ar_fit_core's cheap condition) set to 0 and
 * given outlier columns, as ar_armafn_w; with d = D = 0 and missing hours,
 * y and X as they are, the missing hours skipped by ar_kalman_cols (pkal).
 * Returns 0, HR_EINVAL (too large for BLAS) or HR_ENOMEM. */
int ar_prof_init(prof_ctx *p, arma_ctx *a)
{
    lik_ctx *c = a->c;
    memset(p, 0, sizeof *p);
    p->c = c;
    p->a = a;
    const spec *m = c->m;
    const size_t n = m->n, nd = m->nd, k = m->ncx, s = (size_t)m->s, nw = k + 1;
    const size_t N = n - nd, r = m->r;
    size_t nm = count_missing(m, c->y), nsk = 0;
    if (nd == 0 && nm > 0) { /* skipped by ar_kalman_cols: no outlier columns */
        p->pkal = 1;
        nsk = nm, nm = 0;
    } else if (nm > AO_MAX) {
        return err_set(HR_EINVAL, "arima fit: %zu missing hours for the regression profile", nm);
    }
    const size_t nc = nw + nm;
    if (la_dims_ok("arima fit: regression profile design", 3, (size_t[]){ n, nw, VBLK * nc })) return HR_EINVAL;
    p->pmiss = mem_array(nm + nsk + 1, sizeof(size_t));
    p->pD = mem_array(nw * n + (nc + 3) * r + nc + nm * nw + nw * nw + k * k + nw + VBLK * nc + 1,
                      sizeof(double));
    if (!p->pmiss || !p->pD) return err_set(HR_ENOMEM, "arima fit: out of memory for the regression profile");
    int rc = ar_ao_alloc(&p->pao, nw, nm);
    if (rc) return rc;
    p->pwork = p->pD + nw * n;
    p->pZ = p->pwork + (nc + 3) * r + nc;
    p->pS = p->pZ + nm * nw;
    p->pUx = p->pS + nw * nw + nw; /* S, then z [nw] */
    p->pvbuf = p->pUx + k * k;
    p->pnw = nw, p->pN = N, p->pnm = nm, p->pnsk = nsk;
    nm = 0;
    for (size_t t = 0; t < n; t++) {
        int miss = isnan(c->y[t]);
        for (size_t j = 0; j < k && !miss; j++) miss = isnan(m->X[j * n + t]);
        if (miss) p->pmiss[nm++] = t;
    }
    double *col = p->pD; /* differenced in place over n, then shifted by nd */
    for (size_t j = 0; j < nw; j++) {
        double *v = col + j * n;
        memcpy(v, j ? m->X + (j - 1) * n : c->y, n * sizeof(double));
        for (size_t u = 0; u < nm; u++) v[p->pmiss[u]] = 0.0;
        for (int i = 0; i < m->d; i++)
            for (size_t l = n - 1; l > 0; l--) v[l] -= v[l - 1];
        for (int i = 0; i < m->D; i++)
            for (size_t l = n - 1; l >= s; l--) v[l] -= v[l - s];
    }
    /* pack: column j's hours nd..n-1 at j N (overlapping moves go forward) */
    for (size_t j = 0; j < nw; j++) memmove(col + j * N, col + j * n + nd, N * sizeof(double));
    return 0;
}

/* R's ARIMA_CSS: difference w, then the conditional residual recursion
 * e_t = w_t - sum phi_j w_{t-j} - sum theta_j e_{t-j} for t >= ncond;
 * returns ssq / nu. resid (optional, [n]) gets e_t (0 before ncond).
 *
 * Only the nonzero coefficients are summed: a seasonal model's expanded
 * polynomials are mostly zeros (8 of 50 lags for (2,0,0)(2,0,0)24), and
 * this sum is most of the time of a CSS fit. Subtracting 0 * x changes
 * nothing when x is finite, so the sparse sum is the full one to the bit;
 * where a lag window holds a non-finite value (0 * NaN = NaN in R's sum)
 * the full sum is taken. */
enum { CSS_SPARSE_MAX = 64 };
double ar_css_value(const spec *m, double *w, const double *phi, const double *theta,
                        size_t ncond, double *resid_out, double *resid)
{
    const size_t n = m->n, s = (size_t)m->s, pe = m->pe, qe = m->qe;
    for (int i = 0; i < m->d; i++)
        for (size_t l = n - 1; l > 0; l--) w[l] -= w[l - 1];
    for (int i = 0; i < m->D; i++)
        for (size_t l = n - 1; l >= s; l--) w[l] -= w[l - s];
    size_t jp[CSS_SPARSE_MAX], jq[CSS_SPARSE_MAX], np = 0, nq = 0;
    int sparse = 1;
    for (size_t j = 0; j < pe && sparse; j++)
        if (phi[j] != 0.0) {
            if (np == CSS_SPARSE_MAX) sparse = 0;
            else jp[np++] = j;
        }
    for (size_t j = 0; j < qe && sparse; j++)
        if (theta[j] != 0.0) {
            if (nq == CSS_SPARSE_MAX) sparse = 0;
            else jq[nq++] = j;
        }
    double ssq = 0.0;
    size_t nu = 0;
    for (size_t l = 0; l < ncond && l < n; l++) resid[l] = 0.0;
    /* non-finite values among w[l - pe .. l-1] and resid[l - qe .. l-1]
     * (resid before ncond is 0) */
    size_t badw = 0, badr = 0;
    for (size_t l = ncond > pe ? ncond - pe : 0; l < ncond && l < n; l++) badw += !isfinite(w[l]);
    for (size_t l = ncond; l < n; l++) {
        double t = w[l];
        size_t jm = l - ncond < qe ? l - ncond : qe;
        if (!sparse || badw || badr) {
            for (size_t j = 0; j < pe; j++) t -= phi[j] * w[l - j - 1];
            for (size_t j = 0; j < jm; j++) t -= theta[j] * resid[l - j - 1];
        } else {
            for (size_t a = 0; a < np; a++) t -= phi[jp[a]] * w[l - jp[a] - 1];
            for (size_t a = 0; a < nq && jq[a] < jm; a++) t -= theta[jq[a]] * resid[l - jq[a] - 1];
        }
        resid[l] = t;
        if (!isnan(t)) { nu++; ssq += t * t; }
        badw += !isfinite(w[l]);
        if (l >= pe) badw -= !isfinite(w[l - pe]);
        badr += !isfinite(t);
        if (l >= qe && qe) badr -= !isfinite(resid[l - qe]);
        else if (!qe) badr = 0;
    }
    if (resid_out) memcpy(resid_out, resid, n * sizeof(double));
    return nu ? ssq / (double)nu : NAN;
}

static double css_at(css_ctx *cc)
{
    lik_ctx *c = cc->c;
    const spec *m = c->m;
    ar_trans_pars(m, c->full, 0, c->phi, c->theta);
    ar_spec_resid(m, c->y, c->full + m->narma, c->w);
    double v = ar_css_value(m, c->w, c->phi, c->theta, cc->ncond, NULL, cc->resid);
    double f = 0.5 * log(v);
    return isfinite(f) ? f : DBL_MAX;
}

double ar_armacss(const double *x, void *ud)
{
    css_ctx *cc = ud;
    ctx_set(cc->c, x);
    return css_at(cc);
}

/* ar_armacss over the ARMA part only, beta held at c->full + narma: the CSS
 * start of a fit whose ML stage profiles beta out (ar_armafn_p), where only
 * the ARMA start values matter. */
double ar_armacss_arma(const double *x, void *ud)
{
    css_ctx *cc = ud;
    memcpy(cc->c->full, x, cc->c->m->narma * sizeof(double));
    return css_at(cc);
}

