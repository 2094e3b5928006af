/* regress.h — ordinary / weighted / ridge least squares (private).
 *
 * Fits y = X beta + e on a column-major n x p design X (leading dimension n)
 * the way R's lm() does: columns are examined left to right and a column is
 * *aliased* (coefficient NA, here NaN) when its residual norm after
 * projection on the kept columns to its left is below tol times its own norm
 * (R's dqrdc2 rule, tol = 1e-7). Rows with a non-finite y, a non-finite entry
 * of X, or a zero weight are skipped (R's na.omit / zero weights).
 *
 * Two algorithms, chosen per fit (REGRESS_AUTO):
 *  - CHOL (fast): G = X'X by dsyrk, an up-looking Cholesky of G in column
 *    order applying R's aliasing rule, explicit re-check of every aliased
 *    column against X itself, a 1-norm condition estimate, and iterative
 *    refinement of beta with residuals computed from X (corrected normal
 *    equations, Bjorck 1996, sec. 2.9.3).
 *  - QR (fallback, and REGRESS_QR): blocked Householder QR in column order
 *    with R's dqrdc2 column-dropping rule, no other pivoting.
 * AUTO takes CHOL unless the design is too ill-conditioned for it
 * (reciprocal condition of the column-scaled X below opts.chol_rcond), an
 * aliasing decision is too close to call on X'X, or refinement does not
 * converge; then QR. Both give R's coefficients (full rank) and R's fitted
 * values / predictions (rank deficient).
 *
 * A fit is immutable once made; distinct fits may be used from any thread.
 */
#ifndef HR_REGRESS_H
#define HR_REGRESS_H
#include <stddef.h>

typedef struct regress_fit regress_fit;

enum { REGRESS_AUTO = 0, REGRESS_CHOL = 1, REGRESS_QR = 2 };

typedef struct {
    double tol;        /* aliasing tolerance (R's lm: 1e-7)                       */
    double ridge;      /* lambda >= 0: minimise |y - X b|^2 + lambda |b|^2 over
                          every column except an all-ones intercept column        */
    int method;        /* REGRESS_AUTO (default), REGRESS_CHOL or REGRESS_QR      */
    double chol_rcond; /* AUTO falls back to QR below this 1/cond(scaled X); 1e-6 */
    int gram_only;     /* with a caller's G (regress_fit_ld): beta from G and Xty
                          alone, no pass over X (no refinement; a column whose
                          pivot is below the candidate ratio is aliased without
                          the check against X, no fallback to QR) and no
                          standard errors (NaN): for fits whose forecasts alone
                          are used (a backtest's refits). Default 0 */
} regress_opts;

void regress_opts_init(regress_opts *o);

/* Fit. X: n x p column-major (ld n), y: [n] (NaN rows skipped), w: [n]
 * non-negative weights or NULL (weighted least squares, as lm(weights=)).
 * opts NULL = defaults. On success *out is a new fit (free with regress_free).
 * Errors: HR_EINVAL (NULL/zero sizes, negative or NaN weight, size beyond the
 * LAPACK integer), HR_ESINGULAR (more columns than usable rows), HR_EDATA (no
 * usable row), HR_ENOMEM. On error *out = NULL. */
int regress_fit_x(const double *X, size_t n, size_t p, const double *y, const double *w,
                  const regress_opts *opts, regress_fit **out);
/* The same on rows of a larger design, without copying it: X is n x p with
 * leading dimension ld >= n and EVERY entry finite (the caller's promise;
 * NaN in X is not detected here), no weights; rows with a non-finite y are
 * skipped in place (masked, not compacted). G, when not NULL, is the upper
 * triangle of X_u'X_u over the usable rows (p x p, ld p), e.g. accumulated
 * over a growing window with regress_gram_add; it replaces the dsyrk, so
 * the fit then costs a few matrix-vector passes over X; Xty (with G; may
 * be NULL) is X_u'y_u. yhat, when not NULL, receives the [n] fitted values
 * x_i' beta of every row (aliased coefficients as 0), skipped rows
 * included. Errors as regress_fit_x. */
int regress_fit_ld(const double *X, size_t ld, size_t n, size_t p, const double *y,
                   const double *G, const double *Xty, const regress_opts *opts,
                   regress_fit **out, double *yhat);
/* G (p x p upper, ld p) += X_u'X_u, and Xty [p] += X_u'y_u when Xty is not
 * NULL, over the rows i < n of X (ld) with a finite y[i]. The usable rows
 * are gathered 1024 at a time from the first, so the result (to the last
 * bit) depends only on X, y and n: a window grown by the same steps in the
 * same order gives the same sums. Errors: HR_EINVAL, HR_ENOMEM. */
int regress_gram_add(const double *X, size_t ld, size_t n, size_t p, const double *y, double *G,
                     double *Xty);
/* Shorthand: default options with the given ridge lambda. */
int regress_fit_ols(const double *X, size_t n, size_t p, const double *y, const double *w,
                    double ridge, regress_fit **out);
void regress_free(regress_fit *f);

size_t regress_p(const regress_fit *f);
size_t regress_rank(const regress_fit *f);   /* number of non-aliased columns   */
size_t regress_nobs(const regress_fit *f);   /* rows used                       */
const double *regress_coef(const regress_fit *f); /* [p]; NaN = aliased          */
const double *regress_se(const regress_fit *f);   /* [p]; NaN = aliased or ridge */
double regress_sigma(const regress_fit *f);  /* sqrt(sum w r^2 / (nobs - rank)) */
double regress_rss(const regress_fit *f);    /* sum w r^2                       */
double regress_r2(const regress_fit *f);     /* as summary.lm: centred when X has
                                                an all-ones column             */
double regress_adj_r2(const regress_fit *f);
int regress_method_used(const regress_fit *f);   /* REGRESS_CHOL or REGRESS_QR  */
double regress_rcond(const regress_fit *f);  /* 1-norm estimate, column-scaled X */

/* yhat[i] = sum_j X[i + j n] beta_j over non-aliased j (aliased count as 0,
 * as predict.lm does), for X n x p column-major (ld n). Rows with a
 * non-finite X entry give NaN. Errors: HR_EINVAL (p differs from the fit's). */
int regress_predict(const regress_fit *f, const double *X, size_t n, size_t p, double *yhat);
/* The same from a bare coefficient vector (NaN = aliased), e.g. loaded from
 * a model file. */
int regress_predict_beta(const double *beta, const double *X, size_t n, size_t p, double *yhat);
/* The same for X with leading dimension ld >= n. */
int regress_predict_beta_ld(const double *beta, const double *X, size_t ld, size_t n, size_t p,
                            double *yhat);

#endif
