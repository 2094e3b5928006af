/* assess.c — how many MW of new load a region absorbs under a curtailment
 * budget; contract terms and storage in flex.c (docs/headroom.md).
 *
 * Method (Norris, Profeta, Patino-Echeverri & Cowie-Haskell 2025, "Rethinking
 * Load Growth", Duke Nicholas Institute): for hourly load D_t, threshold T_t
 * and added load L with shape s_t,
 *   C_t(L) = min(L s_t, max(0, D_t + L s_t - T_t)),
 *   r_y(L) = sum_y C_t / sum_y L s_t,   R(L) = (1/Y) sum_y r_y(L),
 * and the headroom at budget b is the largest L with R(L) <= b. The study
 * averages the yearly rates (it does not pool hours), and so do we.
 *
 * Exact solver. With g_t = (T_t - D_t)^+ the curtailment is
 * C_t = max(0, L s_t - g_t), zero up to the breakpoint L_t = g_t / s_t. So
 *   R(L) = sum_{t: L_t < L} w_t (L - L_t) / L = alpha - beta / L,
 *   w_t = s_t / (Y S_y),  S_y = sum_{t in y} s_t,
 *   alpha = sum w_t, beta = sum w_t L_t over the hours already past their
 * breakpoint. R is continuous and nondecreasing (dR/dL = beta/L^2 >= 0), so
 * one sweep over the breakpoints sorted ascending finds the segment where R
 * crosses b, and there L = beta / (alpha - b) in closed form. The result is
 * rounded down to 0.1 MW so that the budget still holds.
 *
 * Exported: hr_assess_opts_init, hr_assess_month_season, hr_assess,
 * hr_assess_arrays, hr_assess_size, hr_assess_size_arrays,
 * hr_assess_binding_text, hr_assess_peak_warning, hr_assess_paths,
 * hr_assess_genmix; internal (assess.h)
 * headroom_sort_items, headroom_solve, headroom_rate_at, headroom_round_down,
 * headroom_quantile7, headroom_genmix_arrays, headroom_fuel_carbon_free.
 */
#include "headroom.h"
#include "assess/assess.h"
#include "util/error.h"
#include "time/calendar.h"
#include "util/mem.h"
#include "ingest/series.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- calendar */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}



int hr_assess_month_season(int month)
{
    if (month < 1 || month > 12) return -1;
    /* Norris et al.: Mar and Nov use the winter peak, Apr-May and Sep-Oct the summer one. */
    return (month >= 4 && month <= 10) ? HR_SEASON_SUMMER : HR_SEASON_WINTER;
}

/* Month in the peak window of a season (Jun-Aug, Dec-Feb; one month wider
 * each side with slack, as the study does for a few BAs). */
static int in_peak_window(int month, int season, int slack)
{
    if (season == HR_SEASON_SUMMER) return slack ? (month >= 5 && month <= 9) : (month >= 6 && month <= 8);
    return slack ? (month >= 11 || month <= 3) : (month == 12 || month <= 2);
}

/* ---------------------------------------------------------------- options */

void hr_assess_opts_init(hr_assess_opts *o)
{
    if (!o) return; /* documented no-op */
    memset(o, 0, sizeof *o);
    static const double b[] = {0.25, 0.5, 1.0, 5.0};
    for (size_t j = 0; j < 4; j++) o->budgets_pct[j] = b[j];
    o->nbudgets = 4;
    o->threshold_kind = HR_THRESH_SEASONAL;
    o->threshold_summer_mw = NAN;
    o->threshold_winter_mw = NAN;
    o->curve_step_pct_peak = 0.25;
    o->curve_max_pct_peak = 25.0;
    o->season_slack = 1;
    o->season_slack_by[0] = o->season_slack_by[1] = -1;
    o->battery_eff = 0.85;
    o->battery_hours = 4;
}

int hr_assess_peak_warning(const hr_assessment *a, int season, char *buf, size_t cap)
{
    if (!a || (season != HR_SEASON_WINTER && season != HR_SEASON_SUMMER)) return 0;
    if (!(a->peak_jump_pct[season] > 5.0)) return 0;
    if (season == HR_SEASON_SUMMER && a->peak_hour_utc[1] == a->peak_hour_utc[0] &&
        a->peak_jump_pct[0] > 5.0)
        return 0;
    char ts[21];
    cal_format_utc(a->peak_hour_utc[season], ts);
    if (buf && cap)
        snprintf(buf, cap, "the %s threshold is set by one hour (%s) %.0f %% above both neighbouring hours",
                 season == HR_SEASON_SUMMER ? "summer" : "winter", ts, a->peak_jump_pct[season]);
    return 1;
}

int hr_assess_binding_text(unsigned binding, char *buf, size_t cap)
{
    static const struct {
        unsigned bit;
        const char *name;
    } nm[] = {{HR_BIND_BUDGET, "budget"},
              {HR_BIND_EVERY_YEAR, "every-year"},
              {HR_BIND_EVENT_HOURS, "event-length"},
              {HR_BIND_EVENTS, "events"},
              {HR_BIND_HOURS, "hours"}};
    size_t len = 0;
    if (buf && cap) buf[0] = '\0';
    for (size_t k = 0; k < sizeof nm / sizeof *nm; k++) {
        if (!(binding & nm[k].bit)) continue;
        int w = snprintf(buf && len < cap ? buf + len : NULL, buf && len < cap ? cap - len : 0, "%s%s",
                         len ? "+" : "", nm[k].name);
        len += (size_t)w;
    }
    return (int)len;
}

/* Slack of a season's window: its own, else the common one. */
static int slack_of(const hr_assess_opts *o, int season)
{
    return o->season_slack_by[season] >= 0 ? o->season_slack_by[season] : o->season_slack;
}

