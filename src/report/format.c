/* format.c — numbers and times as the report shows them, the shared
 * lookups of the renderers, and the initialisers of report.h. */
#include "report/render.h"
#include "time/calendar.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

void report_region_init(report_region *r)
{
    memset(r, 0, sizeof *r);
    r->peak_mw = NAN;
    r->load_factor = NAN;
    r->threshold_summer_mw = NAN;
    r->threshold_winter_mw = NAN;
    r->train_first_utc = 0;
    r->train_last_utc = -1; /* no forecast model */
    r->contract_mw = NAN;
    r->campus_mw = r->campus_curtailed_pct = r->campus_hours_per_year = NAN;
    r->campus_events_per_year = r->campus_max_event_hours = NAN;
    r->quality.peak_mw = NAN;
    r->quality.mean_mw = NAN;
    r->genmix.cf_share_pct = NAN;
    r->genmix.cf_share_curtailed_pct = NAN;
}

void report_run_init(report_run *r) { memset(r, 0, sizeof *r); }

void fmt_rt(char *buf, size_t cap, double x)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) return;
    }
}

void fmt_grp(char *buf, size_t cap, double x, int dec)
{
    if (!isfinite(x)) {
        snprintf(buf, cap, "\xE2\x80\x93");
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", dec, x);
    if (strcmp(tmp, "-0") == 0 || (tmp[0] == '-' && strspn(tmp + 1, "0.") == strlen(tmp + 1)))
        memmove(tmp, tmp + 1, strlen(tmp)); /* "-0.0" -> "0.0" */
    const char *digits = tmp[0] == '-' ? tmp + 1 : tmp;
    size_t nint = strcspn(digits, ".");
    size_t o = 0;
    if (tmp[0] == '-' && o + 1 < cap) buf[o++] = '-';
    for (size_t i = 0; digits[i] && o + 2 < cap; i++) {
        buf[o++] = digits[i];
        if (i + 1 < nint && (nint - i - 1) % 3 == 0 && o + 2 < cap) buf[o++] = ',';
    }
    buf[o < cap ? o : cap - 1] = '\0';
}

void report_format_double(double x, char *buf, size_t cap)
{
    if (!buf || cap == 0) return;
    if (!isfinite(x)) {
        snprintf(buf, cap, "null");
        return;
    }
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;
    fmt_rt(buf, cap, x);
    if (c) {
        uselocale(old);
        freelocale(c);
    }
}

void h_num(textbuf *s, double x, int dec)
{
    char b[64];
    fmt_grp(b, sizeof b, x, dec);
    tb_put(s, b);
}
void h_mw(textbuf *s, double x) { h_num(s, x, fabs(x) < 10 && x != 0 ? 1 : 0); }

void d_num(textbuf *s, double x, const char *nan_text)
{
    if (!isfinite(x)) {
        tb_put(s, nan_text);
        return;
    }
    char b[40];
    fmt_rt(b, sizeof b, x);
    tb_put(s, b);
}

const char *const MONTH_ABBR[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

const char *const STD_MODELS[4] = {"auto", "snaive24", "snaive168", "ba_forecast"};

const report_headroom *hrow(const report_region *r, size_t j)
{
    static const report_headroom NAN_ROW = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    return j < r->nbudgets ? &r->headroom[j] : &NAN_ROW;
}

const report_backtest *find_model(const report_region *r, const char *model)
{
    for (size_t k = 0; k < r->nbacktest; k++)
        if (r->backtest[k].model && strcmp(r->backtest[k].model, model) == 0) return &r->backtest[k];
    return NULL;
}

void region_id(char *buf, size_t cap, size_t i, const char *name)
{
    size_t o = (size_t)snprintf(buf, cap, "r%zu-", i + 1);
    for (const char *p = name ? name : ""; *p && o + 1 < cap && o < 40; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) buf[o++] = c;
        else if (o && buf[o - 1] != '-') buf[o++] = '-';
    }
    buf[o] = '\0';
}

double imputed_pct(const report_region *r)
{
    const hr_quality *q = &r->quality;
    return q->hours ? 100.0 * (double)q->imputed / (double)q->hours : NAN;
}

int utc_year(int64_t t)
{
    cal_civil c;
    cal_utc_to_civil(t, &c, NULL, NULL);
    return c.year;
}

void num_heads(textbuf *s, const num_col *cols, size_t n)
{
    for (size_t k = 0; k < n; k++) tb_printf(s, "<th>%s</th>", cols[k].head);
}

void num_cells(textbuf *s, const void *row, const num_col *cols, size_t n, const char *const *cls)
{
    for (size_t k = 0; k < n; k++) {
        double v = *(const double *)((const char *)row + cols[k].off);
        if (cls && cls[k]) tb_printf(s, "<td class=\"%s\">", cls[k]);
        else tb_put(s, "<td>");
        if (cols[k].mw) h_mw(s, v);
        else h_num(s, v, cols[k].dec);
        tb_put(s, "</td>");
    }
}

unsigned report_views(const report_region *rg, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(rg[i].contract_mw)) v |= VIEW_CONTRACT;
        if (isfinite(rg[i].campus_mw)) v |= VIEW_CAMPUS;
    }
    return v;
}
