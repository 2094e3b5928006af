/* batch_region.c — the stages of one region of the report, run on a
 * worker thread into the region's own slot: quality counts; headroom with
 * its curve, local-time heatmaps, load-duration curve and generation mix;
 * the day-ahead backtest; the final fit, its forecast and the scenarios of
 * the next calendar year for P10/P50/P90; with contract terms, the headroom
 * under them and the campus view. A stage that fails becomes a warning of
 * the region (at most three), not a failed run.
 *
 * The backtest's refits and the final fit share one design matrix of the
 * region (model_ws) and one running X'X (model_gram): the final fit adds
 * only the hours after the last refit's window. */
#include "assess/assess.h"
#include "ingest/series.h"
#include "model/model.h"
#include "report/batch_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Add the time since *a to *wall and *cpu and restart *a. */
static void stamp_add(double *wall, double *cpu, stamp *a)
{
    stamp b = stamp_now();
    *wall += b.wall - a->wall;
    *cpu += b.cpu - a->cpu;
    *a = b;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* skip "word: " at the start of *m if it is there */
static int strip_prefix(const char **m, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(*m, word, n) != 0 || strncmp(*m + n, ": ", 2) != 0) return 0;
    *m += n + 2;
    return 1;
}

/* "REGION: STAGE: message"; library messages may already name the region
 * ("REGION: " from hr_assess, "region 'REGION': " from the models) and the
 * stage, which are not repeated. */
static void warn(region_out *R, const char *stage)
{
    const char *m = hr_last_error();
    char quoted[256]; /* a longer name is left as it is */
    snprintf(quoted, sizeof quoted, "region '%s'", R->rr.name);
    if (!strip_prefix(&m, R->rr.name)) strip_prefix(&m, quoted);
    strip_prefix(&m, stage);
    for (int i = 0; i < 3; i++)
        if (!R->warn[i][0]) {
            snprintf(R->warn[i], sizeof R->warn[i], "%s: %s: %s", R->rr.name, stage, m);
            return;
        }
}

/* A threshold set by a spike (hr_assess_peak_warning) becomes a data check
 * of the region: listed in run.json, not a failed stage. */
static void spike_checks(region_out *R)
{
    char m[160];
    for (int q = 0, w = 0; q < 2; q++)
        if (hr_assess_peak_warning(&R->a, q, m, sizeof m))
            snprintf(R->check[w++], sizeof R->check[0], "%s: headroom: %s: check the data", R->rr.name, m);
}

/* Load-duration curve of the study years' load as % of peak. */
static void make_ldc(region_out *R, const series_region *r)
{
    const double *y = series_col_get(r, "load_mw");
    double *v = mem_array(r->n ? r->n : 1, sizeof(double));
    if (!y || !v) {
        mem_free(v);
        return;
    }
    size_t m = 0;
    int64_t a = cal_year_start(R->a.year_from);
    int64_t b = cal_year_start(R->a.year_to + 1);
    for (size_t k = 0; k < r->n; k++) {
        int64_t t = r->t0 + 3600 * (int64_t)k;
        if (t >= a && t < b && !isnan(y[k])) v[m++] = y[k];
    }
    if (m >= 2 && R->a.peak_mw > 0) {
        qsort(v, m, sizeof *v, cmp_desc);
        for (size_t i = 0; i < NLDC; i++)
            R->ldc[i] = 100 * v[(size_t)((double)i * (double)(m - 1) / (NLDC - 1))] / R->a.peak_mw;
        R->rr.nldc = NLDC;
        R->rr.ldc_pct = R->ldc;
    }
    mem_free(v);
}

/* Day-ahead backtest over the last backtest_days days of load. */
/* The backtest's days and first origin (12:00 UTC): the last backtest_days
 * whole days that leave 60 days to train. */
static size_t bt_days(const region_out *R, const hr_report_opts *o, int64_t *start)
{
    int64_t last = R->rr.quality.last_utc;
    int64_t day_end = (last + 3600) / 86400 * 86400; /* 00:00 after the last whole day */
    size_t days = o->backtest_days;
    int64_t first_ok = R->rr.quality.first_utc + 86400 * 60; /* keep 60 days to train */
    while (days > 0 && day_end - 86400 * (int64_t)days - 43200 < first_ok) days--;
    *start = day_end - 86400 * (int64_t)days - 43200; /* 12:00 UTC the day before */
    return days;
}

