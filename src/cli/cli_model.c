/* cli_model.c — parsing of the model-choice options (see cli_model.h). */
#include "cli_model.h"
#include "cli.h"
#include "cli_ingest.h"
#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { O_MODEL = 1200, O_ORDER, O_SEASONAL, O_SEASON, O_METHOD, O_AWIN, O_NOMEAN, O_DRIFT, O_MDIR };

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

static const struct option model_options[MODEL_NOPTS] = {
    {"model", required_argument, 0, O_MODEL},
    {"order", required_argument, 0, O_ORDER},
    {"seasonal", required_argument, 0, O_SEASONAL},
    {"season", required_argument, 0, O_SEASON},
    {"method", required_argument, 0, O_METHOD},
    {"arima-window", required_argument, 0, O_AWIN},
    {"no-mean", no_argument, 0, O_NOMEAN},
    {"drift", no_argument, 0, O_DRIFT},
    {"models-dir", required_argument, 0, O_MDIR},
};

void cli_opts_init(cli_opts *o, int with_model, const struct option *own, size_t nown)
{
    assert(nown <= CLI_MAX_OWN);
    cli_ingest_init(&o->in);
    cli_model_init(&o->cm);
    o->with_model = with_model;
    struct option *lo = o->lo;
    size_t n = INGEST_NOPTS;
    memcpy(lo, cli_ingest_options, sizeof cli_ingest_options);
    if (with_model) {
        memcpy(lo + n, model_options, sizeof model_options);
        n += MODEL_NOPTS;
    }
    if (nown) memcpy(lo + n, own, nown * sizeof *own);
    n += nown;
    lo[n++] = (struct option){"output", required_argument, 0, 'o'};
    lo[n++] = (struct option){"help", no_argument, 0, 'h'};
    lo[n] = (struct option){0, 0, 0, 0};
    /* a fresh parse of the command's argv, errors reported by the command */
    optind = 1;
    opterr = 0;
}

int cli_model_is_option(int c) { return c >= O_MODEL && c <= O_MDIR; }

int cli_model_option(cli_model *m, int c, const char *arg)
{
    int v[4];
    switch (c) {
    case O_MODEL: m->fit.model = arg; m->model_given = 1; return 0;
    case O_ORDER: /* ranges of the library's 'errors arima' (spec.h) */
        if (cli_parse_ints(arg, v, 3) || v[0] < 0 || v[0] > 30 || v[1] < 0 || v[1] > 3 || v[2] < 0 ||
            v[2] > 30) {
            snprintf(m->problem, sizeof m->problem,
                     "invalid value '%s' for --order: p,d,q with p and q in 0..30, d in 0..3", arg);
            return -1;
        }
        memcpy(m->fit.order, v, 3 * sizeof(int));
        return 0;
    case O_SEASONAL:
        if (cli_parse_ints(arg, v, 4) || v[0] < 0 || v[0] > 10 || v[1] < 0 || v[1] > 2 || v[2] < 0 ||
            v[2] > 10 || v[3] < 1 || v[3] > 10000) {
            snprintf(m->problem, sizeof m->problem,
                     "invalid value '%s' for --seasonal: P,D,Q,s with P and Q in 0..10, D in 0..2, "
                     "s in 1..10000", arg);
            return -1;
        }
        memcpy(m->fit.order + 3, v, 4 * sizeof(int));
        return 0;
    case O_NOMEAN: m->fit.no_mean = 1; return 0;
    case O_DRIFT: m->fit.drift = 1; return 0;
    case O_SEASON:
        if (cli_parse_ints(arg, v, 1) || v[0] < 1) break;
        m->fit.season = v[0];
        return 0;
    case O_METHOD:
        if (!strcmp(arg, "css-ml")) m->fit.method = HR_METHOD_CSS_ML;
        else if (!strcmp(arg, "ml")) m->fit.method = HR_METHOD_ML;
        else if (!strcmp(arg, "css")) m->fit.method = HR_METHOD_CSS;
        else {
            snprintf(m->problem, sizeof m->problem, "--method: invalid value '%s' (valid: css-ml, ml, css)", arg);
            return -1;
        }
        return 0;
    case O_AWIN:
        if (cli_parse_size(arg, &m->fit.arima_window)) break;
        return 0;
    case O_MDIR: m->fit.models_dir = arg; return 0;
    default: break;
    }
    const char *opt = "a model option", *valid = NULL;
    char name[40];
    for (size_t i = 0; i < MODEL_NOPTS; i++)
        if (model_options[i].val == c) {
            snprintf(name, sizeof name, "--%s", model_options[i].name);
            opt = name;
        }
    if (c == O_ORDER) valid = "p,d,q: three whole numbers, e.g. 1,0,1";
    else if (c == O_SEASONAL) valid = "P,D,Q,s: four whole numbers, s >= 1, e.g. 1,0,0,24";
    else if (c == O_SEASON) valid = "a period in hours, >= 1";
    else if (c == O_AWIN) valid = "a number of hours, 0 = all";
    snprintf(m->problem, sizeof m->problem, "%s: invalid value '%s'%s%s%s", opt, arg,
             valid ? " (" : "", valid ? valid : "", valid ? ")" : "");
    return -1;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The specification directory, first found of: --models-dir, $HEADROOM_MODELS,
 * the running executable's ../share/headroom/models (an installed tree, wherever
 * it was moved), its ../models (build/headroom in the source tree), the
 * library's installed directory (hr_models_dir). */
