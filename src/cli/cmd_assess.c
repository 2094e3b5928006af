/* cmd_assess.c — `headroom assess [options] FILE...`: deterministic headroom
 * per region and budget (Norris et al. 2025 method; docs/headroom.md), with
 * the contract terms and storage of a flexible load, the inverse --size,
 * with optional curtailment by season x hour, rate-versus-load curve and
 * generation mix; with --forecast-year, probabilistic headroom (P10/P50/P90)
 * of that year from S simulated load paths (hr_scenarios). Uses only
 * include/headroom.h. */
#include "cli.h"
#include "cli_ingest.h"
#include "cli_model.h"
#include "cli_outlook.h"
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const help =
    "usage: headroom assess [options] FILE...\n"
    "\n"
    "Headroom: the largest constant (or shaped) added load, in MW, whose mean\n"
    "yearly curtailment rate stays within each budget (Norris et al. 2025), and the\n"
    "contract terms below, solved exactly and rounded down to 0.1 MW. Curtailment\n"
    "in hour t: min(L s_t, max(0, D_t + L s_t - T_t)).\n"
    "One CSV row per region and budget on stdout:\n"
    "  region,budget_pct,headroom_mw,headroom_pct_peak,curtailed_hours_per_year,hours_ge50,\n"
    "  hours_ge75,hours_ge90,mean_event_hours,max_event_hours,peak_mw,load_factor,\n"
    "  events_per_year,worst_year_rate_pct,binding,battery_cycles_per_year\n"
    "(hours_geX: curtailed hours per year keeping >= X % of the added load; events:\n"
    "runs of consecutive curtailed hours, a missing hour ends one, one that crosses\n"
    "New Year counts in the year it starts; binding: the terms 0.1 MW more would\n"
    "break, joined by '+': budget, every-year, event-length, events, hours.)\n"
    "\n"
    "headroom options:\n"
    "  --threshold KIND       seasonal | annual | capacity:FILE [Default: seasonal]\n"
    "                         seasonal: highest Jun-Aug and Dec-Feb peaks of the study\n"
    "                         years (Apr-May, Sep-Oct use summer; Mar, Nov winter);\n"
    "                         capacity:FILE reads region,season,threshold_mw[,slack]\n"
    "                         with season summer, winter or annual; a row may leave\n"
    "                         threshold_mw empty and give a slack (0|1): that region's\n"
    "                         seasonal peak with that slack (both seasons' thresholds\n"
    "                         given, or neither)\n"
    "  --season-slack 0|1     1: a seasonal peak within one month outside its window\n"
    "                         counts (summer May-Sep, winter Nov-Mar), as Norris et al.\n"
    "                         (2025) did for CAISO, FPL and AZPS; 0: Jun-Aug, Dec-Feb\n"
    "                         [Default: 1]. A threshold set by one hour over 5 % above\n"
    "                         both neighbouring hours is warned about (a likely spike)\n"
    "  --years Y1-Y2          study years, whole UTC calendar years [Default: every whole\n"
    "                         year present]\n"
    "  --budgets LIST         curtailment budgets in %, 1 to 8, each above 0 and at most\n"
    "                         50 [Default: 0.25,0.5,1,5]\n"
    "  --ai-profile flat|FILE shape of the added load: 24 (UTC hour of day), 168 (UTC hour\n"
    "                         of week from Monday 00:00) or 8760 (hour of year) numbers\n"
    "                         averaging 1, one per line (last field of each line)\n"
    "                         [Default: flat]\n"
    "  --regions LIST         only these regions (comma-separated) [Default: all]\n"
    "  --by-season            add curtailed hours per year by season (DJF, MAM, JJA,\n"
    "                         SON) and UTC hour of day\n"
    "  --curve                add the mean curtailment rate versus added MW, in steps of\n"
    "                         0.25 % of peak up to 25 %\n"
    "  --genmix               add the generation mix (gen_<fuel>_mw columns) overall and\n"
    "                         weighted by curtailed MWh at each budget's headroom\n"
    "\n"
    "flexible-load contract (all combine; each solved exactly or by bisection on a\n"
    "quantity monotone in the load, rounded down to 0.1 MW):\n"
    CLI_CONTRACT_HELP
    "  --size MW              the inverse question for a campus of MW instead of the\n"
    "                         table: per region\n"
    "                           region,size_mw,curtailed_pct,curtailed_hours_per_year,\n"
    "                           events_per_year,mean_event_hours,max_event_hours\n"
    "                         (curtailed_pct: mean of the yearly rates; caps the size\n"
    "                         breaks and the battery's cycles go to stderr)\n"
    "                         The terms do not apply with --forecast-year or\n"
    "                         --hindcast; --curve stays the study's, without\n"
    "                         storage. docs/headroom.md\n"
    "\n"
    "probabilistic headroom (instead of the table above; docs/forecast-headroom.md):\n"
    "  --forecast-year Y[-Y2] fit the model on the hours before year Y, simulate S hourly\n"
    "                         paths of each year Y..Y2 (at most 10; regression mean + whole\n"
    "                         weather years of residuals + the uncertainty of the year's\n"
    "                         level), and report per region, year and budget\n"
    "                           region,budget_pct,p10_mw,p50_mw,p90_mw,headroom_hist_mw,\n"
    "                           forecast_year,training_years,training_from,training_to,\n"
    "                           study_years,threshold_summer_mw,threshold_winter_mw,\n"
    "                           scenarios,committed_mw,calibration_years,spread_factor\n"
    "                         against the historical thresholds of the study years (which\n"
    "                         end before Y unless --years says otherwise); the P10-P90\n"
    "                         spread is calibrated on the region's own hindcasts\n"
    "  --hindcast             instead: forecast every whole year with a whole year before\n"
    "                         it from the years before it, against its realised headroom\n"
    "                         (at the training years' thresholds); per year, then the\n"
    "                         coverage of P10-P90 and median realised/P50 per budget\n"
    "  --scenarios S          number of paths [Default: 200]\n"
    "  --growth PCT           annual load growth on top of the model's trend, compounding\n"
    "                         from the end of training [Default: 0]\n"
    "  --threshold-growth PCT annual growth of the thresholds (the system's capability)\n"
    "                         from the last study year [Default: 0]\n"
    "  --committed FILE       loads already committed: region,start,mw[,profile] (start a\n"
    "                         UTC date; ramping in linearly over 365 days; profile a file\n"
    "                         as --ai-profile), added to every path before the headroom\n"
    "  --calibrate 0|1        scale the P10-P90 spread by the hindcasts [Default: 1]\n"
    "  --seed N               scenario seed [Default: 1]\n"
    "\n" MODEL_OPTIONS_HELP
    "                         (with --forecast-year the default model is auto)\n"
    "\n" INGEST_OPTIONS_HELP
    "\noutput:\n"
    "  -o, --output FILE      write the table to FILE (extra tables to FILE's stem +\n"
    "                         _by_season.csv, _curve.csv, _genmix.csv) [Default: stdout,\n"
    "                         extra tables after a blank line]\n"
    "  -h, --help             this text\n"
    "\n"
    "exit codes: 0 success, 1 data / numerical / I-O failure, 2 usage error\n";

