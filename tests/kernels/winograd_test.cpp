// The Winograd F(2x2, 3x3) path (kernels/cpu/winograd.h) against the loop-level reference:
// which convolutions take it, forward (with and without bias) and grad_input over odd and even
// output sizes, paddings 0, 1 and 2 (asymmetric too), several chunks of tiles, and the real
// 3x3 layer widths of ResNet and InceptionV3; the same bits with 1 and 2 threads.
//
// Tolerance: the same as the im2col path's (sum_tolerance over 9 C terms, convolution_test.cpp).
// The transforms add roundings of their own (the transformed inputs are sums of up to 16 inputs),
// but with inputs in [-1, 1] the largest error seen on these cases, 3.8e-6, was between a tenth
// and a quarter of that bound (measured by shrinking it until checks failed: 0.4 of it passed,
// 0.1 failed).
#include "kernels/cpu/winograd.h"

#include <doctest/doctest.h>

#include <sstream>

#include "kernels/cpu/blas.h"
#include "kernels/cpu/parallel.h"
#include "tests/harness/compare.h"
#include "tests/kernels/convolution_support.h"

namespace engine::testing {

namespace {

struct WinogradCase {
  const char* name;
  std::int64_t batch, height, width, channels, outputs;
  std::int64_t pad_top, pad_bottom, pad_left, pad_right;
  bool bias = true;

