/* design.h — the regression design matrix of a model specification
 * (private; the "features" module of the plan, named design.h because with
 * -Isrc a src/features.h would shadow glibc's <features.h>, which every
 * system header includes).
 *
 * Builds X (n x p, column-major) and the column names for rows [from, to)
 * of an hourly series, from the terms of a spec (spec.h). Calendar terms
 * use local time through a cal_tz when one is given, UTC otherwise.
 */
#ifndef HR_DESIGN_H
#define HR_DESIGN_H
#include "time/calendar.h"
#include "ingest/series.h"
#include "model/spec.h"
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t t0;             /* UTC hour-beginning of row 0 (when t_utc is NULL)  */
    const int64_t *t_utc;   /* [n] UTC times, or NULL: row k is t0 + 3600 k      */
    size_t n;               /* rows of the arrays                                 */
    const double *temp_c;   /* [n] degrees C, NaN = missing; NULL if not needed   */
    const double *load_mw;  /* [n] for lag terms (row k - L); NULL if not needed  */
    const cal_tz *tz;       /* local zone of the calendar terms; NULL = UTC       */
} design_data;

typedef struct {
    size_t n, p;     /* rows (to - from), columns                           */
    double *X;       /* n x p column-major; NaN where an input is missing    */
    char **names;    /* [p] column names, e.g. "weekday[Mon]:hour[7]", "hour[0]:T^2" */
} design_matrix;

/* Number of columns spec s produces. */
size_t design_width(const spec *s);

/* Build rows [from, to) of d. Lag terms read load_mw[k - L] for row k (NaN
 * for k < L), so history before `from` is used when present.
 * On success out owns X and names (design_matrix_free). Errors:
 * HR_EINVAL (NULL, from >= to, to > n, temperature or load needed but NULL),
 * HR_ENOMEM. On error *out is zeroed. */
int design_build(const spec *s, const design_data *d, size_t from, size_t to,
                   design_matrix *out);

/* The same from a series region (columns temp_c and load_mw; zone r->tz,
 * loaded from tzdir, NULL = /usr/share/zoneinfo). Errors as design_build,
 * plus HR_ENOTFOUND (needed column or the zone missing). */
int design_build_region(const spec *s, const series_region *r, const char *tzdir,
                          size_t from, size_t to, design_matrix *out);

void design_matrix_free(design_matrix *m);

#endif
