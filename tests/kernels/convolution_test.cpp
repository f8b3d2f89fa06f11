// The convolution fast path (im2col + BLAS, the 1x1 shortcut, the depthwise loops) against the
// loop-level reference, on random data over many shapes: odd sizes, strides, asymmetric padding,
// groups, depthwise, and the real layer shapes of ResNet-50, InceptionV3 and EfficientNet-B0 at
// reduced spatial size. Also: same bits for 1 and 2 threads, and the contract errors at the
// dispatch seam.
#include <doctest/doctest.h>

#include <sstream>

#include "kernels/contracts.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/parallel.h"
#include "kernels/ops.h"
#include "tests/harness/compare.h"
#include "tests/kernels/convolution_support.h"

namespace engine::testing {

namespace {

struct ConvCase {
  const char* name;
  std::int64_t batch, height, width, channels, outputs;
  Conv2dGeometry geometry;
  bool bias = true;
};

Conv2dGeometry square(std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                      std::int64_t groups = 1) {
  return {kernel, kernel, stride, stride, pad, pad, pad, pad, groups};
}

Conv2dGeometry oblong(std::int64_t kernel_h, std::int64_t kernel_w, std::int64_t pad_h,
                      std::int64_t pad_w) {
  return {kernel_h, kernel_w, 1, 1, pad_h, pad_h, pad_w, pad_w, 1};
}

std::string describe(const ConvCase& c) {
  const Conv2dGeometry& g = c.geometry;
  std::ostringstream text;
  text << c.name << ": x [" << c.batch << ", " << c.height << ", " << c.width << ", " << c.channels
       << "] -> " << c.outputs << ", kernel " << g.kernel_h << "x" << g.kernel_w << " stride "
       << g.stride_h << "x" << g.stride_w << " pad (t" << g.pad_top << " b" << g.pad_bottom << " l"
       << g.pad_left << " r" << g.pad_right << ") groups " << g.groups;
  return text.str();
}

// Runs all three ops on both implementations and compares. Tolerances: see sum_tolerance; the
// sums are KH * KW * C/G long (forward; plus the bias), at most KH * KW * O/G long (grad_input)
// and N * OH * OW long (grad_weight).
void check_against_reference(const ConvCase& c, DType dtype, std::uint64_t seed) {
  INFO(describe(c) << ", " << engine::name_of(dtype));
  const Conv2dGeometry& g = c.geometry;
  const Tensor x = uniform({c.batch, c.height, c.width, c.channels}, seed, dtype);
  const Shape weight_shape{c.outputs, g.kernel_h, g.kernel_w, c.channels / g.groups};
  const Tensor weight = uniform(weight_shape, seed + 1, dtype);
  const Tensor bias = c.bias ? uniform({c.outputs}, seed + 2, dtype) : Tensor();
  const Tensor grad_y = uniform(conv_output_shape(x, c.outputs, g), seed + 3, dtype);
  const std::int64_t taps = g.kernel_h * g.kernel_w;

  const Tensor y = run_conv2d_forward(Implementation::fast, x, weight, bias, g);
  const Tensor y_reference = run_conv2d_forward(Implementation::reference, x, weight, bias, g);
  CHECK_CLOSE(y, y_reference, sum_tolerance(dtype, taps * (c.channels / g.groups) + 1), 0.0);

  const Tensor grad_x = run_conv2d_grad_input(Implementation::fast, grad_y, weight, x.shape(), g);
  const Tensor grad_x_reference =
      run_conv2d_grad_input(Implementation::reference, grad_y, weight, x.shape(), g);
  CHECK_CLOSE(grad_x, grad_x_reference, sum_tolerance(dtype, taps * (c.outputs / g.groups)), 0.0);

  const Tensor grad_w = run_conv2d_grad_weight(Implementation::fast, grad_y, x, weight_shape, g);
  const Tensor grad_w_reference =
      run_conv2d_grad_weight(Implementation::reference, grad_y, x, weight_shape, g);
  CHECK_CLOSE(grad_w, grad_w_reference, sum_tolerance(dtype, grad_y.numel() / c.outputs), 0.0);
}

void check_cases(const std::vector<ConvCase>& cases) {
  std::uint64_t seed = 100;
  for (const ConvCase& c : cases) {
    for (const DType dtype : {DType::Float32, DType::Float64}) {
      check_against_reference(c, dtype, seed);
      seed += 10;
    }
  }
}

}  // namespace

TEST_CASE("conv2d fast path matches the reference: odd sizes, strides, padding, groups") {
  check_cases({
      {"3x3 pad 1 on 5x7", 3, 5, 7, 3, 4, square(3, 1, 1)},
      {"3x3 stride 2 pad 1 on 5x7, no bias", 1, 5, 7, 2, 5, square(3, 2, 1), false},
      {"2x3 kernel, stride 2x1, pad t0 b1 l2 r0", 2, 5, 6, 3, 4, {2, 3, 2, 1, 0, 1, 2, 0, 1}},
      {"kernel as large as the padded input", 1, 3, 4, 2, 3, {5, 4, 1, 1, 1, 1, 0, 0, 1}},
      {"stride 3 past a 2x2 kernel (unread pixels)", 2, 7, 8, 3, 2, square(2, 3, 0)},
      {"groups 2, 3x3 pad 1", 2, 5, 5, 4, 6, square(3, 1, 1, 2)},
      {"groups 4, 3x3 stride 2, 17 outputs per group", 1, 7, 6, 8, 68, square(3, 2, 1, 4)},
      {"groups = C with 2 outputs per channel (GEMM path)", 2, 6, 5, 3, 6, square(3, 1, 1, 3)},
      {"depthwise 3x3 pad 1", 3, 5, 7, 5, 5, square(3, 1, 1, 5)},
      {"depthwise 4x4 stride 2 pad t1 b2 l2 r1", 2, 9, 8, 7, 7, {4, 4, 2, 2, 1, 2, 2, 1, 7}},
      {"1x1 on 5x3 (x is the column matrix)", 3, 5, 3, 17, 33, square(1, 1, 0)},
      {"1x1 groups 3 on the column matrix", 2, 3, 5, 6, 9, square(1, 1, 0, 3)},
      {"1x1 stride 2", 2, 5, 5, 6, 5, square(1, 2, 0)},
      {"1x1 with padding 1", 1, 3, 4, 3, 2, square(1, 1, 1)},
      {"1x7 pad 3 along w", 2, 3, 9, 4, 3, oblong(1, 7, 0, 3)},
      {"7x1 pad 3 along h", 1, 9, 3, 4, 5, oblong(7, 1, 3, 0)},
      {"1x3 pad 1 along w", 1, 4, 5, 6, 2, oblong(1, 3, 0, 1)},
      {"3x1 pad 1 along h", 2, 5, 4, 3, 6, oblong(3, 1, 1, 0)},
      {"batch 1, single pixel, 3x3 pad 1", 1, 1, 1, 4, 3, square(3, 1, 1)},
  });
}

TEST_CASE("conv2d fast path matches the reference on ResNet-50 layers (reduced spatial size)") {
  check_cases({
      {"conv1 7x7/2 3->64", 2, 32, 32, 3, 64, square(7, 2, 3), false},
      {"layer1 1x1 64->64", 2, 8, 8, 64, 64, square(1, 1, 0), false},
      {"layer1 3x3 64->64", 2, 8, 8, 64, 64, square(3, 1, 1), false},
      {"layer1 1x1 64->256", 2, 8, 8, 64, 256, square(1, 1, 0), false},
      {"layer2 1x1 256->128", 2, 8, 8, 256, 128, square(1, 1, 0), false},
      {"layer2 3x3/2 128->128", 2, 8, 8, 128, 128, square(3, 2, 1), false},
      {"layer2 downsample 1x1/2 256->512", 2, 8, 8, 256, 512, square(1, 2, 0), false},
      {"layer3 3x3 256->256 on 5x5", 2, 5, 5, 256, 256, square(3, 1, 1), false},
      {"layer3 1x1 1024->256", 1, 3, 3, 1024, 256, square(1, 1, 0), false},
      {"layer4 3x3/2 512->512", 1, 4, 4, 512, 512, square(3, 2, 1), false},
      {"layer4 3x3 512->512", 2, 3, 3, 512, 512, square(3, 1, 1), false},
      {"layer4 1x1 512->2048", 2, 2, 2, 512, 2048, square(1, 1, 0), false},
  });
}

TEST_CASE("conv2d fast path matches the reference on InceptionV3 layers (reduced spatial size)") {
  check_cases({
      {"Conv2d_1a 3x3/2 valid 3->32", 2, 15, 15, 3, 32, square(3, 2, 0), false},
      {"Conv2d_2b 3x3 pad 1 32->64", 1, 9, 9, 32, 64, square(3, 1, 1), false},
      {"Mixed_6b 1x7 pad (0, 3) 128->128", 2, 9, 9, 128, 128, oblong(1, 7, 0, 3), false},
      {"Mixed_6b 7x1 pad (3, 0) 128->192", 2, 9, 9, 128, 192, oblong(7, 1, 3, 0), false},
      {"Mixed_6b 1x1 768->192", 1, 5, 5, 768, 192, square(1, 1, 0), false},
      {"Mixed_6a 3x3/2 valid 288->384", 1, 9, 9, 288, 384, square(3, 2, 0), false},
      {"Mixed_7b 1x3 pad (0, 1) 384->384", 1, 4, 4, 384, 384, oblong(1, 3, 0, 1), false},
      {"Mixed_7b 3x1 pad (1, 0) 384->384", 1, 4, 4, 384, 384, oblong(3, 1, 1, 0), false},
      {"aux 5x5 valid 128->768", 2, 5, 5, 128, 768, square(5, 1, 0), false},
      {"'same' padding on an even input: 3x3/2 pad t0 b1 l0 r1",
       2,
       8,
       8,
       32,
       48,
       {3, 3, 2, 2, 0, 1, 0, 1, 1}},
      {"'same' padding 5x5/2 pad t1 b2 l1 r2", 1, 10, 10, 16, 24, {5, 5, 2, 2, 1, 2, 1, 2, 1}},
  });
}

TEST_CASE("conv2d fast path matches the reference on EfficientNet-B0 layers (reduced size)") {
  check_cases({
      {"stem 3x3/2 3->32", 2, 16, 16, 3, 32, square(3, 2, 1), false},
      {"depthwise 3x3/1 32", 2, 12, 12, 32, 32, square(3, 1, 1, 32), false},
      {"depthwise 3x3/2 96", 2, 12, 12, 96, 96, square(3, 2, 1, 96), false},
      {"depthwise 5x5/2 144", 2, 10, 10, 144, 144, square(5, 2, 2, 144), false},
      {"depthwise 5x5/1 240", 1, 6, 6, 240, 240, square(5, 1, 2, 240), false},
      {"depthwise 3x3/1 480", 2, 5, 5, 480, 480, square(3, 1, 1, 480), false},
      {"depthwise 5x5/2 672", 1, 6, 6, 672, 672, square(5, 2, 2, 672), false},
      {"depthwise 5x5/1 1152", 2, 3, 3, 1152, 1152, square(5, 1, 2, 1152), false},
      {"expand 1x1 16->96", 2, 12, 12, 16, 96, square(1, 1, 0), false},
      {"squeeze-excitation reduce 1x1 96->4 with bias", 3, 1, 1, 96, 4, square(1, 1, 0)},
      {"squeeze-excitation expand 1x1 4->96 with bias", 3, 1, 1, 4, 96, square(1, 1, 0)},
      {"project 1x1 1152->320", 1, 3, 3, 1152, 320, square(1, 1, 0), false},
      {"head 1x1 320->1280", 1, 3, 3, 320, 1280, square(1, 1, 0), false},
  });
}

TEST_CASE("conv2d fast path: the same bits with 1 and 2 threads, and on every run") {
  // The matrix products cut as for two threads in both runs: this checks the engine's own code.
  // The products themselves, cut per thread count, are checked against loops in blas_test.cpp.
  const kernels::cpu::blas::FixedBlocksScope fixed_blocks(2);
  struct ThreadCountRestorer {
    int saved = kernels::cpu::thread_count();
    ~ThreadCountRestorer() { kernels::cpu::set_thread_count(saved); }
  } restorer;
  const std::vector<ConvCase> cases = {
      {"3x3 im2col GEMM, two chunks of rows", 4, 30, 30, 64, 32, square(3, 1, 1)},
      {"grouped 3x3/2", 2, 9, 11, 8, 12, square(3, 2, 1, 2)},
      {"1x1 column matrix", 2, 7, 7, 32, 48, square(1, 1, 0)},
      {"depthwise 5x5/2", 3, 11, 9, 40, 40, square(5, 2, 2, 40)},
  };
  for (const ConvCase& c : cases) {
    INFO(describe(c));
    const Conv2dGeometry& g = c.geometry;
    const Tensor x = uniform({c.batch, c.height, c.width, c.channels}, 7, DType::Float32);
    const Shape weight_shape{c.outputs, g.kernel_h, g.kernel_w, c.channels / g.groups};
    const Tensor weight = uniform(weight_shape, 8, DType::Float32);
    const Tensor bias = uniform({c.outputs}, 9, DType::Float32);
    const Tensor grad_y = uniform(conv_output_shape(x, c.outputs, g), 10, DType::Float32);
    auto run_all = [&] {
      std::vector<Tensor> results;
      results.push_back(run_conv2d_forward(Implementation::fast, x, weight, bias, g));
      results.push_back(run_conv2d_grad_input(Implementation::fast, grad_y, weight, x.shape(), g));
      results.push_back(run_conv2d_grad_weight(Implementation::fast, grad_y, x, weight_shape, g));
      Tensor bias_gradient = poisoned({c.outputs}, DType::Float32);
      kernels::cpu::channel_sum(grad_y, bias_gradient);
      results.push_back(bias_gradient);
      return results;
    };
    kernels::cpu::set_thread_count(1);
    const std::vector<Tensor> one_thread = run_all();
    kernels::cpu::set_thread_count(2);
    const std::vector<Tensor> two_threads = run_all();
    const std::vector<Tensor> two_threads_again = run_all();
    for (std::size_t i = 0; i < one_thread.size(); ++i) {
      INFO("result " << i << " (forward, grad_input, grad_weight, channel_sum)");
      CHECK(bitwise_equal(one_thread[i], two_threads[i]));
      CHECK(bitwise_equal(two_threads[i], two_threads_again[i]));
    }
  }
}

TEST_CASE("conv2d fast path on an empty batch: empty outputs and a zero weight gradient") {
  for (const Conv2dGeometry& g : {square(3, 1, 1), square(1, 1, 0), square(3, 2, 1, 4)}) {
    INFO("kernel " << g.kernel_h << " groups " << g.groups);
    const Tensor x = Tensor::zeros({0, 5, 5, 4});
    const Shape weight_shape{4, g.kernel_h, g.kernel_w, 4 / g.groups};
    const Tensor weight = uniform(weight_shape, 1, DType::Float32);
    CHECK(run_conv2d_forward(Implementation::fast, x, weight, Tensor(), g).numel() == 0);
    const Tensor grad_y = Tensor::zeros(conv_output_shape(x, 4, g));
    CHECK(run_conv2d_grad_input(Implementation::fast, grad_y, weight, x.shape(), g).numel() == 0);
    // A sum over no pixels: zero, and the NaN poison must be overwritten.
    CHECK_CLOSE(run_conv2d_grad_weight(Implementation::fast, grad_y, x, weight_shape, g),
                Tensor::zeros(weight_shape, DType::Float64), 0.0, 0.0);
  }
}

TEST_CASE("channel_sum of a large float32 tensor matches a float64 sum") {
  // 4000 rows of values in [-1, 1]: channel_sum accumulates in float64 and rounds once, so it
  // is within one float32 rounding (2^-24 relative) of the float64 sum of the same values.
  const Tensor input = uniform({8, 25, 20, 37}, 11, DType::Float32);
  Tensor output = poisoned({37}, DType::Float32);
  kernels::cpu::channel_sum(input, output);
  const std::vector<double> numbers = to_doubles(input);
  std::vector<double> expected(37, 0.0);
  for (std::size_t i = 0; i < numbers.size(); ++i) expected[i % 37] += numbers[i];
  CHECK_CLOSE(output, values(expected, {37}, DType::Float64), 1e-12, std::ldexp(1.0, -24));
}

TEST_CASE("conv2d contract errors at the dispatch seam name the argument") {
  const Tensor x = Tensor::zeros({2, 5, 5, 4});
  const Tensor weight = Tensor::zeros({6, 3, 3, 4});
  const Conv2dGeometry g = square(3, 1, 1);
  Tensor y = Tensor::zeros({2, 5, 5, 6});
  auto message_of = [](const auto& call) -> std::string {
    try {
      call();
    } catch (const kernels::ContractError& error) {
      return error.what();
    }
    return "no ContractError";
  };
  auto expect = [](const std::string& message, const std::vector<std::string>& parts) {
    INFO(message);
    for (const std::string& part : parts) CHECK(message.find(part) != std::string::npos);
  };
  expect(message_of([&] {
           kernels::conv2d_forward(x, Tensor::zeros({6, 3, 3, 3}), Tensor(), y, g);
         }),
         {"conv2d_forward", "weight", "[6, 3, 3, 4]"});
  expect(message_of([&] {
           kernels::conv2d_forward(Tensor::zeros({2, 5, 5}), weight, Tensor(), y, g);
         }),
         {"conv2d_forward", "x must have rank 4"});
  expect(message_of([&] { kernels::conv2d_forward(x, weight, Tensor::zeros({5}), y, g); }),
         {"conv2d_forward", "bias"});
  expect(message_of([&] {
           Tensor wrong = Tensor::zeros({2, 4, 5, 6});
           kernels::conv2d_forward(x, weight, Tensor(), wrong, g);
         }),
         {"conv2d_forward", "y must be [2, 5, 5, 6]"});
  expect(message_of([&] {
           kernels::conv2d_forward(x, Tensor::zeros({6, 3, 3, 4}, DType::Float64), Tensor(), y, g);
         }),
         {"conv2d_forward", "weight"});
  expect(message_of([&] {
           kernels::conv2d_forward(x, Tensor::zeros({6, 3, 3, 1}), Tensor(), y, square(3, 1, 1, 3));
         }),
         {"conv2d_forward", "divisible by groups 3"});
  expect(message_of([&] {
           Tensor grad_x = Tensor::zeros({2, 5, 5, 4});
           kernels::conv2d_grad_input(Tensor::zeros({2, 5, 4, 6}), weight, grad_x, g);
         }),
         {"conv2d_grad_input", "grad_y must be [2, 5, 5, 6]"});
  expect(message_of([&] {
           Tensor grad_weight = Tensor::zeros({6, 3, 3, 4});
           kernels::conv2d_grad_weight(Tensor::zeros({2, 5, 5, 7}), x, grad_weight, g);
         }),
         {"conv2d_grad_weight", "grad_y must be [2, 5, 5, 6]"});
  expect(message_of([&] {
           Tensor output = Tensor::zeros({5});
           kernels::channel_sum(y, output);
         }),
         {"channel_sum", "output must be [6]"});
}

}  // namespace engine::testing
