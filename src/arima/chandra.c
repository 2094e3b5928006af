/* chandra.c — the likelihood's inner loops: the Chandrasekhar recursions
 * for a stationary ARMA with missing hours as additive outliers (their GLS
 * block an envelope matrix), and R's filter run on several columns with
 * shared gains (GLS over regression columns with d = D = 0). */
#include "arima/arima_internal.h"
#include "stats/linalg.h"
#include "util/error.h"
#include "util/mem.h"
#include <math.h>
#include <string.h>
void ar_ao_free(ao_sums *g)
{
    mem_free(g->first);
    mem_free(g->Ge);
    memset(g, 0, sizeof *g);
}

int ar_ao_alloc(ao_sums *g, size_t nw, size_t nm)
{
    memset(g, 0, sizeof *g);
    g->nw = nw, g->nm = g->nmax = nm, g->cap = nm * (nm + 1) / 2;
    g->first = mem_array(2 * nm + 1, sizeof(size_t));
    g->Ge = mem_array(g->cap + nm * nw + nw * nw + 1, sizeof(double));
    if (!g->first || !g->Ge) { ar_ao_free(g); return err_set(HR_ENOMEM, "arima fit: out of memory for the missing hours' GLS block"); }
    g->eoff = g->first + nm;
    g->Gx = g->Ge + g->cap;
    g->Gd = g->Gx + nm * nw;
    return 0;
}

/* In-place Cholesky G_AA = U'U of the envelope (U upper, same envelope):
 * U_ij = (G_ij - sum_{k = first[j]}^{i-1} U_ki U_kj) / U_ii (first[i] <=
 * first[j]). Returns -1 when G_AA is not numerically positive definite (an
 * hour the data cannot identify). */
int ar_env_chol(ao_sums *g)
{
    for (size_t j = 0; j < g->nm; j++) {
        const size_t fj = g->first[j];
        double *uj = g->Ge + g->eoff[j] - fj; /* uj[i] = U_ij */
        for (size_t i = fj; i < j; i++) {
            const double *ui = g->Ge + g->eoff[i] - g->first[i];
            double t = uj[i];
            for (size_t k = fj; k < i; k++) t -= ui[k] * uj[k];
            uj[i] = t / ui[i];
        }
        double t = uj[j];
        for (size_t k = fj; k < j; k++) t -= uj[k] * uj[k];
        if (!(t > 0.0) || !isfinite(t)) return -1;
        uj[j] = sqrt(t);
    }
    return 0;
}

/* z <- U'^-1 z with ar_env_chol's factor. */
void ar_env_trsv_t(const ao_sums *g, double *z)
{
    for (size_t j = 0; j < g->nm; j++) {
        const double *uj = g->Ge + g->eoff[j] - g->first[j];
        double t = z[j];
        for (size_t k = g->first[j]; k < j; k++) t -= uj[k] * z[k];
        z[j] = t / uj[j];
    }
}

/* log |G_AA| = 2 sum log U_jj */
double ar_env_logdet(const ao_sums *g)
{
    double s = 0.0;
    for (size_t j = 0; j < g->nm; j++) s += 2.0 * log(g->Ge[g->eoff[j] + j - g->first[j]]);
    return s;
}

