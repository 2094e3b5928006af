/* screen.c — screening and imputation of one region's hourly load.
 *
 * Exports screen_load() (flag every hour, then impute the flagged and missing
 * ones) and screen_impute() (the gap filler alone), declared in src/ingest/screen.h.
 *
 * Screening follows Ruggles, Farnham, Tong & Caldeira (2020), "Developing
 * reliable hourly electricity demand data through screening and imputation",
 * Sci. Data 7:155, with the thresholds of their published step-2 notebook
 * (truggles/EIA_Cleaned_Hourly_Electricity_Demand_Code). Step 1 removes the
 * egregious values (missing, non-positive, identical runs, >= 10x the global
 * median and the hours next to those); step 2 computes moving medians, a
 * diurnal template and moving IQRs on what is left and removes local spikes,
 * double- and single-sided jumps and anomalous regions.
 *
 * Imputation (ours; Ruggles et al. used MICE across all regions, which needs
 * other series): a gap of one or two hours is interpolated linearly; longer
 * gaps follow a same-hour template (neighbouring days for short gaps, the
 * same hour of the neighbouring weeks for long ones, blended by distance
 * across the gap) shifted to the levels observed at the gap's edges.
 *
 * Cost: O(n) per series in practice: one radix sort per screened series
 * (d, Δ, δ), then each moving quantile in O(1) amortised bit-set steps per
 * hour (see "Order statistics"); global quantiles use selection (O(n));
 * everything else is a constant number of passes. No I/O, no global state.
 */
#include "ingest/screen.h"
#include "util/mem.h"
#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Parameters. Screening: Ruggles et al. (2020), Table 1 and their notebook.
 */
#define SHORT_HALF 24   /* M_{t,48hr}: 48-hour moving median                */
#define N_DAYS 10       /* M_{t,480hr} and the diurnal template h_t: ±10 days */
#define IQR_HALF 120    /* IQR_{dem,t}, IQR_{delta,t}: 240-hour windows       */
#define GLOBAL_CUT 10.0 /* global demand filter: d_t >= 10 median(d)          */
#define LOCAL_UP 3.5    /* local filter: d_t >= M h + 3.5 IQR_dem -> UP       */
#define LOCAL_DOWN 2.5  /*               d_t <= M h - 2.5 IQR_dem -> DOWN     */
#define DELTA_MULT 2.0  /* double-sided delta: both jumps beyond 2 IQR_delta  */
#define SINGLE_MULT 5.0 /* single-sided delta: jump beyond 5 IQR_delta ...    */
#define REL_MULT 15.0   /* ... and relative jump beyond 15 IQR_r              */
#define AR_WIDTH 24     /* anomalous region: ±24 h windows ...               */
#define AR_PCT 0.85     /* ... with at most 85 % good hours                   */
/* Floors on the moving IQRs relative to the local level (ours): a perfectly
 * flat or noise-free stretch would otherwise give IQR 0 and flag every hour
 * that is not exactly on the template. Real load has IQRs of several %. */
#define IQR_DEM_FLOOR 0.01
#define IQR_DELTA_FLOOR 0.002
#define IQR_R_FLOOR 0.001

/* Imputation (ours). Chosen on masked EIA-930 stretches (bench/eval_screen.md)
 * among round values; each knob moved MAPE by tenths of a percent at most. */
#define IMP_LINEAR_MAX 2     /* gaps up to 2 h: straight line                  */
#define IMP_DAILY_MAX 36     /* gaps up to 36 h: daily template; longer: weekly */
#define IMP_WEEKLY_BLEND 0.3 /* short gaps: 0.3 weekly + 0.7 daily template
                              * (the weekly one knows weekday vs weekend)     */
#define IMP_KD 1             /* days averaged on each side (short gaps)       */
#define IMP_KW 3             /* weeks averaged on each side (long gaps)       */
#define IMP_TAU 24.0         /* gaps > 2 TAU: edge ratios fade, time constant 24 h */
#define IMP_RATIO_MIN 0.5    /* edge ratios clamped to [0.5, 2]: a safeguard   */
#define IMP_RATIO_MAX 2.0
#define IMP_KMAX_DAY 14  /* search up to 14 days away for a same-hour value   */
#define IMP_KMAX_WEEK 60 /* and up to 60 weeks away for a same-hour-of-week one */

/* ---------------------------------------------------------------------------
 * Order statistics.
 *
 * The moving medians and IQRs are exact order statistics of sliding windows.
 * A window kept as a sorted array costs a binary search and an O(w) memmove
 * per step (w up to 480), which dominated the screening. As in Suomela
 * (2014), "Median filtering is equivalent to sorting", arXiv:1406.1717, we
 * sort first and then only move through ranks: the series is sorted once
 * (radix sort, O(n)), every hour gets the rank of its value, and a window is
 * the set of its hours' ranks, kept as a two-level bit set over [0, R). Per
 * step one rank leaves and one enters; a quantile is the k-th member, found
 * by a cursor that moves over O(1) members per step (Suomela's median
 * pointer over a sorted linked list; here word scans of the bit set, with no
 * per-block sorting, since the ranks are global). All moving statistics of
 * one series (M_48 and M_480 on d; IQR_dem and the 24 diurnal medians on Δ)
 * share its ranks.
 *
 * Every quantile is computed from the exact k-th and (k+1)-th smallest values
 * with the same type-7 formula as a sorted window would use, so the result
 * does not depend on the algorithm: ties are equal values, NaN never enters,
 * and -0 cannot occur (every input is d > 0, a difference of such values, or
 * a difference from a median of them).
 */

#define RANK_NONE UINT32_MAX /* hour without a value (NaN) */

