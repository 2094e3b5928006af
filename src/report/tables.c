/* tables.c — the machine-readable files: regions.csv (one row per region,
 * NaN as an empty field), regions.json (the same fields, NaN as null, the
 * per-budget fields nested per budget, plus each region's backtest table
 * and generation mix) and run.json (inputs with size and SHA-256, options,
 * settings, version, timings, failed stages as warnings, data checks as
 * data_warnings).
 *
 * Field names carry their unit (_mw, _pct, _h, _h_per_yr, _utc) and no
 * dots (a budget of 0.25 % is tagged b0p25 in CSV column names); values
 * are rounded to their precision: 0.1 MW, 0.01 %, 0.1 h. One emitter
 * writes the CSV header, a CSV row and a JSON object, so the three can
 * never disagree: adding a field is one em_* call in emit_record or
 * emit_budget. */
#include "report/render.h"
#include "time/calendar.h"
#include "util/mem.h"

#include <string.h>

enum { EM_HEADER, EM_CSV, EM_JSON };
typedef struct {
    textbuf *s;
    int mode;
    int first;
    const char *suffix; /* CSV: appended to keys ("_b0p25"); JSON: "" */
    const char *indent; /* JSON: before each key */
} emitter;

static void em_key(emitter *e, const char *key)
{
    if (e->mode == EM_JSON) {
        tb_put(e->s, e->first ? "\n" : ",\n");
        tb_put(e->s, e->indent);
        tb_json_str(e->s, key);
        tb_put(e->s, ": ");
    } else {
        if (!e->first) tb_put(e->s, ",");
        if (e->mode == EM_HEADER) {
            char k[160];
            snprintf(k, sizeof k, "%s%s", key, e->suffix);
            tb_csv_str(e->s, k);
        }
    }
    e->first = 0;
}

/* x rounded to dec decimals, without trailing zeros ("4968.7", "0"). */
static void put_rounded(textbuf *s, double x, int dec)
{
    char b[64];
    snprintf(b, sizeof b, "%.*f", dec, x);
    char *dot = strchr(b, '.');
    if (dot) {
        char *end = b + strlen(b);
        while (end > dot + 1 && end[-1] == '0') *--end = '\0';
        if (end == dot + 1) *dot = '\0';
    }
    tb_put(s, strcmp(b, "-0") == 0 ? "0" : b);
}

/* A number rounded to dec decimals (dec < 0: shortest round-trip). */
static void em_num(emitter *e, const char *key, double v, int dec)
{
    em_key(e, key);
    if (e->mode == EM_HEADER) return;
    if (!isfinite(v)) tb_put(e->s, e->mode == EM_JSON ? "null" : "");
    else if (dec < 0) d_num(e->s, v, "");
    else put_rounded(e->s, v, dec);
}

static void em_int(emitter *e, const char *key, uint64_t v)
{
    em_key(e, key);
    if (e->mode != EM_HEADER) tb_printf(e->s, "%llu", (unsigned long long)v);
}

/* A year, or empty/null for 0 (not computed). */
static void em_year(emitter *e, const char *key, int y)
{
    em_key(e, key);
    if (e->mode == EM_HEADER) return;
    if (y > 0) tb_printf(e->s, "%d", y);
    else if (e->mode == EM_JSON) tb_put(e->s, "null");
}

static void em_str(emitter *e, const char *key, const char *v)
{
    em_key(e, key);
    if (e->mode == EM_CSV) tb_csv_str(e->s, v);
    else if (e->mode == EM_JSON) tb_json_str(e->s, v);
}

static void em_time(emitter *e, const char *key, int64_t t, int valid)
{
    char b[21];
    cal_format_utc(t, b);
    em_str(e, key, valid && e->mode != EM_HEADER ? b : NULL);
}

/* Budget b as a name part without a dot: 0.25 -> "0p25", 5 -> "5". */
static void budget_tag(char *buf, size_t cap, double b)
{
    char t[32];
    fmt_budget(t, sizeof t, b);
    char *dot = strchr(t, '.');
    if (dot) *dot = 'p';
    snprintf(buf, cap, "%s", t);
}