static void do_backtest(region_out *R, const hr_series *s, size_t i, const hr_report_opts *o,
                        const model_ws *ws, model_gram *g)
{
    int64_t start;
    size_t days = bt_days(R, o, &start);
    if (days < 7) {
        err_set(HR_EDATA, "too little data for a day-ahead backtest");
        warn(R, "backtest");
        return;
    }
    hr_backtest_opts bo;
    hr_backtest_opts_init(&bo);
    bo.fit = o->fit;
    bo.fit.log = NULL; /* a worker thread: hr_report logs after the join */
    bo.start_utc = start;
    bo.origins = days;
    bo.step = 24;
    bo.lead = 12;
    bo.horizon = 24;
    bo.threads = 1;
    /* Refit every 4 weeks (the state is still re-filtered to every origin):
     * a third of the time of weekly refits for ~0.05 points of MAPE
     * (ISNE 2019-20: 6.25 vs 6.20 %). `headroom backtest` keeps weekly. */
    bo.refit_every = 28;
    hr_backtest *b = NULL;
    if (backtest_run_ws(s, i, &bo, ws, g, &b)) {
        warn(R, "backtest");
        return;
    }
    size_t nb = hr_backtest_row_count(b);
    for (size_t k = 0; k < nb && k < MAXBT; k++) {
        hr_backtest_row row;
        hr_backtest_row_get(b, k, &row);
        report_backtest *t = &R->bt[k];
        snprintf(R->bt_names[k], sizeof R->bt_names[k], "%s", row.model);
        t->model = R->bt_names[k];
        t->n = row.n;
        t->mae = row.mae, t->rmse = row.rmse, t->mape = row.mape, t->mase = row.mase;
        t->coverage80 = 100 * row.coverage80, t->coverage95 = 100 * row.coverage95;
        t->winkler95 = row.winkler95, t->pinball = row.pinball;
        R->rr.nbacktest = k + 1;
    }
    R->rr.backtest = R->bt;
    hr_backtest_free(b);
}

/* Scenarios: S paths of the first calendar year after the data
 * (hr_scenarios); headroom of each against the historical thresholds. */
static void do_scenarios(region_out *R, const hr_series *s, size_t i, const hr_report_opts *o, const hr_model *m)
{
    int64_t t0 = R->rr.quality.last_utc + 3600;
    cal_civil c;
    cal_utc_to_civil(t0, &c, NULL, NULL);
    int year = (t0 == cal_year_start(c.year)) ? c.year : c.year + 1;
    int64_t ya = cal_year_start(year);
    size_t nh = hr_year_hours(year), S = o->scenarios;
    double *paths = mem_array(nh * S, sizeof(double)), q[HR_MAX_BUDGETS * 3];
    if (paths && hr_scenarios(m, s, i, year, S, o->growth_pct, o->seed, paths) == HR_OK &&
        hr_assess_paths(ya, paths, nh, S, R->a.threshold_summer_mw, R->a.threshold_winter_mw, &o->assess, NULL,
                        q) == HR_OK) {
        for (size_t b = 0; b < R->a.nrows; b++) {
            R->hr[b].p10_mw = q[b * 3];
            R->hr[b].p50_mw = q[b * 3 + 1];
            R->hr[b].p90_mw = q[b * 3 + 2];
        }
        hr_model_info mi;
        if (hr_model_info_get(m, &mi) == HR_OK) {
            cal_civil c0, c1;
            cal_utc_to_civil(mi.first_utc + 3600, &c0, NULL, NULL); /* an hour-ending file's first hour */
            cal_utc_to_civil(mi.last_utc, &c1, NULL, NULL);
            R->rr.outlook.year = year;
            R->rr.outlook.train_from = c0.year;
            R->rr.outlook.train_to = c1.year;
            R->rr.outlook.threshold_summer_mw = R->a.threshold_summer_mw;
            R->rr.outlook.threshold_winter_mw = R->a.threshold_winter_mw;
            R->rr.outlook.scenarios = S;
        }
    } else
        warn(R, "scenarios");
    mem_free(paths);
}

/* The next forecast_hours hours with 80 and 95 % intervals, and the
 * observed week before them. */