/* The stationary model S (nd = 0, P_1 = Q0) on w (N values, no NaN) and on
 * nm additive-outlier columns sharing its gains, by the Chandrasekhar
 * recursions (Morf, Sidhu & Kailath 1974; Herbst 2015, Comput. Econ. 45):
 * the Riccati increment dP_t = P_{t+1} - P_t of a time-invariant model
 * started at the stationary Q0 has rank one, dP_t = -L_t L_t' / F_t, and
 * with K_t = T P_t Z', F_t = Z P_t Z', zeta = Z L_t:
 *   F_{t+1} = F_t - zeta^2 / F_t,  K_{t+1} = K_t - (zeta / F_t) T L_t,
 *   L_{t+1} = T L_t - (zeta / F_t) K_t,   L_1 = K_1
 * (dP_1 = -K_1 K_1' / F_1 as Q0 = T Q0 T' + R R'; the identity
 * f(P + D) - f(P) = A (D - D Z'Z D / F_{P+D}) A', A = I - P Z'Z / F_P, for
 * the filtered covariance f keeps the rank and gives the scale -1/F_{t+1}).
 * O(r) per hour and column instead of the O(r^2) Riccati step, and only
 * Q0's first column q0c = Q0 Z' is needed (ar_q0_col). Each column c gets the
 * innovations v_t = c_t - Z a_t, a_{t+1} = T a_t + K_t v_t / F_t, as
 * ar_ssm_run (gain = F_t; measured 1e-15..2e-14 relative on the likelihood).
 * Columns 0..nw-1 are data (w + j ldw, N values each: the series, and for
 * ar_armafn_p the design columns); column nw + j is the differencing
 * polynomial poly (nd + 1 values) at the missing hour miss[j] (sorted; w's
 * hour t is the series' hour t + nd). g gets G = sum v v' / F over the
 * hours with F < 1e4 (R's rule), whose number and sum of log F are
 * returned; ssq is G's data entry (0, 0). An outlier column costs only
 * while alive: from its hour until its state has died out (below). With
 * vbuf ([VBLK (nw + nm)]) the data block and the data x outlier block are
 * accumulated by blocks of VBLK hours, V'V with V's rows v' / sqrt(F)
 * (dsyrk, dgemm: for wide designs the O(nw^2) per hour is the larger part
 * of the cost), else hour by hour (ar_armafn_w); the outlier x outlier
 * envelope hour by hour over the live outliers.
 * work: [(nw + nm + 3) r + nw + nm]. */
