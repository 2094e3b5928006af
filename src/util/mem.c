/* mem.c — allocation wrappers (mem_*) and the public hr_free; the
 * fault-injection counter and observer are thread-local so that tests of
 * one thread never disturb another. */
#include "util/mem.h"
#include "headroom.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local unsigned long fail_k, count;
static _Thread_local int fail_sticky; /* fail from fail_k on, not just at it */
static _Thread_local mem_observer observer;
static _Thread_local void *observer_ud;

static int should_fail(void)
{
    count++;
    if (observer) observer(count, observer_ud);
    return fail_k != 0 && (fail_sticky ? count >= fail_k : count == fail_k);
}

unsigned long mem_fail_at(unsigned long k)
{
    unsigned long c = count;
    fail_k = k;
    fail_sticky = 0;
    count = 0;
    return c;
}

unsigned long mem_fail_from(unsigned long k)
{
    unsigned long c = mem_fail_at(k);
    fail_sticky = 1;
    return c;
}

void mem_observe(mem_observer fn, void *ud)
{
    observer = fn;
    observer_ud = ud;
}

int mem_hooked(void) { return fail_k != 0 || observer != NULL; }

void *mem_alloc(size_t size)
{
    if (should_fail()) return NULL;
    return malloc(size ? size : 1);
}

void *mem_array(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    return mem_alloc(n * size);
}

void *mem_calloc(size_t n, size_t size)
{
    if (should_fail()) return NULL;
    if (n == 0 || size == 0) return calloc(1, 1);
    return calloc(n, size);
}

void *mem_realloc(void *p, size_t size)
{
    if (should_fail()) return NULL;
    return realloc(p, size ? size : 1);
}

char *mem_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = mem_alloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void mem_free(void *p) { free(p); }

/* Public: memory the library handed to the caller (hr_model_save_mem). */
void hr_free(void *p) { free(p); }