static void forecast_hours(region_out *R, const hr_series *s, size_t i, const hr_report_opts *o, const hr_model *m)
{
    const series_region *r = &s->reg[i];
    size_t H = o->forecast_hours;
    double lv[2] = {80, 95};
    R->fmean = mem_array(H, sizeof(double));
    R->flo = mem_array(2 * H, sizeof(double));
    R->fhi = mem_array(2 * H, sizeof(double));
    if (!R->fmean || !R->flo || !R->fhi) return; /* freed by batch_report */
    hr_forecast_buf fb = {H, NULL, R->fmean, R->flo, R->fhi};
    if (hr_model_forecast(m, s, i, H, lv, 2, &fb) != HR_OK) {
        warn(R, "forecast");
        return;
    }
    report_forecast *f = &R->rr.forecast;
    f->t0_utc = R->rr.quality.last_utc + 3600;
    f->h = H;
    f->mean = R->fmean;
    f->lo80 = R->flo, f->hi80 = R->fhi;
    f->lo95 = R->flo + H, f->hi95 = R->fhi + H;
    const double *y = series_col_get(r, "load_mw");
    size_t end = (size_t)((f->t0_utc - r->t0) / 3600);
    for (size_t k = 0; k < NHIST; k++) R->hist[k] = end >= NHIST - k ? y[end - NHIST + k] : NAN;
    f->nhist = NHIST;
    f->history = R->hist;
}

/* The final fit, its forecast of the next hours and the scenarios of the
 * next calendar year. */
static void do_forecast(region_out *R, const hr_series *s, size_t i, const hr_report_opts *o,
                        const model_ws *ws, model_gram *g)
{
    stamp t_a = stamp_now();
    hr_model *m = NULL;
    hr_fit_opts fo = o->fit;
    fo.log = NULL; /* a worker thread: hr_report logs after the join */
    /* (the report shows no coefficient standard errors: not computed) */
    if (model_fit_ws(s, i, &fo, ws, g, 0, &m)) {
        warn(R, "forecast");
        stamp_add(&R->wall[ST_FORECAST], &R->cpu[ST_FORECAST], &t_a);
        return;
    }
    hr_model_info mi;
    if (hr_model_info_get(m, &mi) == HR_OK) {
        R->rr.train_first_utc = mi.first_utc;
        R->rr.train_last_utc = mi.last_utc;
        if (mi.fallback[0])
            snprintf(R->note, sizeof R->note, "%s: model '%s': %s", R->rr.name, mi.model, mi.fallback);
    }
    forecast_hours(R, s, i, o, m);
    stamp_add(&R->wall[ST_FORECAST], &R->cpu[ST_FORECAST], &t_a);
    if (o->scenarios > 0 && R->a.nyears > 0) do_scenarios(R, s, i, o, m);
    stamp_add(&R->wall[ST_SCEN], &R->cpu[ST_SCEN], &t_a);
    hr_model_free(m);
}

/* Curtailed hours per year by month and hour of day in the region's zone,
 * at each budget's headroom: the hours hr_assess counts (study years, load
 * present, D_t + L > T of the hour's UTC-month season, for a flat added
 * load L > 0), binned by local time. Falls back to hr_assess's UTC table
 * when the zone is unknown, the added load is not flat, storage serves
 * some of those hours, or the two tables' totals differ. */
