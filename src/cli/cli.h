/* cli.h — shared helpers of the headroom command-line tool. The CLI uses only
 * the public header include/headroom.h. */
#ifndef HR_CLI_H
#define HR_CLI_H
#include "headroom.h"
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Print "headroom: CMD: error: MSG" to stderr; returns EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "headroom: CMD: MSG" + hint to stderr; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Each command: argc/argv start at the command name (argv[0] = "ingest"). */
int cmd_ingest(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_backtest(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_report(int argc, char **argv);
#endif
