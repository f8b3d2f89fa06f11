// CPU vs CUDA: fill, copy (every pair of dtypes, strided sources, bfloat16 rounding), add, scale,
// squared_norm, sum_forward, sum_backward and channel_sum.
#include <cmath>
#include <limits>
#include <vector>

#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

using kernels::Op;

constexpr DType all_dtypes[] = {DType::Float32, DType::Float64, DType::BFloat16,
                                DType::UInt8,   DType::Int32,   DType::Int64};

// A whole-tensor float64 sum of n terms of magnitude at most 1 has rounding error of order
// 2^-53 * n in either summation order (partial sums of size sqrt(n), n roundings: a random walk of
// size 2^-53 sqrt(n) sqrt(n)); 8x that bounds the difference of the two backends' orders. In
// float32 the result is then rounded once on each side, which may land one ulp apart: 2^-22
// relative covers it.
Tolerance sum_tolerance(DType dtype, std::int64_t terms) {
  const double float64_orders = 8.0 * std::ldexp(1.0, -53) * static_cast<double>(terms);
  return {float64_orders, dtype == DType::Float32 ? std::ldexp(1.0, -22) : 0.0};
}

}  // namespace

TEST_CASE("fill: every dtype, the CPU's conversion of the value") {
  for (DType dtype : all_dtypes) {
    // Values representable in the dtype's range (the conversion of out-of-range values is
    // undefined in C++ on either device).
    const double value = dtype == DType::UInt8                            ? 200.0
                         : dtype == DType::Int32 || dtype == DType::Int64 ? -7.0
                                                                          : 3.14159265358979;
    for (const Shape& shape : {Shape{}, Shape{0}, Shape{1}, Shape{3, 7, 7, 33}, Shape{100003}}) {
      INFO(dtype_name(dtype) << to_string(shape));
      check_parity({Op::fill},
                   [&](Device device) {
                     Tensor output = poisoned(shape, DType::Float64, device).to(dtype);
                     kernels::fill(output, value);
                     return std::vector<Tensor>{output};
                   },
                   {exact});
    }
  }
}

TEST_CASE("copy: every pair of dtypes, contiguous and strided sources") {
  for (DType source_dtype : all_dtypes) {
    for (DType destination_dtype : all_dtypes) {
      INFO(dtype_name(source_dtype) << " -> " << dtype_name(destination_dtype));
      // Values in [0, 200] with fractions: in range for uint8 and exercises truncation toward
      // zero and bfloat16's rounding.
      const Tensor values = uniform({4, 6, 5}, 11, DType::Float64, 0.0, 200.0).to(source_dtype);
      for (const bool strided : {false, true}) {
        INFO(std::string(strided ? "strided" : "contiguous") << " source");
        check_parity({Op::copy},
                     [&](Device device) {
                       const Tensor whole = values.to(device);
                       const Tensor source = strided ? whole.narrow(1, 1, 3) : whole;
                       Tensor destination =
                           poisoned(source.shape(), DType::Float64, device).to(destination_dtype);
                       kernels::copy(source, destination);
                       return std::vector<Tensor>{destination};
                     },
                     {exact});
      }
    }
  }
}

TEST_CASE("copy: float32 to bfloat16 rounds to nearest even and keeps NaN and infinity") {
  const float infinity = std::numeric_limits<float>::infinity();
  // 1 + 2^-8 is halfway between two bfloat16 values (ties to even: 1), 1 + 3 * 2^-8 rounds up,
  // and the smallest subnormal rounds to 0.
  const std::vector<float> values = {
      1.0f,     1.00390625f, 1.01171875f,
      -2.5f,    1e-45f,      3.0e38f,
      infinity, -infinity,   std::numeric_limits<float>::quiet_NaN()};
  const Tensor source = Tensor::from_vector(values, {static_cast<std::int64_t>(values.size())});
  const Tensor on_cpu = source.to(DType::BFloat16);
  const Tensor on_gpu = source.to(gpu()).to(DType::BFloat16);
  CHECK(on_gpu.device().is_cuda());
  CHECK(bitwise_equal(on_gpu, on_cpu));  // NaN compares by its bits here
  CHECK(bitwise_equal(on_gpu.to(DType::Float32), on_cpu.to(DType::Float32)));
}

