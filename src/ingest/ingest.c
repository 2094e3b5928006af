/* ingest.c — reading load files into an hr_series.
 *
 * Exports hr_ingest_opts_init, hr_series_read and hr_series_from_arrays,
 * and ingest_read (hr_series_read with the csv_parse chunk size, for tests).
 * The files are parsed in parallel (file.c, on pool.c's threads) into
 * chunks keyed by (region, file, column set); the chunks of all files are
 * then grouped by region and each region is gridded and screened (grid.c),
 * again in parallel; the series keeps the regions in name order.
 * hr_series_write_long is in write_long.c. */
#include "ingest/ingest_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


typedef struct {
    ing_ctx *cx; /* [nth] per-thread reading contexts */
    size_t chunk;
} read_job;

static int read_job_fn(void *arg, size_t i, size_t th)
{
    read_job *j = arg;
    return ingest_read_file(&j->cx[th], i, j->chunk);
}

typedef struct {
    const ing_ctx *x;  /* merged chunks, sorted by region */
    size_t *grp;       /* [ngrp + 1] first chunk of each region */
    series_region *reg; /* [ngrp] built regions */
} build_job;

static int build_job_fn(void *arg, size_t g, size_t th)
{
    (void)th;
    build_job *j = arg;
    size_t a = j->grp[g], e = j->grp[g + 1];
    int rc = ingest_build_region(j->x, &j->reg[g], j->x->ck + a, e - a);
    /* the region's chunks are done with: free them now (peak memory) */
    for (size_t k = a; k < e; k++) {
        ingest_chunk_free(j->x->ck[k]);
        j->x->ck[k] = NULL;
    }
    return rc;
}