lik_sums ar_chandra_ao(const ssm *S, const double *q0c, const double *w, size_t ldw, size_t nw,
                           size_t N, size_t nd, const size_t *miss, size_t nm, const double *poly,
                           ao_sums *g, double *work, double *vbuf)
{
    const size_t r = S->r, nc = nw + nm;
    double *K = work, *L = K + r, *TL = L + r, *A = TL + r, *v = A + nc * r;
    lik_sums Ls = { 0.0, 0.0, 0 };
    T_vec(S, q0c, K); /* T Q0 Z', Z = e_1: T times Q0's first column */
    memcpy(L, K, r * sizeof(double));
    memset(A, 0, nw * r * sizeof(double)); /* outliers: when they start */
    g->nm = nm; /* <= g->nmax */
    memset(g->Gd, 0, nw * nw * sizeof(double));
    memset(g->Gx, 0, nm * nw * sizeof(double));
    double F = q0c[0];
    int frozen = 0;
    /* columns in use: w, and the outliers lo..act-1 (started, and not yet
     * died out: past its polynomial a column's state decays through the
     * closed loop T - K Z; below 1e-10 (entries of poly are O(1)) its
     * remaining terms of G are below 1e-20 per hour and it is dropped:
     * with AR terms that happens within a few hundred hours, under a
     * seasonal MA near -1 within a few thousand). lob: lo at the start of
     * vbuf's block (columns lob..lo-1 died within it: zeros since) */
    size_t act = nw, lo = nw, lob = nw, nb = 0, used = 0;
    for (size_t t = 0; t < N; t++) {
        while (act < nc && miss[act - nw] <= t + nd) {
            const size_t j = act - nw, len = act - lo + 1;
            g->first[j] = lo - nw;
            g->eoff[j] = used;
            memset(g->Ge + used, 0, len * sizeof(double)); /* len <= j + 1: within cap */
            used += len;
            memset(A + act * r, 0, r * sizeof(double));
            if (vbuf) memset(vbuf + act * VBLK, 0, nb * sizeof(double));
            act++;
        }
        for (size_t j = 0; j < nw; j++) v[j] = w[j * ldw + t] - A[j * r];
        for (size_t j = lo; j < act; j++) {
            const size_t k = t + nd - miss[j - nw];
            v[j] = (k <= nd ? poly[k] : 0.0) - A[j * r];
        }
        if (F < 1e4) {
            Ls.nu++;
            Ls.sumlog += log(F);
            const double fi = 1.0 / F;
            for (size_t j = lo; j < act; j++) { /* envelope: rows lo..j of column j */
                double *gj = g->Ge + g->eoff[j - nw] - g->first[j - nw] - nw;
                const double vj = v[j] * fi;
                for (size_t i = lo; i <= j; i++) gj[i] += v[i] * vj;
            }
            if (vbuf) {
                const double sf = sqrt(fi);
                for (size_t j = 0; j < nw; j++) vbuf[j * VBLK + nb] = v[j] * sf;
                for (size_t j = lob; j < act; j++) vbuf[j * VBLK + nb] = j >= lo ? v[j] * sf : 0.0;
                if (++nb == VBLK) {
                    la_syrk_t(VBLK, nw, 1.0, vbuf, VBLK, 1.0, g->Gd, nw);
                    if (act > lob)
                        la_gemm(1, 0, act - lob, nw, VBLK, 1.0, vbuf + lob * VBLK, VBLK, vbuf, VBLK,
                                1.0, g->Gx + (lob - nw), nm);
                    nb = 0;
                    lob = lo;
                }
            } else {
                for (size_t j = 0; j < nw; j++) {
                    const double vj = v[j] * fi;
                    for (size_t i = 0; i <= j; i++) g->Gd[j * nw + i] += v[i] * vj;
                    for (size_t i = lo; i < act; i++) g->Gx[j * nm + i - nw] += v[i] * vj;
                }
            }
        }
        /* a <- T a + K v / F (T_vec in place: out[i] reads in[0], in[i+1]) */
        for (size_t j = 0; j < act; j++) {
            if (j >= nw && j < lo) continue;
            double *a = A + j * r;
            const double a0 = a[0], f = v[j] / F;
            if (j < nw) { /* data columns never die out: no amax (vectorises) */
                const double *restrict ph = S->phi, *restrict kk = K;
                for (size_t i = 0; i + 1 < r; i++) a[i] = ph[i] * a0 + a[i + 1] + kk[i] * f;
                a[r - 1] = ph[r - 1] * a0 + kk[r - 1] * f;
                continue;
            }
            double amax = 0.0;
            for (size_t i = 0; i + 1 < r; i++) {
                a[i] = S->phi[i] * a0 + a[i + 1] + K[i] * f;
                if (fabs(a[i]) > amax) amax = fabs(a[i]);
            }
            a[r - 1] = S->phi[r - 1] * a0 + K[r - 1] * f;
            if (fabs(a[r - 1]) > amax) amax = fabs(a[r - 1]);
            if (j == lo && t > miss[j - nw] && amax < 1e-10) lo++; /* past its polynomial */
        }
        if (frozen) continue;
        const double c = L[0] / F;
        T_vec(S, L, TL);
        double lmax = 0.0;
        for (size_t i = 0; i < r; i++) {
            const double k = K[i];
            K[i] = k - c * TL[i];
            L[i] = TL[i] - c * k;
            if (fabs(L[i]) > lmax) lmax = fabs(L[i]);
        }
        F -= c * c * F;
        /* steady state as ar_ssm_run's test: the next increment of P, L L' / F,
         * below 1e-12 max(1, F) (and L would sink into subnormal numbers,
         * which cost ~100x per operation) */
        frozen = lmax * lmax <= 1e-12 * F * fmax(1.0, F);
    }
    if (vbuf && nb) {
        la_syrk_t(nb, nw, 1.0, vbuf, VBLK, 1.0, g->Gd, nw);
        if (act > lob)
            la_gemm(1, 0, act - lob, nw, nb, 1.0, vbuf + lob * VBLK, VBLK, vbuf, VBLK, 1.0,
                    g->Gx + (lob - nw), nm);
    }
    /* outliers past the series' end (cannot happen: miss[j] < N + nd) */
    for (; act < nc; act++) {
        g->first[act - nw] = lo - nw;
        g->eoff[act - nw] = used;
        memset(g->Ge + used, 0, (act - lo + 1) * sizeof(double));
        used += act - lo + 1;
    }
    g->eoff[nm] = used;
    Ls.ssq = g->Gd[0];
    return Ls;
}

/* R's filter (ar_ssm_run; d = D = 0, so the state is the ARMA's r elements
 * from P_1 = Q0) on nw columns sharing its gains: the series and the design
 * columns (w + j ldw, N hours, the nsk hours skip[] (sorted) missing:
 * prediction only, as R). The sums G = sum v v' / F over the hours with
 * F < 1e4 (R's rule) go to Gd by blocks of VBLK hours (dsyrk on vbuf); the
 * number and sum of log F are returned, ssq is G_yy. This is the Kalman
 * filter on the augmented state of regression by GLS (Durbin & Koopman
 * 2012, sec. 6.2.2: beta's columns share the gains of the series), so the
 * profile over beta it gives is exactly R's likelihood minimised over beta;
 * unlike ar_chandra_ao it needs the O(r^2) Riccati step (the increment of P
 * is no longer rank one after a missing hour) until P settles again.
 * A: [nw r] predicted states (S's anew holds the gain T M). */
