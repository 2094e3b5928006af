/* design.c — design matrices from model specifications.
 *
 * Exports design_width, design_build, design_build_region and
 * design_matrix_free. A term's columns are the cartesian product of its
 * atoms' columns (first atom slowest), the full dummy coding of R's
 * `a:b` when neither margin is in the model; aliasing is left to the
 * rank-revealing fit (regress.c), as R's lm does.
 *
 * Definitions (Hong 2010, "Short term electric load forecasting", PhD thesis,
 * NCSU, ch. 4; Hong, Pinson & Fan 2014, IJF 30:357, the GEFCom2012 vanilla
 * benchmark): Trend = hour index (1 at the trend epoch), Month, Weekday and
 * Hour categorical in local time, T the hourly temperature.
 * Fourier terms (Harvey 1989; Hyndman & Athanasopoulos, FPP3 sec. 7.4):
 * sin(2 pi k u / m), cos(2 pi k u / m) with u the position in the cycle:
 * local hour of day (m = 24), hour of week from Sunday 00:00 (m = 168),
 * local days since 1970-01-01 (m = 365.2425, the Gregorian mean year).
 */
#include "model/design.h"
#include "util/error.h"
#include "util/mem.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* per-row calendar and weather context */
typedef struct {
    int month0, wday, hour;    /* 0-11, 0 = Sunday, 0-23 (local)         */
    int hol, bridge;           /* cal_us_holiday 1..11 / cal_us_bridge_day 1..2, 0 = none */
    double days;               /* local days since 1970-01-01, fractional */
    double trend, T;           /* hours since epoch + 1; temperature in the spec's unit */
} rowctx;

