/* model_ws.c — the workspace of one region and one specification (its
 * design and model-scale load, built once for many fits and forecasts) and
 * the running Gram matrix of a growing training window (model.h). */
#include "model/model_int.h"
#include "model/model.h"
#include "arima/arima.h"
#include "time/calendar.h"
#include "model/design.h"
#include "model/direct.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/rng.h"
#include "stats/regress.h"
#include "ingest/series.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void model_ws_free(model_ws *ws)
{
    if (!ws) return;
    design_matrix_free(&ws->dm);
    mem_free(ws->spec_text);
    mem_free(ws->y);
    mem_free(ws->bad);
    mem_free(ws->badc);
    mem_free(ws->yc);
    model_ws_free(ws->reduced);
    mem_free(ws);
}

int model_ws_new(const series_region *r, const spec *sp, const char *tzdir, size_t from,
                 size_t to, model_ws **out)
{
    *out = NULL;
    if (!r || !sp || from >= to) return err_set(HR_EINVAL, "model_ws_new: invalid argument");
    if (sp->opt_temp) { /* the design of the spec the fit will use */
        spec *res = NULL;
        int st = spec_with_temperature(sp, has_temperature(r, from, to), &res);
        if (!st) st = model_ws_new(r, res, tzdir, from, to, out);
        spec_free(res);
        return st;
    }
    /* Lag terms read the load before each row, which a forecast must cut
     * at its origin: such a design cannot be shared between origins. */
    if (spec_needs_load(sp)) return HR_OK;
    const double *ld = series_col_get(r, "load_mw");
    if (!ld) return err_set(HR_ENOTFOUND, "region '%s' has no load", r->name);
    const size_t n = to - from;
    model_ws *ws = mem_calloc(1, sizeof *ws);
    if (!ws) return err_set(HR_ENOMEM, "out of memory");
    int st = HR_OK;
    double *temp = NULL;
    cal_tz *tz = NULL;
    ws->r = r;
    ws->base = from;
    ws->n = n;
    ws->spec_text = mem_strdup(sp->text);
    ws->y = mem_array(n, sizeof *ws->y);
    ws->bad = mem_calloc(n, 1);
    ws->badc = mem_array(n + 1, sizeof *ws->badc);
    ws->yc = mem_array(n + 1, sizeof *ws->yc);
    if (!ws->spec_text || !ws->y || !ws->bad || !ws->badc || !ws->yc) goto oom;
    if (sp->nterm > 0) {
        /* rows past the grid: calendar terms as any hour, temperature
         * unknown (as regression_mean extends the grid) */
        const double *tc = series_col_get(r, "temp_c");
        if (spec_needs_temp(sp)) {
            if (!tc) {
                st = err_set(HR_ENOTFOUND, "region '%s': model '%s' needs column 'temp_c'", r->name,
                            sp->name ? sp->name : "?");
                goto fail;
            }
            temp = mem_array(to, sizeof *temp);
            if (!temp) goto oom;
            for (size_t k = 0; k < to; k++) temp[k] = k < r->n ? tc[k] : NAN;
        }
        if (r->tz && cal_tz_load(r->tz, tzdir, &tz) != 0) {
            st = err_set(HR_ENOTFOUND, "region '%s': time zone '%s' not found", r->name, r->tz);
            goto fail;
        }
        design_data d = {.t0 = r->t0, .t_utc = NULL, .n = to, .temp_c = temp, .load_mw = NULL, .tz = tz};
        st = design_build(sp, &d, from, to, &ws->dm);
        if (st) {
            st = err_prefix(st, r->name);
            goto fail;
        }
        ws->p = ws->dm.p;
        /* finite X for regress_fit_ld: a missing input becomes 0 and its
         * row is marked (and dropped through y below) */
        for (size_t j = 0; j < ws->p; j++) {
            double *c = ws->dm.X + j * n;
            for (size_t i = 0; i < n; i++)
                if (!isfinite(c[i])) c[i] = 0.0, ws->bad[i] = 1;
        }
    }
    ws->badc[0] = ws->yc[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = from + i;
        double v = k < r->n && hour_observed(r, k) ? ld[k] : NAN;
        if (sp->log_transform) v = v > 0 ? log(v) : NAN;
        if (ws->bad[i]) v = NAN;
        ws->y[i] = v;
        ws->badc[i + 1] = ws->badc[i] + ws->bad[i];
        ws->yc[i + 1] = ws->yc[i] + !isnan(v);
    }
    cal_tz_free(tz);
    mem_free(temp);
    *out = ws;
    return HR_OK;
oom:
    st = err_set(HR_ENOMEM, "out of memory");
fail:
    cal_tz_free(tz);
    mem_free(temp);
    model_ws_free(ws);
    return st;
}

