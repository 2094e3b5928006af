/* sha256.c — SHA-256 of the report's inputs for run.json (report.h:
 * report_sha256_hex, report_sha256_file, report_sha256_file_size). */
#include "report/report.h"
#include "util/error.h"
#include "util/mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* FIPS 180-4 (2015), section 6.2. Symbols as in the standard: W = message
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
    if (!path || !hex) return err_set(HR_EINVAL, "report_sha256_file: NULL argument");
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(HR_EIO, "%s: cannot open: %s", path, strerror(errno));
    uint8_t *buf = mem_alloc(1 << 16);
    if (!buf) {
        fclose(f);
        return err_set(HR_ENOMEM, "%s: out of memory", path);
    }
    sha256_ctx c;
    sha256_init(&c);
    size_t k;
    while ((k = fread(buf, 1, 1 << 16, f)) > 0) sha256_update(&c, buf, k);
    int bad = ferror(f);
    fclose(f);
    mem_free(buf);
    if (bad) return err_set(HR_EIO, "%s: read error", path);
    if (size_out) *size_out = c.nbytes;
    sha256_final(&c, hex);
    return HR_OK;
}

int report_sha256_file(const char *path, char hex[65])
{
    return report_sha256_file_size(path, hex, NULL);
}
