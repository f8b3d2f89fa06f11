#include "models/initialization.h"

#include <cmath>

#include "kernels/random_tensors.h"

namespace engine::models {

namespace {
void replace(Tensor& tensor, const Tensor& values) {
  const bool requires_grad = tensor.requires_grad();
  Tensor placed = values.to(tensor.dtype()).to(tensor.device());
  if (requires_grad) placed.set_requires_grad(true);
  tensor = placed;
}
}  // namespace

std::uint64_t stream_of(const std::string& name) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : name) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

std::int64_t fan_in(const Tensor& weight) {
  std::int64_t receptive = 1;
  for (std::size_t d = 1; d < weight.rank(); ++d)
    receptive *= weight.size(static_cast<std::int64_t>(d));
  return receptive;  // OHWI: kh * kw * (in / groups); linear: in
}

std::int64_t fan_out(const Tensor& weight) {
  std::int64_t spatial = 1;
  for (std::size_t d = 1; d + 1 < weight.rank(); ++d)
    spatial *= weight.size(static_cast<std::int64_t>(d));
  return weight.size(0) * spatial;
}

void kaiming_normal_fan_out(Tensor& tensor, std::uint64_t seed, const std::string& name) {
  // gain sqrt(2) (ReLU, and torch's default leaky_relu with slope 0), std = gain / sqrt(fan_out)
  const double standard_deviation = std::sqrt(2.0 / static_cast<double>(fan_out(tensor)));
  replace(tensor, random_normal(tensor.shape(), 0.0, standard_deviation, seed, stream_of(name)));
}

void uniform(Tensor& tensor, double bound, std::uint64_t seed, const std::string& name) {
  replace(tensor, random_uniform(tensor.shape(), -bound, bound, seed, stream_of(name)));
}

void truncated_normal(Tensor& tensor, double standard_deviation, double low, double high,
                      std::uint64_t seed, const std::string& name) {
  replace(tensor, random_truncated_normal(tensor.shape(), 0.0, standard_deviation, low, high, seed,
                                          stream_of(name)));
}

void constant(Tensor& tensor, double value) {
  replace(tensor, Tensor::full(tensor.shape(), value, tensor.dtype()));
}

void linear_default(Tensor& weight, Tensor& bias, std::uint64_t seed, const std::string& prefix) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in(weight)));
  uniform(weight, bound, seed, prefix + "weight");
  if (bias.defined()) uniform(bias, bound, seed, prefix + "bias");
}

}  // namespace engine::models
