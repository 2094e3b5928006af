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
    "(a region with generation and no load: its hours, peak and mean of total generation)\n"
    "\n"
    "Recognised from the header: the long format (also unique_id,ds,y and ds,y), EIA-930\n"
    "BALANCE and SUBREGION files (regions BA-SUBREGION; INTERCHANGE files are refused),\n"
    "cleaned per-BA EIA-930 files, EIA API v2 region-data and fuel-type-data (CSV or JSON),\n"
    "ERCOT native load and fuel mix, PJM gen_by_fuel and hrl_load_metered (one region per\n"
    "load_area), PJM zone files, gridstatus exports, load-with-weather files. Rows of only\n"
    "delimiters are skipped; sub-hourly data is averaged to hourly MW; day-first dates are\n"
    "told from the data. Layouts, time conventions and fuel names: docs/formats.md.\n"
    "\n"
    INGEST_OPTIONS_HELP
    "  -o, --output DIR       also write DIR/<region>.csv (region,timestamp,load_mw,\n"
    "                         load_raw_mw,flag, then the other columns); DIR is\n"
    "                         replaced as a whole (an existing DIR may hold only\n"
    "                         .csv files); '/', '\\', control characters and a\n"
    "                         leading '.' of a region name become '_' in its file\n"
    "                         name, cut to 96 bytes, '-2', '-3' added on clashes\n"
    "  -h, --help             this text\n"
    "\n"
    "exit codes: 0 success, 1 malformed input or I/O failure, 2 usage error\n";

/* A region without load: its hours, the hours without any generation
 * value, and the peak and mean of its total generation (gen_total_mw, or
 * the sum of the gen_<fuel>_mw columns) into q. 0, or -1 if it has no
 * generation either. */
static int generation_summary(const hr_series *s, size_t i, hr_quality *q)
{
    int64_t t0;
    size_t n;
    if (hr_series_grid(s, i, &t0, &n) || n == 0) return -1;
    const double *tot = NULL, *cols[64];
    size_t nc = 0;
    if (hr_series_column(s, i, "gen_total_mw", &tot) != HR_OK) tot = NULL;
    for (size_t j = 0; !tot && j < hr_series_column_count(s, i) && nc < 64; j++) {
        const char *nm = hr_series_column_name(s, i, j);
        size_t l = strlen(nm);
        if (strncmp(nm, "gen_", 4) == 0 && l > 7 && strcmp(nm + l - 3, "_mw") == 0 &&
            hr_series_column(s, i, nm, &cols[nc]) == HR_OK)
            nc++;
    }
    if (!tot && nc == 0) return -1;
    memset(q, 0, sizeof *q);
    q->first_utc = t0;
    q->last_utc = t0 + 3600 * (int64_t)(n - 1);
    q->hours = n;
    double peak = -1.0 / 0.0, sum = 0;
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        double v = tot ? tot[k] : 0;
        int any = tot ? v == v : 0;
        for (size_t c = 0; c < nc; c++)
            if (cols[c][k] == cols[c][k]) v += cols[c][k], any = 1;
        if (!any) {
            q->missing++;
            continue;
        }
        if (v > peak) peak = v;
        sum += v;
        m++;
    }
    q->peak_mw = m ? peak : 0.0 / 0.0;
    q->mean_mw = m ? sum / (double)m : 0.0 / 0.0;
    return 0;
}

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

    if (outdir && hr_series_write_dir(s, outdir) != HR_OK) {
        int rc = cli_fail("ingest", "%s", hr_last_error());
        hr_series_free(s);
        return rc;
    }

    puts("region,first_utc,last_utc,hours,missing,flagged,imputed,peak_mw,mean_mw");
    for (size_t i = 0; i < hr_series_region_count(s); i++) {
        hr_quality q;
        hr_series_quality(s, i, &q);
        const double *load;
        if (hr_series_column(s, i, "load_raw_mw", &load) != HR_OK && generation_summary(s, i, &q) == 0)
            fprintf(stderr,
                    "headroom: ingest: region '%s' has generation and no load: its hours, peak_mw "
                    "and mean_mw are of its total generation\n",
                    hr_series_region_name(s, i));
        char a[21], b[21];
        hr_time_format(q.first_utc, a);
        hr_time_format(q.last_utc, b);
        printf("%s,%s,%s,%zu,%zu,%zu,%zu,%.10g,%.10g\n", hr_series_region_name(s, i), a, b,
               q.hours, q.missing, q.flagged, q.imputed, q.peak_mw, q.mean_mw);
    }
    hr_series_free(s);
    return EXIT_OK;
}