static int check_opts(const hr_assess_opts *o)
{
    if (o->nbudgets == 0 || o->nbudgets > HR_MAX_BUDGETS)
        return err_set(HR_EINVAL, "headroom: %zu budgets (1 to %d allowed)", o->nbudgets, HR_MAX_BUDGETS);
    for (size_t j = 0; j < o->nbudgets; j++)
        if (!(o->budgets_pct[j] > 0 && o->budgets_pct[j] <= HR_MAX_BUDGET_PCT))
            return err_set(HR_EINVAL, "headroom: budget %g %% is not in (0, %g]", o->budgets_pct[j],
                          HR_MAX_BUDGET_PCT);
    if (o->threshold_kind < HR_THRESH_SEASONAL || o->threshold_kind > HR_THRESH_CAPACITY)
        return err_set(HR_EINVAL, "headroom: unknown threshold kind %d", o->threshold_kind);
    if (o->threshold_kind == HR_THRESH_CAPACITY &&
        !(o->threshold_summer_mw > 0 && o->threshold_winter_mw > 0 &&
          isfinite(o->threshold_summer_mw) && isfinite(o->threshold_winter_mw)))
        return err_set(HR_EINVAL, "headroom: capacity thresholds must be positive MW (summer %g, winter %g)",
                      o->threshold_summer_mw, o->threshold_winter_mw);
    if (o->profile_len) {
        if (!o->profile || (o->profile_len != 24 && o->profile_len != 168 && o->profile_len != 8760))
            return err_set(HR_EINVAL, "headroom: profile has %zu values (24, 168 or 8760 expected)",
                          o->profile_len);
        double sum = 0;
        for (size_t i = 0; i < o->profile_len; i++) {
            if (!(o->profile[i] >= 0) || !isfinite(o->profile[i]))
                return err_set(HR_EINVAL, "headroom: profile value %zu (%g) is not a finite number >= 0",
                              i + 1, o->profile[i]);
            sum += o->profile[i];
        }
        /* Multipliers of a mean load: they must average 1 (3 decimals of rounding allowed). */
        if (fabs(sum / (double)o->profile_len - 1.0) > 1e-3)
            return err_set(HR_EINVAL, "headroom: profile averages %.6g, not 1", sum / (double)o->profile_len);
    }
    if (!(o->curve_step_pct_peak > 0) || !(o->curve_max_pct_peak >= 0))
        return err_set(HR_EINVAL, "headroom: curve step %g / end %g %% of peak invalid", o->curve_step_pct_peak,
                      o->curve_max_pct_peak);
    if (o->year_from && o->year_to && o->year_from > o->year_to)
        return err_set(HR_EINVAL, "headroom: years %d-%d are reversed", o->year_from, o->year_to);
    if (o->season_slack < 0 || o->season_slack > 1 || o->season_slack_by[0] < -1 || o->season_slack_by[0] > 1 ||
        o->season_slack_by[1] < -1 || o->season_slack_by[1] > 1)
        return err_set(HR_EINVAL, "headroom: season_slack must be 0 or 1 (season_slack_by -1, 0 or 1)");
    if (o->max_event_hours < 0 || o->max_events_per_year < 0 || o->max_hours_per_year < 0)
        return err_set(HR_EINVAL, "headroom: max_event_hours, max_events_per_year and max_hours_per_year must be "
                                 ">= 0 (0 = no cap)");
    if (o->every_year != 0 && o->every_year != 1) return err_set(HR_EINVAL, "headroom: every_year must be 0 or 1");
    if (!(o->battery_pct >= 0 && o->battery_pct <= 1000))
        return err_set(HR_EINVAL, "headroom: battery_pct %g is not in [0, 1000]", o->battery_pct);
    if (o->battery_pct > 0 && !(o->battery_hours > 0 && o->battery_hours <= 8760))
        return err_set(HR_EINVAL, "headroom: battery_hours %g is not in (0, 8760]", o->battery_hours);
    if (o->battery_pct > 0 && !(o->battery_eff > 0 && o->battery_eff <= 1))
        return err_set(HR_EINVAL, "headroom: battery_eff %g is not in (0, 1]", o->battery_eff);
    return HR_OK;
}

int headroom_check_opts(const hr_assess_opts *o) { return check_opts(o); }

/* ---------------------------------------------------------------- hour grid
 * Per-hour calendar fields of a grid: UTC month (1-12), hour of day, year
 * index (from y0) and the shape s_t. */
typedef struct {
    size_t m;
    uint8_t *month, *hod;
    uint16_t *yi;
    double *s;
} hour_grid;

static void grid_free(hour_grid *g)
{
    mem_free(g->month);
    mem_free(g->hod);
    mem_free(g->yi);
    mem_free(g->s);
    memset(g, 0, sizeof *g);
}

/* Fill g for m hours starting at t0 (multiple of 3600). */
/* The added load's shape at hour h of day number `day` (of year y): 24
 * values by UTC hour, 168 by Monday-based hour of the week, 8760 by hour of
 * a 365-day year; any other length (none) is flat. */
static double profile_value(const double *p, size_t len, int64_t day, int h, int y)
{
    if (len == 24) return p[h];
    if (len == 168) {
        /* 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7. */
        int64_t wd = ((day % 7) + 7 + 3) % 7;
        return p[wd * 24 + h];
    }
    if (len == 8760) {
        /* Hour of a 365-day year; Feb 29 reuses Feb 28. */
        int64_t doy = day - cal_days_from_civil(y, 1, 1);
        if (cal_is_leap(y) && doy >= 59) doy -= 1; /* Feb 29 is day 59 -> 58; later days shift */
        return p[doy * 24 + h];
    }
    return 1.0;
}

double headroom_profile_at(const double *p, size_t len, int64_t t_utc)
{
    int64_t day = floor_div(t_utc, 86400);
    int y, mo, d;
    cal_civil_from_days(day, &y, &mo, &d);
    return profile_value(p, len, day, (int)((t_utc - day * 86400) / 3600), y);
}

