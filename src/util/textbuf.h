/* textbuf.h — a growable text buffer and the escapers of the output formats
 * (private).
 *
 * Every writer of text in the library builds it here in memory first (the
 * report pages and tables, the model files, the batch's result buffers) and
 * writes it out in one piece, so nothing touches the disk until the whole
 * text exists. Growth goes through mem_realloc, so the allocation-failure
 * tests reach every step. A failed growth is sticky: later calls do
 * nothing, tb->oom stays set and the caller reports HR_ENOMEM once at the
 * end. The text is always NUL-terminated (p may be NULL while len == 0).
 *
 * The escapers copy valid UTF-8 (RFC 3629) unchanged and replace each byte
 * that is not part of a valid sequence by U+FFFD, so the output always
 * parses whatever bytes an input file held. */
#ifndef HR_TEXTBUF_H
#define HR_TEXTBUF_H
#include <stddef.h>

typedef struct {
    char *p;
    size_t len, cap;
    int oom; /* sticky: a growth failed */
} textbuf;

/* Room for extra more bytes (plus the NUL); 0 once oom is set. */
int tb_reserve(textbuf *tb, size_t extra);
/* Append n bytes (any bytes: the batch packs raw structs with it). */
void tb_putn(textbuf *tb, const void *t, size_t n);
void tb_put(textbuf *tb, const char *t);
void tb_printf(textbuf *tb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Free the text and zero *tb. */
void tb_free(textbuf *tb);

/* Length of the valid UTF-8 sequence at p (no overlongs, no surrogates,
 * <= U+10FFFF), or 0 if the bytes there are not one. p is NUL-terminated. */
size_t utf8_seq_len(const unsigned char *p);

/* HTML text or attribute value (HTML 5's escapingString: & < > " plus the
 * apostrophe); C0 controls other than tab and newline dropped. NULL = "". */
void tb_html(textbuf *tb, const char *t);
/* A JSON string literal with its quotes (RFC 8259 section 7); NULL gives
 * null. */
void tb_json_str(textbuf *tb, const char *t);
/* A CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF or
 * starts or ends with a blank; quotes doubled. NULL = "". */
void tb_csv_str(textbuf *tb, const char *t);
#endif
