/* cli_contract.c — the flexible-load contract options that `assess` and
 * `report` share (hr_assess_opts: caps, every year, storage). */
#include "cli.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cli_parse_pos(const char *arg, double cap, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(arg, &end);
    if (end == arg || *end || errno || !(x > 0) || !(x <= cap)) return -1;
    *v = x;
    return 0;
}

int cli_contract_option(const char *cmd, int c, const char *arg, hr_assess_opts *o, cli_contract *k)
{
    switch (c) {
    case CLI_O_EVH:
    case CLI_O_EVN:
    case CLI_O_HRS: {
        size_t v;
        if (cli_parse_size(arg, &v) || v == 0 || v > 8784)
            return cli_usage(cmd, "--%s: '%s' is not a whole number in 1-8784",
                             c == CLI_O_EVH ? "max-event-hours" : c == CLI_O_EVN ? "max-events-per-year"
                                                                                : "max-hours-per-year",
                             arg);
        *(c == CLI_O_EVH ? &o->max_event_hours : c == CLI_O_EVN ? &o->max_events_per_year : &o->max_hours_per_year) =
            (int)v;
        return EXIT_OK;
    }
    case CLI_O_EVERY: o->every_year = 1; return EXIT_OK;
    case CLI_O_BPCT:
        if (cli_parse_pos(arg, 1000, &o->battery_pct))
            return cli_usage(cmd, "--battery-pct: '%s' is not a percentage in (0, 1000]", arg);
        return EXIT_OK;
    case CLI_O_BHRS:
        k->storage_given = 1;
        if (cli_parse_pos(arg, 8760, &o->battery_hours))
            return cli_usage(cmd, "--battery-hours: '%s' is not a number of hours in (0, 8760]", arg);
        return EXIT_OK;
    case CLI_O_BEFF:
        k->storage_given = 1;
        if (cli_parse_pos(arg, 1, &o->battery_eff)) return cli_usage(cmd, "--battery-eff: '%s' is not in (0, 1]", arg);
        return EXIT_OK;
    default: return -1;
    }
}

int cli_contract_check(const char *cmd, const hr_assess_opts *o, const cli_contract *k)
{
    if (k->storage_given && !(o->battery_pct > 0))
        return cli_usage(cmd, "--battery-hours and --battery-eff need --battery-pct");
    return EXIT_OK;
}
