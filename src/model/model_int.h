/* model_int.h — helpers shared by the files of the model (model.c: fit,
 * model_ws.c: workspace, model_forecast.c: one origin, model_fc.c: many
 * origins). Private to src/model. */
#ifndef MODEL_INT_H
#define MODEL_INT_H
#include "model/model.h"
#include <math.h>
#include <stdint.h>

/* UTC hour of day (0..23) of grid hour k of r. */
static inline size_t hour_of(const series_region *r, size_t k)
{
    int64_t h = (r->t0 / 3600 + (int64_t)k) % 24;
    return (size_t)(h < 0 ? h + 24 : h);
}

/* 1 if hour k of r holds an observed (not imputed) load value. */
static inline int hour_observed(const series_region *r, size_t k)
{
    if (!r->flag) return 1;
    return r->flag[k] == HR_FLAG_OKAY || r->flag[k] == HR_FLAG_DUPLICATE_RESOLVED;
}

/* 1 if r has a temperature in hours [from, to): what 'term-if-temperature'
 * asks of the data. */
static inline int has_temperature(const series_region *r, size_t from, size_t to)
{
    const double *tc = series_col_get(r, "temp_c");
    for (size_t k = from; tc && k < to && k < r->n; k++)
        if (!isnan(tc[k])) return 1;
    return 0;
}

/* The operator's forecast fc of hour k (forecast_mw) on the residual scale
 * of m, given the regression mean mu there: h(fc) - mu, NaN if unknown. */
static inline double op_resid(const hr_model *m, const series_region *r, const double *fc,
                              size_t k, double mu)
{
    double f = fc && k < r->n ? fc[k] : NAN;
    if (m->sp->log_transform) f = f > 0 ? log(f) : NAN;
    return f - mu;
}

/* The operator's forecasts (forecast_mw) when m's direct errors read them
 * ('errors direct DAYS operator') and r has them; else NULL. */
static inline const double *op_column(const hr_model *m, const series_region *r)
{
    return m->sp->errors.op ? series_col_get(r, "forecast_mw") : NULL;
}

/* model_ws.c: 1 if ws has the design of sp for rows [from, to) of r. */
int model_ws_covers(const model_ws *ws, const series_region *r, const spec *sp, size_t from,
                    size_t to);
/* model_ws.c: g extended to [from, to) of ws, *G its matrix (NULL when g is). */
int model_gram_for(const model_ws *ws, model_gram *g, size_t from, size_t to, const double **G);

/* model_forecast.c: the hour-of-day variance profile of residuals e[0..n)
 * ('variance hourly'), e[0] at UTC hour h0. */
void model_hour_profile(const double *e, size_t n, size_t h0, double *prof);
/* model_forecast.c: 'errors direct' from hour o for leads [lead, lead + h)
 * (see there). */
int model_direct_at(const hr_model *m, const series_region *r, const char *tzdir, size_t o,
                    size_t lead, size_t h, size_t npaths, uint64_t seed, double *x, double *v,
                    int *used, const double *e_g, const unsigned char *ok_g, const double *g_g,
                    const double *mu_t);
#endif
