/* spec.c — parse model specification files (models/NAME.spec).
 *
 * Exports spec_parse, spec_load, spec_free, spec_atom_width,
 * spec_needs_temp, spec_needs_load. The grammar is documented in spec.h;
 * every problem is reported as HR_EFORMAT "src:line: problem".
 */
#include "model/spec.h"
#include "time/calendar.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/readfile.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 2000-01-01T00:00:00Z: default trend epoch (any fixed hour works: with an
 * intercept in the span a shifted trend changes only the intercept). */
#define SPEC_TREND_EPOCH 946684800LL

static const struct {
    const char *name;
    spec_atom_kind kind;
    int has_arg;   /* 0 none, 1 integer >= 1, 2 real */
} atoms[] = {
    { "intercept", SA_INTERCEPT, 0 }, { "trend", SA_TREND, 0 },
    { "month", SA_MONTH, 0 }, { "weekday", SA_WEEKDAY, 0 }, { "hour", SA_HOUR, 0 },
    { "holidays", SA_HOLIDAYS, 0 }, { "holidays_each", SA_HOLIDAYS_EACH, 0 },
    { "T", SA_T, 0 }, { "T2", SA_T2, 0 }, { "T3", SA_T3, 0 },
    { "hdd", SA_HDD, 2 }, { "cdd", SA_CDD, 2 },
    { "fourier_daily", SA_FOURIER_DAILY, 1 }, { "fourier_weekly", SA_FOURIER_WEEKLY, 1 },
    { "fourier_annual", SA_FOURIER_ANNUAL, 1 }, { "lag", SA_LAG, 1 },
};

size_t spec_atom_width(const spec_atom *a)
{
    switch (a->kind) {
    case SA_MONTH: return 12;
    case SA_WEEKDAY: return 7;
    case SA_HOUR: return 24;
    case SA_HOLIDAYS: return 3;
    case SA_HOLIDAYS_EACH: return 13;
    case SA_FOURIER_DAILY:
    case SA_FOURIER_WEEKLY:
    case SA_FOURIER_ANNUAL: return 2 * (size_t)a->arg;
    default: return 1;
    }
}

static int uses(const spec *s, int temp)
{
    for (size_t t = 0; t < s->nterm; t++)
        for (int a = 0; a < s->term[t].natom; a++) {
            spec_atom_kind k = s->term[t].atom[a].kind;
            if (temp && (k == SA_T || k == SA_T2 || k == SA_T3 || k == SA_HDD || k == SA_CDD))
                return 1;
            if (!temp && k == SA_LAG) return 1;
        }
    return 0;
}
int spec_needs_temp(const spec *s) { return uses(s, 1); }
int spec_needs_load(const spec *s) { return uses(s, 0); }

void spec_free(spec *s)
{
    if (!s) return;
    mem_free(s->name);
    mem_free(s->text);
    mem_free(s->term);
    mem_free(s);
}

/* Parse one atom token tok[0..len). */
static int parse_atom(const char *tok, size_t len, const char *src, int line, spec_atom *a)
{
    const char *paren = memchr(tok, '(', len);
    size_t nlen = paren ? (size_t)(paren - tok) : len;
    for (size_t i = 0; i < sizeof atoms / sizeof atoms[0]; i++) {
        if (strlen(atoms[i].name) != nlen || memcmp(atoms[i].name, tok, nlen) != 0) continue;
        a->kind = atoms[i].kind;
        a->arg = 0;
        if (!atoms[i].has_arg) {
            if (paren)
                return err_set(HR_EFORMAT, "%s:%d: term '%.*s' takes no argument", src, line,
                              (int)len, tok);
            return HR_OK;
        }
        if (!paren || tok[len - 1] != ')' || len - nlen < 3)
            return err_set(HR_EFORMAT, "%s:%d: term '%.*s' needs an argument, e.g. %s(%s)", src,
                          line, (int)len, tok, atoms[i].name, atoms[i].has_arg == 1 ? "3" : "65");
        char buf[64];
        size_t alen = len - nlen - 2;
        if (alen >= sizeof buf) alen = sizeof buf - 1;
        memcpy(buf, paren + 1, alen);
        buf[alen] = '\0';
        char *end;
        errno = 0;
        double v = strtod(buf, &end);
        if (end == buf || *end || errno || !isfinite(v) ||
            (atoms[i].has_arg == 1 && (v < 1 || v > 100000 || v != floor(v))))
            return err_set(HR_EFORMAT, "%s:%d: term '%.*s': bad argument '%s'%s", src, line,
                          (int)len, tok, buf, atoms[i].has_arg == 1 ? " (want an integer >= 1)" : "");
        /* harmonics beyond the Nyquist pair of an hourly grid are aliases */
        double kmax = a->kind == SA_FOURIER_DAILY ? 12 : a->kind == SA_FOURIER_WEEKLY ? 84
                    : a->kind == SA_FOURIER_ANNUAL ? 182 : 1e5;
        if (v > kmax)
            return err_set(HR_EFORMAT, "%s:%d: term '%.*s': at most %g harmonics", src, line,
                          (int)len, tok, kmax);
        a->arg = v;
        return HR_OK;
    }
    return err_set(HR_EFORMAT, "%s:%d: unknown term '%.*s'", src, line, (int)len, tok);
}

