// CPU vs CUDA: conv2d_forward, conv2d_grad_input and conv2d_grad_weight over the kinds of
// convolution the four networks use (3x3, 1x1, 7x7 stride 2, 1x7 and 7x1, grouped, depthwise,
// stride 2, odd sizes, channel counts around 32), plus asymmetric padding and degenerate sizes;
// the CPU side is the loop-level reference (float64 sums). Also: cuDNN really runs them, and the
// trace and run records name its algorithm.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/cuda/mode.h"
#include "kernels/trace.h"
#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

using kernels::Conv2dGeometry;
using kernels::Op;

struct ConvolutionCase {
  Shape x;  // [N, H, W, C]
  std::int64_t outputs;
  Conv2dGeometry geometry;
  bool bias;
};

Conv2dGeometry geometry(std::int64_t kernel_h, std::int64_t kernel_w, std::int64_t stride,
                        std::int64_t pad_h, std::int64_t pad_w, std::int64_t groups = 1) {
  Conv2dGeometry g;
  g.kernel_h = kernel_h;
  g.kernel_w = kernel_w;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_bottom = pad_h;
  g.pad_left = g.pad_right = pad_w;
  g.groups = groups;
  return g;
}

Conv2dGeometry asymmetric(Conv2dGeometry g, std::int64_t top, std::int64_t bottom,
                          std::int64_t left, std::int64_t right) {
  g.pad_top = top;
  g.pad_bottom = bottom;
  g.pad_left = left;
  g.pad_right = right;
  return g;
}

const std::vector<ConvolutionCase>& cases() {
  static const std::vector<ConvolutionCase> all = {
      {{1, 1, 1, 1}, 1, geometry(1, 1, 1, 0, 0), true},
      {{3, 7, 7, 31}, 33, geometry(3, 3, 1, 1, 1), true},
      {{1, 8, 8, 32}, 32, geometry(3, 3, 2, 1, 1), false},
      {{3, 9, 9, 33}, 65, geometry(3, 3, 2, 1, 1), true},
      {{1, 17, 17, 64}, 64, geometry(1, 1, 1, 0, 0), false},      // ResNet bottleneck 1x1
      {{3, 9, 9, 65}, 31, geometry(1, 1, 2, 0, 0), false},        // ResNet downsample
      {{1, 17, 17, 3}, 32, geometry(7, 7, 2, 3, 3), false},       // ResNet stem
      {{3, 17, 17, 32}, 33, geometry(1, 7, 1, 0, 3), true},       // Inception 1x7
      {{1, 17, 17, 33}, 31, geometry(7, 1, 1, 3, 0), true},       // Inception 7x1
      {{3, 17, 17, 32}, 32, geometry(3, 3, 1, 1, 1, 32), false},  // depthwise
      {{1, 9, 9, 33}, 33, geometry(5, 5, 2, 2, 2, 33), false},    // depthwise 5x5 stride 2
      {{3, 8, 8, 64}, 64, geometry(3, 3, 2, 1, 1, 64), true},     // depthwise stride 2
      {{3, 9, 9, 64}, 32, geometry(3, 3, 1, 1, 1, 2), true},      // two groups
      {{1, 7, 7, 31}, 62, geometry(3, 3, 1, 1, 1, 31), false},    // groups = C, 2 outputs each
      {{3, 7, 7, 33}, 65, geometry(3, 3, 1, 0, 0), true},         // no padding
      {{3, 1, 1, 65}, 64, geometry(1, 1, 1, 0, 0), true},         // 1x1 image
      {{1, 1, 1, 31}, 32, geometry(3, 3, 1, 1, 1), false},        // padding everywhere
      {{3, 9, 9, 31}, 33, asymmetric(geometry(3, 3, 2, 0, 0), 0, 1, 0, 1), true},  // "same"
      {{1, 8, 8, 16}, 16, asymmetric(geometry(3, 3, 1, 0, 0), 1, 1, 2, 0), false},
  };
  return all;
}

std::string describe(const ConvolutionCase& c) {
  const Conv2dGeometry& g = c.geometry;
  std::ostringstream text;
  text << "x" << to_string(c.x) << " -> " << c.outputs << " outputs, kernel " << g.kernel_h << "x"
       << g.kernel_w << ", stride " << g.stride_h << ", pad " << g.pad_top << "," << g.pad_bottom
       << "," << g.pad_left << "," << g.pad_right << ", groups " << g.groups
       << (c.bias ? ", bias" : "");
  return text.str();
}

