/* forecast.c — forecasts (R's predict.Arima / KalmanForecast), the filter
 * continued over new hours, prediction intervals and sample paths. */
#include "arima/arima_internal.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/rng.h"
#include <math.h>
#include <string.h>
/* ---------------------------------------------------------------- forecasts */

/* Regression part of the forecast at future hour t (0-based after the end). */
static double xb_future(const arima_fit *f, const double *xf, size_t h, size_t t)
{
    const double *beta = f->coef + f->m.narma;
    double s = 0.0;
    size_t j = 0;
    if (f->icpt) s += beta[j++];
    if (f->drift) s += beta[j++] * (double)(f->n + t + 1);
    for (size_t c = 0; c < f->k; c++) s += beta[j++] * xf[c * h + t];
    return s;
}

/* R's KalmanForecast from the filtered (a_n, P_n): a <- T a,
 * P <- T P T' + R R', mean = Z a (+ x'beta), var = sigma2 Z P Z'. */
int arima_forecast(const arima_fit *f, const double *xreg_future, size_t h,
                   double *mean, double *var)
{
    if (!f || !mean || (f->k && !xreg_future && h)) return err_set(HR_EINVAL, "arima_forecast: NULL argument");
    const ssm *S0 = &f->S;
    const size_t rd = S0->rd, r = S0->r;
    ssm S = *S0; /* shares the constant parts; own a, P below */
    double *w = mem_array(3 * rd * rd + 2 * rd + 1, sizeof(double));
    if (!w) return err_set(HR_ENOMEM, "arima_forecast: out of memory");
    double *a = w, *an = a + rd, *P = an + rd, *Pn = P + rd * rd, *tmp = Pn + rd * rd;
    memcpy(a, S0->a, rd * sizeof(double));
    memcpy(P, S0->P, rd * rd * sizeof(double));
    for (size_t t = 0; t < h; t++) {
        T_vec(&S, a, an);
        memcpy(a, an, rd * sizeof(double));
        double fc = a[0];
        for (size_t k = 0; k < S.ndnz; k++) fc += S.delta[S.dnz[k]] * a[r + S.dnz[k]];
        mean[t] = fc + xb_future(f, xreg_future, h, t);
        if (!var) continue; /* the mean does not depend on P */
        ar_T_sym(&S, P, Pn, tmp);
        for (size_t j = 0; j < S.nv; j++)
            for (size_t i = 0; i < S.nv; i++) Pn[j * rd + i] += S.v[i] * S.v[j];
        memcpy(P, Pn, rd * rd * sizeof(double));
        {
            /* Z P Z' with Z = (1, 0.., Delta) */
            double zz = P[0];
            for (size_t k = 0; k < S.ndnz; k++) {
                size_t ik = r + S.dnz[k];
                double dk = S.delta[S.dnz[k]];
                zz += 2.0 * dk * P[ik];
                for (size_t l = 0; l < S.ndnz; l++)
                    zz += dk * S.delta[S.dnz[l]] * P[(r + S.dnz[l]) * rd + ik];
            }
            var[t] = f->sigma2 * zz;
        }
    }
    mem_free(w);
    return 0;
}

int arima_filter_more(arima_fit *f, const double *y, size_t n)
{
    if (!f || (n && !y)) return err_set(HR_EINVAL, "arima_filter_more: NULL argument");
    if (f->k) return err_set(HR_EINVAL, "arima_filter_more: a fit with xreg columns cannot be continued (their future values are unknown)");
    if (n == 0) return 0;
    double *w = mem_array(n, sizeof(double));
    if (!w) return err_set(HR_ENOMEM, "arima_filter_more: out of memory");
    /* w = y - intercept - drift (t + 1), as ar_spec_resid for the next hours */
    const double *beta = f->coef + f->m.narma;
    size_t j = 0;
    double b0 = f->icpt ? beta[j++] : 0.0, bd = f->drift ? beta[j++] : 0.0;
    for (size_t t = 0; t < n; t++) {
        double v = y[t];
        if (f->icpt && b0 != 0.0) v -= b0 * 1.0;
        if (f->drift && bd != 0.0) v -= bd * (double)(f->n + t + 1);
        w[t] = v;
    }
    ar_ssm_run(&f->S, w, n, NULL, 1);
    f->n += n;
    mem_free(w);
    return 0;
}

const double *arima_state_cov(const arima_fit *f, size_t *rd)
{
    if (rd) *rd = f ? f->S.rd : 0;
    return f ? f->S.P : NULL;
}