#define CMD "assess"

/* ---------------------------------------------------------------- capacity table */

typedef struct {
    char region[96];
    double summer, winter; /* NaN: not given */
    int slack[2];          /* by HR_SEASON_*; -1 = not given */
    int rows;
} cap_row;

typedef struct {
    cap_row *row;
    size_t n;
} cap_table;

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

/* Split a line into at most max comma-separated trimmed fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        char *c = strchr(p, ',');
        if (c) *c = '\0';
        f[n++] = trim(p);
        if (!c) break;
        p = c + 1;
    }
    return n;
}

static int read_capacity(const char *path, cap_table *t)
{
    FILE *f = cli_fopen_read(path);
    if (!f) return cli_fail(CMD, "%s: %s", path, strerror(errno));
    char line[1024];
    int ir = -1, is = -1, it = -1, isl = -1;
    unsigned long ln = 0;
    int rc = EXIT_OK;
    while (fgets(line, sizeof line, f)) {
        ln++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = cli_fail(CMD, "%s:%lu: line longer than %zu bytes", path, ln, sizeof line - 2);
            break;
        }
        char *p = line;
        if (ln == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
            p += 3;
        char *fld[16];
        int nf = split(p, fld, 16);
        if (ln == 1) {
            for (int k = 0; k < nf; k++) {
                if (!strcmp(fld[k], "region")) ir = k;
                else if (!strcmp(fld[k], "season")) is = k;
                else if (!strcmp(fld[k], "threshold_mw")) it = k;
                else if (!strcmp(fld[k], "slack")) isl = k;
            }
            if (ir < 0 || is < 0 || it < 0) {
                rc = cli_fail(CMD, "%s:1: header must name region,season,threshold_mw", path);
                break;
            }
            continue;
        }
        if (nf == 1 && !fld[0][0]) continue; /* blank line */
        int need = ir > is ? ir : is;
        if (it > need) need = it;
        if (nf <= need) {
            rc = cli_fail(CMD, "%s:%lu: expected %d fields", path, ln, need + 1);
            break;
        }
        char *end;
        int sl = -1;
        if (isl >= 0 && isl < nf && fld[isl][0]) {
            if (strcmp(fld[isl], "0") && strcmp(fld[isl], "1")) {
                rc = cli_fail(CMD, "%s:%lu: column 'slack': \"%s\" is not 0 or 1", path, ln, fld[isl]);
                break;
            }
            sl = fld[isl][0] == '1';
        }
        double v = NAN;
        if (fld[it][0] || sl < 0) {
            v = strtod(fld[it], &end);
            if (end == fld[it] || *end || !(v > 0) || !isfinite(v)) {
                rc = cli_fail(CMD, "%s:%lu: column 'threshold_mw': not a positive number: \"%s\"", path, ln,
                              fld[it]);
                break;
            }
        }
        char se[16];
        snprintf(se, sizeof se, "%s", fld[is]);
        for (char *q = se; *q; q++) *q = (char)tolower((unsigned char)*q);
        int summer = !strcmp(se, "summer"), winter = !strcmp(se, "winter");
        int annual = !strcmp(se, "annual") || !strcmp(se, "all");
        if (!summer && !winter && !annual) {
            rc = cli_fail(CMD, "%s:%lu: column 'season': \"%s\" is not summer, winter or annual", path, ln, fld[is]);
            break;
        }
        if (!fld[ir][0] || strlen(fld[ir]) >= sizeof t->row[0].region) {
            rc = cli_fail(CMD, "%s:%lu: column 'region': empty or longer than %zu bytes", path, ln,
                          sizeof t->row[0].region - 1);
            break;
        }
        size_t k = 0;
        while (k < t->n && strcmp(t->row[k].region, fld[ir])) k++;
        if (k == t->n) {
            cap_row *r = realloc(t->row, (t->n + 1) * sizeof *r);
            if (!r) {
                rc = cli_fail(CMD, "out of memory");
                break;
            }
            t->row = r;
            snprintf(r[k].region, sizeof r[k].region, "%s", fld[ir]);
            r[k].summer = r[k].winter = NAN;
            r[k].slack[0] = r[k].slack[1] = -1;
            r[k].rows = 0;
            t->n++;
        }
        cap_row *r = &t->row[k];
        r->rows |= (summer || annual ? 2 : 0) | (winter || annual ? 1 : 0);
        if (summer || annual) r->summer = v, r->slack[HR_SEASON_SUMMER] = sl;
        if (winter || annual) r->winter = v, r->slack[HR_SEASON_WINTER] = sl;
    }
    if (rc == EXIT_OK && ferror(f)) rc = cli_fail(CMD, "%s: read error", path);
    if (rc == EXIT_OK && ir < 0) rc = cli_fail(CMD, "%s: empty file", path);
    fclose(f);
    return rc;
}

