/* gen.c — the embedded default data set of headroom: synthetic hourly load,
 * day-ahead forecast, temperature and generation mix for seven made-up grid
 * regions, 2019-01-01T00:00Z .. 2023-12-31T23:00Z, with injected data faults.
 *
 * Standalone (no project headers) and deterministic: every random number
 * comes from xoshiro256** streams seeded by splitmix64 from one seed (default
 * 20190101, `-s SEED`), so the output is byte-identical on every run on a
 * given libm. The model equations, the seed and the list of injected faults
 * are documented in datasets/README.md; the faults are also written to
 * OUTDIR/anomalies.tsv so tests can check that screening finds them.
 *
 * Usage: gen [-s SEED] [-v] OUTDIR
 * Writes OUTDIR/<REGION>.csv (format `long`, one file per region:
 *   region,timestamp,load_mw,forecast_mw,temp_c,gen_coal_mw,gen_gas_mw,
 *   gen_nuclear_mw,gen_hydro_mw,gen_wind_mw,gen_solar_mw,gen_other_mw,
 *   interchange_mw
 * timestamps UTC hour-beginning `YYYY-MM-DDTHH:MM:SSZ`) and
 * OUTDIR/anomalies.tsv. Each file is written to a .tmp name and renamed.
 * All data are SYNTHETIC; no real region is meant. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define NYEARS 5
#define Y0 2019
#define NDAYS 1826 /* 2019-01-01 .. 2023-12-31 */
#define NHOURS (NDAYS * 24)

