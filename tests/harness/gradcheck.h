// Float64 gradient checking by central differences (Caffe's GradientChecker, in spirit).
//
// For a function f of several tensors, a fixed random projection R of the output turns the
// Jacobian into one number per input element: d(sum(f * R))/dx_j. The autograd value (one
// backward pass with gradient R) must match (sum(f(x + eps e_j) * R) - sum(f(x - eps e_j) * R))
// / (2 eps) for every element j of every input that requires grad, within
// atol + rtol * |numeric|. Inputs must be float64 CPU leaves; f must be deterministic (random ops
// take a fixed stream) and must not modify its inputs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace engine::testing {

struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-7;
  double rtol = 1e-5;
  std::uint64_t projection_seed = 20251126;
};

struct GradcheckResult {
  bool ok = true;
  double max_error = 0.0;    // largest |analytic - numeric| over all checked elements
  std::int64_t checked = 0;  // elements compared
  std::string report;        // the first mismatches, or why the check could not run
};

using TensorFunction = std::function<Tensor(const std::vector<Tensor>&)>;

GradcheckResult gradcheck(const TensorFunction& function, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

// Uniform values in [low, high] whose magnitude is at least `margin`: keeps inputs away from
// kinks (relu at 0) and ties (max pooling) that central differences cannot see across.
Tensor test_input(const Shape& shape, std::uint64_t seed, double low = -1.0, double high = 1.0,
                  double margin = 0.0);

}  // namespace engine::testing
