/* fit.c — the fit in stages as R's stats::arima: start values (OLS for
 * beta, CSS for the ARMA part), ML on the chosen objective, the polish,
 * standard errors, and the final exact filter; fixed-coefficient fits and
 * the accessors. */
#include "arima/arima_internal.h"
#include "stats/linalg.h"
#include "stats/optim.h"
#include "util/error.h"
#include "util/mem.h"
#include <float.h>
#include <math.h>
#include <stdio.h> /* snprintf for coefficient names only */
#include <string.h>
/* ------------------------------------------------------------------ options */

void arima_opts_init(arima_opts *o)
{
    o->kappa = 1e6;
    o->maxit = 100;
    o->transform_pars = 1;
    o->xreg_names = NULL;
    o->polish = 1;
    o->std_errors = 1;
    o->unit_ma_stop = 0;
    o->css_state = 1;
    o->restarts = 1;
}

/* ------------------------------------------------------------ start values */

/* R's start for beta: lm(diff(y) ~ diff(X) - 1, na.omit), and parscale
 * 10 * s.e. (arima.R). Normal equations X'X = U'U through src/linalg
 * (dsyrk, dpotrf): k is small and only start values depend on it; a
 * reciprocal condition number of U below 1e-8 (cond(X'X) > 1e16) is
 * reported as rank deficiency, as lm() would alias a column. */
static int ols_start(const spec *m, const double *y, double *beta, double *parscale)
{
    const size_t n = m->n, k = m->ncx, s = (size_t)m->s;
    if (la_dims_ok("arima fit: regression start values", 2, (size_t[]){ n, k + 1 })) return HR_EINVAL;
    double *D = mem_array(n * (k + 1), sizeof(double));
    double *C = mem_array(n * (k + 1), sizeof(double));
    double *G = mem_array(2 * k * k + k + 1, sizeof(double));
    if (!D || !C || !G) { mem_free(D); mem_free(C); mem_free(G); return err_set(HR_ENOMEM, "arima fit: out of memory for the regression start values"); }
    /* column 0: y, columns 1..k: X; differenced as R's diff() (regular, then seasonal) */
    memcpy(D, y, n * sizeof(double));
    memcpy(D + n, m->X, n * k * sizeof(double));
    size_t len = n, off = 0;
    for (size_t c = 0; c <= k; c++) {
        double *v = D + c * n;
        size_t L = n, o2 = 0;
        for (int i = 0; i < m->d && L > 1; i++) {
            for (size_t t = L - 1; t > 0; t--) v[o2 + t] -= v[o2 + t - 1];
            o2++; L--;
        }
        for (int i = 0; i < m->D && L > s; i++) {
            for (size_t t = L - 1; t >= s; t--) v[o2 + t] -= v[o2 + t - s];
            o2 += s; L -= s;
        }
        len = L; off = o2;
    }
    /* complete rows into C (used x (k+1)), na.omit */
    size_t used = 0;
    for (size_t t = off; t < off + len; t++) {
        int ok = 1;
        for (size_t c = 0; c <= k && ok; c++) ok = !isnan(D[c * n + t]);
        if (ok) used++;
    }
    size_t row = 0;
    for (size_t t = off; t < off + len; t++) {
        int ok = 1;
        for (size_t c = 0; c <= k && ok; c++) ok = !isnan(D[c * n + t]);
        if (!ok) continue;
        for (size_t c = 0; c <= k; c++) C[c * used + row] = D[c * n + t];
        row++;
    }
    double *U = G, *Ui = G + k * k, *b = Ui + k * k;
    int rc = 0;
    double rcond = 0.0;
    if (used <= k) {
        rc = err_set(HR_EDATA, "arima fit: %zu usable rows for %zu regression coefficients", used, k);
    } else {
        const double *Xc = C + used, *yc = C;
        la_syrk_t(used, k, 1.0, Xc, used, 0.0, U, k);
        la_gemv(1, used, k, 1.0, Xc, used, yc, 0.0, b);
        if (la_potrf_upper(k, U, k) || la_trcon_upper(k, U, k, &rcond) || !(rcond > 1e-8))
            rc = err_set(HR_ESINGULAR, "arima fit: regression design (xreg) is rank-deficient (%zu columns)", k);
    }
    if (!rc) {
        memcpy(beta, b, k * sizeof(double));
        la_trsv_upper(1, k, U, k, beta);   /* U' z = X'y */
        la_trsv_upper(0, k, U, k, beta);   /* U beta = z */
        double rss = 0.0;
        for (size_t t = 0; t < used; t++) {
            double e = C[t];
            for (size_t c = 0; c < k; c++) e -= beta[c] * C[(c + 1) * used + t];
            rss += e * e;
        }
        double s2 = rss / (double)(used - k);
        /* diag((X'X)^{-1}) = row sums of squares of U^{-1} */
        memcpy(Ui, U, k * k * sizeof(double));
        if (la_trtri_upper(k, Ui, k)) rc = err_set(HR_ESINGULAR, "arima fit: regression design (xreg) is singular");
        for (size_t i = 0; i < k && !rc; i++) {
            double v = 0.0;
            for (size_t j = i; j < k; j++) v += Ui[j * k + i] * Ui[j * k + i];
            double se = sqrt(s2 * v);
            parscale[i] = se > 0.0 && isfinite(se) ? 10.0 * se : 1.0;
        }
    }
    mem_free(D);
    mem_free(C);
    mem_free(G);
    return rc;
}

