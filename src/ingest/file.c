/* file.c — reading one file into chunks.
 *
 * One read() of the whole file into a 64-byte aligned buffer, a UTF-8 BOM
 * skipped, then libcsv (strict, every newline reported so that line
 * numbers are exact) fed in large chunks. The first non-empty row is the
 * header: the format is recognised from it (or forced) and the reader sets
 * a role per column; each later row is finished by the reader's row hook. */
#include "ingest/ingest_int.h"
#include "util/error.h"
#include "util/mem.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ format detection */

typedef int (*setup_fn)(ing_file *f, int force);
static const struct {
    int fmt;
    const char *name;
    setup_fn fn;
} readers[] = {
    /* order matters for auto-detection: most specific headers first */
    {HR_FORMAT_EIA930, "eia930", read_eia930_setup},
    {HR_FORMAT_EIA930_BA, "eia930-ba", read_eia930_ba_setup},
    {HR_FORMAT_EIA_API, "eia-api", read_eia_api_setup},
    {HR_FORMAT_US48, "us48", read_us48_setup},
    {HR_FORMAT_ERCOT_NATIVE, "ercot-native", read_ercot_native_setup},
    {HR_FORMAT_ERCOT_FUEL, "ercot-fuel", read_ercot_fuel_setup},
    {HR_FORMAT_PJM_GEN, "pjm-gen", read_pjm_gen_setup},
    {HR_FORMAT_WEATHER, "weather", read_weather_setup},
    {HR_FORMAT_LONG, "long", read_long_setup},
    {HR_FORMAT_SERIES, "series", read_series_setup},
};

static void spec_reset(ing_file *f)
{
    for (size_t j = 0; j < f->ncol; j++) f->col[j] = (ing_col){.scale = 1.0};
    f->nslot = 0;
    f->region = NULL;
    f->row = NULL;
    f->mode = 0;
    f->join_key = 0;
    f->hour_ending = 0;
    f->tz = NULL;
    f->tz_name = f->chunk_tz = NULL;
}

/* The region_col option: the regions come from that column's values. */
static int region_col(ing_file *f)
{
    const char *name = f->o->region_col;
    long j = ingest_hdr_find(f, name);
    if (j < 0)
        return ingest_line_err(f, HR_EPARSE, "column '%s' (the region_col option): not in the header", name);
    if (f->row != ingest_row_wide || f->join_key)
        return ingest_col_err(f, HR_EINVAL, (size_t)j,
                              "the region_col option does not apply to this format (its regions "
                              "are set by the format)");
    if (f->col[j].role != COL_SKIP && f->col[j].role != COL_REGION)
        return ingest_col_err(f, HR_EINVAL, (size_t)j, "used twice (region_col and a value or time)");
    for (size_t k = 0; k < f->ncol; k++)
        if (f->col[k].role == COL_REGION) f->col[k].role = COL_SKIP;
    f->col[j].role = COL_REGION;
    f->region = NULL;
    return 0;
}

static int try_reader(ing_file *f, setup_fn fn, int fmt, int force)
{
    spec_reset(f);
    int r = fn(f, force);
    if (r < 0 || f->status) return -1;
    if (r == 1 && f->o->demand != HR_DEMAND_RAW && fmt != HR_FORMAT_EIA930) {
        ingest_col_err(f, HR_EINVAL, 0, "the demand option applies to EIA-930 BALANCE files only");
        return -1;
    }
    if (r == 1 && f->o->region_col && *f->o->region_col && region_col(f)) return -1;
    if (r == 1) {
        f->format = fmt;
        /* publishers' files (EIA, ERCOT, PJM, ...) write month-first; a
         * user's file with '/' dates that nothing decides is refused */
        f->mdy_default = fmt != HR_FORMAT_LONG && fmt != HR_FORMAT_SERIES && fmt != HR_FORMAT_EIA_API;
        if (!f->chunk_tz) f->chunk_tz = f->tz_name;
        ingest_row_reset(f);
    }
    return r;
}