static int parse_term(const char *tok, size_t len, const char *src, int line, spec_term *t)
{
    t->natom = 0;
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && tok[j] != ':') j++;
        if (j == i)
            return err_set(HR_EFORMAT, "%s:%d: empty factor in term '%.*s'", src, line, (int)len, tok);
        if (t->natom == SPEC_MAX_ATOMS)
            return err_set(HR_EFORMAT, "%s:%d: term '%.*s' has more than %d factors", src, line,
                          (int)len, tok, SPEC_MAX_ATOMS);
        int rc = parse_atom(tok + i, j - i, src, line, &t->atom[t->natom]);
        if (rc) return rc;
        for (int a = 0; a < t->natom; a++)
            if (t->atom[a].kind == t->atom[t->natom].kind)
                return err_set(HR_EFORMAT, "%s:%d: term '%.*s' repeats a factor", src, line,
                              (int)len, tok);
        t->natom++;
        i = j + 1;
    }
    return HR_OK;
}

/* Split line into whitespace tokens (at most cap); returns the count. */
static int tokens(char *line, char **tok, int cap)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r", &save); t && n < cap; t = strtok_r(NULL, " \t\r", &save))
        tok[n++] = t;
    return n;
}

size_t spec_arima_state(int p, int d, int q, int P, int D, int Q, int s)
{
    size_t pe = (size_t)p + (size_t)s * (size_t)P, qe = (size_t)q + (size_t)s * (size_t)Q;
    return (pe > qe + 1 ? pe : qe + 1) + (size_t)d + (size_t)s * (size_t)D;
}

size_t spec_term_width(const spec_term *t)
{
    size_t w = 1;
    for (int a = 0; a < t->natom; a++) w *= spec_atom_width(&t->atom[a]);
    return w;
}

/* Add term t's columns to *cols; HR_EFORMAT beyond SPEC_MAX_COLUMNS (checked
 * per term, so a few bytes of text cannot ask for a design of gigabytes). */
static int add_columns(size_t *cols, const spec_term *t, const char *src, int line)
{
    *cols += spec_term_width(t);
    if (*cols > SPEC_MAX_COLUMNS)
        return err_set(HR_EFORMAT, "%s:%d: the terms make more than %d design columns", src, line,
                      SPEC_MAX_COLUMNS);
    return HR_OK;
}

static int parse_int(const char *s, int lo, int hi, int *v)
{
    char *end;
    long x = strtol(s, &end, 10);
    if (end == s || *end || x < lo || x > hi) return -1;
    *v = (int)x;
    return 0;
}

