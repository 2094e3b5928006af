/* regress.c — least squares the way R's lm() does it, but faster.
 *
 * Exports regress_opts_init, regress_fit_x, regress_fit_ols, regress_free,
 * the accessors (regress_p, regress_rank, regress_nobs, regress_coef,
 * regress_se, regress_sigma, regress_rss, regress_r2, regress_adj_r2,
 * regress_method_used, regress_rcond) and regress_predict /
 * regress_predict_beta. All matrix work goes through linalg.h.
 *
 * Symbols: X (n x p, column-major), y, w weights, G = X'X, U upper Cholesky
 * factor of the kept block (G_SS = U'U), S the kept columns in order,
 * tol R's aliasing tolerance, beta, r = y - X beta.
 *
 * Aliasing (R's dqrdc2, Dongarra et al. LINPACK Users' Guide 1979 ch. 9 as
 * modified for R): column j is dropped when |x_j - P_{S<j} x_j| < tol |x_j|,
 * P_{S<j} the projector on the kept columns left of j. On G this is the
 * Schur complement s_j = G_jj - |U_{S<j}^{-T} G_{S<j,j}|^2 < tol^2 G_jj.
 * X'X carries rounding of order sqrt(n) eps |x_i||x_j|, so s_j/G_jj is only
 * trusted above 1e-9; smaller ones are candidates whose residual is then
 * recomputed from X itself and compared with tol. If R might keep a
 * candidate, the whole fit goes to the QR path.
 */
#include "stats/regress.h"
#include "util/error.h"
#include "stats/linalg.h"
#include "util/mem.h"
#include <float.h>
#include <math.h>
#include <string.h>

struct regress_fit {
    size_t p, n, rank;
    double *beta, *se;     /* [p] each */
    double rss, sigma, r2, adj_r2, rcond;
    int method;
};

/* Candidates with s_j / G_jj below this are re-checked against X. */
#define CAND_RATIO 1e-9
/* At most this many candidates are re-checked; beyond, QR decides. */
#define MAX_CAND 64
#define QR_NB 32

void regress_opts_init(regress_opts *o)
{
    o->tol = 1e-7;
    o->ridge = 0.0;
    o->method = REGRESS_AUTO;
    o->chol_rcond = 1e-6;
    o->gram_only = 0;
}

void regress_free(regress_fit *f)
{
    if (!f) return;
    mem_free(f->beta);
    mem_free(f->se);
    mem_free(f);
}

size_t regress_p(const regress_fit *f) { return f->p; }
size_t regress_rank(const regress_fit *f) { return f->rank; }
size_t regress_nobs(const regress_fit *f) { return f->n; }
const double *regress_coef(const regress_fit *f) { return f->beta; }
const double *regress_se(const regress_fit *f) { return f->se; }
double regress_sigma(const regress_fit *f) { return f->sigma; }
double regress_rss(const regress_fit *f) { return f->rss; }
double regress_r2(const regress_fit *f) { return f->r2; }
double regress_adj_r2(const regress_fit *f) { return f->adj_r2; }
int regress_method_used(const regress_fit *f) { return f->method; }
double regress_rcond(const regress_fit *f) { return f->rcond; }

/* Working problem: the usable rows, scaled by sqrt(w) (so that plain least
 * squares on (Xu, yu) is the weighted problem). Xu may alias the caller's X.
 * Masked form (regress_fit_ld): X is the caller's n x p design (ld) with
 * unusable rows left in place, ok[] marks the usable ones and y is zero on
 * the others, so X'y and X'r need no copy of X (X is finite there). */
typedef struct {
    size_t n, p, ld;
    const double *X, *y; /* n x p (ld), [n] */
    const unsigned char *ok; /* [n] usable rows, or NULL: every row */
    const double *G;     /* [p x p] X_u'X_u given by the caller, or NULL */
    const double *Xty;   /* [p] X_u'y_u given with G, or NULL */
    double *Xown, *yown;
    double *lam;         /* [p] ridge per column (0 for the intercept), or NULL */
    int gram_only;       /* regress_opts.gram_only (with G) */
} work;