static int grid_fill(hour_grid *g, int64_t t0, size_t m, int y0, const hr_assess_opts *o)
{
    memset(g, 0, sizeof *g);
    g->m = m;
    g->month = mem_array(m ? m : 1, 1);
    g->hod = mem_array(m ? m : 1, 1);
    g->yi = mem_array(m ? m : 1, sizeof(uint16_t));
    g->s = mem_array(m ? m : 1, sizeof(double));
    if (!g->month || !g->hod || !g->yi || !g->s) {
        grid_free(g);
        return err_set(HR_ENOMEM, "headroom: out of memory for %zu hours", m);
    }
    int64_t day = floor_div(t0, 86400);
    int h = (int)((t0 - day * 86400) / 3600);
    int y, mo, d;
    cal_civil_from_days(day, &y, &mo, &d);
    for (size_t i = 0; i < m; i++) {
        if (h == 24) {
            h = 0;
            day++;
            cal_civil_from_days(day, &y, &mo, &d);
        }
        g->month[i] = (uint8_t)mo;
        g->hod[i] = (uint8_t)h;
        g->yi[i] = (uint16_t)(y - y0);
        g->s[i] = profile_value(o->profile, o->profile_len, day, h, y);
        h++;
    }
    return HR_OK;
}

/* ---------------------------------------------------------------- sorting */

static uint64_t key_of(double L)
{
    uint64_t k;
    memcpy(&k, &L, sizeof k);
    return k;
}

void headroom_sort_items(headroom_item *it, size_t m, headroom_item *tmp)
{
    /* LSD radix, 8 passes of 8 bits; non-negative IEEE doubles order as their
     * bit patterns. A pass whose byte is constant is skipped. */
    headroom_item *src = it, *dst = tmp;
    for (int pass = 0; pass < 8; pass++) {
        size_t cnt[256] = {0};
        int shift = pass * 8;
        for (size_t i = 0; i < m; i++) cnt[(key_of(src[i].L) >> shift) & 255]++;
        int constant = 0;
        for (int b = 0; b < 256; b++)
            if (cnt[b] == m) constant = 1;
        if (constant) continue;
        size_t pos = 0;
        for (int b = 0; b < 256; b++) {
            size_t c = cnt[b];
            cnt[b] = pos;
            pos += c;
        }
        for (size_t i = 0; i < m; i++) dst[cnt[(key_of(src[i].L) >> shift) & 255]++] = src[i];
        headroom_item *t = src;
        src = dst;
        dst = t;
    }
    if (src != it) memcpy(it, src, m * sizeof *it);
}

/* ---------------------------------------------------------------- solver */

void headroom_solve(const headroom_item *it, size_t m, const double *b_asc, size_t nb, double *L_out)
{
    double alpha = 0, beta = 0; /* R(L) = alpha - beta / L on the current segment */
    size_t j = 0;
    size_t i = 0;
    while (i < m && j < nb) {
        double Lk = it[i].L; /* end of the current segment */
        if (Lk > 0 && alpha > 0) {
            double R = alpha - beta / Lk;
            /* R crosses b inside (prev, Lk]: alpha - beta/L = b, alpha > b there. */
            while (j < nb && R > b_asc[j]) {
                L_out[j] = beta / (alpha - b_asc[j]);
                if (L_out[j] > Lk) L_out[j] = Lk; /* rounding guard */
                j++;
            }
        }
        /* Add every hour with this breakpoint. */
        while (i < m && it[i].L == Lk) {
            alpha += it[i].w;
            beta += it[i].w * it[i].L;
            i++;
        }
    }
    /* Beyond the last breakpoint every hour curtails: alpha = 1 up to rounding. */
    for (; j < nb; j++) L_out[j] = alpha > b_asc[j] ? beta / (alpha - b_asc[j]) : INFINITY;
}

double headroom_rate_at(const headroom_item *it, size_t m, double L)
{
    double alpha = 0, beta = 0;
    for (size_t i = 0; i < m && (it[i].L < L || (L == 0 && it[i].L == 0)); i++) {
        alpha += it[i].w;
        beta += it[i].w * it[i].L;
    }
    return L > 0 ? alpha - beta / L : alpha;
}

double headroom_round_down(double L)
{
    if (!(L > 0)) return 0;
    if (!isfinite(L)) return L;
    /* The closed form carries ~1e-15 relative error: do not lose a whole 0.1 MW
     * step when L is, say, 149.99999999999997 for an exact 150. */
    return floor(L * 10.0 * (1 + 1e-12)) / 10.0;
}

double headroom_quantile7(const double *x, size_t n, double p)
{
    if (n == 0) return NAN;
    /* Hyndman & Fan (1996) definition 7, R's default: h = (n-1) p. */
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1) return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Budgets as fractions in ascending order; ord[j] = index in o->budgets_pct. */
static void sorted_budgets(const hr_assess_opts *o, double *b_asc, size_t *ord)
{
    size_t nb = o->nbudgets;
    for (size_t j = 0; j < nb; j++) ord[j] = j;
    for (size_t j = 1; j < nb; j++) /* insertion sort: at most 8 */
        for (size_t k = j; k > 0 && o->budgets_pct[ord[k]] < o->budgets_pct[ord[k - 1]]; k--) {
            size_t t = ord[k];
            ord[k] = ord[k - 1];
            ord[k - 1] = t;
        }
    for (size_t j = 0; j < nb; j++) b_asc[j] = o->budgets_pct[ord[j]] / 100.0;
}

/* ---------------------------------------------------------------- study set-up */

typedef struct {
    size_t k0, m; /* first grid index and hours of the study years */
    int y0, ny;
    hour_grid g;
    double T[13]; /* threshold by month (1-12), MW */
} study;

/* 1 if calendar year y has an hour with load in D (n hours from t0). */
static int year_has_load(int64_t t0, const double *D, size_t n, int y)
{
    int64_t a = (cal_year_start(y) - t0) / 3600, b = (cal_year_start(y + 1) - t0) / 3600;
    for (int64_t k = a < 0 ? 0 : a; k < b && k < (int64_t)n; k++)
        if (!isnan(D[k])) return 1;
    return 0;
}

