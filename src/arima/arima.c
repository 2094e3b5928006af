/* arima.c — SARIMA with regression errors: R-compatible exact likelihood,
 * fits, forecasts and sample paths.
 *
 * Exported (arima.h): arima_opts_init, arima_fit_model, arima_fit_fixed,
 * arima_loglik_at, the arima_coef* / arima_sigma2 / arima_loglik / arima_aic /
 * arima_aicc / arima_bic / arima_converged / arima_nobs / arima_fit_order /
 * arima_note accessors, arima_forecast, arima_interval, arima_qnorm,
 * arima_simulate, arima_free, and the order search arima_auto_opts_init /
 * arima_auto at the end of this file.
 *
 * Model (Durbin & Koopman 2012, "Time Series Analysis by State Space
 * Methods", 2nd ed., sec. 3.4; R's makeARIMA): with Delta the coefficients of
 * (1-B)^d (1-B^s)^D and w_t = (1-B)^d (1-B^s)^D (y_t - x_t'beta) a stationary
 * ARMA(p', q') with p' = p + sP, q' = q + sQ, the state alpha_t has
 * rd = r + nd elements, r = max(p', q'+1), nd = d + sD:
 *   y_t - x_t'beta = Z alpha_t,         Z = (1, 0, ..., 0, Delta_1..Delta_nd)
 *   alpha_{t+1} = T alpha_t + R eps,    eps ~ N(0, sigma2), R = (1, theta, 0)
 * T holds phi in its first column and ones on the superdiagonal of the ARMA
 * block (companion form), the row (1, 0.., Delta) and a shift for the
 * differencing block. Symbols (R's ARIMA_Like): a = a_{t|t}, P = P_{t|t},
 * anew = a_{t+1|t}, Pnew = P_{t+1|t}, M = Pnew Z', gain = Z Pnew Z' (F_t).
 *
 * Structure exploited: T is a companion/shift matrix, so T P T' costs
 * O(rd^2) instead of O(rd^3); and the Riccati recursion of a time-invariant
 * model converges, so once Pnew stops changing (to 1e-12 relative) the gain
 * is frozen and each further hour costs O(rd) (statsmodels' "converged"
 * filter); a missing hour unfreezes it. The initial ARMA covariance Q0 solves
 * the discrete Lyapunov equation Q0 = T Q0 T' + R R' by doubling (Smith 1968;
 * Anderson & Moore 1979, sec. 6.7): O(r^3) per iteration and log2 of the
 * number of series terms needed as iterations (dgemm via src/stats/linalg): scales to s = 168
 * where R's Gardner et al. (1980) solver needs O(r^4) memory. Q0 differs
 * from R's Gardner solution only by rounding (log-likelihoods agree to
 * 1e-10 relative in tests/test_arima.c).
 *
 * Estimation does not iterate on that filter: the optimiser works on the
 * (differenced) series as the stationary ARMA it is (armafn_w), by the
 * Chandrasekhar recursions (the Riccati increment from the stationary
 * start has rank one: O(r) per hour), with only Q0's first column (from
 * the autocovariances) and up to AO_MAX = 400 missing hours as additive
 * outliers concentrated out by GLS (Gomez & Maravall 1994); an outlier
 * costs O(r + live outliers) per hour only until its effect has died out,
 * and their GLS block is an envelope (banded) matrix. With d = D = 0 that is
 * R's likelihood up to rounding; with differencing it is its limit
 * kappa -> Inf, within ~1e-3 units of it at kappa = 1e6. R's own value is
 * computed once at the estimate and reported. The fit is polished by
 * Newton steps on numerical Hessians (cheap on armafn_w) instead of a
 * second BFGS run. With regression columns the optimiser sees only the
 * ARMA part: beta is concentrated out by GLS (armafn_p, filtering y and
 * every differenced design column with the same gains), so the cost of
 * gradients and Hessians no longer grows with the design's width. With
 * d = D = 0 and missing hours (where armafn_w is not R's likelihood: R
 * drops hours whose prediction variance is 1e4 sigma2 or more) beta is
 * profiled out of R's filter itself (kalman_cols: the Riccati step while
 * the gain moves, every column through the same gains). Without regressors,
 * the optimiser's objective is computed by whichever of armafn_w and R's
 * filter costs less (ao_cheaper: many missing hours close together favour
 * R's filter), with d = D = 0 too where the series' variance is below
 * R's 1e4 cut (then no hour is dropped and the two agree to rounding). */
#include "arima/arima.h"
#include "util/error.h"
#include "stats/linalg.h"
#include "util/mem.h"
#include "util/rng.h"
#include "stats/optim.h"
#include <complex.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h> /* snprintf for coefficient names only */
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ------------------------------------------------------------------ options */

void arima_opts_init(arima_opts *o)
{
    o->kappa = 1e6;
    o->maxit = 100;
    o->transform_pars = 1;
    o->xreg_names = NULL;
    o->polish = 1;
    o->std_errors = 1;
    o->unit_ma_stop = 0;
    o->css_state = 1;
}

/* --------------------------------------------------- parameter transforms */

/* Jones (1980) / Monahan (1984) reparametrisation (R's partrans): map raw in
 * R^p to the partial autocorrelations tanh(raw) in (-1,1), then to AR
 * coefficients by the Durbin-Levinson recursion
 *   phi_{j,k} = phi_{j-1,k} - phi_{jj} phi_{j-1,j-k}   (Brockwell & Davis 5.2.6).
 * Every output is a stationary AR polynomial. */
static void partrans(size_t p, const double *raw, double *out)
{
    double work[128];
    for (size_t j = 0; j < p; j++) work[j] = out[j] = tanh(raw[j]);
    for (size_t j = 1; j < p; j++) {
        double a = out[j];
        for (size_t k = 0; k < j; k++) work[k] -= a * out[j - k - 1];
        for (size_t k = 0; k < j; k++) out[k] = work[k];
    }
}

/* Inverse of partrans (backwards Durbin-Levinson, then atanh). Returns 0, or
 * -1 when phi is not stationary (some partial autocorrelation |.| >= 1):
 * the Schur-Cohn step-down test, used also as R's arCheck. */
static int invpartrans(size_t p, const double *phi, double *out)
{
    double work[128], nw[128];
    for (size_t j = 0; j < p; j++) work[j] = nw[j] = phi[j];
    for (size_t j = p; j-- > 1;) {
        double a = nw[j];
        if (!(fabs(a) < 1.0)) return -1;
        for (size_t k = 0; k < j; k++) work[k] = (nw[k] + a * nw[j - k - 1]) / (1.0 - a * a);
        for (size_t k = 0; k < j; k++) nw[k] = work[k];
    }
    if (p > 0 && !(fabs(nw[0]) < 1.0)) return -1;
    if (out)
        for (size_t j = 0; j < p; j++) out[j] = atanh(nw[j]);
    return 0;
}

static int ar_stationary(size_t p, const double *phi)
{
    while (p > 0 && phi[p - 1] == 0.0) p--;   /* R's arCheck trims trailing zeros */
    return invpartrans(p, phi, NULL) == 0;
}

/* Roots of c[0] + c[1] z + ... + c[m] z^m (c[m] != 0) by the Durand-Kerner
 * (Weierstrass) iteration; m is a handful here (MA orders). */
static void polyroots(size_t m, const double *c, double complex *z)
{
    double complex w[64];
    for (size_t i = 0; i < m; i++) z[i] = cpow(0.4 + 0.9 * I, (double)i) * (1.0 + 0.1 * (double)i);
    for (int it = 0; it < 500; it++) {
        double change = 0.0;
        for (size_t i = 0; i < m; i++) {
            double complex num = c[m], den = c[m];
            for (size_t k = m; k-- > 0;) num = num * z[i] + c[k];
            for (size_t j = 0; j < m; j++)
                if (j != i) den *= (z[i] - z[j]);
            w[i] = num / den;
            change = fmax(change, cabs(w[i]) / fmax(1.0, cabs(z[i])));
        }
        for (size_t i = 0; i < m; i++) z[i] -= w[i];
        if (change < 1e-15) break;
    }
}

/* R's maInvert: reflect the roots of 1 + ma_1 z + ... inside the unit
 * circle to 1/root, giving the invertible MA with the same autocovariances. */
static void ma_invert(size_t q, double *ma)
{
    size_t q0 = q;
    while (q0 > 0 && ma[q0 - 1] == 0.0) q0--;
    if (q0 == 0 || q0 > 60) return;
    double c[64];
    double complex z[64], x[64];
    c[0] = 1.0;
    for (size_t i = 0; i < q0; i++) c[i + 1] = ma[i];
    polyroots(q0, c, z);
    int any = 0;
    for (size_t i = 0; i < q0; i++) any |= cabs(z[i]) < 1.0;
    if (!any) return;
    if (q0 == 1) { ma[0] = 1.0 / ma[0]; return; }
    for (size_t i = 0; i < q0; i++)
        if (cabs(z[i]) < 1.0) z[i] = 1.0 / z[i];
    /* x(B) = prod (1 - B / z_i) */
    x[0] = 1.0;
    size_t len = 1;
    for (size_t i = 0; i < q0; i++) {
        x[len] = 0.0;
        for (size_t k = len; k > 0; k--) x[k] -= x[k - 1] / z[i];
        len++;
    }
    for (size_t i = 0; i < q0; i++) ma[i] = creal(x[i + 1]);
}

/* ------------------------------------------------------------- model spec */

/* The per-fit constants: orders, Delta, regression design. */
typedef struct {
    int p, q, P, Q, s, d, D;
    size_t narma;          /* p + q + P + Q                               */
    size_t pe, qe, r, nd;  /* expanded AR/MA orders, state r, len(Delta)  */
    double *delta;         /* [nd] y_t = sum Delta_k y_{t-k} + w_t          */
    size_t ncx;            /* regression columns (intercept, drift, xreg)  */
    double *X;             /* [n * ncx] column-major, or NULL              */
    size_t n;
    double kappa;
} spec;

/* Expand (ar, ma, sar, sma) to phi[pe], theta[qe] (R's ARIMA_transPars):
 * (1 - phi(B))(1 - Phi(B^s)) and (1 + theta(B))(1 + Theta(B^s)). With trans
 * the AR and SAR blocks of par are first mapped through partrans. */
static void trans_pars(const spec *m, const double *par, int trans, double *phi, double *theta)
{
    double tp[256];
    const double *pp = par;
    if (trans) {
        memcpy(tp, par, m->narma * sizeof(double));
        if (m->p > 0) partrans((size_t)m->p, par, tp);
        size_t v = (size_t)(m->p + m->q);
        if (m->P > 0) partrans((size_t)m->P, par + v, tp + v);
        pp = tp;
    }
    size_t s = (size_t)m->s;
    for (size_t i = 0; i < m->pe; i++) phi[i] = 0.0;
    for (size_t i = 0; i < m->qe; i++) theta[i] = 0.0;
    for (int i = 0; i < m->p; i++) phi[i] = pp[i];
    for (int i = 0; i < m->q; i++) theta[i] = pp[m->p + i];
    for (int j = 0; j < m->P; j++) {
        double Phi = pp[m->p + m->q + j];
        phi[(size_t)(j + 1) * s - 1] += Phi;
        for (int i = 0; i < m->p; i++) phi[(size_t)(j + 1) * s + (size_t)i] -= pp[i] * Phi;
    }
    for (int j = 0; j < m->Q; j++) {
        double Th = pp[m->p + m->q + m->P + j];
        theta[(size_t)(j + 1) * s - 1] += Th;
        for (int i = 0; i < m->q; i++) theta[(size_t)(j + 1) * s + (size_t)i] += pp[m->p + i] * Th;
    }
}

/* --------------------------------------------------- state-space workspace */

typedef struct {
    size_t r, nd, rd;
    double *phi;   /* [r] first column of T, zero-padded                */
    double *v;     /* [r] R = (1, theta_1, ..., theta_{r-1}), zero-padded */
    size_t nv;     /* nonzero length of v (q' + 1)                     */
    const double *delta;
    size_t *dnz, ndnz;   /* indices of nonzero Delta                     */
    double *Pn;    /* [rd^2] P_{1|0}: Q0 (+ kappa I on the Delta block)  */
    double *a, *P; /* filtered state after the last run                  */
    double *anew, *Pnew, *Pold, *mm, *M; /* workspace                     */
    double kappa;  /* prior variance of the differencing states         */
    /* where the last run stopped, so that a later run can continue it */
    size_t nstep;  /* hours filtered since the start from Pn            */
    int frozen, have_old;
    double gain, win_cur, win_prev;
    size_t win_n;
} ssm;

static void ssm_free(ssm *S)
{
    if (!S) return;
    mem_free(S->phi);
    mem_free(S->dnz);
    mem_free(S->Pn);
    memset(S, 0, sizeof *S);
}

