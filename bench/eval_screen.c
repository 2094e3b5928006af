/* cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc -o build/eval_screen bench/eval_screen.c build/libheadroom.a -llapacke -lopenblas -lcsv -ljson-c -lm -pthread
 *
 * eval_screen — measures screen_load() and screen_impute() on the cleaned
 * EIA-930 release of Ruggles et al. (2020) (per-BA files
 * date_time,raw demand (MW),category,cleaned demand (MW),...; UTC,
 * hour-ending; MISSING/EMPTY = no value). Run from the project root:
 *
 *   build/eval_screen [DIR] > bench/eval_screen.md
 *
 * DIR defaults to $HR_DATA/eia930/ba_2015_2020 (HR_DATA defaults to
 * ../shared/datasets). Reports, per BA and overall:
 *  (a) screening against the published `category` labels: recall of the
 *      published anomalies (labels other than OKAY and MISSING) that we flag
 *      too, and the share of published-OKAY hours that we flag;
 *      the cleaned peak against the published cleaned peak;
 *  (b) imputation: 200 seeded random stretches of 2-24 published-OKAY hours
 *      per BA are masked at once and imputed; MAPE against the true values
 *      by stretch length, next to linear interpolation on the same masks;
 *      a second run masks 20 stretches of 25-168 h and 4 of 169-720 h;
 *  (c) time of screen_load over all files.
 * Self-contained reader (no dependency on the ingest module).
 */
#include "headroom.h"
#include "ingest/screen.h"
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const CAT[] = {"OKAY",        "MISSING",       "NEG_OR_ZERO",  "GLOBAL_DEM",
                                   "GLOBAL_DEM_PLUS_MINUS", "IDENTICAL_RUN", "LOCAL_DEM_UP",
                                   "LOCAL_DEM_DOWN", "DELTA", "SINGLE_DELTA", "ANOMALOUS_REGION"};
#define NCAT 11

typedef struct {
    char name[32];
    size_t n;
    int64_t t0;
    double *raw, *pub_clean;
    uint8_t *cat;
} ba;

static int64_t days_from_civil(int y, int m, int d) /* H. Hinnant */
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int64_t parse_time(const char *s)
{
    int Y, M, D, h, mi, se;
    if (sscanf(s, "%d-%d-%d %d:%d:%d", &Y, &M, &D, &h, &mi, &se) != 6) return INT64_MIN;
    return days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + se;
}

static double parse_val(const char *s)
{
    if (!*s || !strcmp(s, "MISSING") || !strcmp(s, "EMPTY")) return NAN;
    char *e;
    double v = strtod(s, &e);
    return e == s ? NAN : v;
}

static int read_ba(const char *path, ba *b)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512];
    size_t cap = 0, nrow = 0;
    int64_t *t = NULL;
    double *raw = NULL, *pc = NULL;
    uint8_t *cat = NULL;
    if (!fgets(line, sizeof line, f)) { fclose(f); return -1; }
    while (fgets(line, sizeof line, f)) {
        char *fld[6] = {0};
        int k = 0;
        line[strcspn(line, "\r\n")] = 0;
        for (char *p = line; k < 6;) {
            fld[k++] = p;
            char *c = strchr(p, ',');
            if (!c) break;
            *c = 0;
            p = c + 1;
        }
        if (k < 4) continue;
        if (nrow == cap) {
            cap = cap ? 2 * cap : 65536;
            t = realloc(t, cap * sizeof *t);
            raw = realloc(raw, cap * sizeof *raw);
            pc = realloc(pc, cap * sizeof *pc);
            cat = realloc(cat, cap);
        }
        t[nrow] = parse_time(fld[0]) - 3600; /* hour-ending -> hour-beginning */
        raw[nrow] = parse_val(fld[1]);
        pc[nrow] = parse_val(fld[3]);
        cat[nrow] = 255;
        for (int c = 0; c < NCAT; c++)
            if (!strcmp(fld[2], CAT[c])) cat[nrow] = (uint8_t)c;
        nrow++;
    }
    fclose(f);
    if (!nrow) return -1;
    /* place rows on an hourly grid (the files are complete, but be safe) */
    b->t0 = t[0];
    b->n = (size_t)((t[nrow - 1] - t[0]) / 3600 + 1);
    b->raw = malloc(b->n * sizeof(double));
    b->pub_clean = malloc(b->n * sizeof(double));
    b->cat = malloc(b->n);
    for (size_t i = 0; i < b->n; i++) {
        b->raw[i] = b->pub_clean[i] = NAN;
        b->cat[i] = 1;
    }
    for (size_t i = 0; i < nrow; i++) {
        size_t k = (size_t)((t[i] - t[0]) / 3600);
        b->raw[k] = raw[i];
        b->pub_clean[k] = pc[i];
        b->cat[k] = cat[i];
    }
    free(t); free(raw); free(pc); free(cat);
    return 0;
}