/* Rows per block of the refinement's r = y - X beta, g = X'r: 512 x 191
 * doubles (0.8 MB) stay in L2 between the two products. */
#define REFINE_ROWS 512

/* Rows of the Gram accumulation copied at a time: the syrk then reads one
 * contiguous block (1.5 MB at p = 191). */
#define GRAM_CHUNK 1024

/* G += X_u'X_u (and Xty += X_u'y_u when Xty is not NULL) over the rows
 * with ok[i] (ok NULL: with a finite y[i]). */
static int gram_rows(const double *X, size_t ld, size_t n, size_t p, const unsigned char *ok,
                     const double *y, double *G, double *Xty)
{
    size_t cap = n < GRAM_CHUNK ? n : GRAM_CHUNK;
    double *B = mem_array(cap * (p + 1), sizeof *B);
    size_t *row = mem_array(cap, sizeof *row);
    if (!B || !row) {
        mem_free(B);
        mem_free(row);
        return err_set(HR_ENOMEM, "regress_gram_add: out of memory");
    }
    size_t i = 0;
    while (i < n) {
        size_t m = 0;
        for (; i < n && m < cap; i++)
            if (ok ? ok[i] != 0 : isfinite(y[i])) row[m++] = i;
        if (!m) break;
        for (size_t j = 0; j < p; j++) {
            const double *src = X + j * ld;
            double *dst = B + j * m;
            for (size_t a = 0; a < m; a++) dst[a] = src[row[a]];
        }
        la_syrk_t(m, p, 1.0, B, m, 1.0, G, p);
        if (Xty) {
            double *yb = B + p * m;
            for (size_t a = 0; a < m; a++) yb[a] = y[row[a]];
            la_gemv(1, m, p, 1.0, B, m, yb, 1.0, Xty);
        }
    }
    mem_free(B);
    mem_free(row);
    return HR_OK;
}

int regress_gram_add(const double *X, size_t ld, size_t n, size_t p, const double *y, double *G,
                     double *Xty)
{
    if (!X || !y || !G || p == 0 || ld < n)
        return err_set(HR_EINVAL, "regress_gram_add: NULL argument or ld %zu < n %zu", ld, n);
    size_t dims[3] = { ld, p, GRAM_CHUNK };
    int rc = la_dims_ok("regress_gram_add", 3, dims);
    if (rc) return rc;
    if (n == 0) return HR_OK;
    return gram_rows(X, ld, n, p, NULL, y, G, Xty);
}

/* Dense copy of the usable rows of a masked problem (for the QR path). */
static int compact_rows(const work *wk, size_t nu, double **Xc, double **yc)
{
    const size_t n = wk->n, p = wk->p;
    *Xc = mem_array(nu * p, sizeof **Xc);
    *yc = mem_array(nu, sizeof **yc);
    if (!*Xc || !*yc) {
        mem_free(*Xc);
        mem_free(*yc);
        *Xc = *yc = NULL;
        return err_set(HR_ENOMEM, "regress: out of memory (copy of %zu x %zu)", nu, p);
    }
    for (size_t j = 0; j <= p; j++) {
        const double *src = j < p ? wk->X + j * wk->ld : wk->y;
        double *dst = j < p ? *Xc + j * nu : *yc;
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (!wk->ok || wk->ok[i]) dst[m++] = src[i];
    }
    return HR_OK;
}

/* Solve U_k'U_k x = b in place with the leading k x k block of U (ld ldu). */
static void chol_solve(size_t k, const double *U, size_t ldu, double *x)
{
    la_trsv_upper(1, k, U, ldu, x);
    la_trsv_upper(0, k, U, ldu, x);
}

/* Diagonal of (R'R)^{-1} for upper R (k x k, ld ldr) into d[k]:
 * d_i = sum_b (R^{-1})_{ib}^2. */
