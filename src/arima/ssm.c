/* ssm.c — the state-space form of a SARIMA model (R's makeARIMA): the
 * parameter transforms, the spec (orders, Delta, design), the initial
 * covariance Q0 (by doubling, or its first column from the
 * autocovariances) and R's Kalman filter (ARIMA_Like) with a steady-state
 * shortcut. See arima_internal.h for the model. */
#include "arima/arima_internal.h"
#include "stats/linalg.h"
#include "util/error.h"
#include "util/mem.h"
#include <math.h>
#include <string.h>
/* --------------------------------------------------- parameter transforms */

/* Jones (1980) / Monahan (1984) reparametrisation (R's partrans): map raw in
 * R^p to the partial autocorrelations tanh(raw) in (-1,1), then to AR
 * coefficients by the Durbin-Levinson recursion
 *   phi_{j,k} = phi_{j-1,k} - phi_{jj} phi_{j-1,j-k}   (Brockwell & Davis 5.2.6).
 * Every output is a stationary AR polynomial. */
void ar_partrans(size_t p, const double *raw, double *out)
{
    double work[128];
    for (size_t j = 0; j < p; j++) work[j] = out[j] = tanh(raw[j]);
    for (size_t j = 1; j < p; j++) {
        double a = out[j];
        for (size_t k = 0; k < j; k++) work[k] -= a * out[j - k - 1];
        for (size_t k = 0; k < j; k++) out[k] = work[k];
    }
}

/* Inverse of ar_partrans (backwards Durbin-Levinson, then atanh). Returns 0, or
 * -1 when phi is not stationary (some partial autocorrelation |.| >= 1):
 * the Schur-Cohn step-down test, used also as R's arCheck. */
int ar_invpartrans(size_t p, const double *phi, double *out)
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

int ar_stationary(size_t p, const double *phi)
{
    while (p > 0 && phi[p - 1] == 0.0) p--;   /* R's arCheck trims trailing zeros */
    return ar_invpartrans(p, phi, NULL) == 0;
}

/* Roots of c[0] + c[1] z + ... + c[m] z^m (c[m] != 0) by the Durand-Kerner
 * (Weierstrass) iteration; m is a handful here (MA orders). */
void ar_polyroots(size_t m, const double *c, double complex *z)
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

/* min |root| of 1 - sum c_i z^i (or 1 + ... when sign > 0), Inf if none. */
double ar_min_root(size_t m, const double *c, double sign)
{
    while (m > 0 && c[m - 1] == 0.0) m--;
    if (m == 0) return INFINITY;
    if (m > 60) return INFINITY;
    double cc[64];
    double complex z[64];
    cc[0] = 1.0;
    for (size_t i = 0; i < m; i++) cc[i + 1] = sign * c[i];
    ar_polyroots(m, cc, z);
    double mn = INFINITY;
    for (size_t i = 0; i < m; i++) mn = fmin(mn, cabs(z[i]));
    return mn;
}

/* R's maInvert: reflect the roots of 1 + ma_1 z + ... inside the unit
 * circle to 1/root, giving the invertible MA with the same autocovariances. */
