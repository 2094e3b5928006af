/* mem.c — allocation wrappers (mem_*) and the public hr_free; the
 * fault-injection counter is thread-local so that tests of one thread never
 * disturb another. */
#include "mem.h"
#include "headroom.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local unsigned long fail_k, count;

static int should_fail(void)
{
    count++;
    return fail_k != 0 && count == fail_k;
}

unsigned long mem_fail_at(unsigned long k)
{
    unsigned long c = count;
    fail_k = k;
    count = 0;
    return c;
}

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
