// Gradient checks for conv2d (x, weight and bias against central differences in float64), over
// odd image sizes, strides, asymmetric padding, groups, depthwise, 1xk / kx1 / 1x1 kernels,
// batch 1 and 3, with and without bias. Plus: the backward pass skips the gradients of inputs
// that need none (the image batch, a frozen layer).
#include <doctest/doctest.h>

#include <sstream>

#include "autograd/functions.h"
#include "kernels/ops.h"
#include "tests/gradients/registry.h"

namespace engine::testing {

namespace {

struct ConvGradientCase {
  std::int64_t batch, height, width, channels, outputs;
  Conv2dGeometry geometry;
  bool bias;
  const char* note;
};

Conv2dGeometry square(std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                      std::int64_t groups = 1) {
  return {kernel, kernel, stride, stride, pad, pad, pad, pad, groups};
}

std::string describe(const ConvGradientCase& c) {
  const Conv2dGeometry& g = c.geometry;
  std::ostringstream text;
  text << c.note << ": x [" << c.batch << ", " << c.height << ", " << c.width << ", " << c.channels
       << "] -> " << c.outputs << ", " << g.kernel_h << "x" << g.kernel_w << " stride "
       << g.stride_h << "x" << g.stride_w << " pad (t" << g.pad_top << " b" << g.pad_bottom << " l"
       << g.pad_left << " r" << g.pad_right << ") groups " << g.groups
       << (c.bias ? ", bias" : ", no bias");
  return text.str();
}

GradcheckResult check(const ConvGradientCase& c, std::uint64_t seed) {
  const Conv2dGeometry& g = c.geometry;
  const Tensor x =
      test_input({c.batch, c.height, c.width, c.channels}, seed).set_requires_grad(true);
  const Tensor weight =
      test_input({c.outputs, g.kernel_h, g.kernel_w, c.channels / g.groups}, seed + 1)
          .set_requires_grad(true);
  const Tensor bias = c.bias ? test_input({c.outputs}, seed + 2).set_requires_grad(true) : Tensor();
  return gradcheck([g](const std::vector<Tensor>& in) { return conv2d(in[0], in[1], in[2], g); },
                   {x, weight, bias});
}

const bool registered = [] {
  const std::vector<ConvGradientCase> cases = {
      {3, 5, 7, 2, 3, square(3, 1, 1), true, "3x3 pad 1 on an odd 5x7 image"},
      {1, 5, 7, 2, 3, square(3, 2, 1), false, "3x3 stride 2"},
      {2, 5, 6, 2, 2, {2, 3, 2, 1, 0, 1, 2, 0, 1}, true, "asymmetric padding, stride 2x1"},
      {1, 7, 7, 2, 2, square(2, 3, 0), false, "stride 3 over a 2x2 kernel: unread pixels"},
      {2, 5, 5, 4, 6, square(3, 1, 1, 2), true, "groups = 2"},
      {3, 5, 7, 3, 3, square(3, 1, 1, 3), true, "depthwise (groups = channels)"},
      {1, 7, 6, 4, 4, square(5, 2, 2, 4), false, "depthwise 5x5 stride 2"},
      {1, 4, 5, 2, 4, square(3, 1, 1, 2), true, "groups = channels, 2 outputs each"},
      {1, 3, 9, 2, 3, {1, 7, 1, 1, 0, 0, 3, 3, 1}, true, "1x7 kernel"},
      {2, 9, 3, 2, 2, {7, 1, 1, 1, 3, 3, 0, 0, 1}, false, "7x1 kernel"},
      {1, 4, 5, 3, 2, {1, 3, 1, 1, 0, 0, 1, 1, 1}, true, "1x3 kernel"},
      {1, 5, 4, 3, 2, {3, 1, 1, 1, 1, 1, 0, 0, 1}, false, "3x1 kernel"},
      {3, 3, 5, 4, 3, square(1, 1, 0), true, "1x1 (x is the column matrix)"},
      {2, 3, 3, 4, 6, square(1, 1, 0, 2), false, "1x1 groups = 2"},
      {2, 5, 5, 3, 4, square(1, 2, 0), false, "1x1 stride 2 (ResNet downsample)"},
      {1, 9, 9, 2, 2, square(7, 2, 3), true, "7x7 stride 2 pad 3 (ResNet stem)"},
  };
  std::uint64_t seed = 300;
  for (const ConvGradientCase& c : cases) {
    register_gradient_case({"conv2d", describe(c), [c, seed] { return check(c, seed); }});
    seed += 10;
  }
  // The loop-level reference (what an auditor reads) differentiated as well, not only the BLAS
  // fast path the other cases run through.
  register_gradient_case(
      {"conv2d", "reference kernels: 3x3 stride 2, asymmetric padding, groups 2", [] {
         kernels::ReferenceKernelsScope reference;
         return check({2, 6, 5, 4, 6, {3, 3, 2, 2, 1, 0, 0, 1, 2}, true, "reference"}, 390);
       }});
  register_gradient_case(
      {"conv2d", "frozen image batch: only weight and bias are checked", [] {
         const Conv2dGeometry g = square(3, 2, 1);
         const Tensor x = test_input({2, 5, 5, 3}, 401);  // no gradient, like the input images
         const Tensor weight = test_input({4, 3, 3, 3}, 402).set_requires_grad(true);
         const Tensor bias = test_input({4}, 403).set_requires_grad(true);
         return gradcheck(
             [g](const std::vector<Tensor>& in) { return conv2d(in[0], in[1], in[2], g); },
             {x, weight, bias});
       }});
  register_gradient_case(
      {"conv2d", "conv2d, sigmoid, depthwise conv2d: a chain", [] {
         const Tensor x = test_input({1, 5, 5, 2}, 411).set_requires_grad(true);
         const Tensor w1 = test_input({3, 3, 3, 2}, 412).set_requires_grad(true);
         const Tensor w2 = test_input({3, 3, 3, 1}, 413).set_requires_grad(true);
         return gradcheck(
             [](const std::vector<Tensor>& in) {
               const Tensor hidden = conv2d(in[0], in[1], Tensor(), square(3, 1, 1));
               return conv2d(sigmoid(hidden), in[2], Tensor(), square(3, 2, 1, 3));
             },
             {x, w1, w2});
       }});
  return true;
}();

}  // namespace

TEST_CASE("conv2d backward computes only the gradients its inputs need") {
  const Conv2dGeometry g = square(3, 1, 1);
  const auto count = [](kernels::Op op) { return kernels::call_count(op); };
  const Tensor images = test_input({2, 5, 5, 3}, 1);
  Tensor weight = test_input({4, 3, 3, 3}, 2).set_requires_grad(true);
  Tensor bias = test_input({4}, 3).set_requires_grad(true);

  SUBCASE("a frozen input (the image batch) gets no grad_input") {
    const std::uint64_t grad_inputs = count(kernels::Op::conv2d_grad_input);
    const std::uint64_t grad_weights = count(kernels::Op::conv2d_grad_weight);
    sum(conv2d(images, weight, bias, g)).backward();
    CHECK(count(kernels::Op::conv2d_grad_input) == grad_inputs);
    CHECK(count(kernels::Op::conv2d_grad_weight) == grad_weights + 1);
    CHECK(weight.grad().defined());
    CHECK(bias.grad().defined());
    CHECK_FALSE(images.grad().defined());
  }
  SUBCASE("a frozen layer gets no grad_weight and no bias gradient") {
    Tensor x = test_input({2, 5, 5, 3}, 4).set_requires_grad(true);
    const Tensor frozen_weight = test_input({4, 3, 3, 3}, 5);
    const Tensor frozen_bias = test_input({4}, 6);
    const std::uint64_t grad_inputs = count(kernels::Op::conv2d_grad_input);
    const std::uint64_t grad_weights = count(kernels::Op::conv2d_grad_weight);
    const std::uint64_t channel_sums = count(kernels::Op::channel_sum);
    sum(conv2d(x, frozen_weight, frozen_bias, g)).backward();
    CHECK(count(kernels::Op::conv2d_grad_input) == grad_inputs + 1);
    CHECK(count(kernels::Op::conv2d_grad_weight) == grad_weights);
    CHECK(count(kernels::Op::channel_sum) == channel_sums);
    CHECK(x.grad().defined());
  }
  SUBCASE("nothing requires grad: no node is recorded") {
    CHECK(conv2d(images, test_input({4, 3, 3, 3}, 7), Tensor(), g).grad_fn() == nullptr);
  }
}

TEST_CASE("conv2d rejects inputs of the wrong rank before computing an output shape") {
  const Tensor weight = test_input({4, 3, 3, 3}, 2);
  CHECK_THROWS_WITH(conv2d(test_input({5, 5, 3}, 1), weight, Tensor(), square(3, 1, 1)),
                    doctest::Contains("conv2d: x [N, H, W, C] must have rank 4"));
  Conv2dGeometry zero_stride = square(3, 1, 1);
  zero_stride.stride_h = 0;
  CHECK_THROWS_WITH(conv2d(test_input({1, 5, 5, 3}, 1), weight, Tensor(), zero_stride),
                    doctest::Contains("stride"));
}

}  // namespace engine::testing