static int study_setup(int64_t t0, const double *D, size_t n, const hr_assess_opts *o, study *st,
                       hr_assessment *a)
{
    memset(st, 0, sizeof *st);
    if (t0 % 3600 != 0) return err_set(HR_EINVAL, "headroom: first hour is not on the hour");
    int64_t t_end = t0 + (int64_t)n * 3600;
    int y, mo, d;
    cal_civil_from_days(floor_div(t0, 86400), &y, &mo, &d);
    int first = (t0 == cal_year_start(y)) ? y : y + 1;
    cal_civil_from_days(floor_div(t_end, 86400), &y, &mo, &d);
    int last = y - 1; /* year y starts at or before t_end, so y-1 ends inside */
    if (cal_year_start(last + 1) > t_end) last--;
    /* By default the study spans the years with load: a grid that other
     * columns (temperatures) extend by whole years without load is not
     * an error. */
    while (!o->year_from && first <= last && !year_has_load(t0, D, n, first)) first++;
    while (!o->year_to && last >= first && !year_has_load(t0, D, n, last)) last--;
    int yf = o->year_from ? o->year_from : first;
    int yt = o->year_to ? o->year_to : last;
    if (first > last)
        return err_set(HR_EDATA, "headroom: no whole calendar year (UTC) in the data");
    if (yf < first || yt > last || yf > yt)
        return err_set(HR_EDATA, "headroom: years %d-%d requested, whole calendar years present %d-%d", yf, yt,
                      first, last);
    if (yt - yf >= 65535) return err_set(HR_EDATA, "headroom: too many years");
    st->y0 = yf;
    st->ny = yt - yf + 1;
    st->k0 = (size_t)((cal_year_start(yf) - t0) / 3600);
    st->m = (size_t)((cal_year_start(yt + 1) - cal_year_start(yf)) / 3600);
    int rc = grid_fill(&st->g, cal_year_start(yf), st->m, yf, o);
    if (rc) return rc;

    /* Load statistics and peaks by season window over the study years. */
    const double *Ds = D + st->k0;
    double peak = -INFINITY, sum = 0, pk_s = -INFINITY, pk_w = -INFINITY;
    size_t nok = 0, ipk = 0, ipk_s = 0, ipk_w = 0;
    int sl_s = slack_of(o, HR_SEASON_SUMMER), sl_w = slack_of(o, HR_SEASON_WINTER);
    for (size_t i = 0; i < st->m; i++) {
        double x = Ds[i];
        if (isnan(x)) continue;
        nok++;
        sum += x;
        if (x > peak) peak = x, ipk = i;
        int mth = st->g.month[i];
        if (in_peak_window(mth, HR_SEASON_SUMMER, sl_s) && x > pk_s) pk_s = x, ipk_s = i;
        if (in_peak_window(mth, HR_SEASON_WINTER, sl_w) && x > pk_w) pk_w = x, ipk_w = i;
    }
    if (nok == 0 || !(peak > 0)) {
        grid_free(&st->g);
        return err_set(HR_EDATA, "headroom: no positive load in %d-%d", yf, yt);
    }
    double Tsum, Twin;
    if (o->threshold_kind == HR_THRESH_SEASONAL) {
        Tsum = pk_s;
        Twin = pk_w;
        if (!isfinite(Tsum) || !isfinite(Twin)) {
            grid_free(&st->g);
            return err_set(HR_EDATA, "headroom: no load in the %s peak window of %d-%d",
                          isfinite(Tsum) ? "winter" : "summer", yf, yt);
        }
    } else if (o->threshold_kind == HR_THRESH_ANNUAL) {
        Tsum = Twin = peak;
        ipk_s = ipk_w = ipk;
    } else {
        Tsum = o->threshold_summer_mw;
        Twin = o->threshold_winter_mw;
    }
    for (int mth = 1; mth <= 12; mth++)
        st->T[mth] = hr_assess_month_season(mth) == HR_SEASON_SUMMER ? Tsum : Twin;

    memset(a, 0, sizeof *a);
    a->year_from = yf;
    a->year_to = yt;
    a->nyears = (size_t)st->ny;
    a->threshold_summer_mw = Tsum;
    a->threshold_winter_mw = Twin;
    a->hours = st->m;
    a->missing_hours = st->m - nok;
    a->peak_mw = peak;
    a->mean_mw = sum / (double)nok;
    a->load_factor = a->mean_mw / peak;
    size_t ip[2] = {ipk_w, ipk_s};
    for (int q = 0; q < 2; q++) {
        a->peak_hour_utc[q] = -1;
        a->peak_jump_pct[q] = NAN;
        if (o->threshold_kind == HR_THRESH_CAPACITY) continue;
        size_t i = ip[q];
        double nb = -INFINITY;
        if (i > 0 && !isnan(Ds[i - 1])) nb = Ds[i - 1];
        if (i + 1 < st->m && !isnan(Ds[i + 1]) && Ds[i + 1] > nb) nb = Ds[i + 1];
        a->peak_hour_utc[q] = cal_year_start(yf) + 3600 * (int64_t)i;
        if (nb > 0) a->peak_jump_pct[q] = 100.0 * (Ds[i] / nb - 1.0);
    }
    return HR_OK;
}

/* Items (breakpoint, weight) of the study hours; returns the count.
 * S_y is the shaped hour count of year y over hours with load. */
static int year_sums(const study *st, const double *Ds, double *S)
{
    for (int y = 0; y < st->ny; y++) S[y] = 0;
    for (size_t i = 0; i < st->m; i++)
        if (!isnan(Ds[i])) S[st->g.yi[i]] += st->g.s[i];
    for (int y = 0; y < st->ny; y++)
        if (!(S[y] > 0)) return err_set(HR_EDATA, "headroom: year %d has no hour with load (and added load)", st->y0 + y);
    return HR_OK;
}

static int build_items(const study *st, const double *Ds, double *S, headroom_item *it, size_t *mi)
{
    int rc = year_sums(st, Ds, S);
    if (rc) return rc;
    size_t k = 0;
    double Y = (double)st->ny;
    for (size_t i = 0; i < st->m; i++) {
        double s = st->g.s[i];
        if (isnan(Ds[i]) || !(s > 0)) continue; /* an hour with s_t = 0 never curtails */
        double gap = st->T[st->g.month[i]] - Ds[i];
        it[k].L = gap > 0 ? gap / s : 0.0; /* explicit +0.0 keeps the radix order */
        it[k].w = s / (Y * S[st->g.yi[i]]);
        k++;
    }
    *mi = k;
    return HR_OK;
}

