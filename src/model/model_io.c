/* model_io.c — fitted models to and from versioned text (.hrm files or
 * memory buffers): hr_model_save, hr_model_save_mem, hr_model_load,
 * hr_model_load_mem, hr_models_free. Files and buffers share one writer
 * (write_all) and one reader (load_text), so they are byte-identical.
 *
 * Format (line-oriented, diffable; doubles as %.17g so they round-trip):
 *   headroom-model 1
 *   writer headroom 0.1.0
 *   models N
 *   begin REGION                (then, in this order:)
 *   name NAME | tz ZONE or - | span FIRST LAST | nobs N
 *   fit SIGMA2 R2 ADJR2 SECONDS
 *   spec K  + K lines of the specification, verbatim
 *   beta P  + P lines "VALUE SE NAME"
 *   arima 0 | arima p d q P D Q s mean drift method nobs
 *     coef K + K lines "VALUE SE NAME"; stats LOGLIK AIC AICC BIC CONVERGED;
 *     fallback TEXT
 *   end-model
 *   end
 * The reader refuses other magic words and newer major versions
 * (HR_EVERSION), unknown or out-of-order keys and counts that disagree
 * (HR_EFORMAT), and files without the final `end` (truncated). Numbers are
 * written and read under a thread-local "C" locale (uselocale), never
 * setlocale, so an embedding program's locale cannot change them. */
#include "util/atomic.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/readfile.h"
#include "util/textbuf.h"
#include "model/model.h"
#include "model/design.h"
#include "model/spec.h"
#include "time/calendar.h"
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HRM_MAGIC "headroom-model"
#define HRM_VERSION 1
/* Largest model file read (docs/limits.md): 100,000 models of 10 KB. */
#define HRM_MAX_BYTES ((size_t)1 << 30)

/* ------------------------------------------------------------------ writer
 * One writer for files and memory: the text is built in a textbuf
 * (util/textbuf.h: the allocation-failure tests reach every step), then
 * either handed to the caller (hr_model_save_mem) or written to a file by
 * the atomic writer (hr_model_save, util/atomic.h). A file and a buffer of the same models are
 * therefore byte-identical. */

static void put_num(textbuf *b, double x, char sep)
{
    if (isnan(x)) tb_printf(b, "nan%c", sep);
    else tb_printf(b, "%.17g%c", x, sep);
}

static void write_one(textbuf *f, const hr_model *m)
{
    char a[21], b[21];
    cal_format_utc(m->first_utc, a);
    cal_format_utc(m->last_utc, b);
    tb_printf(f, "begin %s\nname %s\ntz %s\nspan %s %s\nnobs %zu\nfit ", m->region, m->name,
              m->tz ? m->tz : "-", a, b, m->nobs);
    put_num(f, m->sigma2, ' '), put_num(f, m->r2, ' ');
    put_num(f, m->adj_r2, ' '), put_num(f, m->fit_seconds, '\n');
    const char *t = m->sp->text;
    size_t lines = 0;
    for (const char *c = t; *c; c++) lines += *c == '\n';
    if (*t && t[strlen(t) - 1] != '\n') lines++;
    tb_printf(f, "spec %zu\n%s%s", lines, t, (*t && t[strlen(t) - 1] != '\n') ? "\n" : "");
    tb_printf(f, "beta %zu\n", m->p);
    for (size_t j = 0; j < m->p; j++) {
        put_num(f, m->beta[j], ' '), put_num(f, m->beta_se[j], ' ');
        tb_printf(f, "%s\n", m->feat[j]);
    }
    if (!m->has_arima) {
        tb_printf(f, "arima 0\n");
    } else {
        const arima_order *o = &m->order;
        tb_printf(f, "arima %d %d %d %d %d %d %d %d %d %d %zu\ncoef %zu\n", o->p, o->d, o->q, o->P,
                  o->D, o->Q, o->s, o->include_mean, o->include_drift, o->method, m->arima_nobs,
                  m->ncoef);
        for (size_t j = 0; j < m->ncoef; j++) {
            put_num(f, m->coef[j], ' '), put_num(f, m->coef_se[j], ' ');
            tb_printf(f, "%s\n", m->cname[j]);
        }
        tb_printf(f, "stats ");
        put_num(f, m->loglik, ' '), put_num(f, m->aic, ' ');
        put_num(f, m->aicc, ' '), put_num(f, m->bic, ' ');
        tb_printf(f, "%d\nfallback %s\n", m->converged, m->fallback ? m->fallback : "");
    }
    tb_printf(f, "end-model\n");
}