/* ---------------------------------------------------------------- profile */

static int read_profile(const char *path, double **prof, size_t *n)
{
    FILE *f = cli_fopen_read(path);
    if (!f) return cli_fail(CMD, "%s: %s", path, strerror(errno));
    size_t cap = 8760, m = 0;
    double *v = malloc(cap * sizeof *v);
    char line[1024];
    unsigned long ln = 0;
    int rc = EXIT_OK;
    while (v && fgets(line, sizeof line, f)) {
        ln++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = cli_fail(CMD, "%s:%lu: line longer than %zu bytes", path, ln, sizeof line - 2);
            break;
        }
        char *last = strrchr(line, ',');
        char *s = trim(last ? last + 1 : line);
        if (!*s) continue;
        char *end;
        double x = strtod(s, &end);
        if (end == s || *end) {
            if (m == 0 && ln == 1) continue; /* a header line */
            rc = cli_fail(CMD, "%s:%lu: not a number: \"%s\"", path, ln, s);
            break;
        }
        if (!isfinite(x) || x < 0) {
            rc = cli_fail(CMD, "%s:%lu: not a finite number >= 0: \"%s\"", path, ln, s);
            break;
        }
        if (m == cap) {
            rc = cli_fail(CMD, "%s: more than %zu values (24, 168 or 8760 expected)", path, cap);
            break;
        }
        v[m++] = x;
    }
    fclose(f);
    if (!v) return cli_fail(CMD, "out of memory");
    if (rc == EXIT_OK && m != 24 && m != 168 && m != 8760)
        rc = cli_fail(CMD, "%s: %zu values (24, 168 or 8760 expected)", path, m);
    if (rc) {
        free(v);
        return rc;
    }
    *prof = v;
    *n = m;
    return EXIT_OK;
}