/* The study as the flexible-load kernel sees it; gap[m] is filled. */
static void flex_setup(const study *st, const double *Ds, const double *S, double *gap, flex_study *fs)
{
    for (size_t i = 0; i < st->m; i++) gap[i] = isnan(Ds[i]) ? NAN : st->T[st->g.month[i]] - Ds[i];
    fs->m = st->m;
    fs->ny = st->ny;
    fs->gap = gap;
    fs->s = st->g.s;
    fs->yi = st->g.yi;
    fs->S = S;
}

/* Row metrics at added load L (already rounded); cn = C_t / L per hour with
 * storage (flex_eval), NULL without. */
static void row_metrics(const study *st, const double *Ds, double L, hr_headroom_row *r, double bymh[12][24],
                        const double *cn)
{
    double Y = (double)st->ny;
    size_t ncurt = 0, ge50 = 0, ge75 = 0, ge90 = 0, nev = 0, run = 0, maxrun = 0;
    memset(bymh, 0, 12 * 24 * sizeof(double));
    for (size_t i = 0; i < st->m; i++) {
        double s = st->g.s[i];
        int curt = 0;
        double kept = 1;
        if (cn) {
            if (cn[i] > 0) {
                curt = 1;
                kept = 1 - cn[i] / s;
            }
        } else if (L > 0 && !isnan(Ds[i]) && s > 0) {
            double gap = st->T[st->g.month[i]] - Ds[i];
            double gp = gap > 0 ? gap : 0;
            if (L * s > gp) {
                curt = 1;
                kept = gp / (L * s); /* share of the added load still served */
            }
        }
        if (curt) {
            ncurt++;
            ge50 += kept >= 0.5;
            ge75 += kept >= 0.75;
            ge90 += kept >= 0.9;
            bymh[st->g.month[i] - 1][st->g.hod[i]] += 1.0 / Y;
            if (run == 0) nev++;
            run++;
            if (run > maxrun) maxrun = run;
        } else {
            /* A missing hour also ends an event: we cannot say it curtailed. */
            run = 0;
        }
    }
    r->headroom_mw = L;
    r->curtailed_hours_per_year = (double)ncurt / Y;
    r->hours_ge50 = (double)ge50 / Y;
    r->hours_ge75 = (double)ge75 / Y;
    r->hours_ge90 = (double)ge90 / Y;
    r->mean_event_hours = nev ? (double)ncurt / (double)nev : 0;
    r->max_event_hours = (double)maxrun;
}

/* EIA-930 and most utility files are hour-ending: a file of whole UTC years,
 * put on the hour-beginning grid, starts one hour before a year or stops one
 * hour short of one. Grids that miss at most EDGE_PAD_H hours of a calendar
 * year at either end are padded with missing hours (left out and counted, as
 * any missing hour), so those years still count as whole study years. */
enum { EDGE_PAD_H = 24 };

static void edge_pad(int64_t t0, size_t n, size_t *front, size_t *back)
{
    int y, mo, d;
    *front = *back = 0;
    cal_civil_from_days(floor_div(t0, 86400), &y, &mo, &d);
    int64_t ys = cal_year_start(y);
    if (t0 > ys && t0 - ys <= 3600 * EDGE_PAD_H) *front = (size_t)((t0 - ys) / 3600);
    int64_t te = t0 + 3600 * (int64_t)n;
    cal_civil_from_days(floor_div(te, 86400), &y, &mo, &d);
    int64_t ye = cal_year_start(y + 1);
    if (te > cal_year_start(y) && ye - te <= 3600 * EDGE_PAD_H) *back = (size_t)((ye - te) / 3600);
}

/* v[n] copied between front and back NaNs; NULL on ENOMEM. */
static double *pad_copy(const double *v, size_t n, size_t front, size_t back)
{
    double *p = mem_array(front + n + back, sizeof *p);
    if (!p) return NULL;
    for (size_t i = 0; i < front; i++) p[i] = NAN;
    memcpy(p + front, v, n * sizeof *p);
    for (size_t i = 0; i < back; i++) p[front + n + i] = NAN;
    return p;
}

static int assess_core(int64_t t0_utc, const double *load_mw, size_t n, const hr_assess_opts *o,
                       hr_assessment *out);

int hr_assess_arrays(int64_t t0_utc, const double *load_mw, size_t n, const hr_assess_opts *o,
                     hr_assessment *out)
{
    err_clear();
    if (!load_mw || !out || n == 0) return err_set(HR_EINVAL, "hr_assess_arrays: invalid argument");
    size_t front, back;
    edge_pad(t0_utc, n, &front, &back);
    if (!front && !back) return assess_core(t0_utc, load_mw, n, o, out);
    double *p = pad_copy(load_mw, n, front, back);
    if (!p) return err_set(HR_ENOMEM, "headroom: out of memory");
    int rc = assess_core(t0_utc - 3600 * (int64_t)front, p, front + n + back, o, out);
    mem_free(p);
    return rc;
}

