/* charts.c — the report's charts as inline SVG: per region the
 * headroom-versus-curtailment curve, the load-duration curve, the month x
 * hour curtailment heatmap and the forecast fan; over all regions the
 * ranking bars. Each draws a "no data" box instead when its input is
 * missing. */
#include "report/render.h"
#include "time/calendar.h"

#include <string.h>

/* Headroom-versus-curtailment: rate (%) against added flat MW, with the
 * solved headroom marked at each budget. */
void chart_curve(textbuf *s, const report_region *r)
{
    size_t n = r->ncurve;
    if (n < 2 || !r->curve_mw || !r->curve_rate_pct) {
        nodata(s, "headroom-versus-curtailment curve not computed");
        return;
    }
    double bmax = 0;
    for (size_t j = 0; j < r->nbudgets; j++)
        if (isfinite(r->headroom[j].budget_pct) && r->headroom[j].budget_pct > bmax)
            bmax = r->headroom[j].budget_pct;
    /* Keep the curve up to twice the largest budget: beyond that the small
     * budgets would be squashed against the axis. */
    double cap = bmax > 0 ? 2 * bmax : INFINITY;
    size_t keep = 0;
    double xmax = 0, ymax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(r->curve_mw[i]) || !isfinite(r->curve_rate_pct[i])) continue;
        if (r->curve_rate_pct[i] > cap && keep > 0) break;
        keep = i + 1;
        if (r->curve_mw[i] > xmax) xmax = r->curve_mw[i];
        if (r->curve_rate_pct[i] > ymax) ymax = r->curve_rate_pct[i];
    }
    if (keep < 2 || !(xmax > 0)) {
        nodata(s, "headroom-versus-curtailment curve is empty");
        return;
    }
    /* Every budget's point on the chart, also one the sampled curve stops
     * short of (a headroom beyond the curve's last load). */
    for (size_t j = 0; j < r->nbudgets; j++) {
        const report_headroom *h = &r->headroom[j];
        if (isfinite(h->headroom_mw) && h->headroom_mw > xmax) xmax = h->headroom_mw;
        if (isfinite(h->budget_pct) && h->budget_pct > ymax) ymax = h->budget_pct;
    }
    frame f = std_frame();
    f.xmin = 0; f.xmax = xmax; f.ymin = 0; f.ymax = ymax > 0 ? ymax : 1;
    double xs = nice_axis(&f.xmin, &f.xmax, 6), ys = nice_axis(&f.ymin, &f.ymax, 5);
    svg_open(s, CW, CH, "Curtailment rate versus added flat load", r->name);
    svg_yaxis(s, &f, ys, "Curtailment (% of added energy)");
    svg_xaxis(s, &f, xs, "Added flat load (MW)");
    svg_baseline(s, &f);
    svg_line(s, &f, r->curve_mw, r->curve_rate_pct, keep, 0, 0, "ln-curve");
    for (size_t j = 0; j < r->nbudgets; j++) {
        const report_headroom *h = &r->headroom[j];
        if (!isfinite(h->headroom_mw) || !isfinite(h->budget_pct)) continue;
        double cx = fx(&f, h->headroom_mw), cy = fy(&f, h->budget_pct);
        tb_printf(s, "<path class=\"guide\" d=\"M%.1f %.1f H%.1f V%.1f\"/>", f.x0, cy, cx, f.y0 + f.h);
    }
    /* Points on top of all guides, then a legend box in the upper left,
     * which the convex curve leaves empty; it lists every budget. */
    if (r->nbudgets)
        tb_printf(s, "<rect class=\"lgbg\" x=\"%.1f\" y=\"%.1f\" width=\"178\" height=\"%.1f\"/>", f.x0 + 6,
                  f.y0 + 4, 16.0 * (double)r->nbudgets + 8);
    for (size_t j = 0; j < r->nbudgets; j++) {
        const report_headroom *h = &r->headroom[j];
        const char *col = budget_colour(j, r->nbudgets);
        char b[32], mw[64];
        fmt_budget(b, sizeof b, h->budget_pct);
        fmt_grp(mw, sizeof mw, h->headroom_mw, 0);
        double ly = f.y0 + 16 + 16.0 * (double)j;
        if (isfinite(h->headroom_mw) && isfinite(h->budget_pct))
            tb_printf(s, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>",
                      fx(&f, h->headroom_mw), fy(&f, h->budget_pct), col);
        tb_printf(s, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>"
                     "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" dy=\"0.32em\">%s %% budget: %s MW</text>\n",
                  f.x0 + 16, ly, col, f.x0 + 26, ly, b, mw);
    }
    svg_close(s);
}