/* A file's weight: its size (a file that cannot be read fails in read_one). */
static size_t file_weight(const void *paths, size_t i)
{
    struct stat st;
    const char *p = ((const char *const *)paths)[i];
    return stat(p, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0;
}

/* A region's weight: the values its chunks hold. */
static size_t region_weight(const void *job, size_t g)
{
    const build_job *j = job;
    size_t w = 0;
    for (size_t k = j->grp[g]; k < j->grp[g + 1]; k++) w += j->x->ck[k]->n * (j->x->ck[k]->ncol + 1);
    return w;
}

int ingest_read(const char *const *paths, size_t npaths, const hr_ingest_opts *o, size_t chunk,
                hr_series **out)
{
    err_clear();
    if (out) *out = NULL;
    if (!paths || !o || !out) return err_set(HR_EINVAL, "hr_series_read: NULL argument");
    if (!npaths) return err_set(HR_EINVAL, "hr_series_read: no paths (npaths = 0)");
    for (size_t i = 0; i < npaths; i++) {
        if (!paths[i]) return err_set(HR_EINVAL, "hr_series_read: paths[%zu] is NULL", i);
        if (strcmp(paths[i], "-") == 0)
            return err_set(HR_EINVAL, "hr_series_read: \"-\" (stdin) is not accepted by the library");
    }
    if ((unsigned)o->format >= HR_NFORMATS)
        return err_set(HR_EINVAL, "hr_series_read: format %d is not an hr_format", (int)o->format);
    if ((unsigned)o->on_duplicate > HR_DUP_LAST)
        return err_set(HR_EINVAL, "hr_series_read: on_duplicate %d is not an hr_dup_rule",
                      (int)o->on_duplicate);
    if ((unsigned)o->on_overlap > HR_OVERLAP_LAST)
        return err_set(HR_EINVAL, "hr_series_read: on_overlap %d is not an hr_overlap_rule",
                      (int)o->on_overlap);
    if (!isfinite(o->scale) || o->scale == 0)
        return err_set(HR_EINVAL, "hr_series_read: scale %g is not a finite non-zero number", o->scale);
    if (o->threads < 0)
        return err_set(HR_EINVAL, "hr_series_read: threads %d is negative", o->threads);
    if (o->tz && strcmp(o->tz, "UTC") && strcmp(o->tz, "Etc/UTC")) {
        /* the option, not the first file's line 1, is at fault */
        cal_tz *z = NULL;
        int bad = cal_tz_load(o->tz, NULL, &z) != 0 || !z;
        cal_tz_free(z);
        if (bad) return err_set(HR_ENOTFOUND, "hr_series_read: the tz option '%s' is not an IANA time zone", o->tz);
    }
    if (!(o->min_coverage > 0 && o->min_coverage <= 1))
        return err_set(HR_EINVAL, "hr_series_read: min_coverage %g is not in (0, 1]", o->min_coverage);
    if ((unsigned)o->demand > HR_DEMAND_IMPUTED)
        return err_set(HR_EINVAL, "hr_series_read: demand %d is not an hr_demand", (int)o->demand);
    if (o->delimiter == '"' || o->delimiter == '\n' || o->delimiter == '\r')
        return err_set(HR_EINVAL, "hr_series_read: delimiter '%c' cannot separate fields", o->delimiter);
    ing_ctx cx[ING_MAX_THREADS];
    size_t nth = ingest_pool_threads(o, npaths);
    memset(cx, 0, nth * sizeof cx[0]);
    for (size_t t = 0; t < nth; t++) {
        cx[t].o = o;
        cx[t].paths = paths;
    }
    ing_ctx *x = &cx[0]; /* after the read: holds every chunk */
    int rc = HR_OK;
    hr_series *s = NULL;
    series_region *reg = NULL;
    size_t *grp = NULL, ngrp = 0;
    read_job rj = {cx, chunk};
    rc = ingest_pool_for_largest(read_job_fn, &rj, npaths, nth, file_weight, paths);
    if (rc) goto fail;
    /* chunks of the other threads join thread 0's */
    for (size_t t = 1; t < nth; t++) {
        if (!cx[t].nck) continue;
        size_t need = x->nck + cx[t].nck;
        if (need > x->capck) {
            ing_chunk **ck = mem_realloc(x->ck, need * sizeof *ck);
            if (!ck) {
                rc = err_set(HR_ENOMEM, "out of memory");
                goto fail;
            }
            x->ck = ck;
            x->capck = need;
        }
        memcpy(x->ck + x->nck, cx[t].ck, cx[t].nck * sizeof *x->ck);
        x->nck = need;
        cx[t].nck = 0;
    }
    if (x->nck == 0) {
        rc = err_set(HR_EDATA, "%s: no data", paths[0]);
        goto fail;
    }
    qsort(x->ck, x->nck, sizeof *x->ck, ingest_cmp_chunk);
    s = series_new();
    grp = mem_array(x->nck + 1, sizeof *grp);
    if (!s || !grp) {
        rc = err_set(HR_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < x->nck; i++)
        if (i == 0 || strcmp(x->ck[i]->region, x->ck[i - 1]->region) != 0) grp[ngrp++] = i;
    grp[ngrp] = x->nck;
    /* Every region's grid costs its span in each column: all of them
     * together must be justified by the values given (two rows 340 years
     * apart, or thousands of regions of two rows years apart, must not cost
     * gigabytes). A region's own share is checked as it is built. */
    {
        double bytes = 0, given = 0, worst = 0;
        size_t wg = 0;
        for (size_t g = 0; g < ngrp; g++) {
            double gv, b = ingest_grid_bytes(x->ck + grp[g], grp[g + 1] - grp[g], &gv);
            bytes += b, given += gv;
            if (b - ING_GRID_FACTOR * gv > worst) worst = b - ING_GRID_FACTOR * gv, wg = g;
        }
        if (bytes > ING_GRID_SLACK + ING_GRID_FACTOR * given) {
            rc = err_set(HR_EDATA,
                        "%s: the regions' hourly grids would take %.0f MB for %.0f MB of values (at most "
                        "%.0f MB + %d times the values; the sparsest: region %s): check the timestamps",
                        paths[0], bytes / 1e6, given / 1e6, ING_GRID_SLACK / 1e6, ING_GRID_FACTOR,
                        x->ck[grp[wg]]->region);
            goto fail;
        }
    }
    reg = mem_calloc(ngrp, sizeof *reg);
    if (!reg) {
        rc = err_set(HR_ENOMEM, "out of memory");
        goto fail;
    }
    build_job bj = {x, grp, reg};
    rc = ingest_pool_for_largest(build_job_fn, &bj, ngrp, ingest_pool_threads(o, ngrp), region_weight, &bj);
    if (rc) goto fail;
    for (size_t g = 0; g < ngrp; g++)
        if (reg[g].name && series_take_region(s, &reg[g])) {
            rc = err_set(HR_ENOMEM, "out of memory");
            goto fail;
        }
    if (s->nreg == 0) {
        rc = err_set(HR_EDATA, "%s: no data", paths[0]);
        goto fail;
    }
    series_sort_regions(s);
    mem_free(reg);
    mem_free(grp);
    for (size_t t = 0; t < nth; t++) ingest_ctx_free(&cx[t]);
    if (o->log) ingest_log_summary(s, o);
    *out = s;
    return HR_OK;
fail:
    if (reg)
        for (size_t g = 0; g < ngrp; g++) series_region_clear(&reg[g]);
    mem_free(reg);
    mem_free(grp);
    for (size_t t = 0; t < nth; t++) ingest_ctx_free(&cx[t]);
    hr_series_free(s);
    return rc ? rc : HR_ENOMEM;
}

/* ------------------------------------------------------------ public API */

void hr_ingest_opts_init(hr_ingest_opts *o)
{
    if (!o) return; /* documented no-op */
    memset(o, 0, sizeof *o);
    o->format = HR_FORMAT_AUTO;
    o->on_duplicate = HR_DUP_ERROR;
    o->on_overlap = HR_OVERLAP_ERROR;
    o->screen = 1;
    o->scale = 1.0;
    o->min_coverage = 1.0;
}

int hr_series_read(const char *const *paths, size_t npaths, const hr_ingest_opts *o, hr_series **out)
{
    hr_ingest_opts def;
    if (!o) {
        hr_ingest_opts_init(&def);
        o = &def;
    }
    return ingest_read(paths, npaths, o, 0, out);
}

int hr_series_from_arrays(const char *region, const int64_t *t_utc, const double *load_mw, size_t n,
                          int screen, hr_series **out)
{
    err_clear();
    if (out) *out = NULL;
    if (!region || !t_utc || !load_mw || !out)
        return err_set(HR_EINVAL, "hr_series_from_arrays: NULL argument");
    if (!*region) return err_set(HR_EINVAL, "hr_series_from_arrays: empty region name");
    if (!n) return err_set(HR_EINVAL, "hr_series_from_arrays: no hours (n = 0)");
    for (size_t i = 0; i < n; i++) {
        if (isinf(load_mw[i]))
            return err_set(HR_EINVAL, "hr_series_from_arrays: load_mw[%zu] is infinite (NaN = missing)", i);
        if (t_utc[i] % 3600 != 0)
            return err_set(HR_EINVAL, "hr_series_from_arrays: t_utc[%zu] is not on the hour", i);
        if (i && t_utc[i] <= t_utc[i - 1])
            return err_set(HR_EINVAL, "hr_series_from_arrays: t_utc not strictly increasing at %zu", i);
    }
    /* hours, not seconds, so that the difference cannot overflow */
    int64_t span = t_utc[n - 1] / 3600 - t_utc[0] / 3600 + 1;
    if (span > ING_MAX_HOURS)
        return err_set(HR_EINVAL, "hr_series_from_arrays: span of %lld hours", (long long)span);
    hr_series *s = series_new();
    if (!s) return err_set(HR_ENOMEM, "out of memory");
    series_region *r = series_add_region(s, region, t_utc[0], (size_t)span);
    double *clean = r ? series_add_col(r, "load_mw") : NULL;
    double *raw = clean ? series_add_col(r, "load_raw_mw") : NULL;
    if (!raw) {
        hr_series_free(s);
        return err_set(HR_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) raw[(t_utc[i] - t_utc[0]) / 3600] = load_mw[i];
    const char *tz = ingest_region_tz(region);
    if (tz && !(r->tz = mem_strdup(tz))) {
        hr_series_free(s);
        return err_set(HR_ENOMEM, "out of memory");
    }
    int rc = ingest_finish_load(r, NULL, screen);
    if (rc) {
        hr_series_free(s);
        return rc;
    }
    *out = s;
    return HR_OK;
}