void ar_ma_invert(size_t q, double *ma)
{
    size_t q0 = q;
    while (q0 > 0 && ma[q0 - 1] == 0.0) q0--;
    if (q0 == 0 || q0 > 60) return;
    double c[64];
    double complex z[64], x[64];
    c[0] = 1.0;
    for (size_t i = 0; i < q0; i++) c[i + 1] = ma[i];
    ar_polyroots(q0, c, z);
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

/* Expand (ar, ma, sar, sma) to phi[pe], theta[qe] (R's ARIMA_transPars):
 * (1 - phi(B))(1 - Phi(B^s)) and (1 + theta(B))(1 + Theta(B^s)). With trans
 * the AR and SAR blocks of par are first mapped through ar_partrans. */
void ar_trans_pars(const spec *m, const double *par, int trans, double *phi, double *theta)
{
    double tp[256];
    const double *pp = par;
    if (trans) {
        memcpy(tp, par, m->narma * sizeof(double));
        if (m->p > 0) ar_partrans((size_t)m->p, par, tp);
        size_t v = (size_t)(m->p + m->q);
        if (m->P > 0) ar_partrans((size_t)m->P, par + v, tp + v);
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

void ar_ssm_free(ssm *S)
{
    if (!S) return;
    mem_free(S->phi);
    mem_free(S->dnz);
    mem_free(S->Pn);
    memset(S, 0, sizeof *S);
}

int ar_ssm_alloc(ssm *S, const spec *m)
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
        ar_ssm_free(S);
        return err_set(HR_ENOMEM, "arima fit: out of memory for the state (dimension %zu)", rd);
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

/* out = T in T' for symmetric in (rd x rd, column-major): T applied to the
 * columns of in, the result transposed (in symmetric => (T in)' = in T'),
 * T applied again. 2 rd^2 + O(rd * nnz(Delta)) flops. */
void ar_T_sym(const ssm *S, const double *in, double *out, double *tmp)
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
void ar_ssm_set_coef(ssm *S, const spec *m, const double *phi, const double *theta)
{
    for (size_t i = 0; i < S->r; i++) {
        S->phi[i] = i < m->pe ? phi[i] : 0.0;
        S->v[i] = i == 0 ? 1.0 : (i - 1 < m->qe ? theta[i - 1] : 0.0);
    }
    S->nv = m->qe + 1;
}

/* Set phi/theta and the initial covariance Pn (R's makeARIMA / upARIMA).
 * Returns 0, or -1 when Q0 cannot be computed. */
int ar_ssm_set(ssm *S, const spec *m, const double *phi, const double *theta, double kappa)
{
    const size_t r = S->r, rd = S->rd;
    ar_ssm_set_coef(S, m, phi, theta);
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

/* The Kalman filter of R's ARIMA_Like on w (n values, NaN skipped), from
 * a_{1|0} = 0, P_{1|0} = Pn. Observations with gain >= 1e4 (diffuse
 * start) update the state but are left out of the sums, as R.
 * std_resid (optional) receives the standardised innovations. Leaves
 * S->a, S->P at the filtered state of the last hour. With resume, the run
 * continues the previous one (the hours of w follow those it filtered)
 * instead of starting from Pn: the same as one run over both. */
lik_sums ar_ssm_run(ssm *S, const double *w, size_t n, double *std_resid, int resume)
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
                ar_T_sym(S, P, Pnew, S->mm);
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
                 * time and may never meet tol: when the largest dmax over
                 * a window of r steps exceeds the previous window's, P has
                 * reached that floor and is frozen there (else the O(rd^2)
                 * step would run on every hour; the log-likelihood moves by
                 * about 1e-9 relative). */
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

lik_sums ar_ssm_filter(ssm *S, const double *w, size_t n, double *std_resid)
{
    return ar_ssm_run(S, w, n, std_resid, 0);
}

/* --------------------------------------------------------------- the spec */

void ar_spec_free(spec *m)
{
    mem_free(m->delta);
    mem_free(m->X);
}

/* Build the spec: Delta = coefficients of (1-B)^d (1-B^s)^D negated (R's
 * Delta), and the full design [intercept][drift][xreg] (R's arima adds the
 * intercept, forecast::Arima the drift 1..n). */
int ar_spec_init(spec *m, const arima_order *o, size_t n, const double *xreg, size_t k,
                     double kappa)
{
    memset(m, 0, sizeof *m);
    if (o->p < 0 || o->d < 0 || o->q < 0 || o->P < 0 || o->D < 0 || o->Q < 0 || o->s < 1 ||
        o->p > 100 || o->q > 100 || o->P > 100 || o->Q > 100 || o->d > 3 || o->D > 2 ||
        o->p + o->q + o->P + o->Q > 200)
        return err_set(HR_EINVAL, "arima fit: invalid order (%d,%d,%d)(%d,%d,%d)%d", o->p, o->d,
                      o->q, o->P, o->D, o->Q, o->s);
    if (o->include_drift && o->d + o->D > 1)
        return err_set(HR_EINVAL, "arima fit: drift needs d + D <= 1 (got d=%d, D=%d)", o->d, o->D);
    if (o->method < ARIMA_CSS_ML || o->method > ARIMA_CSS)
        return err_set(HR_EINVAL, "arima fit: unknown method %d", o->method);
    if (k > 0 && !xreg) return err_set(HR_EINVAL, "arima fit: xreg is NULL with k = %zu", k);
    m->p = o->p; m->q = o->q; m->P = o->P; m->Q = o->Q; m->s = o->s; m->d = o->d; m->D = o->D;
    m->n = n;
    m->kappa = kappa;
    m->narma = (size_t)(o->p + o->q + o->P + o->Q);
    m->pe = (size_t)o->p + (size_t)o->s * (size_t)o->P;
    m->qe = (size_t)o->q + (size_t)o->s * (size_t)o->Q;
    m->r = m->pe > m->qe + 1 ? m->pe : m->qe + 1;
    m->nd = (size_t)o->d + (size_t)o->s * (size_t)o->D;
    if (m->pe > 2000 || m->qe > 2000)
        return err_set(HR_EINVAL, "arima fit: seasonal lag too long (s = %d)", o->s);
    if (la_dims_ok("arima fit: state dimension", 1, &m->r)) return HR_EINVAL;
    /* polynomial (1-B)^d (1-B^s)^D, coefficient of B^i in poly[i] */
    double *poly = mem_calloc(m->nd + 1, sizeof(double));
    m->delta = mem_calloc(m->nd + 1, sizeof(double));
    if (!poly || !m->delta) { mem_free(poly); ar_spec_free(m); return err_set(HR_ENOMEM, "arima fit: out of memory for Delta"); }
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
        if (!m->X) { ar_spec_free(m); return err_set(HR_ENOMEM, "arima fit: out of memory for the design"); }
        double *c = m->X;
        if (icpt) { for (size_t t = 0; t < n; t++) c[t] = 1.0; c += n; }
        if (drift) { for (size_t t = 0; t < n; t++) c[t] = (double)(t + 1); c += n; }
        if (k) memcpy(c, xreg, n * k * sizeof(double));
    }
    return 0;
}

/* w = y - X beta */
void ar_spec_resid(const spec *m, const double *y, const double *beta, double *w)
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

/* The first column of Q0 = Cov(alpha_t) (sigma2 = 1) of the state form of
 * ar_ssm_set, without Q0: with w_t = alpha_t[0] and the state equation
 * unrolled, alpha_t[i] = sum_{k>i} (phi_k w_{t+i-k} + theta_{k-1}
 * eps_{t+i+1-k}) (1-based k, theta_0 = 1), so
 *   Cov(alpha_t[i], w_t) = sum_{k=i+1}^{r} (phi_k gamma(k-i) + theta_{k-1} psi_{k-1-i})
 * from the autocovariances gamma and the MA(inf) weights psi of w.
 * gamma: of u = eps / phi(B) by the Durbin-Levinson step-down (the
 * partial autocorrelations kappa_k, as ar_invpartrans), gamma_u(0) =
 * 1 / prod (1 - kappa_k^2) and gamma_u(k) = sum_j phi_{k,j} gamma_u(k-j)
 * with the order-k coefficients (Brockwell & Davis 1991, "Time Series:
 * Theory and Methods", 2nd ed., sec. 5.2; 3.3), then w = theta(B) u:
 * gamma(k) = sum_{i,j} theta_i theta_j gamma_u(k - i + j). O(p^2 + r p +
 * r nnz(theta)^2), no dense solve and no O(r^3) doubling. S holds phi and
 * v (ar_ssm_set_coef). work: [pe (pe+1) / 2 + 3 r + qe + 3]; nz: [qe + 1].
 * Returns 0, or -1 when phi is not stationary. */
int ar_q0_col(const ssm *S, size_t pe, size_t qe, double *col, double *work, size_t *nz)
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