/* 1 if ws has the design of sp for rows [from, to) of r. */
int model_ws_covers(const model_ws *ws, const series_region *r, const spec *sp, size_t from,
                    size_t to)
{
    if (!ws || ws->r != r || from < ws->base || to > ws->base + ws->n || from >= to) return 0;
    if (strcmp(ws->spec_text, sp->text) != 0) return 0;
    /* the joint fit reads the load itself: only rows with their design */
    if (sp->joint && ws->badc[to - ws->base] != ws->badc[from - ws->base]) return 0;
    return 1;
}

int model_ws_add_reduced(model_ws *ws, const spec *sp, const char *tzdir)
{
    if (!ws || ws->reduced || sp->nterm == 0) return HR_OK;
    spec *res = NULL, *red = NULL;
    /* in the fit's order: temperature terms resolved, then annual ones out */
    int st = spec_with_temperature(sp, has_temperature(ws->r, ws->base, ws->base + ws->n), &res);
    if (!st) st = spec_without_annual(res ? res : sp, &red);
    spec_free(res);
    if (!st && red) st = model_ws_new(ws->r, red, tzdir, ws->base, ws->base + ws->n, &ws->reduced);
    spec_free(red);
    return st;
}

const model_ws *model_ws_for(const model_ws *ws, const series_region *r, const spec *sp,
                             size_t from, size_t to)
{
    /* fit_range's window: the spec's 'window', trimmed to hours with
     * load; shorter than a year, the spec without its annual terms */
    const double *load = series_col_get(r, "load_mw");
    if (!ws || !load) return NULL;
    if (to > r->n) to = r->n;
    if (sp->window && to > from + sp->window) from = to - sp->window;
    while (from < to && isnan(load[from])) from++;
    while (to > from && isnan(load[to - 1])) to--;
    return to - from < ANNUAL_MIN_HOURS && sp->nterm > 0 && ws->reduced ? ws->reduced : ws;
}

/* 1 if rows [a, b) of ws have no usable load (they add nothing to a Gram). */
static int no_y(const model_ws *ws, size_t a, size_t b)
{
    return a >= b || ws->yc[b - ws->base] == ws->yc[a - ws->base];
}

void model_gram_free(model_gram *g)
{
    if (!g) return;
    mem_free(g->G);
    memset(g, 0, sizeof *g);
}

int model_gram_extend(const model_ws *ws, model_gram *g, size_t from, size_t to)
{
    if (!ws || !g || from < ws->base || to > ws->base + ws->n || from > to)
        return err_set(HR_EINVAL, "model_gram_extend: rows outside the workspace");
    const size_t p = ws->p;
    if (p == 0) return HR_OK;
    /* Still valid when the windows differ only by rows without load. */
    int keep = g->G && g->ws == ws && g->p == p &&
               (g->from == from || no_y(ws, g->from < from ? g->from : from, g->from < from ? from : g->from)) &&
               (to >= g->to || no_y(ws, to, g->to));
    if (!keep) {
        if (!g->G || g->p != p) {
            mem_free(g->G);
            g->G = mem_array(p * (p + 1), sizeof *g->G);
            if (!g->G) {
                memset(g, 0, sizeof *g);
                return err_set(HR_ENOMEM, "out of memory");
            }
        }
        memset(g->G, 0, p * (p + 1) * sizeof *g->G);
        g->p = p;
        g->ws = ws;
        g->from = g->to = from;
    }
    if (to > g->to) {
        size_t a = g->to - ws->base;
        int st = regress_gram_add(ws->dm.X + a, ws->n, to - g->to, p, ws->y + a, g->G, g->G + p * p);
        if (st) return st;
        g->to = to;
    }
    return HR_OK;
}

int model_gram_for(const model_ws *ws, model_gram *g, size_t from, size_t to, const double **G)
{
    *G = NULL;
    if (!g) return HR_OK;
    int st = model_gram_extend(ws, g, from, to);
    if (!st) *G = g->G;
    return st;
}
