/* grid.c — a region's chunks onto one hourly UTC grid.
 *
 * The grid runs from the region's first to its last hour with a value.
 * Each column is filled chunk by chunk in file order: a second value for an
 * hour of the same file is a duplicate (on_duplicate decides), one from
 * another file an overlap (on_overlap decides; equal values agree). Then
 * the load is screened (screen_load) or copied, and the region's chunks
 * are freed by the caller (peak memory about twice the final data). */
#include "ingest/ingest_int.h"
#include "ingest/screen.h"
#include "util/error.h"
#include "util/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


int ingest_cmp_chunk(const void *a, const void *b)
{
    const ing_chunk *x = *(ing_chunk *const *)a, *y = *(ing_chunk *const *)b;
    int c = strcmp(x->region, y->region);
    if (c) return c;
    /* stable: file order, then creation order, decides FIRST/LAST */
    if (x->fileno != y->fileno) return x->fileno < y->fileno ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Load flags and quality without screening: OKAY / MISSING (and
 * DUPLICATE_RESOLVED kept), load_mw = load_raw_mw, q over [first, last]. */
static void quality_plain(const double *raw, size_t n, int64_t t0, uint8_t *flag, double *clean,
                          hr_quality *q)
{
    memset(q, 0, sizeof *q);
    size_t first = n, last = 0;
    for (size_t k = 0; k < n; k++) {
        clean[k] = raw[k];
        if (isnan(raw[k])) flag[k] = HR_FLAG_MISSING;
        else {
            if (flag[k] != HR_FLAG_DUPLICATE_RESOLVED) flag[k] = HR_FLAG_OKAY;
            if (first == n) first = k;
            last = k;
        }
    }
    q->peak_mw = q->mean_mw = NAN;
    if (first == n) {
        q->first_utc = q->last_utc = t0;
        return;
    }
    q->first_utc = t0 + 3600 * (int64_t)first;
    q->last_utc = t0 + 3600 * (int64_t)last;
    q->hours = last - first + 1;
    double sum = 0, peak = -INFINITY;
    size_t m = 0;
    for (size_t k = first; k <= last; k++) {
        q->by_flag[flag[k]]++;
        if (flag[k] != HR_FLAG_OKAY) q->flagged++;
        if (isnan(raw[k])) q->missing++;
        else {
            sum += raw[k];
            m++;
            if (raw[k] > peak) peak = raw[k];
        }
    }
    q->peak_mw = peak;
    q->mean_mw = sum / (double)m;
}

/* Add load_mw and flags to region r from its load_raw_mw (if any). dup[k]
 * marks hours whose value came from an on_duplicate rule. */
int ingest_finish_load(series_region *r, const uint8_t *dup, int screen)
{
    memset(&r->q, 0, sizeof r->q);
    r->q.first_utc = r->q.last_utc = r->t0;
    r->q.peak_mw = r->q.mean_mw = NAN;
    double *raw = series_col_get(r, "load_raw_mw");
    if (!raw) return HR_OK;
    double *clean = series_col_get(r, "load_mw");
    if (!clean) return err_set(HR_EINVAL, "internal: no load_mw column");
    r->flag = mem_calloc(r->n ? r->n : 1, 1);
    if (!r->flag) return err_set(HR_ENOMEM, "out of memory");
    if (dup)
        for (size_t k = 0; k < r->n; k++)
            if (dup[k]) r->flag[k] = HR_FLAG_DUPLICATE_RESOLVED;
    if (screen) {
        int rc = screen_load(raw, r->n, r->t0, r->flag, clean, &r->q);
        if (rc) return err_set(rc, "%s: screening failed", r->name);
    } else
        quality_plain(raw, r->n, r->t0, r->flag, clean, &r->q);
    return HR_OK;
}

static void fmt_hour(int64_t t, char *buf)
{
    cal_format_utc(t, buf);
}

/* Grid span of chunks ck[0..m): the hours with a value; failing that, the
 * hours with a row. Returns 0 when no chunk gives anything. *rows counts
 * the rows inside the span; *clo, *klo and *chi, *khi are the chunk and row
 * of its first and last hour (for messages). */
typedef struct {
    int64_t lo, hi;
    size_t rows;
    const ing_chunk *clo, *chi;
    size_t klo, khi;
} span_rows;

static int grid_span(ing_chunk *const *ck, size_t m, span_rows *sp)
{
    span_rows a = {INT64_MAX, INT64_MIN, 0, NULL, NULL, 0, 0}, b = a; /* with a value / given */
    for (size_t i = 0; i < m; i++) {
        const ing_chunk *c = ck[i];
        for (size_t k = 0; k < c->n; k++) {
            int any = 0, given = 0;
            for (size_t j = 0; j < c->ncol; j++) {
                double v = c->v[j][k];
                if (!isnan(v)) any = 1;
                else if (!ingest_is_absent(v)) given = 1;
            }
            span_rows *s = any ? &a : given ? &b : NULL;
            if (!s) continue;
            int64_t t = c->t[k];
            s->rows++;
            if (t < s->lo) s->lo = t, s->clo = c, s->klo = k;
            if (t > s->hi) s->hi = t, s->chi = c, s->khi = k;
        }
    }
    *sp = a.lo != INT64_MAX ? a : b;
    return sp->lo != INT64_MAX;
}

double ingest_grid_bytes(ing_chunk *const *ck, size_t m, double *given)
{
    span_rows sp;
    size_t cols = 0;
    *given = 0;
    for (size_t i = 0; i < m; i++) {
        if (ck[i]->ncol > cols) cols = ck[i]->ncol;
        *given += 8.0 * (double)ck[i]->n * (double)ck[i]->ncol;
    }
    if (!grid_span(ck, m, &sp)) return 0;
    /* the columns, load_mw, the flags and the gridding state */
    return ((double)(sp.hi - sp.lo) / 3600 + 1) * (8.0 * (double)(cols + 1) + 6);
}

/* The refusal of a region whose span its rows do not justify. */
static int sparse_err(const ing_ctx *x, const char *region, const span_rows *sp)
{
    char a[21], b[21];
    cal_format_utc(sp->lo, a);
    cal_format_utc(sp->hi, b);
    return err_set(HR_EDATA,
                  "region %s: rows from %s (%s:%u) to %s (%s:%u) span %lld hours, %zu rows in them: "
                  "more than %.0f %% of the span would be missing (a mistyped date?)",
                  region, a, x->paths[sp->clo->fileno], sp->clo->line[sp->klo], b,
                  x->paths[sp->chi->fileno], sp->chi->line[sp->khi],
                  (long long)((sp->hi - sp->lo) / 3600 + 1), sp->rows, 100 * (1 - ING_MIN_FILLED));
}

/* The other column names of the chunks (load_mw, load_raw_mw apart), each
 * once, sorted; *has_load if some chunk has load_raw_mw. */
static int grid_names(ing_chunk *const *ck, size_t m, const char ***out, size_t *nout, int *has_load)
{
    size_t nn = 0, capn = 8;
    const char **names = mem_array(capn, sizeof *names);
    if (!names) return err_set(HR_ENOMEM, "out of memory");
    *has_load = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < ck[i]->ncol; j++) {
            const char *nm = ck[i]->name[j];
            if (strcmp(nm, "load_raw_mw") == 0) {
                *has_load = 1;
                continue;
            }
            if (strcmp(nm, "load_mw") == 0) continue;
            size_t k;
            for (k = 0; k < nn; k++)
                if (strcmp(names[k], nm) == 0) break;
            if (k < nn) continue;
            if (nn == capn) {
                const char **p = mem_realloc(names, 2 * capn * sizeof *names);
                if (!p) {
                    mem_free(names);
                    return err_set(HR_ENOMEM, "out of memory");
                }
                names = p;
                capn *= 2;
            }
            names[nn++] = nm;
        }
    qsort(names, nn, sizeof *names, cmp_str);
    *out = names;
    *nout = nn;
    return HR_OK;
}

