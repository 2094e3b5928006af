/* arima_internal.h — internals of the SARIMA module shared by its files
 * (private to src/arima; arima.h is the module's interface).
 *
 * Files: ssm.c (parameter transforms, the state-space form and Q0, R's
 * Kalman filter, the spec), chandra.c (Chandrasekhar recursions with
 * missing hours as additive outliers, the column filter for GLS),
 * likelihood.c (the objectives, one context each), fit.c (the staged fit,
 * start values, accessors), forecast.c (forecasts, intervals, sample
 * paths), search.c (the order search).
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
 * (differenced) series as the stationary ARMA it is (ar_armafn_w), by the
 * Chandrasekhar recursions (the Riccati increment from the stationary
 * start has rank one: O(r) per hour), with only Q0's first column (from
 * the autocovariances) and up to AO_MAX = 400 missing hours as additive
 * outliers concentrated out by GLS (Gomez & Maravall 1994); an outlier
 * costs O(r + live outliers) per hour only until its effect has died out,
 * and their GLS block is an envelope (banded) matrix. With d = D = 0 that is
 * R's likelihood up to rounding; with differencing it is its limit
 * kappa -> Inf, within ~1e-3 units of it at kappa = 1e6. R's own value is
 * computed once at the estimate and reported. The fit is polished by
 * Newton steps on numerical Hessians (cheap on ar_armafn_w) instead of a
 * second BFGS run. With regression columns the optimiser sees only the
 * ARMA part: beta is concentrated out by GLS (ar_armafn_p, filtering y and
 * every differenced design column with the same gains), so the cost of
 * gradients and Hessians no longer grows with the design's width. With
 * d = D = 0 and missing hours (where ar_armafn_w is not R's likelihood: R
 * drops hours whose prediction variance is 1e4 sigma2 or more) beta is
 * profiled out of R's filter itself (ar_kalman_cols: the Riccati step while
 * the gain moves, every column through the same gains). Without regressors,
 * the optimiser's objective is computed by whichever of ar_armafn_w and R's
 * filter costs less (ar_ao_cheaper: many missing hours close together favour
 * R's filter), with d = D = 0 too where the series' variance is below
 * R's 1e4 cut (then no hour is dropped and the two agree to rounding). */
#ifndef HR_ARIMA_INTERNAL_H
#define HR_ARIMA_INTERNAL_H
#include "arima/arima.h"
#include <complex.h>
#include <math.h>
#include <stddef.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

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

typedef struct {
    double ssq, sumlog;
    size_t nu;
} lik_sums;

/* Missing hours handled as additive outliers (ar_armafn_w, ar_armafn_p): their
 * G block is held as an envelope (ao_sums), and they cost per hour in
 * proportion to the outliers alive at that hour and its square
 * (ar_chandra_ao). Under a seasonal MA near -1 an outlier lives thousands of
 * hours, so with many missing hours close together R's filter (O((r +
 * nd)^2) per hour while its gain moves) can be cheaper. Without
 * regressors the cheaper of the two computes the
 * objective (ar_ao_cheaper: by the outliers' count and spacing); more missing
 * hours: R's filter. */
enum { AO_MAX = 400 };

/* The sums of ar_chandra_ao over nw data columns and nm outlier columns:
 * Gd = data x data (nw x nw, upper), Gx = outliers x data (nm x nw,
 * column j of the data at Gx + j nm), and the outliers' own block G_AA as an
 * envelope: column j holds rows first[j]..j at Ge + eoff[j]. first[j] is
 * the oldest outlier still alive when j starts (outliers die in order, so
 * first is nondecreasing); older ones have died out and their entries are
 * below ar_chandra_ao's cut. The Cholesky factor keeps the envelope (George &
 * Liu 1981, "Computer Solution of Large Sparse Positive Definite Systems",
 * ch. 4), so the GLS solve costs sum_j (j - first[j])^2 instead of nm^3. */