Shape output_shape(const ConvolutionCase& c) {
  return {c.x[0], c.geometry.output_h(c.x[1]), c.geometry.output_w(c.x[2]), c.outputs};
}

Shape weight_shape(const ConvolutionCase& c) {
  const Conv2dGeometry& g = c.geometry;
  return {c.outputs, g.kernel_h, g.kernel_w, c.x[3] / g.groups};
}

// Every output is a sum of `terms` products of values in [-1, 1]. cuDNN may sum in any order and
// use Winograd or FFT transforms, whose float32 error is a few times that of plain summation,
// itself of order u * terms at worst (the CPU tests allow 4 u terms for BLAS). 32 u terms leaves
// 8x that, yet one missed or misplaced tap moves an output by |x w|, on average 1/4, orders of
// magnitude more for every case here (the largest: 32 u 868 = 1.7e-3 in float32).
Tolerance convolution_tolerance(DType dtype, std::int64_t terms) {
  return {32.0 * unit_roundoff(dtype) * static_cast<double>(std::max<std::int64_t>(terms, 1)), 0.0};
}

// Runs the three passes of one case on the CPU reference and the GPU and compares them.
void check_case(const ConvolutionCase& c, DType dtype) {
  const Conv2dGeometry& g = c.geometry;
  const Shape y_shape = output_shape(c), w_shape = weight_shape(c);
  const Tensor x = uniform(c.x, 31, dtype), weight = uniform(w_shape, 32, dtype);
  const Tensor bias = c.bias ? uniform({c.outputs}, 33, dtype) : Tensor();
  const Tensor grad_y = uniform(y_shape, 34, dtype);
  const std::int64_t patch = g.kernel_h * g.kernel_w * (c.x[3] / g.groups);
  const std::int64_t taps_per_input = g.kernel_h * g.kernel_w * (c.outputs / g.groups);
  const std::int64_t pixels = y_shape[0] * y_shape[1] * y_shape[2];

  // The CPU side runs the loop-level reference, which sums in float64 and rounds once.
  auto on = [](Device device, auto&& call) {
    if (device.is_cpu()) {
      kernels::ReferenceKernelsScope reference;
      call();
    } else {
      call();
    }
  };
  check_parity({Op::conv2d_forward},
               [&](Device device) {
                 Tensor y = poisoned(y_shape, dtype, device);
                 const Tensor b = c.bias ? bias.to(device) : Tensor();
                 on(device,
                    [&] { kernels::conv2d_forward(x.to(device), weight.to(device), b, y, g); });
                 return std::vector<Tensor>{y};
               },
               {convolution_tolerance(dtype, patch + (c.bias ? 1 : 0))});
  check_parity({Op::conv2d_grad_input},
               [&](Device device) {
                 Tensor grad_x = poisoned(c.x, dtype, device);
                 on(device, [&] {
                   kernels::conv2d_grad_input(grad_y.to(device), weight.to(device), grad_x, g);
                 });
                 return std::vector<Tensor>{grad_x};
               },
               {convolution_tolerance(dtype, taps_per_input)});
  check_parity({Op::conv2d_grad_weight},
               [&](Device device) {
                 Tensor grad_weight = poisoned(w_shape, dtype, device);
                 on(device, [&] {
                   kernels::conv2d_grad_weight(grad_y.to(device), x.to(device), grad_weight, g);
                 });
                 return std::vector<Tensor>{grad_weight};
               },
               {convolution_tolerance(dtype, pixels)});
}

// Restores the determinism mode a test changed.
struct ModeGuard {
  bool previous = kernels::cuda::deterministic();
  ~ModeGuard() { kernels::cuda::set_deterministic(previous); }
};

// "[3,7,7,31]", as ConvolutionProblem::describe() writes extents: to_string's without spaces.
std::string extents(const Shape& shape) {
  std::string text = to_string(shape);
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  return text;
}