/* r's grid from lo for n hours, its zone (the chunks' or the region's) and
 * its columns: load_mw, load_raw_mw first, then names[0..nn). */
static int grid_init(series_region *r, ing_chunk *const *ck, size_t m, int64_t lo, size_t n,
                     const char *const *names, size_t nn, int has_load)
{
    const char *region = ck[0]->region;
    if (series_region_init(r, region, lo, n)) return err_set(HR_ENOMEM, "out of memory");
    const char *tz = NULL;
    for (size_t i = 0; i < m && !tz; i++) tz = ck[i]->tz;
    if (!tz) tz = ingest_region_tz(region);
    if (tz && !(r->tz = mem_strdup(tz))) return err_set(HR_ENOMEM, "out of memory");
    if (has_load && (!series_add_col(r, "load_mw") || !series_add_col(r, "load_raw_mw")))
        return err_set(HR_ENOMEM, "out of memory");
    for (size_t k = 0; k < nn; k++)
        if (!series_add_col(r, names[k])) return err_set(HR_ENOMEM, "out of memory");
    return HR_OK;
}

/* State of one region's gridding: src[k] = 1 + the file that gave hour k
 * of the current column (0: none yet), dup[k] = hour k's value came from an
 * on_duplicate rule, cnt[k] = extra values summed for HR_DUP_MEAN. */