typedef struct {
    size_t nw, nm, cap; /* nm: outliers of the last run (<= nmax) */
    size_t nmax;
    size_t *first, *eoff; /* [nm], [nm + 1] */
    double *Ge, *Gx, *Gd; /* [cap], [nm nw], [nw nw] */
} ao_sums;

enum { VBLK = 128 }; /* hours per dsyrk update of ar_chandra_ao's G */

/* One context per objective (likelihood.c). lik_ctx is R's filter on
 * y - X beta (ar_armafn) and what every objective shares: the data, the
 * current parameters and their expanded polynomials, the last sums. */
typedef struct {
    const spec *m;
    const double *y;
    double *full;       /* [narma + ncx] current full parameter vector */
    const int *mask;    /* free parameters (R's mask), NULL: all       */
    int trans;          /* AR parts through ar_partrans                */
    ssm S;
    double *w, *phi, *theta; /* [n], [pe], [qe] */
    lik_sums last;      /* sums of the last evaluation (any objective) */
} lik_ctx;

/* ar_armafn_w: the differenced series as a stationary ARMA, missing hours
 * as additive outliers */
typedef struct {
    lik_ctx *c;         /* the shared part; R's filter where it falls back */
    ssm Sw;             /* r, phi and v only (nd = 0, no covariances)   */
    double *wd;         /* [n] differenced w, then the workspace below  */
    double *ck;         /* Q0's first column [r], then ar_q0_col's
                           [pe (pe+1)/2 + 3 r + qe + 3] or ar_chandra_ao's
                           work [(amax + 4) r + amax + 1], z [amax]     */
    double *poly;       /* [nd + 1] 1, -Delta                           */
    size_t *nz;         /* ar_q0_col [qe + 1]                           */
    size_t *miss;       /* [amax] missing hours                         */
    size_t amax;        /* outlier columns there is room for: the
                           series' missing hours, 0 beyond AO_MAX       */
    ao_sums ao;         /* G of ar_chandra_ao                           */
} arma_ctx;

/* ar_armafn_p: beta profiled out by GLS (ar_prof_init) */
typedef struct {
    lik_ctx *c;
    arma_ctx *a;        /* its stationary form Sw and Q0 workspace      */
    double *pD;         /* [pnw * pN] Delta y, Delta X (missing hours 0), then
                           ar_chandra_ao's work, Z, S, U_XX, vbuf       */
    double *pZ, *pS, *pUx, *pwork, *pvbuf;
    size_t pnw, pN, pnm, *pmiss;
    size_t pnsk;        /* pkal: the pnsk hours pmiss are skipped       */
    int pkal;           /* d = D = 0 with missing hours: R's filter on
                           the columns (ar_kalman_cols), not chandra_ao */
    ao_sums pao;
    double pssq;        /* ssq at the last evaluation                   */
} prof_ctx;

/* ar_armacss, ar_armacss_arma: R's conditional sum of squares */
typedef struct {
    lik_ctx *c;
    size_t ncond;       /* conditioning length: d + sD + p + sP         */
    double *resid;      /* [n] scratch                                  */
} css_ctx;
struct arima_fit {
    arima_order o;
    spec m;            /* delta and orders (X dropped after the fit)  */
    size_t n, k, np, nfree;
    int icpt, drift;
    double *coef, *se; /* [np] */
    char **names;      /* [np] */
    double sigma2, loglik, aic, aicc, bic;
    int converged;
    int ml_from_zeros; /* the ML stage started from zeros (CSS start refused) */
    size_t nobs;
    char note[256];
    ssm S;             /* filtered state at the last hour              */
};

/* The modulus the order search compares with 1.01 for a root u of a
 * seasonal factor (a polynomial in B^s). auto.arima tests the expanded
 * polynomial in B, where u has modulus |u|^(1/s); that is kept up to s = 24,
 * where it still admits seasonal MA and AR coefficients up to 0.79 and keeps
 * CSS searches on hourly load away from the seasonal MA unit root that
 * seasonal differencing of a fixed daily shape creates (CSS misjudges it and
 * the exact refits fail). Beyond, the expanded test excludes the class:
 * every seasonal MA beyond -0.62 at s = 48 (the airline models of
 * half-hourly demand), beyond 0.19 at s = 168; there the factor is tested
 * in its own variable, u itself, with the same margin. */