static int assess_core(int64_t t0_utc, const double *load_mw, size_t n, const hr_assess_opts *o,
                       hr_assessment *out)
{
    hr_assess_opts def;
    if (!o) {
        hr_assess_opts_init(&def);
        o = &def;
    }
    if (!load_mw || !out || n == 0) return err_set(HR_EINVAL, "hr_assess_arrays: invalid argument");
    int rc = check_opts(o);
    if (rc) return rc;
    study st;
    rc = study_setup(t0_utc, load_mw, n, o, &st, out);
    if (rc) return rc;
    const double *Ds = load_mw + st.k0;
    headroom_item *it = mem_array(st.m, sizeof *it), *tmp = mem_array(st.m, sizeof *tmp);
    double *S = mem_array((size_t)st.ny, sizeof *S), *gap = mem_array(st.m, sizeof *gap);
    double *cn = o->battery_pct > 0 ? mem_array(st.m, sizeof *cn) : NULL;
    flex_ctx *fx_ctx = NULL;
    if (!it || !tmp || !S || !gap || (o->battery_pct > 0 && !cn)) {
        rc = err_set(HR_ENOMEM, "headroom: out of memory for %zu hours", st.m);
        goto done;
    }
    size_t mi = 0;
    rc = build_items(&st, Ds, S, it, &mi);
    if (rc) goto done;
    headroom_sort_items(it, mi, tmp);
    flex_study fs;
    flex_setup(&st, Ds, S, gap, &fs);
    if ((rc = flex_open(&fx_ctx, &fs, o))) goto done;

    double b_asc[HR_MAX_BUDGETS], L[HR_MAX_BUDGETS], Lr[HR_MAX_BUDGETS];
    unsigned bind[HR_MAX_BUDGETS];
    size_t ord[HR_MAX_BUDGETS];
    sorted_budgets(o, b_asc, ord);
    headroom_solve(it, mi, b_asc, o->nbudgets, L);
    if (flex_active(o)) {
        if ((rc = flex_solve(fx_ctx, b_asc, o->nbudgets, L, Lr, bind))) goto done;
    } else {
        for (size_t j = 0; j < o->nbudgets; j++) {
            Lr[j] = headroom_round_down(L[j]);
            bind[j] = isfinite(L[j]) ? HR_BIND_BUDGET : 0;
        }
    }
    out->nrows = o->nbudgets;
    for (size_t j = 0; j < o->nbudgets; j++) {
        size_t r = ord[j];
        hr_headroom_row *row = &out->rows[r];
        row->budget_pct = o->budgets_pct[r];
        flex_stats fx = {0};
        if (Lr[j] > 0 && isfinite(Lr[j])) flex_eval(fx_ctx, Lr[j], &fx, cn);
        row_metrics(&st, Ds, Lr[j], row, out->curtailed_by_month_hour[r], Lr[j] > 0 ? cn : NULL);
        row->headroom_pct_peak = 100.0 * row->headroom_mw / out->peak_mw;
        row->peak_mw = out->peak_mw;
        row->load_factor = out->load_factor;
        row->events_per_year = fx.events / (double)st.ny;
        row->rate_pct = 100.0 * fx.rate_mean;
        row->worst_year_rate_pct = 100.0 * fx.rate_max;
        row->battery_cycles_per_year = fx.cycles / (double)st.ny;
        row->binding = bind[j];
    }

    /* Rate curve: points ascending, so one merge sweep over the items. */
    double step = o->curve_step_pct_peak / 100.0 * out->peak_mw;
    size_t nc = (size_t)floor(o->curve_max_pct_peak / o->curve_step_pct_peak + 1e-9);
    if (nc > HR_CURVE_MAX) nc = HR_CURVE_MAX;
    double alpha = 0, beta = 0;
    size_t i = 0;
    for (size_t k = 0; k < nc; k++) {
        double Lk = (double)(k + 1) * step;
        while (i < mi && it[i].L < Lk) {
            alpha += it[i].w;
            beta += it[i].w * it[i].L;
            i++;
        }
        out->curve_added_mw[k] = Lk;
        out->curve_rate_pct[k] = 100.0 * (alpha - beta / Lk);
    }
    out->ncurve = nc;
done:
    mem_free(it);
    mem_free(tmp);
    mem_free(S);
    mem_free(gap);
    mem_free(cn);
    flex_close(fx_ctx);
    grid_free(&st.g);
    return rc;
}

int hr_assess_size_arrays(int64_t t0_utc, const double *load_mw, size_t n, const hr_assess_opts *o, double size_mw,
                          hr_campus *out)
{
    err_clear();
    hr_assess_opts def;
    if (!o) {
        hr_assess_opts_init(&def);
        o = &def;
    }
    if (!load_mw || !out || n == 0) return err_set(HR_EINVAL, "hr_assess_size_arrays: invalid argument");
    if (!(size_mw > 0) || !isfinite(size_mw))
        return err_set(HR_EINVAL, "hr_assess_size: size_mw %g is not a positive number", size_mw);
    int rc = check_opts(o);
    if (rc) return rc;
    size_t front, back;
    edge_pad(t0_utc, n, &front, &back);
    double *p = NULL;
    if (front || back) {
        if (!(p = pad_copy(load_mw, n, front, back))) return err_set(HR_ENOMEM, "headroom: out of memory");
        load_mw = p;
        t0_utc -= 3600 * (int64_t)front;
        n += front + back;
    }
    study st;
    hr_assessment *a = mem_alloc(sizeof *a);
    if (!a) {
        mem_free(p);
        return err_set(HR_ENOMEM, "headroom: out of memory");
    }
    rc = study_setup(t0_utc, load_mw, n, o, &st, a);
    mem_free(a);
    if (rc) {
        mem_free(p);
        return rc;
    }
    const double *Ds = load_mw + st.k0;
    double *S = mem_array((size_t)st.ny, sizeof *S), *gap = mem_array(st.m, sizeof *gap);
    if (!S || !gap) rc = err_set(HR_ENOMEM, "headroom: out of memory for %zu hours", st.m);
    if (!rc) rc = year_sums(&st, Ds, S);
    flex_study fs;
    flex_stats fx;
    if (!rc) {
        flex_setup(&st, Ds, S, gap, &fs);
        flex_ctx *c = NULL;
        if (!(rc = flex_open(&c, &fs, o))) flex_eval(c, size_mw, &fx, NULL);
        flex_close(c);
    }
    if (!rc) {
        double Y = (double)st.ny;
        memset(out, 0, sizeof *out);
        out->size_mw = size_mw;
        out->curtailed_pct = 100.0 * fx.rate_mean;
        out->worst_year_pct = 100.0 * fx.rate_max;
        out->curtailed_hours_per_year = fx.hours / Y;
        out->events_per_year = fx.events / Y;
        out->mean_event_hours = fx.events > 0 ? fx.hours / fx.events : 0;
        out->max_event_hours = fx.run_max;
        out->battery_cycles_per_year = fx.cycles / Y;
        out->broken = flex_broken(o, &fx);
    }
    mem_free(S);
    mem_free(gap);
    mem_free(p);
    grid_free(&st.g);
    return rc;
}

