/* flex.c — headroom under a flexible-load contract: caps on event length,
 * events and curtailed hours per year, the budget in every year, on-site
 * storage (definitions with hr_assess_opts in include/headroom.h). The
 * study's own question, the largest L whose mean yearly rate is within the
 * budget (Norris et al. 2025), is solved in assess.c; contract terms of the
 * kind it cites (interruptible programmes capping hours and events) are
 * added here.
 *
 * Why each search is exact or safe. Write C_t(L) for the curtailed MW at
 * added load L, c_t = C_t / L, g_t = T_t - D_t.
 * - Without storage c_t = max(0, s_t - g_t^+ / L) is nondecreasing in L and
 *   hour t curtails iff L > L_t = g_t^+ / s_t: the curtailed set only grows
 *   with L, so the hours per year and the longest event are nondecreasing
 *   step functions with steps at the L_t, and the yearly rates are
 *   nondecreasing (each is a - c/L between breakpoints; assess.c). Those caps
 *   are solved exactly by one sweep over the sorted breakpoints, the
 *   every-year budget by the exact solver on each year.
 * - The number of events is NOT monotone: a larger load can join two events
 *   into one. Its headroom is the first L at which the cap fails, so every
 *   smaller campus keeps the cap too; the sweep finds it exactly.
 * - With storage, in units of L (stored x_t / L, power p = battery_pct/100,
 *   capacity p h): the need n_t = min(s_t, max(0, s_t - g_t / L)) is
 *   nondecreasing in L and the charging room r_t = g_t / L - s_t is
 *   nonincreasing. Discharging maps x to max(x - min(n, p), 0),
 *   nondecreasing in x and nonincreasing in n; charging maps x to
 *   min(x + E p, x + E r, p h), nondecreasing in x and r; an hour that needs
 *   at L needs at every larger L. By induction over the hours the stored
 *   energy (in units of L) is nonincreasing in L, and c_t = n_t - min(n_t,
 *   p, x_t) is nondecreasing. So the yearly rates, the curtailed set, the
 *   hours per year and the longest event are monotone in L with storage too,
 *   and bisection on the 0.1 MW grid finds the largest L that keeps them.
 *   Events are still not monotone: with storage that cap is bisected and
 *   the result then checked at 32 loads below it, the search narrowed below
 *   any that fails (a safe search, not a proof of the first failure).
 */
#include "assess/assess.h"
#include "util/error.h"
#include "util/mem.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

int flex_active(const hr_assess_opts *o)
{
    return o->max_event_hours > 0 || o->max_events_per_year > 0 || o->max_hours_per_year > 0 || o->every_year ||
           o->battery_pct > 0;
}

/* Scratch of one study. */
struct flex_ctx {
    const flex_study *fs;
    const hr_assess_opts *o;
    double p, cap, eff; /* battery power and capacity in units of L        */
    double *lim;        /* breakpoint L_t; INFINITY = never curtails          */
    uint32_t *cand;     /* hours with lim < Lcand, in time order             */
    size_t ncand;
    double *rate, *hours, *events; /* per year */
};
typedef struct flex_ctx flex_ws;

static void ws_free(flex_ws *w)
{
    mem_free(w->lim);
    mem_free(w->cand);
    mem_free(w->rate);
    memset(w, 0, sizeof *w);
}

static int ws_init(flex_ws *w, const flex_study *fs, const hr_assess_opts *o)
{
    memset(w, 0, sizeof *w);
    w->fs = fs;
    w->o = o;
    if (o->battery_pct > 0) {
        w->p = o->battery_pct / 100.0;
        w->cap = w->p * o->battery_hours;
        w->eff = o->battery_eff;
    }
    size_t m = fs->m ? fs->m : 1;
    w->lim = mem_array(m, sizeof *w->lim);
    w->cand = mem_array(m, sizeof *w->cand);
    w->rate = mem_array(3 * (size_t)fs->ny, sizeof *w->rate);
    if (!w->lim || !w->cand || !w->rate) {
        ws_free(w);
        return err_set(HR_ENOMEM, "headroom: out of memory for %zu hours", fs->m);
    }
    w->hours = w->rate + fs->ny;
    w->events = w->hours + fs->ny;
    for (size_t i = 0; i < fs->m; i++) {
        double g = fs->gap[i], s = fs->s[i];
        w->lim[i] = (isnan(g) || !(s > 0)) ? INFINITY : (g > 0 ? g / s : 0.0);
    }
    return HR_OK;
}