static int ssm_alloc(ssm *S, const spec *m)
{
    memset(S, 0, sizeof *S);
    S->r = m->r;
    S->nd = m->nd;
    S->rd = m->r + m->nd;
    size_t rd = S->rd;
    S->phi = mem_array(2 * m->r + 3 * rd + 1, sizeof(double));
    S->dnz = mem_array(m->nd + 1, sizeof(size_t));
    S->Pn = mem_array(5 * rd * rd, sizeof(double));
    if (!S->phi || !S->dnz || !S->Pn) {
        ssm_free(S);
        return hr_err(HR_ENOMEM, "arima.c: out of memory (state %zu)", rd);
    }
    S->v = S->phi + m->r;
    S->a = S->v + m->r;
    S->anew = S->a + rd;
    S->M = S->anew + rd;
    S->P = S->Pn + rd * rd;
    S->Pnew = S->P + rd * rd;
    S->Pold = S->Pnew + rd * rd;
    S->mm = S->Pold + rd * rd;
    S->delta = m->delta;
    for (size_t k = 0; k < m->nd; k++)
        if (m->delta[k] != 0.0) S->dnz[S->ndnz++] = k;
    return 0;
}

/* out = T in, for a vector (T never formed). */
static inline void T_vec(const ssm *S, const double *in, double *out)
{
    const size_t r = S->r;
    const double a0 = in[0];
    for (size_t i = 0; i + 1 < r; i++) out[i] = S->phi[i] * a0 + in[i + 1];
    out[r - 1] = S->phi[r - 1] * a0;
    if (S->nd) {
        double t = a0;
        for (size_t k = 0; k < S->ndnz; k++) t += S->delta[S->dnz[k]] * in[r + S->dnz[k]];
        out[r] = t;
        for (size_t i = 1; i < S->nd; i++) out[r + i] = in[r + i - 1];
    }
}

/* out = T in T' for symmetric in (rd x rd, column-major): T applied to the
 * columns of in, the result transposed (in symmetric => (T in)' = in T'),
 * T applied again. 2 rd^2 + O(rd * nnz(Delta)) flops. */
static void T_sym(const ssm *S, const double *in, double *out, double *tmp)
{
    const size_t rd = S->rd;
    for (size_t j = 0; j < rd; j++) T_vec(S, in + j * rd, out + j * rd);
    for (size_t j = 0; j < rd; j++)
        for (size_t i = 0; i < rd; i++) tmp[i * rd + j] = out[j * rd + i];
    for (size_t j = 0; j < rd; j++) T_vec(S, tmp + j * rd, out + j * rd);
}

/* Q0 = sum_k T^k V T'^k by doubling: A_0 = T, Q_0 = V;
 * Q_{j+1} = Q_j + A_j Q_j A_j', A_{j+1} = A_j^2 (Smith 1968). Stops when the
 * increment is below 1e-16 of Q (the tail is then smaller still). Returns 0,
 * or -1 when it does not converge (non-stationary phi). */
static int q0_doubling(size_t r, const double *phi, const double *v, double *Q, double *work)
{
    double *A = work, *B = A + r * r, *C = B + r * r;
    memset(A, 0, r * r * sizeof(double));
    for (size_t i = 0; i < r; i++) A[i] = phi[i];
    for (size_t i = 0; i + 1 < r; i++) A[(i + 1) * r + i] = 1.0;
    for (size_t j = 0; j < r; j++)
        for (size_t i = 0; i < r; i++) Q[j * r + i] = v[i] * v[j];
    for (int it = 0; it < 80; it++) {
        la_gemm(0, 0, r, r, r, 1.0, A, r, Q, r, 0.0, B, r); /* B = A Q  (dgemm) */
        la_gemm(0, 1, r, r, r, 1.0, B, r, A, r, 0.0, C, r); /* C = B A'          */
        double dmax = 0.0, qmax = 0.0;
        for (size_t i = 0; i < r * r; i++) {
            Q[i] += C[i];
            dmax = fmax(dmax, fabs(C[i]));
            qmax = fmax(qmax, fabs(Q[i]));
        }
        if (!isfinite(qmax)) return -1;
        if (dmax <= 1e-16 * qmax) return 0;
        la_gemm(0, 0, r, r, r, 1.0, A, r, A, r, 0.0, B, r); /* A <- A^2 */
        double amax = 0.0;
        for (size_t i = 0; i < r * r; i++) amax = fmax(amax, fabs(B[i]));
        memcpy(A, B, r * r * sizeof(double));
        if (amax == 0.0) return 0;       /* nilpotent T (pure MA): sum is exact */
    }
    return -1;
}

/* phi and v = (1, theta) zero-padded to r. */
static void ssm_set_coef(ssm *S, const spec *m, const double *phi, const double *theta)
{
    for (size_t i = 0; i < S->r; i++) {
        S->phi[i] = i < m->pe ? phi[i] : 0.0;
        S->v[i] = i == 0 ? 1.0 : (i - 1 < m->qe ? theta[i - 1] : 0.0);
    }
    S->nv = m->qe + 1;
}

/* Set phi/theta and the initial covariance Pn (R's makeARIMA / upARIMA).
 * Returns 0, or -1 when Q0 cannot be computed. */
static int ssm_set(ssm *S, const spec *m, const double *phi, const double *theta, double kappa)
{
    const size_t r = S->r, rd = S->rd;
    ssm_set_coef(S, m, phi, theta);
    memset(S->Pn, 0, rd * rd * sizeof(double));
    if (r == 1) {
        S->Pn[0] = m->pe > 0 ? 1.0 / (1.0 - phi[0] * phi[0]) : 1.0;
        if (!(S->Pn[0] > 0.0) || !isfinite(S->Pn[0])) return -1;
    } else {
        /* Q0 into the leading r x r block; workspace = Pnew.. (3 r^2 <= 3 rd^2) */
        double *Q = S->P;
        if (q0_doubling(r, S->phi, S->v, Q, S->Pnew)) return -1;
        for (size_t j = 0; j < r; j++)
            for (size_t i = 0; i < r; i++) S->Pn[j * rd + i] = Q[j * r + i];
    }
    for (size_t i = 0; i < m->nd; i++) S->Pn[(r + i) * rd + r + i] = kappa;
    S->kappa = kappa;
    return 0;
}

typedef struct {
    double ssq, sumlog;
    size_t nu;
} lik_sums;

/* The Kalman filter of R's ARIMA_Like on w (n values, NaN skipped), from
 * a_{1|0} = 0, P_{1|0} = Pn. Observations with gain >= 1e4 (diffuse
 * start) update the state but are left out of the sums, as R.
 * std_resid (optional) receives the standardised innovations. Leaves
 * S->a, S->P at the filtered state of the last hour. With resume, the run
 * continues the previous one (the hours of w follow those it filtered)
 * instead of starting from Pn: the same as one run over both. */
static lik_sums ssm_run(ssm *S, const double *w, size_t n, double *std_resid, int resume)
{
    const size_t r = S->r, rd = S->rd, nd = S->nd;
    double *a = S->a, *P = S->P, *anew = S->anew, *Pnew = S->Pnew, *M = S->M;
    lik_sums L = { 0.0, 0.0, 0 };
    int frozen = 0, have_old = 0;
    double gain = 1.0, win_cur = 0.0, win_prev = INFINITY; /* dmax per window of r steps */
    size_t win_n = 0, l0 = 0;
    if (resume) {
        frozen = S->frozen, have_old = S->have_old, gain = S->gain, l0 = S->nstep;
        win_cur = S->win_cur, win_prev = S->win_prev, win_n = S->win_n;
    } else {
        memset(a, 0, rd * sizeof(double));
    }
    for (size_t l = l0; l < l0 + n; l++) {
        const double wl = w[l - l0];
        if (l == 0) {
            memset(anew, 0, rd * sizeof(double));
            memcpy(Pnew, S->Pn, rd * rd * sizeof(double));
        } else {
            T_vec(S, a, anew);
            if (!frozen) {
                T_sym(S, P, Pnew, S->mm);
                for (size_t j = 0; j < S->nv; j++)
                    for (size_t i = 0; i < S->nv; i++) Pnew[j * rd + i] += S->v[i] * S->v[j];
            }
        }
        if (!isnan(wl)) {
            double resid = wl - anew[0];
            for (size_t k = 0; k < S->ndnz; k++) resid -= S->delta[S->dnz[k]] * anew[r + S->dnz[k]];
            if (!frozen) {
                /* M = Pnew Z', gain = Z Pnew Z' (Z sparse) */
                for (size_t i = 0; i < rd; i++) {
                    double t = Pnew[i];
                    for (size_t k = 0; k < S->ndnz; k++)
                        t += Pnew[(r + S->dnz[k]) * rd + i] * S->delta[S->dnz[k]];
                    M[i] = t;
                }
                gain = M[0];
                for (size_t k = 0; k < S->ndnz; k++) gain += S->delta[S->dnz[k]] * M[r + S->dnz[k]];
            }
            if (gain < 1e4) {
                L.nu++;
                L.ssq += resid * resid / gain;
                L.sumlog += log(gain);
            }
            if (std_resid) std_resid[l - l0] = resid / sqrt(gain);
            const double f = resid / gain;
            for (size_t i = 0; i < rd; i++) a[i] = anew[i] + M[i] * f;
            if (!frozen) {
                double dmax = 0.0, pmax = 0.0;
                for (size_t j = 0; j < rd; j++) {
                    const double mj = M[j] / gain;
                    for (size_t i = 0; i < rd; i++) {
                        const double pn = Pnew[j * rd + i];
                        P[j * rd + i] = pn - M[i] * mj;
                        if (have_old) { /* plain compares: fmax() is a libm call */
                            const double dd = fabs(pn - S->Pold[j * rd + i]), ap = fabs(pn);
                            if (dd > dmax) dmax = dd;
                            if (ap > pmax) pmax = ap;
                        }
                    }
                }
                /* Steady state: a time-invariant Riccati map at its fixed
                 * point stays there (Anderson & Moore 1979, ch. 4). With
                 * d + D > 0 the diffuse start leaves rounding noise of about
                 * 1e-15 kappa in P (cancellation of kappa-sized terms; R's
                 * filter carries the same noise), so the test cannot ask for
                 * less than 4e-15 kappa there; measured effect on the
                 * log-likelihood <= 1.2e-10 relative (tests/test_arima.c).
                 * That noise is also propagated through the unit roots of
                 * Delta, so past its floor the step dmax grows linearly with
                 * time (measured on a year of hours: 2e-9 at hour 1600, 1e-8
                 * at 8760) and may never meet tol: when the largest dmax over
                 * a window of r steps exceeds the previous window's, P has
                 * reached that floor and is frozen there (without this an
                 * airline fit on a year of hours ran the O(rd^2) step on
                 * every hour: 5-10x slower; log-likelihood change <= 1.4e-4
                 * on ISNE 2019-20, 2e-9 relative). */
                double tol = fmax(1e-12 * fmax(1.0, pmax), nd ? 4e-15 * S->kappa : 0.0);
                int stall = 0;
                if (have_old && l > nd && nd) {
                    if (dmax > win_cur) win_cur = dmax;
                    if (++win_n == r) {
                        stall = win_cur > win_prev && win_cur <= 1e-12 * S->kappa;
                        win_prev = win_cur;
                        win_cur = 0.0;
                        win_n = 0;
                    }
                }
                if (have_old && l > nd && (dmax <= tol || stall)) frozen = 1;
                else {
                    memcpy(S->Pold, Pnew, rd * rd * sizeof(double));
                    have_old = 1;
                }
            }
        } else {
            memcpy(a, anew, rd * sizeof(double));
            memcpy(P, Pnew, rd * rd * sizeof(double));
            frozen = 0;
            have_old = 0;
            win_cur = 0.0, win_prev = INFINITY, win_n = 0;
            if (std_resid) std_resid[l - l0] = NAN;
        }
    }
    S->nstep = l0 + n;
    S->frozen = frozen, S->have_old = have_old, S->gain = gain;
    S->win_cur = win_cur, S->win_prev = win_prev, S->win_n = win_n;
    return L;
}

static lik_sums ssm_filter(ssm *S, const double *w, size_t n, double *std_resid)
{
    return ssm_run(S, w, n, std_resid, 0);
}

/* --------------------------------------------------------------- the spec */

static void spec_free(spec *m)
{
    mem_free(m->delta);
    mem_free(m->X);
}

/* Build the spec: Delta = coefficients of (1-B)^d (1-B^s)^D negated (R's
 * Delta), and the full design [intercept][drift][xreg] (R's arima adds the
 * intercept, forecast::Arima the drift 1..n). */
