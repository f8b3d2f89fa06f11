// Small helpers shared by the optimizer tests: tensors from written-out numbers, parameters with
// gradients, and the two dtypes every update is tested in.
#pragma once

#include <string>
#include <vector>

#include "optim/parameter.h"
#include "tensor/tensor.h"
#include "tests/harness/compare.h"

namespace engine::optim::testing {

inline constexpr DType floating_types[] = {DType::Float32, DType::Float64};

// A 1-D tensor (or `shape`, when given) of `values` in `dtype`; the values are written in double
// and rounded to float32 when asked, exactly as the torch reference script does.
inline Tensor tensor_of(const std::vector<double>& values, DType dtype, Shape shape = {}) {
  if (shape.empty()) shape = {static_cast<std::int64_t>(values.size())};
  return Tensor::from_vector(values, shape).to(dtype).clone();
}

inline Parameter parameter_of(const std::string& name, const std::vector<double>& values,
                              DType dtype, Shape shape = {}) {
  return Parameter{name, tensor_of(values, dtype, shape)};
}

inline void set_gradient(const Parameter& parameter, const std::vector<double>& values) {
  Tensor target = parameter.tensor;
  target.set_grad(tensor_of(values, parameter.tensor.dtype(), parameter.tensor.shape()));
}

// Expected values, kept in float64 so that compare() sees them unrounded.
inline Tensor expected(const std::vector<double>& values) {
  return tensor_of(values, DType::Float64);
}

}  // namespace engine::optim::testing
