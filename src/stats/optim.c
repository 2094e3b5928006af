/* optim.c — quasi-Newton minimisation with numerical derivatives for the
 * SARIMA likelihood.
 *
 * Exported: optim_ctl_init, optim_bfgs, optim_grad, optim_hessian,
 * optim_invert (declared in optim.h).
 *
 * The minimiser is BFGS in its inverse-Hessian form (Nocedal & Wright 2006,
 * "Numerical Optimization", 2nd ed., Algorithm 6.1 and eq. 6.17) with an
 * Armijo backtracking line search (N&W Algorithm 3.1, c1 = 1e-4, contraction
 * 0.2), restarted from H = I when the curvature condition y's > 0 fails or
 * after 2n updates. This is the variable-metric method of Nash (1990,
 * "Compact Numerical Methods", Algorithm 21) that R's optim(method = "BFGS")
 * implements; matching its stopping rule (relative change of f below reltol)
 * and its scaled finite differences keeps our fits where R's land.
 *
 * Symbols (N&W ch. 6): x_k iterate (scaled by parscale), g_k gradient,
 * H_k inverse-Hessian approximation, p_k = -H_k g_k search direction,
 * alpha step length, s_k = x_{k+1} - x_k, y_k = g_{k+1} - g_k. */
#include "stats/optim.h"
#include "util/error.h"
#include "util/mem.h"
#include <float.h>
#include <math.h>
#include <string.h>

void optim_ctl_init(optim_ctl *c)
{
    c->maxit = 100;
    c->reltol = sqrt(DBL_EPSILON);
    c->ndeps = 1e-3;
    c->parscale = NULL;
    c->monitor = NULL;
    c->monitor_ud = NULL;
}

/* The objective seen in scaled coordinates z = x / parscale. */
typedef struct {
    size_t n;
    optim_fn fn;
    void *ud;
    const double *ps;
    double *x;     /* [n] scratch for the unscaled point */
} scaled;

static double fz(scaled *S, const double *z)
{
    for (size_t i = 0; i < S->n; i++) S->x[i] = z[i] * (S->ps ? S->ps[i] : 1.0);
    double f = S->fn(S->x, S->ud);
    return isfinite(f) ? f : HUGE_VAL;
}

/* Central differences in z with step h (R's optim "ndeps"). */
static int gz(scaled *S, double *z, double h, double *g)
{
    for (size_t i = 0; i < S->n; i++) {
        double zi = z[i];
        z[i] = zi + h;
        double f1 = fz(S, z);
        z[i] = zi - h;
        double f2 = fz(S, z);
        z[i] = zi;
        g[i] = (f1 - f2) / (2.0 * h);
        if (!isfinite(g[i]) || f1 >= DBL_MAX || f2 >= DBL_MAX)
            return err_set(HR_ENOCONV, "optim.c: non-finite finite-difference value in coordinate %zu",
                          i + 1);
    }
    return 0;
}

int optim_grad(size_t n, const double *x, optim_fn fn, void *ud,
               const optim_ctl *ctl, double *g)
{
    double *w = mem_array(2 * n + 1, sizeof(double));
    if (!w) return err_set(HR_ENOMEM, "optim.c: out of memory");
    scaled S = { n, fn, ud, ctl->parscale, w + n };
    for (size_t i = 0; i < n; i++) w[i] = x[i] / (ctl->parscale ? ctl->parscale[i] : 1.0);
    int rc = gz(&S, w, ctl->ndeps, g);
    /* d f / d x_i = (d f / d z_i) / parscale_i */
    if (ctl->parscale && !rc)
        for (size_t i = 0; i < n; i++) g[i] /= ctl->parscale[i];
    mem_free(w);
    return rc;
}

