// Batch normalisation ops on hand-computed cases: training forward (output, saved statistics,
// running statistics after one and two steps with momentum), evaluation forward, both backward
// modes, thread-count independence, the autograd function's modes, and contract errors.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/functions.h"
#include "kernels/backend.h"
#include "kernels/cpu/parallel.h"
#include "kernels/ops.h"
#include "kernels/random_tensors.h"
#include "tests/harness/compare.h"
#include "tests/kernels/layer_test_support.h"

namespace engine::testing {

namespace {

// x [2, 1, 2, 2]: channel 0 holds 1, 3, 5, 7 (mean 4, biased variance 5, unbiased 20/3);
// channel 1 is constant 2 (variance 0), the case where invstd is 1 / sqrt(eps).
const std::vector<double> hand_x = {1, 2, 3, 2, 5, 2, 7, 2};
const Shape hand_shape = {2, 1, 2, 2};

// eps 4 makes invstd exact: 1 / sqrt(5 + 4) = 1/3 and 1 / sqrt(0 + 4) = 1/2.
constexpr kernels::BatchNormConfig hand_config{.momentum = 0.1, .eps = 4.0};

}  // namespace

TEST_CASE("batch_norm_train_forward: output, saved statistics, running statistics over two steps") {
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    const double tolerance = tolerance_for(dtype);
    const Tensor gamma = values_of({2, 3}, {2}, dtype), beta = values_of({0.5, -1}, {2}, dtype);
    Tensor running_mean = values_of({0, 1}, {2}, dtype);
    Tensor running_var = values_of({1, 1}, {2}, dtype);
    Tensor y = poisoned(hand_shape, dtype), mean = poisoned({2}, dtype);
    Tensor invstd = poisoned({2}, dtype);
    kernels::batch_norm_train_forward(values_of(hand_x, hand_shape, dtype), gamma, beta,
                                      running_mean, running_var, hand_config, y, mean, invstd);
    // Channel 0: x_hat = (x - 4) / 3 = -1, -1/3, 1/3, 1 and y = 2 x_hat + 0.5.
    // Channel 1: x_hat = 0, so y = beta = -1.
    CHECK_CLOSE(y, values_of({-1.5, -1, -1.0 / 6, -1, 7.0 / 6, -1, 2.5, -1}, hand_shape, dtype),
                tolerance, tolerance);
    CHECK_CLOSE(mean, values_of({4, 2}, {2}, dtype), tolerance, tolerance);
    CHECK_CLOSE(invstd, values_of({1.0 / 3, 0.5}, {2}, dtype), tolerance, tolerance);
    // running = 0.9 running + 0.1 batch, with the unbiased variance (20/3 and 0).
    CHECK_CLOSE(running_mean, values_of({0.4, 1.1}, {2}, dtype), tolerance, tolerance);
    CHECK_CLOSE(running_var, values_of({0.9 + 2.0 / 3, 0.9}, {2}, dtype), tolerance, tolerance);

    // Second step on 2x: channel 0 holds 2, 6, 10, 14 (mean 8, biased variance 20, unbiased
    // 80/3), channel 1 is constant 4.
    std::vector<double> doubled = hand_x;
    for (double& value : doubled) value *= 2;
    y = poisoned(hand_shape, dtype);
    kernels::batch_norm_train_forward(values_of(doubled, hand_shape, dtype), gamma, beta,
                                      running_mean, running_var, hand_config, y, mean, invstd);
    CHECK_CLOSE(mean, values_of({8, 4}, {2}, dtype), tolerance, tolerance);
    CHECK_CLOSE(invstd, values_of({1 / std::sqrt(24.0), 0.5}, {2}, dtype), tolerance, tolerance);
    CHECK_CLOSE(running_mean, values_of({0.9 * 0.4 + 0.8, 0.9 * 1.1 + 0.4}, {2}, dtype), tolerance,
                tolerance);
    CHECK_CLOSE(running_var, values_of({0.9 * (0.9 + 2.0 / 3) + 8.0 / 3, 0.81}, {2}, dtype),
                tolerance, tolerance);
  }
}

