// The initialisation schemes torchvision applies, drawn from the engine's counter-based
// generator. Each tensor's values depend only on (seed, its state_dict name), never on the order
// in which layers were built or initialised.
#pragma once

#include <cstdint>
#include <string>

#include "tensor/tensor.h"

namespace engine::models {

std::uint64_t stream_of(const std::string& name);  // FNV-1a of the name

// Fan-in and fan-out as torch.nn.init computes them from an OHWI weight (or [out, in] linear):
// fan_in = (in / groups) * kh * kw, fan_out = out * kh * kw.
std::int64_t fan_in(const Tensor& weight);
std::int64_t fan_out(const Tensor& weight);

// Each replaces `tensor` (keeping requires_grad) with new values of the same shape and device.
void kaiming_normal_fan_out(Tensor& tensor, std::uint64_t seed, const std::string& name);
void uniform(Tensor& tensor, double bound, std::uint64_t seed, const std::string& name);
void truncated_normal(Tensor& tensor, double standard_deviation, double low, double high,
                      std::uint64_t seed, const std::string& name);
void constant(Tensor& tensor, double value);
// torch.nn.Linear's own reset: weight and bias uniform in +-1/sqrt(fan_in).
void linear_default(Tensor& weight, Tensor& bias, std::uint64_t seed, const std::string& prefix);

}  // namespace engine::models