/* Type-7 quantile p (Hyndman & Fan 1996; numpy/pandas default) of m >= 1
 * values given vk, the k-th smallest (0-based, k = floor(p (m-1))), and vk1,
 * the (k+1)-th (not used when k + 1 >= m). */
static double q_type7(double p, size_t m, double vk, double vk1)
{
    double h = p * (double)(m - 1);
    size_t k = (size_t)h;
    if (k + 1 >= m) return vk;
    return vk + (h - (double)k) * (vk1 - vk);
}

/* k of q_type7 for p and m >= 1. */
static size_t q_rank(double p, size_t m) { return (size_t)(p * (double)(m - 1)); }

/* Type-7 quantile p of the values x[ord[0..m)] sorted ascending. */
static double q_ord(const double *x, const uint32_t *ord, size_t m, double p)
{
    if (m == 0) return NAN;
    size_t k = q_rank(p, m);
    return q_type7(p, m, x[ord[k]], k + 1 < m ? x[ord[k + 1]] : NAN);
}

/* Order-preserving map of a double to an unsigned key (flip the sign bit of
 * a positive number, every bit of a negative one) for the radix sort. */
static uint64_t dkey(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u ^ (((uint64_t)0 - (u >> 63)) | (uint64_t)1 << 63);
}

/* Sort scratch for n values: two key and two index buffers. */
typedef struct {
    uint64_t *key, *key2;
    uint32_t *ord2;
} sortws;

/* ord[0..m) = the k < n with x[k] not NaN, ordered by value: an LSD radix
 * sort (Knuth, TAOCP vol. 3, 5.2.5) with 11-bit digits over only the key
 * bits that differ between the values, so real load data takes 2-3 passes.
 * Keys: when every value is a multiple of 1/2 below 2^51 in magnitude
 * (whole-MW readings, their differences and the medians of those), 2x - min
 * as an integer, which spans only the range of the data (differences of
 * both signs would otherwise differ in all 64 bits of dkey: 6 passes);
 * else dkey. Both keys are strictly increasing in the value and the sort is
 * stable, so ord is the same either way. Returns m. */
#define RADIX_BITS 11
static size_t sort_idx(const double *x, size_t n, uint32_t *ord, const sortws *s)
{
    uint64_t *key = s->key, *key2 = s->key2;
    uint32_t *o = ord, *o2 = s->ord2;
    size_t m = 0;
    int whole = 1; /* every value so far is a multiple of 1/2 below 2^51 */
    int64_t kmin = INT64_MAX;
    for (size_t k = 0; k < n; k++) {
        if (isnan(x[k])) continue;
        double v = 2.0 * x[k];
        if (whole && fabs(v) < 0x1p52) {
            int64_t i = (int64_t)v;
            whole = (double)i == v;
            key[m] = (uint64_t)i;
            if (i < kmin) kmin = i;
        } else
            whole = 0;
        o[m++] = (uint32_t)k;
    }
    uint64_t diff = 0; /* bits in which some key differs from the first */
    if (whole) {
        for (size_t i = 0; i < m; i++) {
            key[i] -= (uint64_t)kmin;
            diff |= key[i];
        }
    } else {
        for (size_t i = 0; i < m; i++) {
            key[i] = dkey(x[o[i]]);
            diff |= key[i] ^ key[0];
        }
    }
    if (!diff) return m; /* all equal (or m < 2): any order is sorted */
    const unsigned lo = (unsigned)__builtin_ctzll(diff), hi = 64u - (unsigned)__builtin_clzll(diff);
    const unsigned npass = (hi - lo + RADIX_BITS - 1) / RADIX_BITS; /* <= 6 */
    const uint64_t mask = ((uint64_t)1 << RADIX_BITS) - 1;
    uint32_t cnt[6][(size_t)1 << RADIX_BITS];
    memset(cnt, 0, npass * sizeof cnt[0]);
    for (size_t i = 0; i < m; i++)
        for (unsigned p = 0; p < npass; p++) cnt[p][(key[i] >> (lo + RADIX_BITS * p)) & mask]++;
    for (unsigned p = 0; p < npass; p++) {
        const unsigned sh = lo + RADIX_BITS * p;
        uint32_t *c = cnt[p], sum = 0;
        for (size_t j = 0; j <= mask; j++) {
            uint32_t cj = c[j];
            c[j] = sum;
            sum += cj;
        }
        for (size_t i = 0; i < m; i++) {
            uint32_t j = c[(key[i] >> sh) & mask]++;
            key2[j] = key[i];
            o2[j] = o[i];
        }
        uint64_t *tk = key;
        key = key2;
        key2 = tk;
        uint32_t *to = o;
        o = o2;
        o2 = to;
    }
    if (o != ord) memcpy(ord, o, m * sizeof *ord);
    return m;
}

/* A set of ranks in [0, R) as a two-level bit set: b0 has one bit per rank,
 * b1 one bit per non-zero word of b0, so that the next or previous member
 * is found in a few word scans however sparse the set is (a window of w
 * values spread over the ranks of a whole series). */
typedef struct {
    uint64_t *b0, *b1;
    size_t n0, n1; /* words: n0 = ceil(R/64), n1 = ceil(n0/64) */
} rankset;

static void rs_add(rankset *s, uint32_t r)
{
    s->b0[r / 64] |= (uint64_t)1 << (r % 64);
    s->b1[r / 4096] |= (uint64_t)1 << (r / 64 % 64);
}

static void rs_del(rankset *s, uint32_t r)
{
    if (!(s->b0[r / 64] &= ~((uint64_t)1 << (r % 64))))
        s->b1[r / 4096] &= ~((uint64_t)1 << (r / 64 % 64));
}

