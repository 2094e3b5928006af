/* cli_model.h — the model-choice options of fit, backtest and report. */
#ifndef HR_CLI_MODEL_H
#define HR_CLI_MODEL_H
#include "headroom.h"
#include <getopt.h>

#define MODEL_NOPTS 7
#define MODEL_OPTIONS_HELP \
    "model options:\n" \
    "  --model SPEC           a specification name in models/ (vanilla, calendar, ...),\n" \
    "                         a .spec path, 'arima' or 'auto-arima' [Default: calendar]\n" \
    "  --order p,d,q          (arima) non-seasonal order [Default: 1,0,0]\n" \
    "  --seasonal P,D,Q,s     (arima) seasonal order and period [Default: 0,0,0,1]\n" \
    "  --season s             (auto-arima) seasonal period [Default: 24]\n" \
    "  --method M             css-ml|ml|css for ARIMA fits [Default: css-ml]\n" \
    "  --arima-window H       hours of the newest data the ARIMA errors of a\n" \
    "                         regression are fitted on (0 = all) [Default: the\n" \
    "                         spec's arima-window, else 2016; a pure ARIMA: all]\n" \
    "  --models-dir DIR       where specification names are looked up [Default: models]\n"

typedef struct {
    hr_fit_opts fit;
    char problem[256];
} cli_model;

void cli_model_init(cli_model *m);
size_t model_long_options(struct option *lo);
int cli_model_is_option(int c);
int cli_model_option(cli_model *m, int c, const char *arg);
/* Handle an input (or, when cm != NULL, a model) option c of command cmd;
 * an unknown option is a usage error naming opt_text. Returns EXIT_OK or the
 * exit code after printing the problem. */
struct cli_ingest_t;
int cli_shared_option(const char *cmd, int c, const char *arg, const char *opt_text,
                      struct cli_ingest_t *in, cli_model *cm);
#endif
