/* report.c — renders the batch site-selection report (the output half of
 * `headroom report`): report_write() turns per-region results in plain
 * structs (report.h) into index.html (self-contained: inline CSS and SVG, no
 * scripts, no external resources), regions.csv, regions.json and run.json,
 * and swaps the new directory in atomically. Also exported: the FIPS 180-4
 * SHA-256 used for run.json (report_sha256_hex, report_sha256_file,
 * report_sha256_file_size), report_format_double (the number format of the
 * CSV/JSON files, for tests) and the initialisers report_region_init and
 * report_run_init.
 *
 * Why things are done this way:
 *  - All text is built in memory first, so nothing touches the disk until
 *    every input has been hashed and every page rendered.
 *  - Numbers are formatted under a thread-local "C" locale (newlocale +
 *    uselocale); the library never calls setlocale (STYLE.md section 2).
 *  - Region names are arbitrary bytes from input files: invalid UTF-8 is
 *    replaced by U+FFFD before HTML/JSON escaping so the outputs always parse.
 *  - An existing output directory is only replaced when it holds nothing but
 *    the four files a report writes: a mistyped `-o ~` must never delete data.
 */
#include "report/report.h"
#include "time/calendar.h"
#include "util/error.h"
#include "util/mem.h"

#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ================================================================ SHA-256
 * FIPS 180-4 (2015), section 6.2. Symbols as in the standard: W = message
 * schedule, a..h working variables, H = hash value, K = round constants
 * (first 32 bits of the fractional parts of the cube roots of the first 64
 * primes, section 4.2.2). */
typedef struct {
    uint32_t H[8];
    uint64_t nbytes;
    uint8_t buf[64];
    size_t nbuf;
} sha256_ctx;

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_init(sha256_ctx *c)
{
    /* Section 5.3.3: initial hash value H(0). */
    static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->H, H0, sizeof H0);
    c->nbytes = 0;
    c->nbuf = 0;
}

/* One 512-bit block, section 6.2.2 steps 1-4. */
static void sha256_block(uint32_t H[8], const uint8_t *M)
{
    uint32_t W[64];
    for (int t = 0; t < 16; t++)
        W[t] = (uint32_t)M[4 * t] << 24 | (uint32_t)M[4 * t + 1] << 16 |
               (uint32_t)M[4 * t + 2] << 8 | (uint32_t)M[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = ROTR(W[t - 15], 7) ^ ROTR(W[t - 15], 18) ^ (W[t - 15] >> 3);  /* sigma0 */
        uint32_t s1 = ROTR(W[t - 2], 17) ^ ROTR(W[t - 2], 19) ^ (W[t - 2] >> 10);   /* sigma1 */
        W[t] = s1 + W[t - 7] + s0 + W[t - 16];
    }
    uint32_t a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (int t = 0; t < 64; t++) {
        uint32_t S1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);   /* Sigma1 */
        uint32_t ch = (e & f) ^ (~e & g);                       /* Ch     */
        uint32_t T1 = h + S1 + ch + K256[t] + W[t];
        uint32_t S0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);   /* Sigma0 */
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);             /* Maj    */
        uint32_t T2 = S0 + maj;
        h = g; g = f; f = e; e = d + T1; d = c; c = b; b = a; a = T1 + T2;
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
}

static void sha256_update(sha256_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    c->nbytes += len;
    if (c->nbuf) {
        size_t k = 64 - c->nbuf < len ? 64 - c->nbuf : len;
        memcpy(c->buf + c->nbuf, p, k);
        c->nbuf += k; p += k; len -= k;
        if (c->nbuf < 64) return;
        sha256_block(c->H, c->buf);
        c->nbuf = 0;
    }
    for (; len >= 64; p += 64, len -= 64) sha256_block(c->H, p);
    memcpy(c->buf, p, len);
    c->nbuf = len;
}

/* Padding, section 5.1.1: a 1 bit, zeros, then the 64-bit message length in
 * bits, big-endian, so the padded length is a multiple of 512 bits. */
static void sha256_final(sha256_ctx *c, char hex[65])
{
    uint64_t bits = c->nbytes * 8;
    uint8_t pad[72] = {0x80};
    size_t npad = (c->nbuf < 56 ? 56 : 120) - c->nbuf;
    for (int i = 0; i < 8; i++) pad[npad + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(c, pad, npad + 8);
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        uint8_t byte = (uint8_t)(c->H[i / 4] >> (24 - 8 * (i % 4)));
        hex[2 * i] = digits[byte >> 4];
        hex[2 * i + 1] = digits[byte & 15];
    }
    hex[64] = '\0';
}

void report_sha256_hex(const void *data, size_t len, char hex[65])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, data, len);
    sha256_final(&c, hex);
}

int report_sha256_file_size(const char *path, char hex[65], uint64_t *size_out)
{
    if (!path || !hex) return hr_err(HR_EINVAL, "report_sha256_file: NULL argument");
    FILE *f = fopen(path, "rb");
    if (!f) return hr_err(HR_EIO, "%s: cannot open: %s", path, strerror(errno));
    uint8_t *buf = mem_alloc(1 << 16);
    if (!buf) {
        fclose(f);
        return hr_err(HR_ENOMEM, "%s: out of memory", path);
    }
    sha256_ctx c;
    sha256_init(&c);
    size_t k;
    while ((k = fread(buf, 1, 1 << 16, f)) > 0) sha256_update(&c, buf, k);
    int bad = ferror(f);
    fclose(f);
    mem_free(buf);
    if (bad) return hr_err(HR_EIO, "%s: read error", path);
    if (size_out) *size_out = c.nbytes;
    sha256_final(&c, hex);
    return HR_OK;
}

int report_sha256_file(const char *path, char hex[65])
{
    return report_sha256_file_size(path, hex, NULL);
}

/* ================================================================ init */

void report_region_init(report_region *r)
{
    memset(r, 0, sizeof *r);
    r->peak_mw = NAN;
    r->load_factor = NAN;
    r->heatmap_budget_pct = NAN;
    r->quality.peak_mw = NAN;
    r->quality.mean_mw = NAN;
    r->genmix.cf_share_pct = NAN;
    r->genmix.cf_share_curtailed_pct = NAN;
}

void report_run_init(report_run *r) { memset(r, 0, sizeof *r); }

/* ================================================================ buffer */

typedef struct {
    char *p;
    size_t len, cap;
    int oom; /* sticky: any failed growth makes the whole render fail */
} sbuf;

static int sb_grow(sbuf *s, size_t extra)
{
    if (s->oom) return 0;
    if (s->len + extra + 1 <= s->cap) return 1;
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->len + extra + 1) cap *= 2;
    char *p = mem_realloc(s->p, cap);
    if (!p) {
        s->oom = 1;
        return 0;
    }
    s->p = p;
    s->cap = cap;
    return 1;
}

static void sb_putn(sbuf *s, const char *t, size_t n)
{
    if (!sb_grow(s, n)) return;
    memcpy(s->p + s->len, t, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void sb_put(sbuf *s, const char *t) { sb_putn(s, t, strlen(t)); }

static void sb_printf(sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *s, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if ((size_t)k < sizeof tmp) {
        sb_putn(s, tmp, (size_t)k);
        return;
    }
    if (!sb_grow(s, (size_t)k)) return;
    va_start(ap, fmt);
    vsnprintf(s->p + s->len, (size_t)k + 1, fmt, ap);
    va_end(ap);
    s->len += (size_t)k;
}

/* Length of the valid UTF-8 sequence starting at p (RFC 3629: no overlongs,
 * no surrogates, <= U+10FFFF), or 0 if the bytes there are not valid. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80) return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (p[0] == 0xE0 && p[1] < 0xA0) return 0;
        if (p[0] == 0xED && p[1] > 0x9F) return 0;
        return 3;
    }
    if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
        if (p[0] == 0xF0 && p[1] < 0x90) return 0;
        if (p[0] == 0xF4 && p[1] > 0x8F) return 0;
        return 4;
    }
    return 0;
}

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* Escape one ASCII byte c for HTML (json == 0) or a JSON string (json == 1). */
static void esc_ascii(sbuf *s, unsigned char c, int json)
{
    if (json) {
        switch (c) {
        case '"': sb_put(s, "\\\""); return;
        case '\\': sb_put(s, "\\\\"); return;
        case '\n': sb_put(s, "\\n"); return;
        case '\r': sb_put(s, "\\r"); return;
        case '\t': sb_put(s, "\\t"); return;
        default:
            if (c < 0x20) sb_printf(s, "\\u%04x", c);
            else sb_putn(s, (const char *)&c, 1);
            return;
        }
    }
    switch (c) {
    case '&': sb_put(s, "&amp;"); return;
    case '<': sb_put(s, "&lt;"); return;
    case '>': sb_put(s, "&gt;"); return;
    case '"': sb_put(s, "&quot;"); return;
    case '\'': sb_put(s, "&#39;"); return;
    default:
        if (c >= 0x20 || c == '\t' || c == '\n') sb_putn(s, (const char *)&c, 1);
    }
}

/* Valid UTF-8 sequences are copied, invalid bytes become U+FFFD, ASCII is
 * escaped by esc_ascii. */
static void sb_escaped(sbuf *s, const char *t, int json)
{
    const unsigned char *p = (const unsigned char *)t;
    while (*p) {
        size_t k = utf8_len(p);
        if (k == 0) {
            sb_put(s, REPLACEMENT);
            p++;
        } else if (k > 1) {
            sb_putn(s, (const char *)p, k);
            p += k;
        } else
            esc_ascii(s, *p++, json);
    }
}

/* HTML text and attribute escaping (the five characters of HTML 5's
 * "escapingString" plus apostrophe); C0 controls other than tab/newline
 * dropped, invalid UTF-8 replaced. */
static void sb_html(sbuf *s, const char *t) { sb_escaped(s, t ? t : "", 0); }

/* A JSON string literal (RFC 8259 section 7), quotes included. */
static void sb_json_str(sbuf *s, const char *t)
{
    if (!t) {
        sb_put(s, "null");
        return;
    }
    sb_put(s, "\"");
    sb_escaped(s, t, 1);
    sb_put(s, "\"");
}

/* A CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF,
 * or leading/trailing blanks; quotes doubled. */
static void sb_csv_str(sbuf *s, const char *t)
{
    t = t ? t : "";
    size_t n = strlen(t);
    int quote = strpbrk(t, ",\"\r\n") != NULL || (n && (t[0] == ' ' || t[n - 1] == ' '));
    if (!quote) {
        sb_putn(s, t, n);
        return;
    }
    sb_put(s, "\"");
    for (const char *p = t; *p; p++) {
        if (*p == '"') sb_put(s, "\"\"");
        else sb_putn(s, p, 1);
    }
    sb_put(s, "\"");
}

/* ================================================================ numbers
 * All of these run with the "C" numeric locale installed by the caller
 * (report_write / report_format_double). */

/* Shortest %.*g (15..17 digits) that reads back as the same double. */
static void fmt_rt(char *buf, size_t cap, double x)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) return;
    }
}

/* Fixed decimals with comma thousands grouping, for the HTML page only.
 * NaN gives an en dash. */
