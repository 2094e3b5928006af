/* screen.h — screening and imputation of one region's hourly load (private).
 *
 * After Ruggles, Farnham, Tong & Caldeira (2020), Sci. Data 7:155: every
 * hour keeps its raw value, gets one flag (hr_flag), and a cleaned value;
 * flagged and missing hours are imputed. Kernels do no I/O. */
#ifndef HR_SCREEN_H
#define HR_SCREEN_H
#include "headroom.h"
#include <stddef.h>
#include <stdint.h>

/* Screen raw[n] (hourly, hour-beginning UTC starting at t0; NaN = missing):
 * writes flag[n] (hr_flag values; hours that arrive already flagged, e.g.
 * HR_FLAG_DUPLICATE_RESOLVED, keep that flag only if they pass screening)
 * and clean[n] (raw where OKAY, otherwise imputed; NaN only if the whole
 * series is empty). Fills q (first/last hours with a raw value, counts per
 * flag, imputed count, peak and mean of clean over [first,last]).
 * On entry flag[t] must be HR_FLAG_OKAY (0) or HR_FLAG_DUPLICATE_RESOLVED;
 * any other value is treated as OKAY. Hours outside [first,last] are
 * flagged MISSING and filled too, but are not counted in q. With no raw
 * value at all q->hours = 0, first_utc = last_utc = t0 and peak/mean NaN.
 * n = 0 is valid (raw, flag, clean unused). Every non-OKAY hour is imputed
 * (q->imputed = q->flagged - q->by_flag[HR_FLAG_DUPLICATE_RESOLVED]).
 * Cost O(n) in practice (radix sorts, then O(1) amortised rank-set steps
 * per hour for each moving quantile): ~0.15 us per hour.
 * Thread-safe (no shared state). Returns HR_OK or HR_ENOMEM (nothing
 * useful is written then). */
int screen_load(const double *raw, size_t n, int64_t t0, uint8_t *flag,
                double *clean, hr_quality *q);

/* Impute only (no screening): fill every NaN of v[n] in place, using the
 * same gap filler as screen_load (1-2 h gaps: linear; longer: same-hour
 * template of neighbouring days/weeks scaled to the edges; see screen.c).
 * All-NaN input is left unchanged. t0 is accepted for symmetry and not
 * used. Returns HR_OK or HR_ENOMEM (v unchanged then). */
int screen_impute(double *v, size_t n, int64_t t0);

/* The moving quantile used by screen_load, exposed for its tests: out[t] =
 * type-7 quantile p (numpy/pandas default) of the non-NaN values of
 * x[t-lo .. t+hi] ∩ [0,n) (pandas rolling(lo+hi+1, center=True,
 * min_periods=1)), NaN when the window has no value. x must not contain
 * -0.0 (its order against +0.0 is unspecified). Exact: the same values as
 * sorting every window. Returns HR_OK or HR_ENOMEM. */
int screen_moving_quantile(const double *x, size_t n, size_t lo, size_t hi, double p,
                           double *out);

#endif