/* --------------------------------------------------------------- the fit */

void arima_free(arima_fit *f)
{
    if (!f) return;
    if (f->names)
        for (size_t i = 0; i < f->np; i++) mem_free(f->names[i]);
    mem_free(f->names);
    mem_free(f->coef);
    ar_ssm_free(&f->S);
    ar_spec_free(&f->m);
    mem_free(f);
}

void ar_note_add(arima_fit *f, const char *msg)
{
    size_t l = strlen(f->note);
    if (l + 3 + strlen(msg) >= sizeof f->note) return;
    if (l) { strcat(f->note, "; "); }
    strcat(f->note, msg);
}

static int make_names(arima_fit *f, const arima_opts *op)
{
    f->names = mem_calloc(f->np + 1, sizeof(char *));
    if (!f->names) return err_set(HR_ENOMEM, "arima fit: out of memory for the coefficient names");
    char buf[64];
    size_t i = 0;
    const struct { const char *pfx; int cnt; } blk[4] = {
        { "ar", f->o.p }, { "ma", f->o.q }, { "sar", f->o.P }, { "sma", f->o.Q } };
    for (int b = 0; b < 4; b++)
        for (int j = 0; j < blk[b].cnt; j++) {
            snprintf(buf, sizeof buf, "%s%d", blk[b].pfx, j + 1);
            if (!(f->names[i++] = mem_strdup(buf))) return err_set(HR_ENOMEM, "arima fit: out of memory for the coefficient names");
        }
    if (f->icpt && !(f->names[i++] = mem_strdup("intercept"))) return err_set(HR_ENOMEM, "arima fit: out of memory for the coefficient names");
    if (f->drift && !(f->names[i++] = mem_strdup("drift"))) return err_set(HR_ENOMEM, "arima fit: out of memory for the coefficient names");
    for (size_t j = 0; j < f->k; j++) {
        const char *nm = op->xreg_names && op->xreg_names[j] ? op->xreg_names[j] : NULL;
        if (!nm) { snprintf(buf, sizeof buf, "xreg%zu", j + 1); nm = buf; }
        if (!(f->names[i++] = mem_strdup(nm))) return err_set(HR_ENOMEM, "arima fit: out of memory for the coefficient names");
    }
    return 0;
}

/* min over the roots z of 1 + sum c_i z^i of max(|z|, 1/|z|): the modulus
 * after reflection into the invertible region (ar_ma_invert); Inf if none. */
static double root_span(size_t m, const double *c)
{
    while (m > 0 && c[m - 1] == 0.0) m--;
    if (m == 0 || m > 60) return INFINITY;
    double cc[64];
    double complex z[64];
    cc[0] = 1.0;
    for (size_t i = 0; i < m; i++) cc[i + 1] = c[i];
    ar_polyroots(m, cc, z);
    double g = INFINITY;
    for (size_t i = 0; i < m; i++) {
        double a = cabs(z[i]);
        g = fmin(g, a >= 1.0 ? a : 1.0 / a);
    }
    return g;
}

/* Order-search candidates (arima_opts.unit_ma_stop): an ML fit whose MA
 * roots (seasonal ones by ar_seasonal_modulus, as cand_eval) have stayed
 * inside the search's rejection radius 1.01 for 3 accepted steps is
 * abandoned: the search would reject it at that point anyway, and such fits
 * are the slowest of a search (the filter hardly reaches its steady state;
 * the optimiser creeps along the boundary); stopping them early leaves the
 * search's choice unchanged. Only fits on R's filter (stage_ml: not with
 * ar_armafn_w) are guarded. */
typedef struct { int p, q, P, s; size_t Q; int hits, stopped; } ma_guard;

static int ma_guard_fn(size_t n, const double *x, void *ud)
{
    ma_guard *g = ud;
    (void)n;
    double sp = fmin(root_span((size_t)g->q, x + g->p),
                     ar_seasonal_modulus(root_span(g->Q, x + g->p + g->q + g->P), g->s));
    g->hits = sp < 1.01 ? g->hits + 1 : 0;
    g->stopped = g->hits >= 3;
    return g->stopped;
}

/* Newton's method on fn from x with the numerical Hessian (optim_hessian,
 * 2 np^2 + 1 evaluations per step, which also give the gradient and f),
 * halving the step until fn decreases; it stops when the predicted gain
 * -g'd/2 is below 1e-6 log-likelihood units (nu hours), when H is not
 * positive definite along the gradient, or after 20 steps. BFGS with
 * numerical gradients crawls along the flat ridges of ARMA likelihoods
 * (AR and MA roots near cancellation, AR roots near 1 with a drift);
 * Newton's quadratic model does not, and ar_armafn_w makes its Hessians
 * cheap (Nocedal & Wright 2006, "Numerical Optimization", ch. 3). Returns 1 when
 * it stopped at the optimum (predicted gain below the threshold), else 0;
 * x and *value (fn at x) are updated; HR_ENOMEM. work: [np^2 + 3 np]. */
