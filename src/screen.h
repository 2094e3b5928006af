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
 * Returns HR_OK or HR_ENOMEM. */
int screen_load(const double *raw, size_t n, int64_t t0, uint8_t *flag,
                double *clean, hr_quality *q);

/* Impute only (no screening): fill every NaN of v[n] in place, using the
 * same gap filler as screen_load. Returns HR_OK or HR_ENOMEM. */
int screen_impute(double *v, size_t n, int64_t t0);

#endif
