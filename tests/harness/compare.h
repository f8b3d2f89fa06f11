// Comparing tensors in tests: the largest absolute and relative errors and the first few
// mismatching positions, so a failure says where and by how much, not just "not equal".
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace engine::testing {

struct Comparison {
  bool ok = true;
  double max_absolute_error = 0.0;
  double max_relative_error = 0.0;
  std::string report;  // empty when ok
};

// Element-wise |actual - expected| <= atol + rtol * |expected|; NaN anywhere is a mismatch
// (outputs poisoned with NaN that an op forgot to write are caught this way).
Comparison compare(const Tensor& actual, const Tensor& expected, double atol, double rtol);
bool bitwise_equal(const Tensor& a, const Tensor& b);

// Host values as doubles, whatever the floating dtype.
std::vector<double> to_doubles(const Tensor& tensor);

}  // namespace engine::testing

// A doctest check with the comparison report as its message.
#define CHECK_CLOSE(actual, expected, atol, rtol)                                            \
  do {                                                                                       \
    const auto engine_comparison = ::engine::testing::compare(actual, expected, atol, rtol); \
    CHECK_MESSAGE(engine_comparison.ok, engine_comparison.report);                           \
  } while (0)