/* The text of n models into a new NUL-terminated buffer (*buf, *len bytes
 * before the NUL). Numbers under a thread-local "C" locale. */
static int write_all(const hr_model *const *models, size_t n, const char *fn, char **buf,
                     size_t *len)
{
    if (!models || n == 0) return err_set(HR_EINVAL, "%s: no models (models NULL or n = 0)", fn);
    for (size_t i = 0; i < n; i++)
        if (!models[i]) return err_set(HR_EINVAL, "%s: model %zu is NULL", fn, i);
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c) return err_set(HR_ENOMEM, "%s: cannot create the C locale", fn);
    locale_t old = uselocale(c);
    textbuf b = {0};
    tb_printf(&b, "%s %d\nwriter headroom %s\nmodels %zu\n", HRM_MAGIC, HRM_VERSION, hr_version(), n);
    for (size_t i = 0; i < n; i++) write_one(&b, models[i]);
    tb_printf(&b, "end\n");
    uselocale(old);
    freelocale(c);
    if (b.oom) {
        tb_free(&b);
        return err_set(HR_ENOMEM, "out of memory");
    }
    *buf = b.p;
    *len = b.len;
    return HR_OK;
}

int hr_model_save_mem(const hr_model *const *models, size_t n, char **buf, size_t *len)
{
    err_clear();
    if (buf) *buf = NULL;
    if (len) *len = 0;
    if (!buf || !len) return err_set(HR_EINVAL, "hr_model_save_mem: buf or len is NULL");
    return write_all(models, n, "hr_model_save_mem", buf, len);
}

int hr_model_save(const hr_model *const *models, size_t n, const char *path)
{
    err_clear();
    if (!path || !*path) return err_set(HR_EINVAL, "hr_model_save: path is NULL or empty");
    char *text;
    size_t tlen;
    int st = write_all(models, n, "hr_model_save", &text, &tlen);
    if (st) return st;
    st = atomic_write(path, text, tlen);
    mem_free(text);
    return st;
}

/* ------------------------------------------------------------------ reader */

typedef struct {
    const char *path;
    char *buf;      /* whole file */
    char *cur;      /* next line */
    size_t line;    /* number of the line last returned */
} reader;

/* Next line (NUL-terminated in place), or NULL at end of file. */
static char *next_line(reader *r)
{
    if (!r->cur || !*r->cur) return NULL;
    char *s = r->cur;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        r->cur = nl + 1;
    } else {
        r->cur = s + strlen(s);
    }
    r->line++;
    return s;
}

static int bad(reader *r, const char *what)
{
    return err_set(HR_EFORMAT, "%s:%zu: %s", r->path, r->line, what);
}

/* A value that parses but disagrees with the rest of the model: FILE:LINE:
 * model 'REGION': field 'FIELD': problem. */
static int bad_field(reader *r, const hr_model *m, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad_field(reader *r, const hr_model *m, const char *field, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(HR_EFORMAT, "%s:%zu: model '%.64s': field '%s': %s", r->path, r->line,
                  m->region ? m->region : "?", field, msg);
}

/* 1 if s is a usable name: not empty, at most 256 bytes, no control bytes. */
static int plain_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 256) return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
    return 1;
}

/* Line that must start with "key " (or be exactly "key"); returns the rest. */
static char *expect_key(reader *r, const char *key, int *st)
{
    char *s = next_line(r);
    if (!s) {
        *st = err_set(HR_EFORMAT, "%s:%zu: truncated model file (expected '%s')", r->path, r->line + 1, key);
        return NULL;
    }
    size_t k = strlen(key);
    if (strncmp(s, key, k) != 0 || (s[k] != ' ' && s[k] != '\0')) {
        char msg[160];
        snprintf(msg, sizeof msg, "expected '%s', found '%.40s'", key, s);
        *st = bad(r, msg);
        return NULL;
    }
    *st = HR_OK;
    return s[k] ? s + k + 1 : s + k;
}