int spec_parse(const char *text, size_t len, const char *src, spec **out)
{
    if (out) *out = NULL;
    if (!text || !out) return err_set(HR_EINVAL, "spec_parse: NULL argument");
    if (!src) src = "<spec>";
    spec *s = mem_calloc(1, sizeof *s);
    char *buf = mem_alloc(len + 1);
    size_t cap = 16;
    int rc = HR_OK;
    if (!s || !buf || !(s->text = mem_alloc(len + 1)) || !(s->term = mem_array(cap, sizeof *s->term))) {
        rc = err_set(HR_ENOMEM, "%s: out of memory", src);
        goto fail;
    }
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    memcpy(buf, text, len);
    buf[len] = '\0';
    s->trend_epoch = SPEC_TREND_EPOCH;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int ln = 1;
        for (const char *q = text; q < nul; q++) ln += *q == '\n';
        rc = err_set(HR_EFORMAT, "%s:%d: NUL byte in specification", src, ln);
        goto fail;
    }
    int line = 0, have_temp = 0, have_err = 0, have_tr = 0, have_aw = 0, have_w = 0,
        have_em = 0, have_var = 0, have_cal = 0, have_ef = 0, have_mean = 0, have_drift = 0;
    size_t cols = 0; /* design columns of term and term-if-temperature lines */
    char *p = buf;
    while (p && p < buf + len + 1 && *p != '\0') {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        line++;
        char *hash = strchr(p, '#');
        if (hash) *hash = '\0';
        char *tok[64];
        int nt = tokens(p, tok, 64);
        p = nl ? nl + 1 : NULL;
        if (nt == 0) continue;
        if (nt == 64) { rc = err_set(HR_EFORMAT, "%s:%d: line too long", src, line); goto fail; }
        if (!strcmp(tok[0], "name")) {
            if (nt != 2 || s->name) {
                rc = err_set(HR_EFORMAT, "%s:%d: want one 'name NAME' line", src, line);
                goto fail;
            }
            if (!(s->name = mem_strdup(tok[1]))) { rc = err_set(HR_ENOMEM, "%s: out of memory", src); goto fail; }
        } else if (!strcmp(tok[0], "temperature")) {
            if (nt != 2 || have_temp || (strcmp(tok[1], "celsius") && strcmp(tok[1], "fahrenheit"))) {
                rc = err_set(HR_EFORMAT, "%s:%d: want one 'temperature celsius|fahrenheit' line", src, line);
                goto fail;
            }
            have_temp = 1;
            s->fahrenheit = !strcmp(tok[1], "fahrenheit");
        } else if (!strcmp(tok[0], "trend-epoch")) {
            cal_civil c;
            int has_off = 0, off = 0, dst = 0;
            if (nt != 2 || cal_parse_time(tok[1], strlen(tok[1]), 0, &c, &has_off, &off, &dst)) {
                rc = err_set(HR_EFORMAT, "%s:%d: want 'trend-epoch YYYY-MM-DDTHH:MM:SSZ'", src, line);
                goto fail;
            }
            s->trend_epoch = cal_civil_to_utc(&c) - (has_off ? off : 0);
        } else if (!strcmp(tok[0], "term")) {
            if (nt < 2) { rc = err_set(HR_EFORMAT, "%s:%d: 'term' without terms", src, line); goto fail; }
            for (int i = 1; i < nt; i++) {
                if (s->nterm == cap) {
                    spec_term *t = mem_realloc(s->term, 2 * cap * sizeof *t);
                    if (!t) { rc = err_set(HR_ENOMEM, "%s: out of memory", src); goto fail; }
                    s->term = t;
                    cap *= 2;
                }
                rc = parse_term(tok[i], strlen(tok[i]), src, line, &s->term[s->nterm]);
                if (!rc) rc = add_columns(&cols, &s->term[s->nterm], src, line);
                if (rc) goto fail;
                s->nterm++;
            }
        } else if (!strcmp(tok[0], "term-if-temperature")) {
            /* checked here, used once the data is known (spec_with_temperature) */
            if (nt < 2) { rc = err_set(HR_EFORMAT, "%s:%d: 'term-if-temperature' without terms", src, line); goto fail; }
            for (int i = 1; i < nt; i++) {
                spec_term t;
                if ((rc = parse_term(tok[i], strlen(tok[i]), src, line, &t)) ||
                    (rc = add_columns(&cols, &t, src, line)))
                    goto fail;
            }
            s->opt_temp = 1;
        } else if (!strcmp(tok[0], "errors")) {
            spec_errors *e = &s->errors;
            int bad = have_err || nt < 2;
            if (!bad && !strcmp(tok[1], "none")) bad = nt != 2;
            else if (!bad && !strcmp(tok[1], "arima")) {
                int *f[7] = { &e->p, &e->d, &e->q, &e->P, &e->D, &e->Q, &e->s };
                /* orders as R's arima accepts them in practice: p, q up to 30
                 * (AR(11) on lynx is a textbook case), seasonal up to 10 */
                static const int hi[7] = { SPEC_MAX_PQ, 3, SPEC_MAX_PQ, SPEC_MAX_SPQ, 2, SPEC_MAX_SPQ, 10000 };
                static const char *const nm[7] = { "p", "d", "q", "P", "D", "Q", "s" };
                bad = nt != 9;
                for (int i = 0; !bad && i < 7; i++) {
                    int v;
                    if (parse_int(tok[2 + i], 0, 1000000, &v)) { bad = 1; break; }
                    if (v > hi[i]) {
                        rc = err_set(HR_EFORMAT, "%s:%d: errors arima: %s = %d is out of range 0..%d", src,
                                    line, nm[i], v, hi[i]);
                        goto fail;
                    }
                    *f[i] = v;
                }
                e->kind = SPEC_ERR_ARIMA;
                if (!bad && spec_arima_state(e->p, e->d, e->q, e->P, e->D, e->Q, e->s) > SPEC_MAX_ARIMA_STATE) {
                    rc = err_set(HR_EFORMAT, "%s:%d: 'errors arima': state dimension max(p + sP, q + sQ + 1) + d + sD "
                                            "is %zu (at most %d)", src, line,
                                spec_arima_state(e->p, e->d, e->q, e->P, e->D, e->Q, e->s), SPEC_MAX_ARIMA_STATE);
                    goto fail;
                }
            } else if (!bad && !strcmp(tok[1], "auto-arima")) {
                /* the search's largest candidate: p, q <= 5, P, Q <= 2, d <= 2, D <= 1 */
                bad = nt != 3 || parse_int(tok[2], 1, 10000, &e->s);
                e->kind = SPEC_ERR_AUTO_ARIMA;
                if (!bad && spec_arima_state(5, 2, 5, 2, 1, 2, e->s) > SPEC_MAX_ARIMA_STATE) {
                    rc = err_set(HR_EFORMAT, "%s:%d: 'errors auto-arima %d': period too long for the search's "
                                            "orders (state dimension at most %d: s <= 170)", src, line, e->s,
                                SPEC_MAX_ARIMA_STATE);
                    goto fail;
                }
            } else if (!bad && !strcmp(tok[1], "direct")) {
                bad = (nt != 3 && nt != 4) || parse_int(tok[2], 30, 3650, &e->days);
                if (!bad && nt == 4) e->op = !(bad = strcmp(tok[3], "operator") != 0);
                e->kind = SPEC_ERR_DIRECT;
            } else bad = 1;
            if (bad) {
                rc = err_set(HR_EFORMAT, "%s:%d: want 'errors none', 'errors arima p d q P D Q s', "
                                        "'errors auto-arima s' or 'errors direct DAYS [operator]' (30..3650)",
                            src, line);
                goto fail;
            }
            have_err = 1;
        } else if (!strcmp(tok[0], "transform")) {
            if (nt != 2 || have_tr || (strcmp(tok[1], "log") && strcmp(tok[1], "none"))) {
                rc = err_set(HR_EFORMAT, "%s:%d: want one 'transform log|none' line", src, line);
                goto fail;
            }
            have_tr = 1;
            s->log_transform = !strcmp(tok[1], "log");
        } else if (!strcmp(tok[0], "error-mean")) {
            if (nt != 2 || have_em || (strcmp(tok[1], "yes") && strcmp(tok[1], "no"))) {
                rc = err_set(HR_EFORMAT, "%s:%d: want one 'error-mean yes|no' line", src, line);
                goto fail;
            }
            have_em = 1;
            s->error_mean = !strcmp(tok[1], "yes");
        } else if (!strcmp(tok[0], "mean")) {
            if (nt != 2 || have_mean || (strcmp(tok[1], "none") && strcmp(tok[1], "auto"))) {
                rc = err_set(HR_EFORMAT, "%s:%d: want one 'mean none|auto' line", src, line);
                goto fail;
            }
            have_mean = 1;
            s->no_mean = !strcmp(tok[1], "none");
        } else if (!strcmp(tok[0], "drift")) {
            if (nt != 2 || have_drift || (strcmp(tok[1], "yes") && strcmp(tok[1], "no"))) {
                rc = err_set(HR_EFORMAT, "%s:%d: want one 'drift yes|no' line", src, line);
                goto fail;
            }
            have_drift = 1;
            s->drift = !strcmp(tok[1], "yes");
        } else if (!strcmp(tok[0], "errors-fit")) {
            if (nt != 2 || have_ef || (strcmp(tok[1], "joint") && strcmp(tok[1], "two-stage"))) {
                rc = err_set(HR_EFORMAT, "%s:%d: want one 'errors-fit joint|two-stage' line", src, line);
                goto fail;
            }
            have_ef = 1;
            s->joint = !strcmp(tok[1], "joint");
        } else if (!strcmp(tok[0], "calibrate")) {
            if (nt != 2 || have_cal || parse_int(tok[1], 0, 365, &s->calibrate)) {
                rc = err_set(HR_EFORMAT, "%s:%d: want one 'calibrate DAYS' line (0..365)", src, line);
                goto fail;
            }
            have_cal = 1;
        } else if (!strcmp(tok[0], "variance")) {
            if (nt != 2 || have_var || (strcmp(tok[1], "hourly") && strcmp(tok[1], "constant"))) {
                rc = err_set(HR_EFORMAT, "%s:%d: want one 'variance hourly|constant' line", src, line);
                goto fail;
            }
            have_var = 1;
            s->var_hourly = !strcmp(tok[1], "hourly");
        } else if (!strcmp(tok[0], "arima-window") || !strcmp(tok[0], "window")) {
            int aw = !strcmp(tok[0], "arima-window"), v;
            if (nt != 2 || (aw ? have_aw : have_w) || parse_int(tok[1], 0, 1000000, &v) ||
                (v > 0 && v < 48)) {
                rc = err_set(HR_EFORMAT, "%s:%d: want one '%s H' line, H = 0 (all) or 48..1000000 hours",
                            src, line, tok[0]);
                goto fail;
            }
            if (aw) have_aw = 1, s->arima_window = (size_t)v + 1;
            else have_w = 1, s->window = (size_t)v;
        } else {
            rc = err_set(HR_EFORMAT, "%s:%d: unknown directive '%s' (want name, temperature, "
                                    "trend-epoch, term, term-if-temperature, errors, errors-fit, transform, arima-window, window, "
                                    "error-mean, mean, drift, variance or calibrate)",
                        src, line, tok[0]);
            goto fail;
        }
    }
    /* forecast::Arima(include.drift = TRUE): a linear trend in the errors of
     * a once-differenced model (with d + D = 0 the saved model's filter,
     * restarted on newer hours, would move the trend's origin) */
    if (s->drift && (s->errors.kind != SPEC_ERR_ARIMA || s->errors.d + s->errors.D != 1)) {
        rc = err_set(HR_EFORMAT, "%s: 'drift yes' needs 'errors arima' with d + D = 1", src);
        goto fail;
    }
    /* A pure (seasonal) ARIMA has no regression terms; anything else needs one. */
    if (s->nterm == 0 && s->errors.kind == SPEC_ERR_DIRECT) {
        rc = err_set(HR_EFORMAT, "%s: 'errors direct' corrects a regression: it needs 'term' lines", src);
        goto fail;
    }
    if (s->nterm == 0 && s->errors.kind == SPEC_ERR_NONE) {
        rc = err_set(HR_EFORMAT, "%s: no 'term' line (and no 'errors' model)", src);
        goto fail;
    }
    mem_free(buf);
    *out = s;
    return HR_OK;
