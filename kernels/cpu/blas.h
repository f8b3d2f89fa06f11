// Row-major matrix products through OpenBLAS for the CPU fast paths (convolution, linear).
//
//   C [m, n] = alpha * op(A) · op(B) + beta * C, op(A) [m, k], op(B) [k, n]
//
// with each matrix given by a pointer and a leading dimension (the distance between rows), so a
// column block of a bigger matrix (one group of a grouped convolution) is passed without a copy.
//
// Threading: OpenBLAS runs its own threads (OPENBLAS_NUM_THREADS). Call gemm from the calling
// thread with big matrices, never from inside a parallel_for body. OpenBLAS splits the output
// into tiles between its threads and never splits a sum, so a product has the same bits on every
// run with the same thread count.
#pragma once

#include <cblas.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace engine::kernels::cpu::blas {

enum class Transpose { no, yes };

namespace detail {

inline CBLAS_TRANSPOSE to_cblas(Transpose transpose) {
  return transpose == Transpose::yes ? CblasTrans : CblasNoTrans;
}

inline void call(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n, blasint k,
                 float alpha, const float* a, blasint lda, const float* b, blasint ldb, float beta,
                 float* c, blasint ldc) {
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

inline void call(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n, blasint k,
                 double alpha, const double* a, blasint lda, const double* b, blasint ldb,
                 double beta, double* c, blasint ldc) {
  cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace detail

// Empty products (m, n or k of 0) are handled here rather than handed to BLAS, which rejects a
// leading dimension of 0: with k == 0 the product is zero and C becomes beta * C (beta 0 writes
// zeros, never 0 * C, so a NaN-poisoned output is still overwritten).
template <typename T>
void gemm(Transpose transpose_a, Transpose transpose_b, std::int64_t m, std::int64_t n,
          std::int64_t k, T alpha, const T* a, std::int64_t lda, const T* b, std::int64_t ldb,
          T beta, T* c, std::int64_t ldc) {
  for (const std::int64_t extent : {m, n, k, lda, ldb, ldc}) {
    if (extent > std::numeric_limits<blasint>::max()) {
      throw std::length_error("gemm: extent " + std::to_string(extent) +
                              " exceeds the BLAS integer range");
    }
  }
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
      }
    }
    return;
  }
  detail::call(detail::to_cblas(transpose_a), detail::to_cblas(transpose_b),
               static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
               static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
               static_cast<blasint>(ldc));
}

}  // namespace engine::kernels::cpu::blas