int ingest_header_done(ing_file *f)
{
    for (size_t j = 0; j < f->nhdr; j++)
        if (!ingest_utf8_ok((const unsigned char *)f->hdr[j], strlen(f->hdr[j])))
            return ingest_col_err(f, HR_EPARSE, j, "header is not UTF-8 text");
    f->in_header = 0;
    /* a spreadsheet's trailing empty header cells are no columns */
    while (f->nhdr > 1 && !f->hdr[f->nhdr - 1][0]) mem_free(f->hdr[--f->nhdr]);
    f->ncol = f->nhdr;
    f->col = mem_calloc(f->ncol, sizeof *f->col);
    if (!f->col) return ingest_line_err(f, HR_ENOMEM, "out of memory");
    int fmt = f->o->format;
    if (fmt == HR_FORMAT_AUTO && (f->o->time_col || f->o->value_cols[0])) fmt = HR_FORMAT_SERIES;
    if (fmt != HR_FORMAT_AUTO) {
        for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
            if (readers[i].fmt == fmt) {
                int r = try_reader(f, readers[i].fn, fmt, 1);
                if (r < 0) return -1;
                if (r == 0)
                    return ingest_col_err(f, HR_EPARSE, 0, "header does not match format %s",
                                          readers[i].name);
                return 0;
            }
        return ingest_line_err(f, HR_EINVAL, "unknown format code %d", fmt);
    }
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        if (readers[i].fmt == HR_FORMAT_SERIES) continue;
        int r = try_reader(f, readers[i].fn, readers[i].fmt, 0);
        if (r) return r < 0 ? -1 : 0;
    }
    int r = try_reader(f, read_pjm_zone_setup, HR_FORMAT_SERIES, 0);
    if (r) return r < 0 ? -1 : 0;
    r = try_reader(f, read_gridstatus_setup, HR_FORMAT_SERIES, 0);
    if (r) return r < 0 ? -1 : 0;
    /* one column holding another separator: say so */
    static const char seps[] = ";\t|";
    for (const char *c = seps; f->nhdr == 1 && *c; c++)
        if (*c != f->delim && strchr(f->hdr[0], *c))
            return ingest_col_err(f, HR_EPARSE, 0,
                                  "header not recognised: it is one column holding '%s' (a %s-"
                                  "separated file? set the delimiter option to '%s')",
                                  *c == '\t' ? "\\t" : (char[2]){*c, 0},
                                  *c == ';' ? "semicolon" : *c == '\t' ? "tab" : "pipe",
                                  *c == '\t' ? "\\t" : (char[2]){*c, 0});
    return ingest_col_err(f, HR_EPARSE, 0,
                          "header not recognised as any known format (give the format option, "
                          "or the time_col and value_cols options for the series format)");
}

int ingest_row_one(ing_file *f, const char *reg, const char *name)
{
    int64_t t;
    int r = ingest_row_time(f, reg, -1, &t);
    if (r) return r < 0 ? -1 : ingest_gap_err(f, &f->gap_civ);
    return ingest_push(f, reg, t, 1, &name, f->val);
}

int ingest_row_wide(ing_file *f)
{
    const char *reg = f->region ? f->region : f->regbuf;
    if (!*reg) return ingest_line_err(f, HR_EPARSE, "no region in this row");
    if (f->join_key) {
        /* region = REGION-KEY (EIA-930 SUBREGION: BA-SUBREGION) */
        size_t a = strlen(f->regbuf), b = strlen(f->key);
        if (a + 1 + b >= sizeof f->regbuf)
            return ingest_line_err(f, HR_EPARSE, "region name %s-%s is too long", f->regbuf, f->key);
        f->regbuf[a] = '-';
        memcpy(f->regbuf + a + 1, f->key, b + 1);
    }
    int64_t t;
    int r = ingest_row_time(f, reg, -1, &t);
    if (r < 0) return -1;
    if (r == 1) {
        /* a row in the spring gap is dropped if it has no load (NYC writes
         * the absent hour with an interpolated temperature); else an error */
        int li = -1;
        for (size_t i = 0; i < f->nslot; i++)
            if (strcmp(f->slot_name[i], "load_raw_mw") == 0) li = (int)i;
        for (size_t i = 0; i < f->nslot; i++)
            if ((li < 0 || (int)i == li) && !isnan(f->val[i])) return ingest_gap_err(f, &f->gap_civ);
        return 0;
    }
    for (size_t i = 0; i < f->nslot; i++)
        if (f->slot_avg[i] && f->cnt[i] > 1) f->val[i] /= f->cnt[i];
    return ingest_push(f, reg, t, f->nslot, f->slotp, f->val);
}