static int spec_init(spec *m, const arima_order *o, size_t n, const double *xreg, size_t k,
                     double kappa)
{
    memset(m, 0, sizeof *m);
    if (o->p < 0 || o->d < 0 || o->q < 0 || o->P < 0 || o->D < 0 || o->Q < 0 || o->s < 1 ||
        o->p > 100 || o->q > 100 || o->P > 100 || o->Q > 100 || o->d > 3 || o->D > 2 ||
        o->p + o->q + o->P + o->Q > 200)
        return hr_err(HR_EINVAL, "arima.c: invalid order (%d,%d,%d)(%d,%d,%d)%d", o->p, o->d,
                      o->q, o->P, o->D, o->Q, o->s);
    if (o->include_drift && o->d + o->D > 1)
        return hr_err(HR_EINVAL, "arima.c: drift needs d + D <= 1 (got d=%d, D=%d)", o->d, o->D);
    if (o->method < ARIMA_CSS_ML || o->method > ARIMA_CSS)
        return hr_err(HR_EINVAL, "arima.c: unknown method %d", o->method);
    if (k > 0 && !xreg) return hr_err(HR_EINVAL, "arima.c: xreg is NULL with k = %zu", k);
    m->p = o->p; m->q = o->q; m->P = o->P; m->Q = o->Q; m->s = o->s; m->d = o->d; m->D = o->D;
    m->n = n;
    m->kappa = kappa;
    m->narma = (size_t)(o->p + o->q + o->P + o->Q);
    m->pe = (size_t)o->p + (size_t)o->s * (size_t)o->P;
    m->qe = (size_t)o->q + (size_t)o->s * (size_t)o->Q;
    m->r = m->pe > m->qe + 1 ? m->pe : m->qe + 1;
    m->nd = (size_t)o->d + (size_t)o->s * (size_t)o->D;
    if (m->pe > 2000 || m->qe > 2000)
        return hr_err(HR_EINVAL, "arima.c: seasonal lag too long (s = %d)", o->s);
    if (la_dims_ok("arima.c: state dimension", 1, &m->r)) return HR_EINVAL;
    /* polynomial (1-B)^d (1-B^s)^D, coefficient of B^i in poly[i] */
    double *poly = mem_calloc(m->nd + 1, sizeof(double));
    m->delta = mem_calloc(m->nd + 1, sizeof(double));
    if (!poly || !m->delta) { mem_free(poly); spec_free(m); return hr_err(HR_ENOMEM, "arima.c: out of memory"); }
    poly[0] = 1.0;
    size_t len = 1;
    for (int i = 0; i < o->d + o->D; i++) {
        size_t lag = i < o->d ? 1 : (size_t)o->s;
        for (size_t j = len + lag - 1; j >= lag; j--) poly[j] -= poly[j - lag];
        len += lag;
    }
    for (size_t i = 0; i < m->nd; i++) m->delta[i] = -poly[i + 1];
    mem_free(poly);
    int icpt = o->include_mean && o->d + o->D == 0;
    int drift = o->include_drift != 0;
    m->ncx = (size_t)icpt + (size_t)drift + k;
    if (m->ncx) {
        m->X = mem_array(n * m->ncx, sizeof(double));
        if (!m->X) { spec_free(m); return hr_err(HR_ENOMEM, "arima.c: out of memory (xreg)"); }
        double *c = m->X;
        if (icpt) { for (size_t t = 0; t < n; t++) c[t] = 1.0; c += n; }
        if (drift) { for (size_t t = 0; t < n; t++) c[t] = (double)(t + 1); c += n; }
        if (k) memcpy(c, xreg, n * k * sizeof(double));
    }
    return 0;
}

/* w = y - X beta */
static void spec_resid(const spec *m, const double *y, const double *beta, double *w)
{
    memcpy(w, y, m->n * sizeof(double));
    for (size_t j = 0; j < m->ncx; j++) {
        const double b = beta[j], *x = m->X + j * m->n;
        if (b != 0.0)
            for (size_t t = 0; t < m->n; t++) w[t] -= b * x[t];
        else
            for (size_t t = 0; t < m->n; t++) if (isnan(x[t])) w[t] = NAN;
    }
}

/* ------------------------------------------------------- objective context */

/* Missing hours handled as additive outliers (armafn_w, armafn_p): their
 * G block is held as an envelope (ao_sums), and they cost per hour in
 * proportion to the outliers alive at that hour and its square
 * (chandra_ao). Under a seasonal MA near -1 an outlier lives thousands of
 * hours, so with many missing hours close together R's filter (O((r +
 * nd)^2) per hour while its gain moves) is cheaper: measured, airline
 * fits on a year of hours, SOCO 2016 (267 missing, sma1 -0.82) 1.6 s
 * against R's filter's 2.5 s, PACE 2018 (595 missing, sma1 -0.87) 7.9 s
 * against 4.7 s. Without regressors the cheaper of the two computes the
 * objective (ao_cheaper: by the outliers' count and spacing); more missing
 * hours: R's filter. */
enum { AO_MAX = 400 };

/* The sums of chandra_ao over nw data columns and nm outlier columns:
 * Gd = data x data (nw x nw, upper), Gx = outliers x data (nm x nw,
 * column j of the data at Gx + j nm), and the outliers' own block G_AA as an
 * envelope: column j holds rows first[j]..j at Ge + eoff[j]. first[j] is
 * the oldest outlier still alive when j starts (outliers die in order, so
 * first is nondecreasing); older ones have died out and their entries are
 * below chandra_ao's cut. The Cholesky factor keeps the envelope (George &
 * Liu 1981, "Computer Solution of Large Sparse Positive Definite Systems",
 * ch. 4), so the GLS solve costs sum_j (j - first[j])^2 instead of nm^3. */
typedef struct {
    size_t nw, nm, cap; /* nm: outliers of the last run (<= nmax) */
    size_t nmax;
    size_t *first, *eoff; /* [nm], [nm + 1] */
    double *Ge, *Gx, *Gd; /* [cap], [nm nw], [nw nw] */
} ao_sums;

static void ao_free(ao_sums *g)
{
    mem_free(g->first);
    mem_free(g->Ge);
    memset(g, 0, sizeof *g);
}

static int ao_alloc(ao_sums *g, size_t nw, size_t nm)
{
    memset(g, 0, sizeof *g);
    g->nw = nw, g->nm = g->nmax = nm, g->cap = nm * (nm + 1) / 2;
    g->first = mem_array(2 * nm + 1, sizeof(size_t));
    g->Ge = mem_array(g->cap + nm * nw + nw * nw + 1, sizeof(double));
    if (!g->first || !g->Ge) { ao_free(g); return hr_err(HR_ENOMEM, "arima.c: out of memory"); }
    g->eoff = g->first + nm;
    g->Gx = g->Ge + g->cap;
    g->Gd = g->Gx + nm * nw;
    return 0;
}

/* In-place Cholesky G_AA = U'U of the envelope (U upper, same envelope):
 * U_ij = (G_ij - sum_{k = first[j]}^{i-1} U_ki U_kj) / U_ii (first[i] <=
 * first[j]). Returns -1 when G_AA is not numerically positive definite (an
 * hour the data cannot identify). */
static int env_chol(ao_sums *g)
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

/* z <- U'^-1 z with env_chol's factor. */
static void env_trsv_t(const ao_sums *g, double *z)
{
    for (size_t j = 0; j < g->nm; j++) {
        const double *uj = g->Ge + g->eoff[j] - g->first[j];
        double t = z[j];
        for (size_t k = g->first[j]; k < j; k++) t -= uj[k] * z[k];
        z[j] = t / uj[j];
    }
}

/* log |G_AA| = 2 sum log U_jj */
static double env_logdet(const ao_sums *g)
{
    double s = 0.0;
    for (size_t j = 0; j < g->nm; j++) s += 2.0 * log(g->Ge[g->eoff[j] + j - g->first[j]]);
    return s;
}

typedef struct {
    const spec *m;
    const double *y;
    double *full;       /* [narma + ncx] current full parameter vector */
    const int *mask;    /* free parameters (R's mask)                 */
    size_t nfree;
    int trans;
    size_t ncond;       /* CSS conditioning length                    */
    ssm S;
    double *w, *phi, *theta; /* [n], [pe], [qe] */
    lik_sums last;
    /* the differenced series as a stationary ARMA (armafn_w) */
    ssm Sw;             /* r, phi and v only (nd = 0, no covariances)   */
    double *wd;         /* [n] differenced w, then the workspace below  */
    double *ck;         /* Q0's first column [r], then q0_col's
                           [pe (pe+1)/2 + 3 r + qe + 3] or chandra_ao's
                           work [(amax + 4) r + amax + 1], z [amax]     */
    double *poly;       /* [nd + 1] 1, -Delta                           */
    size_t *nz;         /* q0_col [qe + 1]                              */
    size_t *miss;       /* [amax] missing hours                         */
    size_t amax;        /* outlier columns armafn_w has room for: the
                           series' missing hours, 0 beyond AO_MAX       */
    ao_sums ao;         /* armafn_w's G                                 */
    /* beta profiled out (armafn_p; prof_init): the differenced series and
     * design, and their GLS workspace */
    double *pD;         /* [pnw * pN] Delta y, Delta X (missing hours 0), then
                           chandra_ao's work, Z, S, U_XX, vbuf          */
    double *pZ, *pS, *pUx, *pwork, *pvbuf;
    size_t pnw, pN, pnm, *pmiss;
    size_t pnsk;        /* pkal: the pnsk hours pmiss are skipped       */
    int pkal;           /* d = D = 0 with missing hours: R's filter on
                           the columns (kalman_cols), not chandra_ao    */
    ao_sums pao;
    double pssq;        /* ssq at the last armafn_p evaluation          */
} lik_ctx;

static void ctx_free(lik_ctx *c)
{
    if (!c) return;
    ssm_free(&c->S);
    mem_free(c->wd);
    mem_free(c->nz);
    mem_free(c->w);
    mem_free(c->full);
    mem_free(c->pD);
    mem_free(c->pmiss);
    ao_free(&c->ao);
    ao_free(&c->pao);
    memset(c, 0, sizeof *c);
}

/* hours where y or a regressor is missing (NaN in spec_resid's w) */
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

/* Whether armafn_w (the missing hours as outlier columns) costs less per
 * evaluation than R's filter (armafn) on y's missing hours. Per hour an
 * outlier column costs ~r (its state) plus its row of the envelope (the
 * outliers alive), counted as alive for AO_LIFE hours after its hour (under
 * a seasonal MA near -1 they live 3,000-4,000 hours, with AR terms less:
 * an upper bound); R's filter costs ~rd^2 per hour while its gain moves,
 * and every missing hour sets it moving again. Measured per evaluation
 * (s = 24, one thread): the outliers 0.5-0.6 ns per unit of their sum, R's
 * filter 1.5-3.2 ns per N rd^2, so armafn_w while its sum is below
 * AO_RATIO N rd^2: (2,0,1)(0,1,1)24 on NSB's last 2015 h of 2019 (393
 * missing, most within a week; ratio 14.6) 44 ms against R's 16 ms; the
 * airline model on SOCO 2016 (242 missing; 1.8) 24 against 33 ms, on PACE
 * 2018 (570 missing; 9.4) 106 against 73 ms. */
enum { AO_LIFE = 4000, AO_RATIO = 4 };
static int ao_cheaper(const spec *m, const double *y)
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

