/* error.c — hr_strerror, the thread-local hr_last_error buffer, hr_version.
 * The message buffer is _Thread_local so that failures in constructors,
 * before any handle exists, still carry their detail (XGBoost/LightGBM idiom). */
#include "util/error.h"
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[1024];

const char *hr_version(void) { return HR_VERSION_STRING; }

const char *hr_strerror(int status)
{
    switch (status) {
    case HR_OK: return "success";
    case HR_EINVAL: return "invalid argument";
    case HR_ENOMEM: return "out of memory";
    case HR_EIO: return "input/output error";
    case HR_EPARSE: return "malformed input";
    case HR_EDATA: return "data error";
    case HR_ESINGULAR: return "singular or rank-deficient system";
    case HR_ENOCONV: return "optimiser did not converge";
    case HR_EFORMAT: return "bad model or specification file";
    case HR_EVERSION: return "unsupported file version";
    case HR_ENOTFOUND: return "not found";
    default: return "unknown status";
    }
}

const char *hr_last_error(void) { return last_error; }

void err_clear(void) { last_error[0] = '\0'; }

int err_vset(int status, const char *fmt, va_list ap)
{
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    return status;
}

int err_set(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(status, fmt, ap);
    va_end(ap);
    return status;
}

int err_prefix(int status, const char *prefix)
{
    char tmp[sizeof last_error];
    size_t n = strlen(prefix);
    if (n > sizeof tmp - 3) n = sizeof tmp - 3;
    memcpy(tmp, prefix, n);
    memcpy(tmp + n, ": ", 2);
    size_t m = strlen(last_error);
    if (m > sizeof tmp - n - 3) m = sizeof tmp - n - 3;
    memcpy(tmp + n + 2, last_error, m);
    tmp[n + 2 + m] = '\0';
    memcpy(last_error, tmp, sizeof last_error);
    return status;
}
