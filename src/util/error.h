/* error.h — status codes and the thread-local error message (private). */
#ifndef HR_ERROR_H
#define HR_ERROR_H
#include "headroom.h"
#include <stdarg.h>

/* Record a printf-style message as this thread's last error and return
 * status, so callers can write `return err_set(HR_EPARSE, "...", ...)`. */
int err_set(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int err_vset(int status, const char *fmt, va_list ap);
/* Prefix the current message with "prefix: " (keeps the status). */
int err_prefix(int status, const char *prefix);
/* Clear the last error (called on entry to public functions). */
void err_clear(void);

#endif