static void local_heatmap(region_out *R, const series_region *r, const hr_report_opts *o,
                          const hr_assess_opts *ao)
{
    const hr_assessment *a = &R->a;
    size_t nb = a->nrows;
    cal_tz *z = NULL;
    const double *D = series_col_get(r, "load_mw");
    if (!D) D = series_col_get(r, "load_raw_mw");
    int local = D && r->tz && !ao->profile && !(ao->battery_pct > 0) && a->nyears > 0 &&
                cal_tz_load(r->tz, o->fit.tzdir, &z) == 0;
    memset(R->heat, 0, sizeof R->heat);
    if (local) {
        int64_t ya = cal_year_start(a->year_from), yb = cal_year_start(a->year_to + 1);
        for (size_t k = 0; k < r->n; k++) {
            int64_t t = r->t0 + 3600 * (int64_t)k;
            if (t < ya || t >= yb || isnan(D[k])) continue;
            cal_civil u, l;
            cal_utc_to_civil(t, &u, NULL, NULL);
            double T = hr_assess_month_season(u.month) == HR_SEASON_SUMMER ? a->threshold_summer_mw
                                                                            : a->threshold_winter_mw;
            cal_utc_to_civil(t + cal_tz_offset(z, t, NULL), &l, NULL, NULL);
            for (size_t j = 0; j < nb; j++) {
                double L = a->rows[j].headroom_mw;
                if (L > 0 && D[k] + L > T) R->heat[(j * 24 + (size_t)l.hour) * 12 + (size_t)l.month - 1] += 1.0 / (double)a->nyears;
            }
        }
        /* The same hours as hr_assess's own table, or that table is shown. */
        for (size_t j = 0; j < nb && local; j++) {
            double sl = 0, su = 0;
            for (size_t c = 0; c < 24 * 12; c++) sl += R->heat[j * 24 * 12 + c];
            for (int mo = 0; mo < 12; mo++)
                for (int h = 0; h < 24; h++) su += a->curtailed_by_month_hour[j][mo][h];
            local = fabs(sl - su) <= 1e-6 * (1 + su);
        }
    }
    if (local) snprintf(R->heat_tz, sizeof R->heat_tz, "%s", cal_tz_name(z));
    else {
        snprintf(R->heat_tz, sizeof R->heat_tz, "UTC");
        for (size_t j = 0; j < nb; j++)
            for (int h = 0; h < 24; h++)
                for (int mo = 0; mo < 12; mo++)
                    R->heat[(j * 24 + (size_t)h) * 12 + (size_t)mo] = a->curtailed_by_month_hour[j][mo][h];
    }
    cal_tz_free(z);
    R->rr.heatmap = R->heat;
    R->rr.heatmap_tz = R->heat_tz;
}

/* The generation mix at the ranking budget, when the data has one. */
static void do_genmix(region_out *R, const batch *B, size_t i, const hr_assess_opts *ao)
{
    if (hr_assess_genmix(B->s, i, ao, &R->a, &R->gm) != HR_OK) return;
    report_genmix *g = &R->rr.genmix;
    for (size_t f = 0; f < R->gm.nfuels; f++) {
        R->fuel_names[f] = R->gm.fuel[f];
        R->gm_share[f] = R->gm.share_all_pct[f];
        R->gm_cur[f] = R->gm.share_curtailed_pct[B->rank_budget][f];
    }
    g->nfuels = R->gm.nfuels;
    g->fuel = R->fuel_names;
    g->share_pct = R->gm_share;
    g->share_curtailed_pct = R->gm_cur;
    g->cf_share_pct = R->gm.carbon_free_all_pct;
    g->cf_share_curtailed_pct = R->gm.carbon_free_curtailed_pct[B->rank_budget];
}

/* The contract view at the ranking budget: the headroom under the run's
 * contract terms and what binds it; a campus of campus_mw MW under the
 * thresholds and storage of the run. */
static void do_contract(region_out *R, const batch *B, size_t i)
{
    const hr_report_opts *o = B->o;
    if (flex_active(&o->assess)) {
        if (hr_assess(B->s, i, &o->assess, &R->ac) == HR_OK) {
            const hr_headroom_row *h = &R->ac.rows[B->rank_budget];
            R->rr.contract_mw = h->headroom_mw;
            hr_assess_binding_text(h->binding, R->rr.contract_binding, sizeof R->rr.contract_binding);
        } else
            warn(R, "contract headroom");
    }
    hr_campus cp;
    if (o->campus_mw > 0) {
        if (hr_assess_size(B->s, i, &o->assess, o->campus_mw, &cp) == HR_OK) {
            R->rr.campus_mw = cp.size_mw;
            R->rr.campus_curtailed_pct = cp.curtailed_pct;
            R->rr.campus_hours_per_year = cp.curtailed_hours_per_year;
            R->rr.campus_events_per_year = cp.events_per_year;
            R->rr.campus_max_event_hours = cp.max_event_hours;
        } else
            warn(R, "campus");
    }
}

/* Headroom of region i with everything derived from it: the rows, the
 * curve, the heatmaps, the load-duration curve, the generation mix, the
 * contract view. The headroom table is the study's: the contract terms are
 * left out of it. */
