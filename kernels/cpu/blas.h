// Row-major matrix products through OpenBLAS for the CPU fast paths (convolution, linear).
//
//   C [m, n] = alpha * op(A) · op(B) + beta * C, op(A) [m, k], op(B) [k, n]
//
// with each matrix given by a pointer and a leading dimension (the distance between rows), so a
// column block of a bigger matrix (one group of a grouped convolution) is passed without a copy.
//
// Threading: OpenBLAS itself runs single-threaded (set once, whatever OPENBLAS_NUM_THREADS says)
// and gemm cuts the output into blocks that the engine's own pool (parallel.h) shares out, each
// block one single-threaded OpenBLAS call. Why not OpenBLAS's threads: after every product its
// idle workers poll with sched_yield for a while, and on a machine with as many threads as cores
// they took 11-24% of the CPU time of a training step away from our next kernels
// (docs/BENCHMARKS.md). The blocks depend on the shape and the thread count only, and a sum is
// never split, so a product has the same bits on every run with the same thread count. Inside a
// parallel_for body the blocks run one after another on the calling thread (nested loops run
// serially).
#pragma once

#include <cblas.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "kernels/cpu/parallel.h"

namespace engine::kernels::cpu::blas {

enum class Transpose { no, yes };

// The name of the kernel family OpenBLAS chose for this processor (or OPENBLAS_CORETYPE forced),
// e.g. "SkylakeX" or "Haswell".
std::string kernel_name();

// Empty when those kernels use the widest vectors this processor has; otherwise a sentence for a
// warning that says which kernels run, what the processor could run, and the measured cost.
std::string narrower_kernels_note();

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

// OpenBLAS is told once, before the first product, to use the calling thread only.
void use_single_threaded_blas();

// How a product's output is cut: along rows (m) or columns (n), whichever is longer, so that the
// operand every block packs again (B for row blocks, A for column blocks) is the smaller one;
// into as many blocks as the smallest power of two at or above the thread count, as long as each
// stays at least minimum_block long. A count from the shape alone (the same bits for any thread
// count) was measured about 5% slower on ResNet-18's training step at 96 px with two threads,
// because every extra block packs the shared operand again (docs/BENCHMARKS.md).
struct Blocks {
  bool along_rows = true;
  std::int64_t length = 0;  // of the side that is cut: m along rows, n along columns
  std::int64_t count = 1;
};

constexpr std::int64_t minimum_block = 128;

// The thread count the blocks are cut for: the pool's, unless a FixedBlocksScope is open.
int block_threads();

inline Blocks blocks_for(std::int64_t m, std::int64_t n, int threads) {
  Blocks blocks;
  blocks.along_rows = m >= n;
  blocks.length = blocks.along_rows ? m : n;
  while (blocks.count < threads && blocks.length / (blocks.count * 2) >= minimum_block) {
    blocks.count *= 2;
  }
  return blocks;
}

}  // namespace detail

// While one is open (on any thread), products are cut as if the pool had `threads` threads,
// whatever it has. Which of OpenBLAS's kernels handles an element can depend on its block's size
// (with the Haswell kernels it does), so a product's bits may change with the thread count; the
// tests that check the rest of an op (im2col, col2im, chunking, the engine's own loops) for the
// same bits with 1 and 2 threads pin the blocks with this.
class FixedBlocksScope {
 public:
  explicit FixedBlocksScope(int threads);
  ~FixedBlocksScope();
  FixedBlocksScope(const FixedBlocksScope&) = delete;
  FixedBlocksScope& operator=(const FixedBlocksScope&) = delete;

 private:
  int previous_;
};

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
  detail::use_single_threaded_blas();
  const CBLAS_TRANSPOSE ta = detail::to_cblas(transpose_a);
  const CBLAS_TRANSPOSE tb = detail::to_cblas(transpose_b);
  // Rows [first, last) of op(A) start at row `first` of A, or at its column `first` when A is
  // stored transposed; likewise columns of op(B).
  auto run_block = [&](std::int64_t rows_first, std::int64_t rows_last, std::int64_t columns_first,
                       std::int64_t columns_last) {
    const T* a_block = a + rows_first * (transpose_a == Transpose::no ? lda : 1);
    const T* b_block = b + columns_first * (transpose_b == Transpose::no ? 1 : ldb);
    detail::call(ta, tb, static_cast<blasint>(rows_last - rows_first),
                 static_cast<blasint>(columns_last - columns_first), static_cast<blasint>(k), alpha,
                 a_block, static_cast<blasint>(lda), b_block, static_cast<blasint>(ldb), beta,
                 c + rows_first * ldc + columns_first, static_cast<blasint>(ldc));
  };
  const detail::Blocks blocks = detail::blocks_for(m, n, detail::block_threads());
  parallel_for(blocks.count, 1, [&](std::int64_t first_block, std::int64_t last_block) {
    for (std::int64_t block = first_block; block < last_block; ++block) {
      const std::int64_t begin = blocks.length * block / blocks.count;
      const std::int64_t end = blocks.length * (block + 1) / blocks.count;
      if (blocks.along_rows) {
        run_block(begin, end, 0, n);
      } else {
        run_block(0, m, begin, end);
      }
    }
  });
}

}  // namespace engine::kernels::cpu::blas
