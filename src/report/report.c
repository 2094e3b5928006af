/* report.c — report_write (report.h): the output half of `headroom
 * report`. It checks the per-region results, ranks the regions, renders
 * index.html, regions.csv, regions.json and run.json in memory (render.h
 * lists the files that do each) and hands them to outdir.c, which swaps
 * the new directory in atomically.
 *
 * Why things are done this way:
 *  - All text is built in memory first, so nothing touches the disk until
 *    every input has been hashed and every page rendered.
 *  - Numbers are formatted under a thread-local "C" locale (newlocale +
 *    uselocale); the library never calls setlocale.
 *  - Region names are arbitrary bytes from input files: invalid UTF-8 is
 *    replaced by U+FFFD before HTML/JSON escaping so the outputs always
 *    parse (util/textbuf.c). */
#include "report/render.h"
#include "time/calendar.h"
#include "util/error.h"
#include "util/mem.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double v;
    const char *name;
    size_t i;
} rank_key;

static int rank_cmp(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    int fa = isfinite(x->v), fb = isfinite(y->v);
    if (fa != fb) return fb - fa; /* NaN last */
    if (fa && x->v != y->v) return x->v > y->v ? -1 : 1;
    int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
    if (c) return c;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int validate(const report_region *rg, size_t n, const report_run *run, int rb, size_t *nb_out,
                    size_t *ref_out)
{
    if (n && !rg) return err_set(HR_EINVAL, "report_write: regions is NULL");
    if (run->ninputs && !run->inputs) return err_set(HR_EINVAL, "report_write: inputs is NULL");
    if (run->ntimings && !run->timings) return err_set(HR_EINVAL, "report_write: timings is NULL");
    if (run->nwarnings && !run->warnings) return err_set(HR_EINVAL, "report_write: warnings is NULL");
    if (run->ndata_warnings && !run->data_warnings) return err_set(HR_EINVAL, "report_write: data_warnings is NULL");
    for (size_t i = 0; i < run->ninputs; i++)
        if (!run->inputs[i]) return err_set(HR_EINVAL, "report_write: input %zu is NULL", i);
    /* The budget list comes from the first region that has one; a region
     * without budgets (its headroom failed) is allowed and ranked last. */
    size_t nb = 0, ref = 0;
    for (size_t i = 0; i < n && nb == 0; i++)
        if (rg[i].nbudgets) nb = rg[i].nbudgets, ref = i;
    for (size_t i = 0; i < n; i++) {
        const report_region *r = &rg[i];
        const char *nm = r->name ? r->name : "(null)";
        if (!r->name) return err_set(HR_EINVAL, "report_write: region %zu has no name", i);
        if (r->nbudgets && r->nbudgets != nb)
            return err_set(HR_EINVAL, "report_write: region '%s' has %zu budgets, region '%s' has %zu", nm,
                          r->nbudgets, rg[ref].name, nb);
        if (r->nbudgets && !r->headroom)
            return err_set(HR_EINVAL, "report_write: region '%s': headroom is NULL", nm);
        for (size_t j = 0; j < r->nbudgets; j++)
            if (!(r->headroom[j].budget_pct == rg[ref].headroom[j].budget_pct))
                return err_set(HR_EINVAL, "report_write: region '%s': budget %zu differs from region '%s'", nm,
                              j, rg[ref].name);
        if ((r->ncurve && (!r->curve_mw || !r->curve_rate_pct)) || (r->nldc && !r->ldc_pct) ||
            (r->nbacktest && !r->backtest))
            return err_set(HR_EINVAL, "report_write: region '%s': an array with a nonzero count is NULL", nm);
        if (r->genmix.nfuels && (!r->genmix.fuel || !r->genmix.share_pct))
            return err_set(HR_EINVAL, "report_write: region '%s': genmix arrays are NULL", nm);
        for (size_t j = 0; j < r->genmix.nfuels; j++)
            if (!r->genmix.fuel[j]) return err_set(HR_EINVAL, "report_write: region '%s': fuel name NULL", nm);
    }
    if (nb && (rb < 0 || (size_t)rb >= nb))
        return err_set(HR_EINVAL, "report_write: rank budget index %d out of range (0..%zu)", rb, nb - 1);
    *nb_out = nb;
    *ref_out = ref;
    return HR_OK;
}

/* Regions in rank order: descending headroom at budget rb, NaN last, ties
 * by name, then by input order. */
static int rank_regions(const report_region *rg, size_t n, size_t nb, size_t rb, int by_contract, size_t *order)
{
    rank_key *keys = mem_array(n ? n : 1, sizeof *keys);
    if (!keys) return err_set(HR_ENOMEM, "report_write: out of memory");
    for (size_t i = 0; i < n; i++) {
        keys[i].v = !nb ? NAN : by_contract ? rg[i].contract_mw : hrow(&rg[i], rb)->headroom_mw;
        keys[i].name = rg[i].name;
        keys[i].i = i;
    }
    if (n) qsort(keys, n, sizeof *keys, rank_cmp);
    for (size_t i = 0; i < n; i++) order[i] = keys[i].i;
    mem_free(keys);
    return HR_OK;
}

/* within[i]: the region whose name is a prefix of rg[i]'s followed by a
 * separator ("PJM" holds "PJM-DOM", "ERCO" holds "ERCO-COAS"), the longest
 * such when several are; (size_t)-1 for none. EIA-930 and ISO files name
 * zones this way; two regions that nest overlap in load and headroom. */
static void find_nesting(const report_region *rg, size_t n, size_t *within)
{
    for (size_t i = 0; i < n; i++) {
        within[i] = (size_t)-1;
        size_t best = 0;
        for (size_t p = 0; p < n; p++) {
            size_t lp = strlen(rg[p].name);
            if (p == i || lp == 0 || lp <= best || strncmp(rg[i].name, rg[p].name, lp) != 0) continue;
            char sep = rg[i].name[lp];
            if (sep && strchr("-_ ./:", sep)) within[i] = p, best = lp;
        }
    }
}

/* The work of report_write, run with the "C" numeric locale installed. */
static int write_locked(const char *dir_in, const report_region *rg, size_t n, const report_run *run, int rbi)
{
    double t_start = cal_monotonic_seconds(), c_start = cal_thread_cpu_seconds();
    size_t nb = 0, ref = 0;
    int rc = validate(rg, n, run, rbi, &nb, &ref);
    if (rc) return rc;

    /* Normalise dir: drop trailing slashes. */
    size_t dl = strlen(dir_in);
    while (dl > 1 && dir_in[dl - 1] == '/') dl--;
    if (dl == 0 || (dl == 1 && dir_in[0] == '/'))
        return err_set(HR_EINVAL, "report_write: '%s' is not a usable output directory", dir_in);
    size_t ni = run->ninputs ? run->ninputs : 1;
    char *dir = mem_alloc(dl + 1);
    size_t *order = mem_array(n ? n : 1, sizeof *order);
    double *budgets = mem_array(nb ? nb : 1, sizeof *budgets);
    char(*hex)[65] = mem_array(ni, sizeof *hex);
    const char **hexp = mem_array(ni, sizeof *hexp);
    uint64_t *sizes = mem_array(ni, sizeof *sizes);
    size_t *within = mem_array(n ? n : 1, sizeof *within);
    textbuf out[REPORT_NFILES];
    memset(out, 0, sizeof out);
    model_list ml = {NULL, 0};
    if (!dir || !order || !budgets || !hex || !hexp || !sizes || !within || !collect_models(rg, n, &ml)) {
        rc = err_set(HR_ENOMEM, "report_write: out of memory");
        goto done;
    }
    memcpy(dir, dir_in, dl);
    dir[dl] = '\0';
    rc = outdir_check(dir);
    if (rc) goto done;

    /* Hash the inputs before anything is written. */
    for (size_t i = 0; i < run->ninputs; i++) {
        rc = report_sha256_file_size(run->inputs[i], hex[i], &sizes[i]);
        if (rc) goto done;
        hexp[i] = hex[i];
    }
    size_t rb = nb ? (size_t)rbi : 0;
    rc = rank_regions(rg, n, nb, rb, run->rank_by_contract, order);
    if (rc) goto done;
    for (size_t j = 0; j < nb; j++) budgets[j] = rg[ref].headroom[j].budget_pct;

    find_nesting(rg, n, within);
    report_ctx c = {rg, n, order, nb, budgets, rb, run, hexp, sizes,
                    run->version ? run->version : hr_version(), within};
    render_html(&out[0], &c);
    render_csv(&out[1], &c, &ml);
    render_json(&out[2], &c, &ml);
    report_timing tr = {"render", cal_monotonic_seconds() - t_start, cal_thread_cpu_seconds() - c_start, 0};
    render_runjson(&out[3], &c, &tr);
    for (int k = 0; k < REPORT_NFILES; k++)
        if (out[k].oom) {
            rc = err_set(HR_ENOMEM, "report_write: out of memory while rendering %s", REPORT_FILES[k]);
            goto done;
        }
    rc = outdir_replace(dir, out, run->fail_after_files);

done:
    for (int k = 0; k < REPORT_NFILES; k++) tb_free(&out[k]);
    mem_free(ml.name);
    mem_free(dir);
    mem_free(order);
    mem_free(budgets);
    mem_free(hex);
    mem_free(hexp);
    mem_free(sizes);
    mem_free(within);
    return rc;
}

int report_write(const char *dir, const report_region *regions, size_t n, const report_run *run,
                 int rank_budget_index)
{
    err_clear();
    if (!dir || !run) return err_set(HR_EINVAL, "report_write: NULL argument");
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c) return err_set(HR_ENOMEM, "report_write: cannot create the C locale");
    locale_t old = uselocale(c);
    int rc = write_locked(dir, regions, n, run, rank_budget_index);
    uselocale(old);
    freelocale(c);
    return rc;
}
