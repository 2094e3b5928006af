/* batch.c — the report driver: hr_report_opts_init, hr_report.
 *
 * Reads the inputs once, then computes every region independently (worker
 * threads take regions in turn and write into the region's own slot, so the
 * output does not depend on the thread count), then renders the report with
 * report_write. Per region: quality counts; deterministic headroom with its
 * curve and month x hour curtailment; the load-duration curve; a day-ahead
 * backtest (issued 12:00 UTC for the next UTC day) over the last
 * backtest_days days; a forecast of the next forecast_hours hours; S
 * scenario paths of the next calendar year (hr_scenarios: regression mean +
 * seasonal block bootstrap of residuals) for P10/P50/P90 headroom; the
 * generation mix when gen_*_mw columns exist. A stage that fails for a
 * region becomes a warning and an empty section, not a failed report.
 *
 * The backtest's refits and the final fit share one design matrix of the
 * region (model_ws) and one running X'X (model_gram): the final fit adds
 * only the hours after the last refit's window. Regions are taken longest
 * first, so that with -j 2 the last region to finish is a short one.
 *
 * batch_report (batch.h) is the same run split over processes: each
 * computes its share of the regions, rank 0 gathers the region_outs as raw
 * bytes through the caller's hook and writes the report. */
#include "assess/assess.h"
#include "report/batch.h"
#include "time/calendar.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/textbuf.h"
#include "model/model.h"
#include "report/report.h"
#include "ingest/series.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void hr_report_opts_init(hr_report_opts *o)
{
    if (!o) return; /* documented no-op */
    memset(o, 0, sizeof *o);
    hr_ingest_opts_init(&o->ingest);
    hr_fit_opts_init(&o->fit);
    o->fit.model = "auto";
    /* CSS for the ARIMA errors: 2-4x faster than CSS-ML over a year of
     * day-ahead refits for the same accuracy (MAPE ISNE 6.253 vs 6.250 %,
     * PJM 5.159 vs 5.163 %, 2019-20). */
    o->fit.method = HR_METHOD_CSS;
    hr_assess_opts_init(&o->assess);
    o->rank_budget_pct = 0.5;
    o->backtest_days = 365;
    o->forecast_hours = 336;
    o->scenarios = 100;
    o->seed = 1;
    o->threads = 2;
    o->campus_mw = 500;
}

/* The contract terms of a in words, for the method section. */
static void contract_text(const hr_assess_opts *a, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
#define ADD(...) (k += (size_t)snprintf(buf + (k < cap ? k : cap - 1), k < cap ? cap - k : 1, __VA_ARGS__))
    if (a->max_event_hours > 0) ADD("%sno event longer than %d h", k ? "; " : "", a->max_event_hours);
    if (a->max_events_per_year > 0) ADD("%sat most %d events a year", k ? "; " : "", a->max_events_per_year);
    if (a->max_hours_per_year > 0) ADD("%sat most %d curtailed hours a year", k ? "; " : "", a->max_hours_per_year);
    if (a->every_year) ADD("%sthe budget in every study year", k ? "; " : "");
    if (a->battery_pct > 0)
        ADD("%sstorage of %g %% of the load for %g h, %g efficiency, full at the start", k ? "; " : "",
            a->battery_pct, a->battery_hours, a->battery_eff);
#undef ADD
}

enum { NLDC = 200, NHIST = 168, MAXBT = 8 };

/* Everything computed for one region; owns the arrays report_region borrows.
 * Another rank's region_out arrives as raw bytes: a new pointer field must
 * be set again in rebind(). */
typedef struct {
    report_region rr;
    hr_assessment a, ac; /* the study's headroom; the contract's */
    double ldc[NLDC];
    double heat[24 * 12];
    report_headroom hr[HR_MAX_BUDGETS];
    report_backtest bt[MAXBT];
    char bt_names[MAXBT][48];
    double *fmean, *flo, *fhi, hist[NHIST];
    hr_genmix gm;
    const char *fuel_names[HR_MAX_FUELS];
    double gm_share[HR_MAX_FUELS], gm_cur[HR_MAX_FUELS];
    char warn[3][320];
    char note[320]; /* the forecast model's fallback, logged after the join */
    double sec_assess, sec_backtest, sec_forecast, sec_scen;
} region_out;

