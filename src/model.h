/* model.h — the internal layout of hr_model and the entry points the
 * backtest and the model files use (private). */
#ifndef HR_MODEL_H
#define HR_MODEL_H
#include "headroom.h"
#include "arima.h"
#include "design.h"
#include "series.h"
#include "spec.h"

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