/* Wichura (1988), Algorithm AS 241 PPND16: the normal quantile to about
 * 1e-16 relative. */
double arima_qnorm(double p)
{
    if (!(p > 0.0 && p < 1.0)) return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
    double q = p - 0.5, r, v;
    if (fabs(q) <= 0.425) {
        r = 0.180625 - q * q;
        return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                        45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                     133.14166789178437745) * r + 3.387132872796366608) /
               (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                    21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
                 42.313330701600911252) * r + 1.0);
    }
    r = q < 0 ? p : 1.0 - p;
    r = sqrt(-log(r));
    if (r <= 5.0) {
        r -= 1.6;
        v = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
                1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
              4.6303378461565452959) * r + 1.42343711074968357734) /
            (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
                 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
              2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5.0;
        v = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
                0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
              5.4637849111641143699) * r + 6.6579046435011037772) /
            (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
                 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
              0.59983220655588793769) * r + 1.0);
    }
    return q < 0.0 ? -v : v;
}

int arima_interval(const double *mean, const double *var, size_t h, double level,
                   double *lo, double *hi)
{
    if (!mean || !var || !(level > 0.0 && level < 1.0))
        return err_set(HR_EINVAL, "arima_interval: level %g not in (0, 1)", level);
    double z = arima_qnorm(0.5 + 0.5 * level);
    for (size_t t = 0; t < h; t++) {
        double sd = sqrt(var[t] > 0.0 ? var[t] : 0.0);
        if (lo) lo[t] = mean[t] - z * sd;
        if (hi) hi[t] = mean[t] + z * sd;
    }
    return 0;
}

/* ----------------------------------------------------------- sample paths */

int arima_simulate(const arima_fit *f, const double *xreg_future, size_t h, size_t npaths,
                   uint64_t seed, double *paths)
{
    if (!f || !paths || (f->k && !xreg_future && h)) return err_set(HR_EINVAL, "arima_simulate: NULL argument");
    const ssm *S = &f->S;
    const size_t rd = S->rd, r = S->r;
    double *w = mem_array(rd * rd + 2 * rd + h + 1, sizeof(double));
    if (!w) return err_set(HR_ENOMEM, "arima_simulate: out of memory");
    double *L = w, *al = L + rd * rd, *an = al + rd, *xb = an + rd;
    /* L L' = P_n (positive semi-definite: columns with a pivot below
     * 1e-12 of the scale are set to zero instead of failing). */
    memcpy(L, S->P, rd * rd * sizeof(double));
    double scale = 0.0;
    for (size_t i = 0; i < rd; i++) scale = fmax(scale, fabs(L[i * rd + i]));
    for (size_t j = 0; j < rd; j++) {
        double d = L[j * rd + j];
        for (size_t t = 0; t < j; t++) d -= L[t * rd + j] * L[t * rd + j];
        if (d <= 1e-12 * scale) {
            for (size_t i = j; i < rd; i++) L[j * rd + i] = 0.0;
            continue;
        }
        d = sqrt(d);
        L[j * rd + j] = d;
        for (size_t i = j + 1; i < rd; i++) {
            double s = L[j * rd + i];
            for (size_t t = 0; t < j; t++) s -= L[t * rd + i] * L[t * rd + j];
            L[j * rd + i] = s / d;
        }
    }
    for (size_t t = 0; t < h; t++) xb[t] = xb_future(f, xreg_future, h, t);
    const double sd = sqrt(f->sigma2 > 0.0 ? f->sigma2 : 0.0);
    rng g;
    rng_seed(&g, seed);
    for (size_t pth = 0; pth < npaths; pth++) {
        /* alpha_n ~ N(a_n, sigma2 P_n) */
        for (size_t i = 0; i < rd; i++) an[i] = rng_norm_polar(&g);
        for (size_t i = 0; i < rd; i++) {
            double s = 0.0;
            for (size_t j = 0; j <= i; j++) s += L[j * rd + i] * an[j];
            al[i] = S->a[i] + sd * s;
        }
        double *out = paths + pth * h;
        for (size_t t = 0; t < h; t++) {
            T_vec(S, al, an);
            double e = sd * rng_norm_polar(&g);
            for (size_t i = 0; i < S->nv; i++) an[i] += S->v[i] * e;
            memcpy(al, an, rd * sizeof(double));
            double yv = al[0];
            for (size_t k = 0; k < S->ndnz; k++) yv += S->delta[S->dnz[k]] * al[r + S->dnz[k]];
            out[t] = yv + xb[t];
        }
    }
    mem_free(w);
    return 0;
}

