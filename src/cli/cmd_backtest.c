/* cmd_backtest.c — `headroom backtest`: rolling-origin evaluation of a
 * model against snaive24, snaive168 and the BA's own forecast. */
#include "cli.h"
#include "cli_ingest.h"
#include "cli_model.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const help =
    "usage: headroom backtest --model SPEC --start T [options] FILE...\n"
    "\n"
    "For each origin t = T + k*S (k < N) fits on the data before t and forecasts\n"
    "t+L .. t+L+H-1; scores the model and the baselines snaive24, snaive168 and\n"
    "ba_forecast (where the data has the BA's forecast) on the same hours. Output CSV:\n"
    "  region,model,n,mae,rmse,mape,mase,coverage80_pct,coverage95_pct,winkler95,pinball\n"
    "(MAE, RMSE, Winkler and pinball in MW; MAPE and the interval coverages in %).\n"
    "Day-ahead: --start <day>T12:00:00Z --step 24 --lead 12 --horizon 24.\n"
    "\n"
    MODEL_OPTIONS_HELP
    "backtest options:\n"
    "  --start T              first origin (UTC, ISO 8601) [required]\n"
    "  --origins N            number of origins [Default: 1]\n"
    "  --step S               hours between origins [Default: 24]\n"
    "  --lead L               hours from origin to first forecast hour [Default: 0]\n"
    "  --horizon H            hours per origin [Default: 24]\n"
    "  --refit-every K        refit every K origins, state updated between [Default: 7]\n"
    "  --window W             train on the last W hours (0 = all) [Default: 0]\n"
    "  -j, --threads N        origins in parallel [Default: 2]\n"
    "  --by-horizon           add rows per lead hour (extra column 'horizon')\n"
    "  --json                 JSON instead of CSV\n"
    "  -o, --output FILE      also write the per-hour forecasts (CSV) there\n"
    "\n" INGEST_OPTIONS_HELP
    "\nexit codes: 0 success, 1 data/numerical/I-O failure, 2 usage error\n";

static void print_row(FILE *f, const char *region, const hr_backtest_row *r, int byh, int json)
{
    /* coverage in percent, as MAPE and as the report has it */
    double v[8] = {r->mae, r->rmse, r->mape, r->mase, 100 * r->coverage80, 100 * r->coverage95, r->winkler95,
                   r->pinball};
    static const char *const k[8] = {"mae", "rmse", "mape", "mase", "coverage80_pct", "coverage95_pct",
                                     "winkler95", "pinball"};
    if (json) {
        fputs("{\"region\":", f);
        cli_json_str(f, region);
        fputs(",\"model\":", f);
        cli_json_str(f, r->model);
        fprintf(f, ",\"horizon\":%d,\"n\":%zu,\"excluded\":%zu", r->horizon, r->n, r->excluded);
        for (int i = 0; i < 8; i++) {
            fprintf(f, ",\"%s\":", k[i]);
            cli_json_num(f, v[i]);
        }
        fputc('}', f);
        return;
    }
    fprintf(f, "%s,%s,%zu", region, r->model, r->n);
    for (int i = 0; i < 8; i++) fprintf(f, ",%.6g", v[i]);
    if (byh) fprintf(f, ",%d", r->horizon);
    fputc('\n', f);
}

