/* scenario.c — year-ahead hourly load scenarios for probabilistic headroom.
 * Exports the public hr_scenarios and hr_year_hours (include/headroom.h);
 * the method's constants are in scenario.h.
 *
 * Why not simulate the fitted error model a year ahead: the SARIMA errors of
 * a regression are fitted on the newest 12 weeks of residuals (model.c).
 * Run forward 8760 hours, such a model converges to its unconditional
 * distribution, whose variance and persistence describe that one season, not
 * a year; and its Gaussian shocks carry none of the weather-driven peak
 * structure (multi-day heat waves and cold snaps in the right months) that
 * decides how many hours exceed a threshold. On the default data this put
 * P10 = P50 = 0 MW at 0.25-0.5 % for regions whose historical headroom is
 * thousands of MW.
 *
 * Method: a regression mean plus resampled history, the scenario approach of
 * long-term probabilistic load forecasting (Hong & Fan 2016, "Probabilistic
 * electric load forecasting: a tutorial review", IJF 32:914, sec. 3.3 and
 * 4.2; Hyndman & Fan 2010, "Density forecasting for long-term peak
 * electricity demand", IEEE TPWRS 25:1142, who bootstrap both temperatures
 * and residuals in seasonal blocks from the same time of year). For path p
 * and hour t of year Y, with h = identity or log ('transform log'):
 *
 *   y_t^(p) = G_t h^{-1}( x_t(T^(p))' beta + w_t m_t + lambda^(p) + eps_t^(p) )
 *
 * and for a model without logs the residual enters as a ratio to the mean,
 *   y_t^(p) = G_t ( mu_t (1 + lambda^(p) + eps_t^(p)) + w_t m_t ),  eps_s = y_s / mu_s - 1,
 * mu = x' beta: weather-driven deviations grow with the load level, so a
 * residual of an earlier, smaller year is scaled to the target year's level
 * (what a log model does by construction; Fan & Hyndman 2012, IEEE TPWRS
 * 27:134, model log demand for this reason). On the default data, additive
 * residuals under an additive trend made the held-out year's peaks too low
 * in the fastest-growing regions.
 *
 *  - x_t(T)' beta: the model's regression mean (calendar, holidays, the
 *    trend shrunk by its reliability, see below; with temperature terms,
 *    T^(p) is the temperature of one training year y_w shifted by delta_w
 *    in [-3, 3] whole days, drawn once per path: the "shifted weather
 *    years" of Hong, Wilson & Xie 2014, "Long term probabilistic load
 *    forecasting and normalization with hourly information", IEEE TSG
 *    5:456, and Xie & Hong 2018, IEEE TSG 9:1680).
 *  - eps^(p): the residuals e_s = h(y_s) - x_s' beta of one whole training
 *    year b_p, taken around that year's own mean residual, at one whole-day
 *    shift delta_p in [-3, 3], both drawn once per path: year Y is cut into
 *    168-hour blocks, block j copied from the same hours of year b_p
 *    shifted by delta_p (Politis 2001 and Dudek, Leskow, Paparoditis &
 *    Politis 2014, J. Time Ser. Anal. 35:89: blocks anchored at the same
 *    season); a block year b_p lacks (a gap, a partial year) comes from any
 *    (year, shift) whose block has every residual finite. A whole year keeps
 *    its weather together: a year as hot as the hottest on record is in
 *    the ensemble as that year. Drawing each week from any year (the
 *    earlier method) averaged the years' extremes away: its P10-P90 missed
 *    the extreme-weather years.
 *  - lambda^(p): a new year's level around the model's, one draw per path
 *    from s t_df sqrt(1 + 1/ny + w (x_Y - xbar)^2 / Sxx) (level_variance:
 *    the prediction variance of a new observation of a level + trend line
 *    through the ny training years' mean residuals, s from the data and a
 *    prior; w the trend's weight), plus a random walk of SCEN_LEVEL_SD0 per
 *    year for each year between the end of training and Y.
 *  - the trend: with under two years of training held at the centre of the
 *    window (residuals taken around the held mean too); else shrunk
 *    towards none around that centre by its signal-to-noise ratio on the
 *    scale of years (damp_trend).
 *
 * Calibration: tests/test_scenario.c (simulated regions) and
 * bench/forecast_calibration.sh (held-out EIA-930 years); the figures are in
 * docs/forecast-headroom.md.
 *  - m_t: the ARIMA errors' conditional mean forecast from the end of
 *    training (model_forecast_at minus the regression mean) with the linear
 *    taper w_t = max(0, 1 - k/672), k = hours since that origin: a cold snap
 *    in progress carries into the first days of a year that starts right
 *    after the data, and nothing of the 12-week error model reaches further.
 *    (Weather models skip it: the future temperature it needs is unknown.)
 *  - G_t = (1 + g)^{max(0, k)/8766}: the caller's growth on top of the
 *    model's own trend, compounding from the hour after the last training
 *    hour (as the report's scenarios did).
 *
 * Reproducibility: path p draws from its own xoshiro256** stream (Blackman &
 * Vigna 2021, ACM TOMS 47:36) seeded by splitmix64 (Steele, Lea & Flood 2014)
 * from (seed, p): a path does not depend on S, on the other paths, or on any
 * thread count (the function runs on the calling thread).
 */