fail:
    mem_free(buf);
    spec_free(s);
    return rc;
}

/* 1 if term t has an atom of the annual cycle or of multi-year growth. */
static int term_is_annual(const spec_term *t)
{
    for (int a = 0; a < t->natom; a++)
        if (t->atom[a].kind == SA_MONTH || t->atom[a].kind == SA_FOURIER_ANNUAL ||
            t->atom[a].kind == SA_TREND)
            return 1;
    return 0;
}

/* A spec rewritten line by line: fn(line, &w, ud) writes each line's
 * replacement at w (advancing it; at most the line's length plus 1, plus
 * `extra` bytes in all), then fn(NULL, &w, ud) anything to append; *out =
 * the parse of the result. */
typedef void (*line_fn)(char *line, char **w, void *ud);

static int rewrite(const spec *s, size_t extra, line_fn fn, void *ud, spec **out)
{
    size_t len = strlen(s->text);
    char *t = mem_alloc(len + extra + 2), *buf = mem_strdup(s->text), *w = t;
    if (!t || !buf) {
        mem_free(t);
        mem_free(buf);
        return err_set(HR_ENOMEM, "out of memory");
    }
    *w = '\0';
    for (char *p = buf; p && *p;) {
        char *nl = strchr(p, '\n'), *line = p;
        if (nl) *nl = '\0';
        p = nl ? nl + 1 : NULL;
        fn(line, &w, ud);
    }
    fn(NULL, &w, ud);
    mem_free(buf);
    int st = spec_parse(t, strlen(t), s->name ? s->name : "spec", out);
    mem_free(t);
    return st;
}

