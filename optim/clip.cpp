#include "optim/clip.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels/ops.h"

namespace engine::optim {

namespace {

// The squared norms of the defined gradients, read back in one copy.
std::vector<double> read_squared_norms(const std::vector<Parameter>& parameters) {
  const std::int64_t count = defined_gradients(parameters);
  if (count == 0) return {};
  Device device = Device::cpu();
  for (const Parameter& parameter : parameters) {
    if (parameter.tensor.grad().defined()) {
      device = parameter.tensor.grad().device();
      break;
    }
  }
  Tensor squares = Tensor::empty({count}, DType::Float64, device);
  write_squared_gradient_norms(parameters, squares);
  return squares.to_vector<double>();
}

void check_max_norm(double max_norm) {
  if (!(std::isfinite(max_norm) && max_norm > 0.0)) {
    throw std::invalid_argument("clip_grad_norm: max_norm must be finite and > 0, got " +
                                std::to_string(max_norm));
  }
}

}  // namespace

std::int64_t defined_gradients(const std::vector<Parameter>& parameters) {
  std::int64_t count = 0;
  for (const Parameter& parameter : parameters) count += parameter.tensor.grad().defined() ? 1 : 0;
  return count;
}

void write_squared_gradient_norms(const std::vector<Parameter>& parameters, Tensor& output,
                                  std::int64_t first) {
  std::int64_t slot = first;
  for (const Parameter& parameter : parameters) {
    const Tensor gradient = parameter.tensor.grad();
    if (!gradient.defined()) continue;
    Tensor element = output.narrow(0, slot++, 1).view({});
    if (gradient.dtype() == DType::Float64) {
      kernels::squared_norm(gradient, element);
    } else {
      // Rounded to the gradient's dtype first (as squared_norm defines it), then widened exactly.
      Tensor square = Tensor::empty({}, gradient.dtype(), gradient.device());
      kernels::squared_norm(gradient, square);
      kernels::copy(square, element);
    }
  }
}

double norm_from_squares(std::span<const double> squares) {
  double total = 0.0;
  for (double square : squares) total += square;
  return std::sqrt(total);
}

void clip_to_norm(const std::vector<Parameter>& parameters, double total, double max_norm) {
  check_max_norm(max_norm);
  if (!std::isfinite(total)) return;
  // PyTorch's 1e-6 keeps the division safe for an all-zero gradient.
  const double factor = max_norm / (total + 1e-6);
  if (factor >= 1.0) return;
  for (const Parameter& parameter : parameters) {
    Tensor gradient = parameter.tensor.grad();
    if (gradient.defined()) kernels::scale(gradient, factor, gradient);
  }
}

double clip_grad_norm(const std::vector<Parameter>& parameters, double max_norm) {
  check_max_norm(max_norm);
  const double total = gradient_norm(parameters);
  clip_to_norm(parameters, total, max_norm);
  return total;
}

double gradient_norm(const std::vector<Parameter>& parameters) {
  return norm_from_squares(read_squared_norms(parameters));
}

bool gradients_are_finite(const std::vector<Parameter>& parameters) {
  for (double square : read_squared_norms(parameters)) {
    if (!std::isfinite(square)) return false;
  }
  return true;
}

}  // namespace engine::optim
