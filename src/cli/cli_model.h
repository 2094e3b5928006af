/* cli_model.h — the model-choice options of fit, backtest, assess and
 * report, and what every command parses (cli_opts: with the input options
 * and the getopt_long table). */
#ifndef HR_CLI_MODEL_H
#define HR_CLI_MODEL_H
#include "cli_ingest.h"
#include "headroom.h"
#include <getopt.h>
#include <limits.h>

#define MODEL_NOPTS 9
/* The model options' help with a command's defaults for --model and
 * --method (the report's differ from fit's and backtest's). */
#define MODEL_OPTIONS_HELP_WITH(MODEL_DEFAULT, METHOD_DEFAULT) \
    "model options:\n" \
    "  --model SPEC           a specification name (auto, calendar, vanilla, ... in the\n" \
    "                         --models-dir below), a .spec path, 'arima' or 'auto-arima'\n" \
    "                         [Default: " MODEL_DEFAULT "]\n" \
    "  --order p,d,q          (arima) non-seasonal order, p, q <= 30, d <= 3 [Default: 1,0,0]\n" \
    "  --seasonal P,D,Q,s     (arima) seasonal order and period, P, Q <= 10, D <= 2\n" \
    "                         [Default: 0,0,0,1]\n" \
    "  --season s             (auto-arima) seasonal period [Default: 24]\n" \
    "  --method M             css-ml|ml|css for ARIMA fits [Default: " METHOD_DEFAULT "]\n" \
    "  --no-mean              ARIMA without mean (R's include.mean = FALSE; auto-arima:\n" \
    "                         no constant) [Default: a mean when d + D = 0]\n" \
    "  --drift                (arima, d + D = 1) with a drift term, as\n" \
    "                         forecast::Arima(include.drift = TRUE)\n" \
    "  --arima-window H       hours of the newest data the ARIMA errors of a\n" \
    "                         regression are fitted on (0 = all) [Default: the\n" \
    "                         spec's arima-window, else 2016; a pure ARIMA: all]\n" \
    "  --models-dir DIR       where specification names are looked up [Default:\n" \
    "                         $HEADROOM_MODELS, else the installed ones (the program's\n" \
    "                         ../share/headroom/models, or ../models in a source tree)]\n"
#define MODEL_OPTIONS_HELP MODEL_OPTIONS_HELP_WITH("calendar", "css-ml")

typedef struct {
    hr_fit_opts fit;
    int model_given;   /* --model was given */
    char dir[PATH_MAX]; /* the resolved specification directory, when found here */
    char problem[512];
} cli_model;

void cli_model_init(cli_model *m);
int cli_model_is_option(int c);
int cli_model_option(cli_model *m, int c, const char *arg);

/* What every command parses: the input options, the model options (when
 * with_model) and the getopt_long table, which has those, the command's own
 * options, -o/--output and -h/--help. */
#define CLI_MAX_OWN 32
typedef struct {
    cli_ingest in;
    cli_model cm;
    int with_model;
    struct option lo[INGEST_NOPTS + MODEL_NOPTS + CLI_MAX_OWN + 3];
} cli_opts;

/* Defaults, the table with own[0..nown) (nown <= CLI_MAX_OWN), and getopt
 * set for a new parse with its messages off. */
void cli_opts_init(cli_opts *o, int with_model, const struct option *own, size_t nown);
/* Handle an input (or, with_model, a model) option c of command cmd; an
 * unknown option is a usage error naming opt_text. Returns EXIT_OK or the
 * exit code after printing the problem. */
int cli_shared_option(const char *cmd, int c, const char *arg, const char *opt_text, cli_opts *o);
/* The option whose getopt code is c, as the user may spell it ("--threads"
 * or "-j"), for messages (argv[optind - 1] is the value when the value was
 * a separate argument). */
const char *cli_opt_name(const cli_opts *o, int c, char *buf, size_t cap);
/* After the options, when the command fits a model (fits != 0): the
 * specification directory (--models-dir, $HEADROOM_MODELS, the executable's
 * ../share/headroom/models or ../models, hr_models_dir()) and that the
 * model exists. EXIT_OK or the exit code after the message. */
int cli_opts_done(const char *cmd, cli_opts *o, int fits);
#endif
