/* textbuf.c — the growable text buffer and its escapers (textbuf.h). */
#include "util/textbuf.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int tb_reserve(textbuf *tb, size_t extra)
{
    if (tb->oom) return 0;
    if (extra < (size_t)-1 - tb->len && tb->len + extra + 1 <= tb->cap) return 1;
    if (extra >= ((size_t)-1 >> 1) - tb->len) {
        tb->oom = 1;
        return 0;
    }
    size_t cap = tb->cap ? tb->cap : 4096;
    while (cap < tb->len + extra + 1) cap *= 2;
    char *p = mem_realloc(tb->p, cap);
    if (!p) {
        tb->oom = 1;
        return 0;
    }
    tb->p = p;
    tb->cap = cap;
    return 1;
}

void tb_putn(textbuf *tb, const void *t, size_t n)
{
    if (!tb_reserve(tb, n)) return;
    if (n) memcpy(tb->p + tb->len, t, n);
    tb->len += n;
    tb->p[tb->len] = '\0';
}

void tb_put(textbuf *tb, const char *t) { tb_putn(tb, t, strlen(t)); }

void tb_printf(textbuf *tb, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0) {
        tb->oom = 1; /* only an impossible format fails: treat as no memory */
        return;
    }
    if ((size_t)k < sizeof tmp) {
        tb_putn(tb, tmp, (size_t)k);
        return;
    }
    if (!tb_reserve(tb, (size_t)k)) return;
    va_start(ap, fmt);
    vsnprintf(tb->p + tb->len, (size_t)k + 1, fmt, ap);
    va_end(ap);
    tb->len += (size_t)k;
}

void tb_free(textbuf *tb)
{
    mem_free(tb->p);
    memset(tb, 0, sizeof *tb);
}

size_t utf8_seq_len(const unsigned char *p)
{
    if (p[0] < 0x80) return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (p[0] == 0xE0 && p[1] < 0xA0) return 0; /* overlong */
        if (p[0] == 0xED && p[1] > 0x9F) return 0; /* surrogate */
        return 3;
    }
    if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
        if (p[0] == 0xF0 && p[1] < 0x90) return 0; /* overlong */
        if (p[0] == 0xF4 && p[1] > 0x8F) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

enum { ESC_HTML, ESC_JSON };

static void esc_ascii(textbuf *tb, unsigned char c, int how)
{
    if (how == ESC_JSON) {
        switch (c) {
        case '"': tb_put(tb, "\\\""); return;
        case '\\': tb_put(tb, "\\\\"); return;
        case '\n': tb_put(tb, "\\n"); return;
        case '\r': tb_put(tb, "\\r"); return;
        case '\t': tb_put(tb, "\\t"); return;
        default:
            if (c < 0x20) tb_printf(tb, "\\u%04x", c);
            else tb_putn(tb, &c, 1);
            return;
        }
    }
    switch (c) {
    case '&': tb_put(tb, "&amp;"); return;
    case '<': tb_put(tb, "&lt;"); return;
    case '>': tb_put(tb, "&gt;"); return;
    case '"': tb_put(tb, "&quot;"); return;
    case '\'': tb_put(tb, "&#39;"); return;
    default:
        if (c >= 0x20 || c == '\t' || c == '\n') tb_putn(tb, &c, 1);
    }
}

static void escaped(textbuf *tb, const char *t, int how)
{
    const unsigned char *p = (const unsigned char *)t;
    while (*p) {
        size_t k = utf8_seq_len(p);
        if (k == 0) {
            tb_put(tb, REPLACEMENT);
            p++;
        } else if (k > 1) {
            tb_putn(tb, p, k);
            p += k;
        } else
            esc_ascii(tb, *p++, how);
    }
}

void tb_html(textbuf *tb, const char *t) { escaped(tb, t ? t : "", ESC_HTML); }

void tb_json_str(textbuf *tb, const char *t)
{
    if (!t) {
        tb_put(tb, "null");
        return;
    }
    tb_put(tb, "\"");
    escaped(tb, t, ESC_JSON);
    tb_put(tb, "\"");
}

void tb_csv_str(textbuf *tb, const char *t)
{
    t = t ? t : "";
    size_t n = strlen(t);
    int quote = strpbrk(t, ",\"\r\n") != NULL || (n && (t[0] == ' ' || t[n - 1] == ' '));
    if (!quote) {
        tb_putn(tb, t, n);
        return;
    }
    tb_put(tb, "\"");
    for (const char *p = t; *p; p++) {
        if (*p == '"') tb_put(tb, "\"\"");
        else tb_putn(tb, p, 1);
    }
    tb_put(tb, "\"");
}
