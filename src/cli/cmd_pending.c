/* cmd_pending.c — commands whose modules have not landed yet. Each says so
 * and exits 1; this file shrinks as commands get their own cmd_<verb>.c. */
#include "cli.h"

#define PENDING(fn, name) \
    int fn(int argc, char **argv) { (void)argc; (void)argv; \
        return cli_fail(name, "not available in this build yet"); }

PENDING(cmd_assess, "assess")
PENDING(cmd_report, "report")
