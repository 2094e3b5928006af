/* main.c — `headroom <command> [options] FILE...`: dispatch, version check,
 * the program name of the shared messages (cli.h). Exit codes: 0 success,
 * 1 data/numerical/I-O failure, 2 usage error. */
#include "cli.h"
#include <stdio.h>
#include <string.h>

static const char *const usage_text =
    "usage: headroom <command> [options] FILE...\n"
    "\n"
    "commands:\n"
    "  ingest    read, screen and summarise hourly load files\n"
    "  fit       fit a forecasting model per region\n"
    "  forecast  forecast with a fitted model\n"
    "  backtest  rolling-origin evaluation of a model against baselines\n"
    "  assess    headroom: MW of new load a region absorbs under a curtailment budget\n"
    "  report    the batch site-selection report (HTML, CSV, JSON)\n"
    "\n"
    "`headroom <command> --help` describes each command.\n"
    "exit codes: 0 success, 1 data/numerical/I-O failure, 2 usage error\n";

/* cli.h: one process, which prints every message. */
const char *cli_prog(void) { return "headroom"; }
int cli_prints(void) { return 1; }

struct command {
    const char *name;
    int (*fn)(int, char **);
};

static const struct command commands[] = {
    {"ingest", cmd_ingest}, {"fit", cmd_fit},       {"forecast", cmd_forecast},
    {"backtest", cmd_backtest}, {"assess", cmd_assess}, {"report", cmd_report},
};

int main(int argc, char **argv)
{
    if (cli_check_version()) return EXIT_FAIL;
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("headroom %s\n", hr_version());
        return EXIT_OK;
    }
    int rc = -1;
    for (size_t i = 0; i < CLI_COUNT(commands); i++)
        if (!strcmp(argv[1], commands[i].name)) {
            rc = commands[i].fn(argc - 1, argv + 1);
            break;
        }
    if (rc < 0) {
        fprintf(stderr, "headroom: unknown command '%s'\n%s", argv[1], usage_text);
        return EXIT_USAGE;
    }
    /* Results go to stdout: a write error there is a failure (jq does this). */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "headroom: %s: error writing standard output\n", argv[1]);
        return EXIT_FAIL;
    }
    return rc;
}
