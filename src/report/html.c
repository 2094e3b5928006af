/* html.c — index.html: one self-contained page (inline CSS and SVG, no
 * scripts, no external resources) that prints on A4: header, ranking,
 * one section per region, forecast accuracy, data quality, method and
 * sources, and the run's provenance. */
#include "report/render.h"
#include "time/calendar.h"

#include <stddef.h>
#include <string.h>

static const char CSS[] =
    ":root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--panel:#f5f7fa;--accent:#1f5f8b;}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\","
    "Roboto,\"Helvetica Neue\",Arial,\"Liberation Sans\",\"DejaVu Sans\",sans-serif}\n"
    ".wrap{max-width:1180px;margin:0 auto;padding:28px 32px 56px}\n"
    "header{border-bottom:3px solid var(--accent);padding-bottom:14px}\n"
    "h1{font-size:27px;line-height:1.2;margin:0 0 6px;font-weight:700;letter-spacing:-.01em}\n"
    "h2{font-size:20px;margin:40px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line);font-weight:650}\n"
    "h3{font-size:18px;margin:0 0 10px;font-weight:650}\n"
    "h4{font-size:14px;margin:16px 0 4px;color:var(--muted);font-weight:600;text-transform:uppercase;"
    "letter-spacing:.04em}\n"
    "p{margin:6px 0 10px;max-width:78ch}\n"
    ".sub{color:var(--muted);font-size:14px;margin:0}\n"
    "nav{font-size:14px;margin:12px 0 0}nav a{color:var(--accent);text-decoration:none;margin-right:16px}\n"
    "nav a:hover{text-decoration:underline}\n"
    ".rank-no{display:inline-block;min-width:2em;color:var(--muted);font-weight:600}\n"
    ".region{border:1px solid var(--line);border-radius:8px;padding:18px 20px 12px;margin:20px 0;"
    "break-inside:avoid}\n"
    ".tiles{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 14px}\n"
    ".tile{background:var(--panel);border-radius:6px;padding:6px 12px;min-width:104px}\n"
    ".tile b{display:block;font-size:19px;font-variant-numeric:tabular-nums;color:var(--ink)}\n"
    ".tile span{font-size:12px;color:var(--muted)}\n"
    ".charts{display:grid;grid-template-columns:1fr 1fr;gap:18px 22px}\n"
    "figure{margin:0;min-width:0}figcaption{font-size:13px;color:var(--muted);margin:0 0 4px;font-weight:600}\n"
    "svg.chart{width:100%;height:auto;display:block;overflow:visible}\n"
    "svg text{font-size:11.5px;fill:#52606d}\n"
    "svg .at{font-size:12px;fill:#3e4c59}svg .rname{font-size:12.5px;fill:#1f2933}"
    "svg .val{font-size:12px;fill:#1f2933;font-weight:600}svg .lbl{font-size:11.5px;fill:#1f2933}\n"
    ".grid{stroke:" C_GRID ";stroke-width:1}.base{stroke:" C_AXIS ";stroke-width:1}\n"
    ".ln-curve{fill:none;stroke:" C_BLUE ";stroke-width:2.2}\n"
    ".ln-ldc{fill:none;stroke:" C_BLUE ";stroke-width:2}.area{fill:#dce9f5;stroke:none}\n"
    ".ln-mean{fill:none;stroke:" C_BLUE ";stroke-width:1.8}.ln-hist{fill:none;stroke:#3e4c59;stroke-width:1.4}\n"
    ".band95{fill:#d6e6f4;stroke:none}.band80{fill:#9fc3e4;stroke:none}\n"
    ".now{stroke:" C_ORANGE ";stroke-width:1.2;stroke-dasharray:4 3;fill:none}\n"
    ".guide{fill:none;stroke:#9aa5b1;stroke-width:1;stroke-dasharray:3 3}.pt{stroke:#fff;stroke-width:1.5}\n"
    ".whisk{stroke:" C_ORANGE ";stroke-width:1.6;fill:none}.p50{fill:" C_ORANGE "}\n"
    ".lgbg{fill:#fff;fill-opacity:.85;stroke:none}.cline{fill:none;stroke-width:1.6;stroke-dasharray:5 3}\n"
    ".legend text{font-size:12px;fill:#3e4c59}\n"
    ".tbl{overflow-x:auto;margin:6px 0 12px}\n"
    "table{border-collapse:collapse;font-size:13px;width:100%}\n"
    "th,td{padding:5px 9px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}\n"
    "th{font-weight:600;color:#3e4c59;background:var(--panel);border-bottom:1px solid #cbd2d9;vertical-align:bottom;"
    "line-height:1.25}\n"
    "table.narrow{width:auto;min-width:420px}td.fl{white-space:normal;font-size:12px;line-height:1.35;min-width:14em}.nw{white-space:nowrap}\n"
    "a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}\n"
    "td{font-variant-numeric:tabular-nums}th.l,td.l{text-align:left}\n"
    "tbody tr:hover{background:#fafbfc}td.best{font-weight:700;color:var(--accent)}\n"
    "tr.grp td{border-top:1px solid #cbd2d9}\n"
    ".nodata{border:1px dashed #cbd2d9;border-radius:6px;color:var(--muted);font-size:13px;padding:12px;"
    "text-align:center;background:#fafbfc;min-height:140px;display:flex;align-items:center;justify-content:center}\n"
    ".note{background:#fff8e6;border-left:3px solid #e0a800;padding:6px 12px;font-size:13.5px;margin:8px 0}\n"
    ".warn li{color:#8a4b00}.warnbox{background:#fdecea;border-left-color:#c0392b}\n"
    ".banner{background:#fdecea;border:1px solid #e6b0aa;border-left:4px solid #c0392b;border-radius:6px;"
    "padding:10px 14px;margin:18px 0 0;font-size:14px}.banner ul{margin:4px 0 0;padding-left:20px}\n"
    ".facts{font-size:13.5px;color:#3e4c59;margin:0 0 10px;max-width:none}\n"
    "table.rank th{white-space:normal;min-width:4.5em}table.rank td.l{white-space:normal}"
    ".tag{display:inline-block;font-size:11px;color:#8a4b00;background:#fff8e6;border-radius:3px;padding:0 4px;"
    "margin-left:4px;white-space:nowrap}\n"
    ".method li{margin:4px 0;max-width:95ch}.refs li{margin:4px 0;font-size:14px}\n"
    "code,.mono{font-family:ui-monospace,\"SFMono-Regular\",\"DejaVu Sans Mono\",\"Liberation Mono\",monospace;"
    "font-size:12.5px}\n"
    "footer{margin-top:40px;font-size:12.5px;color:var(--muted);border-top:1px solid var(--line);padding-top:10px}\n"
    "@media (max-width:820px){.charts{grid-template-columns:1fr}.wrap{padding:16px}}\n"
    "@media print{@page{size:A4;margin:14mm}body{font-size:10pt}.wrap{max-width:none;padding:0}"
    "nav{display:none}h2{break-after:avoid}.region{break-inside:avoid;page-break-inside:avoid;border:none;"
    "padding:0;margin:0 0 8mm}.charts{grid-template-columns:1fr 1fr;gap:4mm}figure{break-inside:avoid}"
    "table{font-size:8pt}th,td{padding:2px 4px}.tbl{overflow:visible}tbody tr:hover{background:none}"
    "th{background:#eee!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* The backtest table's columns after Region, Model and n. */