#include "model/scenario.h"
#include "time/calendar.h"
#include "model/design.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/rng.h"
#include "model/model.h"
#include "stats/regress.h"
#include "ingest/series.h"
#include <math.h>
#include <string.h>

#define HOURS_PER_YEAR 8766.0 /* 365.25 days: growth compounds per mean year */


/* ---------------------------------------------------------------- helpers */


size_t hr_year_hours(int year) { return cal_is_leap(year) ? 8784 : 8760; }


static int year_of(int64_t t)
{
    cal_civil c;
    cal_utc_to_civil(t, &c, NULL, NULL);
    return c.year;
}

/* nan[k] = number of NaN among v[0..k) (k <= n): O(1) "all finite" tests. */
static size_t *nan_prefix(const double *v, size_t n)
{
    size_t *c = mem_array(n + 1, sizeof *c);
    if (!c) return NULL;
    c[0] = 0;
    for (size_t k = 0; k < n; k++) c[k + 1] = c[k] + (isnan(v[k]) ? 1 : 0);
    return c;
}

/* Grid index of time t on r's grid, or -1 when t is before the grid. */
static int64_t grid_index(const series_region *r, int64_t t)
{
    return t < r->t0 ? -1 : (t - r->t0) / 3600;
}

/* Source start s (relative to the training window [a, b)) of the hours
 * [start(y') + off + 86400 delta, + len): -1 if outside the window or
 * (finite_only) not all of `nanc` finite. */
static int64_t source_at(const series_region *r, size_t a, size_t b, int y, int64_t off_s, int delta,
                         size_t len, const size_t *nanc, int finite_only)
{
    int64_t g = grid_index(r, cal_year_start(y) + off_s + 86400 * (int64_t)delta);
    if (g < (int64_t)a || g + (int64_t)len > (int64_t)b) return -1;
    size_t s = (size_t)g - a;
    if (finite_only && nanc[s + len] != nanc[s]) return -1;
    return (int64_t)s;
}

/* 1 if any term of sp has the trend atom. */
static int has_trend(const spec *sp)
{
    for (size_t i = 0; i < sp->nterm; i++)
        for (int j = 0; j < sp->term[i].natom; j++)
            if (sp->term[i].atom[j].kind == SA_TREND) return 1;
    return 0;
}

/* The coefficient of m's trend when its only trend is one plain 'trend'
 * term (one column, named "trend"; 0 when aliased): 0, else -1. */
