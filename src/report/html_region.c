/* html_region.c — one region's section of index.html: headline tiles,
 * the sentences that say what the numbers rest on (study years,
 * thresholds, training years, nesting, data warnings), the four charts,
 * the headroom table by budget and the generation mix.
 *
 * Adding a sentence: one more call in region_facts; a tile: one more
 * tile(); a headroom column: one more entry in HEADROOM_COLS. */
#include "report/render.h"
#include "time/calendar.h"

#include <stddef.h>
#include <string.h>

static void tile(textbuf *s, const char *label, const char *value_html)
{
    tb_printf(s, "<div class=\"tile\"><b>%s</b><span>", value_html);
    tb_html(s, label);
    tb_put(s, "</span></div>");
}

/* A tile showing x with dec decimals and a unit suffix. */
static void num_tile(textbuf *s, const char *label, double x, int dec, const char *unit)
{
    char v[96];
    fmt_grp(v, sizeof v, x, dec);
    if (isfinite(x)) strcat(v, unit);
    tile(s, label, v);
}

/* What the P10/P50/P90 are, and why P50 is far from the historical figure
 * where it is (more than 20 %). */
static void outlook_note(textbuf *s, const report_region *r, const report_headroom *h)
{
    char a[48], b[48], c[48], bud[32];
    fmt_budget(bud, sizeof bud, h->budget_pct);
    fmt_grp(a, sizeof a, (double)r->outlook.scenarios, 0);
    fmt_grp(b, sizeof b, r->outlook.threshold_summer_mw, 0);
    fmt_grp(c, sizeof c, r->outlook.threshold_winter_mw, 0);
    tb_printf(s, "<p class=\"note\">P10 / P50 / P90: %s simulated years of %d from a model trained on %d", a,
              r->outlook.year, r->outlook.train_from);
    if (r->outlook.train_to != r->outlook.train_from) tb_printf(s, "\xE2\x80\x93%d", r->outlook.train_to);
    tb_printf(s, ", against the thresholds of the observed years (summer %s MW, winter %s MW).", b, c);
    double d = h->headroom_mw > 0 ? h->p50_mw / h->headroom_mw - 1 : NAN;
    if (isfinite(d) && fabs(d) > 0.2) {
        fmt_grp(a, sizeof a, h->p50_mw, 0);
        fmt_grp(b, sizeof b, h->headroom_mw, 0);
        tb_printf(s, " At %s %% the P50 (%s MW) is %.0f %% %s the historical %s MW: headroom is the thin margin between "
                  "the peak hours and thresholds that stay where they were, so a simulated year whose load level "
                  "(the model's level and trend for %d, uncertain by a few %%) or weather (a whole observed year per "
                  "path) differs a little from the observed years' moves it a lot.",
                  bud, a, fabs(d) * 100, d < 0 ? "below" : "above", b, r->outlook.year);
    }
    tb_put(s, "</p>\n");
}

static void region_tiles(textbuf *s, const report_region *r, size_t rb)
{
    tb_put(s, "<div class=\"tiles\">");
    num_tile(s, "peak load", r->peak_mw, 0, " MW");
    num_tile(s, "load factor", r->load_factor * 100, 1, " %");
    if (r->nbudgets) {
        const report_headroom *h = &r->headroom[rb];
        char bud[32], b[96];
        fmt_budget(bud, sizeof bud, h->budget_pct);
        snprintf(b, sizeof b, "headroom at %s %% budget", bud);
        num_tile(s, b, h->headroom_mw, 0, " MW");
        num_tile(s, "of peak", h->headroom_pct_peak, 1, " %");
        num_tile(s, "curtailed h/yr", h->curtailed_hours_per_year, 0, "");
        if (isfinite(h->p10_mw) || isfinite(h->p90_mw)) {
            char a[48], c[48], v[128];
            fmt_grp(a, sizeof a, h->p10_mw, 0);
            fmt_grp(c, sizeof c, h->p90_mw, 0);
            snprintf(v, sizeof v, "%s\xE2\x80\x93%s", a, c);
            if (r->outlook.scenarios) snprintf(b, sizeof b, "P10\xE2\x80\x93P90 MW, %d", r->outlook.year);
            tile(s, r->outlook.scenarios ? b : "P10\xE2\x80\x93P90 MW, next year", v);
        }
    }
    const report_backtest *ba = find_model(r, "auto");
    if (ba) num_tile(s, "day-ahead MAPE", ba->mape, 2, " %");
    tb_put(s, "</div>\n");
    if (r->nbudgets && r->outlook.scenarios && isfinite(r->headroom[rb].p50_mw))
        outlook_note(s, r, &r->headroom[rb]);
}