static void fmt_grp(char *buf, size_t cap, double x, int dec)
{
    if (!isfinite(x)) {
        snprintf(buf, cap, "\xE2\x80\x93");
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", dec, x);
    if (strcmp(tmp, "-0") == 0 || (tmp[0] == '-' && strspn(tmp + 1, "0.") == strlen(tmp + 1)))
        memmove(tmp, tmp + 1, strlen(tmp)); /* "-0.0" -> "0.0" */
    const char *digits = tmp[0] == '-' ? tmp + 1 : tmp;
    size_t nint = strcspn(digits, ".");
    size_t o = 0;
    if (tmp[0] == '-' && o + 1 < cap) buf[o++] = '-';
    for (size_t i = 0; digits[i] && o + 2 < cap; i++) {
        buf[o++] = digits[i];
        if (i + 1 < nint && (nint - i - 1) % 3 == 0 && o + 2 < cap) buf[o++] = ',';
    }
    buf[o < cap ? o : cap - 1] = '\0';
}

void report_format_double(double x, char *buf, size_t cap)
{
    if (!buf || cap == 0) return;
    if (!isfinite(x)) {
        snprintf(buf, cap, "null");
        return;
    }
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;
    fmt_rt(buf, cap, x);
    if (c) {
        uselocale(old);
        freelocale(c);
    }
}

/* HTML number helpers. */
static void h_num(sbuf *s, double x, int dec)
{
    char b[64];
    fmt_grp(b, sizeof b, x, dec);
    sb_put(s, b);
}
/* MW: whole MW, one decimal below 10 MW (but a plain 0). */
static void h_mw(sbuf *s, double x) { h_num(s, x, fabs(x) < 10 && x != 0 ? 1 : 0); }

/* CSV/JSON number: shortest round-trip; NaN -> nan_text. */
static void d_num(sbuf *s, double x, const char *nan_text)
{
    if (!isfinite(x)) {
        sb_put(s, nan_text);
        return;
    }
    char b[40];
    fmt_rt(b, sizeof b, x);
    sb_put(s, b);
}

/* Budget as it appears in column names and labels: 0.25, 0.5, 1, 5. */
static void fmt_budget(char *buf, size_t cap, double b) { snprintf(buf, cap, "%g", b); }

/* ================================================================ time
 * Civil date from days since 1970-01-01 (H. Hinnant, "chrono-compatible
 * low-level date algorithms", days_from_civil inverse). */
static void civil(int64_t t_utc, int *y, int *m, int *d, int *hh)
{
    int64_t days = t_utc >= 0 ? t_utc / 86400 : -((-t_utc + 86399) / 86400);
    int64_t secs = t_utc - days * 86400;
    *hh = (int)(secs / 3600);
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void fmt_time(char *buf, size_t cap, int64_t t)
{
    int y, m, d, h;
    civil(t, &y, &m, &d, &h);
    int64_t rem = t - (t >= 0 ? t / 86400 : -((-t + 86399) / 86400)) * 86400;
    snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, h, (int)(rem % 3600 / 60),
             (int)(rem % 60));
}

static const char *const MONTH[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* ================================================================ SVG */

/* Palette (one blue family for headroom, orange for curtailment). */
#define C_INK "#1f2933"
#define C_MUTED "#616e7c"
#define C_GRID "#e6e9ed"
#define C_AXIS "#9aa5b1"
#define C_BLUE "#1f5f8b"
#define C_ORANGE "#d9622b"

/* Budget colours from dark (smallest budget) to light. */
static const char *budget_colour(size_t i, size_t nb)
{
    static const char *const ramp[6] = {"#0b3c5d", "#1f5f8b", "#3f88c5", "#7fb3dd", "#b7d4ec", "#dce9f5"};
    if (nb <= 1) return ramp[1];
    size_t k = nb <= 6 ? i + (nb <= 4 ? 1 : 0) : i * 5 / (nb - 1);
    return ramp[k > 5 ? 5 : k];
}

typedef struct {
    double x0, y0, w, h;         /* plot area in SVG units  */
    double xmin, xmax, ymin, ymax;
} frame;

static double fx(const frame *f, double x) { return f->x0 + (x - f->xmin) / (f->xmax - f->xmin) * f->w; }
static double fy(const frame *f, double y) { return f->y0 + f->h - (y - f->ymin) / (f->ymax - f->ymin) * f->h; }

/* "Nice" tick step (1, 2 or 5 x 10^k) giving about `target` intervals over
 * [lo, hi], and the range widened to whole steps (Heckbert, "Nice numbers
 * for graph labels", Graphics Gems, 1990). */
static double nice_axis(double *lo, double *hi, int target)
{
    if (!(*hi > *lo)) {
        double pad = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1.0;
        *lo -= pad;
        *hi += pad;
    }
    double raw = (*hi - *lo) / target;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    *lo = floor(*lo / step + 1e-9) * step;
    *hi = ceil(*hi / step - 1e-9) * step;
    return step;
}

static int step_decimals(double step)
{
    if (step >= 1) return 0;
    int d = (int)ceil(-log10(step) - 1e-9);
    return d > 6 ? 6 : d;
}

static void svg_open(sbuf *s, int w, int h, const char *title, const char *name)
{
    sb_printf(s, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">"
                 "<title>",
              w, h, w, h);
    sb_html(s, title);
    if (name) {
        sb_put(s, " \xE2\x80\x94 ");
        sb_html(s, name);
    }
    sb_put(s, "</title>\n");
}

static void svg_close(sbuf *s) { sb_put(s, "</svg>\n"); }

/* Horizontal grid lines and labels of the y axis, plus its title. */
static void svg_yaxis(sbuf *s, const frame *f, double step, const char *label)
{
    int dec = step_decimals(step);
    sb_put(s, "<g class=\"ax\">");
    for (double v = f->ymin; v <= f->ymax + step * 1e-6; v += step) {
        double y = fy(f, v);
        char b[64];
        fmt_grp(b, sizeof b, fabs(v) < step * 1e-9 ? 0 : v, dec);
        sb_printf(s, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dy=\"0.32em\">%s</text>",
                  f->x0, f->x0 + f->w, y, y, f->x0 - 6, y, b);
    }
    if (label) {
        sb_printf(s, "<text class=\"at\" transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"middle\">",
                  f->x0 - 60, f->y0 + f->h / 2);
        sb_html(s, label);
        sb_put(s, "</text>");
    }
    sb_put(s, "</g>\n");
}

/* Vertical grid lines and labels of a numeric x axis, plus its title. */
static void svg_xaxis(sbuf *s, const frame *f, double step, const char *label)
{
    int dec = step_decimals(step);
    sb_put(s, "<g class=\"ax\">");
    for (double v = f->xmin; v <= f->xmax + step * 1e-6; v += step) {
        double x = fx(f, v);
        char b[64];
        fmt_grp(b, sizeof b, fabs(v) < step * 1e-9 ? 0 : v, dec);
        sb_printf(s, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                  x, x, f->y0, f->y0 + f->h, x, f->y0 + f->h + 16, b);
    }
    if (label) {
        sb_printf(s, "<text class=\"at\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", f->x0 + f->w / 2,
                  f->y0 + f->h + 34);
        sb_html(s, label);
        sb_put(s, "</text>");
    }
    sb_put(s, "</g>\n");
}

static void svg_baseline(sbuf *s, const frame *f)
{
    sb_printf(s, "<line class=\"base\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", f->x0,
              f->x0 + f->w, f->y0 + f->h, f->y0 + f->h);
}

/* A path through (x[i], y[i]); NaN points break the line. Returns the number
 * of points drawn. */
static size_t svg_line(sbuf *s, const frame *f, const double *xs, const double *ys, size_t n,
                       double xstep, double x0v, const char *cls)
{
    size_t drawn = 0;
    int pen = 0;
    for (size_t i = 0; i < n; i++) {
        double xv = xs ? xs[i] : x0v + xstep * (double)i;
        double yv = ys[i];
        if (!isfinite(xv) || !isfinite(yv)) {
            pen = 0;
            continue;
        }
        if (drawn == 0) sb_printf(s, "<path class=\"%s\" d=\"", cls);
        sb_printf(s, "%s%.1f %.1f", pen ? " L" : (drawn ? " M" : "M"), fx(f, xv), fy(f, yv));
        pen = 1;
        drawn++;
    }
    if (drawn) sb_put(s, "\"/>\n");
    return drawn;
}

static void nodata(sbuf *s, const char *what)
{
    sb_put(s, "<div class=\"nodata\">No data: ");
    sb_html(s, what);
    sb_put(s, "</div>\n");
}

static int all_finite(const double *v, size_t n)
{
    if (!v) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

/* ---------------------------------------------------------------- charts */

#define CW 560
#define CH 300

static frame std_frame(void)
{
    frame f = {76, 14, CW - 76 - 18, CH - 14 - 48, 0, 1, 0, 1};
    return f;
}

/* Headroom-versus-curtailment: rate (%) against added flat MW, with the
 * solved headroom marked at each budget. */
static void chart_curve(sbuf *s, const report_region *r)
{
    size_t n = r->ncurve;
    if (n < 2 || !r->curve_mw || !r->curve_rate_pct) {
        nodata(s, "headroom-versus-curtailment curve not computed");
        return;
    }
    double bmax = 0;
    for (size_t j = 0; j < r->nbudgets; j++)
        if (isfinite(r->headroom[j].budget_pct) && r->headroom[j].budget_pct > bmax)
            bmax = r->headroom[j].budget_pct;
    /* Keep the curve up to twice the largest budget: beyond that the small
     * budgets would be squashed against the axis. */
    double cap = bmax > 0 ? 2 * bmax : INFINITY;
    size_t keep = 0;
    double xmax = 0, ymax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(r->curve_mw[i]) || !isfinite(r->curve_rate_pct[i])) continue;
        if (r->curve_rate_pct[i] > cap && keep > 0) break;
        keep = i + 1;
        if (r->curve_mw[i] > xmax) xmax = r->curve_mw[i];
        if (r->curve_rate_pct[i] > ymax) ymax = r->curve_rate_pct[i];
    }
    if (keep < 2 || !(xmax > 0)) {
        nodata(s, "headroom-versus-curtailment curve is empty");
        return;
    }
    frame f = std_frame();
    f.xmin = 0; f.xmax = xmax; f.ymin = 0; f.ymax = ymax > 0 ? ymax : 1;
    double xs = nice_axis(&f.xmin, &f.xmax, 6), ys = nice_axis(&f.ymin, &f.ymax, 5);
    svg_open(s, CW, CH, "Curtailment rate versus added flat load", r->name);
    svg_yaxis(s, &f, ys, "Curtailment (% of added energy)");
    svg_xaxis(s, &f, xs, "Added flat load (MW)");
    svg_baseline(s, &f);
    svg_line(s, &f, r->curve_mw, r->curve_rate_pct, keep, 0, 0, "ln-curve");
    size_t nleg = 0;
    for (size_t j = 0; j < r->nbudgets; j++) {
        const report_headroom *h = &r->headroom[j];
        if (!isfinite(h->headroom_mw) || !isfinite(h->budget_pct) || h->budget_pct > f.ymax ||
            h->headroom_mw > f.xmax)
            continue;
        double cx = fx(&f, h->headroom_mw), cy = fy(&f, h->budget_pct);
        sb_printf(s, "<path class=\"guide\" d=\"M%.1f %.1f H%.1f V%.1f\"/>", f.x0, cy, cx, f.y0 + f.h);
        nleg++;
    }
    /* Points on top of all guides, then a legend box in the upper left,
     * which the convex curve leaves empty. */
    if (nleg)
        sb_printf(s, "<rect class=\"lgbg\" x=\"%.1f\" y=\"%.1f\" width=\"178\" height=\"%.1f\"/>", f.x0 + 6,
                  f.y0 + 4, 16.0 * (double)nleg + 8);
    size_t row = 0;
    for (size_t j = 0; j < r->nbudgets; j++) {
        const report_headroom *h = &r->headroom[j];
        if (!isfinite(h->headroom_mw) || !isfinite(h->budget_pct) || h->budget_pct > f.ymax ||
            h->headroom_mw > f.xmax)
            continue;
        const char *col = budget_colour(j, r->nbudgets);
        char b[32], mw[64];
        fmt_budget(b, sizeof b, h->budget_pct);
        fmt_grp(mw, sizeof mw, h->headroom_mw, 0);
        double ly = f.y0 + 16 + 16.0 * (double)row++;
        sb_printf(s, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>"
                     "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>"
                     "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" dy=\"0.32em\">%s %% budget: %s MW</text>\n",
                  fx(&f, h->headroom_mw), fy(&f, h->budget_pct), col, f.x0 + 16, ly, col, f.x0 + 26, ly, b, mw);
    }
    svg_close(s);
}

/* Load-duration curve as % of peak. */
static void chart_ldc(sbuf *s, const report_region *r)
{
    size_t n = r->nldc, nfin = 0;
    double ymin = INFINITY;
    for (size_t i = 0; r->ldc_pct && i < n; i++)
        if (isfinite(r->ldc_pct[i])) {
            nfin++;
            if (r->ldc_pct[i] < ymin) ymin = r->ldc_pct[i];
        }
    if (nfin < 2) {
        nodata(s, "load-duration curve not computed");
        return;
    }
    frame f = std_frame();
    f.xmin = 0; f.xmax = 100;
    f.ymin = floor((ymin < 100 ? ymin : 90) / 10) * 10;
    f.ymax = 100;
    if (f.ymin < 0) f.ymin = 0;
    svg_open(s, CW, CH, "Load-duration curve", r->name);
    svg_yaxis(s, &f, f.ymax - f.ymin > 50 ? 20 : 10, "Load (% of peak)");
    svg_xaxis(s, &f, 20, "Share of hours at or above this load (%)");
    /* Area under the curve first, then its outline; more than ~400 points
     * add bytes but nothing visible at this width, so thin them (always
     * keeping the first and last point: the peak and the minimum). */
    double step = 100.0 / (double)(n - 1);
    size_t stride = n / 400 + 1;
    sb_put(s, "<path class=\"area\" d=\"");
    int first = 1;
    double lastx = 0, firstx = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(r->ldc_pct[i]) || (i % stride != 0 && i + 1 != n)) continue;
        double x = fx(&f, step * (double)i);
        if (first) firstx = x;
        sb_printf(s, "%s%.1f %.1f", first ? "M" : " L", x, fy(&f, r->ldc_pct[i]));
        lastx = x;
        first = 0;
    }
    sb_printf(s, " L%.1f %.1f L%.1f %.1f Z\"/>\n", lastx, f.y0 + f.h, firstx, f.y0 + f.h);
    sb_put(s, "<path class=\"ln-ldc\" d=\"");
    first = 1;
    int pen = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(r->ldc_pct[i])) {
            pen = 0;
            continue;
        }
        if (i % stride != 0 && i + 1 != n) continue;
        sb_printf(s, "%s%.1f %.1f", pen ? " L" : first ? "M" : " M", fx(&f, step * (double)i),
                  fy(&f, r->ldc_pct[i]));
        pen = 1;
        first = 0;
    }
    sb_put(s, "\"/>\n");
    svg_baseline(s, &f);
    svg_close(s);
}

