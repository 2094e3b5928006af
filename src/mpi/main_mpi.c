/* main_mpi.c — `headroom-mpi report -o DIR [options] FILE...` under
 * `mpirun -np N`: the report of `headroom report` with the regions split
 * over the N processes (built by `make mpi` with mpicc; the library itself
 * has no MPI in it).
 *
 * Every rank parses the same command line and reads the same inputs (the
 * files must be visible at the same paths on every node), computes every
 * N-th region (longest first) with -j threads, and sends its results to
 * rank 0 as one byte buffer; rank 0 writes DIR as one process would, byte
 * for byte apart from the run time and timings (src/report/batch.h). The ranks must
 * run the same binary on the same architecture. Exit status: rank 0's on
 * every rank; only rank 0 prints the run's error, progress and warnings. */
#include "report/batch.h"
#include "cli.h"
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TAG_LEN = 1, TAG_DATA = 2 };
/* MPI counts are ints: buffers go in pieces of at most 1 GiB. */
#define CHUNK ((size_t)1 << 30)

/* The CLI's messages (cli.h): printed by rank 0 only, every rank parses
 * the same command line. */
const char *cli_prog(void) { return "headroom-mpi"; }
int cli_prints(void)
{
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r == 0;
}

typedef struct {
    int rank, size;
    int status; /* rank 0's status of the run, known to every rank */
} mpi_ctx;

/* batch_dist.gather over point-to-point messages: each rank > 0 sends its
 * length then its bytes; rank 0 receives the ranks in order (so take()
 * sees them in rank order) and hands each buffer to take. */
static int gather(void *ud, const void *buf, size_t len, batch_take_fn take, void *tctx)
{
    const mpi_ctx *c = ud;
    if (c->rank > 0) {
        unsigned long long n = len;
        MPI_Send(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, TAG_LEN, MPI_COMM_WORLD);
        for (size_t off = 0; off < len; off += CHUNK) {
            size_t k = len - off < CHUNK ? len - off : CHUNK;
            MPI_Send((const char *)buf + off, (int)k, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
        }
        return 0;
    }
    int st = 0;
    for (int r = 1; r < c->size; r++) {
        unsigned long long n = 0;
        MPI_Recv(&n, 1, MPI_UNSIGNED_LONG_LONG, r, TAG_LEN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        char *p = malloc(n ? (size_t)n : 1);
        if (!p) {
            /* a sender blocks until it is received: stop the job */
            fprintf(stderr, "headroom-mpi: out of memory for %llu bytes from rank %d\n", n, r);
            MPI_Abort(MPI_COMM_WORLD, EXIT_FAIL);
        }
        for (size_t off = 0; off < n; off += CHUNK) {
            size_t k = (size_t)n - off < CHUNK ? (size_t)n - off : CHUNK;
            MPI_Recv(p + off, (int)k, MPI_BYTE, r, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        /* after a failure keep receiving, so that every sender returns */
        if (!st && take) st = take(tctx, p, (size_t)n);
        free(p);
    }
    return st;
}

static int run_mpi(const char *const *paths, size_t npaths, const hr_report_opts *o,
                   const char *outdir, void *ud)
{
    mpi_ctx *c = ud;
    hr_report_opts ro = *o;
    if (c->rank > 0) { /* rank 0 logs every region's warnings, in order */
        ro.progress = NULL;
        ro.fit.log = NULL;
        ro.ingest.log = NULL;
    }
    batch_dist d = {c->rank, c->size, gather, c};
    int st = batch_report(paths, npaths, &ro, outdir, &d);
    /* A failure on rank k > 0 reached rank 0 through its buffer. */
    c->status = st;
    MPI_Bcast(&c->status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return c->rank > 0 ? 0 : st;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    mpi_ctx c = {0, 1, 0};
    MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c.size);
    int rc;
    if (cli_check_version()) {
        rc = EXIT_FAIL;
    } else if (argc >= 2 && !strcmp(argv[1], "--version")) {
        if (c.rank == 0) printf("headroom-mpi %s\n", hr_version());
        rc = EXIT_OK;
    } else if (argc < 2 || strcmp(argv[1], "report") != 0) {
        if (c.rank == 0)
            fputs("usage: mpirun -np N headroom-mpi report -o DIR [options] FILE...\n"
                  "(the options of `headroom report --help`; regions are split over the N ranks)\n",
                  stderr);
        rc = EXIT_USAGE;
    } else {
        rc = cmd_report_with(argc - 1, argv + 1, run_mpi, &c);
        if (rc == EXIT_OK && c.status) rc = EXIT_FAIL;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) rc = EXIT_FAIL;
    MPI_Finalize();
    return rc;
}