typedef struct {
    const ing_ctx *x;
    const char *region;
    int64_t lo;
    size_t n;
    uint32_t *src;
    uint8_t *dup;
    uint32_t *cnt;
    /* first conflict between two files in the current column */
    int64_t conf_t;
    size_t conf_a, conf_b;
} grid_state;

/* The error for row rr of chunk c, a second row of its hour in its file:
 * rows that differ in a text column are several series (name the column to
 * split regions by); otherwise a true repeat (name the on_duplicate rules). */
static int dup_err(const grid_state *gs, const ing_chunk *c, size_t rr)
{
    char a[21], col[ING_NAMELEN];
    fmt_hour(c->t[rr], a);
    const char *path = gs->x->paths[c->fileno];
    size_t r0;
    for (r0 = 0; r0 < rr; r0++)
        if (c->t[r0] == c->t[rr]) break;
    int d = r0 < rr ? ingest_dup_column(gs->x->o, path, c->line[r0], c->line[rr], col, sizeof col) : -1;
    if (d == 1)
        return err_set(HR_EDATA,
                      "%s:%u: duplicate hour %s for region %s: rows %u and %u differ in column "
                      "'%s' (several series in one file: set the region_col option to %s)",
                      path, c->line[rr], a, gs->region, c->line[r0], c->line[rr], col, col);
    if (d == 0)
        return err_set(HR_EDATA,
                      "%s:%u: duplicate hour %s for region %s: row %u repeats row %u (not a DST "
                      "repeat; set the on_duplicate option to mean, first or last)",
                      path, c->line[rr], a, gs->region, c->line[rr], c->line[r0]);
    return err_set(HR_EDATA,
                  "%s:%u: duplicate hour %s for region %s (not a DST repeat; "
                  "set the on_duplicate option to mean, first or last)",
                  path, c->line[rr], a, gs->region);
}

/* Row rr of chunk c repeats hour k of its own file (not a DST repeat):
 * the on_duplicate rule decides. */
static int grid_repeat(grid_state *gs, const ing_chunk *c, size_t rr, double *g, size_t k, double y)
{
    hr_dup_rule rule = gs->x->o->on_duplicate;
    if (rule == HR_DUP_ERROR) return dup_err(gs, c, rr);
    if (!gs->dup && !(gs->dup = mem_calloc(gs->n, 1))) return err_set(HR_ENOMEM, "out of memory");
    gs->dup[k] = 1;
    if (rule == HR_DUP_LAST) {
        if (!isnan(y)) g[k] = y;
    } else if (rule == HR_DUP_MEAN && !isnan(y)) {
        if (isnan(g[k])) {
            g[k] = y;
            return HR_OK;
        }
        if (!gs->cnt && !(gs->cnt = mem_calloc(gs->n, sizeof *gs->cnt)))
            return err_set(HR_ENOMEM, "out of memory");
        g[k] += y;
        gs->cnt[k]++; /* at most the rows of a file, < 2^32 (line numbers are 32-bit) */
    } else if (rule == HR_DUP_FIRST && isnan(g[k])) {
        g[k] = y;
    }
    return HR_OK;
}

/* Row rr of chunk c gives hour k, which an earlier file gave too: the
 * on_overlap rule decides; a conflict is remembered (the earliest hour). */
static void grid_overlap(grid_state *gs, const ing_chunk *c, size_t rr, double *g, size_t k,
                         double y)
{
    if (isnan(y)) return;
    if (isnan(g[k]) || g[k] == y) {
        g[k] = y;
        return;
    }
    hr_overlap_rule rule = gs->x->o->on_overlap;
    if (rule == HR_OVERLAP_LAST) {
        g[k] = y;
        gs->src[k] = (uint32_t)c->fileno + 1;
    } else if (rule == HR_OVERLAP_ERROR && c->t[rr] < gs->conf_t) {
        gs->conf_t = c->t[rr];
        gs->conf_a = gs->src[k] - 1;
        gs->conf_b = c->fileno;
    }
}