typedef struct {
    const hr_series *s;
    const hr_report_opts *o;
    region_out *out;
    size_t *order;           /* regions in the order workers take them */
    size_t n, next, done;  /* n: regions of this process, in order[0..n) */
    int rank_budget;       /* index of the budget that ranks the regions */
    pthread_mutex_t lock;
} batch;

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

/* A threshold set by a spike (hr_assess_peak_warning) goes to the warnings. */
static void spike_warnings(region_out *R)
{
    char m[200];
    for (int q = 0; q < 2; q++) {
        if (!hr_assess_peak_warning(&R->a, q, m, sizeof m)) continue;
        for (int w = 0; w < 3; w++)
            if (!R->warn[w][0]) {
                snprintf(R->warn[w], sizeof R->warn[w], "%s: headroom: %s: check the data", R->rr.name, m);
                break;
            }
    }
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
        hr_err(HR_EDATA, "too little data for a day-ahead backtest");
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

/* Forecast of the next hours and scenarios of the next calendar year. */
static void do_forecast(region_out *R, const hr_series *s, size_t i, const hr_report_opts *o,
                        const model_ws *ws, model_gram *g)
{
    double t_a = cal_monotonic_seconds();
    hr_model *m = NULL;
    hr_fit_opts fo = o->fit;
    fo.log = NULL; /* a worker thread: hr_report logs after the join */
    /* (the report shows no coefficient standard errors: not computed) */
    if (model_fit_ws(s, i, &fo, ws, g, 0, &m)) {
        warn(R, "forecast");
        return;
    }
    hr_model_info mi;
    if (hr_model_info_get(m, &mi) == HR_OK && mi.fallback[0])
        snprintf(R->note, sizeof R->note, "%s: model '%s': %s", R->rr.name, mi.model, mi.fallback);
    const series_region *r = &s->reg[i];
    size_t H = o->forecast_hours;
    double lv[2] = {80, 95};
    R->fmean = mem_array(H, sizeof(double));
    R->flo = mem_array(2 * H, sizeof(double));
    R->fhi = mem_array(2 * H, sizeof(double));
    if (R->fmean && R->flo && R->fhi) {
        hr_forecast_buf fb = {H, NULL, R->fmean, R->flo, R->fhi};
        if (hr_model_forecast(m, s, i, H, lv, 2, &fb) == HR_OK) {
            report_forecast *f = &R->rr.forecast;
            f->t0_utc = R->rr.quality.last_utc + 3600;
            f->h = H;
            f->mean = R->fmean;
            f->lo80 = R->flo, f->hi80 = R->fhi;
            f->lo95 = R->flo + H, f->hi95 = R->fhi + H;
            const double *y = series_col_get(r, "load_mw");
            size_t end = (size_t)((f->t0_utc - r->t0) / 3600);
            for (size_t k = 0; k < NHIST; k++)
                R->hist[k] = end >= NHIST - k ? y[end - NHIST + k] : NAN;
            f->nhist = NHIST;
            f->history = R->hist;
        } else
            warn(R, "forecast");
    }
    R->sec_forecast = cal_monotonic_seconds() - t_a;
    t_a = cal_monotonic_seconds();
    /* Scenarios: S paths of the first calendar year after the data
     * (hr_scenarios); headroom of each against the historical thresholds. */
    if (o->scenarios > 0 && R->a.nyears > 0) {
        int64_t t0 = R->rr.quality.last_utc + 3600;
        cal_civil c;
        cal_utc_to_civil(t0, &c, NULL, NULL);
        /* the first calendar year after the data */
        int year = (t0 == cal_year_start(c.year)) ? c.year : c.year + 1;
        int64_t ya = cal_year_start(year);
        size_t nh = hr_year_hours(year), S = o->scenarios;
        double *paths = mem_array(nh * S, sizeof(double)), q[HR_MAX_BUDGETS * 3];
        if (paths && hr_scenarios(m, s, i, year, S, o->growth_pct, o->seed, paths) == HR_OK &&
            hr_assess_paths(ya, paths, nh, S, R->a.threshold_summer_mw, R->a.threshold_winter_mw,
                            &o->assess, NULL, q) == HR_OK) {
            for (size_t b = 0; b < R->a.nrows; b++) {
                R->hr[b].p10_mw = q[b * 3];
                R->hr[b].p50_mw = q[b * 3 + 1];
                R->hr[b].p90_mw = q[b * 3 + 2];
            }
        } else
            warn(R, "scenarios");
        mem_free(paths);
    }
    R->sec_scen = cal_monotonic_seconds() - t_a;
    hr_model_free(m);
}

static void do_region(batch *B, size_t i)
{
    region_out *R = &B->out[i];
    const series_region *r = &B->s->reg[i];
    const hr_report_opts *o = B->o;
    report_region_init(&R->rr);
    R->rr.name = r->name;
    hr_series_quality(B->s, i, &R->rr.quality);
    double t_a = cal_monotonic_seconds();
    hr_assess_opts so = o->assess; /* the study's headroom: the contract terms left out */
    so.max_event_hours = so.max_events_per_year = so.max_hours_per_year = so.every_year = 0;
    so.battery_pct = 0;
    if (hr_assess(B->s, i, &so, &R->a) != HR_OK) {
        warn(R, "headroom");
        R->a.nrows = 0;
    }
    R->sec_assess = cal_monotonic_seconds() - t_a;
    R->rr.peak_mw = R->a.nrows ? R->a.peak_mw : R->rr.quality.peak_mw;
    R->rr.load_factor = R->a.nrows ? R->a.load_factor : NAN;
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
    if (R->a.nrows) {
        R->rr.nbudgets = R->a.nrows;
        R->rr.headroom = R->hr;
        R->rr.ncurve = R->a.ncurve;
        R->rr.curve_mw = R->a.curve_added_mw;
        R->rr.curve_rate_pct = R->a.curve_rate_pct;
        for (int h = 0; h < 24; h++)
            for (int mo = 0; mo < 12; mo++)
                R->heat[h * 12 + mo] = R->a.curtailed_by_month_hour[B->rank_budget][mo][h];
        R->rr.heatmap = R->heat;
        R->rr.heatmap_budget_pct = R->a.rows[B->rank_budget].budget_pct;
        make_ldc(R, r);
        spike_warnings(R);
        if (flex_active(&o->assess)) {
            if (hr_assess(B->s, i, &o->assess, &R->ac) == HR_OK) {
                const hr_headroom_row *h = &R->ac.rows[B->rank_budget];
                R->rr.contract_mw = h->headroom_mw;
                hr_assess_binding_text(h->binding, R->rr.contract_binding, sizeof R->rr.contract_binding);
            } else {
                warn(R, "contract headroom");
            }
        }
        hr_campus cp;
        if (o->campus_mw > 0) {
            if (hr_assess_size(B->s, i, &o->assess, o->campus_mw, &cp) == HR_OK) {
                R->rr.campus_mw = cp.size_mw;
                R->rr.campus_curtailed_pct = cp.curtailed_pct;
                R->rr.campus_hours_per_year = cp.curtailed_hours_per_year;
                R->rr.campus_events_per_year = cp.events_per_year;
                R->rr.campus_max_event_hours = cp.max_event_hours;
            } else {
                warn(R, "campus");
            }
        }
        if (hr_assess_genmix(B->s, i, &so, &R->a, &R->gm) == HR_OK) {
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
    }
    t_a = cal_monotonic_seconds();
    /* The region's design for the backtest and the final fit: all its
     * hours (the backtest's last forecast hour is the end of the data). A
     * failure other than memory leaves the stages to report it their way. */
    model_ws *ws = NULL;
    model_gram g = {0};
    spec *sp = NULL;
    int st = r->n ? model_spec_for(&o->fit, &sp) : HR_EDATA;
    if (!st) st = model_ws_new(r, sp, o->fit.tzdir, 0, r->n, &ws);
    /* refits on less than a year of history leave the annual terms out */
    int64_t start;
    bt_days(R, o, &start);
    if (!st && start - R->rr.quality.first_utc < 3600 * (int64_t)(ANNUAL_MIN_HOURS + 168))
        st = model_ws_add_reduced(ws, sp, o->fit.tzdir);
    spec_free(sp);
    if (st == HR_ENOMEM) {
        warn(R, "backtest");
        R->sec_backtest = cal_monotonic_seconds() - t_a;
        return;
    }
    hr_err_clear();
    do_backtest(R, B->s, i, o, ws, &g);
    R->sec_backtest = cal_monotonic_seconds() - t_a;
    do_forecast(R, B->s, i, o, ws, &g);
    model_gram_free(&g);
    model_ws_free(ws);
}

static void *worker(void *arg)
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

/* ---- results of other processes (batch_report with a batch_dist).
 * A rank's buffer: a header, then per region its index, a flag for the
 * forecast arrays, the region_out as raw bytes and the forecast arrays.
 * Raw bytes keep every double bit-identical; the pointers inside the
 * region_out are the sender's and are set again by rebind(). */
enum { PACK_MAGIC = 0x48524231 /* "HRB1" */ };
typedef struct {
    uint32_t magic;
    int32_t status;       /* the rank's status; nonzero: no records follow */
    uint64_t nrec;
    uint64_t rec_size;    /* sizeof(region_out): the same build on every rank */
    uint64_t h;           /* forecast_hours: the same options on every rank */
    char err[320];        /* hr_last_error() of a failed rank */
} pack_head;
typedef struct {
    uint64_t index;       /* region index in the series */
    uint64_t has_fc;      /* 1: fmean[h], flo[2h], fhi[2h] follow */
} pack_rec;

/* This rank's regions (B->order[0..n)) into *b. */
static int pack_regions(const batch *B, textbuf *b)
{
    size_t h = B->o->forecast_hours;
    pack_head hd = {PACK_MAGIC, 0, B->n, sizeof(region_out), h, ""};
    tb_putn(b, &hd, sizeof hd);
    for (size_t j = 0; !b->oom && j < B->n; j++) {
        const region_out *R = &B->out[B->order[j]];
        pack_rec rc = {B->order[j], R->fmean && R->flo && R->fhi};
        tb_putn(b, &rc, sizeof rc);
        tb_putn(b, R, sizeof *R);
        if (rc.has_fc) {
            tb_putn(b, R->fmean, h * sizeof(double));
            tb_putn(b, R->flo, 2 * h * sizeof(double));
            tb_putn(b, R->fhi, 2 * h * sizeof(double));
        }
    }
    return b->oom ? hr_err(HR_ENOMEM, "out of memory") : HR_OK;
}

/* Point the report_region of a received region_out at its own arrays
 * again: a pointer the sender had set (non-NULL) is set here, one it had
 * left NULL stays NULL, exactly as do_region leaves them. Every pointer of
 * region_out is handled here. */
static void rebind(region_out *R, const series_region *r, size_t h)
{
    report_region *q = &R->rr;
    q->name = r->name;
    q->note = NULL; /* never set by do_region */
    if (q->ldc_pct) q->ldc_pct = R->ldc;
    if (q->curve_mw) q->curve_mw = R->a.curve_added_mw;
    if (q->curve_rate_pct) q->curve_rate_pct = R->a.curve_rate_pct;
    if (q->heatmap) q->heatmap = R->heat;
    report_forecast *f = &q->forecast;
    if (f->mean) {
        f->mean = R->fmean;
        f->lo80 = R->flo, f->hi80 = R->fhi;
        f->lo95 = R->flo + h, f->hi95 = R->fhi + h;
    }
    if (f->history) f->history = R->hist;
    if (q->backtest) q->backtest = R->bt;
    for (size_t k = 0; k < MAXBT; k++)
        if (R->bt[k].model) R->bt[k].model = R->bt_names[k];
    if (q->headroom) q->headroom = R->hr;
    for (size_t k = 0; k < HR_MAX_FUELS; k++)
        if (R->fuel_names[k]) R->fuel_names[k] = R->gm.fuel[k];
    if (q->genmix.fuel) q->genmix.fuel = R->fuel_names;
    if (q->genmix.share_pct) q->genmix.share_pct = R->gm_share;
    if (q->genmix.share_curtailed_pct) q->genmix.share_curtailed_pct = R->gm_cur;
}

typedef struct {
    batch *B;
    size_t nreg;
    int from; /* rank of the next buffer */
} take_ctx;

/* batch_take_fn: one other rank's buffer into B->out. */
static int take_regions(void *tctx, const void *buf, size_t len)
{
    take_ctx *c = tctx;
    int from = ++c->from;
    const unsigned char *p = buf, *end = p + len;
    pack_head hd;
    if (!buf || len < sizeof hd) return hr_err(HR_EIO, "rank %d: truncated results", from);
    memcpy(&hd, p, sizeof hd);
    p += sizeof hd;
    hd.err[sizeof hd.err - 1] = 0;
    if (hd.magic != PACK_MAGIC || hd.rec_size != sizeof(region_out))
        return hr_err(HR_EIO, "rank %d: results of another build", from);
    if (hd.status) return hr_err(hd.status, "rank %d: %s", from, hd.err);
    size_t h = c->B->o->forecast_hours;
    if (hd.h != h) return hr_err(HR_EIO, "rank %d: results for other options", from);
    for (uint64_t k = 0; k < hd.nrec; k++) {
        pack_rec rc;
        if ((size_t)(end - p) < sizeof rc + sizeof(region_out))
            return hr_err(HR_EIO, "rank %d: truncated results", from);
        memcpy(&rc, p, sizeof rc);
        p += sizeof rc;
        if (rc.index >= c->nreg || c->B->out[rc.index].rr.name)
            return hr_err(HR_EIO, "rank %d: bad or repeated region index", from);
        region_out *R = &c->B->out[rc.index];
        memcpy(R, p, sizeof *R);
        p += sizeof *R;
        R->fmean = R->flo = R->fhi = NULL;
        if (rc.has_fc) {
            size_t nb = 5 * h * sizeof(double);
            if (h > SIZE_MAX / (5 * sizeof(double)) || (size_t)(end - p) < nb) {
                memset(R, 0, sizeof *R);
                return hr_err(HR_EIO, "rank %d: truncated results", from);
            }
            R->fmean = mem_array(h, sizeof(double));
            R->flo = mem_array(2 * h, sizeof(double));
            R->fhi = mem_array(2 * h, sizeof(double));
            if (!R->fmean || !R->flo || !R->fhi) {
                /* name set, so batch_report frees them */
                R->rr.name = c->B->s->reg[rc.index].name;
                return hr_err(HR_ENOMEM, "out of memory");
            }
            memcpy(R->fmean, p, h * sizeof(double));
            memcpy(R->flo, p + h * sizeof(double), 2 * h * sizeof(double));
            memcpy(R->fhi, p + 3 * h * sizeof(double), 2 * h * sizeof(double));
            p += nb;
        }
        rebind(R, &c->B->s->reg[rc.index], h);
    }
    if (p != end) return hr_err(HR_EIO, "rank %d: trailing bytes in results", from);
    return HR_OK;
}

/* A rank > 0: hand this rank's results (or its failure) to the hook. */
static int send_results(const batch_dist *d, const batch *B, int st)
{
    textbuf b = {0};
    if (!st) st = pack_regions(B, &b);
    int gs;
    if (st) {
        pack_head hd = {PACK_MAGIC, st, 0, sizeof(region_out), B->o->forecast_hours, ""};
        snprintf(hd.err, sizeof hd.err, "%s", hr_last_error());
        gs = d->gather(d->ud, &hd, sizeof hd, NULL, NULL);
    } else
        gs = d->gather(d->ud, b.p, b.len, NULL, NULL);
    tb_free(&b);
    return st ? st : gs;
}

/* Rank 0 (or the one process): log the warnings, render the report. */
static int write_report(const batch *B, size_t nreg, const char *const *paths, size_t npaths,
                        const hr_report_opts *o, const char *outdir, double t_start, double t_read)
{
    /* Warnings and fallbacks also go to the caller's log, on this thread. */
    for (size_t i = 0; o->fit.log && i < nreg; i++) {
        if (B->out[i].note[0]) o->fit.log(1, B->out[i].note, o->fit.log_ud);
        for (int w = 0; w < 3; w++)
            if (B->out[i].warn[w][0]) o->fit.log(1, B->out[i].warn[w], o->fit.log_ud);
    }

    /* Render. */
    report_region *rr = mem_calloc(nreg ? nreg : 1, sizeof *rr);
    const char **warns = mem_calloc(3 * nreg + 1, sizeof *warns);
    int st = (!rr || !warns) ? hr_err(HR_ENOMEM, "out of memory") : HR_OK;
    size_t nw = 0, nrr = 0;
    double sec[4] = {0, 0, 0, 0};
    for (size_t i = 0; !st && i < nreg; i++) {
        region_out *R = &B->out[i];
        for (int w = 0; w < 3; w++)
            if (R->warn[w][0]) warns[nw++] = R->warn[w];
        sec[0] += R->sec_assess, sec[1] += R->sec_backtest, sec[2] += R->sec_forecast;
        sec[3] += R->sec_scen;
        /* Regions must share the budgets: those whose assessment failed
         * (e.g. less than a whole year) are listed in the warnings only. */
        if (R->rr.nbudgets == o->assess.nbudgets) rr[nrr++] = R->rr;
    }
    if (!st) {
        report_timing tm[6] = {{"read+screen", t_read},       {"headroom (cpu)", sec[0]},
                               {"backtest (cpu)", sec[1]},    {"forecast (cpu)", sec[2]},
                               {"scenarios (cpu)", sec[3]},   {"total", cal_monotonic_seconds() - t_start}};
        report_run run;
        report_run_init(&run);
        run.inputs = paths;
        run.ninputs = npaths;
        run.options = o->options_text ? o->options_text : "";
        run.created_utc = (int64_t)time(NULL);
        run.timings = tm;
        run.ntimings = 6;
        run.warnings = warns;
        run.nwarnings = nw;
        run.fail_after_files = o->fail_after_files;
        char terms[512];
        contract_text(&o->assess, terms, sizeof terms);
        run.contract = terms[0] ? terms : NULL;
        run.rank_by_contract = o->rank_by == HR_RANK_CONTRACT;
        st = report_write(outdir, rr, nrr, &run, B->rank_budget);
    }
    mem_free(warns);
    mem_free(rr);
    return st;
}

int hr_report(const char *const *paths, size_t npaths, const hr_report_opts *o, const char *outdir)
{
    return batch_report(paths, npaths, o, outdir, NULL);
}

int batch_report(const char *const *paths, size_t npaths, const hr_report_opts *o,
                 const char *outdir, const batch_dist *d)
{
    hr_err_clear();
    if (!paths || !o || !outdir) return hr_err(HR_EINVAL, "hr_report: NULL argument");
    if (!npaths) return hr_err(HR_EINVAL, "hr_report: no input files (npaths = 0)");
    if (d && (!d->gather || d->size < 1 || d->rank < 0 || d->rank >= d->size))
        return hr_err(HR_EINVAL, "batch_report: bad batch_dist");
    /* The checks above and below fail alike on every rank (same options). */
    int st0 = headroom_check_opts(&o->assess); /* bad options fail here, not per region */
    if (st0) return st0;
    if (o->rank_by != HR_RANK_STUDY && o->rank_by != HR_RANK_CONTRACT)
        return hr_err(HR_EINVAL, "hr_report: rank_by %d is not HR_RANK_STUDY or HR_RANK_CONTRACT", o->rank_by);
    if (o->rank_by == HR_RANK_CONTRACT && !flex_active(&o->assess))
        return hr_err(HR_EINVAL, "hr_report: rank_by HR_RANK_CONTRACT needs contract terms in assess");
    if (!(o->campus_mw >= 0) || !isfinite(o->campus_mw))
        return hr_err(HR_EINVAL, "hr_report: campus_mw %g is not a number >= 0", o->campus_mw);
    int rb = -1; /* the ranking budget's index */
    for (size_t b = 0; b < o->assess.nbudgets; b++)
        if (fabs(o->assess.budgets_pct[b] - o->rank_budget_pct) < 1e-9) rb = (int)b;
    if (rb < 0)
        return hr_err(HR_EINVAL, "ranking budget %g %% is not one of the budgets", o->rank_budget_pct);
    double t_start = cal_monotonic_seconds();
    hr_series *s = NULL;
    /* From here on a rank that fails still meets the others in d->gather. */
    /* the report's thread budget (-j; under MPI per rank) bounds the read's too */
    hr_ingest_opts io = o->ingest;
    if (io.threads == 0 && o->threads > 0) io.threads = o->threads;
    int st = hr_series_read(paths, npaths, &io, &s);
    if (st && !d) return st;
    double t_read = cal_monotonic_seconds() - t_start;
    size_t nreg = s ? s->nreg : 0;
    batch B = {.s = s, .o = o, .rank_budget = rb};
    if (!st) {
        B.out = mem_calloc(nreg ? nreg : 1, sizeof(region_out));
        B.order = mem_array(nreg ? nreg : 1, sizeof *B.order);
        if (!B.out || !B.order) st = hr_err(HR_ENOMEM, "out of memory");
    }
    if (!st) {
        /* Longest regions first (their cost grows with their hours): the
         * longest-processing-time rule keeps the workers' finishing times
         * close. Each region writes its own slot, so the order changes no
         * result. Under a batch_dist this rank takes every size-th region
         * of that order. */
        for (size_t i = 0; i < nreg; i++) B.order[i] = i;
        for (size_t i = 1; i < nreg; i++) {
            size_t v = B.order[i], j = i;
            while (j > 0 && s->reg[B.order[j - 1]].n < s->reg[v].n) B.order[j] = B.order[j - 1], j--;
            B.order[j] = v;
        }
        for (size_t j = 0; j < nreg; j++)
            if (!d || j % (size_t)d->size == (size_t)d->rank) B.order[B.n++] = B.order[j];
        pthread_mutex_init(&B.lock, NULL);
        int nth = o->threads > 0 ? o->threads : 1;
        if (nth > 64) nth = 64;
        pthread_t th[64];
        int started = 0;
        for (int k = 1; k < nth && (size_t)k < B.n; k++)
            if (pthread_create(&th[k], NULL, worker, &B) == 0) started++;
        worker(&B);
        for (int k = 1; k <= started; k++) pthread_join(th[k], NULL);
        pthread_mutex_destroy(&B.lock);
    }
    if (d && d->rank > 0)
        st = send_results(d, &B, st);
    else if (d) {
        take_ctx tc = {&B, nreg, 0};
        int gs = d->gather(d->ud, NULL, 0, st ? NULL : take_regions, &tc);
        if (!st) st = gs;
        for (size_t i = 0; !st && i < nreg; i++)
            if (!B.out[i].rr.name) st = hr_err(HR_EIO, "no rank returned region %zu", i);
    }
    if (!st && !(d && d->rank > 0)) st = write_report(&B, nreg, paths, npaths, o, outdir, t_start, t_read);
    for (size_t i = 0; B.out && i < nreg; i++) {
        mem_free(B.out[i].fmean);
        mem_free(B.out[i].flo);
        mem_free(B.out[i].fhi);
    }
    mem_free(B.order);
    mem_free(B.out);
    hr_series_free(s);
    if (!st) hr_err_clear(); /* region warnings went to the report and the log */
    return st;
}