TEST_CASE("batch_norm_eval_forward normalises with the running statistics and keeps them") {
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    const double tolerance = tolerance_for(dtype);
    const Tensor x = values_of({3, 5, -1, 2}, {1, 1, 2, 2}, dtype);
    const Tensor running_mean = values_of({1, 2}, {2}, dtype);
    const Tensor running_var = values_of({3, 0}, {2}, dtype);
    const Tensor mean_before = running_mean.clone(), var_before = running_var.clone();
    Tensor y = poisoned({1, 1, 2, 2}, dtype), invstd = poisoned({2}, dtype);
    // eps 1: invstd = 1 / sqrt(3 + 1) = 1/2 and 1 / sqrt(0 + 1) = 1.
    kernels::batch_norm_eval_forward(x, values_of({2, 3}, {2}, dtype),
                                     values_of({0.5, -1}, {2}, dtype), running_mean, running_var,
                                     {.momentum = 0.1, .eps = 1.0}, y, invstd);
    // y = gamma (x - running_mean) invstd + beta:
    // (3-1)/2*2+0.5 = 2.5, (5-2)*3-1 = 8, (-1-1)/2*2+0.5 = -1.5, (2-2)*3-1 = -1.
    CHECK_CLOSE(y, values_of({2.5, 8, -1.5, -1}, {1, 1, 2, 2}, dtype), tolerance, tolerance);
    CHECK_CLOSE(invstd, values_of({0.5, 1}, {2}, dtype), tolerance, tolerance);
    CHECK(bitwise_equal(running_mean, mean_before));
    CHECK(bitwise_equal(running_var, var_before));
  }
}

TEST_CASE("batch_norm_backward: training (batch statistics) and evaluation (constants)") {
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    const double tolerance = tolerance_for(dtype);
    // x = 1, 3 in one channel: mean 2, biased variance 1; eps 3 gives invstd 1/2, so
    // x_hat = -1/2, 1/2. The forward must agree with that before the backward uses it.
    const Tensor x = values_of({1, 3}, {2, 1, 1, 1}, dtype);
    const Tensor gamma = values_of({2}, {1}, dtype);
    Tensor running_mean = values_of({0}, {1}, dtype), running_var = values_of({1}, {1}, dtype);
    Tensor y = poisoned({2, 1, 1, 1}, dtype), mean = poisoned({1}, dtype);
    Tensor invstd = poisoned({1}, dtype);
    kernels::batch_norm_train_forward(x, gamma, values_of({0}, {1}, dtype), running_mean,
                                      running_var, {.momentum = 0.1, .eps = 3.0}, y, mean, invstd);
    CHECK_CLOSE(mean, values_of({2}, {1}, dtype), tolerance, tolerance);
    CHECK_CLOSE(invstd, values_of({0.5}, {1}, dtype), tolerance, tolerance);

    // Training. dy = 1, 0: sum dy = 1, sum dy x_hat = -1/2, M = 2.
    // dx = gamma invstd (dy - sum dy / M - x_hat sum(dy x_hat) / M)
    //    = 1 * ((1, 0) - 1/2 - (-1/2, 1/2)(-1/4)) = (3/8, -3/8).
    Tensor grad_x = poisoned({2, 1, 1, 1}, dtype);
    Tensor grad_gamma = poisoned({1}, dtype), grad_beta = poisoned({1}, dtype);
    kernels::batch_norm_backward(values_of({1, 0}, {2, 1, 1, 1}, dtype), x, gamma, mean, invstd,
                                 true, grad_x, grad_gamma, grad_beta);
    CHECK_CLOSE(grad_x, values_of({0.375, -0.375}, {2, 1, 1, 1}, dtype), tolerance, tolerance);
    CHECK_CLOSE(grad_gamma, values_of({-0.5}, {1}, dtype), tolerance, tolerance);
    CHECK_CLOSE(grad_beta, values_of({1}, {1}, dtype), tolerance, tolerance);

    // Evaluation. Running mean 1, invstd 1/2: x_hat = 0, 1. dy = 1, -2.
    // dx = gamma invstd dy = (1, -2); dgamma = 1*0 + (-2)*1 = -2; dbeta = -1.
    grad_x = poisoned({2, 1, 1, 1}, dtype);
    grad_gamma = poisoned({1}, dtype);
    grad_beta = poisoned({1}, dtype);
    kernels::batch_norm_backward(values_of({1, -2}, {2, 1, 1, 1}, dtype), x, gamma,
                                 values_of({1}, {1}, dtype), values_of({0.5}, {1}, dtype), false,
                                 grad_x, grad_gamma, grad_beta);
    CHECK_CLOSE(grad_x, values_of({1, -2}, {2, 1, 1, 1}, dtype), tolerance, tolerance);
    CHECK_CLOSE(grad_gamma, values_of({-2}, {1}, dtype), tolerance, tolerance);
    CHECK_CLOSE(grad_beta, values_of({-1}, {1}, dtype), tolerance, tolerance);
  }
}

