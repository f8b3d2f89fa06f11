// torch.optim.AdamW steps computed by hand, through the kernel and through the AdamW optimizer.
//
// The hand case uses lr 0.5, weight decay 0.5, beta1 0.5, beta2 0.75 and eps 0.25. The large eps
// makes its placement visible: PyTorch adds it to sqrt(v) / sqrt(1 - beta2^t), after the bias
// correction and outside the square root; any other placement changes the numbers below.
#include "optim/adamw.h"

#include <doctest/doctest.h>

#include <cmath>

#include "kernels/ops.h"
#include "tests/optim/optim_test_support.h"

namespace engine::optim::testing {

namespace {

kernels::AdamWConfig hand_config() {
  kernels::AdamWConfig config;
  config.learning_rate = 0.5;
  config.weight_decay = 0.5;
  config.beta1 = 0.5;
  config.beta2 = 0.75;
  config.eps = 0.25;
  return config;
}

// The expected values are exact; each dtype's result carries the roundings of about a dozen
// operations (1.1e-16 relative each in float64, 6e-8 in float32), amplified up to ~3x by the
// cancellation in p2[0] (0.229 - 0.378). Observed: 1.9e-16 and 4.8e-8 relative.
constexpr double double_tolerance = 2e-15;
constexpr double float_tolerance = 5e-7;

double tolerance(DType dtype) {
  return dtype == DType::Float64 ? double_tolerance : float_tolerance;
}

// p0 = [1, -2], g1 = [2, -4], g2 = [1, 2].
//
// Step 1 (t = 1): bias corrections 1 - 0.5 = 0.5 and 1 - 0.75 = 0.25 (square root 0.5).
//   decay        p = 0.75 * p = [0.75, -1.5]                   (1 - lr * wd = 0.75)
//   first moment m = 0.5 * 0 + 0.5 * g1 = [1, -2]
//   second       v = 0.75 * 0 + 0.25 * g1^2 = [1, 4]
//   denominator  sqrt(v) / 0.5 + 0.25 = [2.25, 4.25]
//   update       p = p - (0.5 / 0.5) * m / denominator
//                  = [0.75 - 4/9, -1.5 + 8/17] = [11/36, -35/34]
const std::vector<double> after_step1 = {11.0 / 36.0, -35.0 / 34.0};
const std::vector<double> exp_avg_after_step1 = {1, -2};
const std::vector<double> exp_avg_sq_after_step1 = {1, 4};

// Step 2 (t = 2): bias corrections 1 - 0.25 = 0.75 and 1 - 0.5625 = 7/16 (square root sqrt(7)/4).
//   decay        p = 0.75 * [11/36, -35/34] = [11/48, -105/136]
//   first moment m = 0.5 * [1, -2] + 0.5 * [1, 2] = [1, 0]
//   second       v = 0.75 * [1, 4] + 0.25 * [1, 4] = [1, 4]
//   denominator  [1, 2] / (sqrt(7)/4) + 0.25 = [4/sqrt(7) + 1/4, 8/sqrt(7) + 1/4]
//   update       step size 0.5 / 0.75 = 2/3
//                p[0] = 11/48 - (2/3) / (4/sqrt(7) + 1/4) = 11/48 - 8 sqrt(7) / (48 + 3 sqrt(7))
//                     = -0.14922177753181740 (to 17 digits)
//                p[1] = -105/136 - 0 (the first moment is 0 there)
std::vector<double> after_step2() {
  const double root7 = std::sqrt(7.0);
  return {11.0 / 48.0 - 8.0 * root7 / (48.0 + 3.0 * root7), -105.0 / 136.0};
}

}  // namespace

TEST_CASE("adamw_step: two hand-computed steps with weight decay") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    const double tol = tolerance(dtype);
    Tensor parameter = tensor_of({1, -2}, dtype);
    // The kernel's contract: the moments start at zero (the optimizer allocates them so).
    Tensor exp_avg = Tensor::zeros({2}, dtype);
    Tensor exp_avg_sq = Tensor::zeros({2}, dtype);
    kernels::AdamWConfig config = hand_config();
    kernels::adamw_step(parameter, tensor_of({2, -4}, dtype), exp_avg, exp_avg_sq, config);
    CHECK_CLOSE(parameter, expected(after_step1), tol, tol);
    // Moments are sums of short binary fractions: exact in both dtypes.
    CHECK_CLOSE(exp_avg, expected(exp_avg_after_step1), 0.0, 0.0);
    CHECK_CLOSE(exp_avg_sq, expected(exp_avg_sq_after_step1), 0.0, 0.0);