/* 1 if line (leading blanks skipped into *rest) starts with directive kw. */
static int is_directive(char *line, const char *kw, char **rest)
{
    char *q = line + strspn(line, " \t");
    size_t n = strlen(kw);
    if (strncmp(q, kw, n) || !q[n] || !strchr(" \t", q[n])) return 0;
    *rest = q + n;
    return 1;
}

/* spec_without_annual's lines: term lines keep their other terms (a line
 * left empty goes; 'term intercept' is appended if no term is left at
 * all), every other line is kept verbatim. ud: the count of terms kept. */
static void drop_annual(char *line, char **w, void *ud)
{
    size_t *kept = ud;
    char *rest;
    if (!line) {
        if (!*kept) *w += sprintf(*w, "term intercept\n");
        return;
    }
    if (!is_directive(line, "term", &rest)) {
        *w += sprintf(*w, "%s\n", line);
        return;
    }
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    char *tok[64], *save = NULL;
    int nt = 0;
    for (char *x = strtok_r(line, " \t\r", &save); x && nt < 64; x = strtok_r(NULL, " \t\r", &save))
        tok[nt++] = x;
    int any = 0;
    for (int i = 1; i < nt; i++) {
        spec_term term;
        if (parse_term(tok[i], strlen(tok[i]), "spec", 0, &term) == HR_OK && term_is_annual(&term))
            continue;
        *w += sprintf(*w, "%s%s", any ? " " : "term ", tok[i]);
        any = 1, ++*kept;
    }
    if (any) *(*w)++ = '\n', **w = '\0';
}