TEST_CASE("batch norm gives the same bits with one thread and with two") {
  // 2048 channels of 64 values: enough channels that the channel loop splits between threads.
  const Shape shape = {1, 8, 8, 2048};
  const Tensor x = random_uniform(shape, -3.0, 5.0, 11, 0);
  const Tensor gamma = random_uniform({2048}, 0.5, 1.5, 12, 0);
  const Tensor beta = random_uniform({2048}, -1.0, 1.0, 13, 0);
  const Tensor grad_y = random_uniform(shape, -1.0, 1.0, 14, 0);
  const int threads_before = kernels::cpu::thread_count();
  std::vector<Tensor> results[2];
  for (int threads : {1, 2}) {
    kernels::cpu::set_thread_count(threads);
    Tensor running_mean = Tensor::zeros({2048}), running_var = Tensor::full({2048}, 1.0);
    Tensor y = poisoned(shape, DType::Float32), mean = poisoned({2048}, DType::Float32);
    Tensor invstd = poisoned({2048}, DType::Float32), grad_x = poisoned(shape, DType::Float32);
    Tensor grad_gamma = poisoned({2048}, DType::Float32);
    Tensor grad_beta = poisoned({2048}, DType::Float32);
    kernels::batch_norm_train_forward(x, gamma, beta, running_mean, running_var, {}, y, mean,
                                      invstd);
    kernels::batch_norm_backward(grad_y, x, gamma, mean, invstd, true, grad_x, grad_gamma,
                                 grad_beta);
    results[threads - 1] = {y,           mean,   invstd,     running_mean,
                            running_var, grad_x, grad_gamma, grad_beta};
  }
  kernels::cpu::set_thread_count(threads_before);
  for (std::size_t i = 0; i < results[0].size(); ++i) {
    INFO("result " << i);
    CHECK(bitwise_equal(results[0][i], results[1][i]));
  }
}

TEST_CASE("batch_norm2d: training updates the running statistics, evaluation reads them") {
  const Tensor x = values_of(hand_x, hand_shape, DType::Float64);
  const Tensor gamma = values_of({2, 3}, {2}, DType::Float64);
  const Tensor beta = values_of({0.5, -1}, {2}, DType::Float64);
  Tensor running_mean = values_of({0, 1}, {2}, DType::Float64);
  Tensor running_var = values_of({1, 1}, {2}, DType::Float64);
  batch_norm2d(x, gamma, beta, running_mean, running_var, true, hand_config);
  CHECK_CLOSE(running_mean, values_of({0.4, 1.1}, {2}, DType::Float64), 1e-12, 1e-12);
  // Evaluation with running mean (0.4, 1.1) and variance (0.9 + 2/3, 0.9), eps 4.
  const Tensor y = batch_norm2d(x, gamma, beta, running_mean, running_var, false, hand_config);
  CHECK_CLOSE(running_mean, values_of({0.4, 1.1}, {2}, DType::Float64), 1e-12, 1e-12);
  std::vector<double> expected(8);
  const double invstd[2] = {1 / std::sqrt(0.9 + 2.0 / 3 + 4), 1 / std::sqrt(0.9 + 4)};
  const double mean[2] = {0.4, 1.1}, scale[2] = {2, 3}, shift[2] = {0.5, -1};
  for (std::size_t i = 0; i < 8; ++i) {
    const std::size_t c = i % 2;
    expected[i] = scale[c] * (hand_x[i] - mean[c]) * invstd[c] + shift[c];
  }
  CHECK_CLOSE(y, values_of(expected, hand_shape, DType::Float64), 1e-12, 1e-12);
}

