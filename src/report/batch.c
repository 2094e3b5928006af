/* batch.c — the report driver: hr_report_opts_init, hr_report,
 * batch_report; the stages of a region are in batch_region.c, the
 * exchange between processes in batch_dist.c.
 *
 * Reads the inputs once, then computes every region independently (worker
 * threads take regions in turn and write into the region's own slot, so the
 * output does not depend on the thread count), then renders the report with
 * report_write. Regions are taken longest first, so that with -j 2 the last
 * region to finish is a short one. A stage that fails for a region becomes
 * a warning and an empty section; the run then fails after writing the
 * report, unless keep_going.
 *
 * batch_report (batch.h) is the same run split over processes: each
 * computes its share of the regions, rank 0 gathers the region_outs as raw
 * bytes through the caller's hook and writes the report. */
#include "assess/assess.h"
#include "report/batch_int.h"
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

/* The per-region stages, as run.json names them (ST_* order). */
static const char *const STAGE_NAME[NSTAGES] = {"headroom", "backtest", "forecast", "scenarios"};

/* The effective options of the run as one JSON object for run.json: every
 * field of hr_report_opts that changes a result, defaults included, under
 * the public field names. */
static void settings_json(textbuf *tb, const hr_report_opts *o)
{
    static const char *const FORMAT[HR_NFORMATS] = {"auto",    "long",   "eia930", "eia930-ba", "ercot-native",
                                                    "ercot-fuel", "pjm-gen", "us48", "series", "weather", "eia-api"};
    static const char *const DEMAND[3] = {"raw", "adjusted", "imputed"};
    static const char *const DUP[4] = {"error", "mean", "first", "last"};
    static const char *const OVERLAP[3] = {"error", "first", "last"};
    static const char *const METHOD[3] = {"css-ml", "ml", "css"};
    static const char *const THRESH[3] = {"seasonal", "annual", "capacity"};
    const hr_ingest_opts *in = &o->ingest;
    const hr_fit_opts *f = &o->fit;
    const hr_assess_opts *a = &o->assess;
#define NAME(tab, v) ((unsigned)(v) < sizeof tab / sizeof tab[0] ? tab[v] : "?")
    tb_put(tb, "{\"ingest\": {\"format\": ");
    tb_json_str(tb, NAME(FORMAT, in->format));
    tb_put(tb, ", \"on_duplicate\": ");
    tb_json_str(tb, NAME(DUP, in->on_duplicate));
    tb_put(tb, ", \"on_overlap\": ");
    tb_json_str(tb, NAME(OVERLAP, in->on_overlap));
    tb_printf(tb, ", \"screen\": %d, \"time_col\": ", in->screen);
    tb_json_str(tb, in->time_col);
    tb_put(tb, ", \"value_cols\": [");
    for (int k = 0; k < HR_MAX_VALUE_COLS && in->value_cols[k]; k++) {
        if (k) tb_put(tb, ", ");
        tb_json_str(tb, in->value_cols[k]);
    }
    tb_put(tb, "], \"region\": ");
    tb_json_str(tb, in->region);
    tb_put(tb, ", \"tz\": ");
    tb_json_str(tb, in->tz);
    tb_printf(tb, ", \"hour_ending\": %d, \"scale\": %.17g, \"threads\": %d, \"region_col\": ", in->hour_ending,
              in->scale, in->threads);
    tb_json_str(tb, in->region_col);
    tb_printf(tb, ", \"min_coverage\": %.17g, \"interval_end\": %d, \"demand\": ", in->min_coverage,
              in->interval_end);
    tb_json_str(tb, NAME(DEMAND, in->demand));
    char delim[2] = {in->delimiter, 0};
    tb_put(tb, ", \"delimiter\": ");
    tb_json_str(tb, in->delimiter ? delim : NULL);
    tb_put(tb, "},\n    \"fit\": {\"model\": ");
    tb_json_str(tb, f->model);
    tb_put(tb, ", \"models_dir\": ");
    tb_json_str(tb, f->models_dir ? f->models_dir : hr_models_dir());
    tb_put(tb, ", \"method\": ");
    tb_json_str(tb, NAME(METHOD, f->method));
    tb_printf(tb, ", \"order\": [%d, %d, %d, %d, %d, %d, %d], \"season\": %d, \"arima_window\": ", f->order[0],
              f->order[1], f->order[2], f->order[3], f->order[4], f->order[5], f->order[6], f->season);
    if (f->arima_window == (size_t)-1) tb_put(tb, "\"auto\"");
    else tb_printf(tb, "%zu", f->arima_window);
    tb_printf(tb, ", \"threads\": %d, \"tzdir\": ", f->threads);
    tb_json_str(tb, f->tzdir);
    tb_put(tb, "},\n    \"assess\": {\"budgets_pct\": [");
    for (size_t j = 0; j < a->nbudgets; j++) tb_printf(tb, "%s%.17g", j ? ", " : "", a->budgets_pct[j]);
    tb_put(tb, "], \"threshold_kind\": ");
    tb_json_str(tb, NAME(THRESH, a->threshold_kind));
    if (a->threshold_kind == HR_THRESH_CAPACITY)
        tb_printf(tb, ", \"threshold_summer_mw\": %.17g, \"threshold_winter_mw\": %.17g", a->threshold_summer_mw,
                  a->threshold_winter_mw);
    tb_printf(tb, ", \"season_slack\": %d, \"season_slack_by\": [%d, %d], \"year_from\": %d, \"year_to\": %d, "
                  "\"profile_len\": %zu, \"curve_step_pct_peak\": %.17g, \"curve_max_pct_peak\": %.17g,\n      "
                  "\"max_event_hours\": %d, \"max_events_per_year\": %d, \"max_hours_per_year\": %d, "
                  "\"every_year\": %d, \"battery_pct\": %.17g, \"battery_hours\": %.17g, \"battery_eff\": %.17g},\n",
              a->season_slack, a->season_slack_by[0], a->season_slack_by[1], a->year_from, a->year_to,
              a->profile ? a->profile_len : 0, a->curve_step_pct_peak, a->curve_max_pct_peak, a->max_event_hours,
              a->max_events_per_year, a->max_hours_per_year, a->every_year, a->battery_pct, a->battery_hours,
              a->battery_eff);
    tb_printf(tb, "    \"rank_budget_pct\": %.17g, \"backtest_days\": %zu, \"forecast_hours\": %zu, \"scenarios\": %zu, "
                  "\"growth_pct\": %.17g, \"seed\": %llu, \"threads\": %d, \"keep_going\": %d, \"campus_mw\": %.17g, "
                  "\"rank_by\": \"%s\"}",
              o->rank_budget_pct, o->backtest_days, o->forecast_hours, o->scenarios, o->growth_pct,
              (unsigned long long)o->seed, o->threads, o->keep_going, o->campus_mw,
              o->rank_by == HR_RANK_CONTRACT ? "contract" : "study");
#undef NAME
}