/* The budgets on the load-duration curve: each at the share of hours it
 * curtails (curtailed hours per year over the 8,766 hours of a mean year),
 * with a legend in the upper right, which the falling curve leaves empty. */
static void ldc_budgets(textbuf *s, const report_region *r, const frame *f, double step)
{
    if (!r->nbudgets) return;
    double lx = f->x0 + f->w - 196, ly = f->y0 + 4;
    tb_printf(s, "<rect class=\"lgbg\" x=\"%.1f\" y=\"%.1f\" width=\"192\" height=\"%.1f\"/>", lx, ly,
              16.0 * (double)r->nbudgets + 24);
    tb_printf(s, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" dy=\"0.32em\">Curtailed at each budget:</text>",
              lx + 6, ly + 12);
    for (size_t j = 0; j < r->nbudgets; j++) {
        const report_headroom *h = &r->headroom[j];
        const char *col = budget_colour(j, r->nbudgets);
        double share = 100 * h->curtailed_hours_per_year / 8766;
        double rowy = ly + 28 + 16.0 * (double)j;
        if (isfinite(share) && share >= 0 && share <= 100 && r->nldc >= 2) {
            /* the curve's value at that share, interpolated between points */
            double u = share / step;
            size_t i = (size_t)u;
            if (i >= r->nldc - 1) i = r->nldc - 2;
            double a = r->ldc_pct[i], b = r->ldc_pct[i + 1], y = a + (b - a) * (u - (double)i);
            if (isfinite(y))
                tb_printf(s, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>", fx(f, share),
                          fy(f, y < f->ymin ? f->ymin : y), col);
        }
        char bud[32], hrs[64];
        fmt_budget(bud, sizeof bud, h->budget_pct);
        fmt_grp(hrs, sizeof hrs, h->curtailed_hours_per_year, 0);
        tb_printf(s, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>"
                     "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" dy=\"0.32em\">%s %%: %s h/yr</text>\n",
                  lx + 12, rowy, col, lx + 22, rowy, bud, hrs);
    }
}

/* Load-duration curve as % of peak. */
void chart_ldc(textbuf *s, const report_region *r)
{
    size_t n = r->nldc, nfin = 0;
    double ymin = INFINITY;
    for (size_t i = 0; r->ldc_pct && i < n; i++)
        if (isfinite(r->ldc_pct[i])) {
            nfin++;
            if (r->ldc_pct[i] < ymin) ymin = r->ldc_pct[i];
        }
    if (nfin < 2) {
        nodata(s, "load-duration curve not computed");
        return;
    }
    frame f = std_frame();
    f.xmin = 0; f.xmax = 100;
    f.ymin = floor((ymin < 100 ? ymin : 90) / 10) * 10;
    f.ymax = 100;
    if (f.ymin < 0) f.ymin = 0;
    svg_open(s, CW, CH, "Load-duration curve", r->name);
    svg_yaxis(s, &f, f.ymax - f.ymin > 50 ? 20 : 10, "Load (% of peak)");
    svg_xaxis(s, &f, 20, "Share of hours at or above this load (%)");
    /* Area under the curve first, then its outline; more than ~400 points
     * add bytes but nothing visible at this width, so thin them (always
     * keeping the first and last point: the peak and the minimum). */
    double step = 100.0 / (double)(n - 1);
    size_t stride = n / 400 + 1;
    tb_put(s, "<path class=\"area\" d=\"");
    int first = 1;
    double lastx = 0, firstx = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(r->ldc_pct[i]) || (i % stride != 0 && i + 1 != n)) continue;
        double x = fx(&f, step * (double)i);
        if (first) firstx = x;
        tb_printf(s, "%s%.1f %.1f", first ? "M" : " L", x, fy(&f, r->ldc_pct[i]));
        lastx = x;
        first = 0;
    }
    tb_printf(s, " L%.1f %.1f L%.1f %.1f Z\"/>\n", lastx, f.y0 + f.h, firstx, f.y0 + f.h);
    tb_put(s, "<path class=\"ln-ldc\" d=\"");
    first = 1;
    int pen = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(r->ldc_pct[i])) {
            pen = 0;
            continue;
        }
        if (i % stride != 0 && i + 1 != n) continue;
        tb_printf(s, "%s%.1f %.1f", pen ? " L" : first ? "M" : " M", fx(&f, step * (double)i),
                  fy(&f, r->ldc_pct[i]));
        pen = 1;
        first = 0;
    }
    tb_put(s, "\"/>\n");
    svg_baseline(s, &f);
    ldc_budgets(s, r, &f, step);
    svg_close(s);
}

