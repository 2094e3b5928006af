/* tables.c — the machine-readable files: regions.csv (one row per region,
 * NaN as an empty field), regions.json (the same keys, NaN as null, plus
 * each region's backtest table and generation mix) and run.json (inputs
 * with size and SHA-256, options, version, timings, warnings).
 *
 * One record per region with flat keys. The same emitter writes the CSV
 * header, a CSV row and a JSON object, so the three can never disagree. */
#include "report/render.h"
#include "time/calendar.h"
#include "util/mem.h"

#include <string.h>

enum { EM_HEADER, EM_CSV, EM_JSON };
typedef struct {
    textbuf *s;
    int mode;
    int first;
} emitter;

static void em_key(emitter *e, const char *key)
{
    if (e->mode == EM_JSON) {
        tb_put(e->s, e->first ? "\n    " : ",\n    ");
        tb_json_str(e->s, key);
        tb_put(e->s, ": ");
    } else {
        if (!e->first) tb_put(e->s, ",");
        if (e->mode == EM_HEADER) tb_csv_str(e->s, key);
    }
    e->first = 0;
}

static void em_num(emitter *e, const char *key, double v)
{
    em_key(e, key);
    if (e->mode != EM_HEADER) d_num(e->s, v, e->mode == EM_JSON ? "null" : "");
}

static void em_int(emitter *e, const char *key, uint64_t v)
{
    em_key(e, key);
    if (e->mode != EM_HEADER) tb_printf(e->s, "%llu", (unsigned long long)v);
}

