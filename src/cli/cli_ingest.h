/* cli_ingest.h — the input options every command that reads FILE... shares
 * (format, duplicates, overlaps, the `series` column options). */
#ifndef HR_CLI_INGEST_H
#define HR_CLI_INGEST_H
#include "headroom.h"
#include <getopt.h>

#define INGEST_NOPTS 15
#define INGEST_OPTIONS_HELP \
    "input options:\n" \
    "  --format NAME          auto|long|eia930|eia930-ba|ercot-native|ercot-fuel|pjm-gen|\n" \
    "                         us48|series|weather|eia-api [Default: auto, from the header;\n" \
    "                         docs/formats.md lists the layouts each reads]\n" \
    "  --on-duplicate RULE    error|mean|first|last for a repeated non-DST hour [Default: error]\n" \
    "  --on-overlap RULE      error|first|last when files disagree on an hour [Default: error]\n" \
    "  --time-col NAME        (series) time column; several as A,B (e.g. Date,Hour)\n" \
    "  --value-col NAME       (series) value column, repeatable; the first is the load\n" \
    "  --region NAME          region name [Default: from the file]\n" \
    "  --tz ZONE              IANA zone of naive local timestamps [Default: UTC]\n" \
    "  --hour-ending          timestamps mark the end of the hour\n" \
    "  --scale X              multiply values by X (e.g. 0.001 for kW to MW) [Default: 1]\n" \
    "  --region-col NAME      one region per value of column NAME (e.g. load_area)\n" \
    "  --delimiter C          field separator: one character or \\t [Default: ',', or a\n" \
    "                         tab when the header has tabs and no commas]\n" \
    "  --min-coverage F       sub-hourly data: share of an hour's intervals needed for\n" \
    "                         its hourly mean [Default: 1, all of them]\n" \
    "  --interval-end         sub-hourly data: stamps mark the interval's end\n" \
    "  --demand KIND          raw|adjusted|imputed: EIA-930 BALANCE demand column used\n" \
    "                         as the load [Default: raw, \"Demand (MW)\"]\n" \
    "  --no-screen            keep raw load (no screening or imputation)\n"

typedef struct cli_ingest_t {
    hr_ingest_opts opts;
    size_t nvalue;
    char problem[512];
} cli_ingest;

void cli_ingest_init(cli_ingest *in);
/* The input options (cli_opts_init in cli_model.h puts them in a command's table). */
extern const struct option cli_ingest_options[INGEST_NOPTS];
/* Handle option code c (from cli_ingest_options) with argument arg.
 * Returns 0, or -1 with in->problem set. */
int cli_ingest_option(cli_ingest *in, int c, const char *arg);
/* Read FILE... with the input options; prints the error and returns the
 * exit code on failure (cli_common.c). */
int cli_read_series(const char *cmd, cli_ingest *in, int nfiles, char **files, hr_series **s);
/* msg (a library message naming hr_ingest_opts fields: "the on_duplicate
 * option") with the command-line flags instead ("--on-duplicate"). */
void cli_ingest_translate(const char *msg, char *out, size_t cap);
/* 1 if c is one of the input option codes. */
int cli_ingest_is_option(int c);
#endif
