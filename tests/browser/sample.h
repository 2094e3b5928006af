/* sample.h — three fake regions for the report tests and the browser check.
 *
 * Each region gets two years of synthetic hourly load (daily, weekly and
 * seasonal cycles plus AR(1) noise, seeded), and the report inputs are
 * computed from it here by brute force, independently of the library:
 * threshold = the two-year peak, curtailment C_t = min(L, max(0, D_t + L - T))
 * (Norris et al. 2025), headroom by bisection on the rate, a load-duration
 * curve, an hour x month heatmap and a seasonal-naive "forecast" with
 * normal bands. Backtest metrics and P10/P50/P90 are made-up but plausible.
 * Region 1 is named "A&B <x>" to exercise escaping; region 2 ("Tiny Co-op")
 * lacks the curve, heatmap, forecast and probabilistic headroom so the
 * report's "no data" paths are drawn. Header-only; everything static. */
#ifndef HR_TEST_REPORT_SAMPLE_H
#define HR_TEST_REPORT_SAMPLE_H
#include "report/report.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_T0 1672531200 /* 2023-01-01T00:00:00Z, a Sunday */
#define SAMPLE_N (2 * 8760)
#define SAMPLE_NB 4
#define SAMPLE_NCURVE 60

typedef struct {
    report_region r;
    char name[64];
    double ldc[200];
    double cmw[SAMPLE_NCURVE], crate[SAMPLE_NCURVE];
    double heat[SAMPLE_NB * 24 * 12];
    double mean[336], lo80[336], hi80[336], lo95[336], hi95[336], hist[168];
    report_backtest bt[4];
    report_headroom hr[SAMPLE_NB];
    const char *fuel[5];
    double share[5], sharec[5];
} sample_region;

static const double sample_budgets[SAMPLE_NB] = {0.25, 0.5, 1, 5};