/* ColorBrewer "Oranges" (Brewer 2002), 7 classes; zero gets a neutral grey. */
static const char *const ORANGES[7] = {"#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#8c2d04"};
#define C_ZERO "#f2f4f6"

static const char *heat_colour(double v, double vmax)
{
    if (!isfinite(v)) return "#ffffff";
    if (v <= 0 || vmax <= 0) return C_ZERO;
    int k = (int)ceil(v / vmax * 7) - 1;
    return ORANGES[k < 0 ? 0 : k > 6 ? 6 : k];
}

/* One budget's panel: months down, hours of day across, cell (cw x chh)
 * with its value as a tooltip; the budget as the panel's title. */
static void heat_panel(textbuf *s, const double *cells, double budget, double x0, double y0, double vmax)
{
    const double cw = 9, chh = 7;
    char bud[32];
    fmt_budget(bud, sizeof bud, budget);
    tb_printf(s, "<g class=\"ax\"><text class=\"lbl\" x=\"%.1f\" y=\"%.1f\">At the %s %% budget</text>", x0,
              y0 - 5, bud);
    for (int m = 0; m < 12; m += 2) /* every other month: the rows are 7 units high */
        tb_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dy=\"0.32em\">%s</text>", x0 - 4,
                  y0 + chh * (m + 0.5), MONTH_ABBR[m]);
    for (int h = 0; h < 24; h += 6)
        tb_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%02d</text>", x0 + cw * (h + 0.5),
                  y0 + chh * 12 + 12, h);
    /* One grey rectangle for the cells without curtailment (most of them at
     * the small budgets), then only the other cells: a quarter of the bytes. */
    tb_printf(s, "</g>\n<g class=\"cells\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                 "<title>No curtailment at the %s %% budget</title></rect>",
              x0, y0, cw * 24 - 1, chh * 12 - 1, C_ZERO, bud);
    for (int m = 0; m < 12; m++)
        for (int h = 0; h < 24; h++) {
            double v = cells[h * 12 + m];
            if (isfinite(v) && v <= 0) continue;
            char vb[64];
            fmt_grp(vb, sizeof vb, v, 1);
            tb_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                         "<title>%s %s %02d:00: %s h/yr</title></rect>",
                      x0 + cw * h, y0 + chh * m, cw - 1, chh - 1, heat_colour(v, vmax), bud, MONTH_ABBR[m], h, vb);
        }
    tb_put(s, "</g>\n");
}

/* Curtailed hours per year by month and hour of day, one small panel per
 * budget on one colour scale, in the region's local time. */