static int trend_column(const hr_model *m, double *beta)
{
    size_t nt = 0;
    for (size_t i = 0; i < m->sp->nterm; i++)
        for (int j = 0; j < m->sp->term[i].natom; j++)
            if (m->sp->term[i].atom[j].kind == SA_TREND) {
                if (m->sp->term[i].natom != 1) return -1;
                nt++;
            }
    if (nt != 1) return -1;
    *beta = 0.0;
    for (size_t j = 0; j < m->p; j++)
        if (!strcmp(m->feat[j], "trend")) *beta = isfinite(m->beta[j]) ? m->beta[j] : 0.0;
    return 0;
}

/* Hold the trend (coefficient b per hour) at hour t_hold: mean rows of
 * the nh hours from ty lose b (t - t_hold) / 3600. */
static void hold_trend(double *mu, size_t nh, int64_t ty, int64_t t_hold, double b)
{
    for (size_t k = 0; b != 0.0 && k < nh; k++) mu[k] -= b * (double)(ty + 3600 * (int64_t)k - t_hold) / 3600.0;
}

/* The training window [0, nw) of e cut into ny = floor(nw / 8766 + 0.01)
 * equal parts c ("years", from the end; ny = 0 under a year): *ny, their
 * mean residuals eb[c] and centres xc[c] (years on the window's axis). */
static size_t year_means(const double *e, size_t nw, double *eb, double *xc, size_t *lo_c)
{
    /* whole years, allowing 1 % short (a year of an hour-ending file) */
    size_t ny = (size_t)floor((double)nw / HOURS_PER_YEAR + 0.01);
    if (ny > SCEN_MAX_YEARS) ny = SCEN_MAX_YEARS;
    double len = ny ? (double)nw / (double)ny : 0;
    for (size_t c = 0; c < ny; c++) {
        size_t hi = nw - (size_t)((double)c * len), lo = c + 1 == ny ? 0 : nw - (size_t)((double)(c + 1) * len);
        double sum = 0;
        size_t cnt = 0;
        for (size_t t = lo; t < hi; t++)
            if (!isnan(e[t])) sum += e[t], cnt++;
        eb[c] = cnt ? sum / (double)cnt : 0.0;
        xc[c] = 0.5 * (double)(lo + hi) / HOURS_PER_YEAR;
        lo_c[c] = lo;
    }
    return ny;
}

/* Damp the trend (b per hour) after hour t_last to weight w: mean rows
 * of the nh hours from ty lose (1 - w) b (t - t_last) / 3600 there. */
static void damp_trend(double *mu, size_t nh, int64_t ty, int64_t t_last, double b, double w)
{
    for (size_t k = 0; w < 1 && b != 0.0 && k < nh; k++) {
        int64_t t = ty + 3600 * (int64_t)k;
        if (t > t_last) mu[k] -= (1 - w) * b * (double)(t - t_last) / 3600.0;
    }
}

/* Variance of a new year's level around the model's mean in the year
 * centred x_Y, from the yearly mean residuals eb[0..ny) at centres xc.
 * The regression's intercept (and trend) make those the residuals of a
 * level (+ trend) line through ny points, so a new year's mean residual
 * has the textbook prediction variance of a new observation (Montgomery,
 * Peck & Vining 2012, "Introduction to Linear Regression Analysis", 5th
 * ed., sec. 2.4.2 and 2.5)
 *   s^2 (1 + 1/ny + [trend] w (x_Y - xbar)^2 / Sxx),  k = 1 + [trend],
 * where s^2 combines the ny - k degrees of freedom of the data with a
 * scaled-inverse-chi^2 prior (nu0 = SCEN_LEVEL_NU0 pseudo-years at the
 * spread SCEN_LEVEL_SD0; Gelman et al. 2013, "Bayesian Data Analysis", 3rd
 * ed., sec. 2.6, conjugate normal variance):
 *   s^2 = (nu0 sd0^2 + sum eb_c^2) / (nu0 + ny - k),  df = nu0 + ny - k,
 * so one year of history (nothing to estimate the spread of years from)
 * gets the prior's spread and a heavy-tailed t_df, and the spread narrows
 * as years accumulate. Years, not hours, are the units: hourly residuals
 * are autocorrelated for days, so hourly standard errors would be far too
 * small. w is the weight of the trend (shrunk, hr_scenarios): the mean
 * squared error of the shrunk line's value is s^2/ny + (x_Y - xbar)^2
 * (w^2 se^2 + (1 - w)^2 b^2) = s^2/ny + (x_Y - xbar)^2 w se^2, se^2 =
 * s^2 / Sxx, at w = b^2 / (b^2 + se^2). The residuals are resampled around
 * their own year's mean, so this is the whole of the level's
 * year-to-year part. */