static const char *const wd_name[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const hol_name[13] = {
    "new_year", "mlk", "washington", "memorial", "juneteenth", "independence", "labor",
    "columbus", "veterans", "thanksgiving", "christmas", "day_after_thanksgiving", "christmas_eve"
};

size_t design_width(const spec *s)
{
    size_t p = 0;
    for (size_t t = 0; t < s->nterm; t++) p += spec_term_width(&s->term[t]);
    return p;
}

void design_matrix_free(design_matrix *m)
{
    if (!m) return;
    if (m->names)
        for (size_t j = 0; j < m->p; j++) mem_free(m->names[j]);
    mem_free(m->names);
    mem_free(m->X);
    memset(m, 0, sizeof *m);
}

/* Name of column i of atom a into buf. */
static void atom_name(const spec_atom *a, size_t i, char *buf, size_t cap)
{
    switch (a->kind) {
    case SA_INTERCEPT: snprintf(buf, cap, "intercept"); break;
    case SA_TREND: snprintf(buf, cap, "trend"); break;
    case SA_MONTH: snprintf(buf, cap, "month[%zu]", i + 1); break;
    case SA_WEEKDAY: snprintf(buf, cap, "weekday[%s]", wd_name[i]); break;
    case SA_HOUR: snprintf(buf, cap, "hour[%zu]", i); break;
    case SA_HOLIDAYS:
        snprintf(buf, cap, "%s", i == 0 ? "holiday" : i == 1 ? "day_after_thanksgiving" : "christmas_eve");
        break;
    case SA_HOLIDAYS_EACH: snprintf(buf, cap, "holiday[%s]", hol_name[i]); break;
    case SA_T: snprintf(buf, cap, "T"); break;
    case SA_T2: snprintf(buf, cap, "T^2"); break;
    case SA_T3: snprintf(buf, cap, "T^3"); break;
    case SA_HDD: snprintf(buf, cap, "hdd(%g)", a->arg); break;
    case SA_CDD: snprintf(buf, cap, "cdd(%g)", a->arg); break;
    case SA_FOURIER_DAILY:
    case SA_FOURIER_WEEKLY:
    case SA_FOURIER_ANNUAL:
        snprintf(buf, cap, "fourier_%s_%s[%zu]",
                 a->kind == SA_FOURIER_DAILY ? "daily" : a->kind == SA_FOURIER_WEEKLY ? "weekly" : "annual",
                 i % 2 ? "cos" : "sin", i / 2 + 1);
        break;
    case SA_LAG: snprintf(buf, cap, "lag(%g)", a->arg); break;
    default: snprintf(buf, cap, "?"); break;
    }
}

/* Nonzero entries of atom a on one row: column indices idx[] and values
 * val[]; returns their count (<= spec_atom_width). Categorical atoms give
 * one entry (or none: a day that is no holiday). */
static size_t atom_entries(const spec_atom *a, const rowctx *r, double lag, size_t *idx, double *val)
{
    const double twopi = 6.283185307179586;
    double u, m;
    switch (a->kind) {
    case SA_INTERCEPT: idx[0] = 0, val[0] = 1; return 1;
    case SA_TREND: idx[0] = 0, val[0] = r->trend; return 1;
    case SA_MONTH: idx[0] = (size_t)r->month0, val[0] = 1; return 1;
    case SA_WEEKDAY: idx[0] = (size_t)r->wday, val[0] = 1; return 1;
    case SA_HOUR: idx[0] = (size_t)r->hour, val[0] = 1; return 1;
    case SA_HOLIDAYS:
        if (r->hol) { idx[0] = 0, val[0] = 1; return 1; }
        if (r->bridge) { idx[0] = (size_t)r->bridge, val[0] = 1; return 1; }
        return 0;
    case SA_HOLIDAYS_EACH:
        if (r->hol) { idx[0] = (size_t)r->hol - 1, val[0] = 1; return 1; }
        if (r->bridge) { idx[0] = 10 + (size_t)r->bridge, val[0] = 1; return 1; }
        return 0;
    case SA_T: idx[0] = 0, val[0] = r->T; return 1;
    case SA_T2: idx[0] = 0, val[0] = r->T * r->T; return 1;
    case SA_T3: idx[0] = 0, val[0] = r->T * r->T * r->T; return 1;
    case SA_HDD: idx[0] = 0, val[0] = isnan(r->T) ? NAN : fmax(0.0, a->arg - r->T); return 1;
    case SA_CDD: idx[0] = 0, val[0] = isnan(r->T) ? NAN : fmax(0.0, r->T - a->arg); return 1;
    case SA_LAG: idx[0] = 0, val[0] = lag; return 1;
    case SA_FOURIER_DAILY: u = r->hour, m = 24; break;
    case SA_FOURIER_WEEKLY: u = r->wday * 24 + r->hour, m = 168; break;
    case SA_FOURIER_ANNUAL: u = r->days, m = 365.2425; break;
    default: return 0;
    }
    const size_t K = (size_t)a->arg;
    const double w = twopi * fmod(u, m) / m;
    for (size_t k = 1; k <= K; k++) {
        idx[2 * k - 2] = 2 * k - 2, val[2 * k - 2] = sin((double)k * w);
        idx[2 * k - 1] = 2 * k - 1, val[2 * k - 1] = cos((double)k * w);
    }
    return 2 * K;
}

int design_build(const spec *s, const design_data *d, size_t from, size_t to,
                   design_matrix *out)
{
    if (out) memset(out, 0, sizeof *out);
    if (!s || !d || !out) return err_set(HR_EINVAL, "design_build: NULL argument");
    if (from >= to || to > d->n)
        return err_set(HR_EINVAL, "design_build: rows [%zu, %zu) outside [0, %zu) or empty",
                      from, to, d->n);
    if (spec_needs_temp(s) && !d->temp_c)
        return err_set(HR_EINVAL, "design_build: model '%s' needs temperature (temp_c)",
                      s->name ? s->name : "?");
    if (spec_needs_load(s) && !d->load_mw)
        return err_set(HR_EINVAL, "design_build: model '%s' has lag terms but no load_mw",
                      s->name ? s->name : "?");
    const size_t n = to - from, p = design_width(s);
    if (p == 0 || n > SIZE_MAX / p / sizeof(double))
        return err_set(HR_EINVAL, "design_build: %zu x %zu design too large", n, p);

    rowctx *ctx = mem_array(n, sizeof *ctx);
    out->X = mem_array(n * p, sizeof *out->X);
    out->names = mem_calloc(p, sizeof *out->names);
    if (!ctx || !out->X || !out->names) goto nomem;
    out->n = n;
    out->p = p;

    /* per-row calendar (holidays cached per local day) */
    int64_t day_cached = INT64_MIN;
    int hol = 0, bridge = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t k = from + i;
        const int64_t t = d->t_utc ? d->t_utc[k] : d->t0 + 3600 * (int64_t)k;
        const int64_t tl = t + (d->tz ? cal_tz_offset(d->tz, t, NULL) : 0);
        cal_civil c;
        int wd, yday;
        cal_utc_to_civil(tl, &c, &wd, &yday);
        const int64_t day = (tl >= 0 ? tl : tl - 86399) / 86400;
        if (day != day_cached) {
            hol = cal_us_holiday(c.year, c.month, c.day);
            bridge = hol ? 0 : cal_us_bridge_day(c.year, c.month, c.day);
            day_cached = day;
        }
        rowctx *r = &ctx[i];
        r->month0 = c.month - 1;
        r->wday = wd;
        r->hour = c.hour;
        r->hol = hol;
        r->bridge = bridge;
        r->days = (double)tl / 86400.0;
        r->trend = (double)(t - s->trend_epoch) / 3600.0 + 1.0;
        double T = d->temp_c ? d->temp_c[k] : NAN;
        r->T = s->fahrenheit ? T * 1.8 + 32.0 : T; /* back to the data's deg F */
    }

    size_t c0 = 0, maxw = 1;
    for (size_t t = 0; t < s->nterm; t++)
        for (int a = 0; a < s->term[t].natom; a++)
            if (spec_atom_width(&s->term[t].atom[a]) > maxw) maxw = spec_atom_width(&s->term[t].atom[a]);
    size_t *idx = mem_array(SPEC_MAX_ATOMS * maxw, sizeof *idx);
    double *val = mem_array(SPEC_MAX_ATOMS * maxw, sizeof *val);
    if (!idx || !val) {
        mem_free(idx);
        mem_free(val);
        goto nomem;
    }
    for (size_t t = 0; t < s->nterm; t++) {
        const spec_term *term = &s->term[t];
        size_t w[SPEC_MAX_ATOMS], mult[SPEC_MAX_ATOMS], tw = 1;
        for (int a = term->natom - 1; a >= 0; a--) {
            w[a] = spec_atom_width(&term->atom[a]);
            mult[a] = tw;
            tw *= w[a];
        }
        /* names */
        for (size_t j = 0; j < tw; j++) {
            char buf[256];
            size_t len = 0;
            for (int a = 0; a < term->natom; a++) {
                if (a) buf[len++] = ':';
                atom_name(&term->atom[a], (j / mult[a]) % w[a], buf + len, sizeof buf - len - 1);
                len += strlen(buf + len);
            }
            if (!(out->names[c0 + j] = mem_strdup(buf))) {
                mem_free(idx);
                mem_free(val);
                goto nomem;
            }
        }
        /* values: zero, then the nonzero entries of each row */
        double *Xt = out->X + c0 * n;
        memset(Xt, 0, tw * n * sizeof *Xt);
        for (size_t i = 0; i < n; i++) {
            size_t cnt[SPEC_MAX_ATOMS];
            for (int a = 0; a < term->natom; a++) {
                const spec_atom *at = &term->atom[a];
                double lag = NAN;
                if (at->kind == SA_LAG) {
                    size_t L = (size_t)at->arg, k = from + i;
                    lag = k >= L ? d->load_mw[k - L] : NAN;
                }
                cnt[a] = atom_entries(at, &ctx[i], lag, idx + a * maxw, val + a * maxw);
            }
            /* cartesian product of the entries (odometer over atoms) */
            size_t pos[SPEC_MAX_ATOMS] = { 0 };
            int empty = 0;
            for (int a = 0; a < term->natom; a++) empty |= cnt[a] == 0;
            while (!empty) {
                size_t col = 0;
                double v = 1.0;
                for (int a = 0; a < term->natom; a++) {
                    col += idx[a * maxw + pos[a]] * mult[a];
                    v *= val[a * maxw + pos[a]];
                }
                Xt[col * n + i] = v;
                int a = term->natom - 1;
                while (a >= 0 && ++pos[a] == cnt[a]) pos[a--] = 0;
                if (a < 0) break;
            }
        }
        c0 += tw;
    }
    mem_free(idx);
    mem_free(val);
    mem_free(ctx);
    return HR_OK;
nomem:
    mem_free(ctx);
    design_matrix_free(out);
    return err_set(HR_ENOMEM, "design_build: out of memory (%zu x %zu design)", n, p);
}

