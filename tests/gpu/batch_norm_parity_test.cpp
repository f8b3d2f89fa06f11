// CPU vs CUDA: batch_norm_train_forward (output, saved statistics, running statistics),
// batch_norm_eval_forward and batch_norm_backward with and without batch statistics, for channel
// counts around the 32-wide reduction tiles and row counts around its 2048-row chunks.
#include <cmath>
#include <vector>

#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

using kernels::BatchNormConfig;
using kernels::Op;

const Shape batch_norm_shapes[] = {{1, 1, 2, 1},  {3, 7, 7, 31},   {1, 8, 8, 32},
                                   {3, 9, 9, 33}, {2, 17, 17, 65}, {3, 30, 30, 64}};

// Both backends compute every statistic and every output in float64 from the same float inputs
// and round once; only the order of the float64 sums differs (about 2^-53 * rows relative,
// thousands of times below a float32 ulp). So float32 results are equal or one ulp apart at a
// rounding boundary: 2^-22 relative. Results near 0 (beta cancelling gamma * x_hat, sums of
// gradients with both signs) are off by the float64 difference itself: 1e-9 absolute covers a
// sum of 2700 terms of size 10 many times. float64: the sums' difference, 2^-53 * rows * the
// size of the terms, with a margin of 64.
Tolerance batch_norm_tolerance(DType dtype, std::int64_t rows) {
  if (dtype == DType::Float32) return {1e-9, std::ldexp(1.0, -22)};
  const double ulp_margin = 64.0 * std::ldexp(1.0, -53);
  return {ulp_margin * static_cast<double>(rows) * 10.0, ulp_margin};
}

struct BatchNormInputs {
  Tensor x, gamma, beta, running_mean, running_var, grad_y;
};

BatchNormInputs inputs_for(const Shape& shape, DType dtype) {
  const std::int64_t channels = shape[3];
  // x has a mean of about 3 per channel: the two-pass variance is what keeps it exact.
  return {uniform(shape, 61, dtype, 1.0, 5.0),       uniform({channels}, 62, dtype, 0.5, 1.5),
          uniform({channels}, 63, dtype, -0.5, 0.5), uniform({channels}, 64, dtype, -0.1, 0.1),
          uniform({channels}, 65, dtype, 0.5, 1.5),  uniform(shape, 66, dtype)};
}

}  // namespace

TEST_CASE("batch norm, training forward: output, saved statistics, running statistics") {
  const BatchNormConfig config{.momentum = 0.1, .eps = 1e-5};
  for (DType dtype : parity_dtypes) {
    for (const Shape& shape : batch_norm_shapes) {
      INFO(dtype_name(dtype) << to_string(shape));
      const BatchNormInputs in = inputs_for(shape, dtype);
      const std::int64_t channels = shape[3], rows = in.x.numel() / channels;
      check_parity(
          {Op::batch_norm_train_forward},
          [&](Device device) {
            Tensor running_mean = fresh_copy(in.running_mean, device);
            Tensor running_var = fresh_copy(in.running_var, device);
            Tensor y = poisoned(shape, dtype, device);
            Tensor saved_mean = poisoned({channels}, dtype, device);
            Tensor saved_invstd = poisoned({channels}, dtype, device);
            kernels::batch_norm_train_forward(in.x.to(device), in.gamma.to(device),
                                              in.beta.to(device), running_mean, running_var, config,
                                              y, saved_mean, saved_invstd);
            return std::vector<Tensor>{y, saved_mean, saved_invstd, running_mean, running_var};
          },
          {batch_norm_tolerance(dtype, rows)});
    }
  }
}

TEST_CASE("batch norm, evaluation forward") {
  const BatchNormConfig config{.momentum = 0.1, .eps = 1e-3};
  for (DType dtype : parity_dtypes) {
    for (const Shape& shape : batch_norm_shapes) {
      INFO(dtype_name(dtype) << to_string(shape));
      const BatchNormInputs in = inputs_for(shape, dtype);
      const std::int64_t channels = shape[3];
      check_parity({Op::batch_norm_eval_forward},
                   [&](Device device) {
                     Tensor y = poisoned(shape, dtype, device);
                     Tensor saved_invstd = poisoned({channels}, dtype, device);
                     kernels::batch_norm_eval_forward(
                         in.x.to(device), in.gamma.to(device), in.beta.to(device),
                         in.running_mean.to(device), in.running_var.to(device), config, y,
                         saved_invstd);
                     return std::vector<Tensor>{y, saved_invstd};
                   },
                   {batch_norm_tolerance(dtype, 1)});
    }
  }
}

TEST_CASE("batch norm, backward with batch statistics (training) and without (evaluation)") {
  for (DType dtype : parity_dtypes) {
    for (const Shape& shape : batch_norm_shapes) {
      const BatchNormInputs in = inputs_for(shape, dtype);
      const std::int64_t channels = shape[3], rows = in.x.numel() / channels;
      // The statistics a training forward saved, from the CPU (both devices read the same ones).
      Tensor running_mean = in.running_mean.clone(), running_var = in.running_var.clone();
      Tensor y = Tensor::empty(shape, dtype), mean = Tensor::empty({channels}, dtype);
      Tensor invstd = Tensor::empty({channels}, dtype);
      kernels::batch_norm_train_forward(in.x, in.gamma, in.beta, running_mean, running_var, {}, y,
                                        mean, invstd);
      for (const bool batch_statistics : {true, false}) {
        INFO(dtype_name(dtype) << to_string(shape)
                               << std::string(batch_statistics ? " training" : " eval"));
        check_parity({Op::batch_norm_backward},
                     [&](Device device) {
                       Tensor grad_x = poisoned(shape, dtype, device);
                       Tensor grad_gamma = poisoned({channels}, dtype, device);
                       Tensor grad_beta = poisoned({channels}, dtype, device);
                       kernels::batch_norm_backward(in.grad_y.to(device), in.x.to(device),
                                                    in.gamma.to(device), mean.to(device),
                                                    invstd.to(device), batch_statistics, grad_x,
                                                    grad_gamma, grad_beta);
                       return std::vector<Tensor>{grad_x, grad_gamma, grad_beta};
                     },
                     {batch_norm_tolerance(dtype, rows)});
      }
    }
  }
}

}  // namespace engine::testing
