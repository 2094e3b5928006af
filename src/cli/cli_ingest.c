/* cli_ingest.c — parsing of the shared input options (see cli_ingest.h). */
#include "cli_ingest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_FORMAT = 1100, O_ONDUP, O_ONOVER, O_TIMECOL, O_VALCOL, O_REGION, O_TZ, O_HE, O_SCALE,
       O_NOSCREEN };

void cli_ingest_init(cli_ingest *in)
{
    memset(in, 0, sizeof *in);
    hr_ingest_opts_init(&in->opts);
}

const struct option cli_ingest_options[INGEST_NOPTS] = {
    {"format", required_argument, 0, O_FORMAT},
    {"on-duplicate", required_argument, 0, O_ONDUP},
    {"on-overlap", required_argument, 0, O_ONOVER},
    {"time-col", required_argument, 0, O_TIMECOL},
    {"value-col", required_argument, 0, O_VALCOL},
    {"region", required_argument, 0, O_REGION},
    {"tz", required_argument, 0, O_TZ},
    {"hour-ending", no_argument, 0, O_HE},
    {"scale", required_argument, 0, O_SCALE},
    {"no-screen", no_argument, 0, O_NOSCREEN},
};

int cli_ingest_is_option(int c) { return c >= O_FORMAT && c <= O_NOSCREEN; }

static int pick(const char *arg, const char *const *names, int n, int *out)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(arg, names[i])) {
            *out = i;
            return 0;
        }
    return -1;
}

int cli_ingest_option(cli_ingest *in, int c, const char *arg)
{
    static const char *const formats[HR_NFORMATS] = {
        "auto", "long", "eia930", "eia930-ba", "ercot-native", "ercot-fuel",
        "pjm-gen", "us48", "series", "weather"};
    static const char *const dups[] = {"error", "mean", "first", "last"};
    static const char *const overs[] = {"error", "first", "last"};
    int k;
    char *end;
    switch (c) {
    case O_FORMAT:
        if (pick(arg, formats, HR_NFORMATS, &k)) break;
        in->opts.format = (hr_format)k;
        return 0;
    case O_ONDUP:
        if (pick(arg, dups, 4, &k)) break;
        in->opts.on_duplicate = (hr_dup_rule)k;
        return 0;
    case O_ONOVER:
        if (pick(arg, overs, 3, &k)) break;
        in->opts.on_overlap = (hr_overlap_rule)k;
        return 0;
    case O_TIMECOL: in->opts.time_col = arg; return 0;
    case O_VALCOL:
        if (in->nvalue + 1 >= HR_MAX_VALUE_COLS) {
            snprintf(in->problem, sizeof in->problem, "too many --value-col (at most %d)",
                     HR_MAX_VALUE_COLS - 1);
            return -1;
        }
        in->opts.value_cols[in->nvalue++] = arg;
        return 0;
    case O_REGION: in->opts.region = arg; return 0;
    case O_TZ: in->opts.tz = arg; return 0;
    case O_HE: in->opts.hour_ending = 1; return 0;
    case O_SCALE:
        in->opts.scale = strtod(arg, &end);
        if (end != arg && *end == '\0' && in->opts.scale == in->opts.scale && in->opts.scale != 0)
            return 0;
        break;
    case O_NOSCREEN: in->opts.screen = 0; return 0;
    default: break;
    }
    snprintf(in->problem, sizeof in->problem, "invalid value '%s' for an input option", arg ? arg : "");
    return -1;
}

/* hr_ingest_opts fields and the options that set them. */
static const char *const field_flag[][2] = {
    {"format", "--format"},         {"on_duplicate", "--on-duplicate"},
    {"on_overlap", "--on-overlap"}, {"time_col", "--time-col"},
    {"value_cols", "--value-col"},  {"region", "--region"},
    {"tz", "--tz"},                 {"hour_ending", "--hour-ending"},
    {"scale", "--scale"},           {"screen", "--no-screen"},
};

static const char *flag_of(const char *p, size_t *len)
{
    for (size_t i = 0; i < sizeof field_flag / sizeof field_flag[0]; i++) {
        size_t n = strlen(field_flag[i][0]);
        if (strncmp(p, field_flag[i][0], n) == 0 && (p[n] == ' ' || p[n] == '\0')) {
            *len = n;
            return field_flag[i][1];
        }
    }
    return NULL;
}

/* "the F option", "the F and G options", "set the F option to" at p: the
 * flags instead ("--f", "--f and --g", "use --f"); 0 if none starts at p. */
static size_t translate_at(const char *p, char *out, size_t cap, size_t *k)
{
    const char *q = p;
    int set = strncmp(q, "set the ", 8) == 0;
    if (set) q += 4;
    if (strncmp(q, "the ", 4) != 0) return 0;
    q += 4;
    const char *flags[4];
    size_t nf = 0, n;
    while (nf < 4 && (flags[nf] = flag_of(q, &n)) != NULL) {
        q += n;
        nf++;
        if (strncmp(q, " and ", 5) != 0) break;
        q += 5;
    }
    const char *tail = nf == 1 ? " option" : " options";
    if (nf == 0 || strncmp(q, tail, strlen(tail)) != 0) return 0;
    q += strlen(tail);
    if (set && strncmp(q, " to ", 4) == 0) q += 3;
    else if (set) return 0;
    *k += (size_t)snprintf(out + *k, cap - *k, "%s", set ? "use " : "");
    for (size_t i = 0; i < nf && *k < cap; i++)
        *k += (size_t)snprintf(out + *k, cap - *k, "%s%s", i ? " and " : "", flags[i]);
    return (size_t)(q - p);
}

void cli_ingest_translate(const char *msg, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (const char *p = msg; *p && k + 1 < cap;) {
        size_t used = translate_at(p, out, cap, &k);
        if (k >= cap) {
            out[cap - 1] = '\0';
            return;
        }
        if (used) {
            p += used;
            continue;
        }
        out[k++] = *p++;
        out[k] = '\0';
    }
}
