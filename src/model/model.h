/* model.h — the internal layout of hr_model and the entry points the
 * backtest and the model files use (private). */
#ifndef HR_MODEL_H
#define HR_MODEL_H
#include "headroom.h"
#include "arima/arima.h"
#include "model/design.h"
#include "ingest/series.h"
#include "model/spec.h"

struct hr_model {
    char *region, *tz, *name;
    spec *sp;                 /* parsed specification (text kept in sp->text) */
    int64_t first_utc, last_utc;
    /* regression part: p design columns in spec order */
    size_t p;
    char **feat;              /* [p] column names */
    double *beta, *beta_se;   /* [p] NaN = aliased */
    size_t nobs;
    double r2, adj_r2;
    double sigma2;            /* innovation variance (ARIMA) or residual variance */
    /* ARIMA errors */
    int has_arima;
    arima_order order;
    size_t ncoef, arima_nobs;
    char **cname;
    double *coef, *coef_se;
    double loglik, aic, aicc, bic;
    int converged;
    char *fallback;
    double fit_seconds;
    char errors_text[64];
    size_t joint_k;           /* regression columns fitted jointly with the ARIMA */
};

/* Workspace of one region and one specification for many fits and
 * forecasts (the backtest's refits and origins, the report's final fit):
 * the design matrix of rows [base, base + n) of the region's grid (which
 * may run past its end, for forecasts) built once, and the model-scale
 * load of those rows. Read-only once made: threads may share it. With a
 * NULL workspace (what model_ws_new gives for specs with load-lag terms,
 * whose design depends on the origin) every function below takes the
 * per-call path. */
typedef struct model_ws {
    const series_region *r;
    char *spec_text;         /* the specification it was built for          */
    size_t base, n, p;       /* rows [base, base + n); p design columns      */
    design_matrix dm;        /* n x p, ld n; a missing input (temperature)
                                is 0 here and its row marked in bad          */
    double *y;               /* [n] h(load) of observed hours (log with
                                'transform log'); NaN otherwise, beyond the
                                grid, and on bad rows                       */
    unsigned char *bad;      /* [n] 1: the design row has a missing input   */
    size_t *badc;            /* [n + 1] prefix counts of bad                 */
    size_t *yc;              /* [n + 1] prefix counts of finite y            */
    struct model_ws *reduced; /* the same rows for the spec without its annual
                                terms (fits on less than a year), or NULL    */
} model_ws;

/* Hours of history below which a fit leaves out the annual terms of its
 * spec (spec_without_annual): model.c. */
#define ANNUAL_MIN_HOURS 8760

/* Running Gram matrix X_u'X_u of the usable rows [from, to) of a workspace,
 * extended as a training window grows (incremental normal equations: each
 * hour enters once instead of once per refit). G NULL = empty. */
typedef struct {
    const struct model_ws *ws; /* the workspace it sums                   */
    size_t from, to, p;
    double *G;               /* [p x p] upper triangle, then X_u'y_u [p] */
} model_gram;

int model_ws_new(const series_region *r, const spec *sp, const char *tzdir, size_t from,
                 size_t to, model_ws **out);
void model_ws_free(model_ws *ws);
/* Add ws->reduced, for windows shorter than ANNUAL_MIN_HOURS (nothing when
 * sp has no annual terms or it is there). Not thread-safe: before sharing. */
int model_ws_add_reduced(model_ws *ws, const spec *sp, const char *tzdir);
/* The workspace a fit of sp on [from, to) uses: ws, or ws->reduced when the
 * window (as the fit trims it) is shorter than a year; NULL when ws is. */
const model_ws *model_ws_for(const model_ws *ws, const series_region *r, const spec *sp,
                             size_t from, size_t to);
/* Extend g to rows [from, to) of ws (restarting it when from differs or
 * to is before its end). Extending by the same steps gives the same G to
 * the last bit, whichever thread does it. */
int model_gram_extend(const model_ws *ws, model_gram *g, size_t from, size_t to);
void model_gram_free(model_gram *g);

/* model_fit_range on a workspace: the same fit (to rounding: the normal
 * equations are summed in another order) without building the design;
 * with g (may be NULL) the Gram matrix is g's, extended to the window.
 * std_errors 0: the ARIMA coefficients' standard errors are NaN (their
 * numerical Hessian is skipped; a forecast does not use them);
 * MODEL_REFIT: neither those nor the regression's, whose coefficients come
 * from the Gram matrix alone (regress_opts.gram_only: no pass over the
 * design), for a fit whose forecasts alone are used (a backtest refit). */
#define MODEL_REFIT (-1)
int model_fit_range_ws(const series_region *r, const spec *sp, const hr_fit_opts *o,
                       size_t from, size_t to, const model_ws *ws, model_gram *g,
                       int std_errors, hr_model **out);
/* hr_model_fit on a workspace (NULL: hr_model_fit) and a running Gram. */
int model_fit_ws(const hr_series *s, size_t region, const hr_fit_opts *o, const model_ws *ws,
                 model_gram *g, int std_errors, hr_model **out);

/* Forecasts of one fitted model at successive origins of its region:
 * model_forecast_at's results (to rounding), with the regression mean of
 * the error window taken from the workspace (ARIMA and direct errors) and,
 * for pure AR errors, the error filter continued from the previous origin
 * instead of re-run over the window (the same state in exact arithmetic:
 * see model_fc_at). Origins in increasing order are the fast case; any
 * order works. */
typedef struct model_fc model_fc;
int model_fc_new(const hr_model *m, const series_region *r, const char *tzdir,
                 const model_ws *ws, model_fc **out);
int model_fc_at(model_fc *F, size_t o, size_t lead, size_t h, double *mean, double *var);
/* model_fc_at at origins o[0..n), mean[k * h ..] and var[k * h ..] of
 * origin k: for direct errors all fitted together (direct_forecast_many:
 * the same forecasts to rounding at a fraction of the cost). The first
 * failing origin's error is returned. */
int model_fc_many(model_fc *F, const size_t *o, size_t n, size_t lead, size_t h, double *mean,
                  double *var);
void model_fc_free(model_fc *F);

/* The backtest (hr_backtest_run) on a workspace of the region (NULL: its
 * own); g (may be NULL) receives the Gram matrix of the last refit's
 * window, for a fit after the backtest (batch.c). */
int backtest_run_ws(const hr_series *s, size_t region, const hr_backtest_opts *o,
                    const model_ws *ws, model_gram *g, hr_backtest **out);

/* The specification named by o (text, "arima", "auto-arima", name/path). */
int model_spec_for(const hr_fit_opts *o, spec **out);
/* Fit spec sp to hours [from, to) of r. */
int model_fit_range(const series_region *r, const spec *sp, const hr_fit_opts *o, size_t from,
                    size_t to, hr_model **out);
/* mu[k - from] = x_k' beta for rows [from, to) of d (design.h), the
 * regression mean of m; HR_EFORMAT when d rebuilds other columns. */
int model_mean_rows(const hr_model *m, const design_data *d, size_t from, size_t to, double *mu);
/* Forecast hours o+lead .. o+lead+h-1 of r's grid (may run past its end)
 * from the data before o: mean[h] and forecast-error variance var[h]. */
int model_forecast_at(const hr_model *m, const series_region *r, const char *tzdir, size_t o,
                      size_t lead, size_t h, double *mean, double *var);
#endif