/* Curtailed hours by hour of day (columns) and month (rows). */
static void chart_heatmap(sbuf *s, const report_region *r)
{
    double vmax = 0;
    size_t nfin = 0;
    for (size_t i = 0; r->heatmap && i < 24 * 12; i++)
        if (isfinite(r->heatmap[i])) {
            nfin++;
            if (r->heatmap[i] > vmax) vmax = r->heatmap[i];
        }
    if (nfin == 0) {
        nodata(s, "curtailment heatmap not computed");
        return;
    }
    /* ColorBrewer "Oranges" (Brewer 2002), 7 classes; zero gets a neutral grey. */
    static const char *const ramp[7] = {"#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c",
                                        "#f16913", "#d94801", "#8c2d04"};
    const double x0 = 40, y0 = 14, cw = 19, chh = 17;
    char bud[32], title[96];
    fmt_budget(bud, sizeof bud, r->heatmap_budget_pct);
    if (isfinite(r->heatmap_budget_pct))
        snprintf(title, sizeof title, "Curtailed hours per year by hour and month at %s %% budget", bud);
    else
        snprintf(title, sizeof title, "Curtailed hours per year by hour and month");
    svg_open(s, CW, CH, title, r->name);
    sb_put(s, "<g class=\"ax\">");
    for (int m = 0; m < 12; m++)
        sb_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dy=\"0.32em\">%s</text>", x0 - 6,
                  y0 + chh * (m + 0.5), MONTH[m]);
    for (int h = 0; h < 24; h += 3)
        sb_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%02d</text>", x0 + cw * (h + 0.5),
                  y0 + chh * 12 + 14, h);
    sb_printf(s, "<text class=\"at\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">Hour of day (UTC)</text>",
              x0 + cw * 12, y0 + chh * 12 + 32);
    sb_put(s, "</g>\n<g class=\"cells\">");
    for (int m = 0; m < 12; m++)
        for (int h = 0; h < 24; h++) {
            double v = r->heatmap[h * 12 + m];
            const char *col;
            if (!isfinite(v)) col = "#ffffff";
            else if (v <= 0 || vmax <= 0) col = "#f2f4f6";
            else {
                int k = (int)ceil(v / vmax * 7) - 1;
                col = ramp[k < 0 ? 0 : k > 6 ? 6 : k];
            }
            char vb[64];
            fmt_grp(vb, sizeof vb, v, 1);
            sb_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                         "<title>%s %02d:00 UTC: %s h/yr</title></rect>",
                      x0 + cw * h, y0 + chh * m, cw - 1, chh - 1, col, MONTH[m], h, vb);
        }
    sb_put(s, "</g>\n");
    /* Legend: the seven classes with their upper bounds. */
    double lx = x0 + cw * 24 + 14, ly = y0;
    sb_printf(s, "<g class=\"ax\"><text x=\"%.1f\" y=\"%.1f\">h/yr</text>", lx, ly + 8);
    for (int k = 0; k <= 7; k++) {
        double lo = k == 0 ? 0 : vmax * k / 7.0;
        char b[64];
        fmt_grp(b, sizeof b, lo, vmax >= 70 ? 0 : 1);
        sb_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.32em\">%s%s</text>",
                  lx, ly + 18 + 19.0 * k, k == 0 ? "#f2f4f6" : ramp[k - 1], lx + 19, ly + 25 + 19.0 * k,
                  k == 0 ? "" : "\xE2\x89\xA4 ", k == 0 ? "0" : b);
    }
    sb_put(s, "</g>\n");
    svg_close(s);
}

/* Forecast fan chart: 95 % and 80 % bands, mean, and the observed week. */
static void chart_fan(sbuf *s, const report_region *r)
{
    const report_forecast *fc = &r->forecast;
    size_t h = fc->mean ? fc->h : 0, nh = fc->history ? fc->nhist : 0;
    int b95 = h && all_finite(fc->lo95, h) && all_finite(fc->hi95, h);
    int b80 = h && all_finite(fc->lo80, h) && all_finite(fc->hi80, h);
    double ymin = INFINITY, ymax = -INFINITY;
    size_t nfin = 0;
#define ACC(arr, k)                                                 \
    for (size_t i = 0; i < (k); i++)                                \
        if (isfinite((arr)[i])) {                                   \
            nfin++;                                                 \
            if ((arr)[i] < ymin) ymin = (arr)[i];                   \
            if ((arr)[i] > ymax) ymax = (arr)[i];                   \
        }
    if (h) ACC(fc->mean, h);
    if (nh) ACC(fc->history, nh);
    if (b95) { ACC(fc->lo95, h); ACC(fc->hi95, h); }
    if (b80) { ACC(fc->lo80, h); ACC(fc->hi80, h); }
#undef ACC
    if (nfin < 2 || h == 0) {
        nodata(s, "forecast not computed");
        return;
    }
    frame f = std_frame();
    f.xmin = -(double)nh;
    f.xmax = (double)h;
    f.ymin = ymin;
    f.ymax = ymax;
    double ys = nice_axis(&f.ymin, &f.ymax, 5);
    svg_open(s, CW, CH, "Load forecast for the next 14 days with 80 % and 95 % intervals", r->name);
    svg_yaxis(s, &f, ys, "Load (MW)");
    /* Day ticks at 00:00 UTC, every k days so that at most 8 are labelled. */
    int64_t tfirst = fc->t0_utc - (int64_t)nh * 3600, tlast = fc->t0_utc + (int64_t)h * 3600;
    int64_t days = (tlast - tfirst) / 86400 + 1;
    int64_t kd = days / 8 + 1;
    int64_t d0 = tfirst >= 0 ? (tfirst + 86399) / 86400 : -((-tfirst) / 86400);
    sb_put(s, "<g class=\"ax\">");
    for (int64_t d = d0; d * 86400 <= tlast; d += kd) {
        double xv = (double)(d * 86400 - fc->t0_utc) / 3600.0;
        int y, m, dd, hh;
        civil(d * 86400, &y, &m, &dd, &hh);
        double x = fx(&f, xv);
        sb_printf(s, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s %d</text>",
                  x, x, f.y0, f.y0 + f.h, x, f.y0 + f.h + 16, MONTH[m - 1], dd);
    }
    sb_printf(s, "<text class=\"at\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">Date (UTC)</text></g>\n",
              f.x0 + f.w / 2, f.y0 + f.h + 34);
    /* Bands as closed polygons: upper edge forward, lower edge backward. */
    const double *lo[2] = {fc->lo95, fc->lo80}, *hi[2] = {fc->hi95, fc->hi80};
    const int on[2] = {b95, b80};
    const char *cls[2] = {"band95", "band80"};
    for (int k = 0; k < 2; k++) {
        if (!on[k]) continue;
        sb_printf(s, "<path class=\"%s\" d=\"", cls[k]);
        for (size_t i = 0; i < h; i++)
            sb_printf(s, "%s%.1f %.1f", i ? " L" : "M", fx(&f, (double)i), fy(&f, hi[k][i]));
        for (size_t i = h; i-- > 0;) sb_printf(s, " L%.1f %.1f", fx(&f, (double)i), fy(&f, lo[k][i]));
        sb_put(s, " Z\"/>\n");
    }
    if (nh) svg_line(s, &f, NULL, fc->history, nh, 1.0, -(double)nh, "ln-hist");
    svg_line(s, &f, NULL, fc->mean, h, 1.0, 0, "ln-mean");
    double x0 = fx(&f, 0);
    sb_printf(s, "<path class=\"now\" d=\"M%.1f %.1f V%.1f\"/>\n", x0, f.y0, f.y0 + f.h);
    svg_baseline(s, &f);
    /* Legend. */
    double lx = f.x0 + 8, ly = f.y0 + 6;
    sb_printf(s, "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" width=\"262\" height=\"20\" class=\"lgbg\"/>"
                 "<path class=\"ln-hist\" d=\"M%.1f %.1f h16\"/><text x=\"%.1f\" y=\"%.1f\">observed</text>"
                 "<path class=\"ln-mean\" d=\"M%.1f %.1f h16\"/><text x=\"%.1f\" y=\"%.1f\">forecast</text>",
              lx - 4, ly - 2, lx, ly + 8, lx + 20, ly + 12, lx + 80, ly + 8, lx + 100, ly + 12);
    if (b80)
        sb_printf(s, "<rect class=\"band80\" x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\">80 %%</text>",
                  lx + 160, ly + 3, lx + 178, ly + 12);
    if (b95)
        sb_printf(s, "<rect class=\"band95\" x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\">95 %%</text>",
                  lx + 210, ly + 3, lx + 228, ly + 12);
    sb_put(s, "</g>\n");
    svg_close(s);
}

