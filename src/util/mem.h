/* mem.h — allocation wrappers with a test-only fault-injection hook (private).
 * All library allocations go through these so that the OOM tests can fail
 * the k-th allocation on the calling thread and check every error path. */
#ifndef HR_MEM_H
#define HR_MEM_H
#include <stddef.h>

void *mem_alloc(size_t size);                 /* malloc; NULL on failure       */
void *mem_calloc(size_t n, size_t size);      /* calloc; checks n*size overflow */
void *mem_realloc(void *p, size_t size);
void *mem_array(size_t n, size_t size);       /* malloc(n*size), overflow-checked */
char *mem_strdup(const char *s);
void mem_free(void *p);

/* Test hook: fail the k-th allocation (1-based) made on this thread from now
 * on; 0 disables. Returns the number of allocations seen since the last call. */
unsigned long mem_fail_at(unsigned long k);
/* The same, but allocation k and every later one fail (memory stays
 * exhausted): reaches the error paths of code that retries a failed
 * allocation with a smaller size (libcsv). mem_fail_at ends it. */
unsigned long mem_fail_from(unsigned long k);

/* Test hook: call fn(k, ud) at the k-th allocation counted on this thread
 * (the numbering of mem_fail_at), before it is made or failed; NULL stops.
 * The OOM sweep uses it to tell allocation sites apart by call stack. */
typedef void (*mem_observer)(unsigned long k, void *ud);
void mem_observe(mem_observer fn, void *ud);
/* Nonzero while a hook above is set on this thread: code that could spread
 * work over threads keeps it on this one, so the hooks see every allocation. */
int mem_hooked(void);
#endif