static const num_col BACKTEST_COLS[] = {
    {"MAE<br>MW", offsetof(report_backtest, mae), 0, 0},
    {"RMSE<br>MW", offsetof(report_backtest, rmse), 0, 0},
    {"MAPE<br>%", offsetof(report_backtest, mape), 2, 0},
    {"<br>MASE", offsetof(report_backtest, mase), 2, 0},
    {"80 % interval<br>coverage %", offsetof(report_backtest, coverage80), 1, 0},
    {"95 % interval<br>coverage %", offsetof(report_backtest, coverage95), 1, 0},
    {"Winkler 95<br>MW", offsetof(report_backtest, winkler95), 0, 0},
    {"Pinball<br>MW", offsetof(report_backtest, pinball), 1, 0},
};
#define NBACKTEST_COLS (sizeof BACKTEST_COLS / sizeof BACKTEST_COLS[0])

static void html_backtest(textbuf *s, const report_region *rg, const size_t *order, size_t n)
{
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) rows += rg[i].nbacktest;
    if (rows == 0) {
        nodata(s, "no backtest was run");
        return;
    }
    tb_put(s, "<div class=\"tbl\"><table><thead><tr><th class=\"l\">Region</th><th class=\"l\">Model</th><th>n</th>");
    num_heads(s, BACKTEST_COLS, NBACKTEST_COLS);
    tb_put(s, "</tr></thead><tbody>\n");
    for (size_t k = 0; k < n; k++) {
        const report_region *r = &rg[order[k]];
        /* Best (lowest) MAPE of the region is highlighted. */
        double best = INFINITY;
        for (size_t j = 0; j < r->nbacktest; j++)
            if (isfinite(r->backtest[j].mape) && r->backtest[j].mape < best) best = r->backtest[j].mape;
        for (size_t j = 0; j < r->nbacktest; j++) {
            const report_backtest *b = &r->backtest[j];
            const char *cls[NBACKTEST_COLS] = {NULL, NULL, b->mape == best ? "best" : NULL};
            tb_printf(s, "<tr%s><td class=\"l\">", j == 0 ? " class=\"grp\"" : "");
            if (j == 0) tb_html(s, r->name);
            tb_put(s, "</td><td class=\"l\">");
            tb_html(s, b->model);
            tb_put(s, "</td><td>");
            h_num(s, (double)b->n, 0);
            tb_put(s, "</td>");
            num_cells(s, b, BACKTEST_COLS, NBACKTEST_COLS, cls);
            tb_put(s, "</tr>\n");
        }
    }
    tb_put(s, "</tbody></table></div>\n");
}

