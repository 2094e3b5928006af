/* cli_common.c — helpers shared by the commands (and by both front ends,
 * src/cli/main.c and src/mpi/main_mpi.c): messages, reading the input files
 * with the shared input options, parsing times, lists and model options,
 * JSON string output and atomic output files. */
#include "cli.h"
#include "cli_ingest.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The message helpers of cli.h: PROG: CMD: MSG, for a usage error with a
 * pointer to the command's help. */
static int message(int code, const char *cmd, const char *fmt, va_list ap)
{
    if (!cli_prints()) return code;
    fprintf(stderr, "%s: %s: ", cli_prog(), cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    if (code == EXIT_USAGE) fprintf(stderr, "Try 'headroom %s --help'.\n", cmd);
    return code;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = message(EXIT_FAIL, cmd, fmt, ap);
    va_end(ap);
    return rc;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = message(EXIT_USAGE, cmd, fmt, ap);
    va_end(ap);
    return rc;
}

int cli_check_version(void)
{
    if (strcmp(hr_version(), HR_VERSION_STRING) == 0) return 0;
    fprintf(stderr, "%s: library version %s does not match %s\n", cli_prog(), hr_version(),
            HR_VERSION_STRING);
    return EXIT_FAIL;
}

int cli_read_series(const char *cmd, cli_ingest *in, int nfiles, char **files, hr_series **s)
{
    if (nfiles <= 0) return cli_usage(cmd, "no input files");
    if (hr_series_read((const char *const *)files, (size_t)nfiles, &in->opts, s)) {
        char msg[2048];
        cli_ingest_translate(hr_last_error(), msg, sizeof msg);
        return cli_fail(cmd, "%s", msg);
    }
    return EXIT_OK;
}

/* Levenshtein distance of a and b, capped at 9 (names are short). */
int cli_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 9;
    int d[64];
    for (size_t j = 0; j <= lb; j++) d[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = d[0];
        d[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = d[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (d[j - 1] + 1 < best) best = d[j - 1] + 1;
            d[j] = best;
            diag = up;
        }
    }
    return d[lb] < 9 ? d[lb] : 9;
}

int cli_parse_time(const char *arg, int64_t *t)
{
    return hr_time_parse(arg, t) == HR_OK ? 0 : -1;
}

int cli_parse_size(const char *arg, size_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(arg, &end, 10);
    if (end == arg || *end || errno || arg[0] == '-') return -1;
    *v = (size_t)x;
    return 0;
}

int cli_parse_threads(const char *arg, int *threads)
{
    size_t v;
    if (cli_parse_size(arg, &v) || v < 1 || v > 64) return -1;
    *threads = (int)v;
    return 0;
}

int cli_parse_ints(const char *arg, int *v, int n)
{
    const char *p = arg;
    for (int i = 0; i < n; i++) {
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p || x < 0 || x > 100000) return -1;
        v[i] = (int)x;
        p = end;
        if (i + 1 < n) {
            if (*p != ',') return -1;
            p++;
        }
    }
    return *p ? -1 : 0;
}

int cli_parse_doubles(const char *arg, double *v, int max, int *n)
{
    const char *p = arg;
    *n = 0;
    while (*p) {
        if (*n >= max) return -1;
        char *end;
        double x = strtod(p, &end);
        if (end == p || !isfinite(x)) return -1;
        v[(*n)++] = x;
        p = end;
        if (*p == ',') p++;
        else if (*p) return -1;
    }
    return *n ? 0 : -1;
}

int cli_parse_years(const char *arg, int *from, int *to)
{
    char *end;
    long a = strtol(arg, &end, 10), b = a;
    if (end == arg) return -1;
    if (*end == '-') b = strtol(end + 1, &end, 10);
    if (*end || a < 1900 || b < a || b > 9999) return -1;
    *from = (int)a, *to = (int)b;
    return 0;
}

int cli_parse_budgets(const char *arg, double *b, size_t *n)
{
    double v[HR_MAX_BUDGETS];
    int k;
    if (cli_parse_doubles(arg, v, HR_MAX_BUDGETS, &k)) return -1;
    for (int j = 0; j < k; j++)
        if (!(v[j] > 0 && v[j] <= CLI_MAX_BUDGET_PCT)) return -1;
    memcpy(b, v, (size_t)k * sizeof *v);
    *n = (size_t)k;
    return 0;
}

