// channel_multiply and concat_channels on hand-computed cases, and their contract errors.
#include <doctest/doctest.h>

#include "kernels/ops.h"
#include "tests/harness/compare.h"
#include "tests/kernels/layer_test_support.h"

namespace engine::testing {

TEST_CASE("channel_multiply scales each image's channels by its own factors; gradients") {
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    const double tolerance = tolerance_for(dtype);
    // x [2, 1, 2, 2], s [2, 2]: image 0 by (10, 100), image 1 by (-1, 0.5).
    const Tensor x = values_of({1, 2, 3, 4, 5, 6, 7, 8}, {2, 1, 2, 2}, dtype);
    const Tensor s = values_of({10, 100, -1, 0.5}, {2, 2}, dtype);
    Tensor y = poisoned({2, 1, 2, 2}, dtype);
    kernels::channel_multiply_forward(x, s, y);
    CHECK_CLOSE(y, values_of({10, 200, 30, 400, -5, 3, -7, 4}, {2, 1, 2, 2}, dtype), tolerance,
                tolerance);

    // grad_y = 1 on image 0, 2 on image 1. grad_x = grad_y * s; grad_s sums grad_y * x over
    // the two pixels: image 0 (1+3, 2+4), image 1 2 * (5+7, 6+8).
    Tensor grad_x = poisoned({2, 1, 2, 2}, dtype), grad_s = poisoned({2, 2}, dtype);
    kernels::channel_multiply_backward(values_of({1, 1, 1, 1, 2, 2, 2, 2}, {2, 1, 2, 2}, dtype), x,
                                       s, grad_x, grad_s);
    CHECK_CLOSE(grad_x, values_of({10, 100, 10, 100, -2, 1, -2, 1}, {2, 1, 2, 2}, dtype), tolerance,
                tolerance);
    CHECK_CLOSE(grad_s, values_of({4, 6, 24, 28}, {2, 2}, dtype), tolerance, tolerance);
  }
}

TEST_CASE("concat_channels places the parts side by side; its backward splits them back") {
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    // Three parts over the same [1, 1, 2] pixels with 1, 2 and 1 channels.
    const std::vector<Tensor> parts = {values_of({1, 2}, {1, 1, 2, 1}, dtype),
                                       values_of({3, 4, 5, 6}, {1, 1, 2, 2}, dtype),
                                       values_of({7, 8}, {1, 1, 2, 1}, dtype)};
    Tensor output = poisoned({1, 1, 2, 4}, dtype);
    kernels::concat_channels_forward(parts, output);
    // Pixel 0: 1 | 3 4 | 7; pixel 1: 2 | 5 6 | 8.
    CHECK(bitwise_equal(output, values_of({1, 3, 4, 7, 2, 5, 6, 8}, {1, 1, 2, 4}, dtype)));

    std::vector<Tensor> grad_parts = {poisoned({1, 1, 2, 1}, dtype), poisoned({1, 1, 2, 2}, dtype),
                                      poisoned({1, 1, 2, 1}, dtype)};
    kernels::concat_channels_backward(output, grad_parts);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      INFO("part " << i);
      CHECK(bitwise_equal(grad_parts[i], parts[i]));
    }
  }
}

TEST_CASE("channel_multiply and concat_channels reject bad arguments, naming them") {
  const Tensor x = Tensor::zeros({2, 3, 3, 4});
  Tensor y = Tensor::empty({2, 3, 3, 4});
  check_rejected(
      [&] {
        Tensor s = Tensor::zeros({2, 3});
        kernels::channel_multiply_forward(x, s, y);
      },
      "s must be [2, 4]");
  check_rejected(
      [&] {
        Tensor grad_x = Tensor::empty({2, 3, 3, 4}), grad_s = Tensor::empty({4, 2});
        kernels::channel_multiply_backward(x, x, Tensor::zeros({2, 4}), grad_x, grad_s);
      },
      "grad_s");
  check_rejected(
      [&] {
        Tensor output = Tensor::empty({2, 3, 3, 6});
        kernels::concat_channels_forward({x, Tensor::zeros({2, 3, 2, 2})}, output);
      },
      "part 1");
  check_rejected(
      [&] {
        Tensor output = Tensor::empty({2, 3, 3, 7});
        kernels::concat_channels_forward({x, Tensor::zeros({2, 3, 3, 2})}, output);
      },
      "parts have 6 channels in all, output has 7");
}

}  // namespace engine::testing