static void html_quality(textbuf *s, const report_region *rg, const size_t *order, size_t n)
{
    if (n == 0) {
        nodata(s, "no regions");
        return;
    }
    tb_put(s, "<div class=\"tbl\"><table><thead><tr><th class=\"l\">Region</th><th class=\"l\">First hour<br>(UTC)</th>"
              "<th class=\"l\">Last hour<br>(UTC)</th><th>Hours</th><th>Missing</th><th>Flagged</th><th>Imputed</th>"
              "<th>Imputed<br>%</th><th>Peak<br>MW</th><th>Mean<br>MW</th><th class=\"l\">Flags</th></tr></thead>"
              "<tbody>\n");
    for (size_t k = 0; k < n; k++) {
        const report_region *r = &rg[order[k]];
        const hr_quality *q = &r->quality;
        char a[32], b[32];
        if (q->hours) {
            cal_format_utc(q->first_utc, a);
            cal_format_utc(q->last_utc, b);
            a[10] = b[10] = ' '; /* "YYYY-MM-DD HH:MM" on the page */
            a[16] = b[16] = '\0';
        } else {
            strcpy(a, "\xE2\x80\x93");
            strcpy(b, "\xE2\x80\x93");
        }
        tb_put(s, "<tr><td class=\"l\">");
        tb_html(s, r->name);
        tb_printf(s, "</td><td class=\"l mono\">%s</td><td class=\"l mono\">%s</td><td>", a, b);
        h_num(s, (double)q->hours, 0);
        tb_put(s, "</td><td>");
        h_num(s, (double)q->missing, 0);
        tb_put(s, "</td><td>");
        h_num(s, (double)q->flagged, 0);
        tb_put(s, "</td><td>");
        h_num(s, (double)q->imputed, 0);
        tb_put(s, "</td><td>");
        h_num(s, q->hours ? 100.0 * (double)q->imputed / (double)q->hours : NAN, 2);
        tb_put(s, "</td><td>");
        h_mw(s, q->peak_mw);
        tb_put(s, "</td><td>");
        h_mw(s, q->mean_mw);
        tb_put(s, "</td><td class=\"l fl\">");
        int any = 0;
        for (int fl = 1; fl < HR_NFLAGS; fl++)
            if (q->by_flag[fl]) {
                tb_printf(s, "%s%s\xC2\xA0%zu", any ? " \xC2\xB7 " : "", hr_flag_name(fl),
                          q->by_flag[fl]);
                any = 1;
            }
        if (!any) tb_put(s, "none");
        tb_put(s, "</td></tr>\n");
    }
    tb_put(s, "</tbody></table></div>\n");
}

/* "For a campus of X MW": what a campus of the run's size would see in each
 * region, in rank order. */