int optim_hessian(size_t n, const double *x, optim_fn fn, void *ud,
                  const optim_ctl *ctl, double *H, double *grad, double *fx)
{
    double *w = mem_array(2 * n + 1, sizeof(double));
    if (!w) return err_set(HR_ENOMEM, "optim.c: out of memory");
    double *z = w;
    scaled S = { n, fn, ud, ctl->parscale, w + n };
    const double h = ctl->ndeps;
    for (size_t i = 0; i < n; i++) z[i] = x[i] / (ctl->parscale ? ctl->parscale[i] : 1.0);
    /* R's optimHess: H_ij = (g_j(z + h e_i) - g_j(z - h e_i)) / 2h with
     * central-difference gradients g, i.e. the 4-point second difference
     *   (f(z+h e_i+h e_j) - f(z+h e_i-h e_j) - f(z-h e_i+h e_j) + f(z-h e_i-h e_j)) / 4h^2
     * (f(z +- 2h e_i) and f(z) on the diagonal). H_ij and H_ji use the same
     * four points, so each is evaluated once: 2 n^2 + 1 evaluations
     * instead of 4 n^2. */
    double f0 = fz(&S, z);
    int bad = f0 >= DBL_MAX;
    size_t bi = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        const double zi = z[i];
        z[i] = zi + 2.0 * h;
        double fp = fz(&S, z);
        z[i] = zi - 2.0 * h;
        double fm = fz(&S, z);
        z[i] = zi;
        bad = fp >= DBL_MAX || fm >= DBL_MAX;
        H[i * n + i] = (fp - 2.0 * f0 + fm) / (4.0 * h * h);
        if (grad && i == 0) grad[0] = (fp - fm) / (4.0 * h);
        for (size_t j = i + 1; j < n && !bad; j++) {
            const double zj = z[j];
            double q[4];
            for (int k = 0; k < 4; k++) {
                z[i] = zi + (k < 2 ? h : -h);
                z[j] = zj + (k % 2 == 0 ? h : -h);
                q[k] = fz(&S, z);
                bad |= q[k] >= DBL_MAX;
            }
            z[i] = zi;
            z[j] = zj;
            H[i * n + j] = H[j * n + i] = (q[0] - q[1] - q[2] + q[3]) / (4.0 * h * h);
            /* g_j(z) as the mean of g_j(z +- h e_0) */
            if (grad && i == 0) grad[j] = (q[0] - q[1] + q[2] - q[3]) / (4.0 * h);
        }
        if (bad) bi = i;
    }
    if (!bad)
        for (size_t i = 0; i < n; i++) {
            const double si = ctl->parscale ? ctl->parscale[i] : 1.0;
            for (size_t j = 0; j < n; j++)
                H[i * n + j] /= si * (ctl->parscale ? ctl->parscale[j] : 1.0);
            if (grad) grad[i] /= si;
        }
    if (fx) *fx = f0;
    mem_free(w);
    if (bad)
        return err_set(HR_ENOCONV, "optim.c: non-finite finite-difference value in coordinate %zu",
                      bi + 1);
    return 0;
}