static int inv_diag(size_t k, const double *R, size_t ldr, double *d)
{
    double *Ri = mem_array(k * k + 1, sizeof *Ri);
    if (!Ri) return err_set(HR_ENOMEM, "regress: out of memory (%zu x %zu inverse)", k, k);
    for (size_t b = 0; b < k; b++)
        for (size_t a = 0; a < k; a++) Ri[a + b * k] = a <= b ? R[a + b * ldr] : 0.0;
    int rc = k ? la_trtri_upper(k, Ri, k) : HR_OK;
    if (rc == HR_OK)
        for (size_t a = 0; a < k; a++) {
            double s = 0;
            for (size_t b = a; b < k; b++) s += Ri[a + b * k] * Ri[a + b * k];
            d[a] = s;
        }
    mem_free(Ri);
    return rc;
}

/* rcond of R D^{-1} where D = diag(colnorm[kept]): the column-scaled design. */
static int scaled_rcond(size_t k, const double *R, size_t ldr, const double *cn, double *rc)
{
    if (k == 0) { *rc = 1.0; return HR_OK; }
    double *S = mem_array(k * k, sizeof *S);
    if (!S) return err_set(HR_ENOMEM, "regress: out of memory");
    for (size_t b = 0; b < k; b++)
        for (size_t a = 0; a < k; a++) S[a + b * k] = a <= b ? R[a + b * ldr] / cn[b] : 0.0;
    int st = la_trcon_upper(k, S, k, rc);
    mem_free(S);
    return st;
}

/* ---- fast path: Cholesky of X'X with R's aliasing rule ------------------
 * Returns HR_OK and fills beta/se/rcond, or -1 meaning "use QR" (nothing
 * recorded as an error), or an HR_E code. */
