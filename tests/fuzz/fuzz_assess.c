/* fuzz_assess.c — the tables `headroom assess` reads from users: the
 * capacity table (--threshold capacity:FILE) or, with FUZZ_PROFILE, the
 * added load's profile (--ai-profile FILE). The command's source is
 * included so its static readers are reached as the command calls them. */
#include "fuzz.h"
#include "../../src/cli/cmd_assess.c"

/* cli.h's hooks, as src/cli/main.c defines them */
const char *cli_prog(void) { return "headroom"; }
int cli_prints(void) { return 1; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_file(data, size, path, sizeof path);
    if (fd < 0) return 0;
#ifdef FUZZ_PROFILE
    double *prof = NULL;
    size_t n = 0;
    if (read_profile(path, &prof, &n) == EXIT_OK) free(prof);
#else
    cap_table t = {0};
    if (read_capacity(path, &t) == EXIT_OK)
        for (size_t i = 0; i < t.n; i++) {
            hr_assess_opts o;
            hr_assess_opts_init(&o);
            o.threshold_kind = HR_THRESH_CAPACITY;
            (void)capacity_for(&t, path, t.row[i].region, &o);
        }
    free(t.row);
#endif
    close(fd);
    return 0;
}