int spec_without_annual(const spec *s, spec **out)
{
    *out = NULL;
    size_t k = 0;
    while (k < s->nterm && !term_is_annual(&s->term[k])) k++;
    if (k == s->nterm) return HR_OK;
    size_t kept = 0;
    return rewrite(s, 64, drop_annual, &kept, out);
}

/* spec_with_temperature's lines: 'term-if-temperature A B' becomes 'term
 * A B' (ud: 1) or goes (ud: 0); every other line is kept verbatim. */
static void resolve_temp(char *line, char **w, void *ud)
{
    char *rest;
    if (!line) return;
    if (!is_directive(line, "term-if-temperature", &rest)) *w += sprintf(*w, "%s\n", line);
    else if (*(const int *)ud) *w += sprintf(*w, "term%s\n", rest);
}

int spec_with_temperature(const spec *s, int have_temp, spec **out)
{
    *out = NULL;
    if (!s->opt_temp) return HR_OK;
    return rewrite(s, 0, resolve_temp, &have_temp, out);
}

int spec_load(const char *name_or_path, const char *dir, spec **out)
{
    if (out) *out = NULL;
    if (!name_or_path || !*name_or_path || !out) return err_set(HR_EINVAL, "spec_load: no model name");
    size_t nl = strlen(name_or_path);
    int is_path = strchr(name_or_path, '/') || (nl > 5 && !strcmp(name_or_path + nl - 5, ".spec"));
    char path[4096];
    if (!dir || !*dir) dir = spec_install_dir();
    int w = is_path ? snprintf(path, sizeof path, "%s", name_or_path)
                    : snprintf(path, sizeof path, "%s/%s.spec", dir, name_or_path);
    if (w < 0 || (size_t)w >= sizeof path) return err_set(HR_EINVAL, "spec_load: path too long");
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        if (is_path) return err_set(HR_ENOTFOUND, "%s: no such model specification", path);
        char names[1024];
        if (spec_list(dir, names, sizeof names) != HR_OK || !names[0])
            return err_set(HR_ENOTFOUND, "model '%s': %s has no specifications (set "
                          "hr_fit_opts.models_dir)", name_or_path, dir);
        return err_set(HR_ENOTFOUND, "model '%s' not found in %s (available: %s, arima, "
                      "auto-arima, or a .spec path)", name_or_path, dir, names);
    }
    char *text;
    size_t len;
    int rc = read_text_file(path, (size_t)1 << 20, &text, &len);
    if (rc) return rc;
    if (!rc) rc = spec_parse(text, len, path, out);
    if (!rc && !(*out)->name) {
        /* default name: file name without directory and .spec */
        const char *b = strrchr(path, '/');
        b = b ? b + 1 : path;
        size_t bl = strlen(b);
        if (bl > 5 && !strcmp(b + bl - 5, ".spec")) bl -= 5;
        char *nm = mem_alloc(bl + 1);
        if (!nm) {
            spec_free(*out);
            *out = NULL;
            rc = err_set(HR_ENOMEM, "%s: out of memory", path);
        } else {
            memcpy(nm, b, bl);
            nm[bl] = '\0';
            (*out)->name = nm;
        }
    }
    mem_free(text);
    return rc;
}