lik_sums ar_kalman_cols(ssm *S, const double *w, size_t ldw, size_t nw, size_t N,
                            const size_t *skip, size_t nsk, double *Gd, double *A, double *vbuf)
{
    const size_t r = S->r;
    double *P = S->P, *Pnew = S->Pnew, *M = S->M;
    lik_sums L = { 0.0, 0.0, 0 };
    int frozen = 0, have_old = 0;
    double gain = 1.0;
    size_t nb = 0, is = 0;
    memset(A, 0, nw * r * sizeof(double));
    memset(Gd, 0, nw * nw * sizeof(double));
    double *K = S->anew; /* T M: A holds the predicted states a_{t+1|t} */
    for (size_t t = 0; t < N; t++) {
        if (t == 0) {
            memcpy(Pnew, S->Pn, r * r * sizeof(double));
        } else if (!frozen) {
            ar_T_sym(S, P, Pnew, S->mm);
            for (size_t j = 0; j < S->nv; j++)
                for (size_t i = 0; i < S->nv; i++) Pnew[j * r + i] += S->v[i] * S->v[j];
        }
        if (is < nsk && skip[is] == t) { /* missing: P_{t|t} = P_{t|t-1} */
            is++;
            memcpy(P, Pnew, r * r * sizeof(double));
            frozen = have_old = 0;
            for (size_t j = 0; j < nw; j++) { /* a <- T a */
                double *a = A + j * r;
                const double a0 = a[0];
                for (size_t i = 0; i + 1 < r; i++) a[i] = S->phi[i] * a0 + a[i + 1];
                a[r - 1] = S->phi[r - 1] * a0;
            }
            continue;
        }
        if (!frozen) {
            memcpy(M, Pnew, r * sizeof(double)); /* Pnew Z', Z = e_1 */
            gain = M[0];
            T_vec(S, M, K);
        }
        const double fi = 1.0 / gain, sf = sqrt(fi);
        const int use = gain < 1e4;
        for (size_t j = 0; j < nw; j++) { /* a <- T (a + M v / F) in one pass */
            double *restrict a = A + j * r;
            const double *restrict ph = S->phi, *restrict kk = K;
            const double a0 = a[0], v = w[j * ldw + t] - a0, f = v * fi;
            if (use) vbuf[j * VBLK + nb] = v * sf;
            for (size_t i = 0; i + 1 < r; i++) a[i] = ph[i] * a0 + a[i + 1] + kk[i] * f;
            a[r - 1] = ph[r - 1] * a0 + kk[r - 1] * f;
        }
        if (use) {
            L.nu++;
            L.sumlog += log(gain);
            if (++nb == VBLK) {
                la_syrk_t(VBLK, nw, 1.0, vbuf, VBLK, 1.0, Gd, nw);
                nb = 0;
            }
        }
        if (frozen) continue;
        /* P = Pnew - M M' / gain; steady state as ar_ssm_run (nd = 0) */
        double dmax = 0.0, pmax = 0.0;
        for (size_t j = 0; j < r; j++) {
            const double mj = M[j] * fi;
            for (size_t i = 0; i < r; i++) {
                const double pn = Pnew[j * r + i];
                P[j * r + i] = pn - M[i] * mj;
                if (have_old) {
                    const double dd = fabs(pn - S->Pold[j * r + i]), ap = fabs(pn);
                    if (dd > dmax) dmax = dd;
                    if (ap > pmax) pmax = ap;
                }
            }
        }
        if (have_old && dmax <= 1e-12 * fmax(1.0, pmax)) frozen = 1;
        else {
            memcpy(S->Pold, Pnew, r * r * sizeof(double));
            have_old = 1;
        }
    }
    if (nb) la_syrk_t(nb, nw, 1.0, vbuf, VBLK, 1.0, Gd, nw);
    L.ssq = Gd[0];
    return L;
}