static int parse_num(const char **p, double *x)
{
    char *end;
    while (**p == ' ') (*p)++;
    if (!strncmp(*p, "nan", 3)) {
        *x = NAN;
        *p += 3;
        return 0;
    }
    *x = strtod(*p, &end);
    if (end == *p) return -1;
    *p = end;
    return 0;
}

static int parse_size(const char *s, size_t *v)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9') return -1; /* strtoull would take "-1" */
    unsigned long long x = strtoull(s, &end, 10);
    if (end == s || errno || (*end && *end != ' ') || x > SIZE_MAX) return -1;
    *v = (size_t)x;
    return 0;
}

/* A count of lines that cannot exceed what is left of the text (each line
 * takes at least two bytes), so a corrupt count is HR_EFORMAT rather than a
 * huge allocation. */
static int count_fits(const reader *r, size_t k) { return k <= strlen(r->cur) / 2; }

/* "VALUE SE NAME" lines into arrays. */
static int read_coefs(reader *r, size_t n, double *v, double *se, char **names)
{
    for (size_t j = 0; j < n; j++) {
        const char *s = next_line(r);
        if (!s) return err_set(HR_EFORMAT, "%s:%zu: truncated model file", r->path, r->line + 1);
        if (parse_num(&s, &v[j]) || parse_num(&s, &se[j]) || *s != ' ' || !s[1])
            return bad(r, "expected 'VALUE SE NAME'");
        if (isinf(v[j]) || isinf(se[j]) || !plain_name(s + 1))
            return bad(r, "coefficient not finite (or NaN), or a bad name");
        names[j] = mem_strdup(s + 1);
        if (!names[j]) return err_set(HR_ENOMEM, "out of memory");
    }
    return HR_OK;
}

/* The ARIMA order of m against the bounds of arima.h and spec.h and
 * against its specification. */
static int check_order(reader *r, const hr_model *m)
{
    const arima_order *o = &m->order;
    const spec_errors *e = &m->sp->errors;
    if (o->p > 10 || o->q > 10 || o->P > 10 || o->Q > 10 || o->d > 3 || o->D > 2 || o->s > 10000)
        return bad_field(r, m, "arima", "orders beyond p, q, P, Q <= 10, d <= 3, D <= 2, s <= 10000");
    if ((o->include_mean != 0 && o->include_mean != 1) || (o->include_drift != 0 && o->include_drift != 1))
        return bad_field(r, m, "arima", "mean and drift must be 0 or 1");
    if (o->include_drift && o->d + o->D > 1) return bad_field(r, m, "arima", "drift needs d + D <= 1");
    if (o->method < ARIMA_CSS_ML || o->method > ARIMA_CSS)
        return bad_field(r, m, "arima", "unknown method %d", o->method);
    size_t state = spec_arima_state(o->p, o->d, o->q, o->P, o->D, o->Q, o->s);
    if (state > SPEC_MAX_ARIMA_STATE)
        return bad_field(r, m, "arima", "state dimension %zu (at most %d)", state, SPEC_MAX_ARIMA_STATE);
    if (e->kind == SPEC_ERR_ARIMA &&
        (o->p != e->p || o->d != e->d || o->q != e->q || o->P != e->P || o->D != e->D ||
         o->Q != e->Q || o->s != (e->s > 0 ? e->s : 1)))
        return bad_field(r, m, "arima", "order differs from the specification's 'errors arima'");
    return HR_OK;
}

/* The ARIMA coefficient names in arima.h's order: ar1.., ma1.., sar1..,
 * sma1.., [intercept], [drift]. */