static void html_campus(textbuf *s, const report_region *rg, const size_t *order, size_t n)
{
    double mw = NAN;
    for (size_t k = 0; k < n && isnan(mw); k++) mw = rg[order[k]].campus_mw;
    tb_put(s, "<h3>For a campus of ");
    h_mw(s, mw);
    tb_put(s, " MW</h3>\n<p>The share of a flat campus load's energy that would be curtailed in an average "
              "year, the curtailed hours and the curtailment events (runs of consecutive curtailed hours) per "
              "year, and the longest event, under the thresholds and storage of this run.</p>\n"
              "<div class=\"tbl\"><table><thead><tr><th class=\"l\">Region</th><th>Curtailed<br>%</th>"
              "<th>Curtailed<br>h/yr</th><th>Events<br>per yr</th><th>Longest<br>event h</th></tr></thead>"
              "<tbody>\n");
    for (size_t k = 0; k < n; k++) {
        const report_region *r = &rg[order[k]];
        tb_put(s, "<tr><td class=\"l\">");
        tb_html(s, r->name);
        tb_put(s, "</td><td>");
        h_num(s, r->campus_curtailed_pct, 2);
        tb_put(s, "</td><td>");
        h_num(s, r->campus_hours_per_year, 1);
        tb_put(s, "</td><td>");
        h_num(s, r->campus_events_per_year, 1);
        tb_put(s, "</td><td>");
        h_num(s, r->campus_max_event_hours, 0);
        tb_put(s, "</td></tr>\n");
    }
    tb_put(s, "</tbody></table></div>\n");
}

static void html_method(textbuf *s, const report_run *run)
{
    tb_put(s,
           "<ul class=\"method\">"
           "<li><b>Data.</b> Hourly load per region on a UTC hour-beginning grid, screened for missing values, "
           "spikes, dips, identical runs and step changes and imputed as in Ruggles et al. (2020); the "
           "data-quality table counts each flag.</li>"
           "<li><b>Headroom.</b> Following Norris et al. (2025), the threshold is the highest summer "
           "(Jun\xE2\x80\x93" "Aug) and winter (Dec\xE2\x80\x93" "Feb) peak over the study years (Mar and Nov use "
           "the winter one, Apr\xE2\x80\x93May and Sep\xE2\x80\x93Oct the summer one). A flat added load "
           "<i>L</i> is curtailed by min(<i>L</i>, max(0, <i>D<sub>t</sub></i> + <i>L</i> \xE2\x88\x92 "
           "<i>T<sub>t</sub></i>)) each hour; the headroom at a budget is the largest <i>L</i> whose mean "
           "yearly curtailed energy share stays within the budget, solved exactly. A seasonal peak within one "
           "month outside its window counts unless <code>--season-slack 0</code> (the study did so for CAISO, "
           "FPL and AZPS). Transmission limits, ramping and reserve margins are not modelled.</li>");
    if (run->contract) {
        tb_put(s, "<li><b>Contract.</b> The contract headroom is the largest load that also keeps: ");
        tb_html(s, run->contract);
        tb_put(s, ". An event is a run of consecutive curtailed hours; storage discharges to serve the new "
                  "load when it would be curtailed and recharges only below the threshold. Each term is solved "
                  "exactly or by bisection on a quantity monotone in the load, rounded down to 0.1 MW; "
                  "<i>Binds</i> names the terms 0.1 MW more would break.</li>");
    }
    tb_put(s,
           "<li><b>Probabilistic headroom.</b> The same calculation on simulated years from the fitted "
           "forecast model, summarised as P10 / P50 / P90.</li>"
           "<li><b>Forecasts.</b> Unless another model is named (<code>--model</code>), <code>auto</code>: a "
           "regression of log load on calendar terms (trend, month, weekday \xC3\x97 hour, US federal holidays, "
           "annual Fourier terms) plus, for every lead hour, a direct regression of its residual on what is "
           "known at the origin (Fan &amp; Hyndman 2012). Where the data carries the balancing authority's own "
           "day-ahead forecast, <code>auto</code> forecasts those hours as that forecast corrected by its recent "
           "errors, so its day-ahead scores there build on the authority's (<code>auto-load</code> is the "
           "same model on the load alone). The "
           "day-ahead backtest uses rolling origins over the last year, against seasonal-naive baselines "
           "(24 h and 168 h) and, where present, the balancing authority's own day-ahead forecast. MASE is "
           "scaled by the in-sample seasonal-naive (168 h) error; coverage is the share of actual hours inside "
           "the interval.</li>"
           "</ul>\n<h4>Sources</h4><ol class=\"refs\">"
           "<li>Norris, T. H., Profeta, T., Patino-Echeverri, D., Cowie-Haskell, A. (2025). <i>Rethinking Load "
           "Growth: Assessing the Potential for Integration of Large Flexible Loads in US Power Systems.</i> "
           "Nicholas Institute for Energy, Environment &amp; Sustainability, Duke University.</li>"
           "<li>Ruggles, T. H., Farnham, D. J., Tong, D., Caldeira, K. (2020). Developing reliable hourly "
           "electricity demand data through screening and imputation. <i>Scientific Data</i> 7, 155.</li>"
           "<li>Fan, S., Hyndman, R. J. (2012). Short-term load forecasting based on a semi-parametric additive "
           "model. <i>IEEE Transactions on Power Systems</i> 27(1), 134\xE2\x80\x93" "141.</li>"
           "<li>Hong, T. (2010). <i>Short Term Electric Load Forecasting.</i> PhD thesis, North Carolina State "
           "University (the \xE2\x80\x9cvanilla\xE2\x80\x9d benchmark); Hong, T., Pinson, P., Fan, S. (2014). "
           "Global Energy Forecasting Competition 2012. <i>International Journal of Forecasting</i> 30(2), "
           "357\xE2\x80\x93" "363.</li></ol>\n");
}