/* ---------------------------------------------------------------- PRNG --- */
/* splitmix64 (Steele, Lea & Flood 2014) seeds xoshiro256** (Blackman &
 * Vigna 2018); both as published at prng.di.unimi.it. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

typedef struct { uint64_t s[4]; int have; double spare; } rng;

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t xoshiro(rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 45);
    return out;
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
    r->have = 0;
}

static double unif(rng *r) { return ((double)(xoshiro(r) >> 11) + 0.5) * 0x1.0p-53; }

/* Standard normal by the Marsaglia polar method (deterministic order). */
static double gauss(rng *r)
{
    if (r->have) { r->have = 0; return r->spare; }
    double u, v, s;
    do {
        u = 2.0 * unif(r) - 1.0;
        v = 2.0 * unif(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double m = sqrt(-2.0 * log(s) / s);
    r->spare = v * m; r->have = 1;
    return u * m;
}

/* AR(1) x_t = phi x_{t-1} + e_t with stationary sd sd: innovation sd is
 * sd sqrt(1 - phi^2) (Box & Jenkins, sec. 3.2.4). */
static double ar1(double prev, double phi, double sd, rng *r)
{
    return phi * prev + sd * sqrt(1.0 - phi * phi) * gauss(r);
}

/* ------------------------------------------------------------- calendar --- */
/* Days since 1970-01-01 of a civil date, and back (H. Hinnant,
 * "chrono-compatible low-level date algorithms"). */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int weekday(long days) { return (int)(((days % 7) + 11) % 7); } /* 0 = Sunday */

/* Day (since epoch) of the n-th weekday wd (0 = Sunday) of month m; n = -1:
 * the last one. */
static long nth_weekday(int y, int m, int wd, int n)
{
    if (n > 0) {
        long d1 = days_from_civil(y, m, 1);
        return d1 + (wd - weekday(d1) + 7) % 7 + 7 * (n - 1);
    }
    long dl = days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
    return dl - (weekday(dl) - wd + 7) % 7;
}

/* US federal holidays as observed (5 U.S.C. 6103): a fixed-date holiday on a
 * Saturday is observed the Friday before, on a Sunday the Monday after
 * (so New Year's Day 2022, a Saturday, is observed Friday 2021-12-31).
 * Juneteenth from 2021. Writes up to 11 days since epoch; returns count. */
static int federal_holidays(int y, long out[11])
{
    int n = 0;
    const int fixed[][2] = {{1, 1}, {6, 19}, {7, 4}, {11, 11}, {12, 25}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        if (fixed[i][0] == 6 && y < 2021) continue;
        long d = days_from_civil(y, fixed[i][0], fixed[i][1]);
        int w = weekday(d);
        out[n++] = w == 6 ? d - 1 : w == 0 ? d + 1 : d;
    }
    out[n++] = nth_weekday(y, 1, 1, 3);   /* Birthday of Martin Luther King, Jr. */
    out[n++] = nth_weekday(y, 2, 1, 3);   /* Washington's Birthday */
    out[n++] = nth_weekday(y, 5, 1, -1);  /* Memorial Day */
    out[n++] = nth_weekday(y, 9, 1, 1);   /* Labor Day */
    out[n++] = nth_weekday(y, 10, 1, 2);  /* Columbus Day */
    out[n++] = nth_weekday(y, 11, 4, 4);  /* Thanksgiving Day */
    return n;
}

/* US daylight saving time since 2007 (15 U.S.C. 260a): from the second
 * Sunday of March 02:00 local standard time to the first Sunday of November
 * 02:00 local daylight time. Returns 1 if UTC second t is in DST for a zone
 * with standard offset off_h hours. */
static int us_dst(int64_t t, int year, int off_h)
{
    int64_t on = (int64_t)nth_weekday(year, 3, 0, 2) * 86400 + (2 - off_h) * 3600;
    int64_t off = (int64_t)nth_weekday(year, 11, 0, 1) * 86400 + (1 - off_h) * 3600;
    return t >= on && t < off;
}

/* --------------------------------------------------------------- regions --- */
typedef struct {
    const char *name, *tz;    /* tz: the IANA zone the region's clock follows */
    int off_h, dst;           /* standard UTC offset (hours), observes DST     */
    double lat, lon;          /* degrees, for the sun                          */
    double base_mw;           /* B: scale of the load                          */
    double growth;            /* g: load growth per year                       */
    double t_mean, t_amp, t_day, t_sd; /* climate, deg C                       */
    double kh, kc;            /* heating / cooling response, fraction of B     */
    double cap_coal, cap_nuc, cap_hydro, cap_wind, cap_solar; /* fraction of B */
    double wind_growth, solar_growth; /* capacity growth per year              */
    double net_export;        /* mean interchange, fraction of load            */
} region;

static const region REGIONS[] = {
    /* name        tz                    off dst  lat    lon      B      g      Tm    Ta    Td   Tsd   kh     kc     coal  nuc   hyd   wind  sol   wg    sg    exp */
    {"NORTHLAKE", "America/Chicago",     -6, 1, 45.0, -89.0, 14000, 0.003,  7.0, 15.0, 5.0, 5.0, 0.0075, 0.014, 0.55, 0.25, 0.03, 0.25, 0.03, 0.10, 0.25, 0.02},
    {"SUNBELT",   "America/New_York",    -5, 1, 33.0, -84.0, 29000, 0.015, 18.5,  9.0, 5.0, 3.0, 0.0060, 0.017, 0.25, 0.22, 0.04, 0.00, 0.08, 0.00, 0.30, -0.02},
    {"COASTAL",   "America/Los_Angeles", -8, 1, 37.0,-121.0, 22000, 0.005, 15.0,  5.0, 4.0, 2.5, 0.0050, 0.012, 0.00, 0.10, 0.25, 0.10, 0.25, 0.08, 0.20, -0.10},
    {"PLAINS",    "America/Chicago",     -6, 1, 40.0, -97.0,  8000, 0.010, 11.0, 14.0, 6.0, 5.0, 0.0080, 0.016, 0.45, 0.10, 0.02, 0.70, 0.03, 0.12, 0.30, 0.06},
    {"DESERT",    "America/Phoenix",     -7, 0, 33.5,-112.0,  5500, 0.030, 23.0, 11.0, 8.0, 2.5, 0.0030, 0.018, 0.25, 0.30, 0.05, 0.05, 0.30, 0.05, 0.25, 0.03},
    {"VALLEY",    "America/Denver",      -7, 1, 40.5,-111.0,  3000, 0.020, 10.0, 12.0, 8.0, 4.0, 0.0140, 0.008, 0.50, 0.00, 0.30, 0.15, 0.10, 0.10, 0.30, 0.00},
    {"HIGHLAND",  "America/New_York",    -5, 1, 38.0, -80.0,  1300, 0.000,  9.0, 11.0, 6.0, 4.5, 0.0120, 0.006, 0.60, 0.00, 0.15, 0.10, 0.02, 0.05, 0.20, 0.04},
};
#define NREG (sizeof REGIONS / sizeof REGIONS[0])

/* --------------------------------------------------------------- faults --- */
enum { A_GAP_ROWS, A_GAP_EMPTY, A_SPIKE_CONST, A_SPIKE_MULT, A_NEGATIVE, A_ZERO,
       A_IDENTICAL, A_DROP, A_FC_EMPTY };
static const char *const A_NAME[] = {"gap_rows", "gap_empty", "spike_const", "spike_x10",
                                     "negative", "zero", "identical_run", "drop",
                                     "forecast_empty"};
static const char *const A_FLAG[] = {"MISSING", "MISSING", "GLOBAL_DEM", "GLOBAL_DEM",
                                     "NEG_OR_ZERO", "NEG_OR_ZERO", "IDENTICAL_RUN",
                                     "LOCAL_DEM_DOWN", "-"};
static const char *const A_WHAT[] = {
    "rows absent from the file", "load_mw field empty", "load_mw = 2147480000",
    "load_mw x 10", "load_mw = -load", "load_mw = 0",
    "load_mw repeats the first hour's value", "load_mw x 0.55 for one hour",
    "forecast_mw field empty (load fine)"};

typedef struct { const char *region; int kind; int y, m, d, h; int hours; } fault;

static const fault FAULTS[] = {
    {"SUNBELT",   A_GAP_ROWS,    2019, 3, 14, 17, 1},
    {"SUNBELT",   A_SPIKE_CONST, 2020, 8, 11, 20, 1},
    {"SUNBELT",   A_DROP,        2021, 2, 3, 12, 1},
    {"SUNBELT",   A_DROP,        2021, 6, 22, 9, 1},
    {"SUNBELT",   A_DROP,        2022, 10, 5, 15, 1},
    {"SUNBELT",   A_DROP,        2023, 4, 18, 3, 1},
    {"NORTHLAKE", A_GAP_EMPTY,   2019, 11, 6, 2, 5},
    {"NORTHLAKE", A_NEGATIVE,    2021, 9, 9, 14, 1},
    {"NORTHLAKE", A_IDENTICAL,   2022, 5, 17, 8, 12},
    {"COASTAL",   A_GAP_ROWS,    2020, 10, 1, 0, 168},
    {"COASTAL",   A_SPIKE_MULT,  2022, 7, 27, 22, 1},
    {"PLAINS",    A_SPIKE_MULT,  2019, 7, 2, 18, 1},
    {"PLAINS",    A_GAP_EMPTY,   2021, 2, 15, 6, 30},
    {"PLAINS",    A_ZERO,        2023, 1, 10, 10, 4},
    {"DESERT",    A_NEGATIVE,    2020, 6, 30, 23, 2},
    {"DESERT",    A_FC_EMPTY,    2021, 3, 3, 7, 24},
    {"DESERT",    A_ZERO,        2022, 12, 1, 8, 1},
    {"VALLEY",    A_DROP,        2020, 1, 29, 16, 1},
    {"VALLEY",    A_GAP_ROWS,    2021, 5, 5, 5, 1},
    {"VALLEY",    A_IDENTICAL,   2023, 8, 8, 6, 24},
    {"VALLEY",    A_SPIKE_CONST, 2023, 11, 20, 13, 1},
    /* HIGHLAND: no faults (a clean control region). */
};
#define NFAULT (sizeof FAULTS / sizeof FAULTS[0])

/* ------------------------------------------------------------- the model --- */
/* Circular Gaussian bump in the hour of day: exp(-d^2 / 2w^2), d the
 * distance from c on the 24-h circle. */
static double bump(double h, double c, double w)
{
    double d = fabs(fmod(h - c + 36.0, 24.0) - 12.0);
    return exp(-0.5 * d * d / (w * w));
}

/* Base daily shapes (unit mean over the day, normalised in main):
 * winter: morning peak ~08 and a higher evening peak ~18:30 local;
 * summer: one broad afternoon peak ~16:30 local. */
static double shape_winter(double h)
{
    return 0.72 + 0.22 * bump(h, 8.0, 1.8) + 0.32 * bump(h, 18.5, 2.3) + 0.12 * bump(h, 13.0, 4.0);
}
static double shape_summer(double h)
{
    return 0.70 + 0.42 * bump(h, 16.5, 4.2) + 0.06 * bump(h, 8.5, 2.0);
}

typedef struct {
    char *ts;       /* NHOURS * 21 bytes: timestamps (shared) */
} common;

typedef struct {
    double load, raw, fc, temp, coal, gas, nuc, hyd, wind, sol, oth, ich;
    unsigned char absent, load_empty, fc_empty;
} hour_row;

static double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* Simulate one region into rows[NHOURS] (see datasets/README.md for the
 * equations; symbols match it). */
static void simulate(const region *R, size_t ri, uint64_t seed, const long *hol, int nhol,
                     double norm_w, double norm_s, hour_row *rows)
{
    rng rt, rl, rf, rg;
    rng_seed(&rt, seed, 4 * ri + 1); /* weather */
    rng_seed(&rl, seed, 4 * ri + 2); /* load noise */
    rng_seed(&rf, seed, 4 * ri + 3); /* forecast error */
    rng_seed(&rg, seed, 4 * ri + 4); /* generation */
    const long d0 = days_from_civil(Y0, 1, 1);
    const double phi_w = exp(-1.0 / 60.0); /* weather: e-folding 60 h */
    double w = 0, ts = R->t_mean, eps = 0, ef = 0, bd = 0, zc = 0, zw = 0, zx = 0;
    long prev_lday = -1;
    double prev_out = -1;
    for (size_t i = 0; i < NHOURS; i++) {
        int64_t t = (int64_t)(d0 * 86400) + (int64_t)i * 3600;
        long uday = (long)(t / 86400);
        int uy, um, ud;
        civil_from_days(uday, &uy, &um, &ud);
        int dst = R->dst && us_dst(t, uy, R->off_h);
        int64_t tl = t + (int64_t)(R->off_h + dst) * 3600;
        long lday = (long)((tl >= 0 ? tl : tl - 86399) / 86400);
        double hl = (double)(tl - (int64_t)lday * 86400) / 3600.0 + 0.5; /* mid-hour, local */
        int ly, lm, ld;
        civil_from_days(lday, &ly, &lm, &ld);
        double doy = (double)(lday - days_from_civil(ly, 1, 1)) + hl / 24.0;
        double yrs = (double)(t - (int64_t)d0 * 86400) / (365.25 * 86400.0);
        /* season weight: 0 mid-January, 1 mid-July */
        double ws = 0.5 * (1.0 - cos(2 * PI * (doy - 15.0) / 365.25));

        /* Temperature: annual cosine (coldest ~Jan 20) + daily cosine (max
         * 15:00 local) + AR(1) weather anomaly with multi-day persistence
         * (larger in winter) + small hourly noise. */
        double sd_w = R->t_sd * (1.3 - 0.7 * ws);
        w = ar1(w, phi_w, sd_w, &rt);
        double temp = R->t_mean - R->t_amp * cos(2 * PI * (doy - 20.0) / 365.25)
                    + R->t_day * (0.8 + 0.4 * ws) * cos(2 * PI * (hl - 15.0) / 24.0)
                    + w + 0.3 * gauss(&rt);
        /* Buildings respond to a lagged temperature (thermal inertia):
         * exponential smoothing with weight 0.25 per hour. */
        ts = i == 0 ? temp : 0.75 * ts + 0.25 * temp;

        /* Calendar factors. */
        int wd = weekday(lday);
        int is_hol = 0;
        for (int k = 0; k < nhol; k++) if (hol[k] == lday) { is_hol = 1; break; }
        double dip = is_hol ? 0.11 : wd == 0 ? 0.10 : wd == 6 ? 0.07 : 0.0;
        double W = 1.0 - dip * (0.35 + 0.65 * bump(hl, 13.0, 4.5));
        double D = (1.0 - ws) * shape_winter(hl) / norm_w + ws * shape_summer(hl) / norm_s;
        double A = 1.0 + 0.03 * cos(2 * PI * (doy - 355.0) / 365.25); /* lighting */
        double G = pow(1.0 + R->growth, yrs);
        /* 2020 pandemic dip: -6 % from 2020-03-20, fading out by 2020-10. */
        double cov = 0.0;
        long dcv = lday - days_from_civil(2020, 3, 20);
        if (dcv >= 0 && dcv < 200) cov = 0.06 * (dcv < 14 ? dcv / 14.0 : 1.0 - (dcv - 14) / 186.0);
        /* Heating and cooling degrees on the smoothed temperature, each
         * raised to a power > 1 (response grows faster in extremes). */
        double hdd = fmax(0.0, 16.0 - ts), cdd = fmax(0.0, ts - 20.0);
        double heat = R->kh * pow(hdd, 1.25) * (0.85 + 0.25 * bump(hl, 7.5, 2.5) + 0.10 * bump(hl, 19.0, 3.0));
        double cool = R->kc * pow(cdd, 1.35) * (0.70 + 0.30 * bump(hl, 16.0, 4.0));
        eps = ar1(eps, 0.90, 0.010, &rl);
        double load = R->base_mw * G * (D * W * A * (1.0 - cov) + heat + cool)
                    * exp(eps + 0.004 * gauss(&rl));

        /* Day-ahead forecast: truth x (1 + daily bias + hourly AR(1)); the
         * daily bias (a missed weather forecast) persists a little across
         * days. */
        if (lday != prev_lday) { bd = ar1(bd, 0.4, 0.028, &rf); prev_lday = lday; }
        ef = ar1(ef, 0.90, 0.024, &rf);
        double fc = load * (1.0 + bd + ef);

        /* Generation mix. Capacities grow for wind and solar. */
        double cap_w = R->cap_wind * R->base_mw * pow(1.0 + R->wind_growth, yrs);
        double cap_s = R->cap_solar * R->base_mw * pow(1.0 + R->solar_growth, yrs);
        /* sun: sin(elevation) from declination (Cooper 1969) and the hour
         * angle at local solar time */
        double decl = 23.44 * PI / 180 * sin(2 * PI * (284.0 + doy) / 365.0);
        double solar_h = fmod((double)(t % 86400) / 3600.0 + 0.5 + R->lon / 15.0 + 48.0, 24.0);
        double ha = (solar_h - 12.0) * 15.0 * PI / 180, la = R->lat * PI / 180;
        double sel = sin(la) * sin(decl) + cos(la) * cos(decl) * cos(ha);
        zc = ar1(zc, exp(-1.0 / 18.0), 1.0, &rg);
        double cloud = clamp(0.80 + 0.30 * zc, 0.15, 1.0);
        double sol = sel > 0 ? cap_s * 0.95 * pow(sel, 1.2) * cloud : 0.0;
        zw = ar1(zw, exp(-1.0 / 30.0), 1.0, &rg);
        double night = (solar_h < 6 || solar_h > 20) ? 0.25 : 0.0;
        double wind = cap_w / (1.0 + exp(-(1.4 * zw - 0.9 + 0.35 * cos(2 * PI * (doy - 60.0) / 365.25) + night)));
        double nuc_cap = R->cap_nuc * R->base_mw;
        /* one half of the fleet refuels for 35 days every 540 days */
        long cyc = (lday - d0 + (long)ri * 97) % 540;
        double nuc = nuc_cap * (0.96 - (cyc < 35 ? 0.5 : 0.0)) * (1.0 + 0.003 * gauss(&rg));
        double hyd = R->cap_hydro * R->base_mw * (0.40 + 0.25 * cos(2 * PI * (doy - 140.0) / 365.25))
                   * (0.80 + 0.40 * clamp(D - 0.6, 0.0, 1.0));
        double oth = 0.02 * load;
        zx = ar1(zx, 0.98, 0.025, &rg);
        double ich = load * (R->net_export + zx);      /* net export, MW */
        double tot = load + ich;                       /* generation = load + net export */
        double res = tot - (nuc + hyd + wind + sol + oth);
        double cap_c = R->cap_coal * R->base_mw, cmin = 0.30 * cap_c;
        double need = cmin + 0.03 * load; /* thermal must-run */
        if (res < need) { /* over-supply: curtail wind, then solar, then hydro */
            double x = need - res, c;
            c = fmin(x, wind); wind -= c; x -= c;
            c = fmin(x, sol); sol -= c; x -= c;
            c = fmin(x, hyd); hyd -= c; x -= c;
            res = tot - (nuc + hyd + wind + sol + oth);
        }
        double coal = clamp(0.60 * res, cmin, 0.88 * cap_c);
        if (coal > res) coal = fmax(0.0, res);
        double gas = res - coal;
        if (gas < 0) { coal += gas; gas = 0; } /* coal cannot go below what's left */
        ich = nuc + hyd + wind + sol + oth + coal + gas - load;

        /* Raw load: round to 0.01 MW; a natural repeat of the previous
         * value is nudged so that only injected runs are identical. */
        double out = round(load * 100.0) / 100.0;
        if (out == prev_out) out += 0.01;
        prev_out = out;
        hour_row *r = &rows[i];
        r->load = load; r->raw = out; r->fc = fc; r->temp = temp;
        r->coal = coal; r->gas = gas; r->nuc = nuc; r->hyd = hyd; r->wind = wind; r->sol = sol;
        r->oth = oth; r->ich = ich;
        r->absent = r->load_empty = r->fc_empty = 0;
    }
}

/* Apply the faults of region name to rows; returns 0 or -1 (bad table). */
static int inject(const char *name, hour_row *rows)
{
    const long d0 = days_from_civil(Y0, 1, 1);
    for (size_t k = 0; k < NFAULT; k++) {
        const fault *f = &FAULTS[k];
        if (strcmp(f->region, name) != 0) continue;
        long i0 = (days_from_civil(f->y, f->m, f->d) - d0) * 24 + f->h;
        if (i0 < 1 || i0 + f->hours >= NHOURS) return -1;
        double first = rows[i0].raw;
        for (long i = i0; i < i0 + f->hours; i++) {
            hour_row *r = &rows[i];
            switch (f->kind) {
            case A_GAP_ROWS: r->absent = 1; break;
            case A_GAP_EMPTY: r->load_empty = 1; break;
            case A_SPIKE_CONST: r->raw = 2147480000.0; break;
            case A_SPIKE_MULT: r->raw = round(r->raw * 1000.0) / 100.0; break;
            case A_NEGATIVE: r->raw = -r->raw; break;
            case A_ZERO: r->raw = 0.0; break;
            case A_IDENTICAL: r->raw = first; break;
            case A_DROP: r->raw = round(r->raw * 55.0) / 100.0; break;
            case A_FC_EMPTY: r->fc_empty = 1; break;
            }
        }
    }
    return 0;
}

static void fmt_ts(char *buf, int64_t t)
{
    int y, m, d;
    long day = (long)(t / 86400);
    civil_from_days(day, &y, &m, &d);
    int hh = (int)((t % 86400) / 3600);
    snprintf(buf, 24, "%04d-%02d-%02dT%02d:00:00Z", y, m, d, hh);
}

static int write_region(const char *dir, const region *R, const hour_row *rows)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s.csv", dir, R->name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    if (!fp) { fprintf(stderr, "gen: %s: %s\n", tmp, strerror(errno)); return -1; }
    static char buf[1 << 16];
    setvbuf(fp, buf, _IOFBF, sizeof buf);
    fputs("region,timestamp,load_mw,forecast_mw,temp_c,gen_coal_mw,gen_gas_mw,gen_nuclear_mw,"
          "gen_hydro_mw,gen_wind_mw,gen_solar_mw,gen_other_mw,interchange_mw\n", fp);
    const int64_t t0 = (int64_t)days_from_civil(Y0, 1, 1) * 86400;
    char ts[24], lv[32], fv[32];
    for (size_t i = 0; i < NHOURS; i++) {
        const hour_row *r = &rows[i];
        if (r->absent) continue;
        fmt_ts(ts, t0 + (int64_t)i * 3600);
        if (r->load_empty) lv[0] = 0; else snprintf(lv, sizeof lv, "%.2f", r->raw);
        if (r->fc_empty) fv[0] = 0; else snprintf(fv, sizeof fv, "%.1f", r->fc);
        fprintf(fp, "%s,%s,%s,%s,%.1f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f\n", R->name, ts, lv, fv,
                r->temp, r->coal, r->gas, r->nuc, r->hyd, r->wind, r->sol, r->oth, r->ich);
    }
    if (ferror(fp) | fclose(fp)) {
        fprintf(stderr, "gen: %s: write error\n", tmp);
        remove(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int write_faults(const char *dir)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/anomalies.tsv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    if (!fp) { fprintf(stderr, "gen: %s: %s\n", tmp, strerror(errno)); return -1; }
    fputs("region\tkind\tfirst_utc\tlast_utc\thours\texpected_flag\twhat\n", fp);
    for (size_t k = 0; k < NFAULT; k++) {
        const fault *f = &FAULTS[k];
        int64_t t = (int64_t)days_from_civil(f->y, f->m, f->d) * 86400 + f->h * 3600;
        char a[24], b[24];
        fmt_ts(a, t);
        fmt_ts(b, t + (int64_t)(f->hours - 1) * 3600);
        fprintf(fp, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", f->region, A_NAME[f->kind], a, b, f->hours,
                A_FLAG[f->kind], A_WHAT[f->kind]);
    }
    if (ferror(fp) | fclose(fp) || rename(tmp, path) != 0) {
        fprintf(stderr, "gen: %s: write error\n", path);
        remove(tmp);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t seed = 20190101;
    int verbose = 0, a = 1;
    for (; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
        if (!strcmp(argv[a], "-s") && a + 1 < argc) seed = strtoull(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "-v")) verbose = 1;
        else if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help")) {
            printf("usage: gen [-s SEED] [-v] OUTDIR\n"
                   "Writes synthetic hourly data (see datasets/README.md). [Default seed: 20190101]\n");
            return 0;
        } else break;
    }
    if (a != argc - 1) {
        fprintf(stderr, "usage: gen [-s SEED] [-v] OUTDIR\n");
        return 2;
    }
    const char *dir = argv[a];

    long hol[8 * 11];
    int nhol = 0;
    for (int y = Y0 - 1; y <= Y0 + NYEARS; y++) nhol += federal_holidays(y, hol + nhol);

    double norm_w = 0, norm_s = 0;
    for (int h = 0; h < 24; h++) { norm_w += shape_winter(h + 0.5) / 24; norm_s += shape_summer(h + 0.5) / 24; }

    hour_row *rows = malloc(sizeof *rows * NHOURS);
    if (!rows) { fprintf(stderr, "gen: out of memory\n"); return 1; }
    int rc = 0;
    for (size_t ri = 0; ri < NREG && rc == 0; ri++) {
        const region *R = &REGIONS[ri];
        simulate(R, ri, seed, hol, nhol, norm_w, norm_s, rows);
        double ape = 0, peak = 0, mean = 0;
        for (size_t i = 0; i < NHOURS; i++) {
            ape += fabs(rows[i].fc - rows[i].load) / rows[i].load;
            mean += rows[i].load / NHOURS;
            if (rows[i].load > peak) peak = rows[i].load;
        }
        if (inject(R->name, rows) != 0) { fprintf(stderr, "gen: bad fault table\n"); rc = 1; break; }
        if (write_region(dir, R, rows) != 0) { rc = 1; break; }
        if (verbose)
            fprintf(stderr, "%-10s mean %8.0f MW  peak %8.0f MW  forecast MAPE %.2f %%\n", R->name, mean,
                    peak, 100.0 * ape / NHOURS);
    }
    free(rows);
    if (rc == 0 && write_faults(dir) != 0) rc = 1;
    return rc;
}