static double level_variance(const double *eb, const double *xc, size_t ny, int trend, double w, double xY,
                             int *df)
{
    size_t k = trend && ny >= 2 ? 2 : 1;
    double ss = 0, xbar = 0, sxx = 0;
    for (size_t c = 0; c < ny; c++) ss += eb[c] * eb[c], xbar += xc[c] / (double)ny;
    for (size_t c = 0; c < ny; c++) sxx += (xc[c] - xbar) * (xc[c] - xbar);
    double nu = SCEN_LEVEL_NU0 + (ny > k ? (double)(ny - k) : 0.0);
    *df = (int)nu;
    double s2 = (SCEN_LEVEL_NU0 * SCEN_LEVEL_SD0 * SCEN_LEVEL_SD0 + ss) / nu;
    double nyd = ny ? (double)ny : 1.0;
    return s2 * (1.0 + 1.0 / nyd + (k == 2 && sxx > 0 ? w * (xY - xbar) * (xY - xbar) / sxx : 0.0));
}

/* ---------------------------------------------------------------- scenarios */

typedef struct {
    size_t off, len;  /* hours of the target year               */
    size_t c0, nc;    /* its candidates: cand[c0 .. c0 + nc - 1] */
} block;

int hr_scenarios(const hr_model *m, const hr_series *s, size_t region, int year, size_t S,
                 double growth_pct, uint64_t seed, double *paths)
{
    err_clear();
    if (!m || !s || !paths || S == 0)
        return err_set(HR_EINVAL, "hr_scenarios: NULL argument or no scenarios");
    if (!(growth_pct > -100) || !isfinite(growth_pct))
        return err_set(HR_EINVAL, "hr_scenarios: growth %g %% is not a number above -100", growth_pct);
    if (year < 1900 || year > 9999) return err_set(HR_EINVAL, "hr_scenarios: year %d is not in 1900-9999", year);
    if (region == (size_t)-1) {
        int st = hr_series_region_index(s, m->region, &region);
        if (st) return st;
    }
    if (region >= s->nreg) return err_set(HR_EINVAL, "hr_scenarios: no region %zu", region);
    const series_region *r = &s->reg[region];
    const double *ld = series_col_get(r, "load_mw");
    if (!ld) return err_set(HR_ENOTFOUND, "region '%s': column 'load_mw': not present", r->name);
    if (spec_needs_load(m->sp))
        return err_set(HR_EINVAL,
                      "model '%s' has load-lag terms; year-ahead scenarios need a model without them",
                      m->name);
    const int weather = spec_needs_temp(m->sp);
    const double *tc = series_col_get(r, "temp_c");
    if (weather && !tc)
        return err_set(HR_ENOTFOUND, "region '%s': model '%s' needs column 'temp_c'", r->name, m->name);
    const size_t nh = hr_year_hours(year);
    if (S > SIZE_MAX / nh) return err_set(HR_ENOMEM, "hr_scenarios: %zu paths are too many", S);

    /* Training window [a, b) on r's grid. */
    int64_t ga = grid_index(r, m->first_utc), gb = grid_index(r, m->last_utc) + 1;
    if (ga < 0) ga = 0;
    if (gb > (int64_t)r->n) gb = (int64_t)r->n;
    if (gb - ga < 2 * SCEN_BLOCK_HOURS)
        return err_set(HR_EDATA, "region '%s': the model's training window is not on this series' grid",
                      r->name);
    const size_t a = (size_t)ga, b = (size_t)gb, nw = b - a;
    /* Within one year a trend cannot be told from the annual cycle, and its
     * extrapolation a year ahead is arbitrary: a plain 'trend' term is held
     * at its value at the centre of the training window, so the forecast
     * year's level is the training year's (held at the end of training, a
     * trend fitted on one year's seasonal ramp moved the level of a whole
     * year by its half-year slope); growth is then growth_pct's alone. A
     * trend inside an interaction cannot be held, and is an error. */
    double frozen_beta = 0.0;
    const int freeze = m->p > 0 && has_trend(m->sp) && (double)nw < 1.99 * HOURS_PER_YEAR;
    if (freeze && trend_column(m, &frozen_beta))
        return err_set(HR_EDATA,
                      "region '%s': model '%s' has a trend in an interaction but %.1f years of training; "
                      "scenarios of such a model need at least 2 years",
                      r->name, m->name, (double)nw / HOURS_PER_YEAR);
    const int64_t ty = cal_year_start(year), t_origin = m->last_utc + 3600;
    const int64_t t_hold = m->first_utc + (m->last_utc - m->first_utc) / 2;

    int st = HR_OK, rel = 0;
    double mu_bar = 0;
    cal_tz *tz = NULL;
    double *e = NULL, *mu = NULL, *blend = NULL, *grow = NULL, **wmu = NULL;
    size_t *nanc = NULL, *tnanc = NULL, *cand = NULL, *wcand = NULL, *ystart = NULL, nwc = 0;
    signed char *cdel = NULL;
    size_t base[SCEN_MAX_YEARS + 8];
    block *blk = NULL;
    if (m->tz && cal_tz_load(m->tz, NULL, &tz) != 0)
        return err_set(HR_ENOTFOUND, "time zone '%s' not found", m->tz);

    /* Residuals e_s = h(y_s) - x_s' beta over the training window. */
    e = mem_array(nw, sizeof *e);
    mu = mem_array(nh, sizeof *mu);
    grow = mem_array(nh, sizeof *grow);
    if (!e || !mu || !grow) goto oom;
    {
        design_data dh = {.t0 = r->t0, .n = r->n, .temp_c = tc, .load_mw = NULL, .tz = tz};
        st = model_mean_rows(m, &dh, a, b, e);
        if (st) goto done;
        /* residuals of the mean the scenarios use: with the trend held, what
         * it fitted within the year (a seasonal ramp) stays in them */
        if (freeze) hold_trend(e, nw, r->t0 + 3600 * (int64_t)a, t_hold, frozen_beta);
        /* Ratios unless the model works in logs or a mean is not positive
         * (a pure ARIMA has mean 0: its "residuals" are the load). */
        rel = !m->sp->log_transform && m->p > 0;
        for (size_t k = 0; k < nw && rel; k++)
            if (!(e[k] > 0) && !isnan(e[k])) rel = 0;
        size_t cnt = 0;
        for (size_t k = 0; k < nw; k++)
            if (!isnan(e[k])) mu_bar += e[k], cnt++;
        mu_bar = cnt ? mu_bar / (double)cnt : 1.0;
        for (size_t k = 0; k < nw; k++) {
            double y = ld[a + k];
            if (m->sp->log_transform) y = y > 0 ? log(y) : NAN;
            e[k] = rel ? y / e[k] - 1.0 : y - e[k];
        }
    }
    /* Each training year's residuals around their own mean: the
     * bootstrap resamples a year's weather, lambda its level. */
    double eb[SCEN_MAX_YEARS], xc[SCEN_MAX_YEARS];
    size_t lo_c[SCEN_MAX_YEARS];
    const size_t ny = m->p > 0 ? year_means(e, nw, eb, xc, lo_c) : 0;
    for (size_t c = 0; c < ny; c++) {
        size_t hi = c ? lo_c[c - 1] : nw;
        for (size_t t = lo_c[c]; t < hi; t++) e[t] -= eb[c];
    }
    nanc = nan_prefix(e, nw);
    if (!nanc) goto oom;
    /* The trend, shrunk towards none around the centre of the training
     * window (the level of the forecast year is the training mean plus
     * w times the fitted trend since then) by its signal-to-noise ratio on
     * the scale of years: slope b per year, its standard error
     * se = s / sqrt(Sxx) from the yearly mean residuals (s as in
     * level_variance), weight w = b^2 / (b^2 + se^2), the shrinkage of a
     * prediction by one coefficient's estimated reliability (Copas 1983,
     * "Regression, prediction and shrinkage", JRSS B 45:311). A trend of a
     * few years is mostly weather and business cycle: extrapolated in full
     * it put the next year's load above what followed. */
    double damp_b = 0.0, damp_w = 1.0;
    if (!freeze && m->p > 0 && ny >= 2 && has_trend(m->sp) && !trend_column(m, &damp_b) && damp_b != 0) {
        double ss = 0, xbar = 0, sxx = 0;
        for (size_t c = 0; c < ny; c++) ss += eb[c] * eb[c], xbar += xc[c] / (double)ny;
        for (size_t c = 0; c < ny; c++) sxx += (xc[c] - xbar) * (xc[c] - xbar);
        double s2 = (SCEN_LEVEL_NU0 * SCEN_LEVEL_SD0 * SCEN_LEVEL_SD0 + ss) / (SCEN_LEVEL_NU0 + (double)(ny - 2));
        double by = damp_b * HOURS_PER_YEAR / (rel ? mu_bar : 1.0);
        damp_w = sxx > 0 ? by * by / (by * by + s2 / sxx) : 0.0;
    }

    /* sd of lambda, a new year's level around the model's at its centre */
    int df_level = 0;
    /* Years between the end of training and the start of year Y: over
     * them a level may also wander (the economy, efficiency, new loads),
     * which a line through the training years cannot see: a random walk of
     * SCEN_LEVEL_SD0 per year adds gap SCEN_LEVEL_SD0^2. */
    const double gap = (double)(ty - t_origin) / (3600.0 * HOURS_PER_YEAR);
    const double sd_level = m->p == 0 ? 0.0 : sqrt(level_variance(
        eb, xc, ny, has_trend(m->sp) && !freeze, damp_w,
        ((double)(ty - (r->t0 + 3600 * (int64_t)a)) / 3600.0 + 0.5 * (double)nh) / HOURS_PER_YEAR, &df_level) +
        (gap > 0 ? gap * SCEN_LEVEL_SD0 * SCEN_LEVEL_SD0 : 0.0));
    if (df_level < 3) df_level = 3;

    /* Blocks and their candidate sources (y', delta). */
    const size_t nblk = nh / SCEN_BLOCK_HOURS;
    const int y_lo = year_of(r->t0 + 3600 * (int64_t)a) - 1, y_hi = year_of(r->t0 + 3600 * (int64_t)b) + 1;
    const size_t per = (size_t)(y_hi - y_lo + 1) * (2 * SCEN_SHIFT_DAYS + 1);
    const size_t nyr = (size_t)(y_hi - y_lo + 1);
    blk = mem_array(nblk, sizeof *blk);
    cand = mem_array(nblk * per, sizeof *cand);
    ystart = mem_array(nblk * (nyr + 1), sizeof *ystart);
    cdel = mem_array(nblk * per, sizeof *cdel);
    if (!blk || !cand || !ystart || !cdel) goto oom;
    for (size_t j = 0; j < nblk; j++) {
        block *B = &blk[j];
        B->off = j * SCEN_BLOCK_HOURS;
        B->len = j + 1 < nblk ? SCEN_BLOCK_HOURS : nh - B->off;
        B->c0 = j * per;
        B->nc = 0;
        /* all residuals finite first; blocks with missing hours only if no
         * whole one exists (they leave NaN hours, which headroom skips) */
        size_t *ys = ystart + j * (nyr + 1);
        for (int pass = 0; pass < 2 && B->nc == 0; pass++)
            for (int y = y_lo; y <= y_hi; y++) {
                ys[y - y_lo] = B->nc; /* candidates of year y: [ys[y], ys[y + 1]) */
                for (int d = -SCEN_SHIFT_DAYS; d <= SCEN_SHIFT_DAYS; d++) {
                    int64_t src = source_at(r, a, b, y, 3600 * (int64_t)B->off, d, B->len, nanc, pass == 0);
                    if (src >= 0 && (pass == 0 || nanc[src + (int64_t)B->len] - nanc[src] < B->len)) {
                        cdel[B->c0 + B->nc] = (signed char)d;
                        cand[B->c0 + B->nc++] = (size_t)src;
                    }
                }
            }
        ys[nyr] = B->nc;
        if (B->nc == 0) {
            char t1[21], t2[21];
            cal_format_utc(ty + 3600 * (int64_t)B->off, t1);
            cal_format_utc(ty + 3600 * (int64_t)(B->off + B->len - 1), t2);
            st = err_set(HR_EDATA,
                        "region '%s': no training year covers %.10s to %.10s (+-%d days) with residuals; "
                        "scenarios need every week of the year in the training window",
                        r->name, t1 + 5, t2 + 5, SCEN_SHIFT_DAYS);
            goto done;
        }
    }

    /* Base years: the training years that cover at least half the blocks. */
    size_t nbase = 0;
    for (size_t yi = 0; yi < nyr; yi++) {
        size_t cov = 0;
        for (size_t j = 0; j < nblk; j++) cov += ystart[j * (nyr + 1) + yi + 1] > ystart[j * (nyr + 1) + yi];
        if (2 * cov >= nblk) base[nbase++] = yi;
    }

    /* Weather years: whole shifted years of temperature inside the window. */
    if (weather) {
        tnanc = nan_prefix(tc + a, nw);
        wcand = mem_array(per, sizeof *wcand);
        wmu = mem_calloc(per, sizeof *wmu);
        if (!tnanc || !wcand || !wmu) goto oom;
        for (int y = y_lo; y <= y_hi; y++)
            for (int d = -SCEN_SHIFT_DAYS; d <= SCEN_SHIFT_DAYS; d++) {
                int64_t src = source_at(r, a, b, y, 0, d, nh, tnanc, 1);
                if (src >= 0) wcand[nwc++] = (size_t)src;
            }
        if (nwc == 0) {
            st = err_set(HR_EDATA,
                        "region '%s': model '%s' needs a whole year of temperatures in the training window",
                        r->name, m->name);
            goto done;
        }
    } else {
        design_data dy = {.t0 = ty, .n = nh, .temp_c = NULL, .load_mw = NULL, .tz = tz};
        st = model_mean_rows(m, &dy, 0, nh, mu);
        if (st) goto done;
        if (freeze) hold_trend(mu, nh, ty, t_hold, frozen_beta);
        damp_trend(mu, nh, ty, t_hold, damp_b, damp_w);
    }

    /* m_t: the error model's conditional mean, tapered over 4 weeks. */
    int has_errors = m->has_arima || m->sp->errors.kind == SPEC_ERR_DIRECT;
    if (has_errors && !weather && ty + 3600 * (int64_t)nh > t_origin &&
        ty < t_origin + 3600 * (int64_t)SCEN_BLEND_HOURS) {
        size_t o = b, H = SCEN_BLEND_HOURS;
        double *fm = mem_array(H, sizeof *fm), *fv = mem_array(H, sizeof *fv), *fmu = mem_array(H, sizeof *fmu);
        blend = mem_calloc(nh, sizeof *blend);
        if (!fm || !fv || !fmu || !blend) st = err_set(HR_ENOMEM, "hr_scenarios: out of memory");
        design_data dh = {.t0 = r->t0, .n = o + H, .temp_c = NULL, .load_mw = NULL, .tz = tz};
        if (!st) st = model_forecast_at(m, r, NULL, o, 0, H, fm, fv);
        if (!st) st = model_mean_rows(m, &dh, o, o + H, fmu);
        for (size_t k = 0; !st && k < H; k++) {
            int64_t t = t_origin + 3600 * (int64_t)k;
            if (t < ty || t >= ty + 3600 * (int64_t)nh) continue;
            double f = m->sp->log_transform ? log(fm[k]) : fm[k];
            blend[(t - ty) / 3600] = (1.0 - (double)k / SCEN_BLEND_HOURS) * (f - fmu[k]);
        }
        mem_free(fm);
        mem_free(fv);
        mem_free(fmu);
        if (st) goto done;
    }

    /* G_t */
    {
        double lg = log1p(growth_pct / 100.0);
        for (size_t k = 0; k < nh; k++) {
            double yrs = (double)(ty + 3600 * (int64_t)k - t_origin) / (3600.0 * HOURS_PER_YEAR);
            grow[k] = yrs > 0 ? exp(lg * yrs) : 1.0;
        }
    }

    for (size_t p = 0; p < S; p++) {
        rng g;
        rng_seed_stream(&g, seed, p);
        double *y = paths + p * nh;
        const double *mp = mu;
        if (weather) {
            size_t c = rng_below(&g, nwc);
            if (!wmu[c]) {
                wmu[c] = mem_array(nh, sizeof(double));
                if (!wmu[c]) goto oom;
                design_data dw = {.t0 = ty, .n = nh, .temp_c = tc + a + wcand[c], .load_mw = NULL, .tz = tz};
                st = model_mean_rows(m, &dw, 0, nh, wmu[c]);
                if (st) goto done;
                if (freeze) hold_trend(wmu[c], nh, ty, t_hold, frozen_beta);
                damp_trend(wmu[c], nh, ty, t_hold, damp_b, damp_w);
            }
            mp = wmu[c];
        }
        const double lam = sd_level > 0 ? sd_level * rng_t(&g, df_level) : 0.0;
        const size_t yb = nbase ? base[rng_below(&g, nbase)] : nyr;
        const int db = (int)rng_below(&g, 2 * SCEN_SHIFT_DAYS + 1) - SCEN_SHIFT_DAYS;
        for (size_t j = 0; j < nblk; j++) {
            const block *B = &blk[j];
            const size_t *ys = ystart + j * (nyr + 1);
            /* the base year's week at the path's shift; else that year's
             * week at another shift; else any year's */
            size_t c = SIZE_MAX;
            if (yb < nyr && ys[yb + 1] > ys[yb]) {
                for (size_t i = ys[yb]; i < ys[yb + 1] && c == SIZE_MAX; i++)
                    if (cdel[B->c0 + i] == db) c = i;
                if (c == SIZE_MAX) c = ys[yb] + rng_below(&g, ys[yb + 1] - ys[yb]);
            } else {
                c = rng_below(&g, B->nc);
            }
            const double *src = e + cand[B->c0 + c];
            if (rel)
                for (size_t i = 0; i < B->len; i++) y[B->off + i] = mp[B->off + i] * (1.0 + lam + src[i]);
            else
                for (size_t i = 0; i < B->len; i++) y[B->off + i] = mp[B->off + i] + lam + src[i];
        }
        if (blend)
            for (size_t k = 0; k < nh; k++) y[k] += blend[k];
        if (m->sp->log_transform)
            for (size_t k = 0; k < nh; k++) y[k] = exp(y[k]);
        for (size_t k = 0; k < nh; k++) y[k] *= grow[k];
    }
    goto done;
oom:
    st = err_set(HR_ENOMEM, "hr_scenarios: out of memory");
done:
    if (wmu)
        for (size_t c = 0; c < nwc; c++) mem_free(wmu[c]);
    mem_free(wmu);
    mem_free(wcand);
    mem_free(tnanc);
    mem_free(blk);
    mem_free(cand);
    mem_free(ystart);
    mem_free(cdel);
    mem_free(nanc);
    mem_free(blend);
    mem_free(grow);
    mem_free(mu);
    mem_free(e);
    cal_tz_free(tz);
    return st;
}