static int newton_polish(optim_fn fn, void *ud, size_t np, double *x, double *value,
                         const optim_ctl *ctl, double nu, double *work)
{
    double *H = work, *g = H + np * np, *d = g + np, *xt = d + np, f0;
    for (int it = 0; it < 20; it++) {
        int rc = optim_hessian(np, x, fn, ud, ctl, H, g, &f0);
        if (rc) return rc == HR_ENOMEM ? rc : 0;
        if ((rc = optim_invert(np, H))) return rc == HR_ENOMEM ? rc : 0;
        la_gemv(0, np, np, -1.0, H, np, g, 0.0, d); /* d = -H^-1 g */
        const double pred = -0.5 * la_dot(np, d, g);
        if (!(pred > 0.0)) return 0;
        if (pred * nu < 1e-6) return 1;
        double alpha = 1.0, ft = DBL_MAX;
        for (; alpha > 1e-3; alpha *= 0.5) {
            for (size_t i = 0; i < np; i++) xt[i] = x[i] + alpha * d[i];
            ft = fn(xt, ud);
            if (ft < f0) break;
        }
        if (!(ft < f0)) return 0;
        memcpy(x, xt, np * sizeof(double));
        *value = ft;
    }
    return 0;
}

/* One fit as it passes through the stages of ar_fit_core. */
typedef struct {
    const double *y;
    size_t n;
    const arima_order *o;
    const arima_opts *opts;
    arima_fit *f;
    spec *m;
    size_t np, narma, nok, nused;
    int anyna, method;
    lik_ctx c;          /* R's filter and the shared parameters */
    arma_ctx a;         /* ar_armafn_w                          */
    prof_ctx p;         /* ar_armafn_p                          */
    css_ctx cc;         /* ar_armacss, ar_armacss_arma          */
    double *work, *x, *ps, *H, *A, *Tm, *x2;
    optim_ctl ctl;
    /* the ML objective (fit_choose, stage_ml) */
    int cheap, kal, prof, use_w, trans;
    optim_fn obj;
    void *ud;
    size_t nopt;
    int bfgs_rc;        /* the ML optimiser's: 0 or HR_ENOCONV (maxit) */
    double value;
} fit_run;

static void fit_run_free(fit_run *R)
{
    ar_prof_free(&R->p);
    ar_arma_free(&R->a);
    ar_lik_free(&R->c);
    mem_free(R->work);
    R->work = NULL;
}

/* The fit's spec, names and counts, the objectives' contexts and the
 * workspace. */
static int fit_setup(fit_run *R, const double *y, size_t n, const double *xreg, size_t k,
                     const arima_order *o, const arima_opts *opts)
{
    R->y = y, R->n = n, R->o = o, R->opts = opts;
    arima_fit *f = R->f = mem_calloc(1, sizeof *f);
    if (!f) return err_set(HR_ENOMEM, "arima fit: out of memory");
    int rc = ar_spec_init(&f->m, o, n, xreg, k, opts->kappa > 0 ? opts->kappa : 1e6);
    if (rc) { mem_free(f); R->f = NULL; return rc; }
    spec *m = R->m = &f->m;
    f->o = *o;
    f->n = n;
    f->k = k;
    f->icpt = o->include_mean && o->d + o->D == 0;
    f->drift = o->include_drift != 0;
    f->np = m->narma + m->ncx;
    const size_t np = R->np = f->np;
    R->narma = m->narma;
    f->coef = mem_array(2 * np + 1, sizeof(double));
    if (!f->coef) return err_set(HR_ENOMEM, "arima fit: out of memory");
    f->se = f->coef + np;
    if ((rc = make_names(f, opts))) return rc;

    /* n.used: hours with y and every regressor present, less len(Delta) */
    size_t nok = 0;
    int anyna = 0;
    for (size_t t = 0; t < n; t++) {
        int ok = !isnan(y[t]);
        for (size_t j = 0; j < m->ncx && ok; j++) ok = !isnan(m->X[j * n + t]);
        nok += (size_t)ok;
        anyna |= !ok;
    }
    if (nok <= m->nd + np)
        return err_set(HR_EDATA, "arima fit: %zu usable hours for %zu differences and %zu coefficients",
                      nok, m->nd, np);
    R->nok = nok;
    R->anyna = anyna;
    R->nused = f->nobs = nok - m->nd;
    if ((rc = ar_lik_init(&R->c, m, y)) || (rc = ar_arma_init(&R->a, &R->c))) return rc;
    /* workspace: x, parscale, H, A, Tm (newton_polish's too), x2, css residuals */
    R->work = mem_array(6 * np + 3 * np * np + n + 4, sizeof(double));
    if (!R->work) return err_set(HR_ENOMEM, "arima fit: out of memory");
    R->x = R->work;
    R->ps = R->x + np;
    R->H = R->ps + np;
    R->A = R->H + np * np;
    R->Tm = R->A + np * np;
    R->x2 = R->Tm + np * np + 3 * np;
    R->cc.c = &R->c;
    R->cc.resid = R->x2 + np;
    R->method = o->method;
    if (R->method == ARIMA_CSS_ML && anyna) R->method = ARIMA_ML;
    return 0;
}