/* ---------------------------------------------------------------- ranking */

/* Headroom row j of r, or an all-NaN row when r has none (its headroom
 * failed: the batch still reports the region, ranked last). */
static const report_headroom NAN_ROW = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
static const report_headroom *hrow(const report_region *r, size_t j)
{
    return j < r->nbudgets ? &r->headroom[j] : &NAN_ROW;
}

typedef struct {
    double v;
    const char *name;
    size_t i;
} rank_key;

static int rank_cmp(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    int fa = isfinite(x->v), fb = isfinite(y->v);
    if (fa != fb) return fb - fa; /* NaN last */
    if (fa && x->v != y->v) return x->v > y->v ? -1 : 1;
    int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
    if (c) return c;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Truncate a UTF-8 name to at most maxc characters, adding an ellipsis. */
static void short_name(char *buf, size_t cap, const char *name, size_t maxc)
{
    const unsigned char *p = (const unsigned char *)(name ? name : "");
    size_t o = 0, nc = 0;
    while (*p && nc < maxc) {
        size_t k = utf8_len(p);
        if (k == 0) k = 1;
        if (o + k + 4 >= cap) break;
        memcpy(buf + o, p, k);
        o += k; p += k; nc++;
    }
    if (*p && o + 4 < cap) {
        memcpy(buf + o, "\xE2\x80\xA6", 3);
        o += 3;
    }
    buf[o] = '\0';
}

/* Nested horizontal bars: one row per region in rank order, the bar of each
 * budget drawn from the largest budget (lightest) to the smallest (darkest);
 * the P10-P90 whisker and P50 dot of the ranking budget on top. */
static void chart_rank(sbuf *s, const report_region *rg, const size_t *order, size_t n, size_t nb,
                       const double *budgets, size_t rb)
{
    double xmax = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < nb; j++) {
            const report_headroom *h = hrow(&rg[i], j);
            if (isfinite(h->headroom_mw) && h->headroom_mw > xmax) xmax = h->headroom_mw;
            if (j == rb && isfinite(h->p90_mw) && h->p90_mw > xmax) xmax = h->p90_mw;
        }
    if (n == 0 || nb == 0 || !(xmax > 0)) {
        nodata(s, "no region has a finite headroom");
        return;
    }
    const int W = 1000, row = 26;
    frame f = {190, 50, W - 190 - 80, (double)(row * (int)n), 0, xmax, 0, 1};
    double xs = nice_axis(&f.xmin, &f.xmax, 8);
    int H = (int)(f.y0 + f.h + 42);
    svg_open(s, W, H, "Headroom by region and curtailment budget, ranked", NULL);
    /* Legend on top. */
    double lx = f.x0;
    sb_put(s, "<g class=\"legend\">");
    for (size_t j = nb; j-- > 0;) {
        char b[32];
        fmt_budget(b, sizeof b, budgets[j]);
        sb_printf(s, "<rect x=\"%.1f\" y=\"10\" width=\"14\" height=\"12\" fill=\"%s\"/>"
                     "<text x=\"%.1f\" y=\"20\">%s %% budget</text>",
                  lx, budget_colour(j, nb), lx + 19, b);
        lx += 112;
    }
    sb_printf(s, "<path class=\"whisk\" d=\"M%.1f 16 h22 M%.1f 11 v10 M%.1f 11 v10\"/>"
                 "<circle class=\"p50\" cx=\"%.1f\" cy=\"16\" r=\"3.5\"/><text x=\"%.1f\" y=\"20\">"
                 "P10\xE2\x80\x93P50\xE2\x80\x93P90 next year</text></g>\n",
              lx, lx, lx + 22, lx + 11, lx + 28);
    svg_xaxis(s, &f, xs, "Headroom for new flat load (MW)");
    for (size_t k = 0; k < n; k++) {
        const report_region *r = &rg[order[k]];
        double y = f.y0 + row * (double)k;
        char nm[128];
        short_name(nm, sizeof nm, r->name, 24);
        sb_printf(s, "<text class=\"rname\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dy=\"0.32em\">%zu. ",
                  f.x0 - 8, y + row / 2.0, k + 1);
        sb_html(s, nm);
        sb_put(s, "</text>");
        for (size_t j = nb; j-- > 0;) {
            double v = hrow(r, j)->headroom_mw;
            if (!isfinite(v)) continue;
            double w = fx(&f, v < 0 ? 0 : v) - f.x0;
            char b[32], mw[64];
            fmt_budget(b, sizeof b, budgets[j]);
            fmt_grp(mw, sizeof mw, v, 0);
            sb_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>",
                      f.x0, y + 5, w < 0.5 ? 0.5 : w, row - 10, budget_colour(j, nb));
            sb_html(s, r->name);
            sb_printf(s, ": %s MW at %s %%</title></rect>", mw, b);
        }
        const report_headroom *h = hrow(r, rb);
        if (isfinite(h->p10_mw) && isfinite(h->p90_mw)) {
            double a = fx(&f, h->p10_mw), c = fx(&f, h->p90_mw), ym = y + row / 2.0;
            sb_printf(s, "<path class=\"whisk\" d=\"M%.1f %.1f H%.1f M%.1f %.1f v8 M%.1f %.1f v8\"/>", a, ym, c,
                      a, ym - 4, c, ym - 4);
            if (isfinite(h->p50_mw))
                sb_printf(s, "<circle class=\"p50\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"/>", fx(&f, h->p50_mw), ym);
        }
        double v = h->headroom_mw;
        double vx = isfinite(v) ? fx(&f, v < 0 ? 0 : v) : f.x0;
        if (isfinite(h->p90_mw) && fx(&f, h->p90_mw) > vx) vx = fx(&f, h->p90_mw);
        char mw[64];
        fmt_grp(mw, sizeof mw, v, 0);
        sb_printf(s, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\" dy=\"0.32em\">%s</text>\n", vx + 6,
                  y + row / 2.0, mw);
    }
    svg_baseline(s, &f);
    svg_close(s);
}

/* ================================================================ HTML */

static const char CSS[] =
    ":root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--panel:#f5f7fa;--accent:#1f5f8b;}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\","
    "Roboto,\"Helvetica Neue\",Arial,\"Liberation Sans\",\"DejaVu Sans\",sans-serif}\n"
    ".wrap{max-width:1180px;margin:0 auto;padding:28px 32px 56px}\n"
    "header{border-bottom:3px solid var(--accent);padding-bottom:14px}\n"
    "h1{font-size:27px;line-height:1.2;margin:0 0 6px;font-weight:700;letter-spacing:-.01em}\n"
    "h2{font-size:20px;margin:40px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line);font-weight:650}\n"
    "h3{font-size:18px;margin:0 0 10px;font-weight:650}\n"
    "h4{font-size:14px;margin:16px 0 4px;color:var(--muted);font-weight:600;text-transform:uppercase;"
    "letter-spacing:.04em}\n"
    "p{margin:6px 0 10px;max-width:78ch}\n"
    ".sub{color:var(--muted);font-size:14px;margin:0}\n"
    "nav{font-size:14px;margin:12px 0 0}nav a{color:var(--accent);text-decoration:none;margin-right:16px}\n"
    "nav a:hover{text-decoration:underline}\n"
    ".rank-no{display:inline-block;min-width:2em;color:var(--muted);font-weight:600}\n"
    ".region{border:1px solid var(--line);border-radius:8px;padding:18px 20px 12px;margin:20px 0;"
    "break-inside:avoid}\n"
    ".tiles{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 14px}\n"
    ".tile{background:var(--panel);border-radius:6px;padding:6px 12px;min-width:104px}\n"
    ".tile b{display:block;font-size:19px;font-variant-numeric:tabular-nums;color:var(--ink)}\n"
    ".tile span{font-size:12px;color:var(--muted)}\n"
    ".charts{display:grid;grid-template-columns:1fr 1fr;gap:18px 22px}\n"
    "figure{margin:0;min-width:0}figcaption{font-size:13px;color:var(--muted);margin:0 0 4px;font-weight:600}\n"
    "svg.chart{width:100%;height:auto;display:block;overflow:visible}\n"
    "svg text{font-size:11.5px;fill:#52606d}\n"
    "svg .at{font-size:12px;fill:#3e4c59}svg .rname{font-size:12.5px;fill:#1f2933}"
    "svg .val{font-size:12px;fill:#1f2933;font-weight:600}svg .lbl{font-size:11.5px;fill:#1f2933}\n"
    ".grid{stroke:" C_GRID ";stroke-width:1}.base{stroke:" C_AXIS ";stroke-width:1}\n"
    ".ln-curve{fill:none;stroke:" C_BLUE ";stroke-width:2.2}\n"
    ".ln-ldc{fill:none;stroke:" C_BLUE ";stroke-width:2}.area{fill:#dce9f5;stroke:none}\n"
    ".ln-mean{fill:none;stroke:" C_BLUE ";stroke-width:1.8}.ln-hist{fill:none;stroke:#3e4c59;stroke-width:1.4}\n"
    ".band95{fill:#d6e6f4;stroke:none}.band80{fill:#9fc3e4;stroke:none}\n"
    ".now{stroke:" C_ORANGE ";stroke-width:1.2;stroke-dasharray:4 3;fill:none}\n"
    ".guide{fill:none;stroke:#9aa5b1;stroke-width:1;stroke-dasharray:3 3}.pt{stroke:#fff;stroke-width:1.5}\n"
    ".whisk{stroke:" C_ORANGE ";stroke-width:1.6;fill:none}.p50{fill:" C_ORANGE "}\n"
    ".lgbg{fill:#fff;fill-opacity:.85;stroke:none}\n"
    ".legend text{font-size:12px;fill:#3e4c59}\n"
    ".tbl{overflow-x:auto;margin:6px 0 12px}\n"
    "table{border-collapse:collapse;font-size:13px;width:100%}\n"
    "th,td{padding:5px 9px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}\n"
    "th{font-weight:600;color:#3e4c59;background:var(--panel);border-bottom:1px solid #cbd2d9;vertical-align:bottom;"
    "line-height:1.25}\n"
    "table.narrow{width:auto;min-width:420px}td.fl{white-space:normal;font-size:12px;line-height:1.35;min-width:14em}.nw{white-space:nowrap}\n"
    "a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}\n"
    "td{font-variant-numeric:tabular-nums}th.l,td.l{text-align:left}\n"
    "tbody tr:hover{background:#fafbfc}td.best{font-weight:700;color:var(--accent)}\n"
    "tr.grp td{border-top:1px solid #cbd2d9}\n"
    ".nodata{border:1px dashed #cbd2d9;border-radius:6px;color:var(--muted);font-size:13px;padding:12px;"
    "text-align:center;background:#fafbfc;min-height:140px;display:flex;align-items:center;justify-content:center}\n"
    ".note{background:#fff8e6;border-left:3px solid #e0a800;padding:6px 12px;font-size:13.5px;margin:8px 0}\n"
    ".warn li{color:#8a4b00}\n"
    ".method li{margin:4px 0;max-width:95ch}.refs li{margin:4px 0;font-size:14px}\n"
    "code,.mono{font-family:ui-monospace,\"SFMono-Regular\",\"DejaVu Sans Mono\",\"Liberation Mono\",monospace;"
    "font-size:12.5px}\n"
    "footer{margin-top:40px;font-size:12.5px;color:var(--muted);border-top:1px solid var(--line);padding-top:10px}\n"
    "@media (max-width:820px){.charts{grid-template-columns:1fr}.wrap{padding:16px}}\n"
    "@media print{@page{size:A4;margin:14mm}body{font-size:10pt}.wrap{max-width:none;padding:0}"
    "nav{display:none}h2{break-after:avoid}.region{break-inside:avoid;page-break-inside:avoid;border:none;"
    "padding:0;margin:0 0 8mm}.charts{grid-template-columns:1fr 1fr;gap:4mm}figure{break-inside:avoid}"
    "table{font-size:8pt}th,td{padding:2px 4px}.tbl{overflow:visible}tbody tr:hover{background:none}"
    "th{background:#eee!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Anchor id of region i: "r<i>-" plus the name reduced to [a-z0-9-]. */
