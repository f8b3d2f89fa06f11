// CPU vs CUDA: softmax cross-entropy forward and backward, with both reductions, label smoothing
// and class weights; and the error for a target outside the classes.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/contracts.h"
#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

using kernels::CrossEntropyConfig;
using kernels::Op;
using kernels::Reduction;

struct CrossEntropyCase {
  std::int64_t samples, classes;
};

const CrossEntropyCase cross_entropy_cases[] = {{1, 2}, {3, 2}, {32, 2}, {7, 5}, {65, 33}};

Tensor targets_for(std::int64_t samples, std::int64_t classes) {
  std::vector<std::int64_t> targets;
  const std::vector<double> draws =
      uniform({samples}, 101, DType::Float64, 0.0, 1.0).to_vector<double>();
  for (double draw : draws) {
    targets.push_back(std::min(classes - 1, static_cast<std::int64_t>(draw * classes)));
  }
  return Tensor::from_vector(targets, {samples});
}

// Logits in [-3, 3], with the first sample's pushed to +-50 so that the log-sum-exp's shift is
// exercised.
Tensor logits_for(std::int64_t samples, std::int64_t classes, DType dtype) {
  std::vector<double> values =
      uniform({samples, classes}, 102, DType::Float64, -3.0, 3.0).to_vector<double>();
  for (std::int64_t k = 0; k < classes; ++k) values[k] = k % 2 == 0 ? 50.0 : -50.0;
  return Tensor::from_vector(values, {samples, classes}).to(dtype);
}

// Both devices compute in float64 (exp and log within an ulp or two of each other) and sum the
// samples in another order, then round once: float32 results at most one ulp apart (2^-22
// relative); float64 ones within a few hundred ulps of their size (2^-53 * 256 relative), plus
// 1e-15 for gradients that cancel to nearly 0.
Tolerance cross_entropy_tolerance(DType dtype) {
  return dtype == DType::Float32 ? Tolerance{1e-12, std::ldexp(1.0, -22)}
                                 : Tolerance{1e-15, 256.0 * std::ldexp(1.0, -53)};
}

}  // namespace

TEST_CASE("softmax cross-entropy forward and backward: reductions, smoothing, class weights") {
  for (DType dtype : parity_dtypes) {
    for (const CrossEntropyCase& c : cross_entropy_cases) {
      const Tensor logits = logits_for(c.samples, c.classes, dtype);
      const Tensor targets = targets_for(c.samples, c.classes);
      const Tensor weights = uniform({c.classes}, 103, dtype, 0.5, 2.0);
      const Tensor grad_loss = uniform({}, 104, dtype, 0.5, 2.0);
      for (const Reduction reduction : {Reduction::Mean, Reduction::Sum}) {
        for (const double smoothing : {0.0, 0.1}) {
          for (const bool weighted : {false, true}) {
            const CrossEntropyConfig config{.reduction = reduction, .label_smoothing = smoothing};
            INFO(dtype_name(dtype)
                 << " N " << c.samples << " K " << c.classes
                 << std::string(reduction == Reduction::Mean ? " mean" : " sum") << " smoothing "
                 << smoothing << std::string(weighted ? " weighted" : ""));
            check_parity({Op::softmax_cross_entropy_forward},
                         [&](Device device) {
                           Tensor loss = poisoned({}, dtype, device);
                           kernels::softmax_cross_entropy_forward(
                               logits.to(device), targets.to(device),
                               weighted ? weights.to(device) : Tensor(), config, loss);
                           return std::vector<Tensor>{loss};
                         },
                         {cross_entropy_tolerance(dtype)});
            check_parity({Op::softmax_cross_entropy_backward},
                         [&](Device device) {
                           Tensor grad_logits = poisoned({c.samples, c.classes}, dtype, device);
                           kernels::softmax_cross_entropy_backward(
                               grad_loss.to(device), logits.to(device), targets.to(device),
                               weighted ? weights.to(device) : Tensor(), config, grad_logits);
                           return std::vector<Tensor>{grad_logits};
                         },
                         {cross_entropy_tolerance(dtype)});
          }
        }
      }
    }
  }
}

TEST_CASE("a target outside the classes is the same error on both devices, naming the sample") {
  const Tensor logits = logits_for(4, 3, DType::Float32);
  for (const std::int64_t bad : {3, -1}) {
    const Tensor targets = Tensor::from_vector(std::vector<std::int64_t>{0, 2, bad, bad}, {4});
    auto message = [&](Device device, bool backward) {
      try {
        if (backward) {
          Tensor grad_logits = poisoned({4, 3}, DType::Float32, device);
          kernels::softmax_cross_entropy_backward(Tensor::full({}, 1.0, DType::Float32, device),
                                                  logits.to(device), targets.to(device), Tensor(),
                                                  {}, grad_logits);
        } else {
          Tensor loss = poisoned({}, DType::Float32, device);
          kernels::softmax_cross_entropy_forward(logits.to(device), targets.to(device), Tensor(),
                                                 {}, loss);
        }
      } catch (const kernels::ContractError& error) {
        return std::string(error.what());
      }
      return std::string("no error");
    };
    for (const bool backward : {false, true}) {
      const std::string on_gpu = message(gpu(), backward),
                        on_cpu = message(Device::cpu(), backward);
      INFO("GPU: " << on_gpu << "; CPU: " << on_cpu);
      CHECK(on_gpu.find("targets[2] is " + std::to_string(bad)) != std::string::npos);
      CHECK(on_gpu == on_cpu);
    }
  }
}

}  // namespace engine::testing
