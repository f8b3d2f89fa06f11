// blas::gemm: the output blocks the engine's pool shares out give the loop-level product for every
// transpose combination, cut along rows or columns, with any thread count; matrices passed as
// blocks of bigger ones (leading dimensions wider than the row) keep their padding untouched.
#include "kernels/cpu/blas.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/parallel.h"

namespace engine::kernels::cpu::blas {

namespace {

struct Case {
  std::int64_t m, n, k;
  Transpose transpose_a, transpose_b;
};

// A stored matrix of `rows` x `columns` with `padding` extra columns per row (leading dimension
// columns + padding), filled with values in [-1, 1).
template <typename T>
std::vector<T> random_matrix(std::int64_t rows, std::int64_t columns, std::int64_t padding,
                             unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<T> values(static_cast<std::size_t>(rows * (columns + padding)));
  for (T& value : values) value = static_cast<T>(uniform(generator));
  return values;
}

template <typename T>
void check_against_loops(const Case& c, T alpha, T beta, int threads) {
  constexpr std::int64_t padding = 3;
  // Stored shapes: A is [m, k] or, transposed, [k, m]; B is [k, n] or [n, k].
  const bool ta = c.transpose_a == Transpose::yes, tb = c.transpose_b == Transpose::yes;
  const std::int64_t a_rows = ta ? c.k : c.m, a_columns = ta ? c.m : c.k;
  const std::int64_t b_rows = tb ? c.n : c.k, b_columns = tb ? c.k : c.n;
  const std::int64_t lda = a_columns + padding, ldb = b_columns + padding, ldc = c.n + padding;
  const std::vector<T> a = random_matrix<T>(a_rows, a_columns, padding, 1);
  const std::vector<T> b = random_matrix<T>(b_rows, b_columns, padding, 2);
  std::vector<T> result = random_matrix<T>(c.m, c.n, padding, 3);
  const std::vector<T> before = result;
  if (beta == T(0)) {  // beta 0 must overwrite, not scale: poison the output
    for (std::int64_t i = 0; i < c.m; ++i) {
      for (std::int64_t j = 0; j < c.n; ++j) {
        result[static_cast<std::size_t>(i * ldc + j)] = std::numeric_limits<T>::quiet_NaN();
      }
    }
  }

  set_thread_count(threads);
  gemm<T>(c.transpose_a, c.transpose_b, c.m, c.n, c.k, alpha, a.data(), lda, b.data(), ldb, beta,
          result.data(), ldc);

  auto a_at = [&](std::int64_t i, std::int64_t p) {
    return static_cast<double>(a[static_cast<std::size_t>(ta ? p * lda + i : i * lda + p)]);
  };
  auto b_at = [&](std::int64_t p, std::int64_t j) {
    return static_cast<double>(b[static_cast<std::size_t>(tb ? j * ldb + p : p * ldb + j)]);
  };
  const double epsilon = std::numeric_limits<T>::epsilon();
  for (std::int64_t i = 0; i < c.m; ++i) {
    for (std::int64_t j = 0; j < c.n; ++j) {
      double sum = 0.0, magnitude = 0.0;
      for (std::int64_t p = 0; p < c.k; ++p) {
        sum += a_at(i, p) * b_at(p, j);
        magnitude += std::abs(a_at(i, p) * b_at(p, j));
      }
      const std::size_t at = static_cast<std::size_t>(i * ldc + j);
      const double old = static_cast<double>(before[at]);
      const double expected = static_cast<double>(alpha) * sum + static_cast<double>(beta) * old;
      // A float sum of k products is within k * epsilon of the exact one, relative to the sum of
      // the magnitudes (plus the scaling by alpha and beta).
      const double bound = static_cast<double>(c.k + 2) * epsilon *
                           (std::abs(static_cast<double>(alpha)) * magnitude + std::abs(old));
      const double got = static_cast<double>(result[at]);
      if (!(std::abs(got - expected) <= bound)) {
        FAIL("element (" << i << ", " << j << ") is " << got << ", loops give " << expected
                         << " (bound " << bound << ")");
      }
    }
    for (std::int64_t j = c.n; j < ldc; ++j) {  // the padding is not part of C
      const std::size_t at = static_cast<std::size_t>(i * ldc + j);
      REQUIRE(result[at] == before[at]);
    }
  }
}

}  // namespace

TEST_CASE("blocks follow the longer side of the output and the thread count") {
  using detail::blocks_for;
  CHECK(blocks_for(1000, 10, 1).count == 1);
  CHECK(blocks_for(1000, 10, 2).along_rows);
  CHECK(blocks_for(1000, 10, 2).count == 2);
  CHECK(blocks_for(1000, 10, 3).count == 4);  // a power of two at or above the thread count
  CHECK(blocks_for(300, 10, 4).count == 2);   // 75-row blocks would be under the minimum
  CHECK(blocks_for(200, 10, 8).count == 1);
  CHECK_FALSE(blocks_for(10, 600, 4).along_rows);
  CHECK(blocks_for(10, 600, 4).count == 4);
}

TEST_CASE("a FixedBlocksScope pins the cut until it closes") {
  const int original = thread_count();
  set_thread_count(4);
  CHECK(detail::block_threads() == 4);
  {
    const FixedBlocksScope fixed(2);
    CHECK(detail::block_threads() == 2);
    set_thread_count(1);
    CHECK(detail::block_threads() == 2);
  }
  CHECK(detail::block_threads() == 1);
  set_thread_count(original);
}

TEST_CASE("gemm gives the loop-level product whatever the blocks and the thread count") {
  const int original = thread_count();
  const std::vector<Case> cases = {
      {300, 17, 29, Transpose::no, Transpose::yes},  // cut along rows, as the forward conv
      {300, 17, 29, Transpose::no, Transpose::no},   // as grad_input
      {19, 530, 41, Transpose::yes, Transpose::no},  // cut along columns, as grad_weight
      {19, 530, 41, Transpose::yes, Transpose::yes},
      {257, 256, 5, Transpose::no, Transpose::no},  // uneven halves
      {3, 4, 7, Transpose::no, Transpose::no},      // too small to cut
  };
  for (const Case& c : cases) {
    for (int threads : {1, 2, 3, 4}) {
      CAPTURE(c.m);
      CAPTURE(c.n);
      CAPTURE(threads);
      check_against_loops<float>(c, 1.0f, 0.0f, threads);
      check_against_loops<float>(c, 0.5f, 0.25f, threads);
      check_against_loops<double>(c, -1.5, 1.0, threads);
    }
  }
  set_thread_count(original);
}

TEST_CASE("the narrower-kernels note names the kernels that run, or is empty") {
  const std::string name = kernel_name();
  CHECK_FALSE(name.empty());
  const std::string note = narrower_kernels_note();
  if (!note.empty()) {
    CHECK(note.find("OpenBLAS runs its " + name + " kernels") == 0);
    CHECK((note.find("AVX-512") != std::string::npos || note.find("AVX2") != std::string::npos));
  }
  if (name == "SkylakeX" || name == "Cooperlake" || name == "SapphireRapids") CHECK(note.empty());
}

}  // namespace engine::kernels::cpu::blas