static void region_id(char *buf, size_t cap, size_t i, const char *name)
{
    size_t o = (size_t)snprintf(buf, cap, "r%zu-", i + 1);
    for (const char *p = name ? name : ""; *p && o + 1 < cap && o < 40; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) buf[o++] = c;
        else if (o && buf[o - 1] != '-') buf[o++] = '-';
    }
    buf[o] = '\0';
}

static const report_backtest *find_model(const report_region *r, const char *model)
{
    for (size_t k = 0; k < r->nbacktest; k++)
        if (r->backtest[k].model && strcmp(r->backtest[k].model, model) == 0) return &r->backtest[k];
    return NULL;
}

static void tile(sbuf *s, const char *label, const char *value_html)
{
    sb_printf(s, "<div class=\"tile\"><b>%s</b><span>", value_html);
    sb_html(s, label);
    sb_put(s, "</span></div>");
}

static void html_region(sbuf *s, const report_region *r, size_t idx, size_t rank, size_t rb)
{
    char id[64], b[96], v[128];
    region_id(id, sizeof id, idx, r->name);
    sb_printf(s, "<article class=\"region\" id=\"%s\">\n<h3><span class=\"rank-no\">#%zu</span> ", id, rank);
    sb_html(s, r->name);
    sb_put(s, "</h3>\n<div class=\"tiles\">");
    const report_headroom *h = r->nbudgets ? &r->headroom[rb] : NULL;
    fmt_grp(v, sizeof v, r->peak_mw, 0);
    strcat(v, " MW");
    tile(s, "peak load", v);
    fmt_grp(v, sizeof v, r->load_factor * 100, 1);
    strcat(v, " %");
    tile(s, "load factor", v);
    if (h) {
        char bud[32];
        fmt_budget(bud, sizeof bud, h->budget_pct);
        fmt_grp(v, sizeof v, h->headroom_mw, 0);
        strcat(v, " MW");
        snprintf(b, sizeof b, "headroom at %s %% budget", bud);
        tile(s, b, v);
        fmt_grp(v, sizeof v, h->headroom_pct_peak, 1);
        strcat(v, " %");
        tile(s, "of peak", v);
        fmt_grp(v, sizeof v, h->curtailed_hours_per_year, 0);
        tile(s, "curtailed h/yr", v);
        if (isfinite(h->p10_mw) || isfinite(h->p90_mw)) {
            char a[48], c[48];
            fmt_grp(a, sizeof a, h->p10_mw, 0);
            fmt_grp(c, sizeof c, h->p90_mw, 0);
            snprintf(v, sizeof v, "%s\xE2\x80\x93%s", a, c);
            tile(s, "P10\xE2\x80\x93P90 MW, next year", v);
        }
    }
    const report_backtest *ba = find_model(r, "auto");
    if (ba) {
        fmt_grp(v, sizeof v, ba->mape, 2);
        strcat(v, " %");
        tile(s, "day-ahead MAPE", v);
    }
    sb_put(s, "</div>\n");
    if (r->note) {
        sb_put(s, "<div class=\"note\">");
        sb_html(s, r->note);
        sb_put(s, "</div>\n");
    }
    sb_put(s, "<div class=\"charts\">\n<figure><figcaption>Headroom versus curtailment</figcaption>\n");
    chart_curve(s, r);
    sb_put(s, "</figure>\n<figure><figcaption>Load-duration curve</figcaption>\n");
    chart_ldc(s, r);
    sb_put(s, "</figure>\n<figure><figcaption>When curtailment happens</figcaption>\n");
    chart_heatmap(s, r);
    sb_put(s, "</figure>\n<figure><figcaption>Next 14 days</figcaption>\n");
    chart_fan(s, r);
    sb_put(s, "</figure>\n</div>\n");

    /* Headroom table. */
    if (r->nbudgets) {
        sb_put(s, "<h4>Headroom by budget</h4><div class=\"tbl\"><table><thead><tr>"
                  "<th class=\"l\">Budget</th><th>Headroom<br>MW</th><th>% of<br>peak</th><th>Curtailed<br>h/yr</th>"
                  "<th>h/yr with<br>&ge;50 % kept</th><th><br>&ge;75 %</th><th><br>&ge;90 %</th>"
                  "<th>Mean<br>event h</th><th>Longest<br>event h</th><th>P10<br>MW</th><th>P50<br>MW</th>"
                  "<th>P90<br>MW</th></tr></thead><tbody>\n");
        for (size_t j = 0; j < r->nbudgets; j++) {
            const report_headroom *x = &r->headroom[j];
            char bud[32];
            fmt_budget(bud, sizeof bud, x->budget_pct);
            sb_printf(s, "<tr><td class=\"l\">%s %%</td><td>", bud);
            h_mw(s, x->headroom_mw);
            sb_put(s, "</td><td>");
            h_num(s, x->headroom_pct_peak, 1);
            sb_put(s, "</td><td>");
            h_num(s, x->curtailed_hours_per_year, 0);
            sb_put(s, "</td><td>");
            h_num(s, x->hours_ge50, 0);
            sb_put(s, "</td><td>");
            h_num(s, x->hours_ge75, 0);
            sb_put(s, "</td><td>");
            h_num(s, x->hours_ge90, 0);
            sb_put(s, "</td><td>");
            h_num(s, x->mean_event_hours, 1);
            sb_put(s, "</td><td>");
            h_num(s, x->max_event_hours, 0);
            sb_put(s, "</td><td>");
            h_mw(s, x->p10_mw);
            sb_put(s, "</td><td>");
            h_mw(s, x->p50_mw);
            sb_put(s, "</td><td>");
            h_mw(s, x->p90_mw);
            sb_put(s, "</td></tr>\n");
        }
        sb_put(s, "</tbody></table></div>\n");
    }
    /* Generation mix. */
    const report_genmix *g = &r->genmix;
    if (g->nfuels && g->fuel && g->share_pct) {
        sb_put(s, "<h4>Generation mix</h4><div class=\"tbl\"><table class=\"narrow\"><thead><tr><th class=\"l\">Fuel</th>"
                  "<th>Share, all hours</th><th>Share, curtailed hours</th></tr></thead><tbody>\n");
        for (size_t k = 0; k < g->nfuels; k++) {
            sb_put(s, "<tr><td class=\"l\">");
            sb_html(s, g->fuel[k]);
            sb_put(s, "</td><td>");
            h_num(s, g->share_pct[k], 1);
            sb_put(s, " %</td><td>");
            h_num(s, g->share_curtailed_pct ? g->share_curtailed_pct[k] : NAN, 1);
            sb_put(s, " %</td></tr>\n");
        }
        sb_put(s, "<tr class=\"grp\"><td class=\"l\"><b>Carbon-free</b></td><td><b>");
        h_num(s, g->cf_share_pct, 1);
        sb_put(s, " %</b></td><td><b>");
        h_num(s, g->cf_share_curtailed_pct, 1);
        sb_put(s, " %</b></td></tr></tbody></table></div>\n");
    } else if (isfinite(g->cf_share_pct)) {
        sb_put(s, "<p>Carbon-free share of generation: ");
        h_num(s, g->cf_share_pct, 1);
        sb_put(s, " % overall, ");
        h_num(s, g->cf_share_curtailed_pct, 1);
        sb_put(s, " % in the hours that would curtail.</p>\n");
    }
    sb_put(s, "</article>\n");
}

static const char *const STD_MODELS[4] = {"auto", "snaive24", "snaive168", "ba_forecast"};

static void html_backtest(sbuf *s, const report_region *rg, const size_t *order, size_t n)
{
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) rows += rg[i].nbacktest;
    if (rows == 0) {
        nodata(s, "no backtest was run");
        return;
    }
    sb_put(s, "<div class=\"tbl\"><table><thead><tr><th class=\"l\">Region</th><th class=\"l\">Model</th>"
              "<th>n</th><th>MAE<br>MW</th><th>RMSE<br>MW</th><th>MAPE<br>%</th><th><br>MASE</th>"
              "<th>Coverage<br>80 %</th><th>Coverage<br>95 %</th><th>Winkler 95<br>MW</th><th>Pinball<br>MW</th>"
              "</tr></thead><tbody>\n");
    for (size_t k = 0; k < n; k++) {
        const report_region *r = &rg[order[k]];
        /* Best (lowest) MAPE of the region is highlighted. */
        double best = INFINITY;
        for (size_t j = 0; j < r->nbacktest; j++)
            if (isfinite(r->backtest[j].mape) && r->backtest[j].mape < best) best = r->backtest[j].mape;
        for (size_t j = 0; j < r->nbacktest; j++) {
            const report_backtest *b = &r->backtest[j];
            sb_printf(s, "<tr%s><td class=\"l\">", j == 0 ? " class=\"grp\"" : "");
            if (j == 0) sb_html(s, r->name);
            sb_put(s, "</td><td class=\"l\">");
            sb_html(s, b->model);
            sb_put(s, "</td><td>");
            h_num(s, (double)b->n, 0);
            sb_put(s, "</td><td>");
            h_num(s, b->mae, 0);
            sb_put(s, "</td><td>");
            h_num(s, b->rmse, 0);
            sb_put(s, b->mape == best ? "</td><td class=\"best\">" : "</td><td>");
            h_num(s, b->mape, 2);
            sb_put(s, "</td><td>");
            h_num(s, b->mase, 2);
            sb_put(s, "</td><td>");
            h_num(s, b->coverage80, 1);
            sb_put(s, "</td><td>");
            h_num(s, b->coverage95, 1);
            sb_put(s, "</td><td>");
            h_num(s, b->winkler95, 0);
            sb_put(s, "</td><td>");
            h_num(s, b->pinball, 1);
            sb_put(s, "</td></tr>\n");
        }
    }
    sb_put(s, "</tbody></table></div>\n");
}

static void html_quality(sbuf *s, const report_region *rg, const size_t *order, size_t n)
{
    if (n == 0) {
        nodata(s, "no regions");
        return;
    }
    sb_put(s, "<div class=\"tbl\"><table><thead><tr><th class=\"l\">Region</th><th class=\"l\">First hour<br>(UTC)</th>"
              "<th class=\"l\">Last hour<br>(UTC)</th><th>Hours</th><th>Missing</th><th>Flagged</th><th>Imputed</th>"
              "<th>Imputed<br>%</th><th>Peak<br>MW</th><th>Mean<br>MW</th><th class=\"l\">Flags</th></tr></thead>"
              "<tbody>\n");
    for (size_t k = 0; k < n; k++) {
        const report_region *r = &rg[order[k]];
        const hr_quality *q = &r->quality;
        char a[32], b[32];
        if (q->hours) {
            fmt_time(a, sizeof a, q->first_utc);
            fmt_time(b, sizeof b, q->last_utc);
            a[10] = b[10] = ' '; /* "YYYY-MM-DD HH:MM" on the page */
            a[16] = b[16] = '\0';
        } else {
            strcpy(a, "\xE2\x80\x93");
            strcpy(b, "\xE2\x80\x93");
        }
        sb_put(s, "<tr><td class=\"l\">");
        sb_html(s, r->name);
        sb_printf(s, "</td><td class=\"l mono\">%s</td><td class=\"l mono\">%s</td><td>", a, b);
        h_num(s, (double)q->hours, 0);
        sb_put(s, "</td><td>");
        h_num(s, (double)q->missing, 0);
        sb_put(s, "</td><td>");
        h_num(s, (double)q->flagged, 0);
        sb_put(s, "</td><td>");
        h_num(s, (double)q->imputed, 0);
        sb_put(s, "</td><td>");
        h_num(s, q->hours ? 100.0 * (double)q->imputed / (double)q->hours : NAN, 2);
        sb_put(s, "</td><td>");
        h_mw(s, q->peak_mw);
        sb_put(s, "</td><td>");
        h_mw(s, q->mean_mw);
        sb_put(s, "</td><td class=\"l fl\">");
        int any = 0;
        for (int fl = 1; fl < HR_NFLAGS; fl++)
            if (q->by_flag[fl]) {
                sb_printf(s, "%s%s\xC2\xA0%zu", any ? " \xC2\xB7 " : "", hr_flag_name(fl),
                          q->by_flag[fl]);
                any = 1;
            }
        if (!any) sb_put(s, "none");
        sb_put(s, "</td></tr>\n");
    }
    sb_put(s, "</tbody></table></div>\n");
}