/* Smallest member in a word after wi, or 64 n0 if none (via b1). */
static size_t rs_next_word(const rankset *s, size_t wi)
{
    size_t j = wi + 1, ji = j / 64;
    if (ji >= s->n1) return 64 * s->n0;
    uint64_t y = s->b1[ji] & (~(uint64_t)0 << (j % 64));
    while (!y) {
        if (++ji == s->n1) return 64 * s->n0;
        y = s->b1[ji];
    }
    wi = 64 * ji + (size_t)__builtin_ctzll(y);
    return 64 * wi + (size_t)__builtin_ctzll(s->b0[wi]);
}

/* Smallest member >= i, or 64 n0 if none. */
static inline size_t rs_next(const rankset *s, size_t i)
{
    size_t wi = i / 64;
    if (wi >= s->n0) return 64 * s->n0;
    uint64_t x = s->b0[wi] & (~(uint64_t)0 << (i % 64));
    if (x) return 64 * wi + (size_t)__builtin_ctzll(x);
    return rs_next_word(s, wi);
}

/* Largest member < i (one must exist). */
static size_t rs_prev(const rankset *s, size_t i)
{
    size_t wi = (i - 1) / 64;
    unsigned sh = (unsigned)(63 - (i - 1) % 64);
    uint64_t x = s->b0[wi] << sh >> sh; /* bits 0 .. (i-1) % 64 */
    if (x) return 64 * wi + 63 - (size_t)__builtin_clzll(x);
    size_t ji = wi / 64; /* wi > 0 here: a member lies below */
    sh = (unsigned)(64 - wi % 64);
    uint64_t y = sh == 64 ? 0 : s->b1[ji] << sh >> sh; /* words below wi */
    while (!y) y = s->b1[--ji];
    wi = 64 * ji + 63 - (size_t)__builtin_clzll(y);
    return 64 * wi + 63 - (size_t)__builtin_clzll(s->b0[wi]);
}

/* Cursor on the k-th smallest member: pos is a rank and c the number of
 * members below pos. Insertions and deletions below pos update c; cur_seek
 * then moves pos to the k-th member, O(1) members per window step since
 * each step changes the set and k by at most one or two. */
typedef struct {
    size_t pos, c;
    size_t m, k; /* k = floor(h) for m values, h = p (m-1) (cached: m rarely changes) */
    double frac; /* h - k */
} cursor;

static void cur_seek(cursor *q, const rankset *s, size_t k)
{
    q->pos = rs_next(s, q->pos); /* on a member (or past the end) */
    while (q->c < k) {
        q->c++;
        q->pos = rs_next(s, q->pos + 1);
    }
    while (q->c > k) {
        q->pos = rs_prev(s, q->pos);
        q->c--;
    }
}

/* Type-7 quantile p of the m >= 1 members of s (sv[rank] = value): the
 * formula of q_type7, with h and k recomputed only when m changes. */
static inline double cur_quant(cursor *q, const rankset *s, const double *sv, size_t m, double p)
{
    if (m != q->m) {
        double h = p * (double)(m - 1);
        q->m = m;
        q->k = (size_t)h;
        q->frac = h - (double)q->k;
    }
    const size_t k = q->k;
    if (q->c != k || q->pos >= 64 * s->n0 || !(s->b0[q->pos / 64] >> (q->pos % 64) & 1))
        cur_seek(q, s, k);
    double vk = sv[q->pos];
    if (k + 1 >= m) return vk;
    double vk1 = sv[rs_next(s, q->pos + 1)];
    return vk + q->frac * (vk1 - vk);
}

/* rk[k] = rank of x[k] in ord[0..m) (RANK_NONE for NaN), sv[r] = x[ord[r]]. */
static void ranks(const double *x, size_t n, const uint32_t *ord, size_t m, uint32_t *rk,
                  double *sv)
{
    for (size_t k = 0; k < n; k++) rk[k] = RANK_NONE;
    for (size_t r = 0; r < m; r++) {
        rk[ord[r]] = (uint32_t)r;
        sv[r] = x[ord[r]];
    }
}

/* Moving quantiles over the centred window [t-lo, t+hi] ∩ [0,n) of the
 * values of a series given by their ranks rk[k*stride] (RANK_NONE = NaN,
 * skipped) among R values sv[0..R) sorted ascending (pandas rolling(lo+hi+1,
 * center=True, min_periods=1)): out_a[t*stride] = quantile pa and, if
 * out_b != NULL, out_b[t*stride] = quantile pb; NaN when the window holds
 * no value. s is scratch for R ranks. */
static void roll_quant(const uint32_t *rk, size_t n, size_t stride, size_t lo, size_t hi,
                       const double *sv, size_t R, double pa, double *out_a, double pb,
                       double *out_b, rankset *s)
{
    s->n0 = (R + 63) / 64;
    s->n1 = (s->n0 + 63) / 64;
    memset(s->b0, 0, s->n0 * sizeof *s->b0);
    memset(s->b1, 0, s->n1 * sizeof *s->b1);
    size_t cnt = 0; /* values in the window */
    for (size_t k = 0; k <= hi && k < n; k++)
        if (rk[k * stride] != RANK_NONE) {
            rs_add(s, rk[k * stride]);
            cnt++;
        }
    cursor qa = {0, 0, 0, 0, 0}, qb = {0, 0, 0, 0, 0};
    for (size_t t = 0; t < n; t++) {
        if (t > 0) {
            if (t >= lo + 1) {
                uint32_t r = rk[(t - lo - 1) * stride];
                if (r != RANK_NONE) {
                    rs_del(s, r);
                    cnt--;
                    qa.c -= r < qa.pos;
                    qb.c -= r < qb.pos;
                }
            }
            if (t + hi < n) {
                uint32_t r = rk[(t + hi) * stride];
                if (r != RANK_NONE) {
                    rs_add(s, r);
                    cnt++;
                    qa.c += r < qa.pos;
                    qb.c += r < qb.pos;
                }
            }
        }
        if (cnt == 0) {
            out_a[t * stride] = NAN;
            if (out_b) out_b[t * stride] = NAN;
            continue;
        }
        out_a[t * stride] = cur_quant(&qa, s, sv, cnt, pa);
        if (out_b) out_b[t * stride] = cur_quant(&qb, s, sv, cnt, pb);
    }
}

