/* fuzz_read.c — hr_series_read on arbitrary bytes in one format
 * (FUZZ_FORMAT, set per binary by the Makefile: every reader and auto),
 * screening and imputation on. The series format gets the column names of
 * its seed files (timestamp / load). */
#include "fuzz.h"
#include "headroom.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT HR_FORMAT_AUTO
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_file(data, size, path, sizeof path);
    if (fd < 0) return 0;
    hr_ingest_opts o;
    hr_ingest_opts_init(&o);
    o.format = FUZZ_FORMAT;
    o.threads = 1;
    if (FUZZ_FORMAT == HR_FORMAT_SERIES) {
        o.time_col = "timestamp";
        o.value_cols[0] = "load";
    }
    const char *paths[1] = {path};
    hr_series *s = NULL;
    if (hr_series_read(paths, 1, &o, &s) == HR_OK) {
        /* walk what was read, as a caller would */
        for (size_t i = 0; i < hr_series_region_count(s); i++) {
            int64_t t0;
            size_t n;
            hr_quality q;
            (void)hr_series_grid(s, i, &t0, &n);
            (void)hr_series_quality(s, i, &q);
            for (size_t j = 0; j < hr_series_column_count(s, i); j++) {
                const double *v;
                if (hr_series_column(s, i, hr_series_column_name(s, i, j), &v) == HR_OK && n)
                    (void)v[n - 1];
            }
        }
    }
    hr_series_free(s);
    close(fd);
    return 0;
}
