/* cmd_forecast.c — `headroom forecast -m FILE.hrm --horizon H FILE...`:
 * forecasts the H hours after the last observed load of each region that
 * has a model in FILE.hrm. */
#include "cli.h"
#include "cli_model.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const help =
    "usage: headroom forecast -m FILE.hrm --horizon H [--level 80,95] [-o OUT.csv] FILE...\n"
    "\n"
    "Forecasts the H hours after the last observed load in FILE... for every region\n"
    "with a model in FILE.hrm (a single model applies to a single region whatever\n"
    "its name). Models with weather terms read future temperatures from rows that\n"
    "have weather but no load. Output CSV:\n"
    "  region,timestamp,mean,lo_80,hi_80,lo_95,hi_95   (columns follow --level)\n"
    "\n"
    "  -m, --model-file FILE  fitted models (from headroom fit)\n"
    "  --horizon H            hours to forecast [required]\n"
    "  --level L1,L2,...      interval levels in percent [Default: 80,95]\n"
    "  -o, --output FILE      write the CSV there (atomically) instead of stdout\n"
    "\n" INGEST_OPTIONS_HELP
    "\nexit codes: 0 success, 1 data/numerical/I-O failure, 2 usage error\n";

int cmd_forecast(int argc, char **argv)
{
    enum { O_HORIZON = 1400, O_LEVEL };
    static const struct option own[] = {
        {"model-file", required_argument, 0, 'm'},
        {"horizon", required_argument, 0, O_HORIZON},
        {"level", required_argument, 0, O_LEVEL},
    };
    cli_opts op;
    cli_opts_init(&op, 0, own, CLI_COUNT(own));
    const char *mfile = NULL, *out = NULL;
    size_t horizon = 0;
    double levels[8] = {80, 95};
    int nlev = 2;
    int c;
    while ((c = getopt_long(argc, argv, "hm:o:", op.lo, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return EXIT_OK;
        } else if (c == 'm') mfile = optarg;
        else if (c == 'o') out = optarg;
        else if (c == O_HORIZON) {
            if (cli_parse_size(optarg, &horizon) || horizon == 0 || horizon > 1000000)
                return cli_usage("forecast", "invalid --horizon '%s'", optarg);
        } else if (c == O_LEVEL) {
            if (cli_parse_doubles(optarg, levels, 8, &nlev))
                return cli_usage("forecast", "invalid --level '%s'", optarg);
            for (int j = 0; j < nlev; j++)
                if (!(levels[j] > 0 && levels[j] < 100))
                    return cli_usage("forecast", "--level values must be in (0, 100)");
        } else {
            int rc = cli_shared_option("forecast", c, optarg, argv[optind - 1], &op);
            if (rc) return rc;
        }
    }
    if (!mfile) return cli_usage("forecast", "-m FILE.hrm is required");
    if (!horizon) return cli_usage("forecast", "--horizon is required");
    if (optind >= argc) return cli_usage("forecast", "no input files");

    hr_model **ms = NULL;
    size_t nm = 0;
    if (hr_model_load(mfile, &ms, &nm)) return cli_fail("forecast", "%s", hr_last_error());
    hr_series *s = NULL;
    int rc = cli_read_series("forecast", &op.in, argc - optind, argv + optind, &s);
    if (rc) {
        hr_models_free(ms, nm);
        return rc;
    }
    hr_outfile *tmp = NULL;
    FILE *f = stdout;
    if (out && !(f = cli_open_out("forecast", out, &tmp))) {
        hr_models_free(ms, nm);
        hr_series_free(s);
        return EXIT_FAIL;
    }
    hr_forecast_buf b = {horizon, malloc(horizon * sizeof(int64_t)), malloc(horizon * sizeof(double)),
                         malloc((size_t)nlev * horizon * sizeof(double)),
                         malloc((size_t)nlev * horizon * sizeof(double))};
    if (!b.t_utc || !b.mean || !b.lo || !b.hi) rc = cli_fail("forecast", "out of memory");
    fputs("region,timestamp,mean", f);
    for (int j = 0; j < nlev; j++) fprintf(f, ",lo_%g,hi_%g", levels[j], levels[j]);
    fputc('\n', f);
    size_t done = 0;
    for (size_t i = 0; i < nm && !rc; i++) {
        hr_model_info info;
        hr_model_info_get(ms[i], &info);
        size_t reg;
        if (hr_series_region_index(s, info.region, &reg)) {
            if (nm == 1 && hr_series_region_count(s) == 1) reg = 0;
            else continue;
        }
        if (hr_model_forecast(ms[i], s, reg, horizon, levels, (size_t)nlev, &b)) {
            rc = cli_fail("forecast", "%s", hr_last_error());
            break;
        }
        const char *rn = hr_series_region_name(s, reg);
        for (size_t k = 0; k < horizon; k++) {
            char ts[21];
            hr_time_format(b.t_utc[k], ts);
            fprintf(f, "%s,%s,%.6f", rn, ts, b.mean[k]);
            for (int j = 0; j < nlev; j++)
                fprintf(f, ",%.6f,%.6f", b.lo[(size_t)j * horizon + k], b.hi[(size_t)j * horizon + k]);
            fputc('\n', f);
        }
        done++;
    }
    if (!rc && done == 0) rc = cli_fail("forecast", "no region of the input matches a model in %s", mfile);
    if (out) {
        int r2 = cli_close_out("forecast", tmp, out, rc == 0);
        if (!rc) rc = r2;
    }
    free(b.t_utc), free(b.mean), free(b.lo), free(b.hi);
    hr_models_free(ms, nm);
    hr_series_free(s);
    return rc;
}