// Prints (for the GPU log) the algorithm each pass of case `c` ran with, and checks each choice:
// a cuDNN algorithm (with FMA math in deterministic float32), or engine_direct with its reason.
// Grouped, depthwise and float64 problems may correctly fall back to a later cuDNN candidate or
// to engine_direct (cudnn_convolution.h), and the parity checks hold either way; a plain float32
// convolution (one group, symmetric padding) must run in cuDNN.
void report_choices(const ConvolutionCase& c, DType dtype) {
  const std::string prefix =
      dtype_name(dtype) + " x" + extents(c.x) + " w" + extents(weight_shape(c));
  const bool plain = dtype == DType::Float32 && c.geometry.groups == 1 &&
                     c.geometry.pad_top == c.geometry.pad_bottom &&
                     c.geometry.pad_left == c.geometry.pad_right;
  int choices = 0;
  for (const kernels::cuda::AlgorithmChoice& choice : kernels::cuda::algorithm_choices()) {
    if (choice.mode != "deterministic" || choice.problem.rfind(prefix, 0) != 0) continue;
    ++choices;
    MESSAGE(describe(c) << ", " << dtype_name(dtype) << ", " << choice.op << ": "
                        << choice.algorithm << ", " << choice.math << " (" << choice.reason << ")");
    if (choice.algorithm == "engine_direct") {
      CHECK_FALSE(plain);
      CHECK_FALSE(choice.reason.empty());
    } else {
      CHECK(choice.algorithm.rfind("CUDNN_CONVOLUTION_", 0) == 0);
      if (dtype == DType::Float32) CHECK(choice.math == "CUDNN_FMA_MATH");
    }
  }
  CHECK(choices >= 3);  // one per pass, more where a choice was replaced after a failure
}

}  // namespace

TEST_CASE("conv2d in float32: parity, and the algorithm of every case (cuDNN for plain ones)") {
  for (const ConvolutionCase& c : cases()) {
    INFO(describe(c));
    check_case(c, DType::Float32);
    report_choices(c, DType::Float32);
  }
}

TEST_CASE("conv2d in float64: parity, and the algorithm of every case") {
  for (const ConvolutionCase& c : cases()) {
    INFO(describe(c));
    check_case(c, DType::Float64);
    report_choices(c, DType::Float64);
  }
}

TEST_CASE(
    "an algorithm that fails to execute gives way to the next candidate, then engine_direct") {
  struct PlantedFailures {
    explicit PlantedFailures(int count) {
      kernels::cuda::fail_next_cudnn_executions_for_testing(count);
    }
    ~PlantedFailures() { kernels::cuda::fail_next_cudnn_executions_for_testing(0); }
  };
  // Shapes no other test uses, so that each makes its own choices.
  const ConvolutionCase once{{2, 11, 11, 8}, 12, geometry(3, 3, 1, 1, 1), false};
  const ConvolutionCase always{{2, 13, 13, 8}, 12, geometry(3, 3, 1, 1, 1), false};
  {
    const PlantedFailures planted(1);  // the forward pass's first candidate fails
    check_case(once, DType::Float32);
  }
  {
    const PlantedFailures planted(1000);  // every candidate of every pass fails
    check_case(always, DType::Float32);
  }
  int replaced = 0, direct = 0;
  for (const kernels::cuda::AlgorithmChoice& choice : kernels::cuda::algorithm_choices()) {
    const bool is_once = choice.problem.rfind("float32 x[2,11,11,8]", 0) == 0;
    const bool is_always = choice.problem.rfind("float32 x[2,13,13,8]", 0) == 0;
    if (!is_once && !is_always) continue;
    MESSAGE(choice.op << " " << choice.problem << ": " << choice.algorithm << " (" << choice.reason
                      << ")");
    const bool after_failure = choice.reason.find("planted by") != std::string::npos;
    if (is_once && after_failure) {
      ++replaced;
      CHECK(choice.op == "conv2d_forward");
      // The next candidate when cuDNN offered two or more, else engine_direct.
      CHECK((choice.algorithm.rfind("CUDNN_CONVOLUTION_FWD_ALGO_", 0) == 0 ||
             choice.algorithm == "engine_direct"));
    }
    if (is_always && after_failure) {
      ++direct;
      CHECK(choice.algorithm == "engine_direct");
      CHECK(choice.reason.rfind("every acceptable cuDNN algorithm failed to execute", 0) == 0);
    }
  }
  CHECK(replaced == 1);  // replaced once, then the cached replacement ran (parity's second run)
  CHECK(direct == 3);    // each pass
}