int optim_bfgs(size_t n, double *x, double *fmin, optim_fn fn, void *ud,
               const optim_ctl *ctl, int *iters)
{
    const double c1 = 1e-4, shrink = 0.2, reltest = 10.0;
    double *w = mem_array(n * n + 6 * n + 1, sizeof(double));
    if (!w) return err_set(HR_ENOMEM, "optim.c: out of memory");
    double *H = w, *z = H + n * n, *g = z + n, *p = g + n, *z0 = p + n, *g0 = z0 + n;
    scaled S = { n, fn, ud, ctl->parscale, g0 + n };
    int rc = 0, k = 0, fail = 1, stopped = 0;

    for (size_t i = 0; i < n; i++) z[i] = x[i] / (ctl->parscale ? ctl->parscale[i] : 1.0);
    double f = fz(&S, z);
    if (f >= DBL_MAX) {
        mem_free(w);
        return err_set(HR_EINVAL, "optim.c: initial value is not finite");
    }
    *fmin = f;
    if (ctl->maxit <= 0) { fail = 0; goto done; }
    if ((rc = gz(&S, z, ctl->ndeps, g))) goto done;
    k = 1;
    int last_reset = k, count;
    do {
        if (last_reset == k) { /* H_0 = I (N&W 6.1: any SPD start) */
            memset(H, 0, n * n * sizeof(double));
            for (size_t i = 0; i < n; i++) H[i * n + i] = 1.0;
        }
        memcpy(z0, z, n * sizeof(double));
        memcpy(g0, g, n * sizeof(double));
        /* p_k = -H_k g_k; slope g_k' p_k */
        double slope = 0.0;
        for (size_t i = 0; i < n; i++) {
            double s = 0.0;
            for (size_t j = 0; j < n; j++) s -= H[i * n + j] * g[j];
            p[i] = s;
            slope += s * g[i];
        }
        if (slope < 0.0) {
            /* Armijo backtracking: f(z + alpha p) <= f + c1 alpha g'p (N&W 3.4). */
            double alpha = 1.0;
            int accepted = 0;
            do {
                count = 0;
                for (size_t i = 0; i < n; i++) {
                    z[i] = z0[i] + alpha * p[i];
                    if (reltest + z0[i] == reltest + z[i]) count++; /* step below resolution */
                }
                if ((size_t)count < n) {
                    f = fz(&S, z);
                    accepted = f < DBL_MAX && f <= *fmin + c1 * alpha * slope;
                    if (!accepted) alpha *= shrink;
                }
            } while (!((size_t)count == n || accepted));
            /* Converged: relative change of f below reltol (R's optim rule). */
            int enough = fabs(f - *fmin) > ctl->reltol * (fabs(*fmin) + ctl->reltol);
            if (!enough) { count = (int)n; if (accepted) *fmin = f; else memcpy(z, z0, n * sizeof(double)); }
            if ((size_t)count < n) {
                *fmin = f;
                if (ctl->monitor) {
                    for (size_t i = 0; i < n; i++) S.x[i] = z[i] * (ctl->parscale ? ctl->parscale[i] : 1.0);
                    if (ctl->monitor(n, S.x, ctl->monitor_ud)) { stopped = 1; goto done; }
                }
                if ((rc = gz(&S, z, ctl->ndeps, g))) goto done;
                k++;
                /* s_k = alpha p_k, y_k = g_{k+1} - g_k; BFGS update (N&W 6.17)
                 * H+ = H + (1 + y'Hy/s'y) ss'/s'y - (Hy s' + s y'H)/s'y. */
                double sy = 0.0;
                for (size_t i = 0; i < n; i++) {
                    p[i] *= alpha;
                    g0[i] = g[i] - g0[i];
                    sy += p[i] * g0[i];
                }
                if (sy > 0.0) {
                    double yHy = 0.0;
                    for (size_t i = 0; i < n; i++) {
                        double s = 0.0;
                        for (size_t j = 0; j < n; j++) s += H[i * n + j] * g0[j];
                        z0[i] = s; /* Hy */
                        yHy += s * g0[i];
                    }
                    double c = 1.0 + yHy / sy;
                    for (size_t i = 0; i < n; i++)
                        for (size_t j = 0; j < n; j++)
                            H[i * n + j] += (c * p[i] * p[j] - z0[i] * p[j] - p[i] * z0[j]) / sy;
                } else {
                    last_reset = k; /* curvature condition failed: restart */
                }
            } else if (last_reset < k) {
                /* no progress along a quasi-Newton direction: retry steepest descent */
                memcpy(z, z0, n * sizeof(double));
                count = 0;
                last_reset = k;
            } else {
                memcpy(z, z0, n * sizeof(double));
            }
        } else { /* uphill: reset unless just reset */
            count = 0;
            if (last_reset == k) count = (int)n;
            else last_reset = k;
        }
        if (k >= ctl->maxit) break;
        if (k - last_reset > 2 * (int)n) last_reset = k; /* periodic restart */
    } while ((size_t)count != n || last_reset != k);
    fail = k >= ctl->maxit;
done:
    for (size_t i = 0; i < n; i++) x[i] = z[i] * (ctl->parscale ? ctl->parscale[i] : 1.0);
    if (iters) *iters = k;
    mem_free(w);
    if (rc) return rc;
    if (stopped) return err_set(HR_ENOCONV, "optim.c: BFGS stopped by its monitor after %d iterations", k);
    if (fail) return err_set(HR_ENOCONV, "optim.c: BFGS reached %d iterations", ctl->maxit);
    return 0;
}

int optim_invert(size_t n, double *A)
{
    double *B = mem_array(2 * n * n + 1, sizeof(double));
    if (!B) return err_set(HR_ENOMEM, "optim.c: out of memory");
    double *I = B + n * n;
    memcpy(B, A, n * n * sizeof(double));
    memset(I, 0, n * n * sizeof(double));
    for (size_t i = 0; i < n; i++) I[i * n + i] = 1.0;
    double scale = 0.0;
    for (size_t i = 0; i < n * n; i++) scale = fmax(scale, fabs(B[i]));
    for (size_t c = 0; c < n; c++) { /* column-major: element (r,c) at c*n + r */
        size_t piv = c;
        for (size_t r = c + 1; r < n; r++)
            if (fabs(B[c * n + r]) > fabs(B[c * n + piv])) piv = r;
        if (!(fabs(B[c * n + piv]) > 1e-14 * scale)) {
            mem_free(B);
            return err_set(HR_ESINGULAR, "optim.c: singular matrix (pivot %zu)", c + 1);
        }
        if (piv != c)
            for (size_t j = 0; j < n; j++) {
                double t = B[j * n + c]; B[j * n + c] = B[j * n + piv]; B[j * n + piv] = t;
                t = I[j * n + c]; I[j * n + c] = I[j * n + piv]; I[j * n + piv] = t;
            }
        double d = B[c * n + c];
        for (size_t j = 0; j < n; j++) { B[j * n + c] /= d; I[j * n + c] /= d; }
        for (size_t r = 0; r < n; r++) {
            if (r == c) continue;
            double m = B[c * n + r];
            if (m == 0.0) continue;
            for (size_t j = 0; j < n; j++) {
                B[j * n + r] -= m * B[j * n + c];
                I[j * n + r] -= m * I[j * n + c];
            }
        }
    }
    memcpy(A, I, n * n * sizeof(double));
    mem_free(B);
    return 0;
}
