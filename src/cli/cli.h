/* cli.h — shared helpers of the headroom command-line tool. The CLI uses only
 * the public header include/headroom.h. */
#ifndef HR_CLI_H
#define HR_CLI_H
#include "headroom.h"
#include <stdint.h>
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };
#define CLI_COUNT(a) (sizeof(a) / sizeof *(a))

/* Print "PROG: CMD: MSG" to stderr; returns EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "PROG: CMD: MSG" + hint to stderr; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Defined by each front end's main file (src/cli/main.c, src/mpi/main_mpi.c):
 * PROG, the program's name in messages, and whether this process prints
 * them (every MPI rank parses the same command line; rank 0 speaks). */
const char *cli_prog(void);
int cli_prints(void);
/* The CLI and the library it links must agree (zstd does the same): 0, or
 * EXIT_FAIL after saying so (on every process). */
int cli_check_version(void);

/* Each command: argc/argv start at the command name (argv[0] = "ingest"). */
int cmd_ingest(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_backtest(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* cmd_report with the run itself done by run(..., ud) instead of hr_report
 * (the MPI front end, src/mpi/main_mpi.c); run = NULL is cmd_report. */
typedef int (*cli_report_fn)(const char *const *paths, size_t npaths, const hr_report_opts *o,
                             const char *outdir, void *ud);
int cmd_report_with(int argc, char **argv, cli_report_fn run, void *ud);

/* cli_common.c */
int cli_edit_distance(const char *a, const char *b);     /* Levenshtein, capped at 9 */
int cli_parse_time(const char *arg, int64_t *t);          /* 0 / -1 */
int cli_parse_size(const char *arg, size_t *v);           /* 0 / -1 */
int cli_parse_threads(const char *arg, int *threads);     /* -j: 1..64; 0 / -1 */
int cli_parse_ints(const char *arg, int *v, int n);       /* "1,0,2": exactly n */
int cli_parse_doubles(const char *arg, double *v, int max, int *n);
/* The headroom options assess and report share (0 / -1): --years Y or
 * Y1-Y2 (1900..9999), --budgets (1..HR_MAX_BUDGETS percentages in (0, CLI_MAX_BUDGET_PCT]),
 * --growth (a percentage above -100). */
int cli_parse_years(const char *arg, int *from, int *to);
int cli_parse_budgets(const char *arg, double *b, size_t *n);
#define CLI_MAX_BUDGET_PCT HR_MAX_BUDGET_PCT
/* --budgets for assess and report: EXIT_OK, or the usage error (one text). */
int cli_opt_budgets(const char *cmd, const char *arg, double *b, size_t *n);
int cli_parse_growth(const char *arg, double *pct);
/* "invalid value 'ARG' for OPT (valid: ...)" as a usage error; OPT as
 * cli_opt_name spells it ("--threads", "-j"). Returns EXIT_USAGE. */
int cli_bad_value(const char *cmd, const char *arg, const char *opt);
/* --rank-budget must be one of the budgets: EXIT_OK or the usage error. */
int cli_check_rank_budget(const char *cmd, const hr_report_opts *ro);
void cli_json_str(FILE *f, const char *s);
void cli_json_num(FILE *f, double x);                     /* NaN -> null */
/* fopen(path, "r") that does not block on a FIFO nobody writes (it reads
 * as empty) and fails on a directory (errno EISDIR). */
FILE *cli_fopen_read(const char *path);
/* Atomic output file (hr_outfile_*): the stream to write path to, its
 * handle in *h; NULL on error (message printed). cli_close_out commits it
 * when ok, else drops it. */
FILE *cli_open_out(const char *cmd, const char *path, hr_outfile **h);
int cli_close_out(const char *cmd, hr_outfile *h, const char *path, int ok);
/* ---- the flexible-load contract options of assess and report (cli_contract.c) */
enum { CLI_O_EVH = 3000, CLI_O_EVN, CLI_O_HRS, CLI_O_EVERY, CLI_O_BPCT, CLI_O_BHRS, CLI_O_BEFF };
#define CLI_CONTRACT_OPTIONS                                                                                   \
    {"max-event-hours", required_argument, 0, CLI_O_EVH},                                                      \
        {"max-events-per-year", required_argument, 0, CLI_O_EVN},                                              \
        {"max-hours-per-year", required_argument, 0, CLI_O_HRS}, {"every-year", no_argument, 0, CLI_O_EVERY}, \
        {"battery-pct", required_argument, 0, CLI_O_BPCT}, {"battery-hours", required_argument, 0, CLI_O_BHRS},  \
        {"battery-eff", required_argument, 0, CLI_O_BEFF}
#define CLI_CONTRACT_HELP                                                                                  \
    "  --max-event-hours H    no curtailment event longer than H hours\n"                                  \
    "  --max-events-per-year N  at most N events starting in any calendar year (the\n"                     \
    "                         count is not monotone in the load: the headroom is the\n"                    \
    "                         largest load below which the cap always holds)\n"                            \
    "  --max-hours-per-year N at most N curtailed hours in any calendar year\n"                            \
    "  --every-year           the budget holds in every study year, not on the mean\n"                     \
    "  --battery-pct P        storage of power P % of the added load, which discharges\n"                  \
    "                         to serve it when it would be curtailed and charges only\n"                   \
    "                         under the threshold; full at the first study hour\n"                         \
    "  --battery-hours H      its energy: H hours at full power [Default: 4]\n"                            \
    "  --battery-eff E        round-trip efficiency, applied on charging [Default: 0.85]\n"
typedef struct {
    int storage_given; /* --battery-hours or --battery-eff seen */
} cli_contract;
/* A contract option c into *o: EXIT_OK, EXIT_USAGE (said), or -1 if c is
 * not one. */
int cli_contract_option(const char *cmd, int c, const char *arg, hr_assess_opts *o, cli_contract *k);
/* After the options: EXIT_OK or EXIT_USAGE (storage details without storage). */
int cli_contract_check(const char *cmd, const hr_assess_opts *o, const cli_contract *k);
/* A number in (0, cap]: 0 / -1. */
int cli_parse_pos(const char *arg, double cap, double *v);

#endif