/* What the numbers rest on, as sentences. */
static void region_facts(textbuf *s, const report_ctx *c, size_t idx)
{
    const report_region *r = &c->rg[idx];
    tb_put(s, "<p class=\"facts\">");
    if (r->year_from > 0) {
        char ts[48], tw[48];
        fmt_grp(ts, sizeof ts, r->threshold_summer_mw, 0);
        fmt_grp(tw, sizeof tw, r->threshold_winter_mw, 0);
        if (r->year_to > r->year_from) tb_printf(s, "Study years %d\xE2\x80\x93%d. ", r->year_from, r->year_to);
        else tb_printf(s, "Study year %d. ", r->year_from);
        if (r->threshold_summer_mw == r->threshold_winter_mw) tb_printf(s, "Threshold %s MW all year. ", ts);
        else tb_printf(s, "Thresholds: summer %s MW, winter %s MW. ", ts, tw);
    } else
        tb_put(s, "No headroom: the study years could not be set. ");
    if (r->train_last_utc >= r->train_first_utc) {
        char a[21], b[21];
        cal_format_utc(r->train_first_utc, a);
        cal_format_utc(r->train_last_utc, b);
        a[10] = b[10] = '\0';
        tb_printf(s, "Forecast model trained on %d\xE2\x80\x93%d (%s to %s).", utc_year(r->train_first_utc),
                  utc_year(r->train_last_utc), a, b);
    } else
        tb_put(s, "No forecast model was fitted.");
    tb_put(s, "</p>\n");
    if (c->within[idx] != (size_t)-1) {
        tb_put(s, "<div class=\"note\"><b>Nested region.</b> ");
        tb_html(s, r->name);
        tb_put(s, " lies within ");
        tb_html(s, c->rg[c->within[idx]].name);
        tb_put(s, ": their headroom overlaps and must not be added.</div>\n");
    }
    double ip = imputed_pct(r);
    if (ip > IMPUTED_WARN_PCT) {
        char v[48];
        fmt_grp(v, sizeof v, ip, 1);
        tb_printf(s, "<div class=\"note warnbox\"><b>Data warning.</b> %s %% of the hours were imputed (over %g %%): "
                     "the headroom and the forecast rest partly on filled-in load.</div>\n",
                  v, IMPUTED_WARN_PCT);
    }
    if (r->note) {
        tb_put(s, "<div class=\"note\">");
        tb_html(s, r->note);
        tb_put(s, "</div>\n");
    }
}

static void region_charts(textbuf *s, const report_region *r)
{
    tb_put(s, "<div class=\"charts\">\n<figure><figcaption>Headroom versus curtailment</figcaption>\n");
    chart_curve(s, r);
    tb_put(s, "</figure>\n<figure><figcaption>Load-duration curve</figcaption>\n");
    chart_ldc(s, r);
    tb_put(s, "</figure>\n<figure><figcaption>When curtailment happens (");
    tb_html(s, r->heatmap_tz ? r->heatmap_tz : "UTC");
    tb_put(s, " time)</figcaption>\n");
    chart_heatmap(s, r);
    tb_put(s, "</figure>\n<figure><figcaption>");
    if (r->forecast.h && r->forecast.mean) {
        char span[64];
        forecast_span(span, sizeof span, &r->forecast);
        tb_printf(s, "Next %zu days: ", (r->forecast.h + 23) / 24);
        tb_html(s, span);
    } else
        tb_put(s, "Next days");
    tb_put(s, "</figcaption>\n");
    chart_fan(s, r);
    tb_put(s, "</figure>\n</div>\n");
}