TEST_CASE("batch_norm2d evaluation: a later training step does not change its gradient") {
  // Running mean (1, 2), variance (3, 0), eps 1: invstd (1/2, 1). For loss = sum(y),
  // grad_gamma[c] = sum_m (x[m, c] - running_mean[c]) invstd[c]:
  // channel 0: (0 + 2 + 4 + 6) / 2 = 6; channel 1: 4 * (2 - 2) * 1 = 0.
  const Tensor x = values_of(hand_x, hand_shape, DType::Float64);
  Tensor gamma = values_of({2, 3}, {2}, DType::Float64).set_requires_grad(true);
  const Tensor beta = values_of({0.5, -1}, {2}, DType::Float64);
  Tensor running_mean = values_of({1, 2}, {2}, DType::Float64);
  Tensor running_var = values_of({3, 0}, {2}, DType::Float64);
  const BatchNormConfig config{.momentum = 0.1, .eps = 1.0};
  const Tensor y = batch_norm2d(x, gamma, beta, running_mean, running_var, false, config);
  // Training moves the running mean in place before the evaluation node's backward runs.
  batch_norm2d(x, gamma, beta, running_mean, running_var, true, config);
  CHECK_FALSE(bitwise_equal(running_mean, values_of({1, 2}, {2}, DType::Float64)));
  sum(y).backward();
  REQUIRE(gamma.grad().defined());
  CHECK_CLOSE(gamma.grad(), values_of({6, 0}, {2}, DType::Float64), 1e-12, 1e-12);
}

TEST_CASE("batch norm ops reject bad arguments through the dispatch seam, naming them") {
  const Tensor x = Tensor::zeros({2, 3, 3, 4});
  Tensor running_mean = Tensor::zeros({4}), running_var = Tensor::full({4}, 1.0);
  Tensor y = Tensor::empty({2, 3, 3, 4}), mean = Tensor::empty({4}), invstd = Tensor::empty({4});
  const Tensor four = Tensor::zeros({4}), three = Tensor::zeros({3});
  check_rejected(
      [&] {
        kernels::batch_norm_train_forward(x, three, four, running_mean, running_var, {}, y, mean,
                                          invstd);
      },
      "gamma must be [4]");
  check_rejected(
      [&] {
        Tensor short_var = Tensor::zeros({3});
        kernels::batch_norm_eval_forward(x, four, four, running_mean, short_var, {}, y, invstd);
      },
      "running_var must be [4]");
  check_rejected(
      [&] {
        Tensor single = Tensor::zeros({1, 1, 1, 4}), single_y = Tensor::empty({1, 1, 1, 4});
        kernels::batch_norm_train_forward(single, four, four, running_mean, running_var, {},
                                          single_y, mean, invstd);
      },
      "more than one value per channel");
  check_rejected(
      [&] {
        Tensor grad_x = Tensor::empty({2, 3, 3, 4}), grad_gamma = Tensor::empty({3});
        Tensor grad_beta = Tensor::empty({4});
        kernels::batch_norm_backward(x, x, four, four, four, true, grad_x, grad_gamma, grad_beta);
      },
      "grad_gamma must be [4]");
}

}  // namespace engine::testing
