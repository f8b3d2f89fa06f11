// Pooling ops on hand-computed cases: max pooling never picks padding, sends gradients to the
// first maximum, propagates NaN; average pooling with count_include_pad on and off; stride 2 on
// an odd size leaves the unused row and column with zero gradient; global average pooling;
// thread-count independence; contract errors.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "kernels/cpu/parallel.h"
#include "kernels/ops.h"
#include "kernels/random_tensors.h"
#include "tests/harness/compare.h"
#include "tests/kernels/layer_test_support.h"

namespace engine::testing {

namespace {

using kernels::Pool2dGeometry;

constexpr Pool2dGeometry resnet_max_pool{
    .kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .pad_h = 1, .pad_w = 1};
constexpr Pool2dGeometry two_by_two{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2};

// v = 1 .. count in row-major order.
std::vector<double> ramp(int count, double sign = 1.0) {
  std::vector<double> values;
  for (int v = 1; v <= count; ++v) values.push_back(sign * v);
  return values;
}

}  // namespace

TEST_CASE("max_pool2d, kernel 3 stride 2 pad 1: padding never wins; gradient to the maximum") {
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    // x [1, 4, 4, 2]: channel 0 holds -1 .. -16 (all below the zero padding, so a kernel that
    // let padding compete would output 0), channel 1 holds 1 .. 16.
    std::vector<double> x_values;
    for (int v = 1; v <= 16; ++v) x_values.insert(x_values.end(), {-1.0 * v, 1.0 * v});
    const Tensor x = values_of(x_values, {1, 4, 4, 2}, dtype);
    Tensor y = poisoned({1, 2, 2, 2}, dtype);
    kernels::max_pool2d_forward(x, y, resnet_max_pool);
    // Windows: rows {0,1} or {1,2,3} by columns {0,1} or {1,2,3}. Channel 0's maximum is the
    // window's top-left value, channel 1's its bottom-right.
    CHECK(bitwise_equal(y, values_of({-1, 6, -2, 8, -5, 14, -6, 16}, {1, 2, 2, 2}, dtype)));

    Tensor grad_x = poisoned({1, 4, 4, 2}, dtype);
    kernels::max_pool2d_backward(values_of({1, 10, 2, 20, 3, 30, 4, 40}, {1, 2, 2, 2}, dtype), x,
                                 grad_x, resnet_max_pool);
    std::vector<double> expected(32, 0.0);
    // Channel 0: -1, -2, -5, -6 sit at (0,0), (0,1), (1,0), (1,1).
    expected[2 * 0] = 1, expected[2 * 1] = 2, expected[2 * 4] = 3, expected[2 * 5] = 4;
    // Channel 1: 6, 8, 14, 16 sit at (1,1), (1,3), (3,1), (3,3).
    expected[2 * 5 + 1] = 10, expected[2 * 7 + 1] = 20, expected[2 * 13 + 1] = 30;
    expected[2 * 15 + 1] = 40;
    CHECK(bitwise_equal(grad_x, values_of(expected, {1, 4, 4, 2}, dtype)));
  }
}

TEST_CASE("max_pool2d: ties go to the first position in row-major window order") {
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    // x [1, 2, 3, 1] all ones, kernel 2 stride 1: windows at columns {0,1} and {1,2}.
    const Tensor x = Tensor::full({1, 2, 3, 1}, 1.0, dtype);
    Tensor grad_x = poisoned({1, 2, 3, 1}, dtype);
    const Pool2dGeometry geometry{.kernel_h = 2, .kernel_w = 2};
    kernels::max_pool2d_backward(values_of({1, 2}, {1, 1, 2, 1}, dtype), x, grad_x, geometry);
    // Each window's first position is its top-left: (0,0) and (0,1).
    CHECK(bitwise_equal(grad_x, values_of({1, 2, 0, 0, 0, 0}, {1, 2, 3, 1}, dtype)));
  }
}

TEST_CASE("max_pool2d propagates NaN and sends its gradient there") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Tensor x = values_of({1, nan, 3, 2}, {1, 2, 2, 1}, DType::Float32);
  Tensor y = Tensor::zeros({1, 1, 1, 1});
  kernels::max_pool2d_forward(x, y, two_by_two);
  CHECK(std::isnan(y.item<float>()));
  Tensor grad_x = poisoned({1, 2, 2, 1}, DType::Float32);
  kernels::max_pool2d_backward(Tensor::full({1, 1, 1, 1}, 5.0), x, grad_x, two_by_two);
  CHECK(bitwise_equal(grad_x, values_of({0, 5, 0, 0}, {1, 2, 2, 1}, DType::Float32)));
}