/* A model name as a name part: [a-z0-9_], anything else as '_'. */
static void model_tag(char *buf, size_t cap, const char *m)
{
    size_t o = 0;
    for (; *m && o + 1 < cap; m++) {
        char c = *m >= 'A' && *m <= 'Z' ? (char)(*m - 'A' + 'a') : *m;
        buf[o++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
    }
    buf[o] = '\0';
}

/* The fields of one budget's headroom. */
static void emit_budget(emitter *e, const report_headroom *h)
{
    em_num(e, "headroom_mw", h->headroom_mw, 1);
    em_num(e, "headroom_pct_peak", h->headroom_pct_peak, 2);
    em_num(e, "curtailed_h_per_yr", h->curtailed_hours_per_year, 1);
    em_num(e, "curtailed_h_per_yr_keeping_50pct", h->hours_ge50, 1);
    em_num(e, "curtailed_h_per_yr_keeping_75pct", h->hours_ge75, 1);
    em_num(e, "curtailed_h_per_yr_keeping_90pct", h->hours_ge90, 1);
    em_num(e, "mean_event_h", h->mean_event_hours, 1);
    em_num(e, "max_event_h", h->max_event_hours, 1);
    em_num(e, "p10_mw", h->p10_mw, 1);
    em_num(e, "p50_mw", h->p50_mw, 1);
    em_num(e, "p90_mw", h->p90_mw, 1);
}

/* The per-budget fields: CSV columns with a budget suffix, or a JSON array
 * "budgets" of one object per budget. */
static void emit_budgets(emitter *e, const report_region *r, const report_ctx *c)
{
    report_headroom none; /* header mode reads no region */
    memset(&none, 0, sizeof none);
    if (e->mode == EM_JSON) {
        tb_put(e->s, ",\n    \"budgets\": [");
        for (size_t j = 0; j < c->nb; j++) {
            emitter b = {e->s, EM_JSON, 1, "", "        "};
            tb_put(e->s, j ? ", {" : "{");
            em_num(&b, "budget_pct", c->budgets[j], -1);
            emit_budget(&b, hrow(r, j));
            tb_put(e->s, "\n      }");
        }
        tb_put(e->s, "]");
        return;
    }
    for (size_t j = 0; j < c->nb; j++) {
        char tag[40], suffix[48];
        budget_tag(tag, sizeof tag, c->budgets[j]);
        snprintf(suffix, sizeof suffix, "_b%s", tag);
        e->suffix = suffix;
        emit_budget(e, e->mode == EM_HEADER ? &none : hrow(r, j));
        e->suffix = "";
    }
}

static void emit_mapes(emitter *e, const report_region *r, const model_list *ml)
{
    emitter m = *e;
    if (e->mode == EM_JSON) {
        tb_put(e->s, ",\n    \"mape_pct\": {");
        m.first = 1;
        m.indent = "      ";
    }
    for (size_t k = 0; k < ml->n; k++) {
        char key[96], tag[64];
        model_tag(tag, sizeof tag, ml->name[k]);
        snprintf(key, sizeof key, e->mode == EM_JSON ? "%s" : "mape_pct_%s", e->mode == EM_JSON ? ml->name[k] : tag);
        const report_backtest *b = e->mode == EM_HEADER ? NULL : find_model(r, ml->name[k]);
        em_num(&m, key, b ? b->mape : NAN, 2);
    }
    if (e->mode == EM_JSON) tb_put(e->s, "\n    }");
    else e->first = m.first;
}

/* The contract view at the ranking budget and the campus view, when some
 * region of the run has them (report_views). */
static void emit_views(emitter *e, const report_region *r, unsigned views)
{
    if (views & VIEW_CONTRACT) {
        em_num(e, "contract_headroom_mw", r->contract_mw, 1);
        em_str(e, "contract_binding", e->mode == EM_HEADER || isnan(r->contract_mw) ? NULL : r->contract_binding);
    }
    if (views & VIEW_CAMPUS) {
        em_num(e, "campus_mw", r->campus_mw, 1);
        em_num(e, "campus_curtailed_pct", r->campus_curtailed_pct, 2);
        em_num(e, "campus_curtailed_h_per_yr", r->campus_hours_per_year, 1);
        em_num(e, "campus_events_per_yr", r->campus_events_per_year, 1);
        em_num(e, "campus_max_event_h", r->campus_max_event_hours, 1);
    }
}

/* One region's record. The region's data warning (more than 2 % of its
 * hours imputed) is a field of its own. */
static void emit_record(emitter *e, const report_region *r, size_t rank, const report_ctx *c, const model_list *ml,
                        const char *within)
{
    const hr_quality *q = &r->quality;
    e->first = 1;
    em_str(e, "region", r ? r->name : NULL);
    em_int(e, "rank", rank);
    em_str(e, "within", within);
    em_time(e, "first_utc", q->first_utc, q->hours > 0);
    em_time(e, "last_utc", q->last_utc, q->hours > 0);
    em_int(e, "hours", q->hours);
    em_int(e, "missing_hours", q->missing);
    em_int(e, "flagged_hours", q->flagged);
    em_int(e, "imputed_hours", q->imputed);
    double ip = imputed_pct(r);
    em_num(e, "imputed_pct", ip, 2);
    char warn[96] = "";
    if (ip > IMPUTED_WARN_PCT) snprintf(warn, sizeof warn, "more than %g %% of the hours imputed", IMPUTED_WARN_PCT);
    em_str(e, "data_warning", warn[0] ? warn : NULL);
    em_num(e, "peak_mw", r->peak_mw, 1);
    em_num(e, "mean_mw", q->mean_mw, 1);
    /* a ratio (mean / peak, 0..1) as `headroom assess` prints it; 0.0001 = 0.01 % */
    em_num(e, "load_factor", r->load_factor, 4);
    em_year(e, "study_year_from", r->year_from);
    em_year(e, "study_year_to", r->year_to);
    em_num(e, "threshold_summer_mw", r->threshold_summer_mw, 1);
    em_num(e, "threshold_winter_mw", r->threshold_winter_mw, 1);
    int trained = r->train_last_utc >= r->train_first_utc;
    em_time(e, "forecast_train_first_utc", r->train_first_utc, trained);
    em_time(e, "forecast_train_last_utc", r->train_last_utc, trained);
    emit_budgets(e, r, c);
    emit_mapes(e, r, ml);
    em_num(e, "cf_share_pct", r->genmix.cf_share_pct, 2);
    em_num(e, "cf_share_curtailed_pct", r->genmix.cf_share_curtailed_pct, 2);
    /* what the P10/P50/P90 columns are (empty / null without scenarios) */
    const int ok = r->outlook.scenarios > 0;
    em_year(e, "outlook_year", ok ? r->outlook.year : 0);
    em_year(e, "outlook_train_from", ok ? r->outlook.train_from : 0);
    em_year(e, "outlook_train_to", ok ? r->outlook.train_to : 0);
    em_num(e, "outlook_threshold_summer_mw", ok ? r->outlook.threshold_summer_mw : NAN, 1);
    em_num(e, "outlook_threshold_winter_mw", ok ? r->outlook.threshold_winter_mw : NAN, 1);
    em_year(e, "outlook_scenarios", ok ? (int)r->outlook.scenarios : 0);
    emit_views(e, r, report_views(c->rg, c->n));
}

int collect_models(const report_region *rg, size_t n, model_list *ml)
{
    size_t cap = 4;
    for (size_t i = 0; i < n; i++) cap += rg[i].nbacktest;
    ml->name = mem_array(cap, sizeof *ml->name);
    if (!ml->name) return 0;
    ml->n = 0;
    for (int k = 0; k < 4; k++) ml->name[ml->n++] = STD_MODELS[k];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < rg[i].nbacktest; j++) {
            const char *m = rg[i].backtest[j].model;
            if (!m) continue;
            size_t k = 0;
            while (k < ml->n && strcmp(ml->name[k], m) != 0) k++;
            if (k == ml->n) ml->name[ml->n++] = m;
        }
    return 1;
}