int screen_moving_quantile(const double *x, size_t n, size_t lo, size_t hi, double p,
                           double *out)
{
    if (n == 0) return HR_OK;
    if (n > UINT32_MAX / 4) return HR_ENOMEM; /* 32-bit ranks, as in screen_load */
    size_t nb0 = n / 64 + 1, nb1 = nb0 / 64 + 1;
    uint32_t *ib = mem_array(3 * n, sizeof(uint32_t));
    uint64_t *kb = mem_array(2 * n + nb0 + nb1, sizeof(uint64_t));
    double *sv = mem_array(n, sizeof(double));
    if (!ib || !kb || !sv) {
        mem_free(ib);
        mem_free(kb);
        mem_free(sv);
        return HR_ENOMEM;
    }
    sortws sw = {kb, kb + n, ib + 2 * n};
    rankset rs = {kb + 2 * n, kb + 2 * n + nb0, 0, 0};
    size_t m = sort_idx(x, n, ib, &sw);
    ranks(x, n, ib, m, ib + n, sv);
    roll_quant(ib + n, n, 1, lo, hi, sv, m, p, out, 0, NULL, &rs);
    mem_free(ib);
    mem_free(kb);
    mem_free(sv);
    return HR_OK;
}

/* k-th smallest (0-based) of a[0..m), m > 0, partially reordering a so
 * that afterwards a[k+1..m) >= a[k] (Hoare's FIND with median-of-three
 * pivots, as in Numerical Recipes' select; expected O(m)). */
#define SWAPD(x, y) do { double t_ = (x); (x) = (y); (y) = t_; } while (0)
static double select_k(double *a, size_t m, size_t k)
{
    size_t l = 0, ir = m - 1;
    for (;;) {
        if (ir <= l + 1) {
            if (ir == l + 1 && a[ir] < a[l]) SWAPD(a[l], a[ir]);
            return a[k];
        }
        size_t mid = l + (ir - l) / 2;
        SWAPD(a[mid], a[l + 1]);
        if (a[l] > a[ir]) SWAPD(a[l], a[ir]);
        if (a[l + 1] > a[ir]) SWAPD(a[l + 1], a[ir]);
        if (a[l] > a[l + 1]) SWAPD(a[l], a[l + 1]);
        size_t i = l + 1, j = ir;
        double x = a[l + 1]; /* pivot; a[l] <= x <= a[ir] are sentinels */
        for (;;) {
            do i++; while (a[i] < x);
            do j--; while (a[j] > x);
            if (j < i) break;
            SWAPD(a[i], a[j]);
        }
        a[l + 1] = a[j];
        a[j] = x;
        if (j >= k) ir = j - 1;
        if (j <= k) l = i;
    }
}

/* Quantile p (type 7) of m values of which a[0..len) holds the len
 * smallest, len > k + 1 for k = q_rank(p, m) or len = m; reorders a[0..len). */
static double q_select_in(double *a, size_t len, size_t m, double p)
{
    double h = p * (double)(m - 1);
    size_t k = (size_t)h;
    double lo = select_k(a, len, k);
    if (k + 1 >= m) return lo;
    double hi = a[k + 1];
    for (size_t i = k + 2; i < len; i++)
        if (a[i] < hi) hi = a[i];
    return lo + (h - (double)k) * (hi - lo);
}

/* Quantile p (type 7) of a[0..m) by selection; reorders a. NaN if m == 0. */
static double q_select(double *a, size_t m, double p)
{
    if (m == 0) return NAN;
    return q_select_in(a, m, m, p);
}

/* ---------------------------------------------------------------------------
 * Imputation.
 *
 * Symbols: y_t the series (NaN = unknown), a..b a maximal gap of L = b-a+1
 * unknown hours, P the template period (24 or 168 h), ybar^L_t (ybar^R_t)
 * the mean of the K nearest known values y_{t-kP} (y_{t+kP}), k >= 1, the
 * nearest at k_L (k_R) periods. The template for period P is
 *   T^P_t = (k_R ybar^L_t + k_L ybar^R_t) / (k_L + k_R),
 * i.e. linear interpolation between the profiles before and after t.
 * Short gaps (L <= 36) use T_t = 0.7 T^24_t + 0.3 T^168_t with K = 1 (the
 * neighbouring days, corrected towards the weekday pattern), long ones
 * T^168_t with K = 3 weeks. The edge ratios rho_L = y_{a-1} / T_{a-1},
 * rho_R = y_{b+1} / T_{b+1} carry the level at the edges into the gap:
 *   y_t = T_t ((1-s) rho_L + s rho_R),  s = (t-a+1)/(L+1),
 * and in gaps longer than 48 h each ratio fades to 1 as exp(-dist/24 h).
 * This is the profile (template) fill scaled to the edges, in the spirit of
 * the same-hour templates of Ruggles et al. (2020) step 2; it reduces to
 * linear interpolation when T is flat and is continuous at both edges.
 * Only original values (known[]) feed templates, never imputed ones.
 */

/* Mean of the first K known values at t + dir*k*P, k = 1..kmax (a mean
 * over several days or weeks keeps one unusual day from being copied into
 * every period of a long gap); returns the k of the nearest one (0: none). */
