/* batch.h — the report driver split over several processes (private).
 *
 * hr_report runs every region in one process. batch_report is the same run
 * with a hook for a distributed front end (src/mpi/main_mpi.c): process
 * `rank` of `size` computes every size-th region (longest first, so the
 * ranks get similar loads), packs its results into one byte buffer and hands
 * it to d->gather; rank 0 unpacks the other ranks' buffers into its own
 * table and writes the report exactly as one process does (same regions,
 * same values bit for bit: doubles travel as raw bytes). The library itself
 * knows nothing of MPI: the transport is the hook's business.
 *
 * Every process must read the same inputs with the same options and be the
 * same build on the same architecture (the buffers are raw structs). */
#ifndef HR_BATCH_H
#define HR_BATCH_H
#include "headroom.h"
#include <stddef.h>

/* The hook on rank 0 passes each other rank's buffer to take(); the
 * library copies what it needs before take returns. */
typedef int (*batch_take_fn)(void *tctx, const void *buf, size_t len);

typedef struct {
    int rank, size; /* 0 <= rank < size */
    /* Collective, called once by every rank (also after a failure, so that
     * no rank waits forever): ranks > 0 pass their buffer (buf, len); rank 0
     * passes buf = NULL and must receive the buffer of every rank
     * 1..size-1 and hand it, in rank order, to take(tctx, ...); after take
     * fails, or when take is NULL (rank 0 itself failed), it still receives
     * the rest so that no sender waits forever, and returns take's first
     * nonzero status. Returns 0 or an HR_* status (the transport failed:
     * set err_set). */
    int (*gather)(void *ud, const void *buf, size_t len, batch_take_fn take, void *tctx);
    void *ud;
} batch_dist;

/* hr_report with d = NULL; with d, the split run above: rank 0 writes
 * outdir and returns the run's status; the other ranks write nothing and
 * return their own status (0 once their buffer went to the hook). */
int batch_report(const char *const *paths, size_t npaths, const hr_report_opts *o,
                 const char *outdir, const batch_dist *d);
#endif