void render_csv(textbuf *s, const report_ctx *c, const model_list *ml)
{
    report_region blank;
    report_region_init(&blank);
    emitter e = {s, EM_HEADER, 1, "", ""};
    emit_record(&e, &blank, 0, c, ml, NULL);
    tb_put(s, "\n");
    e.mode = EM_CSV;
    for (size_t k = 0; k < c->n; k++) {
        size_t i = c->order[k];
        emit_record(&e, &c->rg[i], k + 1, c, ml, c->within[i] == (size_t)-1 ? NULL : c->rg[c->within[i]].name);
        tb_put(s, "\n");
    }
}

static void json_backtest(textbuf *s, const report_region *r)
{
    tb_put(s, ",\n    \"backtest\": [");
    for (size_t j = 0; j < r->nbacktest; j++) {
        const report_backtest *b = &r->backtest[j];
        emitter e = {s, EM_JSON, 1, "", "        "};
        tb_put(s, j ? ", {" : "{");
        em_str(&e, "model", b->model);
        em_int(&e, "n", b->n);
        em_num(&e, "mae_mw", b->mae, 1);
        em_num(&e, "rmse_mw", b->rmse, 1);
        em_num(&e, "mape_pct", b->mape, 2);
        em_num(&e, "mase", b->mase, 3);
        em_num(&e, "coverage80_pct", b->coverage80, 2);
        em_num(&e, "coverage95_pct", b->coverage95, 2);
        em_num(&e, "winkler95_mw", b->winkler95, 1);
        em_num(&e, "pinball_mw", b->pinball, 1);
        tb_put(s, "\n      }");
    }
    tb_put(s, "]");
}

