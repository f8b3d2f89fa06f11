// Helpers shared by the golden tests of the layer ops (batch norm, pooling, combination, random
// ops, cross-entropy): tensors from listed values in either floating dtype, NaN-poisoned
// outputs, and a tolerance per dtype.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kernels/contracts.h"
#include "tensor/tensor.h"

namespace engine::testing {

inline constexpr DType floating_dtypes[] = {DType::Float32, DType::Float64};

// Hand-computed values, stored in `dtype`.
inline Tensor values_of(const std::vector<double>& values, const Shape& shape, DType dtype) {
  return Tensor::from_vector(values, shape).to(dtype);
}

// An output filled with NaN, so that any element an op forgets to write fails the comparison.
inline Tensor poisoned(const Shape& shape, DType dtype) {
  return Tensor::full(shape, std::numeric_limits<double>::quiet_NaN(), dtype);
}

// Expected values are computed in double from exactly representable inputs. A float32 result
// is off by its own rounding (2^-24 relative) plus that of a few float32 intermediates, so a few
// ulps: 1e-6 (about 8 ulps). A float64 result differs from the hand value only by the rounding
// of a handful of operations in a different order: 1e-12 leaves room for that and no more.
inline double tolerance_for(DType dtype) { return dtype == DType::Float32 ? 1e-6 : 1e-12; }

// Runs `call`, which must throw ContractError (or, for data checks, std::invalid_argument)
// with a message containing `expected`.
template <typename Call>
void check_rejected(Call&& call, const std::string& expected) {
  try {
    call();
    FAIL("no error was thrown; expected one mentioning \"" << expected << "\"");
  } catch (const std::invalid_argument& error) {
    INFO("message: " << error.what());
    CHECK(std::string(error.what()).find(expected) != std::string::npos);
  }
}

}  // namespace engine::testing