static void html_method(sbuf *s)
{
    sb_put(s,
           "<ul class=\"method\">"
           "<li><b>Data.</b> Hourly load per region on a UTC hour-beginning grid, screened for missing values, "
           "spikes, dips, identical runs and step changes and imputed as in Ruggles et al. (2020); the "
           "data-quality table counts each flag.</li>"
           "<li><b>Headroom.</b> Following Norris et al. (2025), the threshold is the highest summer "
           "(Jun\xE2\x80\x93" "Aug) and winter (Dec\xE2\x80\x93" "Feb) peak over the study years (Mar and Nov use "
           "the winter one, Apr\xE2\x80\x93May and Sep\xE2\x80\x93Oct the summer one). A flat added load "
           "<i>L</i> is curtailed by min(<i>L</i>, max(0, <i>D<sub>t</sub></i> + <i>L</i> \xE2\x88\x92 "
           "<i>T<sub>t</sub></i>)) each hour; the headroom at a budget is the largest <i>L</i> whose mean "
           "yearly curtailed energy share stays within the budget, solved exactly. Transmission limits, "
           "ramping and reserve margins are not modelled.</li>"
           "<li><b>Probabilistic headroom.</b> The same calculation on simulated years from the fitted "
           "forecast model, summarised as P10 / P50 / P90.</li>"
           "<li><b>Forecasts.</b> Unless another model is named (<code>--model</code>), <code>auto</code>: a "
           "regression of log load on calendar terms (trend, month, weekday \xC3\x97 hour, US federal holidays, "
           "annual Fourier terms) plus, for every lead hour, a direct regression of its residual on what is "
           "known at the origin (Fan &amp; Hyndman 2012). Where the data carries the balancing authority's own "
           "day-ahead forecast, <code>auto</code> forecasts those hours as that forecast corrected by its recent "
           "errors, so its day-ahead scores there build on the authority's (<code>auto-load</code> is the "
           "same model on the load alone). The "
           "day-ahead backtest uses rolling origins over the last year, against seasonal-naive baselines "
           "(24 h and 168 h) and, where present, the balancing authority's own day-ahead forecast. MASE is "
           "scaled by the in-sample seasonal-naive (168 h) error; coverage is the share of actual hours inside "
           "the interval.</li>"
           "</ul>\n<h4>Sources</h4><ol class=\"refs\">"
           "<li>Norris, T. H., Profeta, T., Patino-Echeverri, D., Cowie-Haskell, A. (2025). <i>Rethinking Load "
           "Growth: Assessing the Potential for Integration of Large Flexible Loads in US Power Systems.</i> "
           "Nicholas Institute for Energy, Environment &amp; Sustainability, Duke University.</li>"
           "<li>Ruggles, T. H., Farnham, D. J., Tong, D., Caldeira, K. (2020). Developing reliable hourly "
           "electricity demand data through screening and imputation. <i>Scientific Data</i> 7, 155.</li>"
           "<li>Fan, S., Hyndman, R. J. (2012). Short-term load forecasting based on a semi-parametric additive "
           "model. <i>IEEE Transactions on Power Systems</i> 27(1), 134\xE2\x80\x93" "141.</li>"
           "<li>Hong, T. (2010). <i>Short Term Electric Load Forecasting.</i> PhD thesis, North Carolina State "
           "University (the \xE2\x80\x9cvanilla\xE2\x80\x9d benchmark); Hong, T., Pinson, P., Fan, S. (2014). "
           "Global Energy Forecasting Competition 2012. <i>International Journal of Forecasting</i> 30(2), "
           "357\xE2\x80\x93" "363.</li></ol>\n");
}

static void html_run(sbuf *s, const report_run *run, const char *const *hex, const uint64_t *sizes,
                     const char *version)
{
    char t[32];
    fmt_time(t, sizeof t, run->created_utc);
    sb_printf(s, "<p>headroom %s, run at <span class=\"mono\">%s</span>.", version, t);
    if (run->options && *run->options) {
        sb_put(s, " Options: <code>");
        sb_html(s, run->options);
        sb_put(s, "</code>");
    }
    sb_put(s, "</p>\n");
    if (run->ninputs) {
        sb_put(s, "<h4>Inputs</h4><div class=\"tbl\"><table class=\"narrow\"><thead><tr><th class=\"l\">File</th><th>Bytes</th>"
                  "<th class=\"l\">SHA-256</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < run->ninputs; i++) {
            sb_put(s, "<tr><td class=\"l mono\">");
            sb_html(s, run->inputs[i]);
            sb_put(s, "</td><td>");
            h_num(s, (double)sizes[i], 0);
            sb_printf(s, "</td><td class=\"l mono\">%s</td></tr>\n", hex[i]);
        }
        sb_put(s, "</tbody></table></div>\n");
    }
    if (run->ntimings) {
        sb_put(s, "<h4>Timings</h4><div class=\"tbl\"><table class=\"narrow\"><thead><tr><th class=\"l\">Stage</th>"
                  "<th>Seconds</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < run->ntimings; i++) {
            sb_put(s, "<tr><td class=\"l\">");
            sb_html(s, run->timings[i].stage);
            sb_put(s, "</td><td>");
            h_num(s, run->timings[i].seconds, 2);
            sb_put(s, "</td></tr>\n");
        }
        sb_put(s, "</tbody></table></div>\n");
    }
    sb_put(s, "<h4>Warnings</h4>");
    if (run->nwarnings == 0) sb_put(s, "<p>None.</p>\n");
    else {
        sb_put(s, "<ul class=\"warn\">");
        for (size_t i = 0; i < run->nwarnings; i++) {
            sb_put(s, "<li>");
            sb_html(s, run->warnings[i]);
            sb_put(s, "</li>");
        }
        sb_put(s, "</ul>\n");
    }
}

static void render_html(sbuf *s, const report_region *rg, size_t n, const size_t *order, size_t nb,
                        const double *budgets, size_t rb, const report_run *run, const char *const *hex, const uint64_t *sizes,
                        const char *version)
{
    const char *title = run->title ? run->title : "Grid headroom for new data-center load";
    char t[32], bud[32];
    fmt_time(t, sizeof t, run->created_utc);
    sb_put(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"generator\" content=\"headroom ");
    sb_html(s, version);
    sb_put(s, "\">\n<title>");
    sb_html(s, title);
    sb_printf(s, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<div class=\"wrap\">\n<header>\n<h1>", CSS);
    sb_html(s, title);
    sb_printf(s, "</h1>\n<p class=\"sub\">%zu region%s", n, n == 1 ? "" : "s");
    if (nb) {
        sb_put(s, " \xC2\xB7 curtailment budgets ");
        for (size_t j = 0; j < nb; j++) {
            fmt_budget(bud, sizeof bud, budgets[j]);
            sb_printf(s, "%s%s", j ? ", " : "", bud);
        }
        fmt_budget(bud, sizeof bud, budgets[rb]);
        sb_printf(s, " %% \xC2\xB7 ranked by headroom at %s %%", bud);
    }
    sb_printf(s, " \xC2\xB7 generated <span class=\"nw\">%s</span> by headroom ", t);
    sb_html(s, version);
    sb_put(s, "</p>\n<nav><a href=\"#ranking\">Ranking</a><a href=\"#regions\">Regions</a>"
              "<a href=\"#accuracy\">Forecast accuracy</a><a href=\"#quality\">Data quality</a>"
              "<a href=\"#method\">Method</a><a href=\"#run\">Run</a></nav>\n</header>\n<main>\n");

    /* Ranking. */
    sb_put(s, "<section id=\"ranking\"><h2>Ranking</h2>\n<p>How much new flat load each region could take "
              "before curtailment exceeds the budget (share of the added energy that would have to be "
              "curtailed in an average year). Bars show each budget; the orange whisker is the spread of "
              "next year's headroom from simulated years.</p>\n");
    chart_rank(s, rg, order, n, nb, budgets, rb);
    if (n) {
        sb_put(s, "<div class=\"tbl\"><table><thead><tr><th>#</th><th class=\"l\">Region</th><th>Peak MW</th>"
                  "<th>Load factor</th>");
        for (size_t j = 0; j < nb; j++) {
            fmt_budget(bud, sizeof bud, budgets[j]);
            sb_printf(s, "<th>Headroom MW<br>at %s %%</th>", bud);
        }
        fmt_budget(bud, sizeof bud, nb ? budgets[rb] : NAN);
        if (nb)
            sb_printf(s, "<th>%% of peak<br>at %s %%</th><th>Curtailed h/yr<br>at %s %%</th>"
                         "<th>P10\xE2\x80\x93P90 MW<br>at %s %%</th>",
                      bud, bud, bud);
        sb_put(s, "<th>Day-ahead<br>MAPE %</th></tr></thead><tbody>\n");
        for (size_t k = 0; k < n; k++) {
            const report_region *r = &rg[order[k]];
            char id[64];
            region_id(id, sizeof id, order[k], r->name);
            sb_printf(s, "<tr><td>%zu</td><td class=\"l\"><a href=\"#%s\">", k + 1, id);
            sb_html(s, r->name);
            sb_put(s, "</a></td><td>");
            h_mw(s, r->peak_mw);
            sb_put(s, "</td><td>");
            h_num(s, r->load_factor * 100, 1);
            sb_put(s, " %</td>");
            for (size_t j = 0; j < nb; j++) {
                sb_put(s, "<td>");
                h_mw(s, hrow(r, j)->headroom_mw);
                sb_put(s, "</td>");
            }
            if (nb) {
                const report_headroom *h = hrow(r, rb);
                sb_put(s, "<td>");
                h_num(s, h->headroom_pct_peak, 1);
                sb_put(s, "</td><td>");
                h_num(s, h->curtailed_hours_per_year, 0);
                sb_put(s, "</td><td>");
                if (isfinite(h->p10_mw) || isfinite(h->p90_mw)) {
                    h_mw(s, h->p10_mw);
                    sb_put(s, "\xE2\x80\x93");
                    h_mw(s, h->p90_mw);
                } else
                    sb_put(s, "\xE2\x80\x93");
                sb_put(s, "</td>");
            }
            const report_backtest *ba = find_model(r, "auto");
            sb_put(s, "<td>");
            h_num(s, ba ? ba->mape : NAN, 2);
            sb_put(s, "</td></tr>\n");
        }
        sb_put(s, "</tbody></table></div>\n");
    }
    sb_put(s, "</section>\n");

    /* Regions. */
    sb_put(s, "<section id=\"regions\"><h2>Regions</h2>\n");
    if (n == 0) nodata(s, "no regions were found in the inputs");
    for (size_t k = 0; k < n; k++) html_region(s, &rg[order[k]], order[k], k + 1, rb);
    sb_put(s, "</section>\n");

    sb_put(s, "<section id=\"accuracy\"><h2>Day-ahead forecast accuracy</h2>\n<p>Backtest over the last year "
              "of data: each day's 24 hours forecast from the data up to the previous day. The lowest MAPE "
              "of each region is highlighted.</p>\n");
    html_backtest(s, rg, order, n);
    sb_put(s, "</section>\n<section id=\"quality\"><h2>Data quality</h2>\n");
    html_quality(s, rg, order, n);
    sb_put(s, "</section>\n<section id=\"method\"><h2>Method and sources</h2>\n");
    html_method(s);
    sb_put(s, "</section>\n<section id=\"run\"><h2>Run</h2>\n");
    html_run(s, run, hex, sizes, version);
    sb_put(s, "</section>\n</main>\n<footer>Generated by headroom ");
    sb_html(s, version);
    sb_printf(s, " at %s. All times UTC. Machine-readable results: regions.csv, regions.json; provenance: "
                 "run.json.</footer>\n</div>\n</body>\n</html>\n",
              t);
}

