/* linalg.c — the library's only door to BLAS and LAPACK.
 *
 * Exports la_dims_ok (size_t -> BLAS/LAPACK integer range check), BLAS
 * wrappers (la_syrk_t, la_gemv, la_gemm, la_ger, la_trsv_upper, la_dot,
 * la_nrm2) and LAPACKE wrappers (la_potrf_upper, la_trcon_upper,
 * la_trtri_upper, la_larfg, la_ormqr_lt). All data is column-major; LAPACKE
 * is called with LAPACK_COL_MAJOR so no hidden transposes happen. LAPACK's
 * `info` is mapped to HR_EINVAL (illegal argument, < 0), HR_ESINGULAR
 * (numerical failure, > 0) or HR_ENOMEM (LAPACKE workspace).
 */
#include "stats/linalg.h"
#include "util/error.h"
#include <cblas.h>
#include <lapacke.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>

/* OpenBLAS on one thread, set once before the library's first BLAS or
 * LAPACK call: its threads split some sums (dot products, matrix-vector
 * products over rows, ...) into partial sums whose order depends on their
 * number, so results would depend on OPENBLAS_NUM_THREADS and on the
 * cores; the library's own threads (regions, refit blocks, files) do the
 * parallel work. (A process-wide setting of OpenBLAS; it has no per-thread
 * one in the versions we build against.) */
static pthread_once_t one_thread_once = PTHREAD_ONCE_INIT;
static void one_thread_init(void) { openblas_set_num_threads(1); }
static inline void one_thread(void) { pthread_once(&one_thread_once, one_thread_init); }

/* The one place where size_t meets the BLAS/LAPACK integer. blasint and
 * lapack_int are both int32 in Debian's OpenBLAS; take the smaller range. */
#define LA_INT_MAX ((size_t)(sizeof(lapack_int) < sizeof(blasint) \
                    ? (sizeof(lapack_int) == 4 ? INT32_MAX : INT64_MAX) \
                    : (sizeof(blasint) == 4 ? INT32_MAX : INT64_MAX)))

int la_dims_ok(const char *what, size_t k, const size_t *dims)
{
    for (size_t i = 0; i < k; i++)
        if (dims[i] > LA_INT_MAX)
            return err_set(HR_EINVAL, "%s: dimension %zu exceeds the BLAS/LAPACK integer range (%zu)",
                          what, dims[i], LA_INT_MAX);
    return HR_OK;
}

/* Narrowing after the range check (callers checked with la_dims_ok). */
static inline blasint bi(size_t v) { return (blasint)v; }
static inline lapack_int li(size_t v) { return (lapack_int)v; }

static int la_info(const char *fn, lapack_int info)
{
    if (info == 0) return HR_OK;
    if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
        return err_set(HR_ENOMEM, "%s: LAPACKE workspace allocation failed", fn);
    if (info < 0) return err_set(HR_EINVAL, "%s: illegal argument %d", fn, (int)-info);
    return err_set(HR_ESINGULAR, "%s: numerically singular at pivot %d", fn, (int)info);
}

void la_syrk_t(size_t n, size_t p, double alpha, const double *X, size_t ldx,
               double beta, double *G, size_t ldg)
{
    one_thread();
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, bi(p), bi(n), alpha, X, bi(ldx),
                beta, G, bi(ldg));
}

void la_gemv(int trans, size_t m, size_t n, double alpha, const double *A, size_t lda,
             const double *x, double beta, double *y)
{
    one_thread();
    cblas_dgemv(CblasColMajor, trans ? CblasTrans : CblasNoTrans, bi(m), bi(n), alpha, A,
                bi(lda), x, 1, beta, y, 1);
}

void la_gemm(int transa, int transb, size_t m, size_t n, size_t k, double alpha,
             const double *A, size_t lda, const double *B, size_t ldb, double beta,
             double *C, size_t ldc)
{
    one_thread();
    cblas_dgemm(CblasColMajor, transa ? CblasTrans : CblasNoTrans,
                transb ? CblasTrans : CblasNoTrans, bi(m), bi(n), bi(k), alpha, A, bi(lda),
                B, bi(ldb), beta, C, bi(ldc));
}

void la_ger(size_t m, size_t n, double alpha, const double *x, const double *y,
            double *A, size_t lda)
{
    one_thread();
    cblas_dger(CblasColMajor, bi(m), bi(n), alpha, x, 1, y, 1, A, bi(lda));
}

void la_trsv_upper(int trans, size_t n, const double *U, size_t ldu, double *x)
{
    one_thread();
    cblas_dtrsv(CblasColMajor, CblasUpper, trans ? CblasTrans : CblasNoTrans, CblasNonUnit,
                bi(n), U, bi(ldu), x, 1);
}

double la_dot(size_t n, const double *x, const double *y)
{
    one_thread();
    return cblas_ddot(bi(n), x, 1, y, 1);
}

double la_nrm2(size_t n, const double *x)
{
    one_thread();
    return cblas_dnrm2(bi(n), x, 1);
}

int la_potrf_upper(size_t p, double *A, size_t lda)
{
    one_thread();
    return la_info("dpotrf", LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', li(p), A, li(lda)));
}

int la_trcon_upper(size_t p, const double *U, size_t ldu, double *rcond)
{
    one_thread();
    return la_info("dtrcon", LAPACKE_dtrcon(LAPACK_COL_MAJOR, '1', 'U', 'N', li(p), U,
                                            li(ldu), rcond));
}

int la_trtri_upper(size_t p, double *U, size_t ldu)
{
    one_thread();
    return la_info("dtrtri", LAPACKE_dtrtri(LAPACK_COL_MAJOR, 'U', 'N', li(p), U, li(ldu)));
}

void la_larfg(size_t n, double *alpha, double *x, double *tau)
{
    one_thread();
    LAPACKE_dlarfg(li(n), alpha, x, 1, tau);
}

int la_ormqr_lt(size_t m, size_t nc, size_t k, double *A, size_t lda,
                const double *tau, double *C, size_t ldc)
{
    one_thread();
    if (k == 0 || nc == 0) return HR_OK;
    return la_info("dormqr", LAPACKE_dormqr(LAPACK_COL_MAJOR, 'L', 'T', li(m), li(nc), li(k),
                                            A, li(lda), tau, C, li(ldc)));
}