/* Evaluation at fixed coefficients. */
static int stage_fixed(fit_run *R, const double *fixed)
{
    const size_t np = R->np;
    int *mask = mem_calloc(np + 1, sizeof(int)); /* no free parameters */
    if (!mask) return err_set(HR_ENOMEM, "arima fit: out of memory");
    R->c.mask = mask;
    memcpy(R->c.full, fixed, np * sizeof(double));
    R->c.trans = 0;
    R->value = ar_armafn(NULL, &R->c);
    R->c.mask = NULL;
    mem_free(mask);
    if (R->value >= DBL_MAX)
        return err_set(HR_ENOCONV, "arima fit: likelihood not finite at the given coefficients "
                                  "(non-stationary AR part?)");
    memcpy(R->f->coef, fixed, np * sizeof(double));
    for (size_t i = 0; i < np; i++) R->f->se[i] = NAN;
    R->f->nfree = 0;
    R->f->converged = 1;
    return 0;
}

/* The ML objective. armafn_w, or with regressors armafn_p, where d = D =
 * 0 and no hour is missing, or with differencing and at most AO_MAX
 * missing hours; and armafn_p on R's own filter (kalman_cols) for
 * regressors with d = D = 0 and missing hours. Without regressors the
 * objective is computed by armafn_w or R's filter, whichever costs less
 * (ar_ao_cheaper); the fit's course (guard, second run, polish) stays that
 * of `cheap`. With d = D = 0 and missing hours armafn_w is R's likelihood
 * to rounding where no hour can reach R's 1e4 cut (ar_armafn_w checks). */
static void fit_choose(fit_run *R)
{
    const spec *m = R->m;
    const size_t n = R->n, nok = R->nok, narma = R->narma;
    R->cheap = (m->nd ? m->kappa >= 1e6 : !R->anyna) && n - nok <= AO_MAX;
    R->kal = !m->nd && R->anyna && m->ncx > 0 && narma > 0;
    R->prof = R->method != ARIMA_CSS && (R->cheap || R->kal) && m->ncx > 0 && narma > 0;
    R->use_w = R->cheap;
    if (R->method != ARIMA_CSS && R->anyna && !m->ncx && narma > 0 && n - nok <= AO_MAX &&
        (m->nd ? m->kappa >= 1e6 : 1))
        R->use_w = ar_ao_cheaper(m, R->y);
}

/* method CSS: R's conditional sum of squares, standard errors from its
 * Hessian. */
static int stage_css_fit(fit_run *R)
{
    const size_t np = R->np;
    double *x = R->x, *H = R->H;
    int iters = 0;
    int rc = optim_bfgs(np, x, &R->value, ar_armacss, &R->cc, &R->ctl, &iters);
    if (rc && rc != HR_ENOCONV) return rc;
    R->f->converged = rc == 0;
    if (R->opts->std_errors) {
        if ((rc = optim_hessian(np, x, ar_armacss, &R->cc, &R->ctl, H, NULL, NULL))) return rc;
        for (size_t i = 0; i < np * np; i++) H[i] *= (double)R->nused;
        /* singular: NaN standard errors; out of memory: a failure */
        if ((rc = optim_invert(np, H)) == HR_ENOMEM) return rc;
        if (rc) for (size_t i = 0; i < np * np; i++) H[i] = NAN;
    } else {
        for (size_t i = 0; i < np * np; i++) H[i] = NAN;
    }
    memcpy(R->f->coef, x, np * sizeof(double));
    for (size_t i = 0; i < np; i++) R->f->se[i] = sqrt(H[i * np + i]);
    return 0;
}

/* CSS-ML: the CSS estimate as ML's start (R's arima), zeros when it is
 * not stationary or did not converge. */
static int stage_css_start(fit_run *R)
{
    const arima_order *o = R->o;
    const size_t np = R->np, narma = R->narma;
    double *x = R->x, *x2 = R->x2, value;
    int iters = 0, r2;
    memcpy(x2, x, np * sizeof(double));
    if (R->prof) { /* beta at its OLS start */
        memcpy(R->c.full, x, np * sizeof(double));
        r2 = optim_bfgs(narma, x2, &value, ar_armacss_arma, &R->cc, &R->ctl, &iters);
    } else {
        r2 = optim_bfgs(np, x2, &value, ar_armacss, &R->cc, &R->ctl, &iters);
    }
    R->value = value;
    if (r2 == 0) memcpy(x, x2, np * sizeof(double));
    else if (r2 == HR_ENOMEM) return r2;
    else {
        ar_note_add(R->f, "CSS start did not converge: ML started from zeros");
        R->f->ml_from_zeros = 1;
    }
    int bad = (o->p > 0 && !ar_stationary((size_t)o->p, x)) ||
              (o->P > 0 && !ar_stationary((size_t)o->P, x + o->p + o->q));
    if (bad) { /* R stops here ("non-stationary AR part from CSS") */
        for (size_t i = 0; i < narma; i++) x[i] = 0.0;
        ar_note_add(R->f, "CSS start non-stationary: ML started from zeros");
        R->f->ml_from_zeros = 1;
    }
    R->cc.ncond = 0;
    return 0;
}

