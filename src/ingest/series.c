/* series.c — construction and accessors of hr_series (series_new,
 * series_add_region, series_add_col, series_col_get, series_sort_regions)
 * and the public read-only accessors hr_series_*. */
#include "ingest/series.h"
#include "util/error.h"
#include "util/mem.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

hr_series *series_new(void) { return mem_calloc(1, sizeof(hr_series)); }

void series_region_clear(series_region *r)
{
    for (size_t j = 0; j < r->ncol; j++) {
        mem_free(r->col[j].name);
        mem_free(r->col[j].v);
    }
    mem_free(r->col);
    mem_free(r->flag);
    mem_free(r->name);
    mem_free(r->tz);
    memset(r, 0, sizeof *r);
}

void hr_series_free(hr_series *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nreg; i++) series_region_clear(&s->reg[i]);
    mem_free(s->reg);
    mem_free(s);
}

int series_region_init(series_region *r, const char *name, int64_t t0, size_t n)
{
    memset(r, 0, sizeof *r);
    r->name = mem_strdup(name);
    if (!r->name) return -1;
    r->t0 = t0;
    r->n = n;
    return 0;
}

int series_take_region(hr_series *s, series_region *r)
{
    series_region *reg = mem_realloc(s->reg, (s->nreg + 1) * sizeof *reg);
    if (!reg) return -1;
    s->reg = reg;
    reg[s->nreg++] = *r;
    memset(r, 0, sizeof *r);
    return 0;
}

series_region *series_add_region(hr_series *s, const char *name, int64_t t0, size_t n)
{
    series_region r;
    if (series_region_init(&r, name, t0, n)) return NULL;
    if (series_take_region(s, &r)) {
        series_region_clear(&r);
        return NULL;
    }
    return &s->reg[s->nreg - 1];
}

double *series_col_get(const series_region *r, const char *name)
{
    for (size_t j = 0; j < r->ncol; j++)
        if (strcmp(r->col[j].name, name) == 0) return r->col[j].v;
    return NULL;
}

double *series_add_col(series_region *r, const char *name)
{
    double *v = series_col_get(r, name);
    if (v) return v;
    series_col *c = mem_realloc(r->col, (r->ncol + 1) * sizeof *c);
    if (!c) return NULL;
    r->col = c;
    v = mem_array(r->n ? r->n : 1, sizeof(double));
    char *nm = mem_strdup(name);
    if (!v || !nm) {
        mem_free(v);
        mem_free(nm);
        return NULL;
    }
    for (size_t k = 0; k < r->n; k++) v[k] = NAN;
    c[r->ncol].name = nm;
    c[r->ncol].v = v;
    r->ncol++;
    return v;
}

static int cmp_region(const void *a, const void *b)
{
    return strcmp(((const series_region *)a)->name, ((const series_region *)b)->name);
}

void series_sort_regions(hr_series *s) { qsort(s->reg, s->nreg, sizeof *s->reg, cmp_region); }

/* ---- public accessors */

size_t hr_series_region_count(const hr_series *s) { return s ? s->nreg : 0; }

const char *hr_series_region_name(const hr_series *s, size_t i)
{
    return (s && i < s->nreg) ? s->reg[i].name : NULL;
}

int hr_series_region_index(const hr_series *s, const char *name, size_t *i)
{
    err_clear();
    if (!s || !name || !i) return err_set(HR_EINVAL, "hr_series_region_index: NULL argument");
    for (size_t k = 0; k < s->nreg; k++)
        if (strcmp(s->reg[k].name, name) == 0) {
            *i = k;
            return HR_OK;
        }
    return err_set(HR_ENOTFOUND, "no region named '%s'", name);
}

int hr_series_grid(const hr_series *s, size_t i, int64_t *t0_utc, size_t *nhours)
{
    err_clear();
    if (!s || i >= s->nreg) return err_set(HR_EINVAL, "hr_series_grid: no region %zu", i);
    if (t0_utc) *t0_utc = s->reg[i].t0;
    if (nhours) *nhours = s->reg[i].n;
    return HR_OK;
}

size_t hr_series_column_count(const hr_series *s, size_t i)
{
    return (s && i < s->nreg) ? s->reg[i].ncol : 0;
}

const char *hr_series_column_name(const hr_series *s, size_t i, size_t j)
{
    if (!s || i >= s->nreg || j >= s->reg[i].ncol) return NULL;
    return s->reg[i].col[j].name;
}

int hr_series_column(const hr_series *s, size_t i, const char *name, const double **values)
{
    err_clear();
    if (!s || !name || !values) return err_set(HR_EINVAL, "hr_series_column: NULL argument");
    if (i >= s->nreg) return err_set(HR_EINVAL, "hr_series_column: no region %zu", i);
    const double *v = series_col_get(&s->reg[i], name);
    if (!v) return err_set(HR_ENOTFOUND, "region '%s' has no column '%s'", s->reg[i].name, name);
    *values = v;
    return HR_OK;
}

int hr_series_flags(const hr_series *s, size_t i, const uint8_t **flags)
{
    err_clear();
    if (!s || !flags) return err_set(HR_EINVAL, "hr_series_flags: NULL argument");
    if (i >= s->nreg) return err_set(HR_EINVAL, "hr_series_flags: no region %zu", i);
    if (!s->reg[i].flag) return err_set(HR_ENOTFOUND, "region '%s' has no load", s->reg[i].name);
    *flags = s->reg[i].flag;
    return HR_OK;
}

int hr_series_quality(const hr_series *s, size_t i, hr_quality *q)
{
    err_clear();
    if (!s || !q) return err_set(HR_EINVAL, "hr_series_quality: NULL argument");
    if (i >= s->nreg) return err_set(HR_EINVAL, "hr_series_quality: no region %zu", i);
    *q = s->reg[i].q;
    return HR_OK;
}

const char *hr_flag_name(int flag)
{
    static const char *const names[HR_NFLAGS] = {
        "OKAY", "MISSING", "NEG_OR_ZERO", "GLOBAL_DEM", "GLOBAL_DEM_PLUS_MINUS",
        "IDENTICAL_RUN", "LOCAL_DEM_UP", "LOCAL_DEM_DOWN", "DELTA", "SINGLE_DELTA",
        "ANOMALOUS_REGION", "DUPLICATE_RESOLVED"};
    return (flag >= 0 && flag < HR_NFLAGS) ? names[flag] : "UNKNOWN";
}