/* Candidates: the hours that can curtail at any load below Lc. */
static void set_cand(flex_ws *w, double Lc)
{
    size_t k = 0;
    for (size_t i = 0; i < w->fs->m; i++)
        if (w->lim[i] < Lc) w->cand[k++] = (uint32_t)i;
    w->ncand = k;
}

/* The hourly dispatch at L over the candidates (every hour that needs at L
 * must be one). Between two hours that need, the battery charges hour by
 * hour until full; hours without need cost nothing once it is full. */
static void sim(flex_ws *w, double L, flex_stats *st, double *cn)
{
    const flex_study *fs = w->fs;
    size_t ny = (size_t)fs->ny;
    memset(w->rate, 0, 3 * ny * sizeof *w->rate);
    const double p = w->p, cap = w->cap, E = w->eff;
    double x = cap, disch = 0;
    size_t cur = 0, last = SIZE_MAX, run = 0, runmax = 0;
    if (cn)
        for (size_t i = 0; i < fs->m; i++) cn[i] = isnan(fs->gap[i]) ? NAN : 0.0;
    for (size_t k = 0; k < w->ncand; k++) {
        size_t i = w->cand[k];
        if (!(w->lim[i] < L)) continue;
        for (size_t j = cur; j < i && x < cap; j++) {
            double g = fs->gap[j];
            if (isnan(g)) continue; /* a missing hour: the battery holds */
            double room = g / L - fs->s[j];
            if (!(room > 0)) continue;
            double full = (cap - x) / E, draw = room < p ? room : p;
            if (draw >= full) x = cap;
            else x += E * draw;
        }
        double s = fs->s[i], n = s - fs->gap[i] / L;
        if (n > s) n = s;
        double d = n < p ? n : p;
        if (d > x) d = x;
        x -= d;
        disch += d;
        double c = n - d;
        cur = i + 1;
        if (cn) cn[i] = c;
        if (!(c > 0)) continue;
        size_t y = fs->yi[i];
        w->rate[y] += c;
        w->hours[y] += 1;
        if (last != SIZE_MAX && last + 1 == i) {
            run++;
        } else {
            run = 1; /* a new event, counted in the year it starts */
            w->events[y] += 1;
        }
        if (run > runmax) runmax = run;
        last = i;
    }
    memset(st, 0, sizeof *st);
    for (size_t y = 0; y < ny; y++) {
        double r = w->rate[y] / fs->S[y];
        st->rate_mean += r / (double)ny;
        if (r > st->rate_max) st->rate_max = r;
        if (w->hours[y] > st->hours_max) st->hours_max = w->hours[y];
        if (w->events[y] > st->events_max) st->events_max = w->events[y];
        st->hours += w->hours[y];
        st->events += w->events[y];
    }
    st->run_max = (double)runmax;
    st->cycles = cap > 0 ? disch / cap : 0;
}

/* HR_BIND_* terms of o that st breaks at budget b (b = INFINITY: caps only). */
static unsigned broken(const hr_assess_opts *o, const flex_stats *st, double b)
{
    unsigned f = 0;
    if (o->every_year ? st->rate_max > b : st->rate_mean > b) f |= o->every_year ? HR_BIND_EVERY_YEAR : HR_BIND_BUDGET;
    if (o->max_event_hours > 0 && st->run_max > o->max_event_hours) f |= HR_BIND_EVENT_HOURS;
    if (o->max_events_per_year > 0 && st->events_max > o->max_events_per_year) f |= HR_BIND_EVENTS;
    if (o->max_hours_per_year > 0 && st->hours_max > o->max_hours_per_year) f |= HR_BIND_HOURS;
    return f;
}

int flex_open(flex_ctx **c, const flex_study *fs, const hr_assess_opts *o)
{
    *c = mem_alloc(sizeof **c);
    if (!*c) return err_set(HR_ENOMEM, "headroom: out of memory");
    int rc = ws_init(*c, fs, o);
    if (rc) {
        mem_free(*c);
        *c = NULL;
    }
    return rc;
}

void flex_close(flex_ctx *c)
{
    if (!c) return;
    ws_free(c);
    mem_free(c);
}

void flex_eval(flex_ctx *w, double L, flex_stats *st, double *cn)
{
    set_cand(w, INFINITY);
    sim(w, L, st, cn);
}

unsigned flex_broken(const hr_assess_opts *o, const flex_stats *st) { return broken(o, st, INFINITY); }