static int check_coef_names(reader *r, const hr_model *m)
{
    const arima_order *o = &m->order;
    const struct { const char *pfx; int cnt; } blk[4] = {
        { "ar", o->p }, { "ma", o->q }, { "sar", o->P }, { "sma", o->Q } };
    size_t i = 0;
    char want[16];
    for (int b = 0; b < 4; b++)
        for (int j = 0; j < blk[b].cnt; j++, i++) {
            snprintf(want, sizeof want, "%s%d", blk[b].pfx, j + 1);
            if (strcmp(m->cname[i], want) != 0) break;
        }
    if (i == (size_t)(o->p + o->q + o->P + o->Q) && o->include_mean && o->d + o->D == 0 &&
        !strcmp(m->cname[i], "intercept"))
        i++;
    if (i < m->ncoef && o->include_drift && !strcmp(m->cname[i], "drift")) i++;
    if (i != m->ncoef)
        return bad_field(r, m, "coef", "coefficient %zu is '%.40s', not the order's", i + 1, m->cname[i]);
    for (i = 0; i < m->ncoef; i++)
        if (!isfinite(m->coef[i]))
            return bad_field(r, m, "coef", "coefficient '%.40s' is not finite", m->cname[i]);
    return HR_OK;
}

static int read_one(reader *r, hr_model **out)
{
    int st;
    char *s;
    hr_model *m = mem_calloc(1, sizeof *m);
    if (!m) return err_set(HR_ENOMEM, "out of memory");
#define KEY(k) do { s = expect_key(r, k, &st); if (!s) goto fail; } while (0)
#define DUP(dst, src) do { dst = mem_strdup(src); if (!dst) { st = err_set(HR_ENOMEM, "out of memory"); goto fail; } } while (0)
    KEY("begin");
    DUP(m->region, s);
    if (!plain_name(s)) { st = bad_field(r, m, "begin", "region name empty, longer than 256 bytes or with control characters"); goto fail; }
    KEY("name");
    DUP(m->name, s);
    if (!plain_name(s)) { st = bad_field(r, m, "name", "empty, longer than 256 bytes or with control characters"); goto fail; }
    KEY("tz");
    if (strcmp(s, "-") != 0) DUP(m->tz, s);
    KEY("span");
    {
        char a[32], b[32];
        if (sscanf(s, "%31s %31s", a, b) != 2 || hr_time_parse(a, &m->first_utc) ||
            hr_time_parse(b, &m->last_utc)) {
            st = bad(r, "bad span");
            goto fail;
        }
        if (m->last_utc < m->first_utc) { st = bad_field(r, m, "span", "ends before it starts"); goto fail; }
    }
    KEY("nobs");
    if (parse_size(s, &m->nobs)) { st = bad(r, "bad nobs"); goto fail; }
    KEY("fit");
    {
        const char *p = s;
        if (parse_num(&p, &m->sigma2) || parse_num(&p, &m->r2) || parse_num(&p, &m->adj_r2) ||
            parse_num(&p, &m->fit_seconds) || *p) {
            st = bad(r, "bad fit line");
            goto fail;
        }
        /* forecast variances are sigma2 times the error model's factors */
        if (!isfinite(m->sigma2) || m->sigma2 <= 0) {
            st = bad_field(r, m, "sigma2", "%g: must be finite and > 0", m->sigma2);
            goto fail;
        }
    }
    KEY("spec");
    {
        size_t k, specline = r->line, len = 0, cap = 256;
        if (parse_size(s, &k)) { st = bad(r, "bad spec line count"); goto fail; }
        char *text = mem_alloc(cap);
        if (!text) { st = err_set(HR_ENOMEM, "out of memory"); goto fail; }
        for (size_t j = 0; j < k; j++) {
            const char *ln = next_line(r);
            if (!ln) {
                mem_free(text);
                st = err_set(HR_EFORMAT, "%s:%zu: truncated model file", r->path, r->line + 1);
                goto fail;
            }
            size_t l = strlen(ln);
            if (len + l + 2 > cap) {
                while (len + l + 2 > cap) cap *= 2;
                char *nt = mem_realloc(text, cap);
                if (!nt) { mem_free(text); st = err_set(HR_ENOMEM, "out of memory"); goto fail; }
                text = nt;
            }
            memcpy(text + len, ln, l);
            len += l;
            text[len++] = '\n';
        }
        text[len] = '\0';
        char src[300];
        snprintf(src, sizeof src, "%s:%zu: spec", r->path, specline);
        st = spec_parse(text, len, src, &m->sp);
        mem_free(text);
        if (st) goto fail;
    }
    KEY("beta");
    /* Counts are stored only once their arrays exist: hr_model_free walks
     * feat[0..p) and cname[0..ncoef). */
    size_t cnt;
    if (parse_size(s, &cnt) || !count_fits(r, cnt)) { st = bad(r, "bad beta count"); goto fail; }
    /* the forecast rebuilds the spec's design: its width must be the count
     * (checked before anything is built from it) */
    if (cnt != design_width(m->sp)) {
        st = bad_field(r, m, "beta", "%zu coefficients, the specification makes %zu design columns", cnt,
                       design_width(m->sp));
        goto fail;
    }
    m->feat = mem_calloc(cnt ? cnt : 1, sizeof(char *));
    m->beta = mem_array(cnt ? cnt : 1, sizeof(double));
    m->beta_se = mem_array(cnt ? cnt : 1, sizeof(double));
    if (!m->feat || !m->beta || !m->beta_se) { st = err_set(HR_ENOMEM, "out of memory"); goto fail; }
    m->p = cnt;
    st = read_coefs(r, m->p, m->beta, m->beta_se, m->feat);
    if (st) goto fail;
    KEY("arima");
    m->converged = 1;
    m->loglik = m->aic = m->aicc = m->bic = NAN;
    const spec_errors *se = &m->sp->errors;
    const int want_arima = se->kind == SPEC_ERR_ARIMA || se->kind == SPEC_ERR_AUTO_ARIMA;
    if (want_arima != (strcmp(s, "0") != 0)) {
        st = bad_field(r, m, "arima", want_arima ? "the specification has ARIMA errors, the model none"
                                                 : "ARIMA errors in a model whose specification has none");
        goto fail;
    }
    if (strcmp(s, "0") != 0) {
        arima_order *o = &m->order;
        int method;
        size_t an;
        char tail;
        if (sscanf(s, "%d %d %d %d %d %d %d %d %d %d %zu%c", &o->p, &o->d, &o->q, &o->P, &o->D,
                   &o->Q, &o->s, &o->include_mean, &o->include_drift, &method, &an, &tail) != 11 ||
            o->p < 0 || o->d < 0 || o->q < 0 || o->P < 0 || o->D < 0 || o->Q < 0 || o->s < 1) {
            st = bad(r, "bad arima order");
            goto fail;
        }
        o->method = method;
        m->arima_nobs = an;
        m->has_arima = 1;
        st = check_order(r, m);
        if (st) goto fail;
        KEY("coef");
        if (parse_size(s, &cnt) || !count_fits(r, cnt)) { st = bad(r, "bad coef count"); goto fail; }
        /* the filter reads exactly these (arima.h's layout) */
        const size_t want = (size_t)(o->p + o->q + o->P + o->Q) +
                            (size_t)(o->include_mean && o->d + o->D == 0) + (size_t)o->include_drift;
        if (cnt != want) {
            st = bad_field(r, m, "coef", "%zu coefficients, the order needs %zu", cnt, want);
            goto fail;
        }
        m->cname = mem_calloc(cnt ? cnt : 1, sizeof(char *));
        m->coef = mem_array(cnt ? cnt : 1, sizeof(double));
        m->coef_se = mem_array(cnt ? cnt : 1, sizeof(double));
        if (!m->cname || !m->coef || !m->coef_se) { st = err_set(HR_ENOMEM, "out of memory"); goto fail; }
        m->ncoef = cnt;
        st = read_coefs(r, m->ncoef, m->coef, m->coef_se, m->cname);
        if (st) goto fail;
        st = check_coef_names(r, m);
        if (st) goto fail;
        KEY("stats");
        {
            const char *p = s;
            char *end;
            if (parse_num(&p, &m->loglik) || parse_num(&p, &m->aic) || parse_num(&p, &m->aicc) ||
                parse_num(&p, &m->bic)) {
                st = bad(r, "bad stats line");
                goto fail;
            }
            m->converged = (int)strtol(p, &end, 10);
            if (end == p || *end) { st = bad(r, "bad stats line"); goto fail; }
        }
        KEY("fallback");
        DUP(m->fallback, s);
        snprintf(m->errors_text, sizeof m->errors_text, "ARIMA(%d,%d,%d)(%d,%d,%d)[%d]", o->p, o->d,
                 o->q, o->P, o->D, o->Q, o->s);
    }
    if (!m->fallback) DUP(m->fallback, "");
    KEY("end-model");
    if (*s) { st = bad(r, "junk after end-model"); goto fail; }
#undef KEY
#undef DUP
    *out = m;
    return HR_OK;
fail:
    hr_model_free(m);
    return st;
}