static void warn_list(textbuf *s, const char *const *items, size_t n)
{
    tb_put(s, "<ul class=\"warn\">");
    for (size_t i = 0; i < n; i++) {
        tb_put(s, "<li>");
        tb_html(s, items[i]);
        tb_put(s, "</li>");
    }
    tb_put(s, "</ul>\n");
}

static void html_run(textbuf *s, const report_run *run, const char *const *hex, const uint64_t *sizes,
                     const char *version)
{
    char t[32];
    cal_format_utc(run->created_utc, t);
    tb_printf(s, "<p>headroom %s, run at <span class=\"mono\">%s</span>.", version, t);
    if (run->options && *run->options) {
        tb_put(s, " Options: <code>");
        tb_html(s, run->options);
        tb_put(s, "</code>");
    }
    tb_put(s, "</p>\n");
    if (run->ninputs) {
        tb_put(s, "<h4>Inputs</h4><div class=\"tbl\"><table class=\"narrow\"><thead><tr><th class=\"l\">File</th><th>Bytes</th>"
                  "<th class=\"l\">SHA-256</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < run->ninputs; i++) {
            tb_put(s, "<tr><td class=\"l mono\">");
            tb_html(s, run->inputs[i]);
            tb_put(s, "</td><td>");
            h_num(s, (double)sizes[i], 0);
            tb_printf(s, "</td><td class=\"l mono\">%s</td></tr>\n", hex[i]);
        }
        tb_put(s, "</tbody></table></div>\n");
    }
    if (run->ntimings) {
        tb_put(s, "<h4>Timings</h4><div class=\"tbl\"><table class=\"narrow\"><thead><tr><th class=\"l\">Stage</th>"
                  "<th>Wall<br>seconds</th><th>CPU<br>seconds</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < run->ntimings; i++) {
            const report_timing *tm = &run->timings[i];
            tb_put(s, "<tr><td class=\"l\">");
            tb_html(s, tm->stage);
            if (tm->summed) tb_put(s, " (summed over regions)");
            tb_put(s, "</td><td>");
            h_num(s, tm->wall_s, 2);
            tb_put(s, "</td><td>");
            h_num(s, tm->cpu_s, 2);
            tb_put(s, "</td></tr>\n");
        }
        tb_put(s, "</tbody></table></div>\n<p>Wall seconds are elapsed time; CPU seconds add up the time of every "
                  "thread (a stage summed over regions that ran in parallel can exceed the total).</p>\n");
    }
    tb_put(s, "<h4>Warnings</h4>");
    if (run->nwarnings == 0) tb_put(s, "<p>None.</p>\n");
    else warn_list(s, run->warnings, run->nwarnings);
    if (run->ndata_warnings) {
        tb_put(s, "<h4>Data checks</h4>");
        warn_list(s, run->data_warnings, run->ndata_warnings);
    }
}