enum { AR_EXPANDED_MAX_S = 24 };
static inline double ar_seasonal_modulus(double u, int s)
{
    return s <= AR_EXPANDED_MAX_S ? pow(u, 1.0 / s) : u;
}

/* ssm.c */
void ar_partrans(size_t p, const double *raw, double *out);
int ar_invpartrans(size_t p, const double *phi, double *out);
int ar_stationary(size_t p, const double *phi);
void ar_polyroots(size_t m, const double *c, double complex *z);
void ar_ma_invert(size_t q, double *ma);
double ar_min_root(size_t m, const double *c, double sign);
void ar_trans_pars(const spec *m, const double *par, int trans, double *phi, double *theta);
void ar_ssm_free(ssm *S);
int ar_ssm_alloc(ssm *S, const spec *m);
void ar_T_sym(const ssm *S, const double *in, double *out, double *tmp);
void ar_ssm_set_coef(ssm *S, const spec *m, const double *phi, const double *theta);
int ar_ssm_set(ssm *S, const spec *m, const double *phi, const double *theta, double kappa);
lik_sums ar_ssm_run(ssm *S, const double *w, size_t n, double *std_resid, int resume);
lik_sums ar_ssm_filter(ssm *S, const double *w, size_t n, double *std_resid);
void ar_spec_free(spec *m);
int ar_spec_init(spec *m, const arima_order *o, size_t n, const double *xreg, size_t k,
                 double kappa);
void ar_spec_resid(const spec *m, const double *y, const double *beta, double *w);
int ar_q0_col(const ssm *S, size_t pe, size_t qe, double *col, double *work, size_t *nz);

/* chandra.c */
void ar_ao_free(ao_sums *g);
int ar_ao_alloc(ao_sums *g, size_t nw, size_t nm);
int ar_env_chol(ao_sums *g);
void ar_env_trsv_t(const ao_sums *g, double *z);
double ar_env_logdet(const ao_sums *g);
lik_sums ar_chandra_ao(const ssm *S, const double *q0c, const double *w, size_t ldw, size_t nw,
                       size_t N, size_t nd, const size_t *miss, size_t nm, const double *poly,
                       ao_sums *g, double *work, double *vbuf);
lik_sums ar_kalman_cols(ssm *S, const double *w, size_t ldw, size_t nw, size_t N,
                        const size_t *skip, size_t nsk, double *Gd, double *A, double *vbuf);

/* likelihood.c */
int ar_lik_init(lik_ctx *c, const spec *m, const double *y);
void ar_lik_free(lik_ctx *c);
int ar_arma_init(arma_ctx *a, lik_ctx *c);
void ar_arma_free(arma_ctx *a);
void ar_prof_free(prof_ctx *p);
int ar_ao_cheaper(const spec *m, const double *y);
double ar_armafn(const double *x, void *ud);
double ar_armafn_w(const double *x, void *ud);
double ar_armafn_p(const double *x, void *ud);
int ar_prof_init(prof_ctx *p, arma_ctx *a);
double ar_css_value(const spec *m, double *w, const double *phi, const double *theta, size_t ncond,
                    double *resid_out, double *resid);
double ar_armacss(const double *x, void *ud);
double ar_armacss_arma(const double *x, void *ud);

/* fit.c */
void ar_note_add(arima_fit *f, const char *msg);
int ar_fit_from(const double *y, size_t n, const double *xreg, size_t k, const arima_order *o,
                const arima_opts *opts, const double *fixed, double fixed_sigma2,
                const double *start, arima_fit **out);
int ar_fit_core(const double *y, size_t n, const double *xreg, size_t k, const arima_order *o,
                const arima_opts *opts, const double *fixed, double fixed_sigma2,
                arima_fit **out);

#endif