/* ---------------------------------------------------------------- output */

typedef struct {
    const char *path; /* NULL = stdout */
    hr_outfile *tmp;
    char name[4200];
    FILE *f;
} out_file;

static int out_open(out_file *o, const char *base, const char *suffix)
{
    if (!base) {
        o->path = NULL;
        o->f = stdout;
        return EXIT_OK;
    }
    if (suffix) {
        size_t n = strlen(base);
        if (n > 4 && !strcmp(base + n - 4, ".csv")) n -= 4;
        snprintf(o->name, sizeof o->name, "%.*s%s", (int)n, base, suffix);
    } else {
        snprintf(o->name, sizeof o->name, "%s", base);
    }
    o->path = o->name;
    o->f = cli_open_out(CMD, o->path, &o->tmp);
    if (!o->f) return EXIT_FAIL;
    return EXIT_OK;
}

static int out_close(out_file *o, int ok)
{
    if (!o->f) return ok ? EXIT_OK : EXIT_FAIL;
    int rc = o->path ? cli_close_out(CMD, o->tmp, o->path, ok) : (ok ? EXIT_OK : EXIT_FAIL);
    o->f = NULL;
    return rc;
}

static void put_num(FILE *f, double x)
{
    if (isnan(x)) fputc('\n', f);
    else fprintf(f, "%.4f\n", x);
}

static int in_list(const char *list, const char *name)
{
    if (!list) return 1;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == n && !strncmp(p, name, n)) return 1;
        if (!c) break;
        p = c + 1;
    }
    return 0;
}

/* ---------------------------------------------------------------- flexible load */

/* A seasonal threshold set by one hour far above both its neighbours
 * decides the headroom of the whole region: say so. */
static void warn_spikes(const char *name, const hr_assessment *a)
{
    char m[200];
    for (int q = 0; q < 2; q++)
        if (hr_assess_peak_warning(a, q, m, sizeof m))
            fprintf(stderr,
                    "headroom: %s: warning: region '%s': %s: check the data (or pin it with --threshold "
                    "capacity:FILE)\n",
                    CMD, name, m);
}

/* "budget+event-length" from HR_BIND_* bits. */
static void put_binding(FILE *f, unsigned b)
{
    char t[96];
    hr_assess_binding_text(b, t, sizeof t);
    fputs(t, f);
}

/* ---------------------------------------------------------------- forecast year */

/* Thresholds for region `name` from the capacity table into *o; EXIT_OK or
 * a failure already reported. */
static int capacity_for(const cap_table *cap, const char *capfile, const char *name, hr_assess_opts *o)
{
    if (o->threshold_kind != HR_THRESH_CAPACITY) return EXIT_OK;
    size_t k = 0;
    while (k < cap->n && strcmp(cap->row[k].region, name)) k++;
    const cap_row *r = k < cap->n ? &cap->row[k] : NULL;
    if (!r || r->rows != 3)
        return cli_fail(CMD, "%s: no %srow for region '%s'", capfile,
                        !r ? "" : (r->rows & 2) ? "winter " : "summer ", name);
    if (isnan(r->summer) != isnan(r->winter))
        return cli_fail(CMD, "%s: region '%s': give both seasons' threshold_mw or neither (a slack)", capfile, name);
    if (isnan(r->summer)) { /* the seasonal peaks, with the table's slack */
        o->threshold_kind = HR_THRESH_SEASONAL;
        o->season_slack_by[0] = r->slack[0];
        o->season_slack_by[1] = r->slack[1];
        return EXIT_OK;
    }
    o->threshold_summer_mw = r->summer;
    o->threshold_winter_mw = r->winter;
    return EXIT_OK;
}

/* --forecast-year / --hindcast: per region hr_outlook_run or
 * hr_hindcast_run (cli_outlook.c prints them); all regions are computed
 * before anything is written. */