static size_t nearest(const double *y, const uint8_t *known, size_t n, size_t t, size_t P,
                      int dir, size_t kmax, size_t K, double *val)
{
    size_t k1 = 0, cnt = 0;
    double sum = 0;
    for (size_t k = 1; k <= kmax && cnt < K; k++) {
        size_t off = k * P;
        size_t u;
        if (dir < 0) {
            if (off > t) break;
            u = t - off;
        } else {
            if (off >= n - t) break;
            u = t + off;
        }
        if (known[u]) {
            if (!cnt) k1 = k;
            sum += y[u];
            cnt++;
        }
    }
    if (cnt) *val = sum / (double)cnt;
    return k1;
}

/* Template value T_t for period P (see above); NaN if no same-phase value. */
static double templ_p(const double *y, const uint8_t *known, size_t n, size_t t, size_t P,
                      size_t kmax, size_t K)
{
    double yl = NAN, yr = NAN;
    size_t kl = nearest(y, known, n, t, P, -1, kmax, K, &yl);
    size_t kr = nearest(y, known, n, t, P, +1, kmax, K, &yr);
    if (kl && kr) return ((double)kr * yl + (double)kl * yr) / (double)(kl + kr);
    if (kl) return yl;
    if (kr) return yr;
    return NAN;
}

/* Template for a gap of length L: daily for short gaps, weekly for long ones
 * (so a long gap keeps the weekday/weekend pattern), falling back to the
 * other period when the preferred one has no value. */
static double templ(const double *y, const uint8_t *known, size_t n, size_t t, size_t L)
{
    if (L > IMP_DAILY_MAX) {
        double tw = templ_p(y, known, n, t, 168, IMP_KMAX_WEEK, IMP_KW);
        return isnan(tw) ? templ_p(y, known, n, t, 24, IMP_KMAX_DAY, IMP_KD) : tw;
    }
    double td = templ_p(y, known, n, t, 24, IMP_KMAX_DAY, IMP_KD);
    if (IMP_WEEKLY_BLEND > 0 || isnan(td)) {
        double tw = templ_p(y, known, n, t, 168, IMP_KMAX_WEEK, IMP_KW);
        if (isnan(td)) return tw;
        if (!isnan(tw)) return (1.0 - IMP_WEEKLY_BLEND) * td + IMP_WEEKLY_BLEND * tw;
    }
    return td;
}

/* Edge ratio rho = y_e / T_e at the known hour e next to a gap (the
 * template computed for e as if it were in the gap), clamped; NaN when the
 * template is not available or not positive there. */
static double edge_ratio(const double *y, const uint8_t *known, size_t n, size_t e, size_t L)
{
    double T = templ(y, known, n, e, L);
    if (!(T > 0)) return NAN;
    double rho = y[e] / T;
    return rho < IMP_RATIO_MIN ? IMP_RATIO_MIN : rho > IMP_RATIO_MAX ? IMP_RATIO_MAX : rho;
}

/* Fill the gap y[a..b] (all unknown; known[] marks the original values). */
static void fill_gap(double *y, const uint8_t *known, size_t n, size_t a, size_t b)
{
    size_t L = b - a + 1;
    int hl = a > 0, hr = b + 1 < n;
    double yl = hl ? y[a - 1] : NAN, yr = hr ? y[b + 1] : NAN;
    if (hl && hr && L <= IMP_LINEAR_MAX) {
        for (size_t t = a; t <= b; t++) {
            double s = (double)(t - a + 1) / (double)(L + 1);
            y[t] = (1 - s) * yl + s * yr;
        }
        return;
    }
    double el = hl ? edge_ratio(y, known, n, a - 1, L) : NAN;
    double er = hr ? edge_ratio(y, known, n, b + 1, L) : NAN;
    if (isnan(el)) el = er;
    if (isnan(er)) er = el;
    for (size_t t = a; t <= b; t++) {
        double s = (double)(t - a + 1) / (double)(L + 1);
        double T = templ(y, known, n, t, L);
        double v;
        if (!(T > 0) || isnan(el)) {
            /* no template: straight line, or the nearest edge value */
            if (hl && hr)
                v = (1 - s) * yl + s * yr;
            else
                v = hl ? yl : yr;
        } else {
            double e;
            if ((double)L > 2 * IMP_TAU) {
                /* long gap: each edge's ratio fades towards 1 with distance,
                 * the blended template carries the level in between */
                double wl = hl ? exp(-(double)(t - a + 1) / IMP_TAU) : 0;
                double wr = hr ? exp(-(double)(b + 1 - t) / IMP_TAU) : 0;
                e = 1.0 + wl * (el - 1.0) + wr * (er - 1.0);
            } else {
                e = (1 - s) * el + s * er;
            }
            v = T * e;
        }
        y[t] = v;
    }
}

/* Fill every unknown hour of y (known[] = original values). */
static void fill_all(double *y, const uint8_t *known, size_t n)
{
    size_t t = 0;
    while (t < n) {
        if (known[t]) {
            t++;
            continue;
        }
        size_t a = t;
        while (t < n && !known[t]) t++;
        if (a == 0 && t == n) return; /* nothing known: leave NaN */
        fill_gap(y, known, n, a, t - 1);
    }
}

int screen_impute(double *v, size_t n, int64_t t0)
{
    (void)t0; /* the fill works on lags, not on calendar time */
    if (n == 0) return HR_OK;
    uint8_t *known = mem_alloc(n);
    if (!known) return HR_ENOMEM;
    for (size_t i = 0; i < n; i++) known[i] = !isnan(v[i]);
    fill_all(v, known, n);
    mem_free(known);
    return HR_OK;
}