    config.step = 2;
    kernels::adamw_step(parameter, tensor_of({1, 2}, dtype), exp_avg, exp_avg_sq, config);
    CHECK_CLOSE(parameter, expected(after_step2()), tol, tol);
    CHECK_CLOSE(exp_avg, expected({1, 0}), 0.0, 0.0);
    CHECK_CLOSE(exp_avg_sq, expected({1, 4}), 0.0, 0.0);
  }
}

TEST_CASE("adamw_step without weight decay leaves the decay out") {
  // Same step 1 without decay: p = [1, -2] - (0.5 / 0.5) * [1/2.25, -2/4.25]
  //                              = [1 - 4/9, -2 + 8/17] = [5/9, -26/17].
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    Tensor parameter = tensor_of({1, -2}, dtype);
    Tensor exp_avg = Tensor::zeros({2}, dtype);
    Tensor exp_avg_sq = Tensor::zeros({2}, dtype);
    kernels::AdamWConfig config = hand_config();
    config.weight_decay = 0.0;
    kernels::adamw_step(parameter, tensor_of({2, -4}, dtype), exp_avg, exp_avg_sq, config);
    CHECK_CLOSE(parameter, expected({5.0 / 9.0, -26.0 / 17.0}), tolerance(dtype), tolerance(dtype));
  }
}

TEST_CASE("adamw_step with PyTorch's defaults: the first step moves each weight by about lr") {
  // At t = 1 the bias corrections undo the averages exactly: mhat = g and vhat = g^2, so
  // p = p * (1 - lr * wd) - lr * g / (|g| + eps), a step of lr against the sign of g.
  // lr 1e-3, wd 1e-2: p = [0.5 * 0.99999 - 0.001 * 0.25 / (0.25 + 1e-8), -2 * 0.99999 + 0.001 * 3 /
  // (3 + 1e-8)], written out below to 17 digits.
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    Tensor parameter = tensor_of({0.5, -2}, dtype);
    Tensor exp_avg = Tensor::zeros({2}, dtype);
    Tensor exp_avg_sq = Tensor::zeros({2}, dtype);
    kernels::AdamWConfig config;  // lr 1e-3, betas 0.9 and 0.999, eps 1e-8, weight decay 1e-2
    kernels::adamw_step(parameter, tensor_of({0.25, -3}, dtype), exp_avg, exp_avg_sq, config);
    const double first = 0.5 * 0.99999 - 0.001 * 0.25 / (0.25 + 1e-8);
    const double second = -2 * 0.99999 + 0.001 * 3 / (3 + 1e-8);
    CHECK_CLOSE(parameter, expected({first, second}), tolerance(dtype), tolerance(dtype));
  }
}

TEST_CASE("AdamW optimizer reproduces the hand-computed steps, per group") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    const double tol = tolerance(dtype);
    // Group 0 has the hand case's weight decay 0.5 from the options; group 1 turns decay off
    // and halves the learning rate: step size 0.25 / 0.5 = 0.5, so at step 1
    // p = [1, -2] - 0.5 * [1/2.25, -2/4.25] = [1 - 2/9, -2 + 4/17] = [7/9, -30/17].
    const Parameter decayed = parameter_of("decayed", {1, -2}, dtype);
    const Parameter plain = parameter_of("plain", {1, -2}, dtype);
    ParameterGroup no_decay{{plain}};
    no_decay.weight_decay = 0.0;
    no_decay.learning_rate_factor = 0.5;
    AdamWOptions options;
    options.learning_rate = 0.5;
    options.weight_decay = 0.5;
    options.beta1 = 0.5;
    options.beta2 = 0.75;
    options.eps = 0.25;
    AdamW optimizer({ParameterGroup{{decayed}}, no_decay}, options);

    set_gradient(decayed, {2, -4});
    set_gradient(plain, {2, -4});
    optimizer.step();
    CHECK_CLOSE(decayed.tensor, expected(after_step1), tol, tol);
    CHECK_CLOSE(plain.tensor, expected({7.0 / 9.0, -30.0 / 17.0}), tol, tol);

    optimizer.zero_grad();  // clears both; only `decayed` gets a gradient again
    set_gradient(decayed, {1, 2});
    optimizer.step();
    CHECK_CLOSE(decayed.tensor, expected(after_step2()), tol, tol);
    CHECK_CLOSE(plain.tensor, expected({7.0 / 9.0, -30.0 / 17.0}), tol, tol);
  }
}

TEST_CASE("AdamW rejects betas outside [0, 1)") {
  const Parameter weight = parameter_of("weight", {1}, DType::Float32);
  AdamWOptions options;
  options.beta2 = 1.0;
  CHECK_THROWS_WITH_AS(AdamW({weight}, options), doctest::Contains("beta"), std::invalid_argument);
}

}  // namespace engine::optim::testing
