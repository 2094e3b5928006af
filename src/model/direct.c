/* direct.c — direct per-lead forecasts of regression residuals (see direct.h).
 *
 * Cost: the training rows of a lead (the same hour on earlier days) do not
 * depend on the origin, only their day weights do. Origins at the same hour
 * of day are therefore fitted together, up to CHUNK_MAX of them within
 * CHUNK_DAYS days: each training row's features and its products x_a x_b,
 * x_a y are formed once for the chunk, and every origin's normal equations
 * are one column of (products)' x (weights), one matrix product for the
 * chunk and lead (and one more for the Huber pass), instead of a weighted
 * copy and two small BLAS calls per origin. The sums are those of a fit per
 * origin, in another order (rounding). */
#include "model/direct.h"

#include <math.h>
#include <string.h>

#include "util/error.h"
#include "stats/linalg.h"
#include "util/mem.h"
#include "util/rng.h"

/* NF features on the load alone; NFO with the operator's forecast. */
enum { NF = 9, NFO = 11, BACK = 168 };
/* Products of one row: the upper triangle of x x' and x y. */
enum { NQ = NFO * (NFO + 1) / 2 + NFO };
/* Origins fitted together (see the top). */
enum { CHUNK_MAX = 32, CHUNK_DAYS = 64 };
/* Below this many origins a fit forms each one's normal equations alone. */
enum { FEW_ORIGINS = 4 };

/* Training-day weights (see direct.h): a Gaussian in the distance, in days,
 * between the training day and the origin's date in any year, of standard
 * deviation KERNEL_BW days unless that leaves under KERNEL_MASS days of
 * total weight (short histories: the kernel widens, by steps of 15 %, until
 * it does, tending to equal weights), times exp(-age / AGE_TAU); weights
 * under WMIN are 0 (their days are skipped). A kernel in the season is
 * local regression in the day of year (Cleveland & Devlin 1988, JASA
 * 83:596) with a nearest-neighbour style bandwidth. Chosen on the day-ahead
 * backtests of bench/skill.md, where the mean MAPE is flat for KERNEL_BW
 * 15..25, KERNEL_MASS 80..130, AGE_TAU 2..4 years and WMIN 0.01..0.05. */
#define KERNEL_BW 20.0
#define KERNEL_MASS 100.0
#define AGE_TAU (2 * 365.2425)
#define WMIN 0.05
/* Bandwidth steps at most (the last is used when none reaches the mass). */
#define BW_STEPS 50
/* Days older than AGE_TAU ln(1 / WMIN) weigh under WMIN: never read. */
#define MAX_DAYS 2189
/* Huber loss (Huber 1964, Ann. Math. Stat. 35:73), as the one-step
 * estimator from the least-squares start (Bickel 1975, JASA 70:428): the
 * residuals beyond HUBER_K times the weighted rms of the first fit are
 * down-weighted to k / |r| and the fit is repeated once. A holiday or a
 * storm in a training day then pulls the coefficients less. The bench is
 * flat for k in 0.5..1.0; iterating to convergence changes nothing. */
#define HUBER_K 1.0
/* An operator's forecast further than a factor exp(OP_MAX) = 1.5 from the
 * load it forecast is a data fault, not a forecast error (EIA-930 carries
 * unscreened forecasts: PJM's of July 2015 is ~40 % of the load; the
 * errors of a working day-ahead forecast are a few percent): its hour is
 * left out of the operator's errors. */
#define OP_MAX 0.4055

static double mean_of(const double *e, size_t from, size_t to)
{
    double s = 0;
    size_t c = 0;
    for (size_t k = from; k < to; k++)
        if (!isnan(e[k])) s += e[k], c++;
    return c * 2 >= to - from ? s / (double)c : NAN;
}

/* Features of target oo + L known at origin oo (needs oo >= BACK): the two
 * newest residuals, the means of the newest two days, the newest two values
 * at the target's hour of day and the newest at its hour of week, and the
 * day-to-day change of the newest hour. The last known same-hour values
 * carry the daily shape of a weather spell; the recent means its level.
 * The features that depend on the origin alone (ND of them, d[0..ND)) are
 * computed once per origin by day_features and shared by all leads:
 * the two daily means were 90 % of the time spent on features. */