TEST_CASE("add and scale: one operation per element, equal bits") {
  for (DType dtype : parity_dtypes) {
    for (const Shape& shape : {Shape{1}, Shape{31}, Shape{3, 9, 9, 65}, Shape{65537}}) {
      INFO(dtype_name(dtype) << to_string(shape));
      const Tensor a = uniform(shape, 1, dtype), b = uniform(shape, 2, dtype);
      check_parity({Op::add},
                   [&](Device device) {
                     Tensor output = poisoned(shape, dtype, device);
                     kernels::add(a.to(device), b.to(device), output);
                     return std::vector<Tensor>{output};
                   },
                   {exact});
      check_parity({Op::scale},
                   [&](Device device) {
                     Tensor output = poisoned(shape, dtype, device);
                     kernels::scale(a.to(device), -0.3, output);
                     return std::vector<Tensor>{output};
                   },
                   {exact});
    }
  }
}

TEST_CASE("add: the output may alias an input") {
  const Tensor a = uniform({1000}, 3, DType::Float32), b = uniform({1000}, 4, DType::Float32);
  Tensor expected = a.clone();
  kernels::add(expected, b, expected);
  Tensor in_place = a.to(gpu());
  kernels::add(in_place, b.to(gpu()), in_place);
  CHECK_CLOSE(in_place, expected, 0.0, 0.0);
}

TEST_CASE("squared_norm, sum_forward and sum_backward") {
  for (DType dtype : parity_dtypes) {
    for (std::int64_t count : {0, 1, 33, 2049, 100003}) {
      INFO(dtype_name(dtype) << " " << count << " elements");
      const Tensor x = uniform({count}, 5, dtype);
      check_parity({Op::squared_norm},
                   [&](Device device) {
                     Tensor output = poisoned({}, dtype, device);
                     kernels::squared_norm(x.to(device), output);
                     return std::vector<Tensor>{output};
                   },
                   {sum_tolerance(dtype, count)});
      check_parity({Op::sum_forward},
                   [&](Device device) {
                     Tensor output = poisoned({}, dtype, device);
                     kernels::sum_forward(x.to(device), 1.0 / std::max<std::int64_t>(count, 1),
                                          output);
                     return std::vector<Tensor>{output};
                   },
                   {sum_tolerance(dtype, count)});
      const Tensor grad_output = uniform({}, 6, dtype);
      check_parity({Op::sum_backward},
                   [&](Device device) {
                     Tensor grad_x = poisoned({count}, dtype, device);
                     kernels::sum_backward(grad_output.to(device), 0.25, grad_x);
                     return std::vector<Tensor>{grad_x};
                   },
                   {exact});
    }
  }
}

TEST_CASE("channel_sum: channel counts around the 32-wide column tiles, rows around the chunks") {
  for (DType dtype : parity_dtypes) {
    for (const Shape& shape : {Shape{1, 1}, Shape{7, 31}, Shape{2049, 32}, Shape{5000, 33},
                               Shape{3, 9, 9, 65}, Shape{2, 8, 8, 64}, Shape{1, 17, 17, 1}}) {
      INFO(dtype_name(dtype) << to_string(shape));
      const Tensor input = uniform(shape, 7, dtype);
      const std::int64_t channels = shape.back();
      check_parity({Op::channel_sum},
                   [&](Device device) {
                     Tensor output = poisoned({channels}, dtype, device);
                     kernels::channel_sum(input.to(device), output);
                     return std::vector<Tensor>{output};
                   },
                   {sum_tolerance(dtype, input.numel() / channels)});
    }
  }
}

}  // namespace engine::testing
