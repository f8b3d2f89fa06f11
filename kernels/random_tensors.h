// Random tensors from the counter-based generator (util/philox.h). Element i of a tensor drawn
// with (seed, stream) depends only on those three numbers, so initialisation and test inputs are
// identical on every machine and thread count. Drawn on the host in float64, converted to `dtype`
// by the copy kernel, then copied to `device` (so they sit above the tensor core, with the other
// tensor members that compute: kernels/tensor_compute.cpp).
#pragma once

#include <cstdint>

#include "tensor/tensor.h"

namespace engine {

Tensor random_uniform(const Shape& shape, double low, double high, std::uint64_t seed,
                      std::uint64_t stream, DType dtype = DType::Float32,
                      Device device = Device::cpu());
// Box-Muller on pairs of 53-bit uniforms.
Tensor random_normal(const Shape& shape, double mean, double standard_deviation, std::uint64_t seed,
                     std::uint64_t stream, DType dtype = DType::Float32,
                     Device device = Device::cpu());
// Normal draws outside [low, high] (absolute bounds, as torch.nn.init.trunc_normal_'s a and b)
// are redrawn. torchvision initialises Inception with mean 0, sd 0.1, a = -2, b = 2.
Tensor random_truncated_normal(const Shape& shape, double mean, double standard_deviation,
                               double low, double high, std::uint64_t seed, std::uint64_t stream,
                               DType dtype = DType::Float32, Device device = Device::cpu());

}  // namespace engine