void chart_heatmap(textbuf *s, const report_region *r)
{
    size_t nb = r->nbudgets, nfin = 0;
    double vmax = 0;
    for (size_t i = 0; r->heatmap && i < nb * 24 * 12; i++)
        if (isfinite(r->heatmap[i])) {
            nfin++;
            if (r->heatmap[i] > vmax) vmax = r->heatmap[i];
        }
    if (nfin == 0) {
        nodata(s, "curtailment heatmap not computed");
        return;
    }
    const char *tz = r->heatmap_tz ? r->heatmap_tz : "UTC";
    char title[256], bl[128] = "";
    for (size_t j = 0; j < nb; j++) {
        char b[32];
        fmt_budget(b, sizeof b, r->headroom[j].budget_pct);
        size_t o = strlen(bl);
        snprintf(bl + o, sizeof bl - o, "%s%s", j == 0 ? "" : j + 1 == nb ? " and " : ", ", b);
    }
    snprintf(title, sizeof title, "Curtailed hours per year by month and hour of day (%s) at the %s %% budgets",
             tz, bl);
    /* Two panels a row: 216 x 84 each, titles above, hour labels below. */
    size_t rows = (nb + 1) / 2;
    int H = (int)(20 + 120 * rows + 26);
    svg_open(s, CW, H < CH ? CH : H, title, r->name);
    for (size_t j = 0; j < nb; j++)
        heat_panel(s, r->heatmap + j * 24 * 12, r->headroom[j].budget_pct, j % 2 ? 290 : 36,
                   22 + 120 * (double)(j / 2), vmax);
    double ya = 22 + 120 * (double)rows;
    tb_printf(s, "<g class=\"ax\"><text class=\"at\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", 252.0, ya);
    tb_html(s, "Hour of day, ");
    tb_html(s, tz);
    tb_put(s, "</text></g>\n");
    /* Legend: the seven classes with their upper bounds, at the right. */
    double lx = 508, ly = 22;
    tb_printf(s, "<g class=\"ax\"><text x=\"%.1f\" y=\"%.1f\">h/yr</text>", lx, ly);
    for (int k = 0; k <= 7; k++) {
        char b[64];
        fmt_grp(b, sizeof b, k == 0 ? 0 : vmax * k / 7.0, vmax >= 70 ? 0 : 1);
        tb_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.32em\">%s%s</text>",
                  lx, ly + 8 + 16.0 * k, k == 0 ? C_ZERO : ORANGES[k - 1], lx + 13, ly + 13 + 16.0 * k,
                  k == 0 ? "" : "\xE2\x89\xA4", k == 0 ? "0" : b);
    }
    tb_put(s, "</g>\n");
    svg_close(s);
}

/* "Jan 1 – Jan 14, 2024 (UTC)": the days of the forecast hours. */
void forecast_span(char *buf, size_t cap, const report_forecast *fc)
{
    cal_civil a, b;
    cal_utc_to_civil(fc->t0_utc, &a, NULL, NULL);
    cal_utc_to_civil(fc->t0_utc + 3600 * ((int64_t)(fc->h ? fc->h : 1) - 1), &b, NULL, NULL);
    if (a.year == b.year)
        snprintf(buf, cap, "%s %d \xE2\x80\x93 %s %d, %d (UTC)", MONTH_ABBR[a.month - 1], a.day,
                 MONTH_ABBR[b.month - 1], b.day, b.year);
    else
        snprintf(buf, cap, "%s %d, %d \xE2\x80\x93 %s %d, %d (UTC)", MONTH_ABBR[a.month - 1], a.day, a.year,
                 MONTH_ABBR[b.month - 1], b.day, b.year);
}

/* The load above which a new flat load of budget j's headroom would be
 * curtailed: the hour's threshold (by the season of its UTC month, as
 * hr_assess maps them) minus that headroom, over n hours from t0. */
static void curtail_line(textbuf *s, const frame *f, const report_region *r, size_t j, int64_t t0, size_t n)
{
    double L = r->headroom[j].headroom_mw;
    if (!isfinite(L) || n == 0) return;
    tb_printf(s, "<path class=\"cline\" stroke=\"%s\" d=\"", budget_colour(j, r->nbudgets));
    double prev = NAN;
    for (size_t i = 0; i < n; i++) {
        cal_civil c;
        cal_utc_to_civil(t0 + 3600 * (int64_t)i, &c, NULL, NULL);
        double T = hr_assess_month_season(c.month) == HR_SEASON_SUMMER ? r->threshold_summer_mw
                                                                       : r->threshold_winter_mw;
        double x = fx(f, (double)i + f->xmin), y = fy(f, T - L);
        if (i == 0) tb_printf(s, "M%.1f %.1f", x, y);
        else if (T - L != prev) tb_printf(s, " H%.1f V%.1f", x, y);
        prev = T - L;
    }
    tb_printf(s, " H%.1f\"/>\n", fx(f, f->xmax));
}