static int fit_chol(const work *wk, double tol, double rcond_min, regress_fit *f)
{
    const size_t n = wk->n, p = wk->p, ld = wk->ld;
    const double *X = wk->X, *y = wk->y;
    const unsigned char *ok = wk->ok;
    int rc = HR_ENOMEM;
    double *G = mem_array(p * p, sizeof *G), *U = mem_calloc(p * p, sizeof *U);
    double *b = mem_array(p, sizeof *b), *cn = mem_array(p, sizeof *cn);
    size_t *kept = mem_array(p, sizeof *kept), *cand = mem_array(MAX_CAND, sizeof *cand);
    size_t *candk = mem_array(MAX_CAND, sizeof *candk);
    double *candr = mem_calloc(p * MAX_CAND, sizeof *candr);
    double *r = mem_array(n, sizeof *r), *g = mem_array(p, sizeof *g);
    double *E = NULL, *A = NULL, *e2 = NULL;
    if (!G || !U || !b || !cn || !kept || !cand || !candk || !candr || !r || !g) {
        rc = err_set(HR_ENOMEM, "regress: out of memory (%zu x %zu normal equations)", p, p);
        goto done;
    }
    /* G = X'X (upper) over the usable rows, b = X'y (y is 0 on the others) */
    if (wk->G) {
        memcpy(G, wk->G, p * p * sizeof *G);
    } else if (ok) {
        memset(G, 0, p * p * sizeof *G);
        rc = gram_rows(X, ld, n, p, ok, y, G, NULL);
        if (rc) goto done;
        rc = HR_ENOMEM;
    } else {
        la_syrk_t(n, p, 1.0, X, ld, 0.0, G, p);
    }
    if (wk->G && wk->Xty) memcpy(b, wk->Xty, p * sizeof *b);
    else la_gemv(1, n, p, 1.0, X, ld, y, 0.0, b);

    size_t k = 0, ncand = 0;
    const double cand_ratio = fmax(CAND_RATIO, 10 * tol * tol);
    for (size_t j = 0; j < p; j++) {
        const double lam = wk->lam ? wk->lam[j] : 0.0;
        const double gjj = G[j + j * p] + lam;
        if (!(gjj > 0)) continue; /* zero column: |x_j| = 0 < tol, R drops it */
        double *u = U + k * p;
        for (size_t a = 0; a < k; a++) u[a] = G[kept[a] + j * p];
        la_trsv_upper(1, k, U, p, u); /* u = U^{-T} G_{S<j,j} */
        const double s = gjj - la_dot(k, u, u);
        if (!wk->lam && !(s > cand_ratio * gjj)) {
            if (wk->gram_only) continue; /* aliased on the pivot alone */
            if (ncand == MAX_CAND) { rc = -1; goto done; }
            memcpy(candr + ncand * p, u, k * sizeof *u);
            cand[ncand] = j;
            candk[ncand++] = k;
            continue;
        }
        if (!(s > 0)) { rc = -1; goto done; }
        U[k + k * p] = sqrt(s);
        cn[k] = sqrt(gjj);
        kept[k++] = j;
    }
    for (size_t a = k; a < p; a++) memset(U + a * p, 0, p * sizeof *U);

    rc = scaled_rcond(k, U, p, cn, &f->rcond);
    if (rc) goto done;
    if (f->rcond < rcond_min && !wk->gram_only) { rc = -1; goto done; }

    /* Re-check each candidate against X: e_c = x_j - X_{S<j} c_j for the
     * coefficients c_j from the factor. Any c gives an upper bound on the
     * least-squares residual, so |e_c| < tol |x_j| proves R drops x_j
     * (up to the eps-level rounding of forming e_c); otherwise the decision
     * is left to QR. E = X A is formed block by block in the first
     * refinement sweep below, which reads those rows of X anyway; the
     * decision is taken after that sweep (beta is not used before). */
    if (ncand) {
        E = mem_array(REFINE_ROWS * ncand, sizeof *E);
        A = mem_calloc(p * ncand, sizeof *A);
        e2 = mem_calloc(ncand, sizeof *e2);
        if (!E || !A || !e2) { rc = err_set(HR_ENOMEM, "regress: out of memory"); goto done; }
        for (size_t c = 0; c < ncand; c++) {
            double *u = candr + c * p;
            la_trsv_upper(0, candk[c], U, p, u); /* coefficients on S<j */
            for (size_t a = 0; a < candk[c]; a++) A[kept[a] + c * p] = -u[a];
            A[cand[c] + c * p] = 1.0;
        }
    }

    /* beta_S from U'U beta = X_S'y, then iterative refinement with
     * r = y - X beta computed from X (corrected normal equations; each step
     * contracts the error by ~eps cond(X)^2, < 1e-4 after the rcond check).
     * Iteration 0 is the plain solve (beta = 0, r = y, g = X'y). Stop when
     * the correction is below the attainable floor ~eps cond(X) |beta|
     * (that of QR too) or stops shrinking; fail if the floor is never met. */
    double *beta = f->beta;
    for (size_t j = 0; j < p; j++) beta[j] = 0.0;
    const double floor_rel = fmax(16 * DBL_EPSILON, 4 * DBL_EPSILON / f->rcond);
    int conv = 0;
    double prev = INFINITY;
    for (int it = 0; it < 6; it++) {
        if (it == 0) {
            for (size_t a = 0; a < k; a++) g[a] = b[kept[a]];
        } else {
            /* r = y - X beta and g = X'r (and in the first sweep the
             * candidates' E = X A), a block of rows at a time so that the
             * later products read the block from cache */
            const int cands = it == 1 && ncand;
            memset(g, 0, p * sizeof *g);
            for (size_t i0 = 0; i0 < n; i0 += REFINE_ROWS) {
                const size_t nb = n - i0 < REFINE_ROWS ? n - i0 : REFINE_ROWS;
                memcpy(r + i0, y + i0, nb * sizeof *r);
                la_gemv(0, nb, p, -1.0, X + i0, ld, beta, 1.0, r + i0);
                if (ok)
                    for (size_t i = i0; i < i0 + nb; i++)
                        if (!ok[i]) r[i] = 0.0;
                la_gemv(1, nb, p, 1.0, X + i0, ld, r + i0, 1.0, g);
                if (!cands) continue;
                la_gemm(0, 0, nb, ncand, p, 1.0, X + i0, ld, A, p, 0.0, E, nb);
                for (size_t c = 0; c < ncand; c++) {
                    double *ec = E + c * nb;
                    if (ok)
                        for (size_t i = 0; i < nb; i++)
                            if (!ok[i0 + i]) ec[i] = 0.0;
                    e2[c] += la_dot(nb, ec, ec);
                }
            }
            for (size_t c = 0; cands && c < ncand; c++)
                if (!(e2[c] < tol * tol * G[cand[c] + cand[c] * p])) { rc = -1; goto done; } /* R might keep it */
            for (size_t a = 0; a < k; a++) {
                size_t j = kept[a];
                g[a] = g[j] - (wk->lam ? wk->lam[j] * beta[j] : 0.0);
            }
        }
        chol_solve(k, U, p, g);
        double dmax = 0, bmax = 0;
        for (size_t a = 0; a < k; a++) {
            beta[kept[a]] += g[a];
            dmax = fmax(dmax, fabs(g[a]) * cn[a]);
            bmax = fmax(bmax, fabs(beta[kept[a]]) * cn[a]);
        }
        if (it == 0 && wk->gram_only) { conv = 1; break; } /* the plain solve */
        if (it == 0) continue;
        conv = dmax <= fmax(1e-10, 2 * floor_rel) * bmax;
        if (dmax <= floor_rel * bmax || (conv && dmax > 0.25 * prev)) break;
        prev = dmax;
    }
    if (!conv) { rc = -1; goto done; }

    for (size_t j = 0; j < p; j++) f->se[j] = NAN;
    if (!wk->gram_only) {
        rc = inv_diag(k, U, p, g);
        if (rc) goto done;
        for (size_t a = 0; a < k; a++) f->se[kept[a]] = wk->lam ? NAN : g[a]; /* times sigma later */
    }
    {
        size_t a = 0;
        for (size_t j = 0; j < p; j++) {
            if (a < k && kept[a] == j) a++;
            else beta[j] = NAN;
        }
    }
    f->rank = k;
    f->method = REGRESS_CHOL;
    rc = HR_OK;
done:
    mem_free(G); mem_free(U); mem_free(b); mem_free(cn); mem_free(kept); mem_free(cand);
    mem_free(candk); mem_free(candr); mem_free(r); mem_free(g); mem_free(E); mem_free(A);
    mem_free(e2);
    return rc;
}