static uint64_t rng_state;
static uint64_t rng(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static size_t urand(size_t lo, size_t hi) { return lo + (size_t)(rng() % (hi - lo + 1)); }

#define NB 6
static const size_t BLO[NB] = {2, 4, 9, 17, 25, 169}, BHI[NB] = {3, 8, 16, 24, 168, 720};
typedef struct { double ape_s[NB], lin_s[NB]; size_t cnt[NB], gaps[NB]; } impstat;

static int bucket(size_t L)
{
    for (int k = 0; k < NB; k++)
        if (L >= BLO[k] && L <= BHI[k]) return k;
    return -1;
}

/* Mask nstr stretches with lengths in [lmin,lmax] of published-OKAY hours,
 * impute, and accumulate APE of ours and of linear interpolation. */
static void eval_impute(const ba *b, size_t nstr, size_t lmin, size_t lmax, uint64_t seed,
                        impstat *st)
{
    size_t n = b->n;
    double *y = malloc(n * sizeof *y), *z = malloc(n * sizeof *z);
    uint8_t *mask = calloc(n, 1);
    size_t *s0 = malloc(nstr * sizeof *s0), *ln = malloc(nstr * sizeof *ln), ns = 0;
    for (size_t i = 0; i < n; i++) y[i] = b->cat[i] == 0 ? b->raw[i] : NAN;
    rng_state = seed;
    for (size_t tries = 0; ns < nstr && tries < 100000; tries++) {
        size_t L = urand(lmin, lmax);
        if (n < L + 3) break;
        size_t s = urand(1, n - L - 2), ok = 1;
        for (size_t i = s - 1; i <= s + L && ok; i++)
            if (isnan(y[i]) || mask[i] || (i > 0 && mask[i - 1]) || (i + 1 < n && mask[i + 1]))
                ok = 0;
        if (!ok) continue;
        for (size_t i = s; i < s + L; i++) mask[i] = 1;
        s0[ns] = s;
        ln[ns++] = L;
    }
    for (size_t i = 0; i < n; i++) z[i] = mask[i] ? NAN : y[i];
    if (screen_impute(z, n, b->t0) != HR_OK) { fprintf(stderr, "impute failed\n"); exit(1); }
    for (size_t j = 0; j < ns; j++) {
        size_t s = s0[j], L = ln[j];
        int k = bucket(L);
        double yl = y[s - 1], yr = y[s + L];
        for (size_t i = s; i < s + L; i++) {
            double u = (double)(i - s + 1) / (double)(L + 1);
            double lin = (1 - u) * yl + u * yr;
            st->ape_s[k] += fabs(z[i] - y[i]) / y[i];
            st->lin_s[k] += fabs(lin - y[i]) / y[i];
            st->cnt[k]++;
        }
        st->gaps[k]++;
    }
    free(y); free(z); free(mask); free(s0); free(ln);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    char dir[1024];
    if (argc > 1)
        snprintf(dir, sizeof dir, "%s", argv[1]);
    else {
        const char *d = getenv("HR_DATA");
        snprintf(dir, sizeof dir, "%s/eia930/ba_2015_2020", d && *d ? d : "../shared/datasets");
    }
    DIR *dp = opendir(dir);
    if (!dp) { fprintf(stderr, "eval_screen: cannot open %s\n", dir); return 1; }
    char *names[256];
    size_t nf = 0;
    struct dirent *de;
    while ((de = readdir(dp)) && nf < 256) {
        size_t l = strlen(de->d_name);
        if (l > 4 && !strcmp(de->d_name + l - 4, ".csv")) names[nf++] = strdup(de->d_name);
    }
    closedir(dp);
    qsort(names, nf, sizeof *names, cmpstr);
    ba *bs = calloc(nf, sizeof *bs);
    size_t nb = 0, tot_hours = 0;
    for (size_t i = 0; i < nf; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (read_ba(path, &bs[nb]) == 0) {
            snprintf(bs[nb].name, sizeof bs[nb].name, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
            tot_hours += bs[nb].n;
            nb++;
        }
        free(names[i]);
    }

    printf("# Screening and imputation on EIA-930 (Ruggles et al. 2020 release)\n\n");
    printf("Data: `%s`, %zu BAs, %zu hours. Generated by `bench/eval_screen.c`.\n\n", dir, nb,
           tot_hours);

    /* (a) screening */
    printf("## (a) Screening against the published labels\n\n");
    printf("recall = published anomalies (not OKAY, not MISSING) we also flag; "
           "false-flag = published-OKAY hours we flag; same label = flagged anomalies given the "
           "same category; peak = our cleaned peak vs the published cleaned peak.\n\n");
    printf("| BA | hours | published anomalies | recall %% | same label %% | false-flag %% | our flags | "
           "peak ours | peak published | peak diff %% |\n|---|---|---|---|---|---|---|---|---|---|\n");
    size_t T_an = 0, T_hit = 0, T_same = 0, T_ok = 0, T_fp = 0, T_fl = 0;
    double t_screen = 0, worst_peak = 0;
    for (size_t i = 0; i < nb; i++) {
        ba *b = &bs[i];
        uint8_t *fl = calloc(b->n, 1);
        double *cl = malloc(b->n * sizeof *cl);
        hr_quality q;
        double t1 = now();
        if (screen_load(b->raw, b->n, b->t0, fl, cl, &q) != HR_OK) return 1;
        t_screen += now() - t1;
        size_t an = 0, hit = 0, same = 0, ok = 0, fp = 0, nfl = 0;
        double ppub = -INFINITY;
        for (size_t t = 0; t < b->n; t++) {
            int c = b->cat[t];
            if (fl[t] != HR_FLAG_OKAY && fl[t] != HR_FLAG_MISSING) nfl++;
            if (c == 0) {
                ok++;
                fp += fl[t] != HR_FLAG_OKAY;
            } else if (c != 1 && c != 255) {
                an++;
                hit += fl[t] != HR_FLAG_OKAY;
                same += fl[t] == c;
            }
            if (b->pub_clean[t] > ppub) ppub = b->pub_clean[t];
        }
        double pd = 100 * (q.peak_mw - ppub) / ppub;
        if (fabs(pd) > fabs(worst_peak)) worst_peak = pd;
        printf("| %s | %zu | %zu | %s%.1f | %.1f | %.3f | %zu | %.0f | %.0f | %+.2f |\n", b->name, b->n,
               an, an ? "" : "(", an ? 100.0 * (double)hit / (double)an : 100.0,
               an ? 100.0 * (double)same / (double)an : 100.0, 100.0 * (double)fp / (double)ok, nfl,
               q.peak_mw, ppub, pd);
        T_an += an; T_hit += hit; T_same += same; T_ok += ok; T_fp += fp; T_fl += nfl;
        free(fl);
        free(cl);
    }
    printf("| **all** | %zu | %zu | **%.1f** | %.1f | **%.3f** | %zu | | | worst %+.2f |\n\n", tot_hours,
           T_an, 100.0 * (double)T_hit / (double)T_an, 100.0 * (double)T_same / (double)T_an,
           100.0 * (double)T_fp / (double)T_ok, T_fl, worst_peak);
    printf("(\"(100\" = the BA has no published anomaly.)\n\n");

    /* (b) imputation */
    impstat st;
    memset(&st, 0, sizeof st);
    impstat per[256];
    for (size_t i = 0; i < nb; i++) {
        memset(&per[i], 0, sizeof per[i]);
        eval_impute(&bs[i], 200, 2, 24, 1000 + i, &per[i]);
        eval_impute(&bs[i], 20, 25, 168, 5000 + i, &per[i]);
        eval_impute(&bs[i], 4, 169, 720, 9000 + i, &per[i]);
        for (int k = 0; k < NB; k++) {
            st.ape_s[k] += per[i].ape_s[k];
            st.lin_s[k] += per[i].lin_s[k];
            st.cnt[k] += per[i].cnt[k];
            st.gaps[k] += per[i].gaps[k];
        }
    }
    printf("## (b) Imputation of masked published-OKAY stretches\n\n");
    printf("Per BA: 200 stretches of 2-24 h (seed 1000+i), then separately 20 of 25-168 h and 4 of "
           "169-720 h; MAPE over the masked hours (hour-weighted), ours vs linear interpolation "
           "between the stretch's edges on the same masks.\n\n");
    printf("| gap length (h) | stretches | hours | MAPE ours %% | MAPE linear %% |\n|---|---|---|---|---|\n");
    double a_s = 0, l_s = 0;
    size_t a_c = 0;
    for (int k = 0; k < NB; k++) {
        printf("| %zu-%zu | %zu | %zu | %.2f | %.2f |\n", BLO[k], BHI[k], st.gaps[k], st.cnt[k],
               100 * st.ape_s[k] / (double)st.cnt[k], 100 * st.lin_s[k] / (double)st.cnt[k]);
        if (k < 4) { a_s += st.ape_s[k]; l_s += st.lin_s[k]; a_c += st.cnt[k]; }
    }
    printf("| **2-24 all** | | %zu | **%.2f** | %.2f |\n\n", a_c, 100 * a_s / (double)a_c,
           100 * l_s / (double)a_c);
    printf("Per BA, 2-24 h stretches:\n\n| BA | MAPE ours %% | MAPE linear %% | 25-168 h ours %% | "
           "linear %% |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < nb; i++) {
        double o = 0, l = 0;
        size_t c = 0;
        for (int k = 0; k < 4; k++) { o += per[i].ape_s[k]; l += per[i].lin_s[k]; c += per[i].cnt[k]; }
        printf("| %s | %.2f | %.2f | %.2f | %.2f |\n", bs[i].name, 100 * o / (double)c,
               100 * l / (double)c, 100 * per[i].ape_s[4] / (double)per[i].cnt[4],
               100 * per[i].lin_s[4] / (double)per[i].cnt[4]);
    }

    /* (c) time */
    printf("\n## (c) Time\n\nscreen_load (screen + impute) over all %zu series, %zu hours: %.0f ms "
           "(%.2f us/hour); scaled to 80 series x 44k hours: %.0f ms.\n",
           nb, tot_hours, 1e3 * t_screen, 1e6 * t_screen / (double)tot_hours,
           1e3 * t_screen / (double)tot_hours * 80 * 44000);
    for (size_t i = 0; i < nb; i++) {
        free(bs[i].raw); free(bs[i].pub_clean); free(bs[i].cat);
    }
    free(bs);
    return 0;
}