/* Load column of a region: load_mw, else load_raw_mw. */
static int region_load(const hr_series *s, size_t region, const series_region **r, const double **D)
{
    if (!s || region >= s->nreg) return err_set(HR_EINVAL, "headroom: no region %zu", region);
    *r = &s->reg[region];
    *D = series_col_get(*r, "load_mw");
    if (!*D) *D = series_col_get(*r, "load_raw_mw");
    if (!*D) return err_set(HR_ENOTFOUND, "region '%s': column 'load_mw': not present", (*r)->name);
    return HR_OK;
}

int hr_assess(const hr_series *s, size_t region, const hr_assess_opts *o, hr_assessment *out)
{
    err_clear();
    const series_region *r;
    const double *D;
    int rc = region_load(s, region, &r, &D);
    if (rc) return rc;
    if (!out) return err_set(HR_EINVAL, "hr_assess: NULL result");
    rc = hr_assess_arrays(r->t0, D, r->n, o, out);
    if (rc) err_prefix(rc, r->name);
    return rc;
}

int hr_assess_size(const hr_series *s, size_t region, const hr_assess_opts *o, double size_mw, hr_campus *out)
{
    err_clear();
    const series_region *r;
    const double *D;
    int rc = region_load(s, region, &r, &D);
    if (rc) return rc;
    if (!out) return err_set(HR_EINVAL, "hr_assess_size: NULL result");
    rc = hr_assess_size_arrays(r->t0, D, r->n, o, size_mw, out);
    if (rc) err_prefix(rc, r->name);
    return rc;
}

/* ---------------------------------------------------------------- scenarios */

int hr_assess_paths(int64_t t0_utc, const double *paths, size_t nh, size_t npaths, double threshold_summer_mw,
                    double threshold_winter_mw, const hr_assess_opts *o, double *headroom_mw, double *quantiles)
{
    err_clear();
    hr_assess_opts def;
    if (!o) {
        hr_assess_opts_init(&def);
        o = &def;
    }
    if (!paths || nh == 0 || npaths == 0 || !quantiles || t0_utc % 3600 != 0)
        return err_set(HR_EINVAL, "hr_assess_paths: invalid argument");
    if (!(threshold_summer_mw > 0 && threshold_winter_mw > 0) || !isfinite(threshold_summer_mw) ||
        !isfinite(threshold_winter_mw))
        return err_set(HR_EINVAL, "hr_assess_paths: thresholds must be positive MW");
    int rc = check_opts(o);
    if (rc) return rc;
    size_t nb = o->nbudgets;
    hour_grid g;
    int y, mo, d;
    cal_civil_from_days(floor_div(t0_utc, 86400), &y, &mo, &d);
    rc = grid_fill(&g, t0_utc, nh, y, o);
    if (rc) return rc;
    headroom_item *it = mem_array(nh, sizeof *it), *tmp = mem_array(nh, sizeof *tmp);
    double *H = mem_array(npaths * nb, sizeof *H); /* budget-major for the quantiles */
    if (!it || !tmp || !H || npaths * nb / nb != npaths) {
        rc = err_set(HR_ENOMEM, "hr_assess_paths: out of memory");
        goto done;
    }
    double b_asc[HR_MAX_BUDGETS], L[HR_MAX_BUDGETS];
    size_t ord[HR_MAX_BUDGETS];
    sorted_budgets(o, b_asc, ord);
    double T[2] = {threshold_winter_mw, threshold_summer_mw};
    for (size_t p = 0; p < npaths; p++) {
        const double *Dp = paths + p * nh;
        double S = 0;
        for (size_t i = 0; i < nh; i++)
            if (!isnan(Dp[i])) S += g.s[i];
        if (!(S > 0)) {
            rc = err_set(HR_EDATA, "hr_assess_paths: path %zu has no hour with load", p);
            goto done;
        }
        size_t k = 0;
        for (size_t i = 0; i < nh; i++) {
            double s = g.s[i];
            if (isnan(Dp[i]) || !(s > 0)) continue;
            double gap = T[hr_assess_month_season(g.month[i])] - Dp[i];
            it[k].L = gap > 0 ? gap / s : 0.0;
            it[k].w = s / S; /* one period: the path's own rate */
            k++;
        }
        headroom_sort_items(it, k, tmp);
        headroom_solve(it, k, b_asc, nb, L);
        for (size_t j = 0; j < nb; j++) {
            double h = headroom_round_down(L[j]);
            H[ord[j] * npaths + p] = h;
            if (headroom_mw) headroom_mw[p * nb + ord[j]] = h;
        }
    }
    for (size_t j = 0; j < nb; j++) {
        double *x = H + j * npaths;
        qsort(x, npaths, sizeof *x, cmp_double);
        quantiles[j * 3 + 0] = headroom_quantile7(x, npaths, 0.10);
        quantiles[j * 3 + 1] = headroom_quantile7(x, npaths, 0.50);
        quantiles[j * 3 + 2] = headroom_quantile7(x, npaths, 0.90);
    }
done:
    mem_free(it);
    mem_free(tmp);
    mem_free(H);
    grid_free(&g);
    return rc;
}

/* ---------------------------------------------------------------- generation mix */

int headroom_fuel_carbon_free(const char *fuel)
{
    char f[64];
    size_t n = 0;
    for (; fuel[n] && n < sizeof f - 1; n++) f[n] = (char)tolower((unsigned char)fuel[n]);
    f[n] = '\0';
    /* EIA-930 codes and spelled-out names; storage counts through its positive
     * part (discharge), which is how every fuel is counted here. */
    static const char *const exact[] = {"nuc", "wat", "sun", "wnd", "geo", "bat", "ps", "water"};
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
        if (!strcmp(f, exact[i])) return 1;
    static const char *const sub[] = {"nuclear", "hydro", "wind", "solar", "geotherm", "storage", "battery",
                                      "pumped"};
    for (size_t i = 0; i < sizeof sub / sizeof *sub; i++)
        if (strstr(f, sub[i])) return 1;
    return 0;
}