int design_build_region(const spec *s, const series_region *r, const char *tzdir,
                          size_t from, size_t to, design_matrix *out)
{
    if (out) memset(out, 0, sizeof *out);
    if (!s || !r || !out) return err_set(HR_EINVAL, "design_build_region: NULL argument");
    design_data d = { .t0 = r->t0, .n = r->n };
    d.temp_c = series_col_get(r, "temp_c");
    d.load_mw = series_col_get(r, "load_mw");
    if (spec_needs_temp(s) && !d.temp_c)
        return err_set(HR_ENOTFOUND, "region '%s': model '%s' needs column 'temp_c'", r->name,
                      s->name ? s->name : "?");
    if (spec_needs_load(s) && !d.load_mw)
        return err_set(HR_ENOTFOUND, "region '%s': model '%s' needs column 'load_mw' for lags",
                      r->name, s->name ? s->name : "?");
    cal_tz *z = NULL;
    if (r->tz && cal_tz_load(r->tz, tzdir, &z) != 0)
        return err_set(HR_ENOTFOUND, "region '%s': time zone '%s' not found", r->name, r->tz);
    d.tz = z;
    int rc = design_build(s, &d, from, to, out);
    if (rc) rc = err_prefix(rc, r->name);
    cal_tz_free(z);
    return rc;
}
