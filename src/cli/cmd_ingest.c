/* cmd_ingest.c — `headroom ingest [options] FILE...`: read, screen and
 * summarise; one CSV row per region on stdout, optional normalised long CSV
 * per region with -o DIR. */
#include "cli.h"
#include "cli_ingest.h"
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
    enum { O_BASE = 1000 };
    struct option lo[INGEST_NOPTS + 3];
    size_t nlo = ingest_long_options(lo);
    lo[nlo++] = (struct option){"output", required_argument, 0, 'o'};
    lo[nlo++] = (struct option){"help", no_argument, 0, 'h'};
    lo[nlo] = (struct option){0, 0, 0, 0};

    cli_ingest in;
    cli_ingest_init(&in);
    const char *outdir = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+ho:", lo, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return EXIT_OK;
        } else if (c == 'o') {
            outdir = optarg;
        } else if (c == '?' || c == ':') {
            return cli_usage("ingest", "unknown or incomplete option '%s'", argv[optind - 1]);
        } else {
            int rc = cli_ingest_option(&in, c, optarg);
            if (rc) return cli_usage("ingest", "%s", in.problem);
        }
    }
    if (optind >= argc) return cli_usage("ingest", "no input files");

    hr_series *s = NULL;
    int st = hr_series_read((const char *const *)argv + optind, (size_t)(argc - optind), &in.opts, &s);
    if (st) return cli_fail("ingest", "%s", hr_last_error());

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