/* The fan chart's legend: lines, bands and, when drawn, the budgets'
 * curtailment lines on a second row. */
static void fan_legend(textbuf *s, const frame *f, const report_region *r, int b80, int b95, int lines)
{
    double lx = f->x0 + 8, ly = f->y0 + 6;
    tb_printf(s, "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" width=\"262\" height=\"20\" class=\"lgbg\"/>"
                 "<path class=\"ln-hist\" d=\"M%.1f %.1f h16\"/><text x=\"%.1f\" y=\"%.1f\">observed</text>"
                 "<path class=\"ln-mean\" d=\"M%.1f %.1f h16\"/><text x=\"%.1f\" y=\"%.1f\">forecast</text>",
              lx - 4, ly - 2, lx, ly + 8, lx + 20, ly + 12, lx + 80, ly + 8, lx + 100, ly + 12);
    if (b80)
        tb_printf(s, "<rect class=\"band80\" x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\">80 %%</text>",
                  lx + 160, ly + 3, lx + 178, ly + 12);
    if (b95)
        tb_printf(s, "<rect class=\"band95\" x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\">95 %%</text>",
                  lx + 210, ly + 3, lx + 228, ly + 12);
    if (lines) {
        tb_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" class=\"lgbg\"/>", lx - 4,
                  ly + 19, 48 + 18.0 * (double)r->nbudgets + 262);
        for (size_t j = 0; j < r->nbudgets; j++)
            tb_printf(s, "<path class=\"cline\" stroke=\"%s\" d=\"M%.1f %.1f h14\"/>", budget_colour(j, r->nbudgets),
                      lx + 18.0 * (double)j, ly + 28);
        tb_printf(s, "<text x=\"%.1f\" y=\"%.1f\">each budget's headroom curtails above its line</text>",
                  lx + 18.0 * (double)r->nbudgets + 4, ly + 32);
    }
    tb_put(s, "</g>\n");
}