int cli_opt_budgets(const char *cmd, const char *arg, double *b, size_t *n)
{
    if (cli_parse_budgets(arg, b, n) == 0) return EXIT_OK;
    return cli_usage(cmd, "--budgets: '%s' is not a comma-separated list of 1 to %d budgets, "
                     "each a percentage above 0 and at most %g (e.g. 0.25,0.5,1,5)",
                     arg, HR_MAX_BUDGETS, CLI_MAX_BUDGET_PCT);
}

int cli_parse_growth(const char *arg, double *pct)
{
    double g;
    int n;
    if (cli_parse_doubles(arg, &g, 1, &n) || !(g > -100)) return -1;
    *pct = g;
    return 0;
}

/* What each option of the commands' own tables takes, for cli_bad_value. */
static const char *const value_hints[][2] = {
    {"threads", "a whole number of threads, 1 to 64"},
    {"-j", "a whole number of threads, 1 to 64"},
    {"start", "an ISO 8601 UTC hour, e.g. 2023-06-01T12:00:00Z"},
    {"origins", "a whole number above 0"},
    {"step", "a whole number of hours above 0"},
    {"lead", "a whole number of hours"},
    {"horizon", "a whole number of hours above 0"},
    {"refit-every", "a whole number of origins above 0"},
    {"window", "a whole number of hours, 0 = all"},
    {"rank-budget", "a percentage, one of the budgets"},
    {"backtest-days", "a whole number of days"},
    {"forecast-hours", "a whole number of hours above 0"},
    {"scenarios", "a whole number, 0 to 100000"},
    {"growth", "a percentage above -100"},
    {"seed", "a whole number"},
    {"threshold", "seasonal, annual"},
    {"season-slack", "0, 1"},
    {"years", "Y or Y1-Y2, 1900 to 9999"},
    {"size", "MW above 0, at most 1e9, or 0 for none"},
    {"rank-by", "study, contract"},
};

int cli_bad_value(const char *cmd, const char *arg, const char *opt)
{
    const char *name = opt[0] == '-' && opt[1] == '-' ? opt + 2 : opt;
    for (size_t i = 0; i < CLI_COUNT(value_hints); i++)
        if (!strcmp(value_hints[i][0], name))
            return cli_usage(cmd, "invalid value '%s' for %s (valid: %s)", arg, opt, value_hints[i][1]);
    return cli_usage(cmd, "invalid value '%s' for %s", arg, opt);
}

int cli_check_rank_budget(const char *cmd, const hr_report_opts *ro)
{
    char list[160] = "";
    size_t used = 0;
    for (size_t i = 0; i < ro->assess.nbudgets; i++) {
        if (ro->assess.budgets_pct[i] == ro->rank_budget_pct) return EXIT_OK;
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%g", i ? ", " : "",
                                 ro->assess.budgets_pct[i]);
        if (used >= sizeof list) used = sizeof list - 1;
    }
    return cli_usage(cmd, "--rank-budget: %g is not one of the budgets (%s); name one of them or "
                     "add it to --budgets", ro->rank_budget_pct, list);
}

void cli_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

void cli_json_num(FILE *f, double x)
{
    if (isfinite(x)) fprintf(f, "%.10g", x);
    else fputs("null", f);
}

FILE *cli_fopen_read(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        errno = EISDIR;
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl != -1) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "r");
    if (!f) close(fd);
    return f;
}

FILE *cli_open_out(const char *cmd, const char *path, hr_outfile **h)
{
    if (hr_outfile_open(path, h) == HR_OK) return hr_outfile_stream(*h);
    cli_fail(cmd, "%s", hr_last_error());
    return NULL;
}

int cli_close_out(const char *cmd, hr_outfile *h, const char *path, int ok)
{
    if (!ok) {
        hr_outfile_abort(h);
        return EXIT_FAIL;
    }
    if (hr_outfile_commit(h) == HR_OK) return EXIT_OK;
    return cli_fail(cmd, "%s", hr_last_error());
}