/* ---------------------------------------------------------------------------
 * Screening (Ruggles et al. 2020, "Screening Step 1" and "Step 2").
 *
 * Symbols: d_t demand left after the filters so far (NaN = removed);
 * M_t = M_{t,48hr}, M^L_t = M_{t,480hr} the moving medians; Δ_t = d_t - M_t;
 * h_t = 1 + median_{k=-10..10} Δ_{t+24k} / M^L_t the diurnal template;
 * IQR_dem,t the 240-h moving IQR of Δ; δ_t = d_t - d_{t-1} and its 240-h
 * moving IQR IQR_δ,t; r_t = d_t / (M_t h_t), r^L_t = d_t / (M^L_t h_t);
 * IQR_r the global IQR of r_t - r_{t-1}.
 */

static void mark(uint8_t *flag, double *d, size_t t, int f)
{
    flag[t] = (uint8_t)f;
    d[t] = NAN;
}

/* Step 1: non-positive, identical runs, global outliers and their
 * neighbours. d starts as raw with NaN for missing. Leaves in ord[0..*m)
 * the hours still valid, sorted by d (the median needs the sort anyway,
 * and step 2 reuses it). */
static void step1(double *d, uint8_t *flag, size_t n, uint32_t *ord, size_t *m_out,
                  const sortws *sw)
{
    for (size_t t = 0; t < n; t++) {
        if (isnan(d[t]))
            flag[t] = HR_FLAG_MISSING;
        else if (!(d[t] > 0))
            mark(flag, d, t, HR_FLAG_NEG_OR_ZERO);
    }
    /* identical run: the third and later hours of equal values
     * (d_t - d_{t-1} = 0 and d_t - d_{t-2} = 0, judged before masking) */
    for (size_t t = n; t-- > 2;) {
        if (!isnan(d[t]) && d[t] == d[t - 1] && d[t] == d[t - 2]) {
            flag[t] = HR_FLAG_IDENTICAL_RUN;
        }
    }
    for (size_t t = 2; t < n; t++)
        if (flag[t] == HR_FLAG_IDENTICAL_RUN) d[t] = NAN;
    /* global demand filter: d_t >= 10 median(d); also catches +inf */
    size_t m = sort_idx(d, n, ord, sw);
    double med = q_ord(d, ord, m, 0.5);
    if (!isnan(med)) {
        for (size_t t = 0; t < n; t++)
            if (!isnan(d[t]) && d[t] >= GLOBAL_CUT * med) mark(flag, d, t, HR_FLAG_GLOBAL_DEM);
        for (size_t t = 0; t < n; t++) {
            if (flag[t] != HR_FLAG_GLOBAL_DEM) continue;
            if (t > 0 && flag[t - 1] == HR_FLAG_OKAY)
                mark(flag, d, t - 1, HR_FLAG_GLOBAL_DEM_PLUS_MINUS);
            if (t + 1 < n && flag[t + 1] == HR_FLAG_OKAY)
                mark(flag, d, t + 1, HR_FLAG_GLOBAL_DEM_PLUS_MINUS);
        }
    }
    /* drop the hours just removed; the rest stays sorted */
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (!isnan(d[ord[i]])) ord[k++] = ord[i];
    *m_out = k;
}

/* Workspace of step 2: ten n-arrays of statistics, the sorted order of d
 * (from step 1), and the scratch of the moving quantiles. */
typedef struct {
    double *M, *ML, *dev, *iqr_dem, *dpre, *dpost, *iqr_d, *h, *r, *rl;
    uint32_t *ord; /* [n] hours sorted by value (d from step 1, then others) */
    size_t m;      /* valid hours in ord */
    uint32_t *rk;  /* [n] rank of each hour's value, RANK_NONE if NaN */
    double *sv;    /* [n] the values in rank order */
    sortws sort;
    rankset set;
} ws2;