void hr_models_free(hr_model **models, size_t n)
{
    if (!models) return;
    for (size_t i = 0; i < n; i++) hr_model_free(models[i]);
    mem_free(models);
}

/* Parse the whole text buf[0..len) (buf[len] == '\0', modified in place;
 * name labels the messages). Common to files and memory. */
static int load_text(char *buf, size_t len, const char *name, hr_model ***models, size_t *n)
{
    if (memchr(buf, '\0', len))
        return err_set(HR_EFORMAT, "%s: not a headroom model file (binary data)", name);
    reader r = {name, buf, buf, 0};
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c) return err_set(HR_ENOMEM, "%s: cannot create the C locale", name);
    locale_t old = uselocale(c);
    hr_model **ms = NULL;
    size_t nm = 0, got = 0;
    int st = HR_OK;
    char *s = next_line(&r);
    int ver = 0;
    char magic[32];
    if (!s || sscanf(s, "%31s %d", magic, &ver) != 2 || strcmp(magic, HRM_MAGIC) != 0) {
        st = err_set(HR_EFORMAT, "%s:1: not a headroom model file", name);
        goto done;
    }
    if (ver > HRM_VERSION || ver < 1) {
        st = err_set(ver > HRM_VERSION ? HR_EVERSION : HR_EFORMAT,
                    "%s:1: model file version %d; this build reads version %d", name, ver,
                    HRM_VERSION);
        goto done;
    }
    s = expect_key(&r, "writer", &st);
    if (!s) goto done;
    s = expect_key(&r, "models", &st);
    if (!s) goto done;
    if (parse_size(s, &nm) || nm == 0 || nm > 100000) {
        st = bad(&r, "bad model count");
        goto done;
    }
    ms = mem_calloc(nm, sizeof *ms);
    if (!ms) {
        st = err_set(HR_ENOMEM, "out of memory");
        goto done;
    }
    for (got = 0; got < nm; got++) {
        st = read_one(&r, &ms[got]);
        if (st) goto done;
    }
    s = expect_key(&r, "end", &st);
    if (!s) goto done;
    if (*s || next_line(&r)) st = bad(&r, "data after 'end'");
