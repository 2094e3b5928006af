/* cmd_ingest.c — `headroom ingest [options] FILE...`: read, screen and
 * summarise; one CSV row per region on stdout, optional normalised long CSV
 * per region with -o DIR. */
#include "cli.h"
#include "cli_model.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const help =
    "usage: headroom ingest [options] FILE...\n"
    "\n"
    "Reads hourly load/generation files, puts each region on an hourly UTC grid,\n"
    "screens and imputes the load, and prints one row per region:\n"
    "  region,first_utc,last_utc,hours,missing,flagged,imputed,peak_mw,mean_mw\n"
    "\n"
    INGEST_OPTIONS_HELP
    "  -o, --output DIR       also write DIR/<region>.csv (region,timestamp,load_mw,\n"
    "                         load_raw_mw,flag, then the other columns)\n"
    "  -h, --help             this text\n"
    "\n"
    "exit codes: 0 success, 1 malformed input or I/O failure, 2 usage error\n";

int cmd_ingest(int argc, char **argv)
{
    cli_opts op;
    cli_opts_init(&op, 0, NULL, 0);
    const char *outdir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "ho:", op.lo, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return EXIT_OK;
        } else if (c == 'o') {
            outdir = optarg;
        } else {
            int rc = cli_shared_option("ingest", c, optarg, argv[optind - 1], &op);
            if (rc) return rc;
        }
    }
    hr_series *s = NULL;
    int st = cli_read_series("ingest", &op.in, argc - optind, argv + optind, &s);
    if (st) return st;

    if (outdir) {
        if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
            hr_series_free(s);
            return cli_fail("ingest", "%s: %s", outdir, strerror(errno));
        }
        for (size_t i = 0; i < hr_series_region_count(s); i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.csv", outdir, hr_series_region_name(s, i));
            if (hr_series_write_long(s, i, path)) {
                int rc = cli_fail("ingest", "%s", hr_last_error());
                hr_series_free(s);
                return rc;
            }
        }
    }

    puts("region,first_utc,last_utc,hours,missing,flagged,imputed,peak_mw,mean_mw");
    for (size_t i = 0; i < hr_series_region_count(s); i++) {
        hr_quality q;
        hr_series_quality(s, i, &q);
        char a[21], b[21];
        hr_time_format(q.first_utc, a);
        hr_time_format(q.last_utc, b);
        printf("%s,%s,%s,%zu,%zu,%zu,%zu,%.10g,%.10g\n", hr_series_region_name(s, i), a, b,
               q.hours, q.missing, q.flagged, q.imputed, q.peak_mw, q.mean_mw);
    }
    hr_series_free(s);
    return EXIT_OK;
}