static uint64_t sample_rs;
static double sample_u(void) /* splitmix64 -> (0,1) */
{
    uint64_t z = (sample_rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}
static double sample_gauss(void)
{
    return sqrt(-2 * log(sample_u())) * cos(6.283185307179586 * sample_u());
}

/* Mean yearly curtailment rate (percent of added energy) of flat load L. */
static double sample_rate(const double *D, size_t n, double T, double L)
{
    if (L <= 0) return 0;
    double c = 0;
    for (size_t t = 0; t < n; t++) {
        double x = D[t] + L - T;
        c += x <= 0 ? 0 : x < L ? x : L;
    }
    return 100 * c / (L * (double)n);
}

static int sample_dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int sample_month(int64_t t) /* 0 = January; 2023-2024 only */
{
    static const int mdays[2][12] = {{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
                                     {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};
    int64_t d = (t - SAMPLE_T0) / 86400;
    int leap = 0;
    if (d >= 365) {
        d -= 365;
        leap = 1;
    }
    int m = 0;
    while (m < 11 && d >= mdays[leap][m]) d -= mdays[leap][m++];
    return m;
}

/* Build region k (0, 1 or 2). Returns 0 on success (-1: out of memory). */
static int sample_make(sample_region *s, int k)
{
    static const char *const names[3] = {"ERCO", "A&B <x>", "Tiny Co-op"};
    static const double peakish[3] = {62000, 11800, 900};
    memset(s, 0, sizeof *s);
    report_region_init(&s->r);
    strcpy(s->name, names[k]);
    s->r.name = s->name;
    sample_rs = 1000 + (uint64_t)k;
    double *D = malloc(SAMPLE_N * sizeof *D), *S = malloc(SAMPLE_N * sizeof *S);
    if (!D || !S) {
        free(D);
        free(S);
        return -1;
    }
    double e = 0, peak = 0, sum = 0;
    for (size_t t = 0; t < SAMPLE_N; t++) {
        int64_t ts = SAMPLE_T0 + (int64_t)t * 3600;
        double h = (double)(t % 24), doy = (double)((t / 24) % 365);
        int dow = (int)((t / 24) % 7); /* 0 = Sunday */
        double daily = 1 + 0.13 * sin(6.283185307179586 * (h - 15) / 24);
        double season = 1 + (k == 1 ? -0.05 : 0.14) * cos(6.283185307179586 * (doy - 205) / 365.25) +
                        0.07 * cos(12.566370614359172 * (doy - 20) / 365.25);
        double week = (dow == 0 || dow == 6) ? 0.93 : 1.0;
        e = 0.9 * e + 0.012 * sample_gauss();
        D[t] = peakish[k] * 0.72 * daily * season * week * (1 + e);
        (void)ts;
        if (D[t] > peak) peak = D[t];
        sum += D[t];
    }
    double T = peak;
    s->r.peak_mw = peak;
    s->r.load_factor = sum / (double)SAMPLE_N / peak;
    s->r.quality.first_utc = SAMPLE_T0;
    s->r.quality.last_utc = SAMPLE_T0 + (int64_t)(SAMPLE_N - 1) * 3600;
    s->r.quality.hours = SAMPLE_N;
    s->r.quality.missing = (size_t)(k * 37);
    s->r.quality.flagged = (size_t)(k * 37 + 5 + k);
    if (k == 2) s->r.quality.flagged = 600; /* 3.4 % imputed: a data warning */
    s->r.quality.imputed = s->r.quality.flagged;
    s->r.quality.by_flag[HR_FLAG_MISSING] = s->r.quality.missing;
    s->r.quality.by_flag[HR_FLAG_DELTA] = 5;
    s->r.quality.by_flag[HR_FLAG_GLOBAL_DEM] = (size_t)k;
    s->r.quality.peak_mw = peak;
    s->r.quality.mean_mw = sum / (double)SAMPLE_N;

    /* Load-duration curve, 200 points. */
    memcpy(S, D, SAMPLE_N * sizeof *S);
    qsort(S, SAMPLE_N, sizeof *S, sample_dcmp);
    for (size_t i = 0; i < 200; i++) s->ldc[i] = 100 * S[i * (SAMPLE_N - 1) / 199] / peak;
    s->r.ldc_pct = s->ldc;
    s->r.nldc = 200;

    /* Headroom per budget by bisection (the rate is increasing in L). */
    for (int j = 0; j < SAMPLE_NB; j++) {
        double lo = 0, hi = peak;
        for (int it = 0; it < 40; it++) {
            double mid = 0.5 * (lo + hi);
            if (sample_rate(D, SAMPLE_N, T, mid) <= sample_budgets[j]) lo = mid;
            else hi = mid;
        }
        report_headroom *x = &s->hr[j];
        double L = lo;
        x->budget_pct = sample_budgets[j];
        x->headroom_mw = L;
        x->headroom_pct_peak = 100 * L / peak;
        size_t cur = 0, g50 = 0, g75 = 0, g90 = 0, nev = 0, run = 0, maxrun = 0, evh = 0;
        for (size_t t = 0; t < SAMPLE_N; t++) {
            double c = D[t] + L - T;
            if (c > 0) {
                double kept = 1 - (c < L ? c : L) / L;
                cur++;
                g50 += kept >= 0.5;
                g75 += kept >= 0.75;
                g90 += kept >= 0.9;
                if (run == 0) nev++;
                run++;
                evh++;
                if (run > maxrun) maxrun = run;
            } else
                run = 0;
        }
        x->curtailed_hours_per_year = (double)cur / 2;
        x->hours_ge50 = (double)g50 / 2;
        x->hours_ge75 = (double)g75 / 2;
        x->hours_ge90 = (double)g90 / 2;
        x->mean_event_hours = nev ? (double)evh / (double)nev : NAN;
        x->max_event_hours = (double)maxrun;
        x->p10_mw = k == 2 ? NAN : 0.78 * L;
        x->p50_mw = k == 2 ? NAN : 0.97 * L;
        x->p90_mw = k == 2 ? NAN : 1.12 * L;
    }
    s->r.headroom = s->hr;
    s->r.nbudgets = SAMPLE_NB;
    s->r.year_from = 2023;
    s->r.year_to = 2024;
    s->r.threshold_summer_mw = s->r.threshold_winter_mw = T; /* one threshold: the peak */

    if (k != 2) {
        /* Curve up to 1.5x the headroom at the largest budget. */
        double Lmax = 1.5 * s->hr[SAMPLE_NB - 1].headroom_mw;
        for (size_t i = 0; i < SAMPLE_NCURVE; i++) {
            s->cmw[i] = Lmax * (double)i / (SAMPLE_NCURVE - 1);
            s->crate[i] = sample_rate(D, SAMPLE_N, T, s->cmw[i]);
        }
        s->r.curve_mw = s->cmw;
        s->r.curve_rate_pct = s->crate;
        s->r.ncurve = SAMPLE_NCURVE;

        /* Heatmaps at every budget, in UTC. */
        for (int j = 0; j < SAMPLE_NB; j++) {
            double L = s->hr[j].headroom_mw;
            for (size_t t = 0; t < SAMPLE_N; t++)
                if (L > 0 && D[t] + L - T > 0)
                    s->heat[((size_t)j * 24 + t % 24) * 12 + (size_t)sample_month(SAMPLE_T0 + (int64_t)t * 3600)] += 0.5;
        }
        s->r.heatmap = s->heat;
        s->r.heatmap_tz = "UTC";
        s->r.train_first_utc = SAMPLE_T0;
        s->r.train_last_utc = SAMPLE_T0 + (int64_t)(SAMPLE_N - 1) * 3600;

        /* Seasonal-naive forecast from the last week, bands widening with
         * the horizon; history = the last observed week. */
        double sd0 = 0.02 * peakish[k];
        for (size_t i = 0; i < 168; i++) s->hist[i] = D[SAMPLE_N - 168 + i];
        s->hist[100] = NAN; /* a gap in the observed week */
        for (size_t i = 0; i < 336; i++) {
            double m = D[SAMPLE_N - 168 + i % 168];
            double sd = sd0 * sqrt(1 + (double)i / 24);
            s->mean[i] = m;
            s->lo80[i] = m - 1.2815515655446004 * sd;
            s->hi80[i] = m + 1.2815515655446004 * sd;
            s->lo95[i] = m - 1.959963984540054 * sd;
            s->hi95[i] = m + 1.959963984540054 * sd;
        }
        report_forecast *f = &s->r.forecast;
        f->t0_utc = SAMPLE_T0 + (int64_t)SAMPLE_N * 3600;
        f->h = 336;
        f->mean = s->mean;
        f->lo80 = s->lo80;
        f->hi80 = s->hi80;
        f->lo95 = s->lo95;
        f->hi95 = s->hi95;
        f->nhist = 168;
        f->history = s->hist;
    } else {
        s->r.note = "Less than one year of clean data: forecast, backtest of auto and "
                    "probabilistic headroom skipped.";
    }

    static const char *const models[4] = {"auto", "snaive24", "snaive168", "ba_forecast"};
    static const double mape[3][4] = {{2.61, 5.02, 6.11, 3.05}, {3.35, 5.8, 6.9, NAN}, {NAN, 7.9, 9.4, NAN}};
    size_t nb = 0;
    for (int m = 0; m < 4; m++) {
        if (isnan(mape[k][m])) continue;
        report_backtest *b = &s->bt[nb++];
        b->model = models[m];
        b->n = 8760;
        b->mape = mape[k][m];
        b->mae = mape[k][m] / 100 * peakish[k] * 0.72;
        b->rmse = b->mae * 1.3;
        b->mase = mape[k][m] / 6.0;
        b->coverage80 = m == 0 ? 79.1 : m == 3 ? NAN : 74.0;
        b->coverage95 = m == 0 ? 94.2 : m == 3 ? NAN : 90.5;
        b->winkler95 = m == 3 ? NAN : b->rmse * 4.6;
        b->pinball = b->mae * 0.36;
    }
    s->r.backtest = s->bt;
    s->r.nbacktest = nb;

    if (k == 0) {
        static const char *const fuels[5] = {"gas", "coal", "nuclear", "wind", "solar"};
        static const double sh[5] = {44.8, 15.2, 9.9, 23.6, 6.5}, shc[5] = {58.1, 19.9, 9.1, 10.8, 2.1};
        for (int j = 0; j < 5; j++) {
            s->fuel[j] = fuels[j];
            s->share[j] = sh[j];
            s->sharec[j] = shc[j];
        }
        s->r.genmix.nfuels = 5;
        s->r.genmix.fuel = s->fuel;
        s->r.genmix.share_pct = s->share;
        s->r.genmix.share_curtailed_pct = s->sharec;
        s->r.genmix.cf_share_pct = 9.9 + 23.6 + 6.5;
        s->r.genmix.cf_share_curtailed_pct = 9.1 + 10.8 + 2.1;
    }
    free(D);
    free(S);
    return 0;
}
#endif