/* ---- fallback: blocked Householder QR with R's dqrdc2 dropping rule -----
 * Panels of QR_NB columns receive the earlier reflectors at once (dormqr,
 * level 3); inside a panel each column is tested, then reduced by dlarfg and
 * its reflector applied to the rest of the panel (level 2). Kept columns are
 * packed to the left, so A[:, 0:k] holds R and the reflectors as dgeqrf does. */
static int fit_qr(const work *wk_in, double tol, regress_fit *f)
{
    work wc = *wk_in;
    const work *wk = &wc;
    double *Xc = NULL, *yc = NULL;
    if (wk_in->ok || wk_in->ld != wk_in->n) {
        int rcc = compact_rows(wk_in, f->n, &Xc, &yc);
        if (rcc) return rcc;
        wc.X = Xc, wc.y = yc, wc.n = wc.ld = f->n, wc.ok = NULL;
    }
    const size_t n = wk->n, p = wk->p;
    int rc;
    double *A = mem_array(n * p, sizeof *A), *tau = mem_array(p, sizeof *tau);
    double *nrm0 = mem_array(p, sizeof *nrm0), *cn = mem_array(p, sizeof *cn);
    double *qty = mem_array(n, sizeof *qty), *wv = mem_array(QR_NB, sizeof *wv);
    size_t *kept = mem_array(p, sizeof *kept);
    if (!A || !tau || !nrm0 || !cn || !qty || !wv || !kept) {
        rc = err_set(HR_ENOMEM, "regress: out of memory (QR of %zu x %zu)", n, p);
        goto done;
    }
    memcpy(A, wk->X, n * p * sizeof *A);
    for (size_t j = 0; j < p; j++) nrm0[j] = la_nrm2(n, A + j * n);

    size_t k = 0;
    for (size_t j0 = 0; j0 < p; j0 += QR_NB) {
        const size_t j1 = j0 + QR_NB < p ? j0 + QR_NB : p;
        rc = la_ormqr_lt(n, j1 - j0, k, A, n, tau, A + j0 * n, n);
        if (rc) goto done;
        for (size_t j = j0; j < j1; j++) {
            if (k == n) continue; /* every further column lies in the span */
            const double *col = A + j * n;
            const double ref = nrm0[j] > 0 ? nrm0[j] : 1.0; /* dqrdc2: work(j,2) */
            if (!(la_nrm2(n - k, col + k) >= tol * ref)) continue;
            if (j != k) memcpy(A + k * n, col, n * sizeof *A);
            double *v = A + k * n + k, alpha = v[0];
            la_larfg(n - k, &alpha, v + 1, &tau[k]);
            const size_t rest = j1 - j - 1;
            if (rest && tau[k] != 0) {
                double *C = A + (j + 1) * n + k;
                v[0] = 1.0;
                la_gemv(1, n - k, rest, 1.0, C, n, v, 0.0, wv);
                la_ger(n - k, rest, -tau[k], v, wv, C, n);
            }
            v[0] = alpha;
            cn[k] = nrm0[j];
            kept[k++] = j;
        }
    }
    memcpy(qty, wk->y, n * sizeof *qty);
    rc = la_ormqr_lt(n, 1, k, A, n, tau, qty, n);
    if (rc) goto done;
    la_trsv_upper(0, k, A, n, qty);
    for (size_t j = 0; j < p; j++) f->beta[j] = f->se[j] = NAN;
    for (size_t a = 0; a < k; a++) f->beta[kept[a]] = qty[a];
    rc = scaled_rcond(k, A, n, cn, &f->rcond);
    if (rc) goto done;
    rc = inv_diag(k, A, n, qty);
    if (rc) goto done;
    for (size_t a = 0; a < k; a++) f->se[kept[a]] = qty[a];
    f->rank = k;
    f->method = REGRESS_QR;
done:
    mem_free(A); mem_free(tau); mem_free(nrm0); mem_free(cn); mem_free(qty); mem_free(wv);
    mem_free(kept); mem_free(Xc); mem_free(yc);
    return rc;
}

