/* linalg.h — thin, checked wrappers over BLAS (cblas) and LAPACKE (private).
 *
 * linalg.c is the only file of the library that includes cblas.h and
 * lapacke.h. Every matrix here is column-major with an explicit leading
 * dimension (ld >= rows); sizes are size_t and are converted to the BLAS /
 * LAPACK integer type in one place (la_dims_ok), which is what the
 * functions returning int check first. Functions returning void are kernels
 * called with already-validated sizes (a caller that checked la_dims_ok for
 * the largest dimension and leading dimension it uses).
 *
 * Status: HR_OK, HR_EINVAL (a size does not fit the LAPACK integer, or
 * LAPACK reported an illegal argument), HR_ESINGULAR (a factorisation hit a
 * zero / non-positive pivot), HR_ENOMEM (LAPACKE workspace allocation).
 */
#ifndef HR_LINALG_H
#define HR_LINALG_H
#include <stddef.h>

/* HR_OK if each of the k sizes fits the LAPACK / BLAS integer (int32 in the
 * usual OpenBLAS build), else HR_EINVAL with a message naming what. */
int la_dims_ok(const char *what, size_t k, const size_t *dims);

/* ---- BLAS ---------------------------------------------------------------- */
/* Upper triangle of G (p x p, ldg) = alpha * X'X + beta * G, X n x p. (dsyrk) */
void la_syrk_t(size_t n, size_t p, double alpha, const double *X, size_t ldx,
               double beta, double *G, size_t ldg);
/* y = alpha * op(A) x + beta * y, A m x n; trans != 0 means op(A) = A'. */
void la_gemv(int trans, size_t m, size_t n, double alpha, const double *A, size_t lda,
             const double *x, double beta, double *y);
/* C (m x n) = alpha op(A) op(B) + beta C; op(A) is m x k. */
void la_gemm(int transa, int transb, size_t m, size_t n, size_t k, double alpha,
             const double *A, size_t lda, const double *B, size_t ldb, double beta,
             double *C, size_t ldc);
/* A (m x n) += alpha x y'. (dger) */
void la_ger(size_t m, size_t n, double alpha, const double *x, const double *y,
            double *A, size_t lda);
/* Solve op(U) x = b in place (x holds b on entry), U upper n x n. (dtrsv) */
void la_trsv_upper(int trans, size_t n, const double *U, size_t ldu, double *x);
double la_dot(size_t n, const double *x, const double *y);
/* Euclidean norm without overflow (dnrm2). */
double la_nrm2(size_t n, const double *x);

/* ---- LAPACK -------------------------------------------------------------- */
/* Cholesky A = U'U of the upper triangle (dpotrf). HR_ESINGULAR when A is
 * not numerically positive definite. */
int la_potrf_upper(size_t p, double *A, size_t lda);
/* Reciprocal condition number (1-norm estimate) of upper triangular U (dtrcon). */
int la_trcon_upper(size_t p, const double *U, size_t ldu, double *rcond);
/* Inverse of upper triangular U in place (dtrtri). HR_ESINGULAR on a zero diagonal. */
int la_trtri_upper(size_t p, double *U, size_t ldu);
/* Householder reflector H = I - tau v v' with H [alpha; x] = [beta; 0] (dlarfg):
 * on return *alpha = beta, x = v(2:n) (v(1) = 1 implicit). */
void la_larfg(size_t n, double *alpha, double *x, double *tau);
/* C := Q' C (left, transposed) with Q = H(1)...H(k) stored below the diagonal
 * of A (m x k, lda) as dgeqrf/la_larfg leave it; C is m x nc. (dormqr;
 * LAPACK writes the diagonal of A temporarily and restores it.) */
int la_ormqr_lt(size_t m, size_t nc, size_t k, double *A, size_t lda,
                const double *tau, double *C, size_t ldc);

#endif
