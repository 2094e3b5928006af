/* chunk.c — the rows a file pushes, kept per (region, file, column set).
 *
 * A chunk holds t (UTC hour-beginning), the source line and the values of
 * its columns; a row costs 12 bytes + 8 per value. The current file's
 * chunks are found through a small open-addressing hash, with a pointer
 * identity fast path for readers that push to one fixed region. */
#include "ingest/ingest_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <string.h>


/* Bit pattern of "absent": a quiet NaN with a payload no arithmetic makes. */
static const uint64_t ABSENT_BITS = 0x7ff8dead0000beefULL;

double ingest_absent(void)
{
    double d;
    memcpy(&d, &ABSENT_BITS, sizeof d);
    return d;
}

int ingest_is_absent(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b == ABSENT_BITS;
}

void ingest_chunk_free(ing_chunk *c)
{
    if (!c) return;
    for (size_t j = 0; j < c->ncol; j++) {
        if (c->name) mem_free(c->name[j]);
        if (c->v) mem_free(c->v[j]);
    }
    mem_free(c->name);
    mem_free(c->v);
    mem_free(c->t);
    mem_free(c->line);
    mem_free(c->region);
    mem_free(c);
}

uint64_t ingest_hash(const char *s, uint64_t h)
{
    while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

static int chunk_matches(const ing_chunk *c, const char *region, size_t n, const char *const *names)
{
    return c->ncol == n && strcmp(c->region, region) == 0 && strcmp(c->name[0], names[0]) == 0;
}

static int ht_grow(ing_ctx *x)
{
    size_t cap = x->htcap ? x->htcap * 2 : 64;
    size_t *ht = mem_calloc(cap, sizeof *ht);
    if (!ht) return HR_ENOMEM;
    for (size_t i = 0; i < x->htcap; i++) {
        if (!x->ht[i]) continue;
        ing_chunk *c = x->ck[x->ht[i] - 1];
        size_t k = ingest_hash(c->name[0], ingest_hash(c->region, ING_FNV_SEED)) & (cap - 1);
        while (ht[k]) k = (k + 1) & (cap - 1);
        ht[k] = x->ht[i];
    }
    mem_free(x->ht);
    x->ht = ht;
    x->htcap = cap;
    return HR_OK;
}

static ing_chunk *chunk_get(ing_file *f, const char *region, size_t n, const char *const *names)
{
    ing_ctx *x = f->ctx;
    if (x->last && region == x->last_reg && names == x->last_names && names == f->slotp &&
        region != f->regbuf)
        return x->last;
    x->last_reg = region;
    x->last_names = names;
    if (x->last && chunk_matches(x->last, region, n, names)) return x->last;
    if (x->htn * 2 >= x->htcap && ht_grow(x)) return NULL;
    size_t k = ingest_hash(names[0], ingest_hash(region, ING_FNV_SEED)) & (x->htcap - 1);
    while (x->ht[k]) {
        ing_chunk *c = x->ck[x->ht[k] - 1];
        if (chunk_matches(c, region, n, names)) return x->last = c;
        k = (k + 1) & (x->htcap - 1);
    }
    if (x->nck == x->capck) {
        size_t cap = x->capck ? x->capck * 2 : 16;
        ing_chunk **ck = mem_realloc(x->ck, cap * sizeof *ck);
        if (!ck) return NULL;
        x->ck = ck;
        x->capck = cap;
    }
    ing_chunk *c = mem_calloc(1, sizeof *c);
    if (!c) return NULL;
    c->seq = x->nck;
    c->ncol = n;
    c->fileno = f->fileno;
    c->tz = f->chunk_tz;
    c->region = mem_strdup(region);
    c->name = mem_calloc(n, sizeof *c->name);
    c->v = mem_calloc(n, sizeof *c->v);
    if (!c->region || !c->name || !c->v) goto fail;
    for (size_t j = 0; j < n; j++)
        if (!(c->name[j] = mem_strdup(names[j]))) goto fail;
    x->ck[x->nck++] = c;
    x->ht[k] = x->nck;
    x->htn++;
    return x->last = c;
fail:
    c->ncol = n;
    ingest_chunk_free(c);
    return NULL;
}

int ingest_push(ing_file *f, const char *region, int64_t t, size_t n, const char *const *names,
                const double *vals)
{
    if (n == 0) return 0;
    ing_chunk *c = chunk_get(f, region, n, names);
    if (!c) {
        f->status = err_set(HR_ENOMEM, "%s:%lu: out of memory", f->path, f->line);
        return -1;
    }
    if (c->n == c->cap) {
        /* a file of one region (f->region) puts at most one row per line
         * into its chunk: sized once from the line count, the arrays are
         * neither copied by realloc nor twice the data */
        size_t cap = c->cap ? c->cap * 2 : f->region && f->nlines > 512 ? f->nlines : 4;
        int64_t *tt = mem_realloc(c->t, cap * sizeof *tt);
        if (tt) c->t = tt;
        uint32_t *ll = tt ? mem_realloc(c->line, cap * sizeof *ll) : NULL;
        if (ll) c->line = ll;
        int ok = tt && ll;
        for (size_t j = 0; ok && j < n; j++) {
            double *vv = mem_realloc(c->v[j], cap * sizeof *vv);
            if (vv) c->v[j] = vv;
            else ok = 0;
        }
        if (!ok) {
            f->status = err_set(HR_ENOMEM, "%s:%lu: out of memory", f->path, f->line);
            return -1;
        }
        c->cap = cap;
    }
    size_t i = c->n++;
    c->sub |= f->off_hour; /* a chunk of a file with times off the hour: subhour.c checks */
    c->t[i] = t;
    c->line[i] = f->line > UINT32_MAX ? UINT32_MAX : (uint32_t)f->line;
    for (size_t j = 0; j < n; j++) c->v[j][i] = vals[j];
    return 0;
}
void ingest_ctx_free(ing_ctx *x)
{
    for (size_t i = 0; i < x->nck; i++) ingest_chunk_free(x->ck[i]);
    mem_free(x->ck);
    mem_free(x->ht);
    for (size_t i = 0; i < x->ntz; i++) {
        mem_free(x->tzc[i].name);
        cal_tz_free(x->tzc[i].z);
    }
}