static int run_outlook(const hr_series *s, const char *regions, const hr_assess_opts *ao_in, const cap_table *cap,
                       const char *capfile, const hr_fit_opts *fit, const hr_outlook_opts *oo, int hindcast,
                       FILE *f)
{
    size_t nreg = hr_series_region_count(s);
    hr_outlook *res = hindcast ? NULL : calloc(nreg, sizeof *res);
    hr_hindcast *hc = hindcast ? calloc(nreg, sizeof *hc) : NULL;
    int rc = !res && !hc ? cli_fail(CMD, "out of memory") : EXIT_OK;
    for (size_t i = 0; i < nreg && rc == EXIT_OK; i++) {
        const char *name = hr_series_region_name(s, i);
        if (!in_list(regions, name)) continue;
        hr_assess_opts o = *ao_in;
        if ((rc = capacity_for(cap, capfile, name, &o))) break;
        int st = hindcast ? hr_hindcast_run(s, i, fit, &o, oo, &hc[i]) : hr_outlook_run(s, i, fit, &o, oo, &res[i]);
        if (st) rc = cli_fail(CMD, "%s: %s", name, hr_last_error());
    }
    for (int pass = 0; pass < 1 + hindcast && rc == EXIT_OK; pass++) {
        if (pass) fputc('\n', f);
        int first = 1;
        for (size_t i = 0; i < nreg; i++) {
            const char *name = hr_series_region_name(s, i);
            if (!in_list(regions, name)) continue;
            if (!hindcast) cli_outlook_print(f, name, &res[i], first);
            else if (pass == 0) cli_hindcast_print(f, name, &hc[i], first);
            else cli_hindcast_summary(f, name, &hc[i], first);
            first = 0;
        }
    }
    free(res);
    free(hc);
    return rc;
}

/* ---------------------------------------------------------------- command */

