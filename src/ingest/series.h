/* series.h — the internal layout of hr_series (private).
 *
 * A series holds regions; each region has its own hourly UTC grid
 * (t0 + 3600*k, k < n, hour-beginning) and named double columns of n values
 * (NaN = missing), plus one screening flag per hour. Columns are owned by the
 * region; names are owned by the column. */
#ifndef HR_SERIES_H
#define HR_SERIES_H
#include "headroom.h"
#include <stdint.h>

typedef struct {
    char *name;     /* "load_mw", "load_raw_mw", "forecast_mw", "temp_c", ... */
    double *v;      /* [n] */
} series_col;

typedef struct {
    char *name;        /* region name, e.g. "PJM", "ERCOT-COAST"           */
    char *tz;          /* IANA zone when known (for calendar terms), or NULL */
    int64_t t0;        /* first hour of the grid, UTC hour-beginning        */
    size_t n;          /* hours on the grid                                 */
    size_t ncol;
    series_col *col;   /* [ncol] */
    uint8_t *flag;     /* [n] hr_flag of load; NULL when no load column     */
    hr_quality q;      /* filled by screening                               */
} series_region;

struct hr_series {
    size_t nreg;
    series_region *reg; /* [nreg], sorted by name */
};

/* Allocate an empty series / free one (NULL-safe). */
hr_series *series_new(void);
/* Append a region with an n-hour grid starting at t0 and no columns;
 * returns its pointer or NULL (ENOMEM). Invalidates earlier region pointers. */
series_region *series_add_region(hr_series *s, const char *name, int64_t t0, size_t n);
/* Set up *r as a region with an n-hour grid from t0 and no columns, outside
 * any series (built on a worker thread, then moved in with
 * series_take_region); 0, or -1 (ENOMEM; r is then safe to clear). */
int series_region_init(series_region *r, const char *name, int64_t t0, size_t n);
/* Move *r to the end of s's regions (r is zeroed); 0, or -1 (ENOMEM; r kept). */
int series_take_region(hr_series *s, series_region *r);
/* Free what r owns and zero it (r itself is not freed). */
void series_region_clear(series_region *r);
/* Add a column of n NaNs named name to r; returns its values or NULL. If the
 * column exists already its values are returned unchanged. */
double *series_add_col(series_region *r, const char *name);
/* Values of the column named name, or NULL. */
double *series_col_get(const series_region *r, const char *name);
/* Sort regions by name (done once after building). */
void series_sort_regions(hr_series *s);

#endif