/* The ranking table: one row per region in rank order, one entry of
 * RANK_COLS per column (a budget column repeats once per budget). Adding a
 * column: a cell function and one entry. */
typedef struct {
    const report_ctx *c;
    const report_region *r;
    size_t idx, k, j; /* region index, rank - 1, budget of a per-budget column */
} rank_cell;

static void cell_rank(textbuf *s, const rank_cell *x) { tb_printf(s, "%zu", x->k + 1); }
static void cell_name(textbuf *s, const rank_cell *x)
{
    char id[64];
    region_id(id, sizeof id, x->idx, x->r->name);
    tb_printf(s, "<a href=\"#%s\">", id);
    tb_html(s, x->r->name);
    tb_put(s, "</a>");
    if (x->c->within[x->idx] != (size_t)-1) {
        tb_put(s, "<span class=\"tag\">within ");
        tb_html(s, x->c->rg[x->c->within[x->idx]].name);
        tb_put(s, "</span>");
    }
    if (imputed_pct(x->r) > IMPUTED_WARN_PCT) tb_put(s, "<span class=\"tag\">imputed &gt; 2 %</span>");
}
static void cell_peak(textbuf *s, const rank_cell *x) { h_mw(s, x->r->peak_mw); }
static void cell_lf(textbuf *s, const rank_cell *x) { h_num(s, x->r->load_factor * 100, 1); }
static void cell_hr(textbuf *s, const rank_cell *x) { h_mw(s, hrow(x->r, x->j)->headroom_mw); }
static void cell_pct(textbuf *s, const rank_cell *x) { h_num(s, hrow(x->r, x->c->rb)->headroom_pct_peak, 1); }
static void cell_curt(textbuf *s, const rank_cell *x) { h_num(s, hrow(x->r, x->c->rb)->curtailed_hours_per_year, 0); }
static void cell_p1090(textbuf *s, const rank_cell *x)
{
    const report_headroom *h = hrow(x->r, x->c->rb);
    tb_put(s, "<span class=\"nw\">");
    if (isfinite(h->p10_mw) || isfinite(h->p90_mw)) {
        h_mw(s, h->p10_mw);
        tb_put(s, "\xE2\x80\x93");
        h_mw(s, h->p90_mw);
    } else
        tb_put(s, "\xE2\x80\x93");
    tb_put(s, "</span>");
}
static void cell_contract(textbuf *s, const rank_cell *x) { h_mw(s, x->r->contract_mw); }
static void cell_binds(textbuf *s, const rank_cell *x)
{
    if (!isfinite(x->r->contract_mw)) return;
    tb_put(s, "<span class=\"nw\">");
    tb_html(s, x->r->contract_binding);
    tb_put(s, "</span>");
}
static void cell_mape(textbuf *s, const rank_cell *x)
{
    const report_backtest *ba = find_model(x->r, "auto");
    h_num(s, ba ? ba->mape : NAN, 2);
}

enum { COL_PLAIN, COL_PER_BUDGET, COL_AT_RANK_BUDGET };
typedef struct {
    const char *head; /* HTML; "%s" in a COL_AT_RANK_BUDGET head is the ranking budget */
    int kind, left;
    void (*cell)(textbuf *, const rank_cell *);
    unsigned view; /* 0: always; VIEW_*: only when some region has that view */
} rank_col;

static const rank_col RANK_COLS[] = {
    {"#", COL_PLAIN, 0, cell_rank, 0},
    {"Region", COL_PLAIN, 1, cell_name, 0},
    {"Peak<br>MW", COL_PLAIN, 0, cell_peak, 0},
    {"Load factor<br>%", COL_PLAIN, 0, cell_lf, 0},
    {"Headroom MW at each budget", COL_PER_BUDGET, 0, cell_hr, 0},
    {"%% of peak<br>at %s %%", COL_AT_RANK_BUDGET, 0, cell_pct, 0},
    {"Curtailed h/yr<br>at %s %%", COL_AT_RANK_BUDGET, 0, cell_curt, 0},
    {"P10\xE2\x80\x93P90 MW<br>at %s %%", COL_AT_RANK_BUDGET, 0, cell_p1090, 0},
    {"Contract MW<br>at %s %%", COL_AT_RANK_BUDGET, 0, cell_contract, VIEW_CONTRACT},
    {"Binds", COL_AT_RANK_BUDGET, 1, cell_binds, VIEW_CONTRACT},
    {"Day-ahead<br>MAPE %", COL_PLAIN, 0, cell_mape, 0},
};
#define NRANK_COLS (sizeof RANK_COLS / sizeof RANK_COLS[0])