/* ================================================================ CSV / JSON
 * One record per region with flat keys. The same emitter writes the CSV
 * header, a CSV row and a JSON object, so the three can never disagree. */

enum { EM_HEADER, EM_CSV, EM_JSON };
typedef struct {
    sbuf *s;
    int mode;
    int first;
} emitter;

static void em_key(emitter *e, const char *key)
{
    if (e->mode == EM_JSON) {
        sb_put(e->s, e->first ? "\n    " : ",\n    ");
        sb_json_str(e->s, key);
        sb_put(e->s, ": ");
    } else {
        if (!e->first) sb_put(e->s, ",");
        if (e->mode == EM_HEADER) sb_csv_str(e->s, key);
    }
    e->first = 0;
}

static void em_num(emitter *e, const char *key, double v)
{
    em_key(e, key);
    if (e->mode != EM_HEADER) d_num(e->s, v, e->mode == EM_JSON ? "null" : "");
}

static void em_int(emitter *e, const char *key, uint64_t v)
{
    em_key(e, key);
    if (e->mode != EM_HEADER) sb_printf(e->s, "%llu", (unsigned long long)v);
}

static void em_str(emitter *e, const char *key, const char *v)
{
    em_key(e, key);
    if (e->mode == EM_CSV) sb_csv_str(e->s, v);
    else if (e->mode == EM_JSON) sb_json_str(e->s, v);
}

/* Models reported as MAPE columns: the four standard ones, then any other
 * model name in order of first appearance. */
typedef struct {
    const char **name;
    size_t n;
} model_list;

static int collect_models(const report_region *rg, size_t n, model_list *ml)
{
    size_t cap = 4;
    for (size_t i = 0; i < n; i++) cap += rg[i].nbacktest;
    ml->name = mem_array(cap, sizeof *ml->name);
    if (!ml->name) return 0;
    ml->n = 0;
    for (int k = 0; k < 4; k++) ml->name[ml->n++] = STD_MODELS[k];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < rg[i].nbacktest; j++) {
            const char *m = rg[i].backtest[j].model;
            if (!m) continue;
            size_t k = 0;
            while (k < ml->n && strcmp(ml->name[k], m) != 0) k++;
            if (k == ml->n) ml->name[ml->n++] = m;
        }
    return 1;
}

static void emit_record(emitter *e, const report_region *r, size_t rank, size_t nb, const double *budgets,
                        const model_list *ml)
{
    char key[160], t[32], bud[32];
    const hr_quality *q = &r->quality;
    e->first = 1;
    em_str(e, "region", r ? r->name : NULL);
    em_int(e, "rank", rank);
    if (e->mode == EM_HEADER) {
        em_key(e, "first_utc");
        em_key(e, "last_utc");
    } else {
        fmt_time(t, sizeof t, q->first_utc);
        em_str(e, "first_utc", q->hours ? t : NULL);
        fmt_time(t, sizeof t, q->last_utc);
        em_str(e, "last_utc", q->hours ? t : NULL);
    }
    em_int(e, "hours", q->hours);
    em_int(e, "missing", q->missing);
    em_int(e, "flagged", q->flagged);
    em_int(e, "imputed", q->imputed);
    em_num(e, "peak_mw", r->peak_mw);
    em_num(e, "mean_mw", q->mean_mw);
    em_num(e, "load_factor", r->load_factor);
    report_headroom none; /* header mode reads no region */
    memset(&none, 0, sizeof none);
    for (size_t j = 0; j < nb; j++) {
        const report_headroom *h = e->mode == EM_HEADER ? &none : hrow(r, j);
        fmt_budget(bud, sizeof bud, budgets[j]);
#define K(stem) (snprintf(key, sizeof key, stem "_%s", bud), key)
        em_num(e, K("headroom_mw"), h->headroom_mw);
        em_num(e, K("headroom_pct_peak"), h->headroom_pct_peak);
        em_num(e, K("curtailed_hours"), h->curtailed_hours_per_year);
        em_num(e, K("hours_ge50"), h->hours_ge50);
        em_num(e, K("hours_ge75"), h->hours_ge75);
        em_num(e, K("hours_ge90"), h->hours_ge90);
        em_num(e, K("mean_event_hours"), h->mean_event_hours);
        em_num(e, K("max_event_hours"), h->max_event_hours);
        em_num(e, K("p10_mw"), h->p10_mw);
        em_num(e, K("p50_mw"), h->p50_mw);
        em_num(e, K("p90_mw"), h->p90_mw);
#undef K
    }
    for (size_t k = 0; k < ml->n; k++) {
        snprintf(key, sizeof key, "mape_%s", ml->name[k]);
        const report_backtest *b = e->mode == EM_HEADER ? NULL : find_model(r, ml->name[k]);
        em_num(e, key, b ? b->mape : NAN);
    }
    em_num(e, "cf_share_pct", r->genmix.cf_share_pct);
    em_num(e, "cf_share_curtailed_pct", r->genmix.cf_share_curtailed_pct);
}

static void render_csv(sbuf *s, const report_region *rg, size_t n, const size_t *order, size_t nb,
                       const double *budgets, const model_list *ml)
{
    report_region blank;
    report_region_init(&blank);
    emitter e = {s, EM_HEADER, 1};
    emit_record(&e, &blank, 0, nb, budgets, ml);
    sb_put(s, "\n");
    e.mode = EM_CSV;
    for (size_t k = 0; k < n; k++) {
        emit_record(&e, &rg[order[k]], k + 1, nb, budgets, ml);
        sb_put(s, "\n");
    }
}

static void render_json(sbuf *s, const report_region *rg, size_t n, const size_t *order, size_t nb,
                        const double *budgets, size_t rb, const model_list *ml, const char *version)
{
    sb_put(s, "{\n  \"tool\": \"headroom\",\n  \"version\": ");
    sb_json_str(s, version);
    sb_put(s, ",\n  \"budgets_pct\": [");
    for (size_t j = 0; j < nb; j++) {
        if (j) sb_put(s, ", ");
        d_num(s, budgets[j], "null");
    }
    sb_put(s, "],\n  \"rank_budget_pct\": ");
    d_num(s, nb ? budgets[rb] : NAN, "null");
    sb_put(s, ",\n  \"regions\": [");
    emitter e = {s, EM_JSON, 1};
    for (size_t k = 0; k < n; k++) {
        const report_region *r = &rg[order[k]];
        sb_put(s, k ? ",\n  {" : "\n  {");
        emit_record(&e, r, k + 1, nb, budgets, ml);
        sb_put(s, ",\n    \"backtest\": [");
        for (size_t j = 0; j < r->nbacktest; j++) {
            const report_backtest *b = &r->backtest[j];
            sb_put(s, j ? ",\n      {\"model\": " : "\n      {\"model\": ");
            sb_json_str(s, b->model);
            sb_printf(s, ", \"n\": %zu", b->n);
            const char *names[8] = {"mae", "rmse", "mape", "mase", "coverage80", "coverage95", "winkler95",
                                    "pinball"};
            const double vals[8] = {b->mae, b->rmse, b->mape, b->mase, b->coverage80, b->coverage95,
                                    b->winkler95, b->pinball};
            for (int m = 0; m < 8; m++) {
                sb_printf(s, ", \"%s\": ", names[m]);
                d_num(s, vals[m], "null");
            }
            sb_put(s, "}");
        }
        sb_put(s, r->nbacktest ? "\n    ]" : "]");
        if (r->genmix.nfuels && r->genmix.fuel && r->genmix.share_pct) {
            sb_put(s, ",\n    \"genmix\": [");
            for (size_t j = 0; j < r->genmix.nfuels; j++) {
                sb_put(s, j ? ", {\"fuel\": " : "{\"fuel\": ");
                sb_json_str(s, r->genmix.fuel[j]);
                sb_put(s, ", \"share_pct\": ");
                d_num(s, r->genmix.share_pct[j], "null");
                sb_put(s, ", \"share_curtailed_pct\": ");
                d_num(s, r->genmix.share_curtailed_pct ? r->genmix.share_curtailed_pct[j] : NAN, "null");
                sb_put(s, "}");
            }
            sb_put(s, "]");
        }
        sb_put(s, "\n  }");
    }
    sb_put(s, n ? "\n  ]\n}\n" : "]\n}\n");
}