/* Ridge is solved on the normal equations only (G + Lambda is positive
 * definite), so it uses fit_chol's path with lam set. */

/* The fit of regress_fit_x (ld = n, masked = 0) and regress_fit_ld
 * (masked = 1: X finite, unweighted, rows skipped by mask instead of a
 * copy, optional Gram G of the usable rows). yhat_out: [n] fitted values
 * of every row, or NULL. */
static int fit_rows(const double *X, size_t ld, size_t n, size_t p, const double *y,
                    const double *w, const regress_opts *opts, const double *G,
                    const double *Xty, int masked, regress_fit **out, double *yhat_out)
{
    regress_opts o;
    if (opts) o = *opts;
    else regress_opts_init(&o);
    if (out) *out = NULL;
    if (!X || !y || !out || n == 0 || p == 0 || ld < n)
        return err_set(HR_EINVAL, "regress: empty design (n = %zu, p = %zu) or NULL argument", n, p);
    if (!(o.tol > 0 && o.tol < 1) || !(o.ridge >= 0) || o.method < 0 || o.method > 2)
        return err_set(HR_EINVAL, "regress: invalid options (tol %g, ridge %g, method %d)",
                      o.tol, o.ridge, o.method);
    size_t dims[3] = { n, p, ld };
    int rc = la_dims_ok("regress", 3, dims);
    if (rc) return rc;

    /* usable rows */
    unsigned char *ok = mem_array(n, 1);
    if (!ok) return err_set(HR_ENOMEM, "regress: out of memory");
    for (size_t i = 0; i < n; i++) {
        ok[i] = isfinite(y[i]) ? 1 : 0;
        if (w) {
            if (isnan(w[i]) || w[i] < 0) {
                mem_free(ok);
                return err_set(HR_EINVAL, "regress: row %zu: weight %g is negative or NaN", i, w[i]);
            }
            if (!(w[i] > 0) || isinf(w[i])) ok[i] = 0;
        }
    }
    if (!masked)
        for (size_t j = 0; j < p; j++) {
            const double *c = X + j * ld;
            for (size_t i = 0; i < n; i++)
                if (!isfinite(c[i])) ok[i] = 0;
        }
    size_t nu = 0;
    for (size_t i = 0; i < n; i++) nu += ok[i];
    if (nu == 0) {
        mem_free(ok);
        return err_set(HR_EDATA, "regress: no usable row (every row has a missing y, X entry or zero weight)");
    }
    if (p > nu) {
        mem_free(ok);
        return err_set(HR_ESINGULAR, "regress: more columns (%zu) than usable rows (%zu)", p, nu);
    }

    /* intercept: a column equal to 1 on every usable row */
    int has_int = 0;
    size_t int_col = 0;
    for (size_t j = 0; j < p && !has_int; j++) {
        const double *c = X + j * ld;
        size_t i = 0;
        while (i < n && (!ok[i] || c[i] == 1.0)) i++;
        if (i == n) has_int = 1, int_col = j;
    }

    regress_fit *f = mem_calloc(1, sizeof *f);
    work wk = { .n = nu, .p = p, .ld = nu, .X = X, .y = y };
    double *fit = NULL;
    if (!f || !(f->beta = mem_array(p, sizeof *f->beta)) || !(f->se = mem_array(p, sizeof *f->se))) {
        rc = err_set(HR_ENOMEM, "regress: out of memory");
        goto fail;
    }
    f->p = p;
    f->n = nu;
    if (masked) {
        /* every row stays in place; y is zeroed on the skipped ones */
        wk.n = n, wk.ld = ld, wk.G = G, wk.Xty = Xty;
        wk.gram_only = G && Xty && o.gram_only;
        if (nu != n) {
            wk.yown = mem_array(n, sizeof *wk.yown);
            if (!wk.yown) { rc = err_set(HR_ENOMEM, "regress: out of memory"); goto fail; }
            for (size_t i = 0; i < n; i++) wk.yown[i] = ok[i] ? y[i] : 0.0;
            wk.y = wk.yown;
            wk.ok = ok;
        }
    } else if (nu != n || w) { /* compact (and scale by sqrt(w)) the usable rows */
        wk.Xown = mem_array(nu * p, sizeof *wk.Xown);
        wk.yown = mem_array(nu, sizeof *wk.yown);
        if (!wk.Xown || !wk.yown) {
            rc = err_set(HR_ENOMEM, "regress: out of memory (copy of %zu x %zu)", nu, p);
            goto fail;
        }
        for (size_t j = 0; j <= p; j++) {
            const double *src = j < p ? X + j * ld : y;
            double *dst = j < p ? wk.Xown + j * nu : wk.yown;
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (ok[i]) dst[m++] = w ? src[i] * sqrt(w[i]) : src[i];
        }
        wk.X = wk.Xown;
        wk.y = wk.yown;
    } else {
        wk.ld = ld;
    }
    if (o.ridge > 0) {
        wk.lam = mem_array(p, sizeof *wk.lam);
        if (!wk.lam) { rc = err_set(HR_ENOMEM, "regress: out of memory"); goto fail; }
        for (size_t j = 0; j < p; j++) wk.lam[j] = has_int && j == int_col ? 0.0 : o.ridge;
    }

    rc = -1;
    if (o.method != REGRESS_QR || o.ridge > 0) {
        rc = fit_chol(&wk, o.tol, o.method == REGRESS_CHOL || o.ridge > 0 ? 0.0 : o.chol_rcond, f);
        if (rc == -1 && (o.method == REGRESS_CHOL || o.ridge > 0)) {
            rc = err_set(HR_ESINGULAR, "regress: normal equations too ill-conditioned for the "
                                      "Cholesky method (use QR)");
            goto fail;
        }
    }
    if (rc == -1) rc = fit_qr(&wk, o.tol, f);
    if (rc) goto fail;

    /* Fit statistics from the caller's rows (summary.lm): rss = sum w r^2,
     * mss = sum w (f - mean_w f)^2 with an intercept, sum w f^2 without. */
    {
        fit = yhat_out ? yhat_out : mem_array(n, sizeof *fit);
        if (!fit) { rc = err_set(HR_ENOMEM, "regress: out of memory"); goto fail; }
        rc = regress_predict_beta_ld(f->beta, X, ld, n, p, fit);
        if (rc) goto fail;
        double sw = 0, swf = 0, rss = 0, mss = 0;
        for (size_t i = 0; i < n; i++)
            if (ok[i]) {
                double wi = w ? w[i] : 1.0, ri = y[i] - fit[i];
                sw += wi, swf += wi * fit[i], rss += wi * ri * ri;
            }
        const double m = has_int ? swf / sw : 0.0;
        for (size_t i = 0; i < n; i++)
            if (ok[i]) {
                double wi = w ? w[i] : 1.0, d = fit[i] - m;
                mss += wi * d * d;
            }
        if (fit != yhat_out) mem_free(fit);
        fit = NULL;
        const double rdf = (double)(nu - f->rank);
        f->rss = rss;
        f->sigma = rdf > 0 ? sqrt(rss / rdf) : NAN;
        f->r2 = mss / (mss + rss);
        f->adj_r2 = rdf > 0 ? 1 - (1 - f->r2) * (((double)nu - has_int) / rdf) : NAN;
        for (size_t j = 0; j < p; j++) f->se[j] = f->sigma * sqrt(f->se[j]);
    }
    mem_free(ok);
    mem_free(wk.Xown);
    mem_free(wk.yown);
    mem_free(wk.lam);
    *out = f;
    return HR_OK;
fail:
    if (fit != yhat_out) mem_free(fit);
    mem_free(ok);
    mem_free(wk.Xown);
    mem_free(wk.yown);
    mem_free(wk.lam);
    regress_free(f);
    return rc;
}

