/* rng.h — the library's one source of random numbers (private).
 *
 * xoshiro256** 1.0 (Blackman & Vigna 2021, ACM TOMS 47:36) seeded by
 * splitmix64 (Steele, Lea & Flood 2014, OOPSLA). Every stream is a plain
 * value owned by its caller: no global state, so callers on different
 * threads never share one. The draws below are the ones the simulations
 * and scenarios were written against; changing any of them changes
 * reproducible output, so new needs get new functions. */
#ifndef HR_UTIL_RNG_H
#define HR_UTIL_RNG_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t s[4];
    int has;      /* a spare polar-method normal is waiting */
    double spare;
} rng;

/* One splitmix64 step: advances *x and returns the next output. */
uint64_t rng_splitmix64(uint64_t *x);
/* A uniform on [0, 1) from the top 53 bits of a 64-bit word. */
double rng_unit53(uint64_t z);

/* State = four splitmix64 outputs from seed. */
void rng_seed(rng *g, uint64_t seed);
/* Stream `stream` of seed: the splitmix64 start is a bijection of the
 * stream number for a given seed, so streams of one seed never coincide. */
void rng_seed_stream(rng *g, uint64_t seed, uint64_t stream);
uint64_t rng_next(rng *g);
/* Uniform integer in [0, n), n >= 1, without modulo bias. */
size_t rng_below(rng *g, size_t n);
/* Standard normal by the polar method (Marsaglia & Bray 1964). */
double rng_norm_polar(rng *g);
/* Standard normal by Box-Muller (Box & Muller 1958), one per two words. */
double rng_norm_bm(rng *g);
/* Student t with df degrees of freedom as z / sqrt(chi2_df / df), normals
 * by rng_norm_bm. */
double rng_t(rng *g, int df);
/* Standard normal by Box-Muller from two splitmix64 words of *x (the
 * uniforms centred in their 2^-53 cells, so the log is finite). */
double rng_splitmix_norm(uint64_t *x);

#endif