enum { ND = 5 };

static void day_features(const double *e, size_t oo, double *d)
{
    d[0] = e[oo - 1];
    d[1] = e[oo - 2];
    d[2] = mean_of(e, oo - 24, oo);
    d[3] = mean_of(e, oo - 48, oo - 24);
    d[4] = e[oo - 1] - e[oo - 25];
}

/* What one lead's regression reads. Load alone: features and target are
 * the residuals e. With the operator's forecast g (on the residual scale,
 * known at the target hours), the target is the operator's error u = e - g
 * and the features are u's, plus g itself and u's mean at the target's
 * hour over the newest week: the forecast is g + the predicted u, so the
 * fit learns how the operator's errors persist and how far to trust g. */
typedef struct {
    const double *s; /* the series of the features and of the target: e or u */
    const double *g; /* NULL: load alone                                      */
    size_t nf;       /* NF or NFO                                             */
} lead_src;

static void features(const lead_src *c, const double *d, size_t oo, size_t L, double *x)
{
    const double *e = c->s;
    size_t q = L / 24 + 1, qw = L / 168 + 1;
    x[0] = 1.0;
    x[1] = d[0];
    x[2] = d[1];
    x[3] = d[2];
    x[4] = d[3];
    x[5] = e[oo + L - 24 * q];
    x[6] = e[oo + L - 24 * (q + 1)];
    x[7] = e[oo + L - 168 * qw];
    x[8] = d[4];
    if (!c->g) return;
    x[9] = c->g[oo + L];
    double sum = 0;
    size_t cnt = 0;
    for (size_t i = 0; i < 7; i++) {
        double v = e[oo + L - 24 * (q + i)];
        if (!isnan(v)) sum += v, cnt++;
    }
    x[10] = cnt >= 4 ? sum / (double)cnt : NAN;
}