static void rank_table(textbuf *s, const report_ctx *c)
{
    char bud[32];
    fmt_budget(bud, sizeof bud, c->nb ? c->budgets[c->rb] : NAN);
    unsigned views = report_views(c->rg, c->n);
    /* Two header rows: the per-budget columns share one heading. */
    tb_put(s, "<div class=\"tbl\"><table class=\"rank\"><thead><tr>");
    for (size_t q = 0; q < NRANK_COLS; q++) {
        const rank_col *col = &RANK_COLS[q];
        if ((col->kind != COL_PLAIN && !c->nb) || (col->view & ~views)) continue;
        if (col->kind == COL_PER_BUDGET) {
            tb_printf(s, "<th colspan=\"%zu\">%s</th>", c->nb, col->head);
            continue;
        }
        tb_printf(s, "<th rowspan=\"2\"%s>", col->left ? " class=\"l\"" : "");
        if (col->kind == COL_AT_RANK_BUDGET) tb_printf(s, col->head, bud);
        else tb_put(s, col->head);
        tb_put(s, "</th>");
    }
    tb_put(s, "</tr><tr>");
    for (size_t j = 0; j < c->nb; j++) {
        char b[32];
        fmt_budget(b, sizeof b, c->budgets[j]);
        tb_printf(s, "<th>%s %%</th>", b);
    }
    tb_put(s, "</tr></thead><tbody>\n");
    for (size_t k = 0; k < c->n; k++) {
        rank_cell x = {c, &c->rg[c->order[k]], c->order[k], k, 0};
        tb_put(s, "<tr>");
        for (size_t q = 0; q < NRANK_COLS; q++) {
            const rank_col *col = &RANK_COLS[q];
            if ((col->kind != COL_PLAIN && !c->nb) || (col->view & ~views)) continue;
            size_t reps = col->kind == COL_PER_BUDGET ? c->nb : 1;
            for (x.j = 0; x.j < reps; x.j++) {
                tb_put(s, col->left ? "<td class=\"l\">" : "<td>");
                col->cell(s, &x);
                tb_put(s, "</td>");
            }
        }
        tb_put(s, "</tr>\n");
    }
    tb_put(s, "</tbody></table></div>\n");
}

/* Regions nested in another region of the run, in one sentence each. */
static void nested_note(textbuf *s, const report_ctx *c)
{
    size_t any = 0;
    for (size_t k = 0; k < c->n; k++) {
        size_t i = c->order[k], p = c->within[i];
        if (p == (size_t)-1) continue;
        tb_put(s, any++ ? "; " : "<div class=\"note\"><b>Nested regions.</b> ");
        tb_html(s, c->rg[i].name);
        tb_put(s, " lies within ");
        tb_html(s, c->rg[p].name);
    }
    if (any) tb_put(s, ". Their headroom overlaps: it must not be added across nested regions.</div>\n");
}

/* Failed stages, at the top of the page. */
static void failure_banner(textbuf *s, const report_run *run)
{
    if (!run->nwarnings) return;
    tb_printf(s, "<div class=\"banner\" id=\"failures\"><b>Incomplete report: %zu stage%s failed.</b> The "
                 "sections of the regions named below are missing those results.<ul>",
              run->nwarnings, run->nwarnings == 1 ? "" : "s");
    for (size_t i = 0; i < run->nwarnings; i++) {
        tb_put(s, "<li>");
        tb_html(s, run->warnings[i]);
        tb_put(s, "</li>");
    }
    tb_put(s, "</ul></div>\n");
}

