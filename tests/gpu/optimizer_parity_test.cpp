// CPU vs CUDA: sgd_step (plain, momentum, dampening, Nesterov, L2 and decoupled weight decay,
// first and later steps) and adamw_step (first and later steps, with and without decay).
#include <cmath>
#include <vector>

#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

using kernels::AdamWConfig;
using kernels::Op;
using kernels::SgdConfig;

const std::int64_t optimizer_sizes[] = {1, 33, 65537};

// The same operations in the same order on both devices, except that nvcc may fuse a multiply
// and an add into one FMA where the CPU rounds twice: each fused step differs by at most an ulp
// of its result. Parameters, gradients and states are at most about 1 in size, so a few ulps of
// 1 (2^-22 absolute in float32, 2^-51 in float64) plus 2^-22 (2^-51) relative bound it; a wrong
// coefficient changes an update by a whole learning-rate step, 1e-3 or more.
Tolerance update_tolerance(DType dtype) {
  const double ulps = dtype == DType::Float32 ? std::ldexp(1.0, -22) : std::ldexp(1.0, -51);
  return {ulps, ulps};
}

}  // namespace

TEST_CASE("sgd_step: every option, first and later steps") {
  std::vector<SgdConfig> configs;
  configs.push_back({.learning_rate = 0.1});
  configs.push_back({.learning_rate = 0.05, .momentum = 0.9, .step = 1});
  configs.push_back({.learning_rate = 0.05, .momentum = 0.9, .dampening = 0.1, .step = 5});
  configs.push_back({.learning_rate = 0.01, .momentum = 0.9, .nesterov = true, .step = 3});
  configs.push_back({.learning_rate = 0.01, .momentum = 0.9, .weight_decay = 1e-4, .step = 2});
  configs.push_back({.learning_rate = 0.01,
                     .momentum = 0.8,
                     .weight_decay = 0.05,
                     .decoupled_weight_decay = true,
                     .step = 7});
  for (DType dtype : parity_dtypes) {
    for (std::int64_t size : optimizer_sizes) {
      const Tensor parameter = uniform({size}, 111, dtype), grad = uniform({size}, 112, dtype);
      const Tensor buffer = uniform({size}, 113, dtype);
      for (const SgdConfig& config : configs) {
        INFO(dtype_name(dtype) << " " << size << " elements, lr " << config.learning_rate
                               << ", momentum " << config.momentum << ", dampening "
                               << config.dampening << ", nesterov " << config.nesterov << ", decay "
                               << config.weight_decay
                               << std::string(config.decoupled_weight_decay ? " decoupled" : "")
                               << ", step " << config.step);
        const bool has_buffer = config.momentum != 0.0;
        check_parity(
            {Op::sgd_step},
            [&](Device device) {
              Tensor p = fresh_copy(parameter, device);
              Tensor momentum_buffer = has_buffer ? fresh_copy(buffer, device) : Tensor();
              kernels::sgd_step(p, grad.to(device), momentum_buffer, config);
              return has_buffer ? std::vector<Tensor>{p, momentum_buffer} : std::vector<Tensor>{p};
            },
            {update_tolerance(dtype)});
      }
    }
  }
}

TEST_CASE("adamw_step: first and later steps, with and without weight decay") {
  std::vector<AdamWConfig> configs;
  configs.push_back({.learning_rate = 1e-3, .step = 1});
  configs.push_back({.learning_rate = 3e-4, .weight_decay = 0.0, .step = 10});
  configs.push_back({.learning_rate = 1e-2,
                     .beta1 = 0.8,
                     .beta2 = 0.99,
                     .eps = 1e-6,
                     .weight_decay = 0.05,
                     .step = 1000});
  for (DType dtype : parity_dtypes) {
    for (std::int64_t size : optimizer_sizes) {
      const Tensor parameter = uniform({size}, 121, dtype), grad = uniform({size}, 122, dtype);
      const Tensor exp_avg = uniform({size}, 123, dtype, -0.1, 0.1);
      const Tensor exp_avg_sq = uniform({size}, 124, dtype, 0.0, 0.01);
      for (const AdamWConfig& config : configs) {
        INFO(dtype_name(dtype) << " " << size << " elements, lr " << config.learning_rate
                               << ", decay " << config.weight_decay << ", step " << config.step);
        check_parity({Op::adamw_step},
                     [&](Device device) {
                       Tensor p = fresh_copy(parameter, device);
                       Tensor m = fresh_copy(exp_avg, device), v = fresh_copy(exp_avg_sq, device);
                       kernels::adamw_step(p, grad.to(device), m, v, config);
                       return std::vector<Tensor>{p, m, v};
                     },
                     {update_tolerance(dtype)});
      }
    }
  }
}

}  // namespace engine::testing
