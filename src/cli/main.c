/* main.c — `headroom <command> [options] FILE...`: dispatch, version check,
 * shared error printing. Exit codes: 0 success, 1 data/numerical/I-O
 * failure, 2 usage error. */
#include "cli.h"
#include <stdarg.h>
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

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "headroom: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "headroom: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'headroom %s --help'.\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

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
    /* The CLI and the library it links must agree (zstd does the same). */
    if (strcmp(hr_version(), HR_VERSION_STRING) != 0) {
        fprintf(stderr, "headroom: library version %s does not match %s\n", hr_version(),
                HR_VERSION_STRING);
        return EXIT_FAIL;
    }
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
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
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
