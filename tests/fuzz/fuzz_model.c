/* fuzz_model.c — the model loader on arbitrary bytes: from memory
 * (hr_model_load_mem) or, with FUZZ_MODEL_FILE, from a file
 * (hr_model_load). A model that loads is then used as a caller would: its
 * info, a 24-hour forecast and two sample paths on a month of generated
 * load, and saved again. */
#include "fuzz.h"
#include "headroom.h"
#include <math.h>
#include <stdlib.h>

/* A month of hourly load from 2020-01-01 (daily cycle plus a small
 * deterministic wiggle), built once. */
static hr_series *series(void)
{
    static hr_series *s;
    if (s) return s;
    enum { N = 24 * 31 };
    static int64_t t[N];
    static double y[N];
    for (size_t k = 0; k < N; k++) {
        t[k] = 1577836800 + 3600 * (int64_t)k;
        y[k] = 1000 + 200 * sin(2 * M_PI * (double)(k % 24) / 24) + (double)(k * 7919 % 31);
    }
    if (hr_series_from_arrays("TEST", t, y, N, 0, &s) != HR_OK) abort();
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_model **ms = NULL;
    size_t n = 0;
#ifdef FUZZ_MODEL_FILE
    char path[64];
    int fd = fuzz_file(data, size, path, sizeof path);
    if (fd < 0) return 0;
    int st = hr_model_load(path, &ms, &n);
    close(fd);
#else
    int st = hr_model_load_mem(data, size, &ms, &n);
#endif
    if (st != HR_OK) return 0;
    hr_series *s = series();
    for (size_t i = 0; i < n && i < 4; i++) {
        hr_model_info info;
        (void)hr_model_info_get(ms[i], &info);
        const char *nm;
        double v, se;
        for (size_t j = 0; hr_model_coef(ms[i], j, &nm, &v, &se) == HR_OK; j++) {
        }
        enum { H = 24 };
        double mean[H], lo[H], hi[H], lvl = 80, paths[2 * H];
        int64_t ts[H];
        hr_forecast_buf fb = {H, ts, mean, lo, hi};
        (void)hr_model_forecast(ms[i], s, 0, H, &lvl, 1, &fb);
        (void)hr_model_simulate(ms[i], s, 0, H, 2, 1, paths);
    }
    char *buf = NULL;
    size_t len = 0;
    if (hr_model_save_mem((const hr_model *const *)ms, n, &buf, &len) == HR_OK) hr_free(buf);
    hr_models_free(ms, n);
    return 0;
}
