/* test_linalg.c — the BLAS/LAPACK wrappers against hand computations and a
 * brute-force triple loop written here. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "helpers.h"
#include "util/error.h"
#include "stats/linalg.h"

Test(linalg, dims_beyond_lapack_int_are_rejected)
{
    size_t ok[2] = { 1000, 2147483647u };
    cr_assert_eq(la_dims_ok("t", 2, ok), HR_OK);
    size_t big[1] = { (size_t)1 << 31 }; /* INT32_MAX + 1: the usual OpenBLAS integer */
    if (sizeof(int) == 4) {
        cr_assert_eq(la_dims_ok("design", 1, big), HR_EINVAL);
        cr_assert(strstr(hr_last_error(), "design: dimension 2147483648"), "%s", hr_last_error());
    }
}

Test(linalg, syrk_matches_triple_loop)
{
    enum { n = 37, p = 5 };
    double X[n * p], G[p * p];
    for (int i = 0; i < n * p; i++) X[i] = sin(0.37 * i) + (i % 7) * 0.1;
    la_syrk_t(n, p, 1.0, X, n, 0.0, G, p);
    for (int a = 0; a < p; a++)
        for (int b = a; b < p; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += X[i + a * n] * X[i + b * n];
            cr_assert(fabs(G[a + b * p] - s) <= 1e-13 * (1 + fabs(s)), "G[%d,%d]", a, b); /* rounding only */
        }
}

/* [[4,2],[2,3]] = U'U with U = [[2,1],[0,sqrt 2]] (by hand). */
Test(linalg, cholesky_by_hand_and_singular)
{
    double A[4] = { 4, 2, 2, 3 };
    cr_assert_eq(la_potrf_upper(2, A, 2), HR_OK);
    cr_assert(fabs(A[0] - 2) < 1e-15 && fabs(A[2] - 1) < 1e-15 && fabs(A[3] - sqrt(2.0)) < 1e-15);
    double B[4] = { 1, 2, 2, 1 }; /* eigenvalues 3 and -1 */
    cr_assert_eq(la_potrf_upper(2, B, 2), HR_ESINGULAR);
    /* inverse of U = [[2,1],[0,sqrt2]] is [[1/2, -1/(2 sqrt2)],[0, 1/sqrt2]] */
    cr_assert_eq(la_trtri_upper(2, A, 2), HR_OK);
    cr_assert(fabs(A[0] - 0.5) < 1e-15 && fabs(A[2] + 1 / (2 * sqrt(2.0))) < 1e-15 &&
              fabs(A[3] - 1 / sqrt(2.0)) < 1e-15);
    double I[4] = { 1, 0, 0, 1 }, rc = 0;
    cr_assert_eq(la_trcon_upper(2, I, 2, &rc), HR_OK);
    cr_assert(fabs(rc - 1) < 1e-15);
    double Z[4] = { 1, 0, 5, 0 };
    cr_assert_eq(la_trtri_upper(2, Z, 2), HR_ESINGULAR);
}

/* dlarfg on (3, 4): beta = -5, tau = (beta - alpha)/beta = 1.6,
 * v = (1, 4 / (3 + 5)) = (1, 0.5); H (3,4)' = (-5, 0)'. */
Test(linalg, householder_by_hand)
{
    double A[2] = { 3, 4 }, tau;
    double alpha = A[0];
    la_larfg(2, &alpha, A + 1, &tau);
    cr_assert(fabs(alpha + 5) < 1e-15 && fabs(tau - 1.6) < 1e-15 && fabs(A[1] - 0.5) < 1e-15);
    A[0] = alpha; /* as dgeqrf stores it: R on the diagonal, v below */
    double c[2] = { 3, 4 }, d[2] = { -4, 3 };
    cr_assert_eq(la_ormqr_lt(2, 1, 1, A, 2, &tau, c, 2), HR_OK);
    cr_assert(fabs(c[0] + 5) < 1e-14 && fabs(c[1]) < 1e-14, "Q'(3,4) = (%g, %g)", c[0], c[1]);
    cr_assert_eq(la_ormqr_lt(2, 1, 1, A, 2, &tau, d, 2), HR_OK);
    cr_assert(fabs(fabs(d[1]) - 5) < 1e-14 && fabs(d[0]) < 1e-14, "orthogonal vector keeps its norm");
    cr_assert_eq(A[0], -5.0, "dormqr restores the diagonal it borrows");
}

Test(linalg, gemv_gemm_ger_trsv_small)
{
    double A[6] = { 1, 2, 3, 4, 5, 6 }; /* 2 x 3: [[1,3,5],[2,4,6]] */
    double x[3] = { 1, 1, 1 }, y[2] = { 0, 0 }, z[3];
    la_gemv(0, 2, 3, 1.0, A, 2, x, 0.0, y);
    cr_assert(y[0] == 9 && y[1] == 12);
    la_gemv(1, 2, 3, 1.0, A, 2, y, 0.0, z); /* A'(9,12) = (33, 75, 117) */
    cr_assert(z[0] == 33 && z[1] == 75 && z[2] == 117);
    double C[4];
    la_gemm(0, 1, 2, 2, 3, 1.0, A, 2, A, 2, 0.0, C, 2); /* AA' = [[35,44],[44,56]] */
    cr_assert(C[0] == 35 && C[1] == 44 && C[2] == 44 && C[3] == 56);
    double u[2] = { 1, 2 }, v[3] = { 1, 0, -1 };
    la_ger(2, 3, 2.0, u, v, A, 2); /* + 2 u v' */
    cr_assert(A[0] == 3 && A[1] == 6 && A[2] == 3 && A[3] == 4 && A[4] == 3 && A[5] == 2);
    double U[4] = { 2, 0, 1, 4 }, b[2] = { 4, 8 }; /* [[2,1],[0,4]] x = (4,8) -> x = (1, 2) */
    la_trsv_upper(0, 2, U, 2, b);
    cr_assert(b[0] == 1 && b[1] == 2);
    cr_assert(la_dot(2, u, u) == 5 && fabs(la_nrm2(2, u) - sqrt(5.0)) < 1e-15);
}