/* Rank 0 (or the one process): log the warnings, render the report. A
 * stage that failed makes the call fail after the report is written,
 * unless o->keep_going. */
static int write_report(const batch *B, size_t nreg, const char *const *paths, size_t npaths,
                        const hr_report_opts *o, const char *outdir, stamp t_start, stamp t_read)
{
    /* Warnings and fallbacks also go to the caller's log, on this thread. */
    for (size_t i = 0; o->fit.log && i < nreg; i++) {
        if (B->out[i].note[0]) o->fit.log(1, B->out[i].note, o->fit.log_ud);
        for (int w = 0; w < 3; w++)
            if (B->out[i].warn[w][0]) o->fit.log(1, B->out[i].warn[w], o->fit.log_ud);
        for (int w = 0; w < 2; w++)
            if (B->out[i].check[w][0]) o->fit.log(1, B->out[i].check[w], o->fit.log_ud);
    }
    report_region *rr = mem_calloc(nreg ? nreg : 1, sizeof *rr);
    const char **warns = mem_calloc(3 * nreg + 1, sizeof *warns);
    const char **checks = mem_calloc(2 * nreg + 1, sizeof *checks);
    textbuf set = {0};
    settings_json(&set, o);
    int st = (!rr || !warns || !checks || set.oom) ? err_set(HR_ENOMEM, "out of memory") : HR_OK;
    size_t nw = 0, nc = 0, nrr = 0, nfail = 0;
    report_timing tm[NSTAGES + 2];
    tm[0] = (report_timing){"read+screen", t_read.wall, t_read.cpu, 0};
    for (int k = 0; k < NSTAGES; k++) tm[k + 1] = (report_timing){STAGE_NAME[k], 0, 0, 1};
    for (size_t i = 0; !st && i < nreg; i++) {
        region_out *R = &B->out[i];
        nfail += R->warn[0][0] != 0;
        for (int w = 0; w < 3; w++)
            if (R->warn[w][0]) warns[nw++] = R->warn[w];
        for (int w = 0; w < 2; w++)
            if (R->check[w][0]) checks[nc++] = R->check[w];
        for (int k = 0; k < NSTAGES; k++) tm[k + 1].wall_s += R->wall[k], tm[k + 1].cpu_s += R->cpu[k];
        /* Regions must share the budgets: those whose assessment failed
         * (e.g. less than a whole year) are listed in the warnings only. */
        if (R->rr.nbudgets == o->assess.nbudgets) rr[nrr++] = R->rr;
    }
    if (!st) {
        stamp now = stamp_now();
        tm[NSTAGES + 1] = (report_timing){"total", now.wall - t_start.wall, cal_process_cpu_seconds() - t_start.cpu, 0};
        report_run run;
        report_run_init(&run);
        run.inputs = paths;
        run.ninputs = npaths;
        run.options = o->options_text ? o->options_text : "";
        run.settings_json = set.p;
        run.created_utc = (int64_t)time(NULL);
        run.timings = tm;
        run.ntimings = NSTAGES + 2;
        run.warnings = warns;
        run.nwarnings = nw;
        run.fail_after_files = o->fail_after_files;
        run.data_warnings = checks;
        run.ndata_warnings = nc;
        char terms[512];
        contract_text(&o->assess, terms, sizeof terms);
        run.contract = terms[0] ? terms : NULL;
        run.rank_by_contract = o->rank_by == HR_RANK_CONTRACT;
        st = report_write(outdir, rr, nrr, &run, B->rank_budget);
    }
    if (!st && nw && !o->keep_going)
        st = err_set(HR_EDATA,
                    "hr_report: %zu stage%s failed for %zu region%s (first: %s); the report in %s lists them "
                    "(keep_going accepts such a report)",
                    nw, nw == 1 ? "" : "s", nfail, nfail == 1 ? "" : "s", warns[0], outdir);
    tb_free(&set);
    mem_free(warns);
    mem_free(checks);
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
    err_clear();
    if (!paths || !o || !outdir) return err_set(HR_EINVAL, "hr_report: NULL argument");
    if (!npaths) return err_set(HR_EINVAL, "hr_report: no input files (npaths = 0)");
    if (d && (!d->gather || d->size < 1 || d->rank < 0 || d->rank >= d->size))
        return err_set(HR_EINVAL, "batch_report: bad batch_dist");
    /* The checks above and below fail alike on every rank (same options). */
    int st0 = headroom_check_opts(&o->assess); /* bad options fail here, not per region */
    if (st0) return st0;
    if (o->rank_by != HR_RANK_STUDY && o->rank_by != HR_RANK_CONTRACT)
        return err_set(HR_EINVAL, "hr_report: rank_by %d is not HR_RANK_STUDY or HR_RANK_CONTRACT", o->rank_by);
    if (o->rank_by == HR_RANK_CONTRACT && !flex_active(&o->assess))
        return err_set(HR_EINVAL, "hr_report: rank_by HR_RANK_CONTRACT needs contract terms in assess");
    if (!(o->campus_mw >= 0) || !isfinite(o->campus_mw))
        return err_set(HR_EINVAL, "hr_report: campus_mw %g is not a number >= 0", o->campus_mw);
    int rb = -1; /* the ranking budget's index */
    for (size_t b = 0; b < o->assess.nbudgets; b++)
        if (fabs(o->assess.budgets_pct[b] - o->rank_budget_pct) < 1e-9) rb = (int)b;
    if (rb < 0)
        return err_set(HR_EINVAL, "ranking budget %g %% is not one of the budgets", o->rank_budget_pct);
    /* the run's wall time, and the CPU time of all its threads */
    stamp t_start = {cal_monotonic_seconds(), cal_process_cpu_seconds()};
    hr_series *s = NULL;
    /* From here on a rank that fails still meets the others in d->gather. */
    /* the report's thread budget (-j; under MPI per rank) bounds the read's too */
    hr_ingest_opts io = o->ingest;
    if (io.threads == 0 && o->threads > 0) io.threads = o->threads;
    int st = hr_series_read(paths, npaths, &io, &s);
    if (st && !d) return st;
    stamp t_read = {cal_monotonic_seconds() - t_start.wall, cal_process_cpu_seconds() - t_start.cpu};
    size_t nreg = s ? s->nreg : 0;
    batch B = {.s = s, .o = o, .rank_budget = rb};
    if (!st) {
        B.out = mem_calloc(nreg ? nreg : 1, sizeof(region_out));
        B.order = mem_array(nreg ? nreg : 1, sizeof *B.order);
        if (!B.out || !B.order) st = err_set(HR_ENOMEM, "out of memory");
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
            if (pthread_create(&th[k], NULL, batch_worker, &B) == 0) started++;
        batch_worker(&B);
        for (int k = 1; k <= started; k++) pthread_join(th[k], NULL);
        pthread_mutex_destroy(&B.lock);
    }
    if (d && d->rank > 0)
        st = batch_send_results(d, &B, st);
    else if (d) {
        take_ctx tc = {&B, nreg, 0};
        int gs = d->gather(d->ud, NULL, 0, st ? NULL : batch_take_regions, &tc);
        if (!st) st = gs;
        for (size_t i = 0; !st && i < nreg; i++)
            if (!B.out[i].rr.name) st = err_set(HR_EIO, "no rank returned region %zu", i);
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
    if (!st) err_clear(); /* region warnings went to the report and the log */
    return st;
}