static int finite_all(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

size_t direct_history(size_t lead, size_t h, size_t days)
{
    if (days > MAX_DAYS) days = MAX_DAYS;
    size_t j0 = (lead + h - 1) / 24 + 1;
    return 24 * (j0 + days - 1) + BACK;
}

/* The training origins oo_j = o - 24 j, j = j0 .. j0 + nd - 1, all at or
 * after BACK; returns nd. Every target oo_j + L, L < 24 j0, lies before o. */
static size_t train_days(size_t o, size_t j0, size_t days)
{
    if (days > MAX_DAYS) days = MAX_DAYS;
    size_t nd = 0;
    while (nd < days && o >= 24 * (j0 + nd) + BACK) nd++;
    return nd;
}

/* Weights of training days j0 + j, j < nd (constants above), for every nd
 * up to cap: the kernel at bandwidth step s is tab[s][j], its total over
 * the first n days sum[s][n] (summed in day order, as a fit per origin
 * sums it); steps are made as first needed. */
typedef struct {
    size_t j0, cap;
    int nstep;
    double *tab[BW_STEPS], *sum[BW_STEPS];
} wtab;

static void wtab_free(wtab *t)
{
    for (int s = 0; s < t->nstep; s++) mem_free(t->tab[s]), mem_free(t->sum[s]);
    t->nstep = 0;
}

/* The weights w[0..nd) of an origin with nd training days; NULL: memory. */
static const double *wtab_for(wtab *t, size_t nd)
{
    double bw = KERNEL_BW;
    for (int s = 0; s < BW_STEPS; s++) {
        if (s == t->nstep) {
            double *w = mem_array(t->cap ? t->cap : 1, sizeof *w);
            double *c = mem_array(t->cap + 1, sizeof *c);
            if (!w || !c) {
                mem_free(w), mem_free(c);
                return NULL;
            }
            c[0] = 0;
            for (size_t j = 0; j < t->cap; j++) {
                double d = (double)(t->j0 + j), r = fmod(d, 365.2425),
                       q = r < 365.2425 - r ? r : 365.2425 - r;
                double wj = exp(-0.5 * (q / bw) * (q / bw) - d / AGE_TAU);
                w[j] = wj < WMIN ? 0.0 : wj;
                c[j + 1] = c[j] + w[j];
            }
            t->tab[s] = w, t->sum[s] = c, t->nstep++;
        }
        if (t->sum[s][nd] >= KERNEL_MASS || bw > 3650) return t->tab[s];
        bw *= 1.15;
    }
    return t->tab[BW_STEPS - 1];
}

/* A chunk: origins o[0..K) at one hour of day, oref the newest. Its rows
 * are the days with a positive weight for some origin, row[i] the grid hour
 * of row i (newest first); W[k * nu + i] is the weight of row i for origin
 * k (0: not one of its training days). D, Du: the day features of the rows
 * (of e and of the operator's u), Do, Duo those of the origins. */
typedef struct {
    size_t K, nu, j0, oref;
    const size_t *o;
    size_t *row;
    double *W;
    double *D, *Du, *Do, *Duo;
} chunk;

/* Per lead and source: a fit's workspaces, sized for nu rows and K origins. */
typedef struct {
    double *X, *y, *Z, *Wsel, *H, *R, *S, *B, *sw, *sw2;
    size_t *ridx;
} lead_ws;

/* Lead L from source c for the selected origins sel[0..ks) of C: weighted
 * Huber regressions (a tiny ridge keeps a constant feature, e.g. a flat
 * stretch, from making X'X singular). st[k] (by origin) is set to HR_OK,
 * HR_EDATA (too few usable training days) or HR_ESINGULAR; on HR_OK the
 * prediction of e at o[k] + L (plus g there with the operator) goes to
 * mean[k * stride] and the error variance to var[k * stride]: the
 * weighted mean square error times n / (n - nf) for the effective sample
 * size n = (sum w)^2 / sum w^2 (Kish 1965). err (one origin only, may be
 * NULL): the training errors of its days j (NaN: unused). */
static void fit_lead(const lead_src *c, const unsigned char *ok, const chunk *C, size_t L,
                     const size_t *sel, size_t ks, lead_ws *w, int *st, double *mean,
                     double *var, size_t stride, double *err, size_t nd_err)
{
    const size_t nf = c->nf, nu = C->nu, nq = nf * (nf + 1) / 2 + nf;
    const double *e = c->s, *D = c->g ? C->Du : C->D, *Do = c->g ? C->Duo : C->Do;
    size_t nv = 0;
    for (size_t i = 0; i < nu; i++) {
        size_t oo = C->row[i], t = oo + L;
        if (!ok[t] || !isfinite(e[t])) continue;
        int any = 0;
        for (size_t s = 0; s < ks && !any; s++) any = C->W[sel[s] * nu + i] > 0;
        double x[NFO];
        if (!any) continue;
        features(c, &D[i * ND], oo, L, x);
        if (!finite_all(x, nf)) continue;
        for (size_t a = 0; a < nf; a++) w->X[a * nu + nv] = x[a];
        w->y[nv] = e[t];
        w->ridx[nv++] = i;
    }
    for (size_t s = 0; s < ks; s++) {
        double *ws = w->Wsel + s * nu, sw = 0, sw2 = 0;
        const double *W = C->W + sel[s] * nu;
        size_t n = 0;
        for (size_t i = 0; i < nv; i++) {
            double v = W[w->ridx[i]];
            ws[i] = v;
            if (v > 0) sw += v, sw2 += v * v, n++;
        }
        w->sw[s] = sw, w->sw2[s] = sw2;
        double neff = sw2 > 0 ? sw * sw / sw2 : 0;
        st[sel[s]] = n < DIRECT_MIN_DAYS || neff <= nf + 1 ? HR_EDATA : HR_OK;
    }
    if (!nv) return;
    /* Few origins: each one's normal equations from its rows scaled by
     * sqrt(weight) (dsyrk); more: the products of each row, Z = [x_a x_b
     * (a <= b), x_a y], once, and Z' W for all of them (dgemm). */
    const int few = ks < FEW_ORIGINS;
    if (!few) {
        size_t q = 0;
        for (size_t b = 0; b <= nf; b++) {
            const double *xb = b < nf ? w->X + b * nu : w->y;
            for (size_t a = 0; a < (b < nf ? b + 1 : nf); a++, q++) {
                const double *xa = w->X + a * nu;
                double *z = w->Z + q * nv;
                for (size_t i = 0; i < nv; i++) z[i] = xa[i] * xb[i];
            }
        }
    }
    const double *Wp = w->Wsel; /* the weights of this pass */
    for (int pass = 0; pass < 2; pass++) {
        if (!few) la_gemm(1, 0, nq, ks, nv, 1.0, w->Z, nv, Wp, nu, 0.0, w->S, nq);
        for (size_t s = 0; s < ks; s++) {
            double *b = w->B + s * nf, G[NFO * NFO];
            const double *S = w->S + s * nq;
            if (st[sel[s]]) {
                memset(b, 0, nf * sizeof *b);
                continue;
            }
            if (few) { /* Z holds the scaled rows: nf columns, then y */
                const double *ws = Wp + s * nu;
                double *ys = w->Z + nf * nv;
                for (size_t i = 0; i < nv; i++) w->R[i] = sqrt(ws[i]);
                for (size_t a = 0; a < nf; a++)
                    for (size_t i = 0; i < nv; i++) w->Z[a * nv + i] = w->X[a * nu + i] * w->R[i];
                for (size_t i = 0; i < nv; i++) ys[i] = w->y[i] * w->R[i];
                la_syrk_t(nv, nf, 1.0, w->Z, nv, 0.0, G, nf);
                la_gemv(1, nv, nf, 1.0, w->Z, nv, ys, 0.0, b);
            } else {
                size_t iq = 0;
                for (size_t bb = 0; bb < nf; bb++)
                    for (size_t a = 0; a <= bb; a++) G[bb * nf + a] = S[iq++];
                for (size_t a = 0; a < nf; a++) b[a] = S[iq++];
            }
            double tr = 0;
            for (size_t a = 1; a < nf; a++) tr += G[a * nf + a];
            for (size_t a = 1; a < nf; a++) G[a * nf + a] += 1e-8 * tr / (nf - 1) + 1e-12;
            if (la_potrf_upper(nf, G, nf)) {
                err_clear();
                st[sel[s]] = HR_ESINGULAR;
                memset(b, 0, nf * sizeof *b);
                continue;
            }
            la_trsv_upper(1, nf, G, nf, b); /* U'U b = X'W y */
            la_trsv_upper(0, nf, G, nf, b);
        }
        /* residuals r = y - X b of every row for every origin */
        for (size_t s = 0; s < ks; s++) memcpy(w->R + s * nu, w->y, nv * sizeof *w->R);
        la_gemm(0, 0, nv, ks, nf, -1.0, w->X, nu, w->B, nf, 1.0, w->R, nu);
        for (size_t s = 0; s < ks; s++) {
            double *r = w->R + s * nu, msq = 0;
            const double *ws = w->Wsel + s * nu;
            for (size_t i = 0; i < nv; i++) msq += ws[i] * r[i] * r[i];
            msq = w->sw[s] > 0 ? msq / w->sw[s] : 0;
            if (pass == 0) { /* Huber weights times the day weights */
                double k = HUBER_K * sqrt(msq), *hw = w->H + s * nu;
                for (size_t i = 0; i < nv; i++)
                    hw[i] = fabs(r[i]) <= k ? ws[i] : ws[i] * (k / fabs(r[i]));
                continue;
            }
            size_t kk = sel[s];
            if (st[kk]) continue;
            double x[NFO], neff = w->sw[s] * w->sw[s] / w->sw2[s];
            features(c, &Do[kk * ND], C->o[kk], L, x);
            /* A feature unknown at the origin (a gap) counts as its mean, zero. */
            double f = c->g ? c->g[C->o[kk] + L] : 0.0;
            const double *b = w->B + s * nf;
            for (size_t a = 0; a < nf; a++) f += b[a] * (isfinite(x[a]) ? x[a] : 0.0);
            mean[kk * stride] = f;
            var[kk * stride] = msq * neff / (neff - nf);
            if (err) { /* rows are days j0, j0 + 1, ... newest first */
                for (size_t j = 0; j < nd_err; j++) err[j] = NAN;
                for (size_t i = 0; i < nv; i++)
                    if (ws[i] > 0) err[(C->oref - C->row[w->ridx[i]]) / 24 - C->j0] = r[i];
            }
        }
        Wp = w->H;
    }
}

static void chunk_free(chunk *C)
{
    mem_free(C->row);
    mem_free(C->W);
    mem_free(C->D);
    mem_free(C->Do);
    C->row = NULL, C->W = C->D = C->Do = NULL;
}

/* The rows, weights and day features of chunk C (C->o, K, j0 and oref set):
 * nd[k] training days of origin k, wt the weight tables; u NULL: no
 * operator. */
static int chunk_make(chunk *C, const size_t *nd, wtab *wt, const double *e, const double *u)
{
    size_t span = 0;
    for (size_t k = 0; k < C->K; k++) {
        size_t end = (C->oref - C->o[k]) / 24 + nd[k];
        if (end > span) span = end;
    }
    const double **wk = mem_array(C->K, sizeof *wk);
    unsigned char *any = mem_calloc(span ? span : 1, 1);
    int st = wk && any ? HR_OK : err_set(HR_ENOMEM, "out of memory");
    for (size_t k = 0; !st && k < C->K; k++) {
        wk[k] = wtab_for(wt, nd[k]);
        if (!wk[k]) st = err_set(HR_ENOMEM, "out of memory");
    }
    /* row m: day j0 + m before oref; origin k's day j is row dk + j */
    size_t nu = 0;
    for (size_t k = 0; !st && k < C->K; k++) {
        size_t dk = (C->oref - C->o[k]) / 24;
        for (size_t j = 0; j < nd[k]; j++)
            if (wk[k][j] > 0 && !any[dk + j]) any[dk + j] = 1, nu++;
    }
    size_t nfd = u ? 2 : 1;
    if (!st) {
        C->nu = nu;
        C->row = mem_array(nu ? nu : 1, sizeof *C->row);
        C->W = mem_calloc((nu ? nu : 1) * C->K, sizeof *C->W);
        C->D = mem_array((nu ? nu : 1) * ND * nfd, sizeof *C->D);
        C->Do = mem_array(C->K * ND * nfd, sizeof *C->Do);
        if (!C->row || !C->W || !C->D || !C->Do) st = err_set(HR_ENOMEM, "out of memory");
    }
    if (!st) {
        size_t i = 0;
        for (size_t m = 0; m < span; m++)
            if (any[m]) {
                C->row[i] = C->oref - 24 * (C->j0 + m);
                any[m] = 0;
                for (size_t k = 0; k < C->K; k++) {
                    size_t dk = (C->oref - C->o[k]) / 24;
                    if (m >= dk && m - dk < nd[k]) C->W[k * nu + i] = wk[k][m - dk];
                }
                i++;
            }
        C->Du = u ? C->D + nu * ND : NULL;
        C->Duo = u ? C->Do + C->K * ND : NULL;
        for (size_t i2 = 0; i2 < nu; i2++) {
            day_features(e, C->row[i2], &C->D[i2 * ND]);
            if (u) day_features(u, C->row[i2], &C->Du[i2 * ND]);
        }
        for (size_t k = 0; k < C->K; k++) {
            day_features(e, C->o[k], &C->Do[k * ND]);
            if (u) day_features(u, C->o[k], &C->Duo[k * ND]);
        }
    }
    mem_free(wk);
    mem_free(any);
    return st;
}

static void lead_ws_free(lead_ws *w)
{
    mem_free(w->X), mem_free(w->y), mem_free(w->Z), mem_free(w->Wsel), mem_free(w->H);
    mem_free(w->R), mem_free(w->S), mem_free(w->B), mem_free(w->sw), mem_free(w->sw2);
    mem_free(w->ridx);
    memset(w, 0, sizeof *w);
}

static int lead_ws_new(lead_ws *w, size_t nu, size_t K)
{
    memset(w, 0, sizeof *w);
    if (!nu) nu = 1;
    w->X = mem_array(nu * NFO, sizeof(double));
    w->y = mem_array(nu, sizeof(double));
    w->Z = mem_array(nu * NQ, sizeof(double));
    w->Wsel = mem_array(nu * K, sizeof(double));
    w->H = mem_array(nu * K, sizeof(double));
    w->R = mem_array(nu * K, sizeof(double));
    w->S = mem_array(NQ * K, sizeof(double));
    w->B = mem_array(NFO * K, sizeof(double));
    w->sw = mem_array(K, sizeof(double));
    w->sw2 = mem_array(K, sizeof(double));
    w->ridx = mem_array(nu, sizeof(size_t));
    if (w->X && w->y && w->Z && w->Wsel && w->H && w->R && w->S && w->B && w->sw && w->sw2 &&
        w->ridx)
        return HR_OK;
    lead_ws_free(w);
    return err_set(HR_ENOMEM, "out of memory");
}

/* Leads [lead, lead + h) of the origins of C; fail[k]: the first lead
 * (index) that origin k could not forecast (h: none), stk[k] its status. A
 * lead uses the operator when g is known at its target and the fit has its
 * 30 days; else the load alone. Also when the operator's newest errors are
 * unknown (a gap in the newest hours): they count as zero, as any unknown
 * feature does, and the operator's forecast with that correction still
 * beats the load alone (TVA day-ahead 2.22 % MAPE, against 2.33 % when such
 * origins fell back to the load alone). */
static int chunk_leads(const chunk *C, const double *e, const double *g, const double *u,
                       const unsigned char *ok, size_t lead, size_t h, double *mean, double *var,
                       size_t *fail, int *stk, double *err, size_t nd_err)
{
    lead_ws w;
    size_t K = C->K;
    int st = lead_ws_new(&w, C->nu, K);
    size_t *sel = mem_array(K, sizeof *sel);
    int *s1 = mem_array(K, sizeof *s1);
    if (!st && (!sel || !s1)) st = err_set(HR_ENOMEM, "out of memory");
    const lead_src plain = {e, NULL, NF}, oper = {u, g, NFO};
    for (size_t l = 0; !st && l < h; l++) {
        size_t L = lead + l, ks = 0;
        for (size_t k = 0; k < K; k++) s1[k] = HR_EDATA;
        if (g) {
            for (size_t k = 0; k < K; k++)
                if (fail[k] == h && isfinite(g[C->o[k] + L])) sel[ks++] = k;
            if (ks)
                fit_lead(&oper, ok, C, L, sel, ks, &w, s1, mean + l, var + l, h,
                         err ? err + l * nd_err : NULL, nd_err);
        }
        ks = 0;
        for (size_t k = 0; k < K; k++)
            if (fail[k] == h && s1[k] == HR_EDATA) sel[ks++] = k;
        if (ks)
            fit_lead(&plain, ok, C, L, sel, ks, &w, s1, mean + l, var + l, h,
                     err ? err + l * nd_err : NULL, nd_err);
        for (size_t k = 0; k < K; k++)
            if (fail[k] == h && s1[k]) fail[k] = l, stk[k] = s1[k];
    }
    lead_ws_free(&w);
    mem_free(sel);
    mem_free(s1);
    return st;
}

/* ix[0..n) (indices of o) in order of hour of day, then hour, then index
 * (insertion sort: a backtest's origins come sorted). */
static void sort_origins(size_t *ix, size_t n, const size_t *o)
{
    for (size_t i = 1; i < n; i++) {
        size_t v = ix[i], j = i;
        while (j > 0) {
            size_t u = ix[j - 1];
            int after = o[u] % 24 != o[v] % 24 ? o[u] % 24 > o[v] % 24 : o[u] != o[v] ? o[u] > o[v] : u > v;
            if (!after) break;
            ix[j] = u, j--;
        }
        ix[j] = v;
    }
}

/* Shared driver: origins o[0..K) (any order), e and ok indexed by grid hour
 * and read before each origin, g (NULL: none) up to o + lead + h. Writes
 * mean[k * h ..], var[k * h ..] and used[k] (0: too few training days,
 * the caller falls back to the regression alone); the failure of another
 * kind of the first origin that has one is returned. err, wp, ndp (one
 * origin only, may be NULL): its training errors err[l * nd + j] and day
 * weights w[j]. */
static int run(const double *e, const double *g, const unsigned char *ok, const size_t *o,
               size_t K, size_t lead, size_t h, size_t days, double *mean, double *var,
               unsigned char *used, double **errp, double **wp, size_t *ndp)
{
    size_t j0 = (lead + h - 1) / 24 + 1, hist = direct_history(lead, h, days);
    size_t *nd = mem_array(K ? K : 1, sizeof *nd), *fail = mem_array(K ? K : 1, sizeof *fail);
    int *stk = mem_array(K ? K : 1, sizeof *stk);
    size_t *co = mem_array(CHUNK_MAX, sizeof *co), *cnd = mem_array(CHUNK_MAX, sizeof *cnd);
    size_t *ix = mem_array(K ? K : 1, sizeof *ix);
    wtab wt = {.j0 = j0};
    double *ubuf = NULL, *err = NULL;
    int st = nd && fail && stk && co && cnd && ix ? HR_OK : err_set(HR_ENOMEM, "out of memory");
    size_t lo = SIZE_MAX, hi = 0;
    for (size_t k = 0; !st && k < K; k++) {
        nd[k] = train_days(o[k], j0, days);
        fail[k] = h, stk[k] = HR_OK;
        if (nd[k] < DIRECT_MIN_DAYS) fail[k] = 0, stk[k] = HR_EDATA;
        if (nd[k] > wt.cap) wt.cap = nd[k];
        size_t a = o[k] > hist ? o[k] - hist : 0;
        if (a < lo) lo = a;
        if (o[k] > hi) hi = o[k];
    }
    /* the operator's errors u = e - g before the newest origin */
    const double *u = NULL;
    if (!st && g && hi > lo) {
        ubuf = mem_array(hi - lo, sizeof *ubuf);
        if (!ubuf) st = err_set(HR_ENOMEM, "out of memory");
        for (size_t k = lo; !st && k < hi; k++) {
            double v = e[k] - g[k];
            ubuf[k - lo] = fabs(v) <= OP_MAX ? v : NAN; /* NaN, or a data fault */
        }
        u = ubuf - lo;
    }
    if (!st && errp && K == 1 && nd[0] >= DIRECT_MIN_DAYS) {
        err = mem_array(nd[0] * h, sizeof *err);
        if (!err) st = err_set(HR_ENOMEM, "out of memory");
    }
    /* the fitted origins by hour of day, then hour: chunks are runs of them */
    size_t nfit = 0;
    for (size_t k = 0; !st && k < K; k++)
        if (nd[k] >= DIRECT_MIN_DAYS) ix[nfit++] = k;
    sort_origins(ix, nfit, o);
    for (size_t i0 = 0; !st && i0 < nfit;) {
        size_t n = 0, i1 = i0, r = o[ix[i0]] % 24;
        for (; i1 < nfit && n < CHUNK_MAX; i1++, n++) {
            size_t k = ix[i1];
            if (o[k] % 24 != r || o[k] - o[ix[i0]] > 24 * CHUNK_DAYS) break;
            co[n] = o[k], cnd[n] = nd[k];
        }
        chunk C = {.j0 = j0, .o = co, .K = n, .oref = co[n - 1]};
        st = chunk_make(&C, cnd, &wt, e, u);
        double *cm = mem_array(n * h, sizeof *cm), *cv = mem_array(n * h, sizeof *cv);
        size_t *cf = mem_array(n, sizeof *cf);
        int *cs = mem_array(n, sizeof *cs);
        if (!st && (!cm || !cv || !cf || !cs)) st = err_set(HR_ENOMEM, "out of memory");
        for (size_t i = 0; !st && i < n * h; i++) cm[i] = cv[i] = NAN;
        for (size_t i = 0; !st && i < n; i++) cf[i] = h, cs[i] = HR_OK;
        if (!st) st = chunk_leads(&C, e, g, u, ok, lead, h, cm, cv, cf, cs, err, nd[0]);
        for (size_t i = 0; !st && i < n; i++) {
            size_t k = ix[i0 + i];
            memcpy(mean + k * h, cm + i * h, h * sizeof *mean);
            memcpy(var + k * h, cv + i * h, h * sizeof *var);
            fail[k] = cf[i], stk[k] = cs[i];
        }
        mem_free(cm), mem_free(cv), mem_free(cf), mem_free(cs);
        chunk_free(&C);
        i0 = i1;
    }
    /* statuses in origin order: the first hard failure is the answer */
    for (size_t k = 0; !st && k < K; k++) {
        used[k] = fail[k] == h;
        if (used[k] || stk[k] == HR_EDATA) continue;
        st = stk[k] == HR_ESINGULAR
                 ? err_set(HR_ESINGULAR, "errors direct: singular training design for lead %zu",
                          lead + fail[k] + 1)
                 : err_set(stk[k], "errors direct: lead %zu failed", lead + fail[k] + 1);
    }
    if (!st && K == 1 && !used[0]) {
        st = nd[0] < DIRECT_MIN_DAYS
                 ? err_set(HR_EDATA, "errors direct: %zu training days before the origin (need %d)",
                          nd[0], DIRECT_MIN_DAYS)
                 : err_set(HR_EDATA, "errors direct: too few usable training days for lead %zu "
                                    "(need %d)", lead + fail[0] + 1, DIRECT_MIN_DAYS);
    }
    if (!st && errp && K == 1) {
        const double *w = wtab_for(&wt, nd[0]);
        double *wc = w ? mem_array(nd[0], sizeof *wc) : NULL;
        if (!wc) st = err_set(HR_ENOMEM, "out of memory");
        else {
            memcpy(wc, w, nd[0] * sizeof *wc);
            *errp = err, *wp = wc, *ndp = nd[0];
            err = NULL;
        }
    }
    wtab_free(&wt);
    mem_free(err);
    mem_free(ubuf);
    mem_free(nd), mem_free(fail), mem_free(stk), mem_free(co), mem_free(cnd), mem_free(ix);
    return st;
}

int direct_forecast(const double *e, const unsigned char *target_ok, size_t o, size_t lead,
                    size_t h, size_t days, double *mean, double *var)
{
    unsigned char used;
    return run(e, NULL, target_ok, &o, 1, lead, h, days, mean, var, &used, NULL, NULL, NULL);
}

int direct_forecast_op(const double *e, const double *g, const unsigned char *target_ok, size_t o,
                       size_t lead, size_t h, size_t days, double *mean, double *var)
{
    unsigned char used;
    return run(e, g, target_ok, &o, 1, lead, h, days, mean, var, &used, NULL, NULL, NULL);
}

int direct_forecast_many(const double *e, const double *g, const unsigned char *target_ok,
                         const size_t *o, size_t n, size_t lead, size_t h, size_t days,
                         double *mean, double *var, unsigned char *used)
{
    return run(e, g, target_ok, o, n, lead, h, days, mean, var, used, NULL, NULL, NULL);
}

/* A training day drawn with probability proportional to its weight
 * (cumulative weights c[0..nd), c[nd - 1] > 0). */
static size_t draw_day(const double *c, size_t nd, uint64_t *x)
{
    double u = rng_unit53(rng_splitmix64(x)) * c[nd - 1];
    size_t lo = 0, hi = nd - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c[mid] > u) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

int direct_simulate(const double *e, const unsigned char *target_ok, size_t o, size_t lead,
                    size_t h, size_t days, size_t npaths, uint64_t seed, double *paths)
{
    double *mean = mem_array(h, sizeof(double)), *var = mem_array(h, sizeof(double));
    double *err = NULL, *w = NULL;
    size_t nd = 0;
    unsigned char used;
    int st = mean && var ? HR_OK : err_set(HR_ENOMEM, "out of memory");
    if (!st) st = run(e, NULL, target_ok, &o, 1, lead, h, days, mean, var, &used, &err, &w, &nd);
    for (size_t j = 1; !st && j < nd; j++) w[j] += w[j - 1]; /* cumulative */
    uint64_t x = seed;
    for (size_t p = 0; !st && p < npaths; p++) {
        size_t j = draw_day(w, nd, &x);
        for (size_t k = 0; k < h; k++) {
            double d = err[k * nd + j];
            /* A lead whose error is missing on the drawn day borrows the
             * error of another day (bounded tries; else the mean). */
            for (int t = 0; t < 64 && isnan(d); t++) d = err[k * nd + draw_day(w, nd, &x)];
            paths[p * h + k] = mean[k] + (isnan(d) ? 0.0 : d);
        }
    }
    mem_free(err);
    mem_free(w);
    mem_free(mean);
    mem_free(var);
    return st;
}