/* Forecast fan chart: 95 % and 80 % bands, mean, and the observed week. */
void chart_fan(textbuf *s, const report_region *r)
{
    const report_forecast *fc = &r->forecast;
    size_t h = fc->mean ? fc->h : 0, nh = fc->history ? fc->nhist : 0;
    int b95 = h && all_finite(fc->lo95, h) && all_finite(fc->hi95, h);
    int b80 = h && all_finite(fc->lo80, h) && all_finite(fc->hi80, h);
    double ymin = INFINITY, ymax = -INFINITY;
    size_t nfin = 0;
#define ACC(arr, k)                                                 \
    for (size_t i = 0; i < (k); i++)                                \
        if (isfinite((arr)[i])) {                                   \
            nfin++;                                                 \
            if ((arr)[i] < ymin) ymin = (arr)[i];                   \
            if ((arr)[i] > ymax) ymax = (arr)[i];                   \
        }
    if (h) ACC(fc->mean, h);
    if (nh) ACC(fc->history, nh);
    if (b95) { ACC(fc->lo95, h); ACC(fc->hi95, h); }
    if (b80) { ACC(fc->lo80, h); ACC(fc->hi80, h); }
#undef ACC
    if (nfin < 2 || h == 0) {
        nodata(s, "forecast not computed");
        return;
    }
    int lines = r->nbudgets && isfinite(r->threshold_summer_mw) && isfinite(r->threshold_winter_mw);
    for (size_t j = 0; lines && j < r->nbudgets; j++) {
        double L = r->headroom[j].headroom_mw;
        if (!isfinite(L)) continue;
        double lo = fmin(r->threshold_summer_mw, r->threshold_winter_mw) - L;
        double hi = fmax(r->threshold_summer_mw, r->threshold_winter_mw) - L;
        if (lo < ymin) ymin = lo;
        if (hi > ymax) ymax = hi;
    }
    frame f = std_frame();
    f.xmin = -(double)nh;
    f.xmax = (double)h;
    f.ymin = ymin;
    f.ymax = ymax;
    double ys = nice_axis(&f.ymin, &f.ymax, 5);
    char title[160], span[64];
    forecast_span(span, sizeof span, fc);
    snprintf(title, sizeof title, "Load forecast for %s with 80 %% and 95 %% intervals and the budgets' curtailment lines",
             span);
    svg_open(s, CW, CH, title, r->name);
    svg_yaxis(s, &f, ys, "Load (MW)");
    /* Day ticks at 00:00 UTC, every k days so that at most 8 are labelled. */
    int64_t tfirst = fc->t0_utc - (int64_t)nh * 3600, tlast = fc->t0_utc + (int64_t)h * 3600;
    int64_t days = (tlast - tfirst) / 86400 + 1;
    int64_t kd = days / 8 + 1;
    int64_t d0 = tfirst >= 0 ? (tfirst + 86399) / 86400 : -((-tfirst) / 86400);
    tb_put(s, "<g class=\"ax\">");
    for (int64_t d = d0; d * 86400 <= tlast; d += kd) {
        double xv = (double)(d * 86400 - fc->t0_utc) / 3600.0;
        cal_civil cv;
        cal_utc_to_civil(d * 86400, &cv, NULL, NULL);
        char lb[16];
        snprintf(lb, sizeof lb, "%s %d", MONTH_ABBR[cv.month - 1], cv.day);
        svg_xtick(s, &f, xv, lb);
    }
    svg_xtitle(s, &f, "Date (UTC)");
    tb_put(s, "</g>\n");
    /* Bands as closed polygons: upper edge forward, lower edge backward. */
    const double *lo[2] = {fc->lo95, fc->lo80}, *hi[2] = {fc->hi95, fc->hi80};
    const int on[2] = {b95, b80};
    const char *cls[2] = {"band95", "band80"};
    for (int k = 0; k < 2; k++) {
        if (!on[k]) continue;
        tb_printf(s, "<path class=\"%s\" d=\"", cls[k]);
        for (size_t i = 0; i < h; i++)
            tb_printf(s, "%s%.1f %.1f", i ? " L" : "M", fx(&f, (double)i), fy(&f, hi[k][i]));
        for (size_t i = h; i-- > 0;) tb_printf(s, " L%.1f %.1f", fx(&f, (double)i), fy(&f, lo[k][i]));
        tb_put(s, " Z\"/>\n");
    }
    for (size_t j = 0; lines && j < r->nbudgets; j++)
        curtail_line(s, &f, r, j, fc->t0_utc - (int64_t)nh * 3600, nh + h);
    if (nh) svg_line(s, &f, NULL, fc->history, nh, 1.0, -(double)nh, "ln-hist");
    svg_line(s, &f, NULL, fc->mean, h, 1.0, 0, "ln-mean");
    double x0 = fx(&f, 0);
    tb_printf(s, "<path class=\"now\" d=\"M%.1f %.1f V%.1f\"/>\n", x0, f.y0, f.y0 + f.h);
    svg_baseline(s, &f);
    fan_legend(s, &f, r, b80, b95, lines);
    svg_close(s);
}

/* Truncate a UTF-8 name to at most maxc characters, adding an ellipsis. */
static void short_name(char *buf, size_t cap, const char *name, size_t maxc)
{
    const unsigned char *p = (const unsigned char *)(name ? name : "");
    size_t o = 0, nc = 0;
    while (*p && nc < maxc) {
        size_t k = utf8_seq_len(p);
        if (k == 0) k = 1;
        if (o + k + 4 >= cap) break;
        memcpy(buf + o, p, k);
        o += k; p += k; nc++;
    }
    if (*p && o + 4 < cap) {
        memcpy(buf + o, "\xE2\x80\xA6", 3);
        o += 3;
    }
    buf[o] = '\0';
}

/* Nested horizontal bars: one row per region in rank order, the bar of each
 * budget drawn from the largest budget (lightest) to the smallest (darkest);
 * the P10-P90 whisker and P50 dot of the ranking budget on top. */
