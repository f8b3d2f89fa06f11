// The float32 sigmoid and silu of the CPU backend use their own vectorisable e^t (activations.cpp)
// instead of std::exp. Against a float64 reference on a dense grid of float32 inputs they must
// stay within a few ulps, as close as the float32 std::exp path was (about 1.5 ulps), so that
// the CPU-vs-CUDA parity tolerance (1e-6 relative, tests/gpu/activation_parity_test.cpp) holds.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/backend.h"

namespace engine::kernels {

namespace {

double sigmoid_reference(double x) {
  return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
}

// |got - reference| in units in the last place of the float32 nearest the reference; results
// below the smallest normal float are compared in absolute terms (the fast exp flushes them).
double ulps(double reference, float got) {
  constexpr double smallest_normal = 1.1754943508222875e-38;
  if (std::abs(reference) < 1e4 * smallest_normal) {
    return std::abs(got - reference) <= 1e4 * smallest_normal ? 0.0 : 1e30;
  }
  const double ulp = std::ldexp(1.0, std::ilogb(static_cast<float>(reference)) - 23);
  return std::abs(static_cast<double>(got) - reference) / ulp;
}

std::vector<float> grid() {
  std::vector<float> values;
  for (float x = -100.0f; x <= 100.0f; x += 0.000173f) values.push_back(x);
  for (float x : {0.0f, -0.0f, 1e-30f, -1e-30f, -87.33f, -87.34f, -88.0f, -103.0f, 88.0f}) {
    values.push_back(x);
  }
  return values;
}

}  // namespace

TEST_CASE("float32 sigmoid, silu and silu's gradient stay within a few ulps of float64") {
  const std::vector<float> values = grid();
  const auto count = static_cast<std::int64_t>(values.size());
  const Tensor x = Tensor::from_vector(values, {count});
  const Tensor ones = Tensor::full({count}, 1.0);
  Tensor sigmoid = Tensor::empty_like(x), silu = Tensor::empty_like(x);
  Tensor gradient = Tensor::empty_like(x);
  cpu::sigmoid_forward(x, sigmoid);
  cpu::silu_forward(x, silu);
  cpu::silu_backward(ones, x, gradient);
  double worst_sigmoid = 0, worst_silu = 0, worst_gradient = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const double v = values[i], s = sigmoid_reference(v);
    worst_sigmoid = std::max(worst_sigmoid, ulps(s, sigmoid.data<float>()[i]));
    worst_silu = std::max(worst_silu, ulps(v * s, silu.data<float>()[i]));
    // s (1 + x (1 - s)) cancels near x = -1.28, and 1 - s loses its digits where s rounds
    // near 1 (x around 16): measured against the larger of the result and s. The std::exp
    // version reached 9.8e-7 here too (at x = 16.6).
    const double g = s * (1.0 + v * (1.0 - s));
    const double error = std::abs(gradient.data<float>()[i] - g);
    worst_gradient = std::max(worst_gradient, error / std::max(std::abs(g), std::abs(s) + 1e-30));
  }
  MESSAGE("worst: sigmoid " << worst_sigmoid << " ulp, silu " << worst_silu << " ulp, silu'"
                            << " relative " << worst_gradient);
  CHECK(worst_sigmoid <= 4.0);
  CHECK(worst_silu <= 4.0);
  CHECK(worst_gradient <= 2e-6);
}

TEST_CASE("float32 sigmoid and silu keep NaN and the limits") {
  const float infinity = std::numeric_limits<float>::infinity();
  const Tensor x = Tensor::from_vector(std::vector<float>{std::nanf(""), infinity, -infinity}, {3});
  Tensor sigmoid = Tensor::empty_like(x), silu = Tensor::empty_like(x);
  cpu::sigmoid_forward(x, sigmoid);
  cpu::silu_forward(x, silu);
  CHECK(std::isnan(sigmoid.data<float>()[0]));
  CHECK(std::isnan(silu.data<float>()[0]));
  CHECK(sigmoid.data<float>()[1] == 1.0f);
  CHECK(sigmoid.data<float>()[2] == 0.0f);
  CHECK(silu.data<float>()[1] == infinity);
}

}  // namespace engine::kernels
