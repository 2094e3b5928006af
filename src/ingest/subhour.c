/* subhour.c — sub-hourly rows to hourly means (ingest_subhourly).
 *
 * A chunk with times off the hour (5- or 15-minute ISO data, gridstatus
 * interval exports) is turned into an hourly chunk once its file is read.
 * The interval is the greatest common divisor of the distinct times'
 * spacing and must divide the hour; intervals are placed by their start
 * (interval_end: by their end, so the stamp minus one interval). An
 * hour's value is the mean of its intervals' values (MW averaged over the
 * hour) when at least min_coverage of its intervals have one; else it is
 * missing. A repeated interval follows the on_duplicate rule. */
#include "ingest/ingest_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t r = a % b;
        a = b;
        b = r;
    }
    return a < 0 ? -a : a;
}

/* rows by time, then source line (qsort_r: the chunk is the context) */
static int cmp_row(const void *a, const void *b, void *arg)
{
    const ing_chunk *c = arg;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (c->t[i] != c->t[j]) return c->t[i] < c->t[j] ? -1 : 1;
    return c->line[i] < c->line[j] ? -1 : c->line[i] > c->line[j];
}

int ingest_subhourly(const hr_ingest_opts *o, const char *path, ing_chunk *c)
{
    size_t n = c->n, off = 0;
    for (size_t i = 0; i < n && !off; i++) off = c->t[i] % 3600 != 0;
    c->sub = 0;
    if (!off) return HR_OK; /* an hourly chunk of a file that also has sub-hourly ones */
    size_t *ord = mem_array(n, sizeof *ord);
    if (!ord) return err_set(HR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) ord[i] = i;
    qsort_r(ord, n, sizeof *ord, cmp_row, c);
    int64_t step = 0;
    for (size_t i = 1; i < n; i++) step = gcd64(step, c->t[ord[i]] - c->t[ord[0]]);
    int64_t first = c->t[ord[0]];
    int rc = HR_OK;
    if (step == 0 || step >= 3600 || 3600 % step != 0 || ((first % step) + step) % step != 0) {
        /* the first row off the hour */
        size_t i0 = 0;
        for (size_t i = 0; i < n; i++)
            if (c->t[i] % 3600 != 0) {
                i0 = i;
                break;
            }
        rc = err_set(HR_EDATA,
                    "%s:%u: time is not on the hour, and the times of region %s are not in "
                    "intervals that divide the hour", path, c->line[i0], c->region);
        mem_free(ord);
        return rc;
    }
    int64_t shift = o->interval_end ? step : 0;
    size_t per = (size_t)(3600 / step);
    size_t need = (size_t)ceil(o->min_coverage * (double)per - 1e-9);
    if (need < 1) need = 1;
    /* hours: at most n */
    size_t cap = n, nh = 0;
    int64_t *ht = mem_array(cap, sizeof *ht);
    uint32_t *hl = mem_array(cap, sizeof *hl);
    double **hv = mem_calloc(c->ncol, sizeof *hv);
    double *sum = mem_array(c->ncol, sizeof *sum);
    size_t *cnt = mem_array(c->ncol, sizeof *cnt), *given = mem_array(c->ncol, sizeof *given);
    int ok = ht && hl && hv && sum && cnt && given;
    for (size_t j = 0; ok && j < c->ncol; j++) ok = (hv[j] = mem_array(cap, sizeof *hv[j])) != NULL;
    if (!ok) {
        rc = err_set(HR_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n;) {
        int64_t h = cal_floor_hour(c->t[ord[i]] - shift);
        for (size_t j = 0; j < c->ncol; j++) sum[j] = 0, cnt[j] = 0, given[j] = 0;
        uint32_t line = c->line[ord[i]];
        size_t i1 = i;
        while (i1 < n && cal_floor_hour(c->t[ord[i1]] - shift) == h) {
            /* one interval: its rows (a repeat follows on_duplicate) */
            size_t i2 = i1 + 1;
            while (i2 < n && c->t[ord[i2]] == c->t[ord[i1]]) i2++;
            if (i2 - i1 > 1 && o->on_duplicate == HR_DUP_ERROR) {
                char a[21];
                cal_format_utc(c->t[ord[i1]] - shift, a);
                rc = err_set(HR_EDATA,
                            "%s:%u: duplicate interval %s for region %s: row %u repeats row %u "
                            "(set the on_duplicate option to mean, first or last)",
                            path, c->line[ord[i1 + 1]], a, c->region, c->line[ord[i1 + 1]],
                            c->line[ord[i1]]);
                goto out;
            }
            for (size_t j = 0; j < c->ncol; j++) {
                double v = NAN, s = 0;
                size_t m = 0;
                int any = 0;
                for (size_t r = i1; r < i2; r++) {
                    double y = c->v[j][ord[r]];
                    if (ingest_is_absent(y)) continue;
                    any = 1;
                    if (isnan(y)) continue;
                    if (o->on_duplicate == HR_DUP_FIRST && m) continue;
                    if (o->on_duplicate == HR_DUP_LAST) s = 0, m = 0;
                    s += y;
                    m++;
                }
                if (m) v = s / (double)m;
                if (any) given[j] = 1;
                if (!isnan(v)) sum[j] += v, cnt[j]++;
            }
            i1 = i2;
        }
        ht[nh] = h;
        hl[nh] = line;
        for (size_t j = 0; j < c->ncol; j++)
            hv[j][nh] = !given[j] ? ingest_absent() : cnt[j] >= need ? sum[j] / (double)cnt[j] : NAN;
        nh++;
        i = i1;
    }
    /* the hourly rows replace the intervals */
    mem_free(c->t);
    mem_free(c->line);
    c->t = ht;
    c->line = hl;
    ht = NULL;
    hl = NULL;
    for (size_t j = 0; j < c->ncol; j++) {
        mem_free(c->v[j]);
        c->v[j] = hv[j];
        hv[j] = NULL;
    }
    c->n = nh;
    c->cap = cap;
    c->sub = 0;
out:
    if (hv)
        for (size_t j = 0; j < c->ncol; j++) mem_free(hv[j]);
    mem_free(hv);
    mem_free(ht);
    mem_free(hl);
    mem_free(sum);
    mem_free(cnt);
    mem_free(given);
    mem_free(ord);
    return rc;
}