static void page_head(textbuf *s, const report_ctx *c, const char *title, const char *t)
{
    char bud[32];
    tb_put(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"generator\" content=\"headroom ");
    tb_html(s, c->version);
    tb_put(s, "\">\n<title>");
    tb_html(s, title);
    tb_printf(s, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<div class=\"wrap\">\n<header>\n<h1>", CSS);
    tb_html(s, title);
    tb_printf(s, "</h1>\n<p class=\"sub\">%zu region%s", c->n, c->n == 1 ? "" : "s");
    if (c->nb) {
        tb_put(s, " \xC2\xB7 curtailment budgets ");
        for (size_t j = 0; j < c->nb; j++) {
            fmt_budget(bud, sizeof bud, c->budgets[j]);
            tb_printf(s, "%s%s", j ? ", " : "", bud);
        }
        fmt_budget(bud, sizeof bud, c->budgets[c->rb]);
        tb_printf(s, " %% \xC2\xB7 ranked by %sheadroom at %s %%", c->run->rank_by_contract ? "contract " : "", bud);
    }
    tb_printf(s, " \xC2\xB7 generated <span class=\"nw\">%s</span> by headroom ", t);
    tb_html(s, c->version);
    tb_put(s, "</p>\n<nav><a href=\"#ranking\">Ranking</a><a href=\"#regions\">Regions</a>"
              "<a href=\"#accuracy\">Forecast accuracy</a><a href=\"#quality\">Data quality</a>"
              "<a href=\"#method\">Method</a><a href=\"#run\">Run</a>"
              "<a href=\"regions.csv\">regions.csv</a><a href=\"regions.json\">regions.json</a></nav>\n");
    failure_banner(s, c->run);
    tb_put(s, "</header>\n<main>\n");
}

void render_html(textbuf *s, const report_ctx *c)
{
    const report_run *run = c->run;
    const char *title = run->title ? run->title : "Grid headroom for new data-center load";
    char t[32];
    cal_format_utc(run->created_utc, t);
    page_head(s, c, title, t);
    tb_put(s, "<section id=\"ranking\"><h2>Ranking</h2>\n<p>How much new flat load each region could take "
              "before curtailment exceeds the budget (share of the added energy that would have to be "
              "curtailed in an average year). Bars show each budget; the orange whisker is the spread of "
              "next year's headroom from simulated years. The same numbers, per region and budget: "
              "<a href=\"regions.csv\">regions.csv</a>, <a href=\"regions.json\">regions.json</a>.</p>\n");
    chart_rank(s, c->rg, c->order, c->n, c->nb, c->budgets, c->rb);
    if (c->n) rank_table(s, c);
    if (report_views(c->rg, c->n) & VIEW_CAMPUS) html_campus(s, c->rg, c->order, c->n);
    nested_note(s, c);
    tb_put(s, "</section>\n<section id=\"regions\"><h2>Regions</h2>\n");
    if (c->n == 0) nodata(s, "no regions were found in the inputs");
    for (size_t k = 0; k < c->n; k++) html_region(s, c, k);
    tb_put(s, "</section>\n");
    tb_put(s, "<section id=\"accuracy\"><h2>Day-ahead forecast accuracy</h2>\n<p>Backtest over the last year "
              "of data: each day's 24 hours forecast from the data up to the previous day. The lowest MAPE "
              "of each region is highlighted; coverage is the percentage of actual hours inside the "
              "interval.</p>\n");
    html_backtest(s, c->rg, c->order, c->n);
    tb_put(s, "</section>\n<section id=\"quality\"><h2>Data quality</h2>\n");
    html_quality(s, c->rg, c->order, c->n);
    tb_put(s, "</section>\n<section id=\"method\"><h2>Method and sources</h2>\n");
    html_method(s, run);
    tb_put(s, "</section>\n<section id=\"run\"><h2>Run</h2>\n");
    html_run(s, run, c->hex, c->sizes, c->version);
    tb_put(s, "</section>\n</main>\n<footer>Generated by headroom ");
    tb_html(s, c->version);
    tb_printf(s, " at %s. Times UTC unless a chart names a zone. Machine-readable results: "
                 "<a href=\"regions.csv\">regions.csv</a>, <a href=\"regions.json\">regions.json</a>; "
                 "provenance: <a href=\"run.json\">run.json</a>.</footer>\n</div>\n</body>\n</html>\n",
              t);
}
