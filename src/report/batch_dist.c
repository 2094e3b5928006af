/* batch_dist.c — results of other processes (batch_report with a
 * batch_dist). A rank's buffer: a header, then per region its index, a flag for the
 * forecast arrays, the region_out as raw bytes and the forecast arrays.
 * Raw bytes keep every double bit-identical; the pointers inside the
 * region_out are the sender's and are set again by rebind(). */
#include "ingest/series.h"
#include "report/batch_int.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/textbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
enum { PACK_MAGIC = 0x48524231 /* "HRB1" */ };
typedef struct {
    uint32_t magic;
    int32_t status;       /* the rank's status; nonzero: no records follow */
    uint64_t nrec;
    uint64_t rec_size;    /* sizeof(region_out): the same build on every rank */
    uint64_t h;           /* forecast_hours: the same options on every rank */
    char err[320];        /* hr_last_error() of a failed rank */
} pack_head;
typedef struct {
    uint64_t index;       /* region index in the series */
    uint64_t has_fc;      /* 1: fmean[h], flo[2h], fhi[2h] follow */
} pack_rec;

/* This rank's regions (B->order[0..n)) into *b. */
static int pack_regions(const batch *B, textbuf *b)
{
    size_t h = B->o->forecast_hours;
    pack_head hd = {PACK_MAGIC, 0, B->n, sizeof(region_out), h, ""};
    tb_putn(b, &hd, sizeof hd);
    for (size_t j = 0; !b->oom && j < B->n; j++) {
        const region_out *R = &B->out[B->order[j]];
        pack_rec rc = {B->order[j], R->fmean && R->flo && R->fhi};
        tb_putn(b, &rc, sizeof rc);
        tb_putn(b, R, sizeof *R);
        if (rc.has_fc) {
            tb_putn(b, R->fmean, h * sizeof(double));
            tb_putn(b, R->flo, 2 * h * sizeof(double));
            tb_putn(b, R->fhi, 2 * h * sizeof(double));
        }
    }
    return b->oom ? err_set(HR_ENOMEM, "out of memory") : HR_OK;
}

/* Point the report_region of a received region_out at its own arrays
 * again: a pointer the sender had set (non-NULL) is set here, one it had
 * left NULL stays NULL, exactly as do_region leaves them. Every pointer of
 * region_out is handled here. */
static void rebind(region_out *R, const series_region *r, size_t h)
{
    report_region *q = &R->rr;
    q->name = r->name;
    q->note = NULL; /* never set by do_region */
    if (q->ldc_pct) q->ldc_pct = R->ldc;
    if (q->curve_mw) q->curve_mw = R->a.curve_added_mw;
    if (q->curve_rate_pct) q->curve_rate_pct = R->a.curve_rate_pct;
    if (q->heatmap) q->heatmap = R->heat;
    if (q->heatmap_tz) q->heatmap_tz = R->heat_tz;
    report_forecast *f = &q->forecast;
    if (f->mean) {
        f->mean = R->fmean;
        f->lo80 = R->flo, f->hi80 = R->fhi;
        f->lo95 = R->flo + h, f->hi95 = R->fhi + h;
    }
    if (f->history) f->history = R->hist;
    if (q->backtest) q->backtest = R->bt;
    for (size_t k = 0; k < MAXBT; k++)
        if (R->bt[k].model) R->bt[k].model = R->bt_names[k];
    if (q->headroom) q->headroom = R->hr;
    for (size_t k = 0; k < HR_MAX_FUELS; k++)
        if (R->fuel_names[k]) R->fuel_names[k] = R->gm.fuel[k];
    if (q->genmix.fuel) q->genmix.fuel = R->fuel_names;
    if (q->genmix.share_pct) q->genmix.share_pct = R->gm_share;
    if (q->genmix.share_curtailed_pct) q->genmix.share_curtailed_pct = R->gm_cur;
}

int batch_take_regions(void *tctx, const void *buf, size_t len)
{
    take_ctx *c = tctx;
    int from = ++c->from;
    const unsigned char *p = buf, *end = p + len;
    pack_head hd;
    if (!buf || len < sizeof hd) return err_set(HR_EIO, "rank %d: truncated results", from);
    memcpy(&hd, p, sizeof hd);
    p += sizeof hd;
    hd.err[sizeof hd.err - 1] = 0;
    if (hd.magic != PACK_MAGIC || hd.rec_size != sizeof(region_out))
        return err_set(HR_EIO, "rank %d: results of another build", from);
    if (hd.status) return err_set(hd.status, "rank %d: %s", from, hd.err);
    size_t h = c->B->o->forecast_hours;
    if (hd.h != h) return err_set(HR_EIO, "rank %d: results for other options", from);
    for (uint64_t k = 0; k < hd.nrec; k++) {
        pack_rec rc;
        if ((size_t)(end - p) < sizeof rc + sizeof(region_out))
            return err_set(HR_EIO, "rank %d: truncated results", from);
        memcpy(&rc, p, sizeof rc);
        p += sizeof rc;
        if (rc.index >= c->nreg || c->B->out[rc.index].rr.name)
            return err_set(HR_EIO, "rank %d: bad or repeated region index", from);
        region_out *R = &c->B->out[rc.index];
        memcpy(R, p, sizeof *R);
        p += sizeof *R;
        R->fmean = R->flo = R->fhi = NULL;
        if (rc.has_fc) {
            size_t nb = 5 * h * sizeof(double);
            if (h > SIZE_MAX / (5 * sizeof(double)) || (size_t)(end - p) < nb) {
                memset(R, 0, sizeof *R);
                return err_set(HR_EIO, "rank %d: truncated results", from);
            }
            R->fmean = mem_array(h, sizeof(double));
            R->flo = mem_array(2 * h, sizeof(double));
            R->fhi = mem_array(2 * h, sizeof(double));
            if (!R->fmean || !R->flo || !R->fhi) {
                /* name set, so batch_report frees them */
                R->rr.name = c->B->s->reg[rc.index].name;
                return err_set(HR_ENOMEM, "out of memory");
            }
            memcpy(R->fmean, p, h * sizeof(double));
            memcpy(R->flo, p + h * sizeof(double), 2 * h * sizeof(double));
            memcpy(R->fhi, p + 3 * h * sizeof(double), 2 * h * sizeof(double));
            p += nb;
        }
        rebind(R, &c->B->s->reg[rc.index], h);
    }
    if (p != end) return err_set(HR_EIO, "rank %d: trailing bytes in results", from);
    return HR_OK;
}

int batch_send_results(const batch_dist *d, const batch *B, int st)
{
    textbuf b = {0};
    if (!st) st = pack_regions(B, &b);
    int gs;
    if (st) {
        pack_head hd = {PACK_MAGIC, st, 0, sizeof(region_out), B->o->forecast_hours, ""};
        snprintf(hd.err, sizeof hd.err, "%s", hr_last_error());
        gs = d->gather(d->ud, &hd, sizeof hd, NULL, NULL);
    } else
        gs = d->gather(d->ud, b.p, b.len, NULL, NULL);
    tb_free(&b);
    return st ? st : gs;
}
