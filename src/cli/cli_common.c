/* cli_common.c — helpers shared by the commands: reading the input files
 * with the shared input options, parsing times, lists and model options,
 * JSON string output and atomic output files. */
#include "cli.h"
#include "cli_ingest.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_read_series(const char *cmd, cli_ingest *in, int nfiles, char **files, hr_series **s)
{
    if (nfiles <= 0) return cli_usage(cmd, "no input files");
    if (hr_series_read((const char *const *)files, (size_t)nfiles, &in->opts, s))
        return cli_fail(cmd, "%s", hr_last_error());
    return EXIT_OK;
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

FILE *cli_open_out(const char *path, char *tmp, size_t cap)
{
    snprintf(tmp, cap, "%s.tmp%ld", path, (long)getpid());
    return fopen(tmp, "w");
}

int cli_close_out(const char *cmd, FILE *f, const char *tmp, const char *path, int ok)
{
    int bad = !ok || ferror(f);
    if (fclose(f) != 0) bad = 1;
    if (!bad && rename(tmp, path) == 0) return EXIT_OK;
    int e = errno;
    remove(tmp);
    if (!ok) return EXIT_FAIL;
    return cli_fail(cmd, "%s: %s", path, strerror(e));
}