int headroom_genmix_arrays(int64_t t0_utc, const double *load_mw, size_t n, const double *const *gen,
                           const char *const *names, size_t nf, const hr_assess_opts *o, const hr_assessment *a,
                           hr_genmix *out)
{
    hr_assess_opts def;
    if (!o) {
        hr_assess_opts_init(&def);
        o = &def;
    }
    if (!load_mw || !gen || !names || !a || !out || nf == 0)
        return err_set(HR_EINVAL, "headroom: generation mix: invalid argument");
    if (nf > HR_MAX_FUELS) return err_set(HR_EINVAL, "headroom: %zu fuels (at most %d)", nf, HR_MAX_FUELS);
    int rc = check_opts(o);
    if (rc) return rc;
    if (a->nrows != o->nbudgets) return err_set(HR_EINVAL, "headroom: generation mix: assessment/options mismatch");
    study st;
    hr_assessment chk;
    rc = study_setup(t0_utc, load_mw, n, o, &st, &chk);
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    out->nfuels = nf;
    out->nrows = a->nrows;
    for (size_t f = 0; f < nf; f++) {
        strncpy(out->fuel[f], names[f], sizeof out->fuel[f] - 1);
        out->carbon_free[f] = headroom_fuel_carbon_free(names[f]);
    }
    /* Thresholds as the assessment used them (capacity or computed). */
    for (int mth = 1; mth <= 12; mth++)
        st.T[mth] = hr_assess_month_season(mth) == HR_SEASON_SUMMER ? a->threshold_summer_mw : a->threshold_winter_mw;
    double tot_all = 0, cf_all = 0, fuel_all[HR_MAX_FUELS] = {0};
    double wsum[HR_MAX_BUDGETS] = {0}, cfw[HR_MAX_BUDGETS] = {0};
    double (*fw)[HR_MAX_FUELS] = out->share_curtailed_pct; /* accumulate, normalise at the end */
    const double *Ds = load_mw + st.k0;
    for (size_t i = 0; i < st.m; i++) {
        size_t t = st.k0 + i;
        if (isnan(Ds[i])) {
            out->hours_skipped++;
            continue;
        }
        double tot = 0, cf = 0, gp[HR_MAX_FUELS];
        int bad = 0;
        for (size_t f = 0; f < nf; f++) {
            double x = gen[f][t];
            if (isnan(x)) bad = 1;
            gp[f] = x > 0 ? x : 0; /* net generation below zero is consumption */
            tot += gp[f];
            if (out->carbon_free[f]) cf += gp[f];
        }
        if (bad || !(tot > 0)) {
            out->hours_skipped++;
            continue;
        }
        out->hours_used++;
        tot_all += tot;
        cf_all += cf;
        for (size_t f = 0; f < nf; f++) fuel_all[f] += gp[f];
        double gap = st.T[st.g.month[i]] - Ds[i];
        double gpos = gap > 0 ? gap : 0;
        for (size_t r = 0; r < a->nrows; r++) {
            double C = a->rows[r].headroom_mw * st.g.s[i] - gpos; /* C_t = max(0, L s_t - g_t) */
            if (!(C > 0)) continue;
            wsum[r] += C;
            cfw[r] += C * cf / tot;
            for (size_t f = 0; f < nf; f++) fw[r][f] += C * gp[f] / tot;
        }
    }
    grid_free(&st.g);
    if (out->hours_used == 0) return err_set(HR_EDATA, "headroom: no study hour with load and generation");
    for (size_t f = 0; f < nf; f++) out->share_all_pct[f] = 100.0 * fuel_all[f] / tot_all;
    out->carbon_free_all_pct = 100.0 * cf_all / tot_all;
    for (size_t r = 0; r < a->nrows; r++) {
        out->carbon_free_curtailed_pct[r] = wsum[r] > 0 ? 100.0 * cfw[r] / wsum[r] : NAN;
        for (size_t f = 0; f < nf; f++) fw[r][f] = wsum[r] > 0 ? 100.0 * fw[r][f] / wsum[r] : NAN;
    }
    return HR_OK;
}

int hr_assess_genmix(const hr_series *s, size_t region, const hr_assess_opts *o, const hr_assessment *a,
                     hr_genmix *out)
{
    err_clear();
    if (!a || !out) return err_set(HR_EINVAL, "hr_assess_genmix: NULL argument");
    const series_region *r;
    const double *D;
    int rc = region_load(s, region, &r, &D);
    if (rc) return rc;
    const double *gen[HR_MAX_FUELS];
    char namebuf[HR_MAX_FUELS][48];
    const char *names[HR_MAX_FUELS];
    size_t nf = 0;
    for (size_t j = 0; j < r->ncol; j++) {
        const char *c = r->col[j].name;
        size_t len = strlen(c);
        if (len <= 7 || strncmp(c, "gen_", 4) != 0 || strcmp(c + len - 3, "_mw") != 0) continue;
        if (nf == HR_MAX_FUELS)
            return err_set(HR_EINVAL, "region '%s': more than %d gen_<fuel>_mw columns", r->name, HR_MAX_FUELS);
        size_t fl = len - 7 < sizeof namebuf[0] - 1 ? len - 7 : sizeof namebuf[0] - 1;
        memcpy(namebuf[nf], c + 4, fl);
        namebuf[nf][fl] = '\0';
        names[nf] = namebuf[nf];
        gen[nf] = r->col[j].v;
        nf++;
    }
    if (nf == 0) return err_set(HR_ENOTFOUND, "region '%s': no gen_<fuel>_mw column", r->name);
    size_t front, back;
    edge_pad(r->t0, r->n, &front, &back);
    if (!front && !back) {
        rc = headroom_genmix_arrays(r->t0, D, r->n, gen, names, nf, o, a, out);
    } else {
        /* the same padding as hr_assess, on the load and every fuel */
        double *pd[HR_MAX_FUELS + 1] = {0};
        rc = HR_OK;
        for (size_t f = 0; f <= nf && !rc; f++)
            if (!(pd[f] = pad_copy(f < nf ? gen[f] : D, r->n, front, back)))
                rc = err_set(HR_ENOMEM, "headroom: out of memory");
        if (!rc)
            rc = headroom_genmix_arrays(r->t0 - 3600 * (int64_t)front, pd[nf], front + r->n + back,
                                        (const double *const *)pd, names, nf, o, a, out);
        for (size_t f = 0; f <= nf; f++) mem_free(pd[f]);
    }
    if (rc) err_prefix(rc, r->name);
    return rc;
}