TEST_CASE("the trace and the run record name the cuDNN algorithm and math of each pass") {
  const std::string path =
      (std::filesystem::temp_directory_path() / "gpu_tests_convolution_trace.jsonl").string();
  kernels::start_trace(path);
  check_case({{2, 9, 9, 16}, 24, geometry(3, 3, 1, 1, 1), true}, DType::Float32);
  kernels::stop_trace();
  std::ifstream file(path);
  REQUIRE(file.good());
  int cuda_lines = 0;
  for (std::string line; std::getline(file, line);) {
    if (line.find("\"backend\":\"cuda\"") == std::string::npos) continue;
    for (const auto& [op, prefix] :
         {std::pair<std::string, std::string>{"conv2d_forward", "CUDNN_CONVOLUTION_FWD_ALGO_"},
          {"conv2d_grad_input", "CUDNN_CONVOLUTION_BWD_DATA_ALGO_"},
          {"conv2d_grad_weight", "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_"}}) {
      if (line.find("\"op\":\"" + op + "\"") == std::string::npos) continue;
      ++cuda_lines;
      INFO(line);
      CHECK(line.find("\"algorithm\":\"" + prefix) != std::string::npos);
      CHECK(line.find("\"math\":\"CUDNN_FMA_MATH\"") != std::string::npos);
      CHECK(line.find("\"mode\":\"deterministic\"") != std::string::npos);
    }
  }
  CHECK(cuda_lines == 6);  // each pass twice (check_parity runs the GPU twice)
  std::remove(path.c_str());
  bool recorded = false;
  for (const auto& choice : kernels::cuda::algorithm_choices()) {
    recorded = recorded || (choice.op == "conv2d_forward" &&
                            choice.problem.find("x[2,9,9,16]") != std::string::npos);
  }
  CHECK(recorded);
}

TEST_CASE("fast mode: benchmarked algorithms, TF32 allowed, close to the CPU") {
  const ModeGuard guard;
  kernels::cuda::set_deterministic(false);
  const ConvolutionCase c{{3, 17, 17, 32}, 64, geometry(3, 3, 1, 1, 1), true};
  const Conv2dGeometry& g = c.geometry;
  const Tensor x = uniform(c.x, 41, DType::Float32);
  const Tensor weight = uniform(weight_shape(c), 42, DType::Float32);
  const Tensor bias = uniform({c.outputs}, 43, DType::Float32);
  const Tensor grad_y = uniform(output_shape(c), 44, DType::Float32);
  Tensor y = poisoned(output_shape(c), DType::Float32, Device::cpu());
  Tensor grad_x = poisoned(c.x, DType::Float32, Device::cpu());
  Tensor grad_weight = poisoned(weight_shape(c), DType::Float32, Device::cpu());
  {
    kernels::ReferenceKernelsScope reference;
    kernels::conv2d_forward(x, weight, bias, y, g);
    kernels::conv2d_grad_input(grad_y, weight, grad_x, g);
    kernels::conv2d_grad_weight(grad_y, x, grad_weight, g);
  }
  Tensor gpu_y = poisoned(output_shape(c), DType::Float32, gpu());
  Tensor gpu_grad_x = poisoned(c.x, DType::Float32, gpu());
  Tensor gpu_grad_weight = poisoned(weight_shape(c), DType::Float32, gpu());
  kernels::conv2d_forward(x.to(gpu()), weight.to(gpu()), bias.to(gpu()), gpu_y, g);
  kernels::conv2d_grad_input(grad_y.to(gpu()), weight.to(gpu()), gpu_grad_x, g);
  kernels::conv2d_grad_weight(grad_y.to(gpu()), x.to(gpu()), gpu_grad_weight, g);
  // TF32 keeps 10 bits of each factor's mantissa: every product is off by up to 2^-10 relative,
  // with random sign, so the error of a sum of `terms` products of size at most 1 (1/4 on
  // average) has a standard deviation under 2^-10 sqrt(terms) / 4. 4 * 2^-10 sqrt(terms) is 16
  // of them (0.12 at most here), far below what a wrong index does to a sum of random terms
  // (of order sqrt(terms) / 3, 3 to 10 here).
  auto tf32 = [](std::int64_t terms) {
    return 4.0 * std::ldexp(1.0, -10) * std::sqrt(static_cast<double>(terms));
  };
  CHECK_CLOSE(gpu_y, y, tf32(3 * 3 * 32 + 1), 0.0);
  CHECK_CLOSE(gpu_grad_x, grad_x, tf32(3 * 3 * 64), 0.0);
  CHECK_CLOSE(gpu_grad_weight, grad_weight, tf32(3 * 17 * 17), 0.0);
  int fast_choices = 0;
  for (const auto& choice : kernels::cuda::algorithm_choices()) {
    if (choice.mode != "fast") continue;
    INFO(choice.op << " " << choice.problem << ": " << choice.algorithm << ", " << choice.math
                   << ", " << choice.reason);
    ++fast_choices;
    CHECK(choice.algorithm.rfind("CUDNN_CONVOLUTION_", 0) == 0);
  }
  CHECK(fast_choices == 3);
}

}  // namespace engine::testing
