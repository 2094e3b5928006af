/* cli_outlook.c — the committed-load file and the CSV of forward headroom
 * (assess --forecast-year) and of its hindcast (assess --hindcast). */
#include "cli.h"
#include "cli_outlook.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CMD "assess"

void cli_committed_free(cli_committed *c)
{
    for (size_t j = 0; j < c->n; j++) {
        free((char *)c->c[j].region);
        free((double *)c->c[j].profile);
    }
    free(c->c);
    memset(c, 0, sizeof *c);
}

static char *trim_ws(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    return s;
}

/* region,start,mw[,profile]; a first line naming the columns is a header.
 * start: a UTC date or time (hr_time_parse); profile: a file of 24, 168 or
 * 8760 numbers averaging 1 (as --ai-profile), relative to the working
 * directory; the load ramps in linearly over 365 days from start. */
int cli_read_committed(const char *cmd, const char *path, cli_profile_reader rp, cli_committed *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "r");
    if (!f) return cli_fail(cmd, "%s: %s", path, strerror(errno));
    char line[4096];
    unsigned long ln = 0;
    size_t cap = 0;
    int rc = EXIT_OK;
    while (rc == EXIT_OK && fgets(line, sizeof line, f)) {
        ln++;
        char *fld[5] = {0};
        int nf = 0;
        for (char *p = line; nf < 5;) {
            fld[nf++] = p;
            char *c = strchr(p, ',');
            if (!c) break;
            *c = 0;
            p = c + 1;
        }
        for (int k = 0; k < nf; k++) fld[k] = trim_ws(fld[k]);
        if (nf == 1 && !fld[0][0]) continue;
        if (ln == 1 && !strcmp(fld[0], "region")) continue;
        if (nf < 3 || nf > 4) {
            rc = cli_fail(cmd, "%s:%lu: %d fields (region,start,mw[,profile] expected)", path, ln, nf);
            break;
        }
        hr_committed_load L = {0};
        char *end;
        L.mw = strtod(fld[2], &end);
        if (end == fld[2] || *end || !(L.mw > 0) || !isfinite(L.mw)) {
            rc = cli_fail(cmd, "%s:%lu: column 'mw': '%s' is not a positive number", path, ln, fld[2]);
            break;
        }
        if (hr_time_parse(fld[1], &L.start_utc)) {
            rc = cli_fail(cmd, "%s:%lu: column 'start': '%s' is not a UTC date or time", path, ln, fld[1]);
            break;
        }
        L.ramp_days = 365;
        if (nf == 4 && fld[3][0] && strcmp(fld[3], "flat")) {
            double *p = NULL;
            if ((rc = rp(fld[3], &p, &L.profile_len))) break;
            L.profile = p;
        }
        L.region = strdup(fld[0]);
        if (out->n == cap) {
            cap = cap ? 2 * cap : 8;
            hr_committed_load *g = realloc(out->c, cap * sizeof *g);
            if (!g) {
                free((char *)L.region);
                free((double *)L.profile);
                rc = cli_fail(cmd, "out of memory");
                break;
            }
            out->c = g;
        }
        if (!L.region) {
            free((double *)L.profile);
            rc = cli_fail(cmd, "out of memory");
            break;
        }
        out->c[out->n++] = L;
    }
    fclose(f);
    if (rc) cli_committed_free(out);
    return rc;
}

static void years_text(char *b, size_t cap, int y0, int y1)
{
    if (y0 == y1) snprintf(b, cap, "%d", y0);
    else snprintf(b, cap, "%d-%d", y0, y1);
}

static int utc_year(int64_t t)
{
    char b[21];
    hr_time_format(t, b);
    return atoi(b);
}

void cli_outlook_print(FILE *f, const char *region, const hr_outlook *o, int first)
{
    if (first)
        fputs("region,budget_pct,p10_mw,p50_mw,p90_mw,headroom_hist_mw,forecast_year,training_years,"
              "training_from,training_to,study_years,threshold_summer_mw,threshold_winter_mw,scenarios,"
              "committed_mw,calibration_years,spread_factor\n",
              f);
    for (size_t k = 0; k < o->nyears; k++) {
        const hr_outlook_year *y = &o->y[k];
        char ty[24], sy[24], a[21], b[21];
        years_text(ty, sizeof ty, utc_year(y->train_from_utc + 3600), utc_year(y->train_to_utc));
        years_text(sy, sizeof sy, y->hist_year_from, y->hist_year_to);
        hr_time_format(y->train_from_utc, a);
        hr_time_format(y->train_to_utc, b);
        for (size_t j = 0; j < y->nbudgets; j++)
            fprintf(f, "%s,%g,%.1f,%.1f,%.1f,%.1f,%d,%s,%s,%s,%s,%.1f,%.1f,%zu,%.1f,%zu,%.3f\n", region,
                    y->budget_pct[j], y->p10_mw[j], y->p50_mw[j], y->p90_mw[j], y->headroom_hist_mw[j], y->year,
                    ty, a, b, sy, y->threshold_summer_mw, y->threshold_winter_mw, y->scenarios, y->committed_mw,
                    y->calib_years, y->spread[j]);
    }
}

void cli_hindcast_print(FILE *f, const char *region, const hr_hindcast *h, int first)
{
    if (first)
        fputs("region,year,budget_pct,p10_mw,p50_mw,p90_mw,realised_mw,inside,training_years,"
              "threshold_summer_mw,threshold_winter_mw,scenarios\n",
              f);
    for (size_t k = 0; k < h->nyears; k++) {
        const hr_hindcast_year *y = &h->y[k];
        char ty[24];
        years_text(ty, sizeof ty, y->train_year_from, y->train_year_to);
        for (size_t j = 0; j < h->nbudgets; j++)
            fprintf(f, "%s,%d,%g,%.1f,%.1f,%.1f,%.1f,%d,%s,%.1f,%.1f,%zu\n", region, y->year, h->budget_pct[j],
                    y->p10_mw[j], y->p50_mw[j], y->p90_mw[j], y->realised_mw[j],
                    y->realised_mw[j] >= y->p10_mw[j] && y->realised_mw[j] <= y->p90_mw[j], ty,
                    y->threshold_summer_mw, y->threshold_winter_mw, h->scenarios);
    }
}

void cli_hindcast_summary(FILE *f, const char *region, const hr_hindcast *h, int first)
{
    if (first) fputs("region,budget_pct,years,coverage_p10_p90,median_realised_over_p50\n", f);
    for (size_t j = 0; j < h->nbudgets; j++) {
        fprintf(f, "%s,%g,%zu,%.3f,", region, h->budget_pct[j], h->nyears, h->coverage[j]);
        if (isnan(h->median_ratio[j])) fputs("\n", f);
        else fprintf(f, "%.3f\n", h->median_ratio[j]);
    }
}
