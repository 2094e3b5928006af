/* optim.h — small dense quasi-Newton minimiser with numerical derivatives
 * (private). Used by the SARIMA fit (src/arima/fit.c); shaped after R's optim(method =
 * "BFGS") so that fits land where R's do. */
#ifndef HR_OPTIM_H
#define HR_OPTIM_H
#include <stddef.h>

/* Objective: returns f(x); a non-finite value (or DBL_MAX) marks x as
 * infeasible. x has the length given to the optimiser. Must be re-entrant. */
typedef double (*optim_fn)(const double *x, void *ud);

typedef struct {
    int maxit;              /* iterations (gradient evaluations) [100]          */
    double reltol;          /* stop when |f_new - f| <= reltol (|f| + reltol)
                               [sqrt(DBL_EPSILON) ~ 1.49e-8, R's default]     */
    double ndeps;           /* finite-difference step in scaled units [1e-3]  */
    const double *parscale; /* [n] x is optimised as x / parscale; NULL = 1   */
    /* Optional: called with the current point (unscaled) after every
     * accepted step; a nonzero return stops the minimisation, which then
     * returns HR_ENOCONV with x at that point. [NULL] */
    int (*monitor)(size_t n, const double *x, void *ud);
    void *monitor_ud;
} optim_ctl;

/* Defaults above (R's optim defaults). */
void optim_ctl_init(optim_ctl *c);

/* BFGS (inverse-Hessian update, Armijo backtracking) minimising fn from x.
 * On return x holds the best point found and *fmin = fn(x); *iters the
 * number of gradient evaluations. Returns 0 when converged, HR_ENOCONV when
 * maxit was reached (x, *fmin still the best point), HR_EINVAL when fn(x0)
 * is not finite, HR_ENOMEM. */
int optim_bfgs(size_t n, double *x, double *fmin, optim_fn fn, void *ud,
               const optim_ctl *ctl, int *iters);

/* Central-difference gradient of fn at x with step ndeps * parscale[i]
 * (R's optim numerical gradient). Returns 0, or HR_ENOCONV when a
 * difference is not finite (R: "non-finite finite-difference value"). */
int optim_grad(size_t n, const double *x, optim_fn fn, void *ud,
               const optim_ctl *ctl, double *g);

/* Numerical Hessian H (n x n, column-major, symmetric) of fn at x by
 * central differences of central-difference gradients (R's optimHess), in
 * 2 n^2 + 1 evaluations of fn. Optional outputs from the same evaluations:
 * grad [n], the gradient at x (the mean of the gradients at x +- step along
 * the first coordinate), and *fx = fn(x). Returns as optim_grad. */
int optim_hessian(size_t n, const double *x, optim_fn fn, void *ud,
                  const optim_ctl *ctl, double *H, double *grad, double *fx);

/* Invert the symmetric n x n matrix A in place (Gauss-Jordan with partial
 * pivoting; n is a handful of coefficients). Returns 0 or HR_ESINGULAR. */
int optim_invert(size_t n, double *A);

#endif