TEST_CASE("stride 2 on an odd size: the unused last row and column get zero gradient") {
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    const double tolerance = tolerance_for(dtype);
    // x [1, 5, 5, 1] holds 0 .. 24; kernel 2 stride 2 uses rows and columns 0 .. 3 only.
    std::vector<double> x_values = ramp(25);
    for (double& value : x_values) value -= 1;
    const Tensor x = values_of(x_values, {1, 5, 5, 1}, dtype);
    const Tensor grad_y = values_of({4, 8, 12, 16}, {1, 2, 2, 1}, dtype);

    Tensor y = poisoned({1, 2, 2, 1}, dtype);
    kernels::max_pool2d_forward(x, y, two_by_two);
    CHECK(bitwise_equal(y, values_of({6, 8, 16, 18}, {1, 2, 2, 1}, dtype)));
    Tensor grad_x = poisoned({1, 5, 5, 1}, dtype);
    kernels::max_pool2d_backward(grad_y, x, grad_x, two_by_two);
    std::vector<double> expected(25, 0.0);
    expected[6] = 4, expected[8] = 8, expected[16] = 12, expected[18] = 16;
    CHECK(bitwise_equal(grad_x, values_of(expected, {1, 5, 5, 1}, dtype)));

    y = poisoned({1, 2, 2, 1}, dtype);
    kernels::avg_pool2d_forward(x, y, two_by_two);
    // (0+1+5+6)/4 = 3, (2+3+7+8)/4 = 5, (10+11+15+16)/4 = 13, (12+13+17+18)/4 = 15.
    CHECK_CLOSE(y, values_of({3, 5, 13, 15}, {1, 2, 2, 1}, dtype), tolerance, tolerance);
    grad_x = poisoned({1, 5, 5, 1}, dtype);
    kernels::avg_pool2d_backward(grad_y, grad_x, two_by_two);
    // Each window position receives a quarter of its output's gradient.
    const std::vector<double> quarters = {1, 1, 2, 2, 0, 1, 1, 2, 2, 0, 3, 3, 4,
                                          4, 0, 3, 3, 4, 4, 0, 0, 0, 0, 0, 0};
    CHECK_CLOSE(grad_x, values_of(quarters, {1, 5, 5, 1}, dtype), tolerance, tolerance);
  }
}

TEST_CASE("avg_pool2d, kernel 3 stride 1 pad 1, with and without padding in the divisor") {
  // x [1, 3, 3, 1] holds 1 .. 9. Window sums: corners 12, 16, 24, 28; edges 21, 27, 33, 39;
  // centre 45. Windows hold 4 (corners), 6 (edges) or 9 (centre) image positions.
  const std::vector<double> sums = {12, 21, 16, 27, 45, 33, 24, 39, 28};
  for (DType dtype : floating_dtypes) {
    for (bool include_pad : {true, false}) {
      INFO(name_of(dtype) << ", count_include_pad " << include_pad);
      const double tolerance = tolerance_for(dtype);
      const Pool2dGeometry geometry{
          .kernel_h = 3, .kernel_w = 3, .pad_h = 1, .pad_w = 1, .count_include_pad = include_pad};
      Tensor y = poisoned({1, 3, 3, 1}, dtype);
      kernels::avg_pool2d_forward(values_of(ramp(9), {1, 3, 3, 1}, dtype), y, geometry);
      std::vector<double> expected = sums;
      if (include_pad) {
        for (double& value : expected) value /= 9;
      } else {
        expected = {3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7};  // the mean of the image positions
      }
      CHECK_CLOSE(y, values_of(expected, {1, 3, 3, 1}, dtype), tolerance, tolerance);

      // grad_y = 1 everywhere: a position receives 1 / divisor from every window holding it.
      // With padding counted: corners are in 4 windows, edges in 6, the centre in 9, each /9.
      // Without: a corner is in 1 corner window (/4), 2 edge windows (/6) and the centre (/9):
      // 25/36; an edge in 2 corners, 3 edges and the centre: 10/9; the centre 4/4+4/6+1/9 = 16/9.
      Tensor grad_x = poisoned({1, 3, 3, 1}, dtype);
      kernels::avg_pool2d_backward(Tensor::full({1, 3, 3, 1}, 1.0, dtype), grad_x, geometry);
      const double corner = include_pad ? 4.0 / 9 : 25.0 / 36;
      const double edge = include_pad ? 6.0 / 9 : 10.0 / 9;
      const double centre = include_pad ? 1.0 : 16.0 / 9;
      CHECK_CLOSE(grad_x,
                  values_of({corner, edge, corner, edge, centre, edge, corner, edge, corner},
                            {1, 3, 3, 1}, dtype),
                  tolerance, tolerance);
    }
  }
}