static void step2_stats(const double *d, size_t n, ws2 *w, double *tmp, double *iqr_r)
{
    /* moving medians M_{t,48hr}, M_{t,480hr} */
    ranks(d, n, w->ord, w->m, w->rk, w->sv);
    roll_quant(w->rk, n, 1, SHORT_HALF, SHORT_HALF - 1, w->sv, w->m, 0.5, w->M, 0, NULL, &w->set);
    roll_quant(w->rk, n, 1, 24 * N_DAYS, 24 * N_DAYS - 1, w->sv, w->m, 0.5, w->ML, 0, NULL,
               &w->set);
    for (size_t t = 0; t < n; t++) {
        w->dev[t] = d[t] - w->M[t];
        w->dpre[t] = t > 0 ? d[t] - d[t - 1] : NAN;
        w->dpost[t] = t + 1 < n ? d[t] - d[t + 1] : NAN;
    }
    /* moving IQRs: q75 into iqr, q25 into tmp */
    size_t m = sort_idx(w->dev, n, w->ord, &w->sort);
    ranks(w->dev, n, w->ord, m, w->rk, w->sv);
    roll_quant(w->rk, n, 1, IQR_HALF, IQR_HALF - 1, w->sv, m, 0.75, w->iqr_dem, 0.25, tmp,
               &w->set);
    for (size_t t = 0; t < n; t++) w->iqr_dem[t] -= tmp[t];
    /* diurnal template: median of Δ at the same hour over ±10 days, one
     * moving median per hour-of-day phase (stride 24), on the ranks of Δ */
    for (size_t ph = 0; ph < 24 && ph < n; ph++)
        roll_quant(w->rk + ph, (n - ph + 23) / 24, 24, N_DAYS, N_DAYS, w->sv, m, 0.5, w->h + ph,
                   0, NULL, &w->set);
    m = sort_idx(w->dpre, n, w->ord, &w->sort);
    ranks(w->dpre, n, w->ord, m, w->rk, w->sv);
    roll_quant(w->rk, n, 1, IQR_HALF, IQR_HALF - 1, w->sv, m, 0.75, w->iqr_d, 0.25, tmp, &w->set);
    for (size_t t = 0; t < n; t++) w->iqr_d[t] -= tmp[t];
    for (size_t t = 0; t < n; t++) {
        double lvl = w->ML[t];
        w->h[t] = 1.0 + w->h[t] / lvl;
        w->r[t] = d[t] / (w->M[t] * w->h[t]);
        w->rl[t] = d[t] / (lvl * w->h[t]);
        /* IQR floors relative to the local level (ours, see top) */
        if (!isnan(lvl)) {
            if (!(w->iqr_dem[t] >= IQR_DEM_FLOOR * lvl)) w->iqr_dem[t] = IQR_DEM_FLOOR * lvl;
            if (!(w->iqr_d[t] >= IQR_DELTA_FLOOR * lvl)) w->iqr_d[t] = IQR_DELTA_FLOOR * lvl;
        }
    }
    /* global IQR of r_t - r_{t-1} */
    m = 0;
    for (size_t t = 1; t < n; t++) {
        double dr = w->r[t] - w->r[t - 1];
        if (!isnan(dr)) tmp[m++] = dr;
    }
    /* after the first selection tmp[0..k3] holds the k3+1 smallest, so the
     * q1 order statistics (ranks k1, k1+1 <= k3) are found among them */
    double q3 = q_select(tmp, m, 0.75);
    size_t k3 = m ? q_rank(0.75, m) : 0;
    double q1 = k3 > q_rank(0.25, m) ? q_select_in(tmp, k3 + 1, m, 0.25) : q_select(tmp, m, 0.25);
    *iqr_r = q3 - q1;
    if (!(*iqr_r >= IQR_R_FLOOR)) *iqr_r = IQR_R_FLOOR;
}

static void step2_filters(double *d, uint8_t *flag, size_t n, const ws2 *w, double iqr_r)
{
    /* local demand filter against the template M_t h_t */
    for (size_t t = 0; t < n; t++) {
        if (isnan(d[t])) continue;
        double ex = w->M[t] * w->h[t];
        if (d[t] >= ex + LOCAL_UP * w->iqr_dem[t])
            mark(flag, d, t, HR_FLAG_LOCAL_DEM_UP);
        else if (d[t] <= ex - LOCAL_DOWN * w->iqr_dem[t])
            mark(flag, d, t, HR_FLAG_LOCAL_DEM_DOWN);
    }
    /* double-sided delta: jumps of the same sign on both sides (δ from the
     * step-1 series, as in the reference implementation) */
    for (size_t t = 0; t < n; t++) {
        if (isnan(d[t])) continue;
        double c = DELTA_MULT * w->iqr_d[t];
        if ((w->dpre[t] > c && w->dpost[t] > c) || (w->dpre[t] < -c && w->dpost[t] < -c))
            mark(flag, d, t, HR_FLAG_DELTA);
    }
    /* single-sided delta: forward then backward against the last good hour */
    size_t prev = (size_t)-1;
    for (size_t t = 0; t < n; t++) {
        if (isnan(d[t])) continue;
        if (prev == (size_t)-1) prev = t;
        double dd = fabs(d[prev] - d[t]), dr = fabs(w->r[prev] - w->r[t]);
        if (dd > SINGLE_MULT * w->iqr_d[t] && dr > REL_MULT * iqr_r) {
            /* keep whichever of the two hours is nearer its expectation;
             * the backward pass catches the previous one */
            double pm = fmax(fabs(1 - w->r[prev]), fabs(1 - w->rl[prev]));
            double cm = fmax(fabs(1 - w->r[t]), fabs(1 - w->rl[t]));
            if (cm < pm)
                prev = t;
            else
                mark(flag, d, t, HR_FLAG_SINGLE_DELTA);
        } else {
            prev = t;
        }
    }
    prev = (size_t)-1;
    for (size_t t = n; t-- > 0;) {
        if (isnan(d[t])) continue;
        if (prev == (size_t)-1) prev = t;
        double dd = fabs(d[prev] - d[t]), dr = fabs(w->r[prev] - w->r[t]);
        if (dd > SINGLE_MULT * w->iqr_d[t] && dr > REL_MULT * iqr_r)
            mark(flag, d, t, HR_FLAG_SINGLE_DELTA);
        else
            prev = t;
    }
}

/* Anomalous regions: OKAY hours inside short good stretches surrounded by
 * many flagged hours. good = OKAY or MISSING. An OKAY hour j is flagged when
 * some centre c in [j-W+1, j+W] has a ±W window with <= 85 % good hours,
 * neither the W+1 hours ending nor starting at j are all good, and j's
 * stretch of good hours is at most W long. Windows are cut at the series
 * ends (means over the hours present). cs: n+1 prefix sums of good hours;
 * run: n lengths of good stretches; low: n bytes. */