done:
    uselocale(old);
    freelocale(c);
    if (st) {
        hr_models_free(ms, got);
        return st;
    }
    *models = ms;
    *n = nm;
    return HR_OK;
}

int hr_model_load_mem(const void *buf, size_t len, hr_model ***models, size_t *n)
{
    err_clear();
    if (models) *models = NULL;
    if (n) *n = 0;
    if (!buf || !models || !n) return err_set(HR_EINVAL, "hr_model_load_mem: NULL argument");
    if (len == 0) return err_set(HR_EINVAL, "hr_model_load_mem: empty buffer (len = 0)");
    if (len == SIZE_MAX) return err_set(HR_EINVAL, "hr_model_load_mem: len too large");
    /* The parser splits lines in place: work on a NUL-terminated copy. */
    char *copy = mem_alloc(len + 1);
    if (!copy) return err_set(HR_ENOMEM, "out of memory");
    memcpy(copy, buf, len);
    copy[len] = '\0';
    int st = load_text(copy, len, "(memory)", models, n);
    mem_free(copy);
    return st;
}

int hr_model_load(const char *path, hr_model ***models, size_t *n)
{
    err_clear();
    if (models) *models = NULL;
    if (n) *n = 0;
    if (!path || !models || !n) return err_set(HR_EINVAL, "hr_model_load: NULL argument");
    char *buf;
    size_t len;
    int st = read_text_file(path, HRM_MAX_BYTES, &buf, &len);
    if (st) return st;
    st = load_text(buf, len, path, models, n);
    mem_free(buf);
    return st;
}