static int resolve_models_dir(const char *cmd, cli_model *m)
{
    if (m->fit.models_dir) {
        if (!is_dir(m->fit.models_dir))
            return cli_usage(cmd, "--models-dir: '%s' is not a directory", m->fit.models_dir);
        return EXIT_OK;
    }
    const char *env = getenv("HEADROOM_MODELS");
    if (env && *env) {
        if (!is_dir(env))
            return cli_usage(cmd, "HEADROOM_MODELS: '%s' is not a directory", env);
        m->fit.models_dir = env;
        return EXIT_OK;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        static const char *const rel[] = {"../share/headroom/models", "../models"};
        for (size_t i = 0; i < CLI_COUNT(rel); i++) {
            char cand[PATH_MAX + 32];
            snprintf(cand, sizeof cand, "%s/%s", exe, rel[i]);
            if (is_dir(cand) && realpath(cand, m->dir)) {
                m->fit.models_dir = m->dir;
                return EXIT_OK;
            }
        }
    }
    m->fit.models_dir = hr_models_dir();
    return EXIT_OK;
}

/* An explicit --model must name a specification that exists: a usage error
 * listing the names otherwise (a fit would fail only after reading the data). */
static int check_model(const char *cmd, const cli_model *m)
{
    const char *name = m->fit.model;
    if (!name || m->fit.spec_text || !strcmp(name, "arima") || !strcmp(name, "auto-arima")) return EXIT_OK;
    size_t nl = strlen(name);
    if (strchr(name, '/') || (nl > 5 && !strcmp(name + nl - 5, ".spec"))) {
        if (access(name, R_OK) != 0) return cli_usage(cmd, "--model: cannot read '%s'", name);
        return EXIT_OK;
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.spec", m->fit.models_dir, name);
    if (access(path, R_OK) == 0) return EXIT_OK;
    char names[1024];
    if (hr_models_list(m->fit.models_dir, names, sizeof names) != HR_OK || !names[0])
        return cli_usage(cmd, "--model: no specification '%s': %s has none (give --models-dir DIR "
                         "or set HEADROOM_MODELS)", name, m->fit.models_dir);
    return cli_usage(cmd, "--model: no specification '%s' in %s (available: %s; or arima, "
                     "auto-arima, or a .spec path)", name, m->fit.models_dir, names);
}

int cli_opts_done(const char *cmd, cli_opts *o, int fits)
{
    if (!o->with_model || !fits) return EXIT_OK; /* no fit: the directory does not matter */
    int rc = resolve_models_dir(cmd, &o->cm);
    return rc ? rc : check_model(cmd, &o->cm);
}

/* An option getopt did not take: one that needs a value and has none, or a
 * misspelling (the nearest option within two edits is suggested). */
static int unknown_option(const char *cmd, const char *opt_text, const cli_opts *o)
{
    const char *name = opt_text;
    while (*name == '-') name++;
    size_t n = strcspn(name, "=");
    char given[64];
    snprintf(given, sizeof given, "%.*s", (int)(n < sizeof given ? n : sizeof given - 1), name);
    const struct option *best = NULL;
    int bd = 3;
    for (const struct option *p = o->lo; p->name; p++) {
        if (!strcmp(p->name, given) && p->has_arg == required_argument && opt_text[0] == '-' && opt_text[1] == '-')
            return cli_usage(cmd, "option '--%s' needs a value", p->name);
        if (opt_text[0] == '-' && opt_text[1] == p->val && !opt_text[2] && p->has_arg == required_argument)
            return cli_usage(cmd, "option '-%c' (--%s) needs a value", p->val, p->name);
        int d = cli_edit_distance(given, p->name);
        if (d < bd) bd = d, best = p;
    }
    if (opt_text[0] == '-' && opt_text[1] == '-')
        return cli_usage(cmd, "unknown option '%s'%s%s%s", opt_text, best ? "; did you mean '--" : "",
                         best ? best->name : "", best ? "'?" : "");
    return cli_usage(cmd, "unknown or incomplete option '%s'", opt_text);
}

int cli_shared_option(const char *cmd, int c, const char *arg, const char *opt_text, cli_opts *o)
{
    if (cli_ingest_is_option(c)) {
        if (cli_ingest_option(&o->in, c, arg)) return cli_usage(cmd, "%s", o->in.problem);
    } else if (o->with_model && cli_model_is_option(c)) {
        if (cli_model_option(&o->cm, c, arg)) return cli_usage(cmd, "%s", o->cm.problem);
    } else
        return unknown_option(cmd, opt_text, o);
    return EXIT_OK;
}

const char *cli_opt_name(const cli_opts *o, int c, char *buf, size_t cap)
{
    for (const struct option *p = o->lo; p->name; p++)
        if (p->val == c && !p->flag) {
            snprintf(buf, cap, "--%s", p->name);
            return buf;
        }
    snprintf(buf, cap, "-%c", c);
    return buf;
}