static void anomalous_regions(double *d, uint8_t *flag, size_t n, size_t *cs, size_t *run,
                              uint8_t *low)
{
    const size_t W = AR_WIDTH;
    cs[0] = 0;
    for (size_t t = 0; t < n; t++)
        cs[t + 1] = cs[t] + (flag[t] == HR_FLAG_OKAY || flag[t] == HR_FLAG_MISSING);
    if (cs[n] == n) return; /* nothing flagged: nothing to do */
    /* run length of good stretches */
    for (size_t t = 0; t < n;) {
        size_t g = cs[t + 1] - cs[t], a = t;
        while (t < n && cs[t + 1] - cs[t] == g) t++;
        for (size_t u = a; u < t; u++) run[u] = g ? t - a : 0;
    }
    /* low[c]: centred window [c-W, c+W] has <= 85 % good hours */
    for (size_t c = 0; c < n; c++) {
        size_t lo = c >= W ? c - W : 0, hi = c + W + 1 < n ? c + W + 1 : n;
        low[c] = (double)(cs[hi] - cs[lo]) <= AR_PCT * (double)(hi - lo);
    }
    /* sliding count of low centres in [j-W+1, j+W] */
    size_t nlow = 0;
    for (size_t c = 0; c < W && c < n; c++) nlow += low[c]; /* [0, W-1] for j = -1 */
    for (size_t j = 0; j < n; j++) {
        if (j + W < n) nlow += low[j + W];
        if (j >= W) nlow -= low[j - W];
        if (!nlow || flag[j] != HR_FLAG_OKAY || run[j] > W) continue;
        size_t plo = j >= W ? j - W : 0, phi = j + W + 1 < n ? j + W + 1 : n;
        int pre_all = cs[j + 1] - cs[plo] == j + 1 - plo;
        int post_all = cs[phi] - cs[j] == phi - j;
        if (pre_all || post_all) continue;
        mark(flag, d, j, HR_FLAG_ANOMALOUS_REGION);
    }
}

int screen_load(const double *raw, size_t n, int64_t t0, uint8_t *flag, double *clean,
                hr_quality *q)
{
    memset(q, 0, sizeof *q);
    q->first_utc = q->last_utc = t0;
    q->peak_mw = q->mean_mw = NAN;
    if (n == 0) return HR_OK;

    /* Indices are 32-bit (half the memory traffic of the sorts and lists);
     * a billion hours is far beyond any load series, and its workspace
     * would not fit in memory anyway. */
    if (n > UINT32_MAX / 4) return HR_ENOMEM;
    /* one block each for the n-arrays of doubles (d, tmp, 10 statistics,
     * sorted values), of 32-bit indices (order, ranks, sort scratch) and of
     * 64-bit words (sort keys, rank set) */
    size_t nb0 = n / 64 + 1, nb1 = nb0 / 64 + 1;
    double *blk = mem_array(13 * n, sizeof(double));
    uint32_t *ib = mem_array(3 * n, sizeof(uint32_t));
    uint64_t *kb = mem_array(2 * n + nb0 + nb1, sizeof(uint64_t));
    size_t *cs = mem_array(2 * n + 1, sizeof(size_t));
    uint8_t *bytes = mem_alloc(2 * n);
    if (!blk || !ib || !kb || !cs || !bytes) {
        mem_free(blk);
        mem_free(ib);
        mem_free(kb);
        mem_free(cs);
        mem_free(bytes);
        return HR_ENOMEM;
    }
    double *d = blk, *tmp = blk + n;
    ws2 w = {blk + 2 * n, blk + 3 * n, blk + 4 * n,  blk + 5 * n,       blk + 6 * n,
             blk + 7 * n, blk + 8 * n, blk + 9 * n,  blk + 10 * n,      blk + 11 * n,
             ib,          0,           ib + n,       blk + 12 * n,      {kb, kb + n, ib + 2 * n},
             {kb + 2 * n, kb + 2 * n + nb0, 0, 0}};
    uint8_t *dup = bytes, *low = bytes + n;

    for (size_t t = 0; t < n; t++) {
        dup[t] = flag[t] == HR_FLAG_DUPLICATE_RESOLVED;
        flag[t] = HR_FLAG_OKAY;
        d[t] = raw[t];
    }
    step1(d, flag, n, w.ord, &w.m, &w.sort);
    double iqr_r;
    step2_stats(d, n, &w, tmp, &iqr_r);
    step2_filters(d, flag, n, &w, iqr_r);
    anomalous_regions(d, flag, n, cs, cs + n + 1, low);

    /* impute every hour that is not OKAY */
    for (size_t t = 0; t < n; t++) low[t] = !isnan(d[t]);
    memcpy(clean, d, n * sizeof(double));
    fill_all(clean, low, n);
    for (size_t t = 0; t < n; t++)
        if (flag[t] == HR_FLAG_OKAY && dup[t]) flag[t] = HR_FLAG_DUPLICATE_RESOLVED;

    /* quality over the span of raw values */
    size_t first = n, last = 0;
    for (size_t t = 0; t < n; t++)
        if (!isnan(raw[t])) {
            if (first == n) first = t;
            last = t;
        }
    /* Nothing is invented outside the observed span: hours before the first
     * and after the last raw value stay NaN (a weather file may extend the
     * grid past the load, e.g. future temperatures for a forecast). */
    for (size_t t = 0; t < n; t++)
        if (first == n || t < first || t > last) clean[t] = NAN;
    if (first < n) {
        q->first_utc = t0 + 3600 * (int64_t)first;
        q->last_utc = t0 + 3600 * (int64_t)last;
        q->hours = last - first + 1;
        double peak = -INFINITY, sum = 0;
        size_t cnt = 0;
        for (size_t t = first; t <= last; t++) {
            q->by_flag[flag[t]]++;
            if (isnan(raw[t])) q->missing++;
            if (flag[t] != HR_FLAG_OKAY) q->flagged++;
            if (!low[t]) q->imputed++;
            if (isnan(clean[t])) continue; /* only when nothing survived screening */
            if (clean[t] > peak) peak = clean[t];
            sum += clean[t];
            cnt++;
        }
        if (cnt) {
            q->peak_mw = peak;
            q->mean_mw = sum / (double)cnt;
        }
    }
    mem_free(blk);
    mem_free(ib);
    mem_free(kb);
    mem_free(cs);
    mem_free(bytes);
    return HR_OK;
}
