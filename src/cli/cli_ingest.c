/* cli_ingest.c — parsing of the shared input options (see cli_ingest.h). */
#include "cli_ingest.h"
#include "cli.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_FORMAT = 1100, O_ONDUP, O_ONOVER, O_TIMECOL, O_VALCOL, O_REGION, O_TZ, O_HE, O_SCALE,
       O_DELIM, O_REGCOL, O_MINCOV, O_IEND, O_DEMAND, O_NOSCREEN };

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
    {"delimiter", required_argument, 0, O_DELIM},
    {"region-col", required_argument, 0, O_REGCOL},
    {"min-coverage", required_argument, 0, O_MINCOV},
    {"interval-end", no_argument, 0, O_IEND},
    {"demand", required_argument, 0, O_DEMAND},
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

/* "a|b|c" of n names into buf, for messages listing the valid values. */
static const char *join(const char *const *names, int n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", names[i]);
    return buf;
}

#define ZONE_DIR "/usr/share/zoneinfo"

/* 1 if name is an IANA zone of the system's database (a TZif file). */
static int zone_exists(const char *name)
{
    if (!*name || name[0] == '/' || strstr(name, "..")) return 0;
    char path[1024], magic[4];
    snprintf(path, sizeof path, ZONE_DIR "/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    return got == 4 && !memcmp(magic, "TZif", 4);
}

/* The zone nearest to name in its area's directory ("America/Chicgo" ->
 * "America/Chicago"), within two edits; "" if none. */
static void zone_suggest(const char *name, char *buf, size_t cap)
{
    buf[0] = '\0';
    const char *slash = strrchr(name, '/');
    char dir[512] = ZONE_DIR;
    if (slash) snprintf(dir, sizeof dir, ZONE_DIR "/%.*s", (int)(slash - name), name);
    const char *base = slash ? slash + 1 : name;
    DIR *d = opendir(dir);
    if (!d) return;
    int best = 3;
    struct dirent *e;
    while ((e = readdir(d))) {
        int k = cli_edit_distance(base, e->d_name);
        if (k < best) {
            char full[768];
            snprintf(full, sizeof full, "%.*s%s", slash ? (int)(slash - name + 1) : 0, name, e->d_name);
            if (!zone_exists(full)) continue;
            size_t l = strlen(full);
            if (l >= cap) continue;
            best = k;
            memcpy(buf, full, l + 1);
        }
    }
    closedir(d);
}

int cli_ingest_option(cli_ingest *in, int c, const char *arg)
{
    static const char *const formats[HR_NFORMATS] = {
        "auto", "long", "eia930", "eia930-ba", "ercot-native", "ercot-fuel",
        "pjm-gen", "us48", "series", "weather", "eia-api"};
    static const char *const dups[] = {"error", "mean", "first", "last"};
    static const char *const overs[] = {"error", "first", "last"};
    static const char *const demands[] = {"raw", "adjusted", "imputed"};
    int k;
    char *end, list[256];
    const char *valid = NULL;
    switch (c) {
    case O_FORMAT:
        if (pick(arg, formats, HR_NFORMATS, &k)) {
            valid = join(formats, HR_NFORMATS, list, sizeof list);
            break;
        }
        in->opts.format = (hr_format)k;
        return 0;
    case O_ONDUP:
        if (pick(arg, dups, 4, &k)) {
            valid = join(dups, 4, list, sizeof list);
            break;
        }
        in->opts.on_duplicate = (hr_dup_rule)k;
        return 0;
    case O_ONOVER:
        if (pick(arg, overs, 3, &k)) {
            valid = join(overs, 3, list, sizeof list);
            break;
        }
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
    case O_TZ:
        if (!strcmp(arg, "UTC") || zone_exists(arg)) {
            in->opts.tz = arg;
            return 0;
        }
        zone_suggest(arg, list, sizeof list);
        snprintf(in->problem, sizeof in->problem,
                 "--tz: unknown time zone '%s'%s%s%s (IANA names as in " ZONE_DIR ", e.g. "
                 "America/Chicago)", arg, list[0] ? "; did you mean " : "", list,
                 list[0] ? "?" : "");
        return -1;
    case O_HE: in->opts.hour_ending = 1; return 0;
    case O_SCALE:
        in->opts.scale = strtod(arg, &end);
        if (end != arg && *end == '\0' && in->opts.scale == in->opts.scale && in->opts.scale != 0)
            return 0;
        valid = "a non-zero number";
        break;
    case O_DELIM:
        /* one character, or \t / "tab" for a tab */
        if (!strcmp(arg, "\\t") || !strcmp(arg, "tab")) in->opts.delimiter = '\t';
        else if (strlen(arg) == 1 && arg[0] != '"' && arg[0] != '\n' && arg[0] != '\r')
            in->opts.delimiter = arg[0];
        else
            break;
        return 0;
    case O_REGCOL: in->opts.region_col = arg; return 0;
    case O_MINCOV:
        in->opts.min_coverage = strtod(arg, &end);
        if (end != arg && *end == '\0' && in->opts.min_coverage > 0 && in->opts.min_coverage <= 1)
            return 0;
        snprintf(in->problem, sizeof in->problem,
                 "invalid value '%s' for --min-coverage (a fraction in (0, 1])", arg);
        return -1;
    case O_IEND: in->opts.interval_end = 1; return 0;
    case O_DEMAND:
        if (pick(arg, demands, 3, &k)) {
            snprintf(in->problem, sizeof in->problem,
                     "invalid value '%s' for --demand (raw, adjusted or imputed)", arg);
            return -1;
        }
        in->opts.demand = (hr_demand)k;
        return 0;
    case O_NOSCREEN: in->opts.screen = 0; return 0;
    default: break;
    }
    const char *opt = "an input option";
    char name[40];
    for (int i = 0; i < INGEST_NOPTS; i++)
        if (cli_ingest_options[i].val == c) {
            snprintf(name, sizeof name, "--%s", cli_ingest_options[i].name);
            opt = name;
        }
    snprintf(in->problem, sizeof in->problem, "%s: invalid value '%s'%s%s%s", opt, arg ? arg : "",
             valid ? " (valid: " : "", valid ? valid : "", valid ? ")" : "");
    return -1;
}

/* hr_ingest_opts fields and the options that set them. */
static const char *const field_flag[][2] = {
    {"format", "--format"},         {"on_duplicate", "--on-duplicate"},
    {"on_overlap", "--on-overlap"}, {"time_col", "--time-col"},
    {"value_cols", "--value-col"},  {"region", "--region"},
    {"tz", "--tz"},                 {"hour_ending", "--hour-ending"},
    {"scale", "--scale"},           {"screen", "--no-screen"},
    {"delimiter", "--delimiter"},   {"region_col", "--region-col"},
    {"min_coverage", "--min-coverage"}, {"interval_end", "--interval-end"},
    {"demand", "--demand"},
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