  Conv2dGeometry geometry() const {
    return {3, 3, 1, 1, pad_top, pad_bottom, pad_left, pad_right, 1};
  }
};

std::string describe(const WinogradCase& c) {
  std::ostringstream text;
  text << c.name << ": x [" << c.batch << ", " << c.height << ", " << c.width << ", " << c.channels
       << "] -> " << c.outputs << ", pad (t" << c.pad_top << " b" << c.pad_bottom << " l"
       << c.pad_left << " r" << c.pad_right << ")";
  return text.str();
}

bool takes_winograd(const WinogradCase& c, DType dtype) {
  const Tensor x = Tensor::zeros({c.batch, c.height, c.width, c.channels}, dtype);
  const Tensor weight = Tensor::zeros({c.outputs, 3, 3, c.channels}, dtype);
  return kernels::cpu::winograd_applies(kernels::cpu::convolution_shape(x, weight, c.geometry()),
                                        dtype);
}

void check_against_reference(const WinogradCase& c, std::uint64_t seed) {
  INFO(describe(c));
  REQUIRE(takes_winograd(c, DType::Float32));
  const Conv2dGeometry g = c.geometry();
  const DType dtype = DType::Float32;
  const Tensor x = uniform({c.batch, c.height, c.width, c.channels}, seed, dtype);
  const Tensor weight = uniform({c.outputs, 3, 3, c.channels}, seed + 1, dtype);
  const Tensor bias = c.bias ? uniform({c.outputs}, seed + 2, dtype) : Tensor();
  const Tensor grad_y = uniform(conv_output_shape(x, c.outputs, g), seed + 3, dtype);

  const Tensor y = run_conv2d_forward(Implementation::fast, x, weight, bias, g);
  const Tensor y_reference = run_conv2d_forward(Implementation::reference, x, weight, bias, g);
  CHECK_CLOSE(y, y_reference, sum_tolerance(dtype, 9 * c.channels + 1), 0.0);

  const Tensor grad_x = run_conv2d_grad_input(Implementation::fast, grad_y, weight, x.shape(), g);
  const Tensor grad_x_reference =
      run_conv2d_grad_input(Implementation::reference, grad_y, weight, x.shape(), g);
  CHECK_CLOSE(grad_x, grad_x_reference, sum_tolerance(dtype, 9 * c.outputs), 0.0);
}

// The path is opt-in (winograd.h); each test turns it on and restores the setting it found.
struct WinogradOn {
  bool saved = kernels::cpu::winograd_enabled();
  WinogradOn() { kernels::cpu::set_winograd_enabled(true); }
  ~WinogradOn() { kernels::cpu::set_winograd_enabled(saved); }
};

}  // namespace

TEST_CASE("winograd: which convolutions take it") {
  const WinogradOn on;
  const WinogradCase eligible{"eligible", 1, 16, 16, 16, 16, 1, 1, 1, 1};
  CHECK(takes_winograd(eligible, DType::Float32));
  kernels::cpu::set_winograd_enabled(false);  // opt-in: off, nothing takes it
  CHECK_FALSE(takes_winograd(eligible, DType::Float32));
  kernels::cpu::set_winograd_enabled(true);
  CHECK_FALSE(takes_winograd(eligible, DType::Float64));  // float64 keeps im2col + GEMM
  WinogradCase few_channels = eligible;
  few_channels.channels = 3;  // the stems
  CHECK_FALSE(takes_winograd(few_channels, DType::Float32));
  WinogradCase few_tiles = eligible;
  few_tiles.height = few_tiles.width = 7;  // 16 tiles: ResNet's last stage at batch 1
  CHECK_FALSE(takes_winograd(few_tiles, DType::Float32));
  WinogradCase wide_padding = eligible;
  wide_padding.pad_left = 3;
  CHECK_FALSE(takes_winograd(wide_padding, DType::Float32));

  const auto shape_of = [](const Conv2dGeometry& g) {
    const Tensor x = Tensor::zeros({1, 32, 32, 16}, DType::Float32);
    const Tensor weight =
        Tensor::zeros({16, g.kernel_h, g.kernel_w, 16 / g.groups}, DType::Float32);
    return kernels::cpu::convolution_shape(x, weight, g);
  };
  CHECK_FALSE(
      kernels::cpu::winograd_applies(shape_of({3, 3, 2, 2, 1, 1, 1, 1, 1}), DType::Float32));
  CHECK_FALSE(
      kernels::cpu::winograd_applies(shape_of({3, 3, 1, 1, 1, 1, 1, 1, 2}), DType::Float32));
  CHECK_FALSE(
      kernels::cpu::winograd_applies(shape_of({1, 3, 1, 1, 0, 0, 1, 1, 1}), DType::Float32));
}

TEST_CASE("winograd: forward and grad_input match the reference") {
  const WinogradOn on;
  std::uint64_t seed = 500;
  for (const WinogradCase& c : std::vector<WinogradCase>{
           {"even output, pad 1", 2, 16, 16, 16, 24, 1, 1, 1, 1},
           {"odd output height and width, pad 1", 3, 15, 13, 16, 16, 1, 1, 1, 1, false},
           {"valid (pad 0), odd output", 2, 19, 18, 20, 17, 0, 0, 0, 0},
           {"pad 2 ('full'): grad_input with padding 0", 1, 14, 15, 16, 18, 2, 2, 2, 2},
           {"asymmetric padding t0 b2 l1 r0", 2, 17, 16, 24, 16, 0, 2, 1, 0},
           {"several chunks of tiles", 4, 40, 36, 32, 16, 1, 1, 1, 1, false},
           {"ResNet-50 layer3 3x3 256->256 (reduced size)", 1, 16, 16, 256, 256, 1, 1, 1, 1, false},
           {"InceptionV3 Conv2d_2a 3x3 valid 32->32", 1, 21, 21, 32, 32, 0, 0, 0, 0, false},
       }) {
    check_against_reference(c, seed);
    seed += 10;
  }
}

TEST_CASE("winograd: the same bits with 1 and 2 threads") {
  // The matrix products cut as for two threads in both runs: this checks the engine's own code.
  // The products themselves, cut per thread count, are checked against loops in blas_test.cpp.
  const kernels::cpu::blas::FixedBlocksScope fixed_blocks(2);
  struct ThreadCountRestorer {
    int saved = kernels::cpu::thread_count();
    ~ThreadCountRestorer() { kernels::cpu::set_thread_count(saved); }
  } restorer;
  const WinogradOn on;
  const WinogradCase c{"two chunks", 4, 30, 30, 64, 32, 1, 1, 1, 1};
  REQUIRE(takes_winograd(c, DType::Float32));
  const Conv2dGeometry g = c.geometry();
  const Tensor x = uniform({c.batch, c.height, c.width, c.channels}, 1, DType::Float32);
  const Tensor weight = uniform({c.outputs, 3, 3, c.channels}, 2, DType::Float32);
  const Tensor bias = uniform({c.outputs}, 3, DType::Float32);
  const Tensor grad_y = uniform(conv_output_shape(x, c.outputs, g), 4, DType::Float32);
  auto run_both = [&] {
    return std::vector<Tensor>{
        run_conv2d_forward(Implementation::fast, x, weight, bias, g),
        run_conv2d_grad_input(Implementation::fast, grad_y, weight, x.shape(), g)};
  };
  kernels::cpu::set_thread_count(1);
  const std::vector<Tensor> one_thread = run_both();
  kernels::cpu::set_thread_count(2);
  const std::vector<Tensor> two_threads = run_both();
  for (std::size_t i = 0; i < one_thread.size(); ++i) {
    CHECK_CLOSE(two_threads[i], one_thread[i], 0.0, 0.0);
  }
}

}  // namespace engine::testing