static int ctx_init(lik_ctx *c, const spec *m, const double *y)
{
    memset(c, 0, sizeof *c);
    c->m = m;
    c->y = y;
    size_t np = m->narma + m->ncx;
    c->full = mem_calloc(np + 1, sizeof(double));
    c->w = mem_array(m->n + m->pe + m->qe + 2, sizeof(double));
    if (!c->full || !c->w) { ctx_free(c); return hr_err(HR_ENOMEM, "arima.c: out of memory"); }
    c->phi = c->w + m->n;
    c->theta = c->phi + m->pe + 1;
    int rc = ssm_alloc(&c->S, m);
    if (rc) { ctx_free(c); return rc; }
    {
        const size_t r = m->r, nmiss = count_missing(m, y), am = nmiss <= AO_MAX ? nmiss : 0;
        size_t q0w = m->pe * (m->pe + 1) / 2 + 3 * r + m->qe + 3;
        size_t aow = (am + 4) * r + 2 * am + 2;
        c->amax = am;
        c->wd = mem_array(m->n + 3 * r + m->nd + 1 + (q0w > aow ? q0w : aow), sizeof(double));
        c->nz = mem_array(m->qe + 2 + am, sizeof(size_t));
        if (!c->wd || !c->nz) { ctx_free(c); return hr_err(HR_ENOMEM, "arima.c: out of memory"); }
        if ((rc = ao_alloc(&c->ao, 1, am))) { ctx_free(c); return rc; }
        c->miss = c->nz + m->qe + 2;
        c->Sw.r = c->Sw.rd = r;
        c->Sw.phi = c->wd + m->n;
        c->Sw.v = c->Sw.phi + r;
        c->poly = c->Sw.v + r;
        c->poly[0] = 1.0;
        for (size_t k = 0; k < m->nd; k++) c->poly[k + 1] = -m->delta[k];
        c->ck = c->poly + m->nd + 1;
    }
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
static double armafn(const double *x, void *ud)
{
    lik_ctx *c = ud;
    const spec *m = c->m;
    ctx_set(c, x);
    trans_pars(m, c->full, c->trans, c->phi, c->theta);
    if (ssm_set(&c->S, m, c->phi, c->theta, m->kappa)) return DBL_MAX;
    spec_resid(m, c->y, c->full + m->narma, c->w);
    lik_sums L = ssm_filter(&c->S, c->w, m->n, NULL);
    c->last = L;
    if (L.nu == 0 || !(L.ssq > 0.0)) return DBL_MAX;
    double s2 = L.ssq / (double)L.nu;
    double f = 0.5 * (log(s2) + L.sumlog / (double)L.nu);
    return isfinite(f) ? f : DBL_MAX;
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
 * Q0's first column q0c = Q0 Z' is needed (q0_col). Each column c gets the
 * innovations v_t = c_t - Z a_t, a_{t+1} = T a_t + K_t v_t / F_t, as
 * ssm_run (gain = F_t; measured 1e-15..2e-14 relative on the likelihood).
 * Columns 0..nw-1 are data (w + j ldw, N values each: the series, and for
 * armafn_p the design columns); column nw + j is the differencing
 * polynomial poly (nd + 1 values) at the missing hour miss[j] (sorted; w's
 * hour t is the series' hour t + nd). g gets G = sum v v' / F over the
 * hours with F < 1e4 (R's rule), whose number and sum of log F are
 * returned; ssq is G's data entry (0, 0). An outlier column costs only
 * while alive: from its hour until its state has died out (below). With
 * vbuf ([VBLK (nw + nm)]) the data block and the data x outlier block are
 * accumulated by blocks of VBLK hours, V'V with V's rows v' / sqrt(F)
 * (dsyrk, dgemm: for wide designs the O(nw^2) per hour is the larger part
 * of the cost), else hour by hour (armafn_w); the outlier x outlier
 * envelope hour by hour over the live outliers.
 * work: [(nw + nm + 3) r + nw + nm]. */
enum { VBLK = 128 }; /* hours per dsyrk update of chandra_ao's G */
static lik_sums chandra_ao(const ssm *S, const double *q0c, const double *w, size_t ldw, size_t nw,
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
        /* steady state as ssm_run's test: the next increment of P, L L' / F,
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

/* R's filter (ssm_run; d = D = 0, so the state is the ARMA's r elements
 * from P_1 = Q0) on nw columns sharing its gains: the series and the design
 * columns (w + j ldw, N hours, the nsk hours skip[] (sorted) missing:
 * prediction only, as R). The sums G = sum v v' / F over the hours with
 * F < 1e4 (R's rule) go to Gd by blocks of VBLK hours (dsyrk on vbuf); the
 * number and sum of log F are returned, ssq is G_yy. This is the Kalman
 * filter on the augmented state of regression by GLS (Durbin & Koopman
 * 2012, sec. 6.2.2: beta's columns share the gains of the series), so the
 * profile over beta it gives is exactly R's likelihood minimised over beta;
 * unlike chandra_ao it needs the O(r^2) Riccati step (the increment of P
 * is no longer rank one after a missing hour) until P settles again.
 * A: [nw r] predicted states (S's anew holds the gain T M). */
static lik_sums kalman_cols(ssm *S, const double *w, size_t ldw, size_t nw, size_t N,
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
            T_sym(S, P, Pnew, S->mm);
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
        /* P = Pnew - M M' / gain; steady state as ssm_run (nd = 0) */
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

/* The first column of Q0 = Cov(alpha_t) (sigma2 = 1) of the state form of
 * ssm_set, without Q0: with w_t = alpha_t[0] and the state equation
 * unrolled, alpha_t[i] = sum_{k>i} (phi_k w_{t+i-k} + theta_{k-1}
 * eps_{t+i+1-k}) (1-based k, theta_0 = 1), so
 *   Cov(alpha_t[i], w_t) = sum_{k=i+1}^{r} (phi_k gamma(k-i) + theta_{k-1} psi_{k-1-i})
 * from the autocovariances gamma and the MA(inf) weights psi of w.
 * gamma: of u = eps / phi(B) by the Durbin-Levinson step-down (the
 * partial autocorrelations kappa_k, as invpartrans), gamma_u(0) =
 * 1 / prod (1 - kappa_k^2) and gamma_u(k) = sum_j phi_{k,j} gamma_u(k-j)
 * with the order-k coefficients (Brockwell & Davis 1991, "Time Series:
 * Theory and Methods", 2nd ed., sec. 5.2; 3.3), then w = theta(B) u:
 * gamma(k) = sum_{i,j} theta_i theta_j gamma_u(k - i + j). O(p^2 + r p +
 * r nnz(theta)^2), no dense solve and no O(r^3) doubling. S holds phi and
 * v (ssm_set_coef). work: [pe (pe+1) / 2 + 3 r + qe + 3]; nz: [qe + 1].
 * Returns 0, or -1 when phi is not stationary. */
static int q0_col(const ssm *S, size_t pe, size_t qe, double *col, double *work, size_t *nz)
{
    const size_t r = S->r;
    const double *phi = S->phi, *th = S->v; /* th[j] = theta_j, th[0] = 1 */
    while (pe > 0 && phi[pe - 1] == 0.0) pe--;
    while (qe > 0 && th[qe] == 0.0) qe--;
    const size_t p = pe;
    double *lev = work, *gu = lev + p * (p + 1) / 2, *g = gu + r + qe + 1, *psi = g + r + 1;
    /* row k (order k = 1..p) of the step-down at lev + k (k-1) / 2 */
    double g0 = 1.0;
    if (p > 0) memcpy(lev + p * (p - 1) / 2, phi, p * sizeof(double));
    for (size_t k = p; k >= 1; k--) {
        const double *rk = lev + k * (k - 1) / 2, kap = rk[k - 1];
        if (!(fabs(kap) < 1.0)) return -1;
        g0 /= 1.0 - kap * kap;
        double *rm = lev + (k - 1) * (k - 2) / 2;
        for (size_t j = 0; j + 1 < k; j++) rm[j] = (rk[j] + kap * rk[k - 2 - j]) / (1.0 - kap * kap);
    }
    gu[0] = g0;
    for (size_t k = 1; k <= r + qe; k++) {
        const size_t o = k <= p ? k : p;
        const double *rk = k <= p ? lev + k * (k - 1) / 2 : phi;
        double t = 0.0;
        for (size_t j = 1; j <= o; j++) t += rk[j - 1] * gu[k - j];
        gu[k] = t;
    }
    size_t nq = 0;
    for (size_t j = 0; j <= qe; j++)
        if (th[j] != 0.0) nz[nq++] = j;
    for (size_t k = 0; k <= r; k++) {
        double t = 0.0;
        for (size_t a = 0; a < nq; a++)
            for (size_t b = 0; b < nq; b++) {
                const size_t i = nz[a], j = nz[b];
                t += th[i] * th[j] * gu[k + j >= i ? k + j - i : i - k - j];
            }
        g[k] = t;
    }
    for (size_t j = 0; j <= r; j++) {
        double t = j <= qe ? th[j] : 0.0;
        for (size_t k = 1; k <= p && k <= j; k++) t += phi[k - 1] * psi[j - k];
        psi[j] = t;
    }
    for (size_t i = 0; i < r; i++) {
        double t = 0.0;
        for (size_t k = i + 1; k <= r; k++) t += phi[k - 1] * g[k - i] + th[k - 1] * psi[k - 1 - i];
        col[i] = t;
    }
    return isfinite(col[0]) && col[0] > 0.0 ? 0 : -1;
}

/* The differenced-series objective, armafn's counterpart in estimation:
 * w = Delta (y - X beta) as the stationary ARMA(p', q') it is, from Q0
 * with no differencing states, by chandra_ao. With d = D = 0 that is R's
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
 * form). More missing hours: R's filter (armafn). */
static double armafn_w(const double *x, void *ud)
{
    lik_ctx *c = ud;
    const spec *m = c->m;
    const size_t n = m->n, nd = m->nd, s = (size_t)m->s, r = m->r;
    ctx_set(c, x);
    spec_resid(m, c->y, c->full + m->narma, c->wd);
    double *w = c->wd;
    size_t nm = 0;
    for (size_t t = 0; t < n; t++)
        if (isnan(w[t])) {
            if (nm == c->amax) return armafn(x, ud);
            c->miss[nm++] = t;
            w[t] = 0.0;
        }
    trans_pars(m, c->full, c->trans, c->phi, c->theta);
    ssm_set_coef(&c->Sw, m, c->phi, c->theta);
    if (q0_col(&c->Sw, m->pe, m->qe, c->ck, c->ck + r, c->nz)) return DBL_MAX;
    /* d = D = 0 with missing hours: R's filter leaves out the hours whose
     * prediction variance F is 1e4 or more (sigma2 = 1), which the outliers
     * do not. F never exceeds the variance gamma(0) = Q0[0][0] (conditioning
     * cannot add variance), so below the cut (with room for rounding:
     * 5e3) no hour is left out and the likelihoods agree; else R's filter. */
    if (!nd && nm && !(c->ck[0] < 5e3)) return armafn(x, ud);
    for (int i = 0; i < m->d; i++)
        for (size_t l = n - 1; l > 0; l--) w[l] -= w[l - 1];
    for (int i = 0; i < m->D; i++)
        for (size_t l = n - 1; l >= s; l--) w[l] -= w[l - s];
    double *wk = c->ck + r, *z = wk + (nm + 4) * r + nm + 1; /* q0_col's workspace is free again */
    lik_sums L = chandra_ao(&c->Sw, c->ck, w + nd, n - nd, 1, n - nd, nd, c->miss, nm, c->poly,
                            &c->ao, wk, NULL);
    /* GLS over the outlier columns: G_AA = U'U (env_chol), then
     * ssq = G_ww - |U'^-1 G_Aw|^2 and log |X' Sigma^-1 X| = 2 sum log U_jj */
    double logdet = 0.0;
    if (nm > 0) {
        if (env_chol(&c->ao)) return armafn(x, ud); /* an hour the data cannot identify */
        memcpy(z, c->ao.Gx, nm * sizeof(double));
        env_trsv_t(&c->ao, z);
        for (size_t j = 0; j < nm; j++) L.ssq -= z[j] * z[j];
        logdet = env_logdet(&c->ao);
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
 * innovations gains (chandra_ao) gives G = sum v v' / F = [y X]' Sigma^-1
 * [y X] (with the missing-hour columns A of armafn_w), and
 *   ssq(beta_hat) = G_yy - G_yz' G_zz^-1 G_zy,  z = [A X]
 * (regression by augmenting the filter with the design columns: Durbin &
 * Koopman 2012, sec. 6.2). Only A's block enters log |X' Sigma^-1 X|
 * (armafn_w's diffuse outliers); beta is an ML
 * parameter as in R's arima(xreg=), so min over beta of armafn_w equals
 * this value. One pass over ncx + 1 columns replaces 2 ncx gradient
 * evaluations and the O(ncx^2) Hessians. The factor of G_zz is taken in
 * blocks: U_AA by env_chol, Z = U_AA'^-1 G_A[y X], then the Schur
 * complement S = G_[y X] - Z'Z, whose X block's Cholesky factor is U_XX
 * (c->pUx, the trailing block of G_zz's factor) and
 *   ssq = S_yy - |U_XX'^-1 S_Xy|^2,  beta_hat = U_XX^-1 U_XX'^-1 S_Xy.
 * Leaves beta_hat in c->full + narma and ssq in c->pssq; DBL_MAX where GLS
 * is singular. */
static double armafn_p(const double *x, void *ud)
{
    lik_ctx *c = ud;
    const spec *m = c->m;
    const size_t r = m->r, nw = c->pnw, nm = c->pnm, k = m->ncx;
    memcpy(c->full, x, m->narma * sizeof(double));
    trans_pars(m, c->full, c->trans, c->phi, c->theta);
    ssm_set_coef(&c->Sw, m, c->phi, c->theta);
    ao_sums *g = &c->pao;
    lik_sums L;
    if (c->pkal) {
        if (ssm_set(&c->S, m, c->phi, c->theta, m->kappa)) return DBL_MAX;
        L = kalman_cols(&c->S, c->pD, c->pN, nw, c->pN, c->pmiss, c->pnsk, g->Gd, c->pwork, c->pvbuf);
    } else {
        if (q0_col(&c->Sw, m->pe, m->qe, c->ck, c->ck + r, c->nz)) return DBL_MAX;
        L = chandra_ao(&c->Sw, c->ck, c->pD, c->pN, nw, c->pN, m->nd, c->pmiss, nm, c->poly, g,
                       c->pwork, c->pvbuf);
    }
    double *S = c->pS, *U = c->pUx, *z = S + nw * nw;
    memcpy(S, g->Gd, nw * nw * sizeof(double));
    double logdet = 0.0;
    if (nm > 0) {
        if (env_chol(g)) return DBL_MAX;
        memcpy(c->pZ, g->Gx, nm * nw * sizeof(double));
        for (size_t j = 0; j < nw; j++) env_trsv_t(g, c->pZ + j * nm);
        la_syrk_t(nm, nw, -1.0, c->pZ, nm, 1.0, S, nw);
        logdet = env_logdet(g);
    }
    /* S's order is [y X]: U_XX from rows and columns 1..k */
    for (size_t j = 0; j < k; j++) {
        memcpy(U + j * k, S + (j + 1) * nw + 1, (j + 1) * sizeof(double));
        z[j] = S[(j + 1) * nw];
    }
    if (la_potrf_upper(k, U, k)) {
        hr_err_clear();
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
    c->pssq = ssq;
    if (L.nu == 0 || !(ssq > 0.0)) return DBL_MAX;
    double f = 0.5 * (log(ssq / (double)L.nu) + L.sumlog / (double)L.nu);
    return isfinite(f) ? f : DBL_MAX;
}

/* armafn_p's data: Delta y and Delta X with the missing hours (y or a
 * regressor NaN; at most AO_MAX, fit_core's cheap condition) set to 0 and
 * given outlier columns, as armafn_w; with d = D = 0 and missing hours,
 * y and X as they are, the missing hours skipped by kalman_cols (pkal).
 * Returns 0, HR_EINVAL (too large for BLAS) or HR_ENOMEM. */
static int prof_init(lik_ctx *c)
{
    const spec *m = c->m;
    const size_t n = m->n, nd = m->nd, k = m->ncx, s = (size_t)m->s, nw = k + 1;
    const size_t N = n - nd, r = m->r;
    size_t nm = count_missing(m, c->y), nsk = 0;
    if (nd == 0 && nm > 0) { /* skipped by kalman_cols: no outlier columns */
        c->pkal = 1;
        nsk = nm, nm = 0;
    } else if (nm > AO_MAX) {
        return hr_err(HR_EINVAL, "arima.c: %zu missing hours for the profile", nm);
    }
    const size_t nc = nw + nm;
    if (la_dims_ok("arima.c: profile design", 3, (size_t[]){ n, nw, VBLK * nc })) return HR_EINVAL;
    c->pmiss = mem_array(nm + nsk + 1, sizeof(size_t));
    c->pD = mem_array(nw * n + (nc + 3) * r + nc + nm * nw + nw * nw + k * k + nw + VBLK * nc + 1,
                      sizeof(double));
    if (!c->pmiss || !c->pD) return hr_err(HR_ENOMEM, "arima.c: out of memory");
    int rc = ao_alloc(&c->pao, nw, nm);
    if (rc) return rc;
    c->pwork = c->pD + nw * n;
    c->pZ = c->pwork + (nc + 3) * r + nc;
    c->pS = c->pZ + nm * nw;
    c->pUx = c->pS + nw * nw + nw; /* S, then z [nw] */
    c->pvbuf = c->pUx + k * k;
    c->pnw = nw, c->pN = N, c->pnm = nm, c->pnsk = nsk;
    nm = 0;
    for (size_t t = 0; t < n; t++) {
        int miss = isnan(c->y[t]);
        for (size_t j = 0; j < k && !miss; j++) miss = isnan(m->X[j * n + t]);
        if (miss) c->pmiss[nm++] = t;
    }
    double *col = c->pD; /* differenced in place over n, then shifted by nd */
    for (size_t j = 0; j < nw; j++) {
        double *v = col + j * n;
        memcpy(v, j ? m->X + (j - 1) * n : c->y, n * sizeof(double));
        for (size_t a = 0; a < nm; a++) v[c->pmiss[a]] = 0.0;
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
static double css_value(const spec *m, double *w, const double *phi, const double *theta,
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

typedef struct {
    lik_ctx *c;
    double *resid; /* [n] scratch */
} css_ctx;

static double css_at(css_ctx *cc)
{
    lik_ctx *c = cc->c;
    const spec *m = c->m;
    trans_pars(m, c->full, 0, c->phi, c->theta);
    spec_resid(m, c->y, c->full + m->narma, c->w);
    double v = css_value(m, c->w, c->phi, c->theta, c->ncond, NULL, cc->resid);
    double f = 0.5 * log(v);
    return isfinite(f) ? f : DBL_MAX;
}

static double armacss(const double *x, void *ud)
{
    css_ctx *cc = ud;
    ctx_set(cc->c, x);
    return css_at(cc);
}

/* armacss over the ARMA part only, beta held at c->full + narma: the CSS
 * start of a fit whose ML stage profiles beta out (armafn_p), where only
 * the ARMA start values matter. */
static double armacss_arma(const double *x, void *ud)
{
    css_ctx *cc = ud;
    memcpy(cc->c->full, x, cc->c->m->narma * sizeof(double));
    return css_at(cc);
}

/* ------------------------------------------------------------ start values */

/* R's start for beta: lm(diff(y) ~ diff(X) - 1, na.omit), and parscale
 * 10 * s.e. (arima.R). Normal equations X'X = U'U through src/linalg
 * (dsyrk, dpotrf): k is small and only start values depend on it; a
 * reciprocal condition number of U below 1e-8 (cond(X'X) > 1e16) is
 * reported as rank deficiency, as lm() would alias a column. */
static int ols_start(const spec *m, const double *y, double *beta, double *parscale)
{
    const size_t n = m->n, k = m->ncx, s = (size_t)m->s;
    if (la_dims_ok("arima.c: regression start", 2, (size_t[]){ n, k + 1 })) return HR_EINVAL;
    double *D = mem_array(n * (k + 1), sizeof(double));
    double *C = mem_array(n * (k + 1), sizeof(double));
    double *G = mem_array(2 * k * k + k + 1, sizeof(double));
    if (!D || !C || !G) { mem_free(D); mem_free(C); mem_free(G); return hr_err(HR_ENOMEM, "arima.c: out of memory"); }
    /* column 0: y, columns 1..k: X; differenced as R's diff() (regular, then seasonal) */
    memcpy(D, y, n * sizeof(double));
    memcpy(D + n, m->X, n * k * sizeof(double));
    size_t len = n, off = 0;
    for (size_t c = 0; c <= k; c++) {
        double *v = D + c * n;
        size_t L = n, o2 = 0;
        for (int i = 0; i < m->d && L > 1; i++) {
            for (size_t t = L - 1; t > 0; t--) v[o2 + t] -= v[o2 + t - 1];
            o2++; L--;
        }
        for (int i = 0; i < m->D && L > s; i++) {
            for (size_t t = L - 1; t >= s; t--) v[o2 + t] -= v[o2 + t - s];
            o2 += s; L -= s;
        }
        len = L; off = o2;
    }
    /* complete rows into C (used x (k+1)), na.omit */
    size_t used = 0;
    for (size_t t = off; t < off + len; t++) {
        int ok = 1;
        for (size_t c = 0; c <= k && ok; c++) ok = !isnan(D[c * n + t]);
        if (ok) used++;
    }
    size_t row = 0;
    for (size_t t = off; t < off + len; t++) {
        int ok = 1;
        for (size_t c = 0; c <= k && ok; c++) ok = !isnan(D[c * n + t]);
        if (!ok) continue;
        for (size_t c = 0; c <= k; c++) C[c * used + row] = D[c * n + t];
        row++;
    }
    double *U = G, *Ui = G + k * k, *b = Ui + k * k;
    int rc = 0;
    double rcond = 0.0;
    if (used <= k) {
        rc = hr_err(HR_EDATA, "arima.c: %zu usable rows for %zu regression coefficients", used, k);
    } else {
        const double *Xc = C + used, *yc = C;
        la_syrk_t(used, k, 1.0, Xc, used, 0.0, U, k);
        la_gemv(1, used, k, 1.0, Xc, used, yc, 0.0, b);
        if (la_potrf_upper(k, U, k) || la_trcon_upper(k, U, k, &rcond) || !(rcond > 1e-8))
            rc = hr_err(HR_ESINGULAR, "arima.c: regression design is rank-deficient (%zu columns)", k);
    }
    if (!rc) {
        memcpy(beta, b, k * sizeof(double));
        la_trsv_upper(1, k, U, k, beta);   /* U' z = X'y */
        la_trsv_upper(0, k, U, k, beta);   /* U beta = z */
        double rss = 0.0;
        for (size_t t = 0; t < used; t++) {
            double e = C[t];
            for (size_t c = 0; c < k; c++) e -= beta[c] * C[(c + 1) * used + t];
            rss += e * e;
        }
        double s2 = rss / (double)(used - k);
        /* diag((X'X)^{-1}) = row sums of squares of U^{-1} */
        memcpy(Ui, U, k * k * sizeof(double));
        if (la_trtri_upper(k, Ui, k)) rc = hr_err(HR_ESINGULAR, "arima.c: regression design is singular");
        for (size_t i = 0; i < k && !rc; i++) {
            double v = 0.0;
            for (size_t j = i; j < k; j++) v += Ui[j * k + i] * Ui[j * k + i];
            double se = sqrt(s2 * v);
            parscale[i] = se > 0.0 && isfinite(se) ? 10.0 * se : 1.0;
        }
    }
    mem_free(D);
    mem_free(C);
    mem_free(G);
    return rc;
}

/* --------------------------------------------------------------- the fit */

struct arima_fit {
    arima_order o;
    spec m;            /* delta and orders (X dropped after the fit)  */
    size_t n, k, np, nfree;
    int icpt, drift;
    double *coef, *se; /* [np] */
    char **names;      /* [np] */
    double sigma2, loglik, aic, aicc, bic;
    int converged;
    size_t nobs;
    char note[256];
    ssm S;             /* filtered state at the last hour              */
};

void arima_free(arima_fit *f)
{
    if (!f) return;
    if (f->names)
        for (size_t i = 0; i < f->np; i++) mem_free(f->names[i]);
    mem_free(f->names);
    mem_free(f->coef);
    ssm_free(&f->S);
    spec_free(&f->m);
    mem_free(f);
}

static void note_add(arima_fit *f, const char *msg)
{
    size_t l = strlen(f->note);
    if (l + 3 + strlen(msg) >= sizeof f->note) return;
    if (l) { strcat(f->note, "; "); }
    strcat(f->note, msg);
}

static int make_names(arima_fit *f, const arima_opts *op)
{
    f->names = mem_calloc(f->np + 1, sizeof(char *));
    if (!f->names) return hr_err(HR_ENOMEM, "arima.c: out of memory");
    char buf[64];
    size_t i = 0;
    const struct { const char *pfx; int cnt; } blk[4] = {
        { "ar", f->o.p }, { "ma", f->o.q }, { "sar", f->o.P }, { "sma", f->o.Q } };
    for (int b = 0; b < 4; b++)
        for (int j = 0; j < blk[b].cnt; j++) {
            snprintf(buf, sizeof buf, "%s%d", blk[b].pfx, j + 1);
            if (!(f->names[i++] = mem_strdup(buf))) return hr_err(HR_ENOMEM, "arima.c: out of memory");
        }
    if (f->icpt && !(f->names[i++] = mem_strdup("intercept"))) return hr_err(HR_ENOMEM, "arima.c: out of memory");
    if (f->drift && !(f->names[i++] = mem_strdup("drift"))) return hr_err(HR_ENOMEM, "arima.c: out of memory");
    for (size_t j = 0; j < f->k; j++) {
        const char *nm = op->xreg_names && op->xreg_names[j] ? op->xreg_names[j] : NULL;
        if (!nm) { snprintf(buf, sizeof buf, "xreg%zu", j + 1); nm = buf; }
        if (!(f->names[i++] = mem_strdup(nm))) return hr_err(HR_ENOMEM, "arima.c: out of memory");
    }
    return 0;
}

/* min over the roots z of 1 + sum c_i z^i of max(|z|, 1/|z|): the modulus
 * after reflection into the invertible region (ma_invert); Inf if none. */
static double root_span(size_t m, const double *c)
{
    while (m > 0 && c[m - 1] == 0.0) m--;
    if (m == 0 || m > 60) return INFINITY;
    double cc[64];
    double complex z[64];
    cc[0] = 1.0;
    for (size_t i = 0; i < m; i++) cc[i + 1] = c[i];
    polyroots(m, cc, z);
    double g = INFINITY;
    for (size_t i = 0; i < m; i++) {
        double a = cabs(z[i]);
        g = fmin(g, a >= 1.0 ? a : 1.0 / a);
    }
    return g;
}

/* Order-search candidates (arima_opts.unit_ma_stop): an ML fit whose MA
 * roots (seasonal ones as |u|^(1/s) for u = z^s, as cand_eval) have stayed
 * inside auto.arima's rejection radius 1.01 for 3 accepted steps is
 * abandoned: the search would reject it at that point anyway, and such fits
 * are the slowest of a search (the filter hardly reaches its steady state;
 * the optimiser creeps along the boundary). Measured (shared machine): the
 * search on CISO's last 2000 h took 16 s instead of 69 s, on the
 * over-differenced series of bench/arima_bench.c 8 s instead of 174 s, to
 * the same models and AICc. Only fits on R's filter (fit_core: not with
 * armafn_w) are guarded. */
typedef struct { int p, q, P, s; size_t Q; int hits, stopped; } ma_guard;

static int ma_guard_fn(size_t n, const double *x, void *ud)
{
    ma_guard *g = ud;
    (void)n;
    double sp = fmin(root_span((size_t)g->q, x + g->p),
                     pow(root_span(g->Q, x + g->p + g->q + g->P), 1.0 / g->s));
    g->hits = sp < 1.01 ? g->hits + 1 : 0;
    g->stopped = g->hits >= 3;
    return g->stopped;
}

/* Newton's method on fn from x with the numerical Hessian (optim_hessian,
 * 2 np^2 + 1 evaluations per step, which also give the gradient and f),
 * halving the step until fn decreases; it stops when the predicted gain
 * -g'd/2 is below 1e-6 log-likelihood units (nu hours), when H is not
 * positive definite along the gradient, or after 20 steps. BFGS with
 * numerical gradients crawls along the flat ridges of ARMA likelihoods
 * (AR and MA roots near cancellation, AR roots near 1 with a drift);
 * Newton's quadratic model does not, and armafn_w makes its Hessians
 * cheap. Measured: PJM-DOM's (2,0,0)(0,1,2)24 + drift, -24551.0 after
 * R's BFGS run and -24513.0 after a second, -24460.2 here. Returns 1 when
 * it stopped at the optimum (predicted gain below the threshold), else 0;
 * x and *value (fn at x) are updated; HR_ENOMEM. work: [np^2 + 3 np]. */
static int newton_polish(optim_fn fn, void *ud, size_t np, double *x, double *value,
                         const optim_ctl *ctl, double nu, double *work)
{
    double *H = work, *g = H + np * np, *d = g + np, *xt = d + np, f0;
    for (int it = 0; it < 20; it++) {
        int rc = optim_hessian(np, x, fn, ud, ctl, H, g, &f0);
        if (rc) return rc == HR_ENOMEM ? rc : 0;
        if ((rc = optim_invert(np, H))) return rc == HR_ENOMEM ? rc : 0;
        la_gemv(0, np, np, -1.0, H, np, g, 0.0, d); /* d = -H^-1 g */
        const double pred = -0.5 * la_dot(np, d, g);
        if (!(pred > 0.0)) return 0;
        if (pred * nu < 1e-6) return 1;
        double alpha = 1.0, ft = DBL_MAX;
        for (; alpha > 1e-3; alpha *= 0.5) {
            for (size_t i = 0; i < np; i++) xt[i] = x[i] + alpha * d[i];
            ft = fn(xt, ud);
            if (ft < f0) break;
        }
        if (!(ft < f0)) return 0;
        memcpy(x, xt, np * sizeof(double));
        *value = ft;
    }
    return 0;
}

/* Run the estimation; fixed != NULL means evaluate at those coefficients. */
static int fit_core(const double *y, size_t n, const double *xreg, size_t k, const arima_order *o,
                    const arima_opts *opts, const double *fixed, double fixed_sigma2,
                    arima_fit **out)
{
    arima_opts dflt;
    if (!opts) { arima_opts_init(&dflt); opts = &dflt; }
    if (!y || !o || !out) return hr_err(HR_EINVAL, "arima.c: NULL argument");
    if (n == 0) return hr_err(HR_EDATA, "arima.c: empty series");
    arima_fit *f = mem_calloc(1, sizeof *f);
    if (!f) return hr_err(HR_ENOMEM, "arima.c: out of memory");
    lik_ctx c;
    memset(&c, 0, sizeof c);
    double *work = NULL;
    int rc = spec_init(&f->m, o, n, xreg, k, opts->kappa > 0 ? opts->kappa : 1e6);
    if (rc) { mem_free(f); return rc; }
    spec *m = &f->m;
    f->o = *o;
    f->n = n;
    f->k = k;
    f->icpt = o->include_mean && o->d + o->D == 0;
    f->drift = o->include_drift != 0;
    f->np = m->narma + m->ncx;
    const size_t np = f->np, narma = m->narma;
    f->coef = mem_array(2 * np + 1, sizeof(double));
    if (!f->coef) { rc = hr_err(HR_ENOMEM, "arima.c: out of memory"); goto fail; }
    f->se = f->coef + np;
    if ((rc = make_names(f, opts))) goto fail;

    /* n.used: hours with y and every regressor present, less len(Delta) */
    size_t nok = 0;
    int anyna = 0;
    for (size_t t = 0; t < n; t++) {
        int ok = !isnan(y[t]);
        for (size_t j = 0; j < m->ncx && ok; j++) ok = !isnan(m->X[j * n + t]);
        nok += (size_t)ok;
        anyna |= !ok;
    }
    if (nok <= m->nd + np) {
        rc = hr_err(HR_EDATA, "arima.c: %zu usable hours for %zu differences and %zu coefficients",
                    nok, m->nd, np);
        goto fail;
    }
    const size_t nused = nok - m->nd;
    f->nobs = nused;
    if ((rc = ctx_init(&c, m, y))) goto fail;
    /* workspace: mask, x, parscale, H, A, tmp, css residuals */
    work = mem_array(6 * np + 3 * np * np + n + 4, sizeof(double));
    if (!work) { rc = hr_err(HR_ENOMEM, "arima.c: out of memory"); goto fail; }
    double *x = work, *ps = x + np, *H = ps + np, *A = H + np * np, *Tm = A + np * np,
           *x2 = Tm + np * np + 3 * np, *cres = x2 + np; /* Tm: newton_polish's too */
    int *mask = mem_array(np + 1, sizeof(int));
    if (!mask) { rc = hr_err(HR_ENOMEM, "arima.c: out of memory"); goto fail; }
    int method = o->method;
    if (method == ARIMA_CSS_ML && anyna) method = ARIMA_ML;
    double value;

    if (fixed) {
        for (size_t i = 0; i < np; i++) mask[i] = 0;
        c.mask = mask;
        memcpy(c.full, fixed, np * sizeof(double));
        c.trans = 0;
        value = armafn(NULL, &c);
        mem_free(mask);
        if (value >= DBL_MAX) {
            rc = hr_err(HR_ENOCONV, "arima.c: likelihood not finite at the given coefficients "
                                    "(non-stationary AR part?)");
            goto fail;
        }
        memcpy(f->coef, fixed, np * sizeof(double));
        for (size_t i = 0; i < np; i++) f->se[i] = NAN;
        f->nfree = 0;
        f->converged = 1;
    } else {
        mem_free(mask);
        c.mask = NULL;
        f->nfree = np;
        optim_ctl ctl;
        optim_ctl_init(&ctl);
        ctl.maxit = opts->maxit;
        ctl.parscale = ps;
        for (size_t i = 0; i < np; i++) { x[i] = 0.0; ps[i] = 1.0; }
        if (m->ncx && (rc = ols_start(m, y, x + narma, ps + narma))) goto fail;
        c.ncond = 0;
        if (method != ARIMA_ML)
            c.ncond = (size_t)o->d + (size_t)o->D * (size_t)o->s + (size_t)o->p +
                      (size_t)o->s * (size_t)o->P;
        css_ctx cc = { &c, cres };
        int iters = 0;
        /* the ML objective (see below): armafn_w, or with regressors
         * armafn_p, where d = D = 0 and no hour is missing, or with
         * differencing and at most AO_MAX missing hours; and armafn_p on
         * R's own filter (kalman_cols) for regressors with d = D = 0 and
         * missing hours */
        int cheap = (m->nd ? m->kappa >= 1e6 : !anyna) && n - nok <= AO_MAX;
        const int kal = !m->nd && anyna && m->ncx > 0 && narma > 0;
        int prof = method != ARIMA_CSS && (cheap || kal) && m->ncx > 0 && narma > 0;
        /* Which function computes the objective without regressors:
         * armafn_w or R's filter, whichever costs less (ao_cheaper). The
         * fit's course (guard, second run, polish) stays that of `cheap`.
         * With d = D = 0 and missing hours armafn_w is R's likelihood to
         * rounding where no hour can reach R's 1e4 cut (armafn_w checks;
         * see there). */
        int use_w = cheap;
        if (method != ARIMA_CSS && anyna && !m->ncx && narma > 0 && n - nok <= AO_MAX &&
            (m->nd ? m->kappa >= 1e6 : 1))
            use_w = ao_cheaper(m, y);
        if (method == ARIMA_CSS) {
            rc = optim_bfgs(np, x, &value, armacss, &cc, &ctl, &iters);
            if (rc && rc != HR_ENOCONV) goto fail;
            f->converged = rc == 0;
            if (opts->std_errors) {
                if ((rc = optim_hessian(np, x, armacss, &cc, &ctl, H, NULL, NULL))) goto fail;
                for (size_t i = 0; i < np * np; i++) H[i] *= (double)nused;
                /* singular: NaN standard errors; out of memory: a failure */
                if ((rc = optim_invert(np, H)) == HR_ENOMEM) goto fail;
                if (rc) for (size_t i = 0; i < np * np; i++) H[i] = NAN;
            } else {
                for (size_t i = 0; i < np * np; i++) H[i] = NAN;
            }
            memcpy(f->coef, x, np * sizeof(double));
            for (size_t i = 0; i < np; i++) f->se[i] = sqrt(H[i * np + i]);
        } else {
            if (method == ARIMA_CSS_ML) {
                memcpy(x2, x, np * sizeof(double));
                int r2;
                if (prof) { /* beta at its OLS start */
                    memcpy(c.full, x, np * sizeof(double));
                    r2 = optim_bfgs(narma, x2, &value, armacss_arma, &cc, &ctl, &iters);
                } else {
                    r2 = optim_bfgs(np, x2, &value, armacss, &cc, &ctl, &iters);
                }
                if (r2 == 0) memcpy(x, x2, np * sizeof(double));
                else if (r2 == HR_ENOMEM) { rc = r2; goto fail; }
                else note_add(f, "CSS start did not converge: ML started from zeros");
                int bad = (o->p > 0 && !ar_stationary((size_t)o->p, x)) ||
                          (o->P > 0 && !ar_stationary((size_t)o->P, x + o->p + o->q));
                if (bad) { /* R stops here ("non-stationary AR part from CSS") */
                    for (size_t i = 0; i < narma; i++) x[i] = 0.0;
                    note_add(f, "CSS start non-stationary: ML started from zeros");
                }
                c.ncond = 0;
            }
            int trans = opts->transform_pars != 0;
            if (trans) {
                if (o->p > 0) invpartrans((size_t)o->p, x, x);
                if (o->P > 0) invpartrans((size_t)o->P, x + o->p + o->q, x + o->p + o->q);
                if (o->q > 0) ma_invert((size_t)o->q, x + o->p);
                if (o->Q > 0) ma_invert((size_t)o->Q, x + o->p + o->q + o->P);
            }
            c.trans = trans;
            /* The optimiser works on armafn_w (with differencing: at R's
             * kappa or larger): O(r) per hour and column and no differencing
             * states, against R's filter's O((r + nd)^2) per hour until its
             * gain settles (airline model at s = 24: r = 26, nd = 25, ~1,500
             * such hours per evaluation on load, ~15 ms on a year). The two
             * likelihoods differ by a near-constant 1e-4..1e-2 units, so
             * they peak at the same point; the log-likelihood reported is
             * R's, by the final filter below: on 26 fits of 6 load series
             * (s = 24, orders up to (4,0,2)(2,1,0), with and without
             * missing hours) at least the exact BFGS fit's less 8e-5. Not
             * with d = D = 0 and missing hours: R's filter leaves out hours
             * whose prediction variance is 1e4 sigma2 or more, which after
             * a gap under an AR root near 1 are not the same hours as
             * armafn_w's (PJM-DOM (2,0,2)(1,0,1)24, sar1 0.994: 0.13 units
             * apart): there, with regressors, armafn_p runs R's filter
             * (kalman_cols), without them armafn. */
            /* With regressors, armafn_w's optimum over beta is GLS: the
             * optimiser runs over the ARMA part only (armafn_p), and the
             * fit's beta is the GLS estimate at its optimum. Not where GLS
             * is singular at the start (an hour the data cannot identify):
             * armafn_w, which falls back to R's filter there. */
            if (prof) {
                if ((rc = prof_init(&c))) goto fail;
                prof = armafn_p(x, &c) < DBL_MAX;
                /* kalman_cols is R's filter: its fits are as cheap as
                 * armafn_p's (few parameters), else armafn */
                cheap = kal ? prof : cheap;
            }
            const size_t nopt = prof ? narma : np;
            optim_fn obj = prof ? armafn_p : use_w ? armafn_w : armafn;
            /* the guard saves R's slow filter; armafn_w's paths cross the
             * MA boundary region elsewhere, and there it dropped fits that
             * end outside 1.01 (PJM-DOM's search: 18 of its ML refits,
             * among them its best usable model) */
            ma_guard guard = { o->p, o->q, o->P, o->s, (size_t)o->Q, 0, 0 };
            if (opts->unit_ma_stop && o->q + o->Q > 0 && !cheap)
                ctl.monitor = ma_guard_fn, ctl.monitor_ud = &guard;
            rc = optim_bfgs(nopt, x, &value, obj, &c, &ctl, &iters);
            if (rc == HR_ENOCONV && (cheap || use_w) && !guard.stopped) {
                /* maxit reached: armafn_w costs ~1 % of R's filter, so the
                 * fit gets a second run (fresh inverse Hessian) where R
                 * would stop; measured on PJM-DOM's (2,0,0)(0,1,2)24 +
                 * drift: log-likelihood -24551.0 after one run, R's
                 * -24538.5, -24513.0 after two. Also where R's filter
                 * computes a `cheap` fit's objective (ao_cheaper: the fit
                 * keeps its course), and on armafn_w with d = D = 0 (PACW's
                 * newest 2016 h of residuals, (5,0,2)(2,0,0)24: -9959.265
                 * after one run on R's filter, -9958.627 after two) */
                rc = optim_bfgs(nopt, x, &value, obj, &c, &ctl, &iters);
            }
            ctl.monitor = NULL;
            if (guard.stopped) {
                rc = hr_err(HR_ENOCONV, "arima.c: MA roots inside 1.01: fit abandoned");
                goto fail;
            }
            if (rc && rc != HR_ENOCONV) goto fail;
            f->converged = rc == 0;
            int polished = 0;
            if (cheap && opts->polish) {
                int r2 = newton_polish(obj, &c, nopt, x, &value, &ctl, (double)nused, Tm);
                if (r2 == HR_ENOMEM) { rc = r2; goto fail; }
                if (r2 == 1) polished = f->converged = 1;
            }
            if (rc == 0 && opts->polish && !polished) {
                /* Polish: R's reltol (1.5e-8 of a log-likelihood of ~1e5 on a
                 * year of hours) stops up to ~1e-3 short of the optimum; a
                 * restart with a fresh inverse Hessian and a tighter tolerance
                 * reaches it, so a fit is never worse than R's by that slack. */
                optim_ctl c2 = ctl;
                c2.reltol = 1e-10;
                /* armafn_w is cheap: further along flat ridges (AR and MA
                 * roots near cancellation), where 20 iterations stopped
                 * 0.3 short on PJM's (3,0,2)(2,1,0)24 */
                c2.maxit = cheap ? 100 : 20;
                double v2 = value;
                int it2 = 0;
                memcpy(x2, x, np * sizeof(double));
                int r2 = optim_bfgs(nopt, x2, &v2, obj, &c, &c2, &it2);
                if ((r2 == 0 || r2 == HR_ENOCONV) && v2 < value) {
                    memcpy(x, x2, np * sizeof(double));
                    value = v2;
                }
            }
            if (trans) {
                memcpy(x2, x, np * sizeof(double));
                if (o->q > 0) ma_invert((size_t)o->q, x + o->p);
                if (o->Q > 0) ma_invert((size_t)o->Q, x + o->p + o->q + o->P);
                if (memcmp(x2, x, np * sizeof(double))) {
                    if (!cheap) value = armafn(x, &c);
                    note_add(f, "MA part reflected to invertible");
                }
            }
            int sing = 1; /* without standard errors: NaN */
            if (prof) {
                /* beta = GLS estimate at the final ARMA part */
                if (armafn_p(x, &c) >= DBL_MAX) {
                    rc = hr_err(HR_ENOCONV, "arima.c: likelihood not finite at the estimate");
                    goto fail;
                }
                memcpy(x + narma, c.full + narma, m->ncx * sizeof(double));
            }
            if (prof && opts->std_errors) {
                /* Var(beta) = sigma2 (X' Sigma^-1 X)^-1 given the ARMA part
                 * (GLS; the information matrix is block-diagonal between
                 * beta and the ARMA part of stationary errors), with X'
                 * Sigma^-1 X the Schur complement of A's block: U_XX' U_XX
                 * (trailing block of armafn_p's factor). The ARMA block is
                 * the inverse Hessian of the profile likelihood (= that
                 * block of the full inverse Hessian). */
                const size_t kx = m->ncx;
                double *Ui = Tm;
                for (size_t j = 0; j < kx; j++)
                    memcpy(Ui + j * kx, c.pUx + j * kx, (j + 1) * sizeof(double));
                sing = la_trtri_upper(kx, Ui, kx) != 0;
                if (sing) hr_err_clear();
                const double s2 = c.pssq / (double)nused;
                if ((rc = optim_hessian(narma, x, armafn_p, &c, &ctl, A, NULL, NULL))) goto fail;
                for (size_t i = 0; i < narma * narma; i++) A[i] *= (double)nused;
                if ((rc = optim_invert(narma, A)) == HR_ENOMEM) goto fail;
                sing |= rc != 0;
                for (size_t i = 0; i < np * np; i++) H[i] = 0.0;
                for (size_t j = 0; j < narma; j++)
                    for (size_t i = 0; i < narma; i++) H[j * np + i] = A[j * narma + i];
                for (size_t j = 0; j < kx; j++)
                    for (size_t i = 0; i <= j; i++) {
                        double t = 0.0; /* (U^-1 U^-T)_ij, U^-1 upper */
                        for (size_t l = j; l < kx; l++) t += Ui[l * kx + i] * Ui[l * kx + j];
                        H[(narma + j) * np + narma + i] = H[(narma + i) * np + narma + j] = s2 * t;
                    }
            } else if (opts->std_errors) {
                /* armafn_w has the exact likelihood's curvature (measured:
                 * standard errors within 0.4 %) */
                if ((rc = optim_hessian(np, x, use_w ? armafn_w : armafn, &c, &ctl, H, NULL, NULL)))
                    goto fail;
                for (size_t i = 0; i < np * np; i++) H[i] *= (double)nused;
                if ((rc = optim_invert(np, H)) == HR_ENOMEM) goto fail;
                sing = rc != 0;
            } else {
                for (size_t i = 0; i < np * np; i++) H[i] = NAN;
            }
            if (trans) {
                /* R's ARIMA_Gradtrans: A_ij = d new_j / d raw_i, forward
                 * differences with step 1e-3; var = A' H^{-1} A. */
                for (size_t i = 0; i < np * np; i++) A[i] = 0.0;
                for (size_t i = 0; i < np; i++) A[i * np + i] = 1.0;
                const double eps = 1e-3;
                const size_t blk[2][2] = { { 0, (size_t)o->p }, { (size_t)(o->p + o->q), (size_t)o->P } };
                for (int b = 0; b < 2; b++) {
                    size_t v = blk[b][0], pp = blk[b][1];
                    if (!pp) continue;
                    double w1[128], w2[128], w3[128];
                    memcpy(w1, x + v, pp * sizeof(double));
                    partrans(pp, w1, w2);
                    for (size_t i = 0; i < pp; i++) {
                        w1[i] += eps;
                        partrans(pp, w1, w3);
                        for (size_t j = 0; j < pp; j++) A[(v + j) * np + v + i] = (w3[j] - w2[j]) / eps;
                        w1[i] -= eps;
                    }
                }
                /* Tm = H^{-1} A ; var = A' Tm */
                for (size_t j = 0; j < np; j++)
                    for (size_t i = 0; i < np; i++) {
                        double s = 0.0;
                        for (size_t l = 0; l < np; l++) s += H[l * np + i] * A[j * np + l];
                        Tm[j * np + i] = s;
                    }
                for (size_t i = 0; i < np; i++) {
                    double s = 0.0;
                    for (size_t l = 0; l < np; l++) s += A[i * np + l] * Tm[i * np + l];
                    f->se[i] = sing ? NAN : sqrt(s);
                }
                if (o->p > 0) partrans((size_t)o->p, x, x);
                if (o->P > 0) partrans((size_t)o->P, x + o->p + o->q, x + o->p + o->q);
            } else {
                for (size_t i = 0; i < np; i++) f->se[i] = sing ? NAN : sqrt(H[i * np + i]);
            }
            memcpy(f->coef, x, np * sizeof(double));
        }
        rc = 0;
    }

    /* Final filter at the (untransformed) coefficients: sigma2 and the
     * state the forecasts start from (R's arimaSS / mod). */
    c.mask = NULL;
    c.trans = 0;
    /* (fixed: the filter above already ran at exactly these coefficients) */
    const int no_state = method == ARIMA_CSS && !fixed && !opts->css_state;
    double vfin = fixed || no_state ? value : armafn(f->coef, &c);
    if (vfin >= DBL_MAX) { rc = hr_err(HR_ENOCONV, "arima.c: likelihood not finite at the estimate"); goto fail; }
    if (!fixed && method != ARIMA_CSS) value = vfin; /* R's likelihood, not armafn_w's */
    if (method == ARIMA_CSS && !fixed) {
        trans_pars(m, f->coef, 0, c.phi, c.theta);
        spec_resid(m, y, f->coef + narma, c.w);
        c.ncond = (size_t)o->d + (size_t)o->D * (size_t)o->s + (size_t)o->p + (size_t)o->s * (size_t)o->P;
        f->sigma2 = css_value(m, c.w, c.phi, c.theta, c.ncond, NULL, cres);
    } else {
        f->sigma2 = c.last.ssq / (double)nused;
    }
    if (fixed && fixed_sigma2 > 0.0) f->sigma2 = fixed_sigma2;
    /* R: value = 2 n.used res$value + n.used + n.used log(2 pi); loglik = -value/2;
     * aic = value + 2 sum(mask) + 2. forecast::Arima: npar = sum(mask) + 1,
     * nstar = non-missing n - d - D s, aicc = aic + 2 npar (npar+1)/(nstar-npar-1),
     * bic = aic + npar (log(nstar) - 2). */
    double nu = (double)nused;
    double val = 2.0 * nu * value + nu + nu * log(2.0 * M_PI);
    f->loglik = -0.5 * val;
    f->aic = method == ARIMA_CSS ? NAN : val + 2.0 * (double)f->nfree + 2.0;
    double npar = (double)f->nfree + 1.0;
    double nstar = (double)nused; /* forecast: non-missing hours less len(Delta) */
    f->aicc = f->aic + 2.0 * npar * (npar + 1.0) / (nstar - npar - 1.0);
    f->bic = f->aic + npar * (log(nstar) - 2.0);
    f->o.method = method; /* CSS-ML becomes ML with missing values, as R */
    /* keep the state; drop the training design */
    f->S = c.S;
    memset(&c.S, 0, sizeof c.S);
    ctx_free(&c);
    mem_free(work);
    mem_free(m->X);
    m->X = NULL;
    f->S.delta = m->delta;
    if (no_state) { /* no filter ran: a zero state rather than garbage */
        memset(f->S.a, 0, f->S.rd * sizeof(double));
        memset(f->S.P, 0, f->S.rd * f->S.rd * sizeof(double));
    }
    *out = f;
    return 0;
fail:
    ctx_free(&c);
    mem_free(work);
    arima_free(f);
    return rc;
}

int arima_fit_model(const double *y, size_t n, const double *xreg, size_t k,
                    const arima_order *o, const arima_opts *opts, arima_fit **out)
{
    return fit_core(y, n, xreg, k, o, opts, NULL, NAN, out);
}

int arima_fit_fixed(const double *y, size_t n, const double *xreg, size_t k,
                    const arima_order *o, const arima_opts *opts, const double *coef,
                    double sigma2, arima_fit **out)
{
    if (!coef) return hr_err(HR_EINVAL, "arima.c: coef is NULL");
    return fit_core(y, n, xreg, k, o, opts, coef, sigma2, out);
}

int arima_loglik_at(const double *y, size_t n, const double *xreg, size_t k,
                    const arima_order *o, const double *coef, double kappa,
                    double *loglik, double *sigma2)
{
    arima_opts op;
    arima_opts_init(&op);
    if (kappa > 0) op.kappa = kappa;
    arima_order oo = *o;
    oo.method = ARIMA_ML;
    arima_fit *f = NULL;
    int rc = fit_core(y, n, xreg, k, &oo, &op, coef, NAN, &f);
    if (rc) return rc;
    if (loglik) *loglik = f->loglik;
    if (sigma2) *sigma2 = f->sigma2;
    arima_free(f);
    return 0;
}

/* ---------------------------------------------------------------- accessors */

size_t arima_coef_count(const arima_fit *f) { return f->np; }
const char *arima_coef_name(const arima_fit *f, size_t i) { return i < f->np ? f->names[i] : NULL; }
double arima_coef(const arima_fit *f, size_t i) { return i < f->np ? f->coef[i] : NAN; }
double arima_coef_se(const arima_fit *f, size_t i) { return i < f->np ? f->se[i] : NAN; }
double arima_sigma2(const arima_fit *f) { return f->sigma2; }
double arima_loglik(const arima_fit *f) { return f->loglik; }
double arima_aic(const arima_fit *f) { return f->aic; }
double arima_aicc(const arima_fit *f) { return f->aicc; }
double arima_bic(const arima_fit *f) { return f->bic; }
int arima_converged(const arima_fit *f) { return f->converged; }
size_t arima_nobs(const arima_fit *f) { return f->nobs; }
arima_order arima_fit_order(const arima_fit *f) { return f->o; }
const char *arima_note(const arima_fit *f) { return f->note; }

/* ---------------------------------------------------------------- forecasts */

/* Regression part of the forecast at future hour t (0-based after the end). */
static double xb_future(const arima_fit *f, const double *xf, size_t h, size_t t)
{
    const double *beta = f->coef + f->m.narma;
    double s = 0.0;
    size_t j = 0;
    if (f->icpt) s += beta[j++];
    if (f->drift) s += beta[j++] * (double)(f->n + t + 1);
    for (size_t c = 0; c < f->k; c++) s += beta[j++] * xf[c * h + t];
    return s;
}

/* R's KalmanForecast from the filtered (a_n, P_n): a <- T a,
 * P <- T P T' + R R', mean = Z a (+ x'beta), var = sigma2 Z P Z'. */
int arima_forecast(const arima_fit *f, const double *xreg_future, size_t h,
                   double *mean, double *var)
{
    if (!f || !mean || (f->k && !xreg_future && h)) return hr_err(HR_EINVAL, "arima.c: NULL argument");
    const ssm *S0 = &f->S;
    const size_t rd = S0->rd, r = S0->r;
    ssm S = *S0; /* shares the constant parts; own a, P below */
    double *w = mem_array(3 * rd * rd + 2 * rd + 1, sizeof(double));
    if (!w) return hr_err(HR_ENOMEM, "arima.c: out of memory");
    double *a = w, *an = a + rd, *P = an + rd, *Pn = P + rd * rd, *tmp = Pn + rd * rd;
    memcpy(a, S0->a, rd * sizeof(double));
    memcpy(P, S0->P, rd * rd * sizeof(double));
    for (size_t t = 0; t < h; t++) {
        T_vec(&S, a, an);
        memcpy(a, an, rd * sizeof(double));
        double fc = a[0];
        for (size_t k = 0; k < S.ndnz; k++) fc += S.delta[S.dnz[k]] * a[r + S.dnz[k]];
        mean[t] = fc + xb_future(f, xreg_future, h, t);
        if (!var) continue; /* the mean does not depend on P */
        T_sym(&S, P, Pn, tmp);
        for (size_t j = 0; j < S.nv; j++)
            for (size_t i = 0; i < S.nv; i++) Pn[j * rd + i] += S.v[i] * S.v[j];
        memcpy(P, Pn, rd * rd * sizeof(double));
        {
            /* Z P Z' with Z = (1, 0.., Delta) */
            double zz = P[0];
            for (size_t k = 0; k < S.ndnz; k++) {
                size_t ik = r + S.dnz[k];
                double dk = S.delta[S.dnz[k]];
                zz += 2.0 * dk * P[ik];
                for (size_t l = 0; l < S.ndnz; l++)
                    zz += dk * S.delta[S.dnz[l]] * P[(r + S.dnz[l]) * rd + ik];
            }
            var[t] = f->sigma2 * zz;
        }
    }
    mem_free(w);
    return 0;
}

int arima_filter_more(arima_fit *f, const double *y, size_t n)
{
    if (!f || (n && !y)) return hr_err(HR_EINVAL, "arima.c: NULL argument");
    if (f->k) return hr_err(HR_EINVAL, "arima.c: continuing the filter of a fit with xreg");
    if (n == 0) return 0;
    double *w = mem_array(n, sizeof(double));
    if (!w) return hr_err(HR_ENOMEM, "arima.c: out of memory");
    /* w = y - intercept - drift (t + 1), as spec_resid for the next hours */
    const double *beta = f->coef + f->m.narma;
    size_t j = 0;
    double b0 = f->icpt ? beta[j++] : 0.0, bd = f->drift ? beta[j++] : 0.0;
    for (size_t t = 0; t < n; t++) {
        double v = y[t];
        if (f->icpt && b0 != 0.0) v -= b0 * 1.0;
        if (f->drift && bd != 0.0) v -= bd * (double)(f->n + t + 1);
        w[t] = v;
    }
    ssm_run(&f->S, w, n, NULL, 1);
    f->n += n;
    mem_free(w);
    return 0;
}

const double *arima_state_cov(const arima_fit *f, size_t *rd)
{
    if (rd) *rd = f ? f->S.rd : 0;
    return f ? f->S.P : NULL;
}

/* Wichura (1988), Algorithm AS 241 PPND16: the normal quantile to about
 * 1e-16 relative. */
double arima_qnorm(double p)
{
    if (!(p > 0.0 && p < 1.0)) return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
    double q = p - 0.5, r, v;
    if (fabs(q) <= 0.425) {
        r = 0.180625 - q * q;
        return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                        45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                     133.14166789178437745) * r + 3.387132872796366608) /
               (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                    21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
                 42.313330701600911252) * r + 1.0);
    }
    r = q < 0 ? p : 1.0 - p;
    r = sqrt(-log(r));
    if (r <= 5.0) {
        r -= 1.6;
        v = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
                1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
              4.6303378461565452959) * r + 1.42343711074968357734) /
            (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
                 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
              2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5.0;
        v = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
                0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
              5.4637849111641143699) * r + 6.6579046435011037772) /
            (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
                 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
              0.59983220655588793769) * r + 1.0);
    }
    return q < 0.0 ? -v : v;
}

int arima_interval(const double *mean, const double *var, size_t h, double level,
                   double *lo, double *hi)
{
    if (!mean || !var || !(level > 0.0 && level < 1.0))
        return hr_err(HR_EINVAL, "arima.c: interval level %g not in (0, 1)", level);
    double z = arima_qnorm(0.5 + 0.5 * level);
    for (size_t t = 0; t < h; t++) {
        double sd = sqrt(var[t] > 0.0 ? var[t] : 0.0);
        if (lo) lo[t] = mean[t] - z * sd;
        if (hi) hi[t] = mean[t] + z * sd;
    }
    return 0;
}

/* ----------------------------------------------------------- sample paths */

int arima_simulate(const arima_fit *f, const double *xreg_future, size_t h, size_t npaths,
                   uint64_t seed, double *paths)
{
    if (!f || !paths || (f->k && !xreg_future && h)) return hr_err(HR_EINVAL, "arima.c: NULL argument");
    const ssm *S = &f->S;
    const size_t rd = S->rd, r = S->r;
    double *w = mem_array(rd * rd + 2 * rd + h + 1, sizeof(double));
    if (!w) return hr_err(HR_ENOMEM, "arima.c: out of memory");
    double *L = w, *al = L + rd * rd, *an = al + rd, *xb = an + rd;
    /* L L' = P_n (positive semi-definite: columns with a pivot below
     * 1e-12 of the scale are set to zero instead of failing). */
    memcpy(L, S->P, rd * rd * sizeof(double));
    double scale = 0.0;
    for (size_t i = 0; i < rd; i++) scale = fmax(scale, fabs(L[i * rd + i]));
    for (size_t j = 0; j < rd; j++) {
        double d = L[j * rd + j];
        for (size_t t = 0; t < j; t++) d -= L[t * rd + j] * L[t * rd + j];
        if (d <= 1e-12 * scale) {
            for (size_t i = j; i < rd; i++) L[j * rd + i] = 0.0;
            continue;
        }
        d = sqrt(d);
        L[j * rd + j] = d;
        for (size_t i = j + 1; i < rd; i++) {
            double s = L[j * rd + i];
            for (size_t t = 0; t < j; t++) s -= L[t * rd + i] * L[t * rd + j];
            L[j * rd + i] = s / d;
        }
    }
    for (size_t t = 0; t < h; t++) xb[t] = xb_future(f, xreg_future, h, t);
    const double sd = sqrt(f->sigma2 > 0.0 ? f->sigma2 : 0.0);
    rng g;
    rng_seed(&g, seed);
    for (size_t pth = 0; pth < npaths; pth++) {
        /* alpha_n ~ N(a_n, sigma2 P_n) */
        for (size_t i = 0; i < rd; i++) an[i] = rng_norm_polar(&g);
        for (size_t i = 0; i < rd; i++) {
            double s = 0.0;
            for (size_t j = 0; j <= i; j++) s += L[j * rd + i] * an[j];
            al[i] = S->a[i] + sd * s;
        }
        double *out = paths + pth * h;
        for (size_t t = 0; t < h; t++) {
            T_vec(S, al, an);
            double e = sd * rng_norm_polar(&g);
            for (size_t i = 0; i < S->nv; i++) an[i] += S->v[i] * e;
            memcpy(al, an, rd * sizeof(double));
            double yv = al[0];
            for (size_t k = 0; k < S->ndnz; k++) yv += S->delta[S->dnz[k]] * al[r + S->dnz[k]];
            out[t] = yv + xb[t];
        }
    }
    mem_free(w);
    return 0;
}

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
 *    lag-24 correlation of hourly load and over-difference (REFERENCES.md);
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
 *    stay inside the rejection radius is abandoned early (ma_guard).
 * On the stationary simulated series of bench/arima_bench.c KPSS asks for
 * d = 1 here as in R (forecast::ndiffs: statistic 4.45 at lag 12, n = 8760;
 * also at n = 2000 and 4000), so that case is documented, not changed. */

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

/* min |root| of 1 - sum c_i z^i (or 1 + ... when sign > 0), Inf if none. */
static double min_root(size_t m, const double *c, double sign)
{
    while (m > 0 && c[m - 1] == 0.0) m--;
    if (m == 0) return INFINITY;
    if (m > 60) return INFINITY;
    double cc[64];
    double complex z[64];
    cc[0] = 1.0;
    for (size_t i = 0; i < m; i++) cc[i + 1] = sign * c[i];
    polyroots(m, cc, z);
    double mn = INFINITY;
    for (size_t i = 0; i < m; i++) mn = fmin(mn, cabs(z[i]));
    return mn;
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
    if (fit_core(S->y, S->n, S->xreg, S->k, &o, S->keep ? &ko : S->opts, NULL, NAN, &f))
        return INFINITY;
    double npar = (double)f->nfree + 1.0, nstar = (double)f->nobs, ic;
    if (S->css) {
        double aic = S->offset + nstar * log(f->sigma2) + 2.0 * npar;
        ic = aic + 2.0 * npar * (npar + 1.0) / (nstar - npar - 1.0);
    } else ic = f->aicc;
    /* root checks on each factor: seasonal roots are |u|^(1/s) */
    const double *cf = f->coef;
    double r1 = fmin(min_root((size_t)c->p, cf, -1.0),
                     pow(min_root((size_t)c->P, cf + c->p + c->q, -1.0), 1.0 / S->s));
    double r2 = fmin(min_root((size_t)c->q, cf + c->p, 1.0),
                     pow(min_root((size_t)c->Q, cf + c->p + c->q + c->P, 1.0), 1.0 / S->s));
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
 * choice: our best-improvement steps can leave its path (on PJM-DOM's last
 * 4000 h they missed its (2,0,0)(0,1,2) by 82 AICc units). Returns the
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
    if (!y || !out || ao->s < 1 || (k && !xreg)) return hr_err(HR_EINVAL, "arima.c: auto: bad arguments");
    size_t nok = 0;
    for (size_t t = 0; t < n; t++) nok += isnan(y[t]) ? 0u : 1u;
    if (nok < 10) return hr_err(HR_EDATA, "arima.c: auto: %zu observations", nok);
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
        return hr_err(HR_ENOMEM, "arima.c: out of memory");
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
        if (!yi) { mem_free(work); mem_free(list); return hr_err(HR_ENOMEM, "arima.c: out of memory"); }
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
        if (fit_core(S.y, n, xreg, k, &o, opts, NULL, NAN, &f) == 0) {
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
         * a usable fit. (An exact stepwise search on from there found lower
         * AICc on some series, at 4-8x the time: not done.) */
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
            rc = fit_core(y, n, xreg, k, &o, opts, NULL, NAN, &f);
        }
        snprintf(note, sizeof note, "no candidate could be fitted: fell back to ARIMA(0,%d,0)(0,%d,0)", d, D);
    }
    mem_free(work);
    mem_free(list);
    mem_free(yi);
    if (models) *models = (int)(m + mr + nrr + (me > nt ? me - nt : 0)); /* + the refits down a ranking */
    if (rc) return rc == HR_ENOMEM ? rc : hr_err(HR_ENOCONV, "arima.c: auto: no model could be fitted");
    if (note[0]) note_add(f, note);
    *out = f;
    return 0;
}
