/* cmd_fit.c — `headroom fit`: fit one model per region, save them to a
 * .hrm file, optionally print a JSON summary. */
#include "cli.h"
#include "cli_ingest.h"
#include "cli_model.h"
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const help =
    "usage: headroom fit --model SPEC [options] [-o FILE.hrm] FILE...\n"
    "\n"
    "Fits one model per region of the input files and saves them to FILE.hrm.\n"
    "\n"
    MODEL_OPTIONS_HELP
    "  --from T, --to T       training window (UTC, ISO 8601) [Default: all data]\n"
    "  --json                 print a JSON summary per region on stdout\n"
    "  -o, --output FILE.hrm  where the fitted models go (required without --json)\n"
    "\n" INGEST_OPTIONS_HELP
    "\nScreening is for hourly load: fit refuses a region where it replaced more\n"
    "than 5 % of the observed hours (warns above 1 %); --no-screen fits other\n"
    "series as read.\n"
    "\nexit codes: 0 success, 1 data/numerical/I-O failure, 2 usage error\n";

static void print_json(FILE *f, const hr_model *m)
{
    hr_model_info in;
    hr_model_info_get(m, &in);
    fputs("{\"region\":", f);
    cli_json_str(f, in.region);
    fputs(",\"model\":", f);
    cli_json_str(f, in.model);
    fprintf(f, ",\"n\":%zu", in.n);
    if (in.order[6]) {
        fprintf(f, ",\"order\":[%d,%d,%d],\"seasonal\":[%d,%d,%d,%d]", in.order[0], in.order[1],
                in.order[2], in.order[3], in.order[4], in.order[5], in.order[6]);
    }
    for (int pass = 0; pass < 2; pass++) {
        fputs(pass ? ",\"se\":{" : ",\"coef\":{", f);
        for (size_t i = 0; i < in.ncoef; i++) {
            const char *nm;
            double v, se;
            hr_model_coef(m, i, &nm, &v, &se);
            if (i) fputc(',', f);
            cli_json_str(f, nm);
            fputc(':', f);
            cli_json_num(f, pass ? se : v);
        }
        fputc('}', f);
    }
    const double v[6] = {in.sigma2, in.r2, in.loglik, in.aic, in.aicc, in.bic};
    static const char *const k[6] = {"sigma2", "r2", "loglik", "aic", "aicc", "bic"};
    for (int i = 0; i < 6; i++) {
        fprintf(f, ",\"%s\":", k[i]);
        cli_json_num(f, v[i]);
    }
    fprintf(f, ",\"converged\":%s,\"fallback\":", in.converged ? "true" : "false");
    cli_json_str(f, in.fallback);
    fputs(",\"errors\":", f);
    cli_json_str(f, in.errors);
    fputs(",\"fit_seconds\":", f);
    cli_json_num(f, in.fit_seconds);
    fputc('}', f);
}

/* Screening (Ruggles et al. 2020) is made for hourly load: on other series
 * (zero-mean, counts, prices) it flags a large share of the values as
 * anomalies and the fit would run on their imputed replacements. Refuse
 * above SCREEN_REFUSE of the observed hours, warn above SCREEN_WARN. */
#define SCREEN_WARN 0.01
#define SCREEN_REFUSE 0.05
static int check_screening(const hr_series *s)
{
    for (size_t i = 0; i < hr_series_region_count(s); i++) {
        hr_quality q;
        if (hr_series_quality(s, i, &q)) continue;
        size_t obs = q.hours - q.by_flag[HR_FLAG_MISSING];
        size_t bad = q.flagged - q.by_flag[HR_FLAG_MISSING] - q.by_flag[HR_FLAG_DUPLICATE_RESOLVED];
        double share = obs ? (double)bad / (double)obs : 0.0;
        const char *nm = hr_series_region_name(s, i);
        if (share > SCREEN_REFUSE)
            return cli_fail("fit", "region '%s': screening replaced %zu of %zu observed hours "
                            "(%.1f %%) as anomalies; not fitting on imputed values: rerun with "
                            "--no-screen if this series is not hourly load", nm, bad, obs,
                            100.0 * share);
        if (share > SCREEN_WARN)
            fprintf(stderr, "headroom: warning: fit: region '%s': screening replaced %zu of %zu "
                    "observed hours (%.1f %%) as anomalies (--no-screen fits the values as read)\n",
                    nm, bad, obs, 100.0 * share);
    }
    return EXIT_OK;
}

int cmd_fit(int argc, char **argv)
{
    enum { O_FROM = 1300, O_TO, O_JSON };
    static const struct option own[] = {
        {"from", required_argument, 0, O_FROM},
        {"to", required_argument, 0, O_TO},
        {"json", no_argument, 0, O_JSON},
    };
    cli_opts op;
    cli_opts_init(&op, 1, own, CLI_COUNT(own));
    const char *out = NULL;
    int json = 0;
    int c;
    while ((c = getopt_long(argc, argv, "ho:", op.lo, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return EXIT_OK;
        } else if (c == 'o') out = optarg;
        else if (c == O_JSON) json = 1;
        else if (c == O_FROM || c == O_TO) {
            if (cli_parse_time(optarg, c == O_FROM ? &op.cm.fit.from_utc : &op.cm.fit.to_utc))
                return cli_usage("fit", "invalid time '%s' (ISO 8601, UTC)", optarg);
        } else {
            int rc = cli_shared_option("fit", c, optarg, argv[optind - 1], &op);
            if (rc) return rc;
        }
    }
    if (!out && !json) return cli_usage("fit", "-o FILE.hrm or --json is required");
    const hr_fit_opts *fo = &op.cm.fit;
    if (fo->drift && fo->model && !strcmp(fo->model, "arima") && fo->order[1] + fo->order[4] != 1)
        return cli_usage("fit", "--drift needs d + D = 1 (the d of --order plus the D of --seasonal)");
    if (optind >= argc) return cli_usage("fit", "no input files");
    if ((c = cli_opts_done("fit", &op, 1))) return c;
    hr_series *s = NULL;
    int rc = cli_read_series("fit", &op.in, argc - optind, argv + optind, &s);
    if (rc) return rc;
    if (op.in.opts.screen && (rc = check_screening(s))) {
        hr_series_free(s);
        return rc;
    }
    size_t nr = hr_series_region_count(s);
    hr_model **ms = calloc(nr ? nr : 1, sizeof *ms);
    if (!ms) {
        hr_series_free(s);
        return cli_fail("fit", "out of memory");
    }
    for (size_t i = 0; i < nr && !rc; i++)
        if (hr_model_fit(s, i, &op.cm.fit, &ms[i]))
            rc = cli_fail("fit", "region '%s': %s", hr_series_region_name(s, i), hr_last_error());
    if (!rc && out && hr_model_save((const hr_model *const *)ms, nr, out))
        rc = cli_fail("fit", "%s", hr_last_error());
    if (!rc && json) {
        if (nr > 1) fputc('[', stdout);
        for (size_t i = 0; i < nr; i++) {
            if (i) fputs(",\n", stdout);
            print_json(stdout, ms[i]);
        }
        fputs(nr > 1 ? "]\n" : "\n", stdout);
    }
    for (size_t i = 0; i < nr; i++) hr_model_free(ms[i]);
    free(ms);
    hr_series_free(s);
    return rc;
}