/* ML on the chosen objective by BFGS (R's optim), from x.
 *
 * The optimiser works on armafn_w (with differencing: at R's kappa or
 * larger): O(r) per hour and column and no differencing states, against
 * R's filter's O((r + nd)^2) per hour until its gain settles. The two
 * likelihoods differ by a near-constant 1e-4..1e-2 units, so they peak at
 * the same point; the log-likelihood reported is R's, by the final filter
 * (stage_final), checked against R's exact fits in tests/test_arima.c. Not
 * with d = D = 0 and missing hours: R's filter leaves out hours whose
 * prediction variance is 1e4 sigma2 or more, which after a gap under an AR
 * root near 1 are not the same hours as armafn_w's: there, with
 * regressors, armafn_p runs R's filter (kalman_cols), without them armafn.
 * With regressors, armafn_w's optimum over beta is GLS: the optimiser runs
 * over the ARMA part only (armafn_p), and the fit's beta is the GLS
 * estimate at its optimum. Not where GLS is singular at the start (an hour
 * the data cannot identify): armafn_w, which falls back to R's filter
 * there. */
static int stage_ml(fit_run *R)
{
    const arima_order *o = R->o;
    double *x = R->x;
    int trans = R->trans = R->opts->transform_pars != 0;
    if (trans) {
        if (o->p > 0) ar_invpartrans((size_t)o->p, x, x);
        if (o->P > 0) ar_invpartrans((size_t)o->P, x + o->p + o->q, x + o->p + o->q);
        if (o->q > 0) ar_ma_invert((size_t)o->q, x + o->p);
        if (o->Q > 0) ar_ma_invert((size_t)o->Q, x + o->p + o->q + o->P);
    }
    R->c.trans = trans;
    int rc;
    if (R->prof) {
        if ((rc = ar_prof_init(&R->p, &R->a))) return rc;
        R->prof = ar_armafn_p(x, &R->p) < DBL_MAX;
        /* kalman_cols is R's filter: its fits are as cheap as armafn_p's
         * (few parameters), else armafn */
        R->cheap = R->kal ? R->prof : R->cheap;
    }
    R->nopt = R->prof ? R->narma : R->np;
    R->obj = R->prof ? ar_armafn_p : R->use_w ? ar_armafn_w : ar_armafn;
    R->ud = R->prof ? (void *)&R->p : R->use_w ? (void *)&R->a : (void *)&R->c;
    /* the guard saves R's slow filter; armafn_w's paths cross the MA
     * boundary region elsewhere, where it would drop fits that end outside
     * 1.01 */
    ma_guard guard = { o->p, o->q, o->P, o->s, (size_t)o->Q, 0, 0 };
    if (R->opts->unit_ma_stop && o->q + o->Q > 0 && !R->cheap)
        R->ctl.monitor = ma_guard_fn, R->ctl.monitor_ud = &guard;
    int iters = 0;
    rc = optim_bfgs(R->nopt, x, &R->value, R->obj, R->ud, &R->ctl, &iters);
    if (rc == HR_ENOCONV && (R->cheap || R->use_w) && !guard.stopped) {
        /* maxit reached: armafn_w costs ~1 % of R's filter, so the fit
         * gets a second run (fresh inverse Hessian) where R would stop;
         * also where R's filter computes a `cheap` fit's objective
         * (ar_ao_cheaper: the fit keeps its course), and on armafn_w with
         * d = D = 0 */
        rc = optim_bfgs(R->nopt, x, &R->value, R->obj, R->ud, &R->ctl, &iters);
    }
    R->ctl.monitor = NULL;
    if (guard.stopped)
        return err_set(HR_ENOCONV, "arima fit: MA roots inside 1.01: fit abandoned");
    if (rc && rc != HR_ENOCONV) return rc;
    R->f->converged = rc == 0;
    R->bfgs_rc = rc;
    return 0;
}

/* Newton steps (cheap objectives), else a BFGS restart at a tighter
 * tolerance; then the MA part reflected to invertible (R's maInvert). */