int cmd_assess(int argc, char **argv)
{
    enum { O_THRESH = 2000, O_SLACK, O_YEARS, O_BUDGETS, O_PROFILE, O_REGIONS, O_BYSEASON, O_CURVE, O_GENMIX,
           O_FYEAR, O_SCEN, O_GROWTH, O_SEED,
           O_SIZE, O_HINDCAST = 2200, O_COMMITTED, O_TGROWTH, O_CALIB };
    static const struct option own[] = {
        {"forecast-year", required_argument, 0, O_FYEAR},
        {"scenarios", required_argument, 0, O_SCEN},
        {"growth", required_argument, 0, O_GROWTH},
        {"seed", required_argument, 0, O_SEED},
        {"hindcast", no_argument, 0, O_HINDCAST},
        {"committed", required_argument, 0, O_COMMITTED},
        {"threshold-growth", required_argument, 0, O_TGROWTH},
        {"calibrate", required_argument, 0, O_CALIB},
        {"threshold", required_argument, 0, O_THRESH},
        {"season-slack", required_argument, 0, O_SLACK},
        {"years", required_argument, 0, O_YEARS},
        {"budgets", required_argument, 0, O_BUDGETS},
        {"ai-profile", required_argument, 0, O_PROFILE},
        {"regions", required_argument, 0, O_REGIONS},
        {"by-season", no_argument, 0, O_BYSEASON},
        {"curve", no_argument, 0, O_CURVE},
        {"genmix", no_argument, 0, O_GENMIX},
        {"size", required_argument, 0, O_SIZE},
        CLI_CONTRACT_OPTIONS,
    };
    cli_opts op;
    cli_opts_init(&op, 1, own, CLI_COUNT(own));

    hr_assess_opts ao;
    hr_assess_opts_init(&ao);
    const char *outpath = NULL, *capfile = NULL, *proffile = NULL, *regions = NULL;
    int by_season = 0, curve = 0, genmix = 0, fyear = 0, model_given = 0, hindcast = 0;
    size_t nscen = 200, seed = 1;
    double growth = 0, size_mw = 0;
    cli_contract ck = {0};
    hr_outlook_opts oo;
    hr_outlook_opts_init(&oo);
    const char *commitfile = NULL;
    op.cm.fit.model = "auto";
    int c;
    while ((c = getopt_long(argc, argv, "ho:", op.lo, NULL)) != -1) {
        switch (c) {
        case 'h': fputs(help, stdout); return EXIT_OK;
        case 'o': outpath = optarg; break;
        case O_THRESH:
            if (!strcmp(optarg, "seasonal")) ao.threshold_kind = HR_THRESH_SEASONAL;
            else if (!strcmp(optarg, "annual")) ao.threshold_kind = HR_THRESH_ANNUAL;
            else if (!strncmp(optarg, "capacity:", 9) && optarg[9]) {
                ao.threshold_kind = HR_THRESH_CAPACITY;
                capfile = optarg + 9;
            } else return cli_usage(CMD, "--threshold: '%s' is not seasonal, annual or capacity:FILE", optarg);
            break;
        case O_SLACK:
            if (strcmp(optarg, "0") && strcmp(optarg, "1"))
                return cli_usage(CMD, "--season-slack: '%s' is not 0 or 1", optarg);
            ao.season_slack = optarg[0] == '1';
            break;
        case O_YEARS:
            if (cli_parse_years(optarg, &ao.year_from, &ao.year_to))
                return cli_usage(CMD, "--years: '%s' is not Y1-Y2 (e.g. 2016-2019)", optarg);
            break;
        case O_BUDGETS:
            if (cli_opt_budgets(CMD, optarg, ao.budgets_pct, &ao.nbudgets)) return EXIT_USAGE;
            break;
        case O_PROFILE: proffile = strcmp(optarg, "flat") ? optarg : NULL; break;
        case O_REGIONS: regions = optarg; break;
        case O_BYSEASON: by_season = 1; break;
        case O_CURVE: curve = 1; break;
        case O_GENMIX: genmix = 1; break;
        case O_FYEAR:
            if (cli_parse_years(optarg, &oo.year_from, &oo.year_to) || oo.year_from < 1901 ||
                oo.year_to - oo.year_from >= HR_OUTLOOK_MAX_YEARS)
                return cli_usage(CMD, "--forecast-year: '%s' is not a year Y or years Y1-Y2 (at most %d)", optarg,
                                 HR_OUTLOOK_MAX_YEARS);
            fyear = oo.year_from;
            break;
        case O_HINDCAST: hindcast = 1; break;
        case O_COMMITTED: commitfile = optarg; break;
        case O_TGROWTH:
            if (cli_parse_growth(optarg, &oo.threshold_growth_pct))
                return cli_usage(CMD, "--threshold-growth: '%s' is not a percentage above -100", optarg);
            break;
        case O_CALIB:
            if (strcmp(optarg, "0") && strcmp(optarg, "1")) return cli_usage(CMD, "--calibrate: '%s' is not 0 or 1", optarg);
            oo.calibrate = optarg[0] == '1';
            break;
        case O_SCEN:
            if (cli_parse_size(optarg, &nscen) || nscen == 0 || nscen > 100000)
                return cli_usage(CMD, "--scenarios: '%s' is not a number of paths in 1-100000", optarg);
            break;
        case O_GROWTH:
            if (cli_parse_growth(optarg, &growth))
                return cli_usage(CMD, "--growth: '%s' is not a percentage above -100", optarg);
            break;
        case O_SEED:
            if (cli_parse_size(optarg, &seed)) return cli_usage(CMD, "--seed: '%s' is not a whole number", optarg);
            break;
        case O_SIZE:
            if (cli_parse_pos(optarg, 1e9, &size_mw)) return cli_usage(CMD, "--size: '%s' is not a positive MW", optarg);
            break;
        default: {
            int rc = cli_contract_option(CMD, c, optarg, &ao, &ck);
            if (rc >= 0) {
                if (rc) return rc;
                break;
            }
            rc = cli_shared_option(CMD, c, optarg, argv[optind - 1], &op);
            if (rc) return rc;
            model_given |= cli_model_is_option(c);
        }
        }
    }
    if (optind >= argc) return cli_usage(CMD, "no input files");
    if ((c = cli_opts_done(CMD, &op, fyear != 0 || hindcast))) return c;
    if ((fyear || hindcast) && (by_season || curve || genmix))
        return cli_usage(CMD, "--by-season, --curve and --genmix do not apply with --forecast-year or --hindcast");
    if (fyear && hindcast) return cli_usage(CMD, "--forecast-year and --hindcast are two different runs");
    if (!fyear && !hindcast && (model_given || nscen != 200 || seed != 1 || !oo.calibrate))
        return cli_usage(CMD, "--model, --scenarios, --seed and --calibrate need --forecast-year or --hindcast");
    if (!fyear && (growth != 0 || commitfile || oo.threshold_growth_pct != 0))
        return cli_usage(CMD, "--growth, --threshold-growth and --committed need --forecast-year");
    oo.scenarios = nscen;
    oo.seed = (uint64_t)seed;
    oo.growth_pct = growth;
    if (cli_contract_check(CMD, &ao, &ck)) return EXIT_USAGE;
    if ((fyear || hindcast) && (ao.max_event_hours || ao.max_events_per_year || ao.max_hours_per_year ||
                                ao.every_year || ao.battery_pct > 0))
        return cli_usage(CMD, "the contract terms (--max-event-hours, ..., --battery-pct) do not apply with "
                              "--forecast-year or --hindcast: their P10/P50/P90 are the study's headroom");
    if (size_mw > 0 && (fyear || hindcast || by_season || curve || genmix))
        return cli_usage(CMD, "--size does not combine with --forecast-year, --hindcast, --by-season, --curve or --genmix");

    cap_table cap = {0};
    double *prof = NULL;
    hr_series *s = NULL;
    out_file main_out = {0}, seas_out = {0}, curve_out = {0}, gen_out = {0};
    int rc = EXIT_OK;
    if (capfile && (rc = read_capacity(capfile, &cap))) goto done;
    if (proffile) {
        if ((rc = read_profile(proffile, &prof, &ao.profile_len))) goto done;
        ao.profile = prof;
    }
    if ((rc = cli_read_series(CMD, &op.in, argc - optind, argv + optind, &s))) goto done;

    size_t nreg = hr_series_region_count(s), nsel = 0;
    for (size_t i = 0; i < nreg; i++) nsel += in_list(regions, hr_series_region_name(s, i));
    if (nsel == 0) {
        rc = cli_fail(CMD, "no region matches --regions %s", regions);
        goto done;
    }
    /* Open every output first so that a bad path fails before the work. */
    if ((rc = out_open(&main_out, outpath, NULL))) goto done;
    if (by_season && outpath && (rc = out_open(&seas_out, outpath, "_by_season.csv"))) goto done;
    if (curve && outpath && (rc = out_open(&curve_out, outpath, "_curve.csv"))) goto done;
    if (genmix && outpath && (rc = out_open(&gen_out, outpath, "_genmix.csv"))) goto done;
    if (fyear || hindcast) {
        cli_committed cm = {0};
        if (commitfile && (rc = cli_read_committed(CMD, commitfile, read_profile, &cm))) goto done;
        oo.committed = cm.c;
        oo.ncommitted = cm.n;
        rc = run_outlook(s, regions, &ao, &cap, capfile, &op.cm.fit, &oo, hindcast, main_out.f);
        cli_committed_free(&cm);
        goto done;
    }

    /* Results are kept per region so the extra tables can follow the main one on stdout. */
    hr_assessment *all = calloc(nreg, sizeof *all);
    hr_genmix *gall = genmix ? calloc(nreg, sizeof *gall) : NULL;
    int *have_gen = calloc(nreg, sizeof *have_gen);
    hr_campus *camp = calloc(nreg, sizeof *camp);
    if (!all || (genmix && !gall) || !have_gen || !camp) {
        free(all), free(gall), free(have_gen), free(camp);
        rc = cli_fail(CMD, "out of memory");
        goto done;
    }
    /* Compute everything first: a failing region leaves no partial table. */
    for (size_t i = 0; i < nreg && rc == EXIT_OK; i++) {
        const char *name = hr_series_region_name(s, i);
        if (!in_list(regions, name)) continue;
        hr_assess_opts o = ao;
        if ((rc = capacity_for(&cap, capfile, name, &o))) break;
        if (hr_assess(s, i, &o, &all[i])) {
            rc = cli_fail(CMD, "%s", hr_last_error());
            break;
        }
        warn_spikes(name, &all[i]);
        if (size_mw > 0 && hr_assess_size(s, i, &o, size_mw, &camp[i])) {
            rc = cli_fail(CMD, "%s", hr_last_error());
            break;
        }
        if (genmix) {
            int g = hr_assess_genmix(s, i, &o, &all[i], &gall[i]);
            if (g == HR_OK) have_gen[i] = 1;
            else if (g != HR_ENOTFOUND) {
                rc = cli_fail(CMD, "%s", hr_last_error());
                break;
            } else {
                fprintf(stderr, "headroom: %s: region '%s' has no gen_<fuel>_mw columns; no generation mix\n",
                        CMD, name);
            }
        }
    }
    FILE *f = main_out.f;
    if (rc == EXIT_OK && size_mw > 0) {
        fputs("region,size_mw,curtailed_pct,curtailed_hours_per_year,events_per_year,mean_event_hours,"
              "max_event_hours\n",
              f);
        for (size_t i = 0; i < nreg; i++) {
            const char *name = hr_series_region_name(s, i);
            if (!in_list(regions, name)) continue;
            const hr_campus *cp = &camp[i];
            fprintf(f, "%s,%.1f,%.6f,%.10g,%.10g,%.10g,%.10g\n", name, cp->size_mw, cp->curtailed_pct,
                    cp->curtailed_hours_per_year, cp->events_per_year, cp->mean_event_hours, cp->max_event_hours);
            if (cp->broken) {
                fprintf(stderr, "headroom: %s: region '%s': %.1f MW breaks the cap on ", CMD, name, cp->size_mw);
                put_binding(stderr, cp->broken);
                fputc('\n', stderr);
            }
            if (ao.battery_pct > 0)
                fprintf(stderr, "headroom: %s: region '%s': the battery makes %.2f full cycles per year\n", CMD,
                        name, cp->battery_cycles_per_year);
        }
    } else if (rc == EXIT_OK) {
        fputs("region,budget_pct,headroom_mw,headroom_pct_peak,curtailed_hours_per_year,hours_ge50,hours_ge75,"
              "hours_ge90,mean_event_hours,max_event_hours,peak_mw,load_factor,events_per_year,"
              "worst_year_rate_pct,binding,battery_cycles_per_year\n",
              f);
        for (size_t i = 0; i < nreg; i++) {
            const char *name = hr_series_region_name(s, i);
            if (!in_list(regions, name)) continue;
            const hr_assessment *r = &all[i];
            for (size_t j = 0; j < r->nrows; j++) {
                const hr_headroom_row *w = &r->rows[j];
                fprintf(f, "%s,%g,%.1f,%.4f,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.6f,%.10g,%.6f,", name,
                        w->budget_pct, w->headroom_mw, w->headroom_pct_peak, w->curtailed_hours_per_year,
                        w->hours_ge50, w->hours_ge75, w->hours_ge90, w->mean_event_hours, w->max_event_hours,
                        w->peak_mw, w->load_factor, w->events_per_year, w->worst_year_rate_pct);
                put_binding(f, w->binding);
                fprintf(f, ",%.4f\n", w->battery_cycles_per_year);
            }
        }
    }
    if (rc == EXIT_OK && by_season) {
        FILE *g = outpath ? seas_out.f : f;
        if (!outpath) fputc('\n', g);
        fputs("region,budget_pct,season,hour_utc,curtailed_hours_per_year\n", g);
        static const char *const sn[4] = {"DJF", "MAM", "JJA", "SON"};
        for (size_t i = 0; i < nreg; i++) {
            if (!in_list(regions, hr_series_region_name(s, i))) continue;
            const hr_assessment *r = &all[i];
            for (size_t j = 0; j < r->nrows; j++)
                for (int q = 0; q < 4; q++)
                    for (int h = 0; h < 24; h++) {
                        double x = 0;
                        for (int mth = 0; mth < 12; mth++) /* month index 0 = Jan; DJF = 11, 0, 1 */
                            if (((mth + 1) % 12) / 3 == q) x += r->curtailed_by_month_hour[j][mth][h];
                        fprintf(g, "%s,%g,%s,%d,%.10g\n", hr_series_region_name(s, i), r->rows[j].budget_pct, sn[q],
                                h, x);
                    }
        }
    }
    if (rc == EXIT_OK && curve) {
        FILE *g = outpath ? curve_out.f : f;
        if (!outpath) fputc('\n', g);
        fputs("region,added_mw,added_pct_peak,rate_pct\n", g);
        for (size_t i = 0; i < nreg; i++) {
            if (!in_list(regions, hr_series_region_name(s, i))) continue;
            const hr_assessment *r = &all[i];
            for (size_t k = 0; k < r->ncurve; k++)
                fprintf(g, "%s,%.1f,%.2f,%.6f\n", hr_series_region_name(s, i), r->curve_added_mw[k],
                        100 * r->curve_added_mw[k] / r->peak_mw, r->curve_rate_pct[k]);
        }
    }
    if (rc == EXIT_OK && genmix) {
        FILE *g = outpath ? gen_out.f : f;
        if (!outpath) fputc('\n', g);
        fputs("region,fuel,carbon_free,share_all_pct,budget_pct,share_curtailed_pct\n", g);
        for (size_t i = 0; i < nreg; i++) {
            if (!have_gen[i]) continue;
            const hr_genmix *m = &gall[i];
            const char *name = hr_series_region_name(s, i);
            for (size_t j = 0; j < m->nrows; j++) {
                double b = all[i].rows[j].budget_pct;
                /* share during curtailment is empty when nothing curtails */
                fprintf(g, "%s,carbon_free,1,%.4f,%g,", name, m->carbon_free_all_pct, b);
                put_num(g, m->carbon_free_curtailed_pct[j]);
                for (size_t k = 0; k < m->nfuels; k++) {
                    fprintf(g, "%s,%s,%d,%.4f,%g,", name, m->fuel[k], m->carbon_free[k], m->share_all_pct[k], b);
                    put_num(g, m->share_curtailed_pct[j][k]);
                }
            }
        }
    }
    free(all), free(gall), free(have_gen), free(camp);
done: {
    int ok = rc == EXIT_OK;
    int r1 = out_close(&main_out, ok), r2 = out_close(&seas_out, ok), r3 = out_close(&curve_out, ok),
        r4 = out_close(&gen_out, ok);
    if (ok) rc = r1 ? r1 : r2 ? r2 : r3 ? r3 : r4;
}
    hr_series_free(s);
    free(prof);
    free(cap.row);
    return rc;
}