static void do_headroom(region_out *R, const batch *B, size_t i)
{
    const series_region *r = &B->s->reg[i];
    hr_assess_opts so = B->o->assess;
    so.max_event_hours = so.max_events_per_year = so.max_hours_per_year = so.every_year = 0;
    so.battery_pct = 0;
    if (hr_assess(B->s, i, &so, &R->a) != HR_OK) {
        warn(R, "headroom");
        R->a.nrows = 0;
    }
    R->rr.peak_mw = R->a.nrows ? R->a.peak_mw : R->rr.quality.peak_mw;
    R->rr.load_factor = R->a.nrows ? R->a.load_factor : NAN;
    if (!R->a.nrows) return;
    for (size_t b = 0; b < R->a.nrows; b++) {
        const hr_headroom_row *h = &R->a.rows[b];
        report_headroom *t = &R->hr[b];
        t->budget_pct = h->budget_pct;
        t->headroom_mw = h->headroom_mw;
        t->headroom_pct_peak = h->headroom_pct_peak;
        t->curtailed_hours_per_year = h->curtailed_hours_per_year;
        t->hours_ge50 = h->hours_ge50, t->hours_ge75 = h->hours_ge75, t->hours_ge90 = h->hours_ge90;
        t->mean_event_hours = h->mean_event_hours;
        t->max_event_hours = h->max_event_hours;
        t->p10_mw = t->p50_mw = t->p90_mw = NAN;
    }
    R->rr.nbudgets = R->a.nrows;
    R->rr.headroom = R->hr;
    R->rr.year_from = R->a.year_from;
    R->rr.year_to = R->a.year_to;
    R->rr.threshold_summer_mw = R->a.threshold_summer_mw;
    R->rr.threshold_winter_mw = R->a.threshold_winter_mw;
    R->rr.ncurve = R->a.ncurve;
    R->rr.curve_mw = R->a.curve_added_mw;
    R->rr.curve_rate_pct = R->a.curve_rate_pct;
    local_heatmap(R, r, B->o, &so);
    make_ldc(R, r);
    spike_checks(R);
    do_contract(R, B, i);
    do_genmix(R, B, i, &so);
}

/* The region's design for the backtest and the final fit: all its hours
 * (the backtest's last forecast hour is the end of the data); with less
 * than a year of history before the backtest, refits leave the annual
 * terms out. HR_ENOMEM only: other failures are left for the stages to
 * report their way. */
static int region_design(const region_out *R, const series_region *r, const hr_report_opts *o, model_ws **ws)
{
    spec *sp = NULL;
    int st = r->n ? model_spec_for(&o->fit, &sp) : HR_EDATA;
    if (!st) st = model_ws_new(r, sp, o->fit.tzdir, 0, r->n, ws);
    int64_t start;
    bt_days(R, o, &start);
    if (!st && start - R->rr.quality.first_utc < 3600 * (int64_t)(ANNUAL_MIN_HOURS + 168))
        st = model_ws_add_reduced(*ws, sp, o->fit.tzdir);
    spec_free(sp);
    return st == HR_ENOMEM ? st : HR_OK;
}

static void do_region(batch *B, size_t i)
{
    region_out *R = &B->out[i];
    const series_region *r = &B->s->reg[i];
    report_region_init(&R->rr);
    R->rr.name = r->name;
    hr_series_quality(B->s, i, &R->rr.quality);
    stamp t_a = stamp_now();
    do_headroom(R, B, i);
    stamp_add(&R->wall[ST_ASSESS], &R->cpu[ST_ASSESS], &t_a);
    model_ws *ws = NULL;
    model_gram g = {0};
    if (region_design(R, r, B->o, &ws) == HR_ENOMEM) {
        warn(R, "backtest");
        stamp_add(&R->wall[ST_BACKTEST], &R->cpu[ST_BACKTEST], &t_a);
        model_ws_free(ws);
        return;
    }
    err_clear();
    do_backtest(R, B->s, i, B->o, ws, &g);
    stamp_add(&R->wall[ST_BACKTEST], &R->cpu[ST_BACKTEST], &t_a);
    do_forecast(R, B->s, i, B->o, ws, &g);
    model_gram_free(&g);
    model_ws_free(ws);
}

void *batch_worker(void *arg)
{
    batch *B = arg;
    for (;;) {
        pthread_mutex_lock(&B->lock);
        size_t j = B->next++;
        pthread_mutex_unlock(&B->lock);
        if (j >= B->n) break;
        do_region(B, B->order[j]);
        pthread_mutex_lock(&B->lock);
        B->done++;
        if (B->o->progress) B->o->progress(B->done, B->n, B->o->progress_ud);
        pthread_mutex_unlock(&B->lock);
    }
    return NULL;
}