static int stage_polish(fit_run *R)
{
    const arima_order *o = R->o;
    const size_t np = R->np;
    double *x = R->x, *x2 = R->x2;
    int polished = 0;
    if (R->cheap && R->opts->polish) {
        int r2 = newton_polish(R->obj, R->ud, R->nopt, x, &R->value, &R->ctl, (double)R->nused, R->Tm);
        if (r2 == HR_ENOMEM) return r2;
        if (r2 == 1) polished = R->f->converged = 1;
    }
    if (R->bfgs_rc == 0 && R->opts->polish && !polished) {
        /* R's reltol (1.5e-8 of a log-likelihood of ~1e5 on a year of
         * hours) stops up to ~1e-3 short of the optimum; a restart with a
         * fresh inverse Hessian and a tighter tolerance reaches it, so a fit
         * is never worse than R's by that slack. armafn_w is cheap: further
         * along flat ridges (AR and MA roots near cancellation). */
        optim_ctl c2 = R->ctl;
        c2.reltol = 1e-10;
        c2.maxit = R->cheap ? 100 : 20;
        double v2 = R->value;
        int it2 = 0;
        memcpy(x2, x, np * sizeof(double));
        int r2 = optim_bfgs(R->nopt, x2, &v2, R->obj, R->ud, &c2, &it2);
        if ((r2 == 0 || r2 == HR_ENOCONV) && v2 < R->value) {
            memcpy(x, x2, np * sizeof(double));
            R->value = v2;
        }
    }
    if (R->trans) {
        memcpy(x2, x, np * sizeof(double));
        if (o->q > 0) ar_ma_invert((size_t)o->q, x + o->p);
        if (o->Q > 0) ar_ma_invert((size_t)o->Q, x + o->p + o->q + o->P);
        if (memcmp(x2, x, np * sizeof(double))) {
            if (!R->cheap) R->value = ar_armafn(x, &R->c);
            ar_note_add(R->f, "MA part reflected to invertible");
        }
    }
    return 0;
}

/* Standard errors from the numerical Hessian (R's optim(hessian = TRUE)),
 * through the transform's Jacobian (R's ARIMA_Gradtrans); beta's by GLS
 * when it was profiled out. Leaves the coefficients in f->coef. */
static int stage_std_errors(fit_run *R)
{
    const arima_order *o = R->o;
    const spec *m = R->m;
    const size_t np = R->np, narma = R->narma, nused = R->nused;
    double *x = R->x, *H = R->H, *A = R->A, *Tm = R->Tm;
    arima_fit *f = R->f;
    int rc, sing = 1; /* without standard errors: NaN */
    if (R->prof) {
        /* beta = GLS estimate at the final ARMA part */
        if (ar_armafn_p(x, &R->p) >= DBL_MAX)
            return err_set(HR_ENOCONV, "arima fit: likelihood not finite at the estimate");
        memcpy(x + narma, R->c.full + narma, m->ncx * sizeof(double));
    }
    if (R->prof && R->opts->std_errors) {
        /* Var(beta) = sigma2 (X' Sigma^-1 X)^-1 given the ARMA part (GLS;
         * the information matrix is block-diagonal between beta and the
         * ARMA part of stationary errors), with X' Sigma^-1 X the Schur
         * complement of A's block: U_XX' U_XX (trailing block of
         * armafn_p's factor). The ARMA block is the inverse Hessian of the
         * profile likelihood (= that block of the full inverse Hessian). */
        const size_t kx = m->ncx;
        double *Ui = Tm;
        for (size_t j = 0; j < kx; j++)
            memcpy(Ui + j * kx, R->p.pUx + j * kx, (j + 1) * sizeof(double));
        sing = la_trtri_upper(kx, Ui, kx) != 0;
        if (sing) err_clear();
        const double s2 = R->p.pssq / (double)nused;
        if ((rc = optim_hessian(narma, x, ar_armafn_p, &R->p, &R->ctl, A, NULL, NULL))) return rc;
        for (size_t i = 0; i < narma * narma; i++) A[i] *= (double)nused;
        if ((rc = optim_invert(narma, A)) == HR_ENOMEM) return rc;
        sing |= rc != 0;
        for (size_t i = 0; i < np * np; i++) H[i] = 0.0;
        for (size_t j = 0; j < narma; j++)
            for (size_t i = 0; i < narma; i++) H[j * np + i] = A[j * narma + i];
        for (size_t j = 0; j < kx; j++)
            for (size_t i = 0; i <= j; i++) {
                double t = 0.0; /* (U^-1 U^-T)_ij, U^-1 upper */
                for (size_t l = j; l < kx; l++) t += Ui[l * kx + i] * Ui[l * kx + j];
                H[(narma + j) * np + narma + i] = H[(narma + i) * np + narma + j] = s2 * t;
            }
    } else if (R->opts->std_errors) {
        /* armafn_w has the exact likelihood's curvature (standard errors
         * within 0.4 % of R's) */
        optim_fn fn = R->use_w ? ar_armafn_w : ar_armafn;
        void *ud = R->use_w ? (void *)&R->a : (void *)&R->c;
        if ((rc = optim_hessian(np, x, fn, ud, &R->ctl, H, NULL, NULL))) return rc;
        for (size_t i = 0; i < np * np; i++) H[i] *= (double)nused;
        if ((rc = optim_invert(np, H)) == HR_ENOMEM) return rc;
        sing = rc != 0;
    } else {
        for (size_t i = 0; i < np * np; i++) H[i] = NAN;
    }
    if (R->trans) {
        /* R's ARIMA_Gradtrans: A_ij = d new_j / d raw_i, forward
         * differences with step 1e-3; var = A' H^{-1} A. */
        for (size_t i = 0; i < np * np; i++) A[i] = 0.0;
        for (size_t i = 0; i < np; i++) A[i * np + i] = 1.0;
        const double eps = 1e-3;
        const size_t blk[2][2] = { { 0, (size_t)o->p }, { (size_t)(o->p + o->q), (size_t)o->P } };
        for (int b = 0; b < 2; b++) {
            size_t v = blk[b][0], pp = blk[b][1];
            if (!pp) continue;
            double w1[128], w2[128], w3[128];
            memcpy(w1, x + v, pp * sizeof(double));
            ar_partrans(pp, w1, w2);
            for (size_t i = 0; i < pp; i++) {
                w1[i] += eps;
                ar_partrans(pp, w1, w3);
                for (size_t j = 0; j < pp; j++) A[(v + j) * np + v + i] = (w3[j] - w2[j]) / eps;
                w1[i] -= eps;
            }
        }
        /* Tm = H^{-1} A ; var = A' Tm */
        for (size_t j = 0; j < np; j++)
            for (size_t i = 0; i < np; i++) {
                double s = 0.0;
                for (size_t l = 0; l < np; l++) s += H[l * np + i] * A[j * np + l];
                Tm[j * np + i] = s;
            }
        for (size_t i = 0; i < np; i++) {
            double s = 0.0;
            for (size_t l = 0; l < np; l++) s += A[i * np + l] * Tm[i * np + l];
            f->se[i] = sing ? NAN : sqrt(s);
        }
        if (o->p > 0) ar_partrans((size_t)o->p, x, x);
        if (o->P > 0) ar_partrans((size_t)o->P, x + o->p + o->q, x + o->p + o->q);
    } else {
        for (size_t i = 0; i < np; i++) f->se[i] = sing ? NAN : sqrt(H[i * np + i]);
    }
    memcpy(f->coef, x, np * sizeof(double));
    return 0;
}

