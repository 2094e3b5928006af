/* arima.h — seasonal ARIMA with regression errors: exact Gaussian likelihood
 * by a structured Kalman filter, CSS / ML / CSS-ML fits as R's stats::arima,
 * forecasts, sample paths and a stepwise order search (private).
 *
 * Conventions follow R's stats::arima (R 4.2): the coefficient vector is
 *   ar1..p, ma1..q, sar1..P, sma1..Q, [intercept], [drift], xreg1..k
 * with the MA polynomial 1 + theta_1 B + ... (R's sign), the mean a regression
 * coefficient (not a state constant), and with d or D > 0 the likelihood of
 * the differenced series via a diffuse prior (kappa) on the differencing
 * states, exactly as R. Thread-safety: distinct handles may be used from
 * different threads; a handle is not thread-safe; no global state. */
#ifndef HR_ARIMA_H
#define HR_ARIMA_H
#include <stddef.h>
#include <stdint.h>

enum { ARIMA_CSS_ML = 0, ARIMA_ML = 1, ARIMA_CSS = 2 };

typedef struct {
    int p, d, q;        /* non-seasonal orders                                  */
    int P, D, Q, s;     /* seasonal orders and period (hours; 24, 168); s >= 1  */
    int include_mean;   /* intercept column when d + D == 0 (R's include.mean)  */
    int include_drift;  /* drift column t = 1..n (forecast::Arima); d + D <= 1 */
    int method;         /* ARIMA_CSS_ML (R's default), ARIMA_ML, ARIMA_CSS      */
} arima_order;

typedef struct {
    double kappa;       /* prior variance of the differencing states [1e6]      */
    int maxit;          /* BFGS iterations per optimisation [100]               */
    int transform_pars; /* optimise AR parts through R's partrans [1]           */
    const char *const *xreg_names; /* [k] names of the user xreg columns, or
                                      NULL for "xreg1".."xregk" (copied)        */
    int polish;         /* ML: restart once at a tighter tolerance [1]; the
                           order search turns it off for its candidates        */
    int std_errors;     /* standard errors from the numerical Hessian [1]; 0:
                           NaN, and the fit skips the Hessian's 2 np^2
                           objective evaluations (nothing else changes)        */
    int unit_ma_stop;   /* abandon (HR_ENOCONV) an ML fit on R's filter whose
                           MA roots stay inside the order search's rejection
                           radius 1.01 [0]; the order search sets it for its
                           candidates (most fits do not use that filter)  */
    int css_state;      /* CSS fits: run the Kalman filter at the estimate for
                           the state forecasts start from [1]; 0 skips it (the
                           order search's CSS candidates, which are compared
                           by sigma2 only): such a fit cannot forecast      */
    int restarts;       /* arima_fit_model: when the optimum is not clean (an
                           AR factor's root within 1.001 of the unit circle,
                           a non-finite standard error or log-likelihood),
                           refit from other starts and keep the best clean
                           end [1]                                          */
} arima_opts;

typedef struct arima_fit arima_fit;

/* Defaults above. */
void arima_opts_init(arima_opts *o);

/* Fit y (n hours, NaN = missing) with regression on xreg (column-major n x k,
 * may be NULL when k == 0; NaN in a row drops that hour) and SARIMA errors.
 * Start values, objective, transforms, optimiser and Hessian as R's arima
 * (CSS start, BFGS with numerical gradients). opts may be NULL (defaults).
 * On success *out owns a copy of everything it needs (the inputs are not
 * retained) and 0 is returned; a fit whose optimiser hit maxit, or that
 * found no clean optimum (opts.restarts), is returned with
 * arima_converged() == 0 and says why in arima_note(). Errors: HR_EINVAL (orders, sizes), HR_EDATA
 * (too few observations), HR_ESINGULAR (xreg rank-deficient), HR_ENOCONV
 * (likelihood not finite near the optimum), HR_ENOMEM; *out untouched. */
int arima_fit_model(const double *y, size_t n, const double *xreg, size_t k,
                    const arima_order *o, const arima_opts *opts, arima_fit **out);

/* A fit at FIXED coefficients coef (layout above, length arima_coef_count
 * would give): filters y to its end so that forecasts continue from it (this
 * is how a saved model forecasts over recent data). sigma2 > 0 fixes the
 * innovation variance; sigma2 <= 0 or NaN estimates it as R does (ssq/n.used).
 * loglik/aic are those at coef; standard errors are NaN. Errors as above. */
int arima_fit_fixed(const double *y, size_t n, const double *xreg, size_t k,
                    const arima_order *o, const arima_opts *opts, const double *coef,
                    double sigma2, arima_fit **out);

/* Exact log-likelihood (R's arima(method="ML", fixed=coef,
 * transform.pars=FALSE)$loglik) and sigma2 at coef. Errors as above. */
int arima_loglik_at(const double *y, size_t n, const double *xreg, size_t k,
                    const arima_order *o, const double *coef, double kappa,
                    double *loglik, double *sigma2);

