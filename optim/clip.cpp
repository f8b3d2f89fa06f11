#include "optim/clip.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels/ops.h"

namespace engine::optim {

namespace {

// Read back to the host (one element), so a CUDA gradient costs one small explicit copy.
double squared_norm_of(const Tensor& gradient) {
  Tensor result = Tensor::empty({}, gradient.dtype(), gradient.device());
  kernels::squared_norm(gradient, result);
  return result.dtype() == DType::Float64 ? result.item<double>()
                                          : static_cast<double>(result.item<float>());
}

}  // namespace

double gradient_norm(const std::vector<Parameter>& parameters) {
  double total = 0.0;
  for (const Parameter& parameter : parameters) {
    const Tensor gradient = parameter.tensor.grad();
    if (gradient.defined()) total += squared_norm_of(gradient);
  }
  return std::sqrt(total);
}

double clip_grad_norm(const std::vector<Parameter>& parameters, double max_norm) {
  if (!(std::isfinite(max_norm) && max_norm > 0.0)) {
    throw std::invalid_argument("clip_grad_norm: max_norm must be finite and > 0, got " +
                                std::to_string(max_norm));
  }
  const double total = gradient_norm(parameters);
  if (!std::isfinite(total)) return total;
  // PyTorch's 1e-6 keeps the division safe for an all-zero gradient.
  const double factor = max_norm / (total + 1e-6);
  if (factor < 1.0) {
    for (const Parameter& parameter : parameters) {
      Tensor gradient = parameter.tensor.grad();
      if (gradient.defined()) kernels::scale(gradient, factor, gradient);
    }
  }
  return total;
}

bool gradients_are_finite(const std::vector<Parameter>& parameters) {
  for (const Parameter& parameter : parameters) {
    const Tensor gradient = parameter.tensor.grad();
    if (gradient.defined() && !std::isfinite(squared_norm_of(gradient))) return false;
  }
  return true;
}

}  // namespace engine::optim