/* Column j of chunk c onto the grid g. */
static int grid_chunk(grid_state *gs, const ing_chunk *c, size_t j, double *g)
{
    const double *v = c->v[j];
    uint32_t me = (uint32_t)c->fileno + 1;
    for (size_t rr = 0; rr < c->n; rr++) {
        double y = v[rr];
        if (ingest_is_absent(y)) continue;
        size_t k = (size_t)((c->t[rr] - gs->lo) / 3600);
        if (c->t[rr] < gs->lo || k >= gs->n) continue; /* only missing values outside the span */
        if (gs->src[k] == 0) {
            g[k] = y;
            gs->src[k] = me;
        } else if (gs->src[k] == me) {
            int rc = grid_repeat(gs, c, rr, g, k, y);
            if (rc) return rc;
        } else
            grid_overlap(gs, c, rr, g, k, y);
    }
    return HR_OK;
}

/* Column cname of every chunk that has it onto the grid g. */
static int grid_column(grid_state *gs, ing_chunk *const *ck, size_t m, const char *cname, double *g)
{
    memset(gs->src, 0, gs->n * sizeof *gs->src);
    gs->conf_t = INT64_MAX;
    gs->conf_a = gs->conf_b = 0;
    int rc = HR_OK;
    for (size_t i = 0; i < m && !rc; i++) {
        const ing_chunk *c = ck[i];
        size_t j;
        for (j = 0; j < c->ncol; j++)
            if (strcmp(c->name[j], cname) == 0) break;
        if (j < c->ncol) rc = grid_chunk(gs, c, j, g);
    }
    if (rc) return rc;
    if (gs->cnt) {
        for (size_t k = 0; k < gs->n; k++)
            if (gs->cnt[k]) g[k] /= (double)gs->cnt[k] + 1.0;
        mem_free(gs->cnt);
        gs->cnt = NULL;
    }
    if (gs->conf_t != INT64_MAX) {
        char a[21];
        fmt_hour(gs->conf_t, a);
        return err_set(HR_EDATA,
                      "%s and %s give different values for region %s column %s, first at %s "
                      "(set the on_overlap option to first or last)",
                      gs->x->paths[gs->conf_a], gs->x->paths[gs->conf_b], gs->region, cname, a);
    }
    return HR_OK;
}

/* EIA-930 fuel columns since July 2024 (EIA, "About the EIA-930 data",
 * Form EIA-930 instructions): solar and wind excluding their integrated
 * battery storage, hydro excluding pumped storage, each part reported
 * apart. The part is added back, so that gen_solar_mw, gen_wind_mw and
 * gen_hydro_mw mean the same before and after the change (a file pair
 * across it has no level break); battery storage stays gen_battery_mw. */
static const char *const fold_part[][2] = {
    {"gen_solar_battery_mw", "gen_solar_mw"},
    {"gen_wind_battery_mw", "gen_wind_mw"},
    {"gen_pumped_storage_mw", "gen_hydro_mw"},
};

static int cmp_col(const void *a, const void *b)
{
    return strcmp(((const series_col *)a)->name, ((const series_col *)b)->name);
}

/* Add each fold_part column into its whole (a sum of the values given; NaN
 * when neither is) and drop it; a part without its whole becomes it. */
static int fold_parts(series_region *r)
{
    int renamed = 0;
    for (size_t i = 0; i < sizeof fold_part / sizeof fold_part[0]; i++) {
        size_t p, w;
        for (p = 0; p < r->ncol; p++)
            if (strcmp(r->col[p].name, fold_part[i][0]) == 0) break;
        if (p == r->ncol) continue;
        for (w = 0; w < r->ncol; w++)
            if (strcmp(r->col[w].name, fold_part[i][1]) == 0) break;
        if (w == r->ncol) {
            char *nm = mem_strdup(fold_part[i][1]);
            if (!nm) return err_set(HR_ENOMEM, "out of memory");
            mem_free(r->col[p].name);
            r->col[p].name = nm;
            renamed = 1;
            continue;
        }
        double *a = r->col[w].v;
        const double *b = r->col[p].v;
        for (size_t k = 0; k < r->n; k++)
            if (!isnan(b[k])) a[k] = isnan(a[k]) ? b[k] : a[k] + b[k];
        mem_free(r->col[p].name);
        mem_free(r->col[p].v);
        memmove(r->col + p, r->col + p + 1, (r->ncol - p - 1) * sizeof *r->col);
        r->ncol--;
    }
    if (renamed) {
        /* the other columns stay sorted after load_mw, load_raw_mw */
        size_t k0 = r->ncol && strcmp(r->col[0].name, "load_mw") == 0 ? 2 : 0;
        if (r->ncol > k0) qsort(r->col + k0, r->ncol - k0, sizeof *r->col, cmp_col);
    }
    return HR_OK;
}

