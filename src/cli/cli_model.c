/* cli_model.c — parsing of the model-choice options (see cli_model.h). */
#include "cli_model.h"
#include "cli.h"
#include "cli_ingest.h"
#include <stdio.h>
#include <string.h>

enum { O_MODEL = 1200, O_ORDER, O_SEASONAL, O_SEASON, O_METHOD, O_AWIN, O_MDIR };

/* The library's warnings (model fallbacks, optimiser limits) on stderr;
 * its info messages stay quiet. */
static void cli_log(int level, const char *msg, void *ud)
{
    (void)ud;
    if (level >= 1) fprintf(stderr, "headroom: warning: %s\n", msg);
}

void cli_model_init(cli_model *m)
{
    memset(m, 0, sizeof *m);
    hr_fit_opts_init(&m->fit);
    m->fit.log = cli_log;
}

size_t model_long_options(struct option *lo)
{
    static const struct option base[MODEL_NOPTS] = {
        {"model", required_argument, 0, O_MODEL},
        {"order", required_argument, 0, O_ORDER},
        {"seasonal", required_argument, 0, O_SEASONAL},
        {"season", required_argument, 0, O_SEASON},
        {"method", required_argument, 0, O_METHOD},
        {"arima-window", required_argument, 0, O_AWIN},
        {"models-dir", required_argument, 0, O_MDIR},
    };
    memcpy(lo, base, sizeof base);
    return MODEL_NOPTS;
}

int cli_model_is_option(int c) { return c >= O_MODEL && c <= O_MDIR; }

int cli_model_option(cli_model *m, int c, const char *arg)
{
    int v[4];
    switch (c) {
    case O_MODEL: m->fit.model = arg; return 0;
    case O_ORDER:
        if (cli_parse_ints(arg, v, 3)) break;
        memcpy(m->fit.order, v, 3 * sizeof(int));
        return 0;
    case O_SEASONAL:
        if (cli_parse_ints(arg, v, 4) || v[3] < 1) break;
        memcpy(m->fit.order + 3, v, 4 * sizeof(int));
        return 0;
    case O_SEASON:
        if (cli_parse_ints(arg, v, 1) || v[0] < 1) break;
        m->fit.season = v[0];
        return 0;
    case O_METHOD:
        if (!strcmp(arg, "css-ml")) m->fit.method = HR_METHOD_CSS_ML;
        else if (!strcmp(arg, "ml")) m->fit.method = HR_METHOD_ML;
        else if (!strcmp(arg, "css")) m->fit.method = HR_METHOD_CSS;
        else break;
        return 0;
    case O_AWIN:
        if (cli_parse_size(arg, &m->fit.arima_window)) break;
        return 0;
    case O_MDIR: m->fit.models_dir = arg; return 0;
    default: break;
    }
    snprintf(m->problem, sizeof m->problem, "invalid value '%s' for a model option", arg);
    return -1;
}

int cli_shared_option(const char *cmd, int c, const char *arg, const char *opt_text,
                      struct cli_ingest_t *in, cli_model *cm)
{
    if (cli_ingest_is_option(c)) {
        if (cli_ingest_option(in, c, arg)) return cli_usage(cmd, "%s", in->problem);
    } else if (cm && cli_model_is_option(c)) {
        if (cli_model_option(cm, c, arg)) return cli_usage(cmd, "%s", cm->problem);
    } else
        return cli_usage(cmd, "unknown or incomplete option '%s'", opt_text);
    return EXIT_OK;
}