static int tsv_space(unsigned char c) { return c == ' '; }

/* What a file that is not CSV text is, from its first bytes, or NULL. */
static const char *not_text(const unsigned char *p, size_t n)
{
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) return "a gzip-compressed file, not CSV text: decompress it first";
    if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0)
        return "a ZIP archive (an Excel workbook?), not CSV text: save the sheet as CSV";
    if (n >= 8 && memcmp(p, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
        return "an Excel 97-2003 workbook, not CSV text: save the sheet as CSV";
    if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
        return "a UTF-16 text file, not UTF-8 CSV: save it as CSV UTF-8";
    size_t m = n < 4096 ? n : 4096, bad = 0;
    for (size_t i = 0; i < m; i++) {
        if (p[i] == 0) return "a binary file (it holds NUL bytes), not CSV text";
        if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') bad++;
    }
    if (bad * 20 > m) return "a binary file, not CSV text";
    return NULL;
}

/* First byte that is not white space, or 0. */
static int first_char(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return (unsigned char)p[i];
    return 0;
}


static void file_stem(const char *path, char *out, size_t cap)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    if (n >= cap) n = cap - 1;
    memcpy(out, b, n);
    out[n] = '\0';
}

/* Line (1-based) of offset k of b. */
static size_t line_at(const char *b, size_t k)
{
    size_t line = 1;
    for (const char *p = b; (p = memchr(p, '\n', k - (size_t)(p - b))) != NULL; p++) line++;
    return line;
}

/* The whole file. Opened without blocking (a FIFO nobody writes reads as
 * empty instead of hanging), a directory refused, and the reading stops at
 * the first NUL byte: a binary file or /dev/zero is refused after one
 * buffer, not read until memory runs out. */
int ingest_read_whole(const char *path, char **mem, char **buf, size_t *len)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return err_set(HR_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    size_t cap = 1 << 16;
    int fst = fstat(fd, &st);
    if (fst == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return err_set(HR_EIO, "%s: is a directory", path);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl != -1) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    if (fst == 0 && S_ISREG(st.st_mode) && st.st_size > 0) cap = (size_t)st.st_size + 1;
    /* 64-byte aligned: the kernel's copy into a misaligned buffer is slower */
    char *m = mem_alloc(cap + 64);
    if (!m) {
        close(fd);
        return err_set(HR_ENOMEM, "%s: out of memory (%zu bytes)", path, cap);
    }
    char *b = m + (64 - ((uintptr_t)m & 63));
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap * 2;
            char *m2 = mem_alloc(ncap + 64);
            if (!m2) {
                mem_free(m);
                close(fd);
                return err_set(HR_ENOMEM, "%s: out of memory", path);
            }
            char *b2 = m2 + (64 - ((uintptr_t)m2 & 63));
            memcpy(b2, b, n);
            mem_free(m);
            m = m2;
            b = b2;
            cap = ncap;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            mem_free(m);
            close(fd);
            return err_set(HR_EIO, "%s: read error: %s", path, strerror(e));
        }
        if (r == 0) break;
        const char *nul = memchr(b + n, '\0', (size_t)r);
        if (nul) {
            size_t at = (size_t)(nul - b);
            const char *what = not_text((const unsigned char *)b, n + (size_t)r);
            int rc = what ? err_set(HR_EPARSE, "%s:1: %s", path, what)
                          : err_set(HR_EPARSE, "%s:%zu: binary data (a NUL byte at offset %zu), not CSV text",
                                   path, line_at(b, at), at);
            mem_free(m);
            close(fd);
            return rc;
        }
        n += (size_t)r;
    }
    close(fd);
    *mem = m;
    *buf = b;
    *len = n;
    return HR_OK;
}