const char *hr_models_dir(void) { return spec_install_dir(); }

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int spec_list(const char *dir, char *buf, size_t cap)
{
    if (!buf || cap == 0) return err_set(HR_EINVAL, "hr_models_list: buf NULL or cap 0");
    buf[0] = '\0';
    if (!dir || !*dir) dir = spec_install_dir();
    DIR *d = opendir(dir);
    if (!d) return err_set(errno == ENOENT ? HR_ENOTFOUND : HR_EIO, "%s: %s", dir, strerror(errno));
    /* sorted: readdir's order is the file system's */
    enum { MAXN = 256 };
    char *name[MAXN];
    size_t n = 0;
    int rc = HR_OK;
    struct dirent *e;
    while ((e = readdir(d)) && n < MAXN) {
        size_t l = strlen(e->d_name);
        if (l <= 5 || strcmp(e->d_name + l - 5, ".spec") || e->d_name[0] == '.') continue;
        if (!(name[n] = mem_alloc(l - 4))) { rc = err_set(HR_ENOMEM, "hr_models_list: out of memory"); break; }
        memcpy(name[n], e->d_name, l - 5);
        name[n++][l - 5] = '\0';
    }
    closedir(d);
    if (!rc) qsort(name, n, sizeof *name, cmp_str);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(name[i]);
        if (!rc && used + l + (i ? 2 : 0) + 1 > cap)
            rc = err_set(HR_EINVAL, "hr_models_list: cap %zu too small", cap);
        if (!rc) used += (size_t)sprintf(buf + used, "%s%s", i ? ", " : "", name[i]);
        mem_free(name[i]);
    }
    if (rc) buf[0] = '\0';
    return rc;
}

int hr_models_list(const char *dir, char *buf, size_t cap)
{
    err_clear();
    return spec_list(dir, buf, cap);
}