/* Accessors. Strings belong to the fit. Index i < arima_coef_count(f). */
size_t arima_coef_count(const arima_fit *f);
const char *arima_coef_name(const arima_fit *f, size_t i);
double arima_coef(const arima_fit *f, size_t i);
double arima_coef_se(const arima_fit *f, size_t i);   /* NaN when unavailable */
double arima_sigma2(const arima_fit *f);
double arima_loglik(const arima_fit *f);
double arima_aic(const arima_fit *f);    /* NaN for method CSS, as R */
double arima_aicc(const arima_fit *f);   /* forecast::Arima's formula */
double arima_bic(const arima_fit *f);
int arima_converged(const arima_fit *f);
size_t arima_nobs(const arima_fit *f);   /* R's n.used */
arima_order arima_fit_order(const arima_fit *f);
/* Free-text note on fallbacks taken (e.g. "CSS start non-stationary: ML
 * started from zeros"), or "" . */
const char *arima_note(const arima_fit *f);

/* h-step forecasts after the end of the fitted series: mean[t] and the
 * forecast-error variance var[t] (MW^2), t < h, as R's predict.Arima
 * (var = se^2). xreg_future is column-major h x k (NULL when k == 0);
 * drift continues at n+1. var may be NULL (then the state covariance is not
 * propagated: the means alone cost O(h rd)). Errors: HR_EINVAL, HR_ENOMEM. */
int arima_forecast(const arima_fit *f, const double *xreg_future, size_t h,
                   double *mean, double *var);

/* Continue the filter of f over the n hours y[0..n) that follow the hours
 * it has filtered (parameters unchanged), so that arima_forecast and
 * arima_simulate then start after them: the same state as a fit over the
 * longer series at the same coefficients, at O(n) cost once the filter has
 * reached its steady state. The intercept and drift continue; a fit with
 * xreg columns is refused (HR_EINVAL: their future values are unknown
 * here). Errors: HR_EINVAL, HR_ENOMEM. */
int arima_filter_more(arima_fit *f, const double *y, size_t n);

/* The filtered state covariance P_n (rd x rd, column-major; rd into *rd).
 * The forecast variances depend on it (and sigma2) only, so a caller may
 * reuse them while it is unchanged (bit for bit). */
const double *arima_state_cov(const arima_fit *f, size_t *rd);

/* Central prediction interval at level (0 < level < 1) from mean/var:
 * mean -/+ z_{(1+level)/2} sqrt(var). Errors: HR_EINVAL. */
int arima_interval(const double *mean, const double *var, size_t h, double level,
                   double *lo, double *hi);

/* Standard normal quantile (Wichura 1988, AS241; |rel err| < 1e-15). */
double arima_qnorm(double p);

/* npaths sample paths of the next h hours drawn from the conditional
 * distribution given the fitted data (state ~ N(a_n, sigma2 P_n), then the
 * state equation with N(0, sigma2) shocks), seeded and reproducible
 * (xoshiro256** + Marsaglia polar). paths is column-major h x npaths
 * (path j at paths[j*h .. j*h+h-1]). Errors: HR_EINVAL, HR_ENOMEM. */
int arima_simulate(const arima_fit *f, const double *xreg_future, size_t h,
                   size_t npaths, uint64_t seed, double *paths);

/* Stepwise order search (Hyndman & Khandakar 2008, forecast::auto.arima). */
typedef struct {
    int max_p, max_q, max_P, max_Q;   /* [5, 5, 2, 2]                          */
    int max_order;                    /* p+q+P+Q cap, 0 = none [0]: as
                                         auto.arima's stepwise search, whose
                                         max.order binds only stepwise=FALSE */
    int max_d, max_D;                 /* [2, 1]                                */
    int d, D;                         /* fixed differencing, or -1 = test [-1] */
    int s;                            /* seasonal period (1 = non-seasonal)    */
    int allow_mean, allow_drift;      /* [1, 1]                                */
    int max_models;                   /* stop after this many fits [94]        */
    int threads;                      /* candidate fits in parallel [2]        */
    int css_search;                   /* -1 auto (n > 2000 or s > 12), 0, 1    */
} arima_auto_opts;

void arima_auto_opts_init(arima_auto_opts *o);

/* Select orders by AICc and return the exact (CSS-ML) refit of the winner.
 * *models receives the number of candidates fitted (may be NULL). A
 * candidate that fails is skipped; when none fits, the fallback ARIMA(0,d,0)
 * (+ mean) is fitted and noted in arima_note(). Errors: HR_EINVAL, HR_EDATA,
 * HR_ENOMEM, HR_ENOCONV (even the fallback failed). */
int arima_auto(const double *y, size_t n, const double *xreg, size_t k,
               const arima_auto_opts *ao, const arima_opts *opts, arima_fit **out,
               int *models);

void arima_free(arima_fit *f); /* NULL-safe */

#endif