/* The columns of the headroom table. */
static const num_col HEADROOM_COLS[] = {
    {"Headroom<br>MW", offsetof(report_headroom, headroom_mw), 0, 1},
    {"% of<br>peak", offsetof(report_headroom, headroom_pct_peak), 1, 0},
    {"Curtailed<br>h/yr", offsetof(report_headroom, curtailed_hours_per_year), 0, 0},
    {"h/yr with<br>&ge;50 % kept", offsetof(report_headroom, hours_ge50), 0, 0},
    {"<br>&ge;75 %", offsetof(report_headroom, hours_ge75), 0, 0},
    {"<br>&ge;90 %", offsetof(report_headroom, hours_ge90), 0, 0},
    {"Mean<br>event h", offsetof(report_headroom, mean_event_hours), 1, 0},
    {"Longest<br>event h", offsetof(report_headroom, max_event_hours), 0, 0},
    {"P10<br>MW", offsetof(report_headroom, p10_mw), 0, 1},
    {"P50<br>MW", offsetof(report_headroom, p50_mw), 0, 1},
    {"P90<br>MW", offsetof(report_headroom, p90_mw), 0, 1},
};

static void headroom_table(textbuf *s, const report_region *r)
{
    if (!r->nbudgets) return;
    size_t nc = sizeof HEADROOM_COLS / sizeof HEADROOM_COLS[0];
    tb_put(s, "<h4>Headroom by budget</h4><div class=\"tbl\"><table><thead><tr><th class=\"l\">Budget</th>");
    num_heads(s, HEADROOM_COLS, nc);
    tb_put(s, "</tr></thead><tbody>\n");
    for (size_t j = 0; j < r->nbudgets; j++) {
        const report_headroom *x = &r->headroom[j];
        char bud[32];
        fmt_budget(bud, sizeof bud, x->budget_pct);
        tb_printf(s, "<tr><td class=\"l\">%s %%</td>", bud);
        num_cells(s, x, HEADROOM_COLS, nc, NULL);
        tb_put(s, "</tr>\n");
    }
    tb_put(s, "</tbody></table></div>\n");
}

static void genmix_table(textbuf *s, const report_region *r)
{
    const report_genmix *g = &r->genmix;
    if (g->nfuels && g->fuel && g->share_pct) {
        tb_put(s, "<h4>Generation mix</h4><div class=\"tbl\"><table class=\"narrow\"><thead><tr><th class=\"l\">Fuel</th>"
                  "<th>Share, all hours</th><th>Share, curtailed hours</th></tr></thead><tbody>\n");
        for (size_t k = 0; k < g->nfuels; k++) {
            tb_put(s, "<tr><td class=\"l\">");
            tb_html(s, g->fuel[k]);
            tb_put(s, "</td><td>");
            h_num(s, g->share_pct[k], 1);
            tb_put(s, " %</td><td>");
            h_num(s, g->share_curtailed_pct ? g->share_curtailed_pct[k] : NAN, 1);
            tb_put(s, " %</td></tr>\n");
        }
        tb_put(s, "<tr class=\"grp\"><td class=\"l\"><b>Carbon-free</b></td><td><b>");
        h_num(s, g->cf_share_pct, 1);
        tb_put(s, " %</b></td><td><b>");
        h_num(s, g->cf_share_curtailed_pct, 1);
        tb_put(s, " %</b></td></tr></tbody></table></div>\n");
    } else if (isfinite(g->cf_share_pct)) {
        tb_put(s, "<p>Carbon-free share of generation: ");
        h_num(s, g->cf_share_pct, 1);
        tb_put(s, " % overall, ");
        h_num(s, g->cf_share_curtailed_pct, 1);
        tb_put(s, " % in the hours that would curtail.</p>\n");
    }
}

void html_region(textbuf *s, const report_ctx *c, size_t k)
{
    size_t idx = c->order[k];
    const report_region *r = &c->rg[idx];
    char id[64];
    region_id(id, sizeof id, idx, r->name);
    tb_printf(s, "<article class=\"region\" id=\"%s\">\n<h3><span class=\"rank-no\">#%zu</span> ", id, k + 1);
    tb_html(s, r->name);
    tb_put(s, "</h3>\n");
    region_tiles(s, r, c->rb);
    region_facts(s, c, idx);
    region_charts(s, r);
    headroom_table(s, r);
    genmix_table(s, r);
    tb_put(s, "</article>\n");
}
