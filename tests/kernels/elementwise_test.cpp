// Golden values for the utility ops: fill, copy (with conversion and strides), add, scale and
// squared_norm, through the dispatch seam, with NaN-poisoned outputs.
#include <doctest/doctest.h>

#include <cmath>

#include "kernels/ops.h"
#include "tests/harness/compare.h"

namespace engine {

namespace {
Tensor poisoned(const Shape& shape, DType dtype = DType::Float32) {
  return Tensor::full(shape, NAN, dtype);
}
}  // namespace

TEST_CASE("fill writes every element of every dtype") {
  for (DType dtype : {DType::Float32, DType::Float64, DType::BFloat16, DType::UInt8, DType::Int32,
                      DType::Int64}) {
    Tensor t = Tensor::empty({3, 5}, dtype);
    kernels::fill(t, 7.0);
    for (double v : testing::to_doubles(t)) CHECK(v == 7.0);
  }
}

TEST_CASE("copy converts dtypes and gathers strided sources") {
  const Tensor source = Tensor::from_vector<double>({0.5, -1.5, 2.25, 1e10, -3.0, 4.0}, {2, 3});
  Tensor as_float = poisoned({2, 3});
  kernels::copy(source, as_float);
  CHECK(as_float.to_vector<float>() == std::vector<float>{0.5f, -1.5f, 2.25f, 1e10f, -3.0f, 4.0f});
  Tensor as_int = Tensor::empty({2, 3}, DType::Int64);
  kernels::copy(source, as_int);
  CHECK(as_int.to_vector<std::int64_t>() ==
        std::vector<std::int64_t>{0, -1, 2, 10000000000, -3, 4});  // truncation toward zero
  Tensor column = poisoned({2, 1}, DType::Float64);
  kernels::copy(source.narrow(1, 2, 1), column);  // strided: elements 2 and 5
  CHECK(column.to_vector<double>() == std::vector<double>{2.25, 4.0});
  Tensor wrong = poisoned({3, 2});
  CHECK_THROWS_WITH(kernels::copy(source, wrong), doctest::Contains("destination must be [2, 3]"));
}

TEST_CASE("add and scale, including in place") {
  const Tensor a = Tensor::from_vector<float>({1, 2, 3}, {3});
  const Tensor b = Tensor::from_vector<float>({0.5f, -4, 10}, {3});
  Tensor sum = poisoned({3});
  kernels::add(a, b, sum);
  CHECK(sum.to_vector<float>() == std::vector<float>{1.5f, -2, 13});
  kernels::add(sum, a, sum);  // output aliasing an input is allowed
  CHECK(sum.to_vector<float>() == std::vector<float>{2.5f, 0, 16});
  Tensor scaled = poisoned({3});
  kernels::scale(a, -0.5, scaled);
  CHECK(scaled.to_vector<float>() == std::vector<float>{-0.5f, -1, -1.5f});
  kernels::scale(scaled, 2.0, scaled);
  CHECK(scaled.to_vector<float>() == std::vector<float>{-1, -2, -3});
}

TEST_CASE("squared_norm accumulates in float64") {
  Tensor norm = poisoned({});
  kernels::squared_norm(Tensor::from_vector<float>({3, -4, 12}, {3}), norm);
  CHECK(norm.item<float>() == 169.0f);
  // 2^24 + 1 ones: a float32 accumulator would stall at 2^24, float64 does not.
  const std::int64_t count = (1 << 24) + 1;
  kernels::squared_norm(Tensor::full({count}, 1.0), norm);
  CHECK(norm.item<float>() == static_cast<float>(count));
}

}  // namespace engine