int regress_fit_x(const double *X, size_t n, size_t p, const double *y, const double *w,
                  const regress_opts *opts, regress_fit **out)
{
    return fit_rows(X, n, n, p, y, w, opts, NULL, NULL, 0, out, NULL);
}

int regress_fit_ld(const double *X, size_t ld, size_t n, size_t p, const double *y,
                   const double *G, const double *Xty, const regress_opts *opts,
                   regress_fit **out, double *yhat)
{
    return fit_rows(X, ld, n, p, y, NULL, opts, G, Xty, 1, out, yhat);
}

int regress_fit_ols(const double *X, size_t n, size_t p, const double *y, const double *w,
                    double ridge, regress_fit **out)
{
    regress_opts o;
    regress_opts_init(&o);
    o.ridge = ridge;
    return regress_fit_x(X, n, p, y, w, &o, out);
}

int regress_predict_beta_ld(const double *beta, const double *X, size_t ld, size_t n, size_t p,
                            double *yhat)
{
    if (!beta || !X || !yhat || p == 0 || ld < n)
        return err_set(HR_EINVAL, "regress_predict: NULL argument, p = 0 or ld < n");
    size_t dims[3] = { n, p, ld };
    int rc = la_dims_ok("regress_predict", 3, dims);
    if (rc) return rc;
    if (n == 0) return HR_OK;
    double *b = mem_array(p, sizeof *b);
    if (!b) return err_set(HR_ENOMEM, "regress_predict: out of memory");
    for (size_t j = 0; j < p; j++) b[j] = isnan(beta[j]) ? 0.0 : beta[j];
    la_gemv(0, n, p, 1.0, X, ld, b, 0.0, yhat);
    mem_free(b);
    return HR_OK;
}

int regress_predict_beta(const double *beta, const double *X, size_t n, size_t p, double *yhat)
{
    return regress_predict_beta_ld(beta, X, n, n, p, yhat);
}

int regress_predict(const regress_fit *f, const double *X, size_t n, size_t p, double *yhat)
{
    if (!f) return err_set(HR_EINVAL, "regress_predict: NULL fit");
    if (p != f->p)
        return err_set(HR_EINVAL, "regress_predict: design has %zu columns, the fit %zu", p, f->p);
    return regress_predict_beta(f->beta, X, n, p, yhat);
}