/* Final filter at the (untransformed) coefficients: R's log-likelihood,
 * sigma2 and the state the forecasts start from (R's arimaSS / mod); the
 * information criteria. */
static int stage_final(fit_run *R, const double *fixed, double fixed_sigma2)
{
    const arima_order *o = R->o;
    spec *m = R->m;
    arima_fit *f = R->f;
    const int method = R->method;
    R->c.mask = NULL;
    R->c.trans = 0;
    /* (fixed: the filter already ran at exactly these coefficients) */
    const int no_state = method == ARIMA_CSS && !fixed && !R->opts->css_state;
    double vfin = fixed || no_state ? R->value : ar_armafn(f->coef, &R->c);
    if (vfin >= DBL_MAX) return err_set(HR_ENOCONV, "arima fit: likelihood not finite at the estimate");
    if (!fixed && method != ARIMA_CSS) R->value = vfin; /* R's likelihood, not armafn_w's */
    if (method == ARIMA_CSS && !fixed) {
        ar_trans_pars(m, f->coef, 0, R->c.phi, R->c.theta);
        ar_spec_resid(m, R->y, f->coef + R->narma, R->c.w);
        const size_t ncond = (size_t)o->d + (size_t)o->D * (size_t)o->s + (size_t)o->p +
                             (size_t)o->s * (size_t)o->P;
        f->sigma2 = ar_css_value(m, R->c.w, R->c.phi, R->c.theta, ncond, NULL, R->cc.resid);
    } else {
        f->sigma2 = R->c.last.ssq / (double)R->nused;
    }
    if (fixed && fixed_sigma2 > 0.0) f->sigma2 = fixed_sigma2;
    /* R: value = 2 n.used res$value + n.used + n.used log(2 pi); loglik = -value/2;
     * aic = value + 2 sum(mask) + 2. forecast::Arima: npar = sum(mask) + 1,
     * nstar = non-missing n - d - D s, aicc = aic + 2 npar (npar+1)/(nstar-npar-1),
     * bic = aic + npar (log(nstar) - 2). */
    double nu = (double)R->nused;
    double val = 2.0 * nu * R->value + nu + nu * log(2.0 * M_PI);
    f->loglik = -0.5 * val;
    f->aic = method == ARIMA_CSS ? NAN : val + 2.0 * (double)f->nfree + 2.0;
    double npar = (double)f->nfree + 1.0;
    double nstar = (double)R->nused; /* forecast: non-missing hours less len(Delta) */
    f->aicc = f->aic + 2.0 * npar * (npar + 1.0) / (nstar - npar - 1.0);
    f->bic = f->aic + npar * (log(nstar) - 2.0);
    f->o.method = method; /* CSS-ML becomes ML with missing values, as R */
    /* keep the state; drop the training design */
    f->S = R->c.S;
    memset(&R->c.S, 0, sizeof R->c.S);
    mem_free(m->X);
    m->X = NULL;
    f->S.delta = m->delta;
    if (no_state) { /* no filter ran: a zero state rather than garbage */
        memset(f->S.a, 0, f->S.rd * sizeof(double));
        memset(f->S.P, 0, f->S.rd * f->S.rd * sizeof(double));
    }
    return 0;
}