void chart_rank(textbuf *s, const report_region *rg, const size_t *order, size_t n, size_t nb,
                const double *budgets, size_t rb)
{
    double xmax = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < nb; j++) {
            const report_headroom *h = hrow(&rg[i], j);
            if (isfinite(h->headroom_mw) && h->headroom_mw > xmax) xmax = h->headroom_mw;
            if (j == rb && isfinite(h->p90_mw) && h->p90_mw > xmax) xmax = h->p90_mw;
        }
    if (n == 0 || nb == 0 || !(xmax > 0)) {
        nodata(s, "no region has a finite headroom");
        return;
    }
    const int W = 1000, row = 26;
    frame f = {190, 50, W - 190 - 80, (double)(row * (int)n), 0, xmax, 0, 1};
    double xs = nice_axis(&f.xmin, &f.xmax, 8);
    int H = (int)(f.y0 + f.h + 42);
    svg_open(s, W, H, "Headroom by region and curtailment budget, ranked", NULL);
    /* Legend on top. */
    double lx = f.x0;
    tb_put(s, "<g class=\"legend\">");
    for (size_t j = nb; j-- > 0;) {
        char b[32];
        fmt_budget(b, sizeof b, budgets[j]);
        tb_printf(s, "<rect x=\"%.1f\" y=\"10\" width=\"14\" height=\"12\" fill=\"%s\"/>"
                     "<text x=\"%.1f\" y=\"20\">%s %% budget</text>",
                  lx, budget_colour(j, nb), lx + 19, b);
        lx += 112;
    }
    tb_printf(s, "<path class=\"whisk\" d=\"M%.1f 16 h22 M%.1f 11 v10 M%.1f 11 v10\"/>"
                 "<circle class=\"p50\" cx=\"%.1f\" cy=\"16\" r=\"3.5\"/><text x=\"%.1f\" y=\"20\">"
                 "P10\xE2\x80\x93P50\xE2\x80\x93P90 next year</text></g>\n",
              lx, lx, lx + 22, lx + 11, lx + 28);
    svg_xaxis(s, &f, xs, "Headroom for new flat load (MW)");
    for (size_t k = 0; k < n; k++) {
        const report_region *r = &rg[order[k]];
        double y = f.y0 + row * (double)k;
        char nm[128];
        short_name(nm, sizeof nm, r->name, 24);
        tb_printf(s, "<text class=\"rname\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dy=\"0.32em\">%zu. ",
                  f.x0 - 8, y + row / 2.0, k + 1);
        tb_html(s, nm);
        tb_put(s, "</text>");
        for (size_t j = nb; j-- > 0;) {
            double v = hrow(r, j)->headroom_mw;
            if (!isfinite(v)) continue;
            double w = fx(&f, v < 0 ? 0 : v) - f.x0;
            char b[32], mw[64];
            fmt_budget(b, sizeof b, budgets[j]);
            fmt_grp(mw, sizeof mw, v, 0);
            tb_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>",
                      f.x0, y + 5, w < 0.5 ? 0.5 : w, row - 10, budget_colour(j, nb));
            tb_html(s, r->name);
            tb_printf(s, ": %s MW at %s %%</title></rect>", mw, b);
        }
        const report_headroom *h = hrow(r, rb);
        if (isfinite(h->p10_mw) && isfinite(h->p90_mw)) {
            double a = fx(&f, h->p10_mw), c = fx(&f, h->p90_mw), ym = y + row / 2.0;
            tb_printf(s, "<path class=\"whisk\" d=\"M%.1f %.1f H%.1f M%.1f %.1f v8 M%.1f %.1f v8\"/>", a, ym, c,
                      a, ym - 4, c, ym - 4);
            if (isfinite(h->p50_mw))
                tb_printf(s, "<circle class=\"p50\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"/>", fx(&f, h->p50_mw), ym);
        }
        double v = h->headroom_mw;
        double vx = isfinite(v) ? fx(&f, v < 0 ? 0 : v) : f.x0;
        if (isfinite(h->p90_mw) && fx(&f, h->p90_mw) > vx) vx = fx(&f, h->p90_mw);
        char mw[64];
        fmt_grp(mw, sizeof mw, v, 0);
        tb_printf(s, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\" dy=\"0.32em\">%s</text>\n", vx + 6,
                  y + row / 2.0, mw);
    }
    svg_baseline(s, &f);
    svg_close(s);
}
