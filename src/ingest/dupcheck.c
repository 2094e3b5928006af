/* dupcheck.c — what two rows of one hour have in common (ingest_dup_column).
 *
 * Only on the error path of a duplicate hour: the file is tokenised again
 * to compare the two rows. A text column whose values differ means the file
 * holds several series (sub-regions, load areas, respondents) and the rows
 * are no repeat: the message names the column to split regions by, and the
 * on_duplicate rules, which would average different series, are not
 * offered. Of several such columns the one with the most distinct values in
 * the file is named (load_area rather than zone). */
#include "ingest/ingest_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <csv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DC_MAXCOL 1024  /* columns compared (a wider file compares its first 1024) */
#define DC_MAXDIST 512  /* distinct values counted per candidate column           */

typedef struct {
    unsigned long line, la, lb, nl;
    int prev;
    size_t nf;
    int header;            /* 1 while reading the header row           */
    int pass;              /* 1: capture rows la, lb; 2: count values  */
    char *hdr[DC_MAXCOL], *ra[DC_MAXCOL], *rb[DC_MAXCOL], *cur[DC_MAXCOL];
    size_t nhdr;
    int cand[DC_MAXCOL];   /* 1 + index into dist for candidate columns */
    char **dist[DC_MAXCOL];
    size_t ndist[DC_MAXCOL];
    int oom;
} dc_state;

static void dc_field(void *s, size_t len, void *data)
{
    dc_state *d = data;
    size_t j = d->nf++;
    const char *p = s ? s : "";
    for (const char *q = p; (q = memchr(q, '\n', len - (size_t)(q - p))) != NULL; q++) d->nl++;
    if (j >= DC_MAXCOL) return;
    while (len && (*p == ' ' || *p == '\t')) p++, len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r')) len--;
    if (d->pass == 2 && !d->header && !d->cand[j]) return;
    char *c = mem_alloc(len + 1);
    if (!c) {
        d->oom = 1;
        return;
    }
    memcpy(c, p, len);
    c[len] = '\0';
    mem_free(d->cur[j]);
    d->cur[j] = c;
}

static void count_value(dc_state *d, size_t j, const char *v)
{
    if (!*v || d->ndist[j] >= DC_MAXDIST) return;
    for (size_t i = 0; i < d->ndist[j]; i++)
        if (strcmp(d->dist[j][i], v) == 0) return;
    if (!d->dist[j] && !(d->dist[j] = mem_array(DC_MAXDIST, sizeof *d->dist[j]))) {
        d->oom = 1;
        return;
    }
    char *c = mem_strdup(v);
    if (!c) {
        d->oom = 1;
        return;
    }
    d->dist[j][d->ndist[j]++] = c;
}

static void dc_row(int c, void *data)
{
    dc_state *d = data;
    if (c == '\n' && d->prev == '\r' && d->nf == 0) {
        d->prev = c;
        return;
    }
    d->prev = c;
    size_t nf = d->nf < DC_MAXCOL ? d->nf : DC_MAXCOL;
    int nonempty = 0;
    for (size_t j = 0; j < nf; j++)
        if (d->cur[j] && *d->cur[j]) nonempty = 1;
    if (nonempty && d->header) {
        d->header = 0;
        if (d->pass == 1) {
            memcpy(d->hdr, d->cur, nf * sizeof *d->cur);
            memset(d->cur, 0, nf * sizeof *d->cur);
            d->nhdr = nf;
        }
    } else if (nonempty && d->pass == 1 && (d->line == d->la || d->line == d->lb)) {
        char **dst = d->line == d->la ? d->ra : d->rb;
        memcpy(dst, d->cur, nf * sizeof *d->cur);
        memset(d->cur, 0, nf * sizeof *d->cur);
    } else if (nonempty && d->pass == 2) {
        for (size_t j = 0; j < nf; j++)
            if (d->cand[j] && d->cur[j]) count_value(d, j, d->cur[j]);
    }
    for (size_t j = 0; j < nf; j++) {
        mem_free(d->cur[j]);
        d->cur[j] = NULL;
    }
    d->line += 1 + d->nl;
    d->nl = 0;
    d->nf = 0;
}

static int dc_pass(dc_state *d, const char *p, size_t n, char delim)
{
    struct csv_parser cp;
    if (csv_init(&cp, CSV_REPALL_NL) != 0) return -1;
    csv_set_realloc_func(&cp, mem_realloc);
    csv_set_free_func(&cp, mem_free);
    if (delim != ',') csv_set_delim(&cp, (unsigned char)delim);
    d->line = 1;
    d->nl = 0;
    d->nf = 0;
    d->prev = 0;
    d->header = 1;
    int ok = csv_parse(&cp, p, n, dc_field, dc_row, d) == n;
    csv_fini(&cp, dc_field, dc_row, d);
    csv_free(&cp);
    return ok && !d->oom ? 0 : -1;
}

static int is_number(const char *s)
{
    double v;
    return ingest_parse_num(s, strlen(s), &v) == 0;
}

int ingest_dup_column(const hr_ingest_opts *o, const char *path, unsigned long la, unsigned long lb,
                      char *col, size_t cap)
{
    char *mem = NULL, *buf = NULL;
    size_t n = 0;
    if (ingest_read_whole(path, &mem, &buf, &n)) return -1;
    const char *p = buf;
    if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) p += 3, n -= 3;
    char delim = o->delimiter ? o->delimiter : ',';
    if (!o->delimiter) {
        const char *nl = memchr(p, '\n', n);
        size_t l1 = nl ? (size_t)(nl - p) : n;
        if ((memchr(p, '\t', l1) && !memchr(p, ',', l1)) || o->format == HR_FORMAT_ERCOT_FUEL) delim = '\t';
    }
    dc_state *d = mem_calloc(1, sizeof *d);
    int found = -1;
    if (!d) goto out;
    d->la = la;
    d->lb = lb;
    d->pass = 1;
    if (dc_pass(d, p, n, delim)) goto out;
    size_t ncand = 0;
    for (size_t j = 0; j < d->nhdr; j++) {
        const char *a = d->ra[j] ? d->ra[j] : "", *b = d->rb[j] ? d->rb[j] : "";
        if (strcmp(a, b) != 0 && (!is_number(a) || !is_number(b)) && *a && *b) {
            d->cand[j] = 1;
            ncand++;
        }
    }
    found = 0;
    if (ncand == 0) goto out;
    d->pass = 2;
    if (dc_pass(d, p, n, delim)) {
        found = -1;
        goto out;
    }
    size_t best = d->nhdr;
    for (size_t j = 0; j < d->nhdr; j++)
        if (d->cand[j] && (best == d->nhdr || d->ndist[j] > d->ndist[best])) best = j;
    snprintf(col, cap, "%s", d->hdr[best] ? d->hdr[best] : "");
    found = 1;
out:
    if (d) {
        for (size_t j = 0; j < DC_MAXCOL; j++) {
            mem_free(d->hdr[j]);
            mem_free(d->ra[j]);
            mem_free(d->rb[j]);
            mem_free(d->cur[j]);
            for (size_t i = 0; i < d->ndist[j]; i++) mem_free(d->dist[j][i]);
            mem_free(d->dist[j]);
        }
        mem_free(d);
    }
    mem_free(mem);
    return found;
}