static void em_str(emitter *e, const char *key, const char *v)
{
    em_key(e, key);
    if (e->mode == EM_CSV) tb_csv_str(e->s, v);
    else if (e->mode == EM_JSON) tb_json_str(e->s, v);
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

static void emit_record(emitter *e, const report_region *r, size_t rank, size_t nb, const double *budgets,
                        const model_list *ml, unsigned views)
{
    char key[160], t[32], bud[32];
    const hr_quality *q = &r->quality;
    e->first = 1;
    em_str(e, "region", r ? r->name : NULL);
    em_int(e, "rank", rank);
    if (e->mode == EM_HEADER) {
        em_key(e, "first_utc");
        em_key(e, "last_utc");
    } else {
        cal_format_utc(q->first_utc, t);
        em_str(e, "first_utc", q->hours ? t : NULL);
        cal_format_utc(q->last_utc, t);
        em_str(e, "last_utc", q->hours ? t : NULL);
    }
    em_int(e, "hours", q->hours);
    em_int(e, "missing", q->missing);
    em_int(e, "flagged", q->flagged);
    em_int(e, "imputed", q->imputed);
    em_num(e, "peak_mw", r->peak_mw);
    em_num(e, "mean_mw", q->mean_mw);
    em_num(e, "load_factor", r->load_factor);
    report_headroom none; /* header mode reads no region */
    memset(&none, 0, sizeof none);
    for (size_t j = 0; j < nb; j++) {
        const report_headroom *h = e->mode == EM_HEADER ? &none : hrow(r, j);
        fmt_budget(bud, sizeof bud, budgets[j]);
#define K(stem) (snprintf(key, sizeof key, stem "_%s", bud), key)
        em_num(e, K("headroom_mw"), h->headroom_mw);
        em_num(e, K("headroom_pct_peak"), h->headroom_pct_peak);
        em_num(e, K("curtailed_hours"), h->curtailed_hours_per_year);
        em_num(e, K("hours_ge50"), h->hours_ge50);
        em_num(e, K("hours_ge75"), h->hours_ge75);
        em_num(e, K("hours_ge90"), h->hours_ge90);
        em_num(e, K("mean_event_hours"), h->mean_event_hours);
        em_num(e, K("max_event_hours"), h->max_event_hours);
        em_num(e, K("p10_mw"), h->p10_mw);
        em_num(e, K("p50_mw"), h->p50_mw);
        em_num(e, K("p90_mw"), h->p90_mw);
#undef K
    }
    for (size_t k = 0; k < ml->n; k++) {
        snprintf(key, sizeof key, "mape_%s", ml->name[k]);
        const report_backtest *b = e->mode == EM_HEADER ? NULL : find_model(r, ml->name[k]);
        em_num(e, key, b ? b->mape : NAN);
    }
    em_num(e, "cf_share_pct", r->genmix.cf_share_pct);
    em_num(e, "cf_share_curtailed_pct", r->genmix.cf_share_curtailed_pct);
    if (views & VIEW_CONTRACT) {
        em_num(e, "contract_headroom_mw", r->contract_mw);
        em_str(e, "contract_binding", e->mode == EM_HEADER || isnan(r->contract_mw) ? NULL : r->contract_binding);
    }
    if (views & VIEW_CAMPUS) {
        em_num(e, "campus_mw", r->campus_mw);
        em_num(e, "campus_curtailed_pct", r->campus_curtailed_pct);
        em_num(e, "campus_curtailed_hours_per_year", r->campus_hours_per_year);
        em_num(e, "campus_events_per_year", r->campus_events_per_year);
        em_num(e, "campus_max_event_hours", r->campus_max_event_hours);
    }
}

void render_csv(textbuf *s, const report_ctx *c, const model_list *ml)
{
    const report_region *rg = c->rg;
    const size_t *order = c->order;
    size_t n = c->n, nb = c->nb;
    const double *budgets = c->budgets;
    report_region blank;
    report_region_init(&blank);
    emitter e = {s, EM_HEADER, 1};
    unsigned views = report_views(rg, n);
    emit_record(&e, &blank, 0, nb, budgets, ml, views);
    tb_put(s, "\n");
    e.mode = EM_CSV;
    for (size_t k = 0; k < n; k++) {
        emit_record(&e, &rg[order[k]], k + 1, nb, budgets, ml, views);
        tb_put(s, "\n");
    }
}

void render_json(textbuf *s, const report_ctx *c, const model_list *ml)
{
    const report_region *rg = c->rg;
    const size_t *order = c->order;
    size_t n = c->n, nb = c->nb, rb = c->rb;
    const double *budgets = c->budgets;
    const char *version = c->version;
    tb_put(s, "{\n  \"tool\": \"headroom\",\n  \"version\": ");
    tb_json_str(s, version);
    tb_put(s, ",\n  \"budgets_pct\": [");
    for (size_t j = 0; j < nb; j++) {
        if (j) tb_put(s, ", ");
        d_num(s, budgets[j], "null");
    }
    tb_put(s, "],\n  \"rank_budget_pct\": ");
    d_num(s, nb ? budgets[rb] : NAN, "null");
    tb_put(s, ",\n  \"regions\": [");
    emitter e = {s, EM_JSON, 1};
    for (size_t k = 0; k < n; k++) {
        const report_region *r = &rg[order[k]];
        tb_put(s, k ? ",\n  {" : "\n  {");
        emit_record(&e, r, k + 1, nb, budgets, ml, report_views(rg, n));
        tb_put(s, ",\n    \"backtest\": [");
        for (size_t j = 0; j < r->nbacktest; j++) {
            const report_backtest *b = &r->backtest[j];
            tb_put(s, j ? ",\n      {\"model\": " : "\n      {\"model\": ");
            tb_json_str(s, b->model);
            tb_printf(s, ", \"n\": %zu", b->n);
            const char *names[8] = {"mae", "rmse", "mape", "mase", "coverage80", "coverage95", "winkler95",
                                    "pinball"};
            const double vals[8] = {b->mae, b->rmse, b->mape, b->mase, b->coverage80, b->coverage95,
                                    b->winkler95, b->pinball};
            for (int m = 0; m < 8; m++) {
                tb_printf(s, ", \"%s\": ", names[m]);
                d_num(s, vals[m], "null");
            }
            tb_put(s, "}");
        }
        tb_put(s, r->nbacktest ? "\n    ]" : "]");
        if (r->genmix.nfuels && r->genmix.fuel && r->genmix.share_pct) {
            tb_put(s, ",\n    \"genmix\": [");
            for (size_t j = 0; j < r->genmix.nfuels; j++) {
                tb_put(s, j ? ", {\"fuel\": " : "{\"fuel\": ");
                tb_json_str(s, r->genmix.fuel[j]);
                tb_put(s, ", \"share_pct\": ");
                d_num(s, r->genmix.share_pct[j], "null");
                tb_put(s, ", \"share_curtailed_pct\": ");
                d_num(s, r->genmix.share_curtailed_pct ? r->genmix.share_curtailed_pct[j] : NAN, "null");
                tb_put(s, "}");
            }
            tb_put(s, "]");
        }
        tb_put(s, "\n  }");
    }
    tb_put(s, n ? "\n  ]\n}\n" : "]\n}\n");
}

void render_runjson(textbuf *s, const report_ctx *c, double render_s)
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
        tb_put(s, i ? ",\n    {\"stage\": " : "\n    {\"stage\": ");
        tb_json_str(s, i < run->ntimings ? run->timings[i].stage : "render");
        tb_put(s, ", \"seconds\": ");
        d_num(s, i < run->ntimings ? run->timings[i].seconds : render_s, "null");
        tb_put(s, "}");
    }
    tb_put(s, "\n  ],\n  \"warnings\": [");
    for (size_t i = 0; i < run->nwarnings; i++) {
        tb_put(s, i ? ",\n    " : "\n    ");
        tb_json_str(s, run->warnings[i]);
    }
    tb_put(s, run->nwarnings ? "\n  ],\n" : "],\n");
    tb_put(s, "  \"outputs\": [\"index.html\", \"regions.csv\", \"regions.json\", \"run.json\"]\n}\n");
}
