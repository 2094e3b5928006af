/* batch_int.h — what the report driver's files share (private to
 * src/report): batch.c (options, the run, rendering), batch_region.c (the
 * stages of one region on a worker thread), batch_dist.c (results of other
 * processes under a batch_dist). */
#ifndef HR_BATCH_INT_H
#define HR_BATCH_INT_H
#include "report/batch.h"
#include "report/report.h"
#include "time/calendar.h"
#include <pthread.h>

enum { NLDC = 200, NHIST = 168, MAXBT = 8 };

/* The per-region stages, timed apart (wall and thread CPU seconds). */
enum { ST_ASSESS, ST_BACKTEST, ST_FORECAST, ST_SCEN, NSTAGES };

typedef struct {
    double wall, cpu;
} stamp;

static inline stamp stamp_now(void) { return (stamp){cal_monotonic_seconds(), cal_thread_cpu_seconds()}; }


/* Everything computed for one region; owns the arrays report_region borrows.
 * Another rank's region_out arrives as raw bytes: a new pointer field must
 * be set again in rebind(). */
typedef struct {
    report_region rr;
    hr_assessment a;
    double ldc[NLDC];
    double heat[HR_MAX_BUDGETS * 24 * 12];
    char heat_tz[64];
    report_headroom hr[HR_MAX_BUDGETS];
    report_backtest bt[MAXBT];
    char bt_names[MAXBT][48];
    double *fmean, *flo, *fhi, hist[NHIST];
    hr_genmix gm;
    const char *fuel_names[HR_MAX_FUELS];
    double gm_share[HR_MAX_FUELS], gm_cur[HR_MAX_FUELS];
    char warn[3][320];
    char note[320]; /* the forecast model's fallback, logged after the join */
    double wall[NSTAGES], cpu[NSTAGES]; /* seconds per stage */
    hr_assessment ac;    /* the headroom under the contract terms */
    char check[2][200];  /* data checks (a threshold set by a spike): not failures */
} region_out;

typedef struct {
    const hr_series *s;
    const hr_report_opts *o;
    region_out *out;
    size_t *order;           /* regions in the order workers take them */
    size_t n, next, done;  /* n: regions of this process, in order[0..n) */
    int rank_budget;       /* index of the budget that ranks the regions */
    pthread_mutex_t lock;
} batch;

/* Worker thread: takes regions of B in turn until none is left. */
void *batch_worker(void *arg);

/* ---- results of other processes (batch_dist.c) */
typedef struct {
    batch *B;
    size_t nreg;
    int from; /* rank of the next buffer */
} take_ctx;
/* batch_take_fn: one other rank's buffer into B->out. */
int batch_take_regions(void *tctx, const void *buf, size_t len);
/* A rank > 0: hand this rank's results (or its failure, st) to the hook. */
int batch_send_results(const batch_dist *d, const batch *B, int st);
#endif