/* Largest multiple of 0.1 MW not above v (v itself is allowed: an hour
 * with breakpoint v does not curtail at L = v). */
static double floor_tenth(double v)
{
    if (!(v > 0)) return 0;
    if (!isfinite(v)) return v;
    double k = floor(v * 10.0);
    while (k > 0 && k / 10.0 > v) k -= 1;
    return k / 10.0;
}

/* ---------------------------------------------------------------- exact, no storage */

static void ev_add(double *ev, size_t y, double cap, size_t *nover, double step)
{
    if (step < 0 && ev[y] == cap + 1) (*nover)--;
    ev[y] += step;
    if (step > 0 && ev[y] == cap + 1) (*nover)++;
}

/* First L at which each cap fails, without storage (INFINITY: never).
 * Hours join the curtailed set in ascending order of L_t; once every hour
 * with L_t = v has joined, the set is that of every L in (v, next L_t], so
 * a cap failing there fails for every L > v and holds at L = v. Runs keep
 * their length at both ends (len[]), so joining an hour is O(1). */
static int caps_exact(flex_ws *w, double Lc[3])
{
    const flex_study *fs = w->fs;
    const hr_assess_opts *o = w->o;
    size_t m = fs->m, ny = (size_t)fs->ny;
    Lc[0] = Lc[1] = Lc[2] = INFINITY;
    if (!(o->max_event_hours > 0 || o->max_events_per_year > 0 || o->max_hours_per_year > 0)) return HR_OK;
    headroom_item *it = mem_array(m ? m : 1, sizeof *it), *tmp = mem_array(m ? m : 1, sizeof *tmp);
    uint32_t *len = mem_calloc(m ? m : 1, sizeof *len);
    if (!it || !tmp || !len) {
        mem_free(it), mem_free(tmp), mem_free(len);
        return err_set(HR_ENOMEM, "headroom: out of memory for %zu hours", m);
    }
    size_t mi = 0;
    for (size_t i = 0; i < m; i++)
        if (isfinite(w->lim[i])) {
            it[mi].L = w->lim[i];
            it[mi].w = (double)i; /* the sort carries w along: here the hour */
            mi++;
        }
    headroom_sort_items(it, mi, tmp);
    double *hy = w->hours, *ev = w->events;
    memset(w->rate, 0, 3 * ny * sizeof *w->rate);
    size_t runmax = 0, nover_h = 0, nover_e = 0;
    double He = o->max_events_per_year, Hh = o->max_hours_per_year;
    for (size_t k = 0; k < mi;) {
        double v = it[k].L;
        for (; k < mi && it[k].L == v; k++) {
            size_t t = (size_t)it[k].w;
            size_t left = t > 0 ? len[t - 1] : 0, right = t + 1 < m ? len[t + 1] : 0;
            uint32_t tot = (uint32_t)(left + 1 + right);
            len[t] = tot;
            len[t - left] = tot;
            len[t + right] = tot;
            if (tot > runmax) runmax = tot;
            size_t y = fs->yi[t];
            if (++hy[y] == Hh + 1) nover_h++;
            if (!left && !right) {
                ev_add(ev, y, He, &nover_e, 1);
            } else if (!left) { /* the event after t now starts at t */
                if (fs->yi[t + 1] != y) {
                    ev_add(ev, fs->yi[t + 1], He, &nover_e, -1);
                    ev_add(ev, y, He, &nover_e, 1);
                }
            } else if (right) { /* t joins two events: the later one ends */
                ev_add(ev, fs->yi[t + 1], He, &nover_e, -1);
            }
        }
        if (o->max_event_hours > 0 && runmax > (size_t)o->max_event_hours && isinf(Lc[0])) Lc[0] = v;
        if (o->max_events_per_year > 0 && nover_e > 0 && isinf(Lc[1])) Lc[1] = v;
        if (o->max_hours_per_year > 0 && nover_h > 0 && isinf(Lc[2])) Lc[2] = v;
        if ((o->max_event_hours <= 0 || isfinite(Lc[0])) && (o->max_events_per_year <= 0 || isfinite(Lc[1])) &&
            (o->max_hours_per_year <= 0 || isfinite(Lc[2])))
            break;
    }
    mem_free(it), mem_free(tmp), mem_free(len);
    return HR_OK;
}

/* Exact every-year headroom without storage: the exact solver on each year
 * (hours of a year are contiguous), the smallest over the years. */
