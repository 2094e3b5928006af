/* direct.h — direct per-lead forecasts of regression residuals (private).
 *
 * The 'errors direct' model: instead of iterating an ARIMA model of the
 * residuals e of the regression over the lead time, one small regression
 * per lead L predicts e[o + L] from what is known at the origin o (the
 * newest hours, their daily means, the newest same hour of day and of
 * week), fitted on the same origin hour of up to `days` earlier days
 * ("direct strategy", Ben Taieb et al. 2012, Expert Syst. Appl. 39:7067;
 * per-horizon models as in Fan & Hyndman 2012, IEEE Trans. Power Syst.
 * 27:134). The training days are weighted by their closeness in the season
 * to the origin's date, in every year (a Gaussian kernel of about 20 days,
 * widened when the history is short), and by age (e-folding 2 years), so
 * each season's persistence is learnt from that season in all years; the
 * fit uses a Huber loss. Its training errors give each lead's variance and,
 * taken a whole day at a time, joint sample paths. */
#ifndef HR_DIRECT_H
#define HR_DIRECT_H
#include <stddef.h>
#include <stdint.h>

/* Fewest usable training days (samples per lead regression). */
#define DIRECT_MIN_DAYS 30

/* Hours of residuals before the origin that the functions below read for
 * leads [lead, lead + h) and `days` training days. */
size_t direct_history(size_t lead, size_t h, size_t days);

/* e[0..o): residuals before the origin, NaN where unknown; the newest
 * direct_history(...) hours are read (fewer when o is smaller: the training
 * set shrinks). target_ok[k] != 0 when e[k] may serve as a training target
 * (an observed, not imputed, hour). Writes the mean and the variance of
 * e[o + L] for L = lead .. lead + h - 1. HR_EDATA when fewer than 30
 * training days are usable; HR_ENOMEM. */
int direct_forecast(const double *e, const unsigned char *target_ok, size_t o, size_t lead,
                    size_t h, size_t days, double *mean, double *var);

/* direct_forecast with the operator's own forecast of the load (an
 * EIA-930 `forecast demand (MW)`, issued before the origin), g[k] on the
 * residual scale (its h(forecast) minus the regression mean), NaN where
 * not given; read at hours before o + lead + h. A lead whose target has
 * g, when the operator's errors u = e - g are known at the origin, is
 * forecast as g + a direct regression of u (same features, plus g and u's
 * mean at the target's hour over the newest week); every other lead as
 * direct_forecast. Hours where the operator is off by more than a factor
 * 1.5 are data faults: left out of u. */
int direct_forecast_op(const double *e, const double *g, const unsigned char *target_ok, size_t o,
                       size_t lead, size_t h, size_t days, double *mean, double *var);

/* direct_forecast_op (g NULL: direct_forecast) at n origins o[0..n) of one
 * residual series, e, target_ok and g indexed by grid hour (each origin's
 * reads as above); mean[k * h ..], var[k * h ..] of origin k. used[k] = 0
 * where direct_forecast would fail with HR_EDATA (the caller's fallback);
 * returns the failure of another kind of the first origin that has one.
 * Origins at the same hour of day close together are fitted as one batch
 * (the cheap case: a backtest's consecutive days). */
int direct_forecast_many(const double *e, const double *g, const unsigned char *target_ok,
                         const size_t *o, size_t n, size_t lead, size_t h, size_t days,
                         double *mean, double *var, unsigned char *used);

/* npaths sample paths of e[o + lead .. o + lead + h): the mean plus the
 * training errors of one training day drawn at random (seeded, with
 * probability proportional to the day's weight), so each path keeps the
 * errors' joint shape across the leads. paths[j * h + k]. */
int direct_simulate(const double *e, const unsigned char *target_ok, size_t o, size_t lead,
                    size_t h, size_t days, size_t npaths, uint64_t seed, double *paths);
#endif
