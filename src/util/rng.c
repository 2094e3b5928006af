/* rng.c — xoshiro256** streams and the draws built on them (see rng.h). */
#include "util/rng.h"
#include <math.h>

uint64_t rng_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double rng_unit53(uint64_t z) { return (double)(z >> 11) * 0x1.0p-53; }

void rng_seed(rng *g, uint64_t seed)
{
    for (int i = 0; i < 4; i++) g->s[i] = rng_splitmix64(&seed);
    g->has = 0;
    g->spare = 0;
}

void rng_seed_stream(rng *g, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed;
    x = rng_splitmix64(&x) ^ (stream * 0xD1B54A32D192ED03ull);
    for (int i = 0; i < 4; i++) g->s[i] = rng_splitmix64(&x);
    g->has = 0;
    g->spare = 0;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rng_next(rng *g)
{
    uint64_t *s = g->s;
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* Rejection of the lowest 2^64 mod n values (Lemire 2019 without the
 * multiply), so every residue is equally likely. */
size_t rng_below(rng *g, size_t n)
{
    uint64_t N = (uint64_t)n, lim = (0 - N) % N;
    for (;;) {
        uint64_t r = rng_next(g);
        if (r >= lim) return (size_t)(r % N);
    }
}

double rng_norm_polar(rng *g)
{
    if (g->has) {
        g->has = 0;
        return g->spare;
    }
    double u, v, s;
    do {
        u = rng_unit53(rng_next(g)) * 2.0 - 1.0;
        v = rng_unit53(rng_next(g)) * 2.0 - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double m = sqrt(-2.0 * log(s) / s);
    g->spare = v * m;
    g->has = 1;
    return u * m;
}

double rng_norm_bm(rng *g)
{
    /* u in (0, 1] so the log is finite */
    double u = ((double)(rng_next(g) >> 11) + 1.0) * 0x1.0p-53;
    double v = rng_unit53(rng_next(g));
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

double rng_t(rng *g, int df)
{
    double z = rng_norm_bm(g), c = 0;
    for (int i = 0; i < df; i++) {
        double x = rng_norm_bm(g);
        c += x * x;
    }
    return z / sqrt(c / df);
}

double rng_splitmix_norm(uint64_t *x)
{
    double u[2];
    for (int i = 0; i < 2; i++) u[i] = ((double)(rng_splitmix64(x) >> 11) + 0.5) * 0x1.0p-53;
    return sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]);
}