/* Run the estimation in stages; fixed != NULL means evaluate at those
 * coefficients; start != NULL (the narma ARMA coefficients) replaces the
 * CSS or zero start of the ML stage. */
int ar_fit_from(const double *y, size_t n, const double *xreg, size_t k, const arima_order *o,
                const arima_opts *opts, const double *fixed, double fixed_sigma2,
                const double *start, arima_fit **out)
{
    arima_opts dflt;
    if (!opts) { arima_opts_init(&dflt); opts = &dflt; }
    if (!y || !o || !out) return err_set(HR_EINVAL, "arima fit: NULL argument");
    if (n == 0) return err_set(HR_EDATA, "arima fit: empty series");
    fit_run R;
    memset(&R, 0, sizeof R);
    int rc = fit_setup(&R, y, n, xreg, k, o, opts);
    if (!rc && fixed) {
        rc = stage_fixed(&R, fixed);
    } else if (!rc) {
        const size_t np = R.np, narma = R.narma;
        R.f->nfree = np;
        optim_ctl_init(&R.ctl);
        R.ctl.maxit = opts->maxit;
        R.ctl.parscale = R.ps;
        for (size_t i = 0; i < np; i++) { R.x[i] = 0.0; R.ps[i] = 1.0; }
        if (R.m->ncx) rc = ols_start(R.m, y, R.x + narma, R.ps + narma);
        R.cc.ncond = 0;
        if (R.method != ARIMA_ML)
            R.cc.ncond = (size_t)o->d + (size_t)o->D * (size_t)o->s + (size_t)o->p +
                         (size_t)o->s * (size_t)o->P;
        fit_choose(&R);
        if (!rc && R.method == ARIMA_CSS) {
            rc = stage_css_fit(&R);
        } else if (!rc) {
            if (start) memcpy(R.x, start, narma * sizeof(double)), R.cc.ncond = 0;
            else if (R.method == ARIMA_CSS_ML) rc = stage_css_start(&R);
            if (!rc) rc = stage_ml(&R);
            if (!rc) rc = stage_polish(&R);
            if (!rc) rc = stage_std_errors(&R);
        }
    }
    if (!rc) rc = stage_final(&R, fixed, fixed_sigma2);
    fit_run_free(&R);
    if (rc) {
        arima_free(R.f);
        return rc;
    }
    *out = R.f;
    return 0;
}

int ar_fit_core(const double *y, size_t n, const double *xreg, size_t k, const arima_order *o,
                const arima_opts *opts, const double *fixed, double fixed_sigma2, arima_fit **out)
{
    return ar_fit_from(y, n, xreg, k, o, opts, fixed, fixed_sigma2, NULL, out);
}

int arima_fit_fixed(const double *y, size_t n, const double *xreg, size_t k,
                    const arima_order *o, const arima_opts *opts, const double *coef,
                    double sigma2, arima_fit **out)
{
    if (!coef) return err_set(HR_EINVAL, "arima_fit_fixed: coef is NULL");
    return ar_fit_core(y, n, xreg, k, o, opts, coef, sigma2, out);
}

int arima_loglik_at(const double *y, size_t n, const double *xreg, size_t k,
                    const arima_order *o, const double *coef, double kappa,
                    double *loglik, double *sigma2)
{
    arima_opts op;
    arima_opts_init(&op);
    if (kappa > 0) op.kappa = kappa;
    arima_order oo = *o;
    oo.method = ARIMA_ML;
    arima_fit *f = NULL;
    int rc = ar_fit_core(y, n, xreg, k, &oo, &op, coef, NAN, &f);
    if (rc) return rc;
    if (loglik) *loglik = f->loglik;
    if (sigma2) *sigma2 = f->sigma2;
    arima_free(f);
    return 0;
}

/* ---------------------------------------------------------------- accessors */

size_t arima_coef_count(const arima_fit *f) { return f->np; }
const char *arima_coef_name(const arima_fit *f, size_t i) { return i < f->np ? f->names[i] : NULL; }
double arima_coef(const arima_fit *f, size_t i) { return i < f->np ? f->coef[i] : NAN; }
double arima_coef_se(const arima_fit *f, size_t i) { return i < f->np ? f->se[i] : NAN; }
double arima_sigma2(const arima_fit *f) { return f->sigma2; }
double arima_loglik(const arima_fit *f) { return f->loglik; }
double arima_aic(const arima_fit *f) { return f->aic; }
double arima_aicc(const arima_fit *f) { return f->aicc; }
double arima_bic(const arima_fit *f) { return f->bic; }
int arima_converged(const arima_fit *f) { return f->converged; }
size_t arima_nobs(const arima_fit *f) { return f->nobs; }
arima_order arima_fit_order(const arima_fit *f) { return f->o; }
const char *arima_note(const arima_fit *f) { return f->note; }