int ingest_read_file(ing_ctx *x, size_t fileno, size_t chunk)
{
    const char *path = x->paths[fileno];
    char *mem = NULL, *buf = NULL;
    size_t len = 0;
    int rc = ingest_read_whole(path, &mem, &buf, &len);
    if (rc) return rc;
    ing_file *f = mem_calloc(1, sizeof *f);
    if (!f) {
        mem_free(mem);
        return err_set(HR_ENOMEM, "%s: out of memory", path);
    }
    f->ctx = x;
    f->o = x->o;
    f->path = path;
    f->fileno = fileno;
    f->line = 1;
    f->in_header = 1;
    f->time_col = 0;
    file_stem(path, f->stem, sizeof f->stem);
    ingest_row_reset(f);
    /* the chunk hash only serves the current file */
    if (x->ht) memset(x->ht, 0, x->htcap * sizeof *x->ht);
    x->htn = 0;
    x->last = NULL;
    x->last_reg = NULL;
    x->last_names = NULL;

    const char *p = buf;
    size_t n = len;
    if (n >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
        (unsigned char)p[2] == 0xbf)
        p += 3, n -= 3;
    const char *what = not_text((const unsigned char *)p, n);
    if (what) {
        f->status = err_set(HR_EPARSE, "%s:1: %s", path, what);
        goto done;
    }
    int c0 = first_char(p, n);
    if (c0 == '{' || c0 == '[') {
        ingest_read_json(f, p, n);
        goto done;
    }
    f->delim = x->o->delimiter ? x->o->delimiter : ',';
    if (!x->o->delimiter) {
        const char *nl = memchr(p, '\n', n);
        size_t l1 = nl ? (size_t)(nl - p) : n;
        if (memchr(p, '\t', l1) && !memchr(p, ',', l1)) f->delim = '\t';
        if (x->o->format == HR_FORMAT_ERCOT_FUEL) f->delim = '\t';
    }
    int tsv = f->delim == '\t';
    {
        int m = ingest_detect_dmy(p, n, '/');
        f->dmy_slash = m;
        f->dayfirst = (m & DMY_DAY) && !(m & DMY_MONTH);
        f->dmy_dash = ingest_detect_dmy(p, n, '-');
        f->dmy_dot = ingest_detect_dmy(p, n, '.');
    }
    for (const char *q = p, *e = p + n; (q = memchr(q, '\n', (size_t)(e - q))) != NULL; q++) f->nlines++;
    f->nlines++; /* a last line without newline */

    struct csv_parser cp;
    int st = HR_OK;
    if (csv_init(&cp, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI) != 0) {
        st = err_set(HR_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    csv_set_realloc_func(&cp, mem_realloc);
    csv_set_free_func(&cp, mem_free);
    csv_set_blk_size(&cp, 4096);
    if (f->delim != ',') csv_set_delim(&cp, (unsigned char)f->delim);
    if (tsv) csv_set_space_func(&cp, tsv_space);
    if (n == 0) {
        f->status = err_set(HR_EPARSE, "%s:1: empty file", path);
    }
    if (chunk == 0) chunk = ING_CHUNK_DEFAULT;
    for (size_t off = 0; off < n && !f->status;) {
        size_t k = n - off < chunk ? n - off : chunk;
        size_t used = csv_parse(&cp, p + off, k, ingest_cb_field, ingest_cb_row, f);
        if (f->status) break;
        if (used != k) {
            int e = csv_error(&cp);
            if (e == CSV_EPARSE)
                ingest_line_err(f, HR_EPARSE, "malformed quoting (a quote inside a field)");
            else
                ingest_line_err(f, HR_ENOMEM, "%s", csv_strerror(e));
            break;
        }
        off += k;
    }
    if (!f->status && n > 0) {
        if (csv_fini(&cp, ingest_cb_field, ingest_cb_row, f) != 0 && !f->status)
            ingest_line_err(f, HR_EPARSE, "unterminated quoted field");
    }
    csv_free(&cp);
done:
    if (!f->status) {
        if (f->in_header)
            f->status = err_set(HR_EPARSE, "%s:%lu: no header", path, f->line > 1 ? f->line - 1 : 1);
        else if (f->nrows == 0) {
            unsigned long l = f->line > 1 ? f->line - 1 : 1;
            f->status = err_set(HR_EDATA, "%s:%lu: no data rows", path, l);
        }
    }
    /* this file's sub-hourly chunks to hourly means */
    for (size_t i = 0; !f->status && i < x->nck; i++)
        if (x->ck[i]->fileno == fileno && x->ck[i]->sub)
            f->status = ingest_subhourly(x->o, path, x->ck[i]);
    st = f->status;
out:
    for (size_t j = 0; j < f->nhdr; j++) mem_free(f->hdr[j]);
    mem_free(f->hdr);
    mem_free(f->col);
    mem_free(f->dstseen);
    mem_free(f);
    mem_free(mem);
    return st;
}