static int every_year_exact(const flex_ws *w, const double *b_asc, size_t nb, double *L_out)
{
    const flex_study *fs = w->fs;
    size_t m = fs->m;
    headroom_item *it = mem_array(m ? m : 1, sizeof *it), *tmp = mem_array(m ? m : 1, sizeof *tmp);
    if (!it || !tmp) {
        mem_free(it), mem_free(tmp);
        return err_set(HR_ENOMEM, "headroom: out of memory for %zu hours", m);
    }
    for (size_t j = 0; j < nb; j++) L_out[j] = INFINITY;
    for (size_t a = 0; a < m;) {
        size_t y = fs->yi[a], b = a, k = 0;
        for (; b < m && fs->yi[b] == y; b++)
            if (isfinite(w->lim[b])) {
                it[k].L = w->lim[b];
                it[k].w = fs->s[b] / fs->S[y];
                k++;
            }
        headroom_sort_items(it, k, tmp);
        double Ly[HR_MAX_BUDGETS];
        headroom_solve(it, k, b_asc, nb, Ly);
        for (size_t j = 0; j < nb; j++)
            if (Ly[j] < L_out[j]) L_out[j] = Ly[j];
        a = b;
    }
    mem_free(it), mem_free(tmp);
    return HR_OK;
}

/* ---------------------------------------------------------------- bisection, storage */

static int feasible(flex_ws *w, double k, double b)
{
    if (k <= 0) return 1;
    flex_stats st;
    sim(w, k / 10.0, &st, NULL);
    return broken(w->o, &st, b) == 0;
}

/* Largest k (L = k / 10 MW) in [lo, ...) that keeps every term, with lo
 * known to keep them; INFINITY if L reaches 1e11 MW. */
static double bisect(flex_ws *w, double lo, double b)
{
    double hi = lo > 5 ? 2 * lo : 10;
    for (;;) {
        set_cand(w, hi / 10.0);
        if (!feasible(w, hi, b)) break;
        lo = hi;
        hi *= 2;
        if (hi > 1e12) return INFINITY;
    }
    for (;;) {
        while (hi - lo > 1) {
            double mid = floor((lo + hi) / 2);
            if (feasible(w, mid, b)) lo = mid;
            else hi = mid;
        }
        if (w->o->max_events_per_year <= 0 || lo < 2) return lo;
        /* events are not monotone in L: look below for an earlier failure */
        double bad = -1;
        for (int q = 1; q <= 32 && bad < 0; q++) {
            double kq = floor(lo * q / 33.0);
            if (kq > 0 && !feasible(w, kq, b)) bad = kq;
        }
        if (bad < 0) return lo;
        lo = 0;
        hi = bad;
    }
}

int flex_solve(flex_ctx *wp, const double *b_asc, size_t nb, const double *L_mean, double *L_out, unsigned *binding)
{
    flex_ws w = *wp; /* a copy of the handles: the scratch is shared */
    const hr_assess_opts *o = w.o;
    double Lc[3], Lb[HR_MAX_BUDGETS];
    int rc;
    if ((rc = caps_exact(&w, Lc))) return rc;
    if (o->every_year) {
        if ((rc = every_year_exact(&w, b_asc, nb, Lb))) return rc;
    } else {
        memcpy(Lb, L_mean, nb * sizeof *Lb);
    }
    /* Without storage: the exact limits; they bound the storage search from
     * below (storage never adds curtailment), except for the events cap. */
    double caps = fmin(fmin(floor_tenth(Lc[0]), floor_tenth(Lc[1])), floor_tenth(Lc[2]));
    double prev = 0;
    for (size_t j = 0; j < nb; j++) {
        double L = fmin(headroom_round_down(Lb[j]), caps);
        if (w.cap > 0) {
            double lo = o->max_events_per_year > 0 ? prev : fmax(prev, isfinite(L) ? round(L * 10) : 0);
            double k = bisect(&w, lo, b_asc[j]);
            L = isfinite(k) ? k / 10.0 : INFINITY;
            prev = isfinite(k) ? k : prev;
        }
        L_out[j] = L;
        binding[j] = 0;
        if (isfinite(L)) { /* what 0.1 MW more would break */
            flex_stats st;
            set_cand(&w, L + 0.1 + 1e-9);
            sim(&w, (round(L * 10) + 1) / 10.0, &st, NULL);
            binding[j] = broken(o, &st, b_asc[j]);
        }
    }
    return HR_OK;
}