static void render_runjson(sbuf *s, const report_run *run, const char *const *hex, const uint64_t *sizes,
                           size_t n, double rb_pct, const char *version, double render_s)
{
    char t[32];
    fmt_time(t, sizeof t, run->created_utc);
    sb_put(s, "{\n  \"tool\": \"headroom\",\n  \"version\": ");
    sb_json_str(s, version);
    sb_printf(s, ",\n  \"created_utc\": \"%s\",\n  \"options\": ", t);
    sb_json_str(s, run->options ? run->options : "");
    sb_printf(s, ",\n  \"regions\": %zu,\n  \"rank_budget_pct\": ", n);
    d_num(s, rb_pct, "null");
    sb_put(s, ",\n  \"inputs\": [");
    for (size_t i = 0; i < run->ninputs; i++) {
        sb_put(s, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
        sb_json_str(s, run->inputs[i]);
        sb_printf(s, ", \"size_bytes\": %llu, \"sha256\": \"%s\"}", (unsigned long long)sizes[i], hex[i]);
    }
    sb_put(s, run->ninputs ? "\n  ],\n  \"timings\": [" : "],\n  \"timings\": [");
    for (size_t i = 0; i <= run->ntimings; i++) {
        sb_put(s, i ? ",\n    {\"stage\": " : "\n    {\"stage\": ");
        sb_json_str(s, i < run->ntimings ? run->timings[i].stage : "render");
        sb_put(s, ", \"seconds\": ");
        d_num(s, i < run->ntimings ? run->timings[i].seconds : render_s, "null");
        sb_put(s, "}");
    }
    sb_put(s, "\n  ],\n  \"warnings\": [");
    for (size_t i = 0; i < run->nwarnings; i++) {
        sb_put(s, i ? ",\n    " : "\n    ");
        sb_json_str(s, run->warnings[i]);
    }
    sb_put(s, run->nwarnings ? "\n  ],\n" : "],\n");
    sb_put(s, "  \"outputs\": [\"index.html\", \"regions.csv\", \"regions.json\", \"run.json\"]\n}\n");
}

/* ================================================================ files */

static const char *const OUT_FILES[4] = {"index.html", "regions.csv", "regions.json", "run.json"};

static char *path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = mem_alloc(a + b + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

static int write_file(const char *dir, const char *name, const sbuf *s)
{
    char *path = path_join(dir, name);
    if (!path) return hr_err(HR_ENOMEM, "%s/%s: out of memory", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        int rc = hr_err(HR_EIO, "%s: cannot create: %s", path, strerror(errno));
        mem_free(path);
        return rc;
    }
    size_t k = s->len ? fwrite(s->p, 1, s->len, f) : 0;
    int bad = k != s->len || fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    int e = errno;
    if (fclose(f) != 0) bad = 1;
    int rc = bad ? hr_err(HR_EIO, "%s: write failed: %s", path, strerror(e)) : HR_OK;
    mem_free(path);
    return rc;
}

/* Remove the files a report writes from dir, then dir itself (best effort). */
static void remove_report_dir(const char *dir)
{
    for (int k = 0; k < 4; k++) {
        char *p = path_join(dir, OUT_FILES[k]);
        if (p) {
            unlink(p);
            mem_free(p);
        }
    }
    rmdir(dir);
}

/* 1 if dir exists; error if it exists but is not a directory holding only
 * report files (regular files named as in OUT_FILES). */
static int check_existing(const char *dir, int *exists, mode_t *mode)
{
    struct stat st;
    *exists = 0;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT) return HR_OK;
        return hr_err(HR_EIO, "%s: cannot stat: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) return hr_err(HR_EIO, "%s: exists and is not a directory", dir);
    *exists = 1;
    *mode = st.st_mode & 07777;
    DIR *d = opendir(dir);
    if (!d) return hr_err(HR_EIO, "%s: cannot open directory: %s", dir, strerror(errno));
    struct dirent *de;
    int rc = HR_OK;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        int known = 0;
        for (int k = 0; k < 4; k++) known |= strcmp(de->d_name, OUT_FILES[k]) == 0;
        if (known) {
            char *p = path_join(dir, de->d_name);
            if (!p) {
                rc = hr_err(HR_ENOMEM, "%s: out of memory", dir);
                break;
            }
            known = lstat(p, &st) == 0 && S_ISREG(st.st_mode);
            mem_free(p);
        }
        if (!known) {
            rc = hr_err(HR_EIO,
                        "%s: refusing to replace: it holds '%s', which is not part of a headroom report",
                        dir, de->d_name);
            break;
        }
    }
    closedir(d);
    return rc;
}

/* ================================================================ write */

static int validate(const report_region *rg, size_t n, const report_run *run, int rb, size_t *nb_out,
                    size_t *ref_out)
{
    if (n && !rg) return hr_err(HR_EINVAL, "report_write: regions is NULL");
    if (run->ninputs && !run->inputs) return hr_err(HR_EINVAL, "report_write: inputs is NULL");
    if (run->ntimings && !run->timings) return hr_err(HR_EINVAL, "report_write: timings is NULL");
    if (run->nwarnings && !run->warnings) return hr_err(HR_EINVAL, "report_write: warnings is NULL");
    for (size_t i = 0; i < run->ninputs; i++)
        if (!run->inputs[i]) return hr_err(HR_EINVAL, "report_write: input %zu is NULL", i);
    /* The budget list comes from the first region that has one; a region
     * without budgets (its headroom failed) is allowed and ranked last. */
    size_t nb = 0, ref = 0;
    for (size_t i = 0; i < n && nb == 0; i++)
        if (rg[i].nbudgets) nb = rg[i].nbudgets, ref = i;
    for (size_t i = 0; i < n; i++) {
        const report_region *r = &rg[i];
        const char *nm = r->name ? r->name : "(null)";
        if (!r->name) return hr_err(HR_EINVAL, "report_write: region %zu has no name", i);
        if (r->nbudgets && r->nbudgets != nb)
            return hr_err(HR_EINVAL, "report_write: region '%s' has %zu budgets, region '%s' has %zu", nm,
                          r->nbudgets, rg[ref].name, nb);
        if (r->nbudgets && !r->headroom)
            return hr_err(HR_EINVAL, "report_write: region '%s': headroom is NULL", nm);
        for (size_t j = 0; j < r->nbudgets; j++)
            if (!(r->headroom[j].budget_pct == rg[ref].headroom[j].budget_pct))
                return hr_err(HR_EINVAL, "report_write: region '%s': budget %zu differs from region '%s'", nm,
                              j, rg[ref].name);
        if ((r->ncurve && (!r->curve_mw || !r->curve_rate_pct)) || (r->nldc && !r->ldc_pct) ||
            (r->nbacktest && !r->backtest))
            return hr_err(HR_EINVAL, "report_write: region '%s': an array with a nonzero count is NULL", nm);
        if (r->genmix.nfuels && (!r->genmix.fuel || !r->genmix.share_pct))
            return hr_err(HR_EINVAL, "report_write: region '%s': genmix arrays are NULL", nm);
        for (size_t j = 0; j < r->genmix.nfuels; j++)
            if (!r->genmix.fuel[j]) return hr_err(HR_EINVAL, "report_write: region '%s': fuel name NULL", nm);
    }
    if (nb && (rb < 0 || (size_t)rb >= nb))
        return hr_err(HR_EINVAL, "report_write: rank budget index %d out of range (0..%zu)", rb, nb - 1);
    *nb_out = nb;
    *ref_out = ref;
    return HR_OK;
}

/* The work of report_write, run with the "C" numeric locale installed. */
static int write_locked(const char *dir_in, const report_region *rg, size_t n, const report_run *run, int rbi)
{
    double t_start = cal_monotonic_seconds();
    size_t nb = 0, ref = 0;
    int rc = validate(rg, n, run, rbi, &nb, &ref);
    if (rc) return rc;
    size_t rb = nb ? (size_t)rbi : 0;
    const char *version = run->version ? run->version : hr_version();

    /* Normalise dir: drop trailing slashes. */
    size_t dl = strlen(dir_in);
    while (dl > 1 && dir_in[dl - 1] == '/') dl--;
    if (dl == 0 || (dl == 1 && dir_in[0] == '/'))
        return hr_err(HR_EINVAL, "report_write: '%s' is not a usable output directory", dir_in);
    char *dir = mem_alloc(dl + 1);
    size_t *order = mem_array(n ? n : 1, sizeof *order);
    rank_key *keys = mem_array(n ? n : 1, sizeof *keys);
    double *budgets = mem_array(nb ? nb : 1, sizeof *budgets);
    char(*hex)[65] = mem_array(run->ninputs ? run->ninputs : 1, sizeof *hex);
    const char **hexp = mem_array(run->ninputs ? run->ninputs : 1, sizeof *hexp);
    uint64_t *sizes = mem_array(run->ninputs ? run->ninputs : 1, sizeof *sizes);
    char *tmpdir = mem_alloc(dl + 16), *olddir = mem_alloc(dl + 16);
    sbuf out[4];
    memset(out, 0, sizeof out);
    model_list ml = {NULL, 0};
    int have_tmp = 0;
    if (!dir || !order || !keys || !budgets || !hex || !hexp || !sizes || !tmpdir || !olddir ||
        !collect_models(rg, n, &ml)) {
        rc = hr_err(HR_ENOMEM, "report_write: out of memory");
        goto done;
    }
    memcpy(dir, dir_in, dl);
    dir[dl] = '\0';

    int exists = 0;
    mode_t mode = 0755;
    rc = check_existing(dir, &exists, &mode);
    if (rc) goto done;

    /* Hash the inputs before anything is written. */
    for (size_t i = 0; i < run->ninputs; i++) {
        rc = report_sha256_file_size(run->inputs[i], hex[i], &sizes[i]);
        if (rc) goto done;
        hexp[i] = hex[i];
    }

    /* Rank. */
    for (size_t i = 0; i < n; i++) {
        keys[i].v = nb ? hrow(&rg[i], rb)->headroom_mw : NAN;
        keys[i].name = rg[i].name;
        keys[i].i = i;
    }
    if (n) qsort(keys, n, sizeof *keys, rank_cmp);
    for (size_t i = 0; i < n; i++) order[i] = keys[i].i;
    for (size_t j = 0; j < nb; j++) budgets[j] = rg[ref].headroom[j].budget_pct;

    render_html(&out[0], rg, n, order, nb, budgets, rb, run, hexp, sizes, version);
    render_csv(&out[1], rg, n, order, nb, budgets, &ml);
    render_json(&out[2], rg, n, order, nb, budgets, rb, &ml, version);
    render_runjson(&out[3], run, hexp, sizes, n, nb ? budgets[rb] : NAN, version, cal_monotonic_seconds() - t_start);
    for (int k = 0; k < 4; k++)
        if (out[k].oom) {
            rc = hr_err(HR_ENOMEM, "report_write: out of memory while rendering %s", OUT_FILES[k]);
            goto done;
        }

    /* Write into DIR.tmp-XXXXXX beside DIR. */
    snprintf(tmpdir, dl + 16, "%s.tmp-XXXXXX", dir);
    if (!mkdtemp(tmpdir)) {
        rc = hr_err(HR_EIO, "%s: cannot create temporary directory: %s", tmpdir, strerror(errno));
        goto done;
    }
    have_tmp = 1;
    for (int k = 0; k < 4; k++) {
        rc = write_file(tmpdir, OUT_FILES[k], &out[k]);
        if (rc) goto done;
        if (run->fail_after_files > 0 && k + 1 == run->fail_after_files) {
            rc = hr_err(HR_EIO, "%s: injected failure after %d files (test hook)", tmpdir, k + 1);
            goto done;
        }
    }
    if (chmod(tmpdir, mode) != 0) {
        rc = hr_err(HR_EIO, "%s: cannot set mode: %s", tmpdir, strerror(errno));
        goto done;
    }

    /* Swap: move the old report aside (onto an empty placeholder made by
     * mkdtemp, which rename(2) may replace), move the new one in, then
     * delete the old one. */
    if (exists) {
        snprintf(olddir, dl + 16, "%s.old-XXXXXX", dir);
        if (!mkdtemp(olddir)) {
            rc = hr_err(HR_EIO, "%s: cannot create: %s", olddir, strerror(errno));
            goto done;
        }
        if (rename(dir, olddir) != 0) {
            rc = hr_err(HR_EIO, "%s: cannot move aside to %s: %s", dir, olddir, strerror(errno));
            rmdir(olddir);
            goto done;
        }
    }
    if (rename(tmpdir, dir) != 0) {
        rc = hr_err(HR_EIO, "%s: cannot rename %s into place: %s", dir, tmpdir, strerror(errno));
        if (exists && rename(olddir, dir) != 0)
            rc = hr_err(HR_EIO, "%s: cannot rename into place, and the previous report is left at %s", dir,
                        olddir);
        goto done;
    }
    have_tmp = 0;
    if (exists) remove_report_dir(olddir);
    rc = HR_OK;

done:
    if (have_tmp) remove_report_dir(tmpdir);
    for (int k = 0; k < 4; k++) mem_free(out[k].p);
    mem_free(ml.name);
    mem_free(dir);
    mem_free(order);
    mem_free(keys);
    mem_free(budgets);
    mem_free(hex);
    mem_free(hexp);
    mem_free(sizes);
    mem_free(tmpdir);
    mem_free(olddir);
    return rc;
}

int report_write(const char *dir, const report_region *regions, size_t n, const report_run *run,
                 int rank_budget_index)
{
    hr_err_clear();
    if (!dir || !run) return hr_err(HR_EINVAL, "report_write: NULL argument");
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c) return hr_err(HR_ENOMEM, "report_write: cannot create the C locale");
    locale_t old = uselocale(c);
    int rc = write_locked(dir, regions, n, run, rank_budget_index);
    uselocale(old);
    freelocale(c);
    return rc;
}