int cmd_backtest(int argc, char **argv)
{
    enum { O_START = 1500, O_ORIG, O_STEP, O_LEAD, O_HOR, O_REFIT, O_WIN, O_BYH, O_JSON };
    static const struct option own[] = {
        {"start", required_argument, 0, O_START},
        {"origins", required_argument, 0, O_ORIG},
        {"step", required_argument, 0, O_STEP},
        {"lead", required_argument, 0, O_LEAD},
        {"horizon", required_argument, 0, O_HOR},
        {"refit-every", required_argument, 0, O_REFIT},
        {"window", required_argument, 0, O_WIN},
        {"by-horizon", no_argument, 0, O_BYH},
        {"json", no_argument, 0, O_JSON},
        {"threads", required_argument, 0, 'j'},
    };
    cli_opts op;
    cli_opts_init(&op, 1, own, CLI_COUNT(own));
    hr_backtest_opts bo;
    hr_backtest_opts_init(&bo);
    const char *out = NULL;
    int json = 0;
    int c;
    while ((c = getopt_long(argc, argv, "hj:o:", op.lo, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'h': fputs(help, stdout); return EXIT_OK;
        case 'o': out = optarg; break;
        case O_JSON: json = 1; break;
        case O_BYH: bo.by_horizon = 1; break;
        case O_START: bad = cli_parse_time(optarg, &bo.start_utc); break;
        case 'j': bad = cli_parse_threads(optarg, &bo.threads); break;
        case O_ORIG: bad = cli_parse_size(optarg, &bo.origins) || !bo.origins; break;
        case O_STEP: bad = cli_parse_size(optarg, &bo.step) || !bo.step; break;
        case O_LEAD: bad = cli_parse_size(optarg, &bo.lead); break;
        case O_HOR: bad = cli_parse_size(optarg, &bo.horizon) || !bo.horizon; break;
        case O_REFIT: bad = cli_parse_size(optarg, &bo.refit_every) || !bo.refit_every; break;
        case O_WIN: bad = cli_parse_size(optarg, &bo.window); break;
        default: {
            int rc = cli_shared_option("backtest", c, optarg, argv[optind - 1], &op);
            if (rc) return rc;
        }
        }
        char nb[40];
        if (bad) return cli_bad_value("backtest", optarg, cli_opt_name(&op, c, nb, sizeof nb));
    }
    if (bo.start_utc == INT64_MIN) return cli_usage("backtest", "--start is required");
    if (optind >= argc) return cli_usage("backtest", "no input files");
    if ((c = cli_opts_done("backtest", &op, 1))) return c;
    bo.fit = op.cm.fit;
    bo.keep_hours = out != NULL;
    hr_series *s = NULL;
    int rc = cli_read_series("backtest", &op.in, argc - optind, argv + optind, &s);
    if (rc) return rc;
    hr_outfile *tmp = NULL;
    FILE *hf = NULL;
    if (out && !(hf = cli_open_out("backtest", out, &tmp))) {
        hr_series_free(s);
        return EXIT_FAIL;
    }
    if (hf) fputs("region,model,origin,timestamp,actual,mean,lo_80,hi_80,lo_95,hi_95\n", hf);
    if (json) fputs("[", stdout);
    else
        printf("region,model,n,mae,rmse,mape,mase,coverage80_pct,coverage95_pct,winkler95,pinball%s\n",
               bo.by_horizon ? ",horizon" : "");
    size_t printed = 0;
    for (size_t i = 0; i < hr_series_region_count(s) && !rc; i++) {
        hr_backtest *b = NULL;
        const char *rn = hr_series_region_name(s, i);
        if (hr_backtest_run(s, i, &bo, &b)) {
            rc = cli_fail("backtest", "%s", hr_last_error());
            break;
        }
        for (size_t k = 0; k < hr_backtest_row_count(b); k++) {
            hr_backtest_row row;
            hr_backtest_row_get(b, k, &row);
            if (json && printed++) fputs(",\n", stdout);
            print_row(stdout, rn, &row, bo.by_horizon, json);
        }
        for (size_t k = 0; hf && k < hr_backtest_hour_count(b); k++) {
            hr_backtest_hour h;
            hr_backtest_hour_get(b, k, &h);
            char a[21], t[21];
            hr_time_format(h.origin_utc, a);
            hr_time_format(h.t_utc, t);
            fprintf(hf, "%s,%s,%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", rn, h.model, a, t, h.actual,
                    h.mean, h.lo80, h.hi80, h.lo95, h.hi95);
        }
        hr_backtest_free(b);
    }
    if (json && !rc) fputs("]\n", stdout);
    if (hf) {
        int r2 = cli_close_out("backtest", tmp, out, rc == 0);
        if (!rc) rc = r2;
    }
    hr_series_free(s);
    return rc;
}