static void json_genmix(textbuf *s, const report_genmix *g)
{
    if (!g->nfuels || !g->fuel || !g->share_pct) return;
    tb_put(s, ",\n    \"genmix\": [");
    for (size_t j = 0; j < g->nfuels; j++) {
        emitter e = {s, EM_JSON, 1, "", "        "};
        tb_put(s, j ? ", {" : "{");
        em_str(&e, "fuel", g->fuel[j]);
        em_num(&e, "share_pct", g->share_pct[j], 2);
        em_num(&e, "share_curtailed_pct", g->share_curtailed_pct ? g->share_curtailed_pct[j] : NAN, 2);
        tb_put(s, "\n      }");
    }
    tb_put(s, "]");
}

void render_json(textbuf *s, const report_ctx *c, const model_list *ml)
{
    tb_put(s, "{\n  \"tool\": \"headroom\",\n  \"version\": ");
    tb_json_str(s, c->version);
    tb_put(s, ",\n  \"budgets_pct\": [");
    for (size_t j = 0; j < c->nb; j++) {
        if (j) tb_put(s, ", ");
        d_num(s, c->budgets[j], "null");
    }
    tb_put(s, "],\n  \"rank_budget_pct\": ");
    d_num(s, c->nb ? c->budgets[c->rb] : NAN, "null");
    tb_put(s, ",\n  \"regions\": [");
    for (size_t k = 0; k < c->n; k++) {
        size_t i = c->order[k];
        const report_region *r = &c->rg[i];
        emitter e = {s, EM_JSON, 1, "", "    "};
        tb_put(s, k ? ",\n  {" : "\n  {");
        emit_record(&e, r, k + 1, c, ml, c->within[i] == (size_t)-1 ? NULL : c->rg[c->within[i]].name);
        json_backtest(s, r);
        json_genmix(s, &r->genmix);
        tb_put(s, "\n  }");
    }
    tb_put(s, c->n ? "\n  ]\n}\n" : "]\n}\n");
}

void render_runjson(textbuf *s, const report_ctx *c, const report_timing *render)
{
    const report_run *run = c->run;
    const char *const *hex = c->hex;
    const uint64_t *sizes = c->sizes;
    size_t n = c->n;
    double rb_pct = c->nb ? c->budgets[c->rb] : NAN;
    const char *version = c->version;
    char t[32];
    cal_format_utc(run->created_utc, t);
    tb_put(s, "{\n  \"tool\": \"headroom\",\n  \"version\": ");
    tb_json_str(s, version);
    tb_printf(s, ",\n  \"created_utc\": \"%s\",\n  \"options\": ", t);
    tb_json_str(s, run->options ? run->options : "");
    if (run->settings_json) {
        tb_put(s, ",\n  \"settings\": ");
        tb_put(s, run->settings_json);
    }
    tb_printf(s, ",\n  \"regions\": %zu,\n  \"rank_budget_pct\": ", n);
    d_num(s, rb_pct, "null");
    tb_put(s, ",\n  \"inputs\": [");
    for (size_t i = 0; i < run->ninputs; i++) {
        tb_put(s, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
        tb_json_str(s, run->inputs[i]);
        tb_printf(s, ", \"size_bytes\": %llu, \"sha256\": \"%s\"}", (unsigned long long)sizes[i], hex[i]);
    }
    tb_put(s, run->ninputs ? "\n  ],\n  \"timings\": [" : "],\n  \"timings\": [");
    for (size_t i = 0; i <= run->ntimings; i++) {
        const report_timing *tm = i < run->ntimings ? &run->timings[i] : render;
        tb_put(s, i ? ",\n    {\"stage\": " : "\n    {\"stage\": ");
        tb_json_str(s, tm->stage);
        tb_put(s, ", \"wall_s\": ");
        d_num(s, tm->wall_s, "null");
        tb_put(s, ", \"cpu_s\": ");
        d_num(s, tm->cpu_s, "null");
        tb_printf(s, ", \"summed_over_regions\": %s}", tm->summed ? "true" : "false");
    }
    tb_put(s, "\n  ],\n  \"warnings\": [");
    for (size_t i = 0; i < run->nwarnings; i++) {
        tb_put(s, i ? ",\n    " : "\n    ");
        tb_json_str(s, run->warnings[i]);
    }
    tb_put(s, run->nwarnings ? "\n  ],\n" : "],\n");
    tb_put(s, "  \"data_warnings\": [");
    for (size_t i = 0; i < run->ndata_warnings; i++) {
        tb_put(s, i ? ",\n    " : "\n    ");
        tb_json_str(s, run->data_warnings[i]);
    }
    tb_put(s, run->ndata_warnings ? "\n  ],\n" : "],\n");
    tb_put(s, "  \"outputs\": [\"index.html\", \"regions.csv\", \"regions.json\", \"run.json\"]\n}\n");
}