TEST_CASE("global_avg_pool: mean over H and W per image and channel, and its gradient") {
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    const double tolerance = tolerance_for(dtype);
    // x [2, 2, 1, 2]: image 0 holds (1, 10), (3, 30); image 1 holds (5, 50), (7, 70).
    const Tensor x = values_of({1, 10, 3, 30, 5, 50, 7, 70}, {2, 2, 1, 2}, dtype);
    Tensor y = poisoned({2, 2}, dtype);
    kernels::global_avg_pool_forward(x, y);
    CHECK_CLOSE(y, values_of({2, 20, 6, 60}, {2, 2}, dtype), tolerance, tolerance);
    Tensor grad_x = poisoned({2, 2, 1, 2}, dtype);
    kernels::global_avg_pool_backward(values_of({2, 4, 6, 8}, {2, 2}, dtype), grad_x);
    CHECK_CLOSE(grad_x, values_of({1, 2, 1, 2, 3, 4, 3, 4}, {2, 2, 1, 2}, dtype), tolerance,
                tolerance);
  }
}

TEST_CASE("pooling gives the same bits with one thread and with two") {
  // Large enough that every loop splits: 2 * 64 output rows and 2 * 64 planes.
  const Shape shape = {2, 128, 128, 64};
  const Tensor x = random_uniform(shape, -1.0, 1.0, 21, 0);
  const Shape pooled = {2, 64, 64, 64};
  const Tensor grad_y = random_uniform(pooled, -1.0, 1.0, 22, 0);
  const int threads_before = kernels::cpu::thread_count();
  std::vector<Tensor> results[2];
  for (int threads : {1, 2}) {
    kernels::cpu::set_thread_count(threads);
    Tensor max_y = poisoned(pooled, DType::Float32), max_grad = poisoned(shape, DType::Float32);
    Tensor avg_y = poisoned(pooled, DType::Float32), avg_grad = poisoned(shape, DType::Float32);
    Tensor global_y = poisoned({2, 64}, DType::Float32);
    kernels::max_pool2d_forward(x, max_y, resnet_max_pool);
    kernels::max_pool2d_backward(grad_y, x, max_grad, resnet_max_pool);
    kernels::avg_pool2d_forward(x, avg_y, resnet_max_pool);
    kernels::avg_pool2d_backward(grad_y, avg_grad, resnet_max_pool);
    kernels::global_avg_pool_forward(x, global_y);
    results[threads - 1] = {max_y, max_grad, avg_y, avg_grad, global_y};
  }
  kernels::cpu::set_thread_count(threads_before);
  for (std::size_t i = 0; i < results[0].size(); ++i) {
    INFO("result " << i);
    CHECK(bitwise_equal(results[0][i], results[1][i]));
  }
}

TEST_CASE("pooling ops reject bad arguments through the dispatch seam, naming them") {
  const Tensor x = Tensor::zeros({1, 4, 4, 2});
  Tensor y = Tensor::empty({1, 2, 2, 2});
  check_rejected(
      [&] { kernels::max_pool2d_forward(x, y, {.kernel_h = 2, .kernel_w = 2, .pad_h = 2}); },
      "padding must be at most half the kernel size");
  check_rejected(
      [&] {
        Tensor wrong = Tensor::empty({1, 3, 3, 2});
        kernels::avg_pool2d_forward(x, wrong, two_by_two);
      },
      "y must be [1, 2, 2, 2]");
  check_rejected(
      [&] {
        Tensor flat = Tensor::zeros({4, 4, 2});
        kernels::max_pool2d_forward(flat, y, two_by_two);
      },
      "x must have rank 4");
  check_rejected(
      [&] {
        Tensor grad_x = Tensor::empty({1, 4, 4, 2}), grad_y = Tensor::zeros({1, 2, 2, 3});
        kernels::max_pool2d_backward(grad_y, x, grad_x, two_by_two);
      },
      "grad_y must be [1, 2, 2, 2]");
  check_rejected(
      [&] {
        Tensor pooled = Tensor::empty({2, 1});
        kernels::global_avg_pool_forward(x, pooled);
      },
      "y must be [1, 2]");
}

}  // namespace engine::testing