/* Merge chunks ck[0..m) (one region, file order) into *r (zeroed on entry;
 * left zeroed when no chunk gives anything; the caller clears it on error).
 * Only reads x (options, paths): regions are built on several threads. */
int ingest_build_region(const ing_ctx *x, series_region *r, ing_chunk **ck, size_t m)
{
    const char *region = ck[0]->region;
    span_rows sp;
    if (!grid_span(ck, m, &sp)) return HR_OK; /* nothing given at all */
    int64_t lo = sp.lo, hi = sp.hi, span = (hi - lo) / 3600 + 1;
    /* A mistyped year must not become a series imputed almost everywhere
     * (the driver bounds the grids of all regions together). */
    if (span > ING_MAX_HOURS ||
        (span > ING_SPARSE_MIN_HOURS && (double)sp.rows < ING_MIN_FILLED * (double)span))
        return sparse_err(x, region, &sp);
    size_t n = (size_t)span;
    const char **names = NULL;
    size_t nn = 0;
    int has_load = 0;
    int rc = grid_names(ck, m, &names, &nn, &has_load);
    if (rc) return rc;
    grid_state gs = {.x = x, .region = region, .lo = lo, .n = n};
    rc = grid_init(r, ck, m, lo, n, names, nn, has_load);
    if (!rc && !(gs.src = mem_array(n, sizeof *gs.src))) rc = err_set(HR_ENOMEM, "out of memory");
    for (size_t cj = 0; !rc && cj < r->ncol; cj++) {
        if (strcmp(r->col[cj].name, "load_mw") == 0) continue;
        rc = grid_column(&gs, ck, m, r->col[cj].name, r->col[cj].v);
    }
    if (!rc) rc = fold_parts(r);
    if (!rc) rc = ingest_finish_load(r, gs.dup, x->o->screen);
    mem_free(gs.dup);
    mem_free(gs.src);
    mem_free(gs.cnt);
    mem_free(names);
    return rc;
}


/* One info line per region (what screening did), and a warning for hours
 * whose value came from an on_duplicate rule, through the caller's log
 * callback on this thread (the library never prints). */
void ingest_log_summary(const hr_series *s, const hr_ingest_opts *o)
{
    for (size_t i = 0; i < s->nreg; i++) {
        const series_region *r = &s->reg[i];
        char msg[512], a[21], b[21];
        if (!r->flag) {
            snprintf(msg, sizeof msg, "region '%s': %zu hours, no load column", r->name, r->n);
            o->log(0, msg, o->log_ud);
            continue;
        }
        fmt_hour(r->q.first_utc, a);
        fmt_hour(r->q.last_utc, b);
        snprintf(msg, sizeof msg,
                 "region '%s': %s to %s, %zu hours, %zu missing, %zu flagged, %zu imputed%s", r->name,
                 a, b, r->q.hours, r->q.missing, r->q.flagged, r->q.imputed,
                 o->screen ? "" : " (not screened)");
        o->log(0, msg, o->log_ud);
        if (r->q.hours && (double)r->q.imputed > ING_WARN_IMPUTED * (double)r->q.hours) {
            snprintf(msg, sizeof msg, "region '%s': %zu of %zu hours (%.1f %%) imputed: check the input",
                     r->name, r->q.imputed, r->q.hours, 100.0 * (double)r->q.imputed / (double)r->q.hours);
            o->log(1, msg, o->log_ud);
        }
        size_t nd = r->q.by_flag[HR_FLAG_DUPLICATE_RESOLVED];
        if (nd) {
            snprintf(msg, sizeof msg, "region '%s': %zu hours hold a value chosen by the on_duplicate rule",
                     r->name, nd);
            o->log(1, msg, o->log_ud);
        }
    }
}
