/* sample.c — writes the three-region sample report (sample.h) into argv[1],
 * for tests/browser/check.sh. Built and run by that script only. */
#include "sample.h"
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    static sample_region s[3];
    report_region r[3];
    for (int k = 0; k < 3; k++) {
        if (sample_make(&s[k], k) != 0) return 1;
        r[k] = s[k].r;
    }
    const char *inputs[1] = {argv[0]};
    const char *warnings[1] = {"region 'Tiny Co-op': less than one year of data; forecast skipped"};
    report_timing tm[3] = {{"ingest", 0.41, 0.39, 0}, {"backtest", 12.7, 23.1, 1}, {"headroom", 0.93, 1.71, 1}};
    report_run run;
    report_run_init(&run);
    run.inputs = inputs;
    run.ninputs = 1;
    run.options = "report -o out --budgets 0.25,0.5,1,5 --rank-budget 0.5 (sample)";
    run.created_utc = 1764374400; /* 2025-11-29T00:00:00Z, fixed for reproducible output */
    run.timings = tm;
    run.ntimings = 3;
    run.warnings = warnings;
    run.nwarnings = 1;
    if (report_write(argv[1], r, 3, &run, 1) != 0) {
        fprintf(stderr, "sample: %s\n", hr_last_error());
        return 1;
    }
    return 0;
}
