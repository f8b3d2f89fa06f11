// CPU vs CUDA: max, average and global average pooling, forward and backward, including ties and
// NaN in max pooling and both average-pooling divisors.
#include <cmath>
#include <limits>
#include <vector>

#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

using kernels::Op;
using kernels::Pool2dGeometry;

struct PoolCase {
  Shape x;
  Pool2dGeometry geometry;
};

Pool2dGeometry pool(std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                    bool count_include_pad = true) {
  Pool2dGeometry g;
  g.kernel_h = g.kernel_w = kernel;
  g.stride_h = g.stride_w = stride;
  g.pad_h = g.pad_w = pad;
  g.count_include_pad = count_include_pad;
  return g;
}

const PoolCase pool_cases[] = {
    {{3, 17, 17, 33}, pool(3, 2, 1)},  // ResNet's stem pooling
    {{1, 8, 8, 64}, pool(3, 2, 1)},
    {{3, 9, 9, 31}, pool(3, 2, 0)},         // Inception's reductions
    {{3, 7, 7, 65}, pool(3, 1, 1, false)},  // Inception's average pooling
    {{1, 17, 17, 32}, pool(3, 1, 1, true)},
    {{3, 8, 8, 1}, pool(2, 2, 0)},
    {{2, 9, 9, 3}, pool(5, 3, 2, false)},  // overlapping windows at stride 3, odd padding
    {{3, 1, 1, 33}, pool(1, 1, 0)},
    {{1, 7, 7, 32},
     {.kernel_h = 3,
      .kernel_w = 1,
      .stride_h = 2,
      .stride_w = 1,
      .pad_h = 1,
      .pad_w = 0,
      .count_include_pad = false}},
};

Shape pooled_shape(const PoolCase& c) {
  return {c.x[0], c.geometry.output_h(c.x[1]), c.geometry.output_w(c.x[2]), c.x[3]};
}

// Values on a coarse grid (multiples of 1/4 in [-1, 1]): many windows hold their maximum twice,
// so the first-maximum rule for ties is exercised on both devices.
Tensor tied_input(const Shape& shape, DType dtype) {
  std::vector<double> values = uniform(shape, 71, DType::Float64).to_vector<double>();
  for (double& value : values) value = std::round(value * 4.0) / 4.0;
  return Tensor::from_vector(values, shape).to(dtype);
}

}  // namespace

TEST_CASE("max pooling forward and backward: same window, ties and gradient routing, same bits") {
  for (DType dtype : parity_dtypes) {
    for (const PoolCase& c : pool_cases) {
      INFO(dtype_name(dtype) << to_string(c.x) << " kernel " << c.geometry.kernel_h << "x"
                             << c.geometry.kernel_w << " stride " << c.geometry.stride_h << " pad "
                             << c.geometry.pad_h);
      const Tensor x = tied_input(c.x, dtype);
      const Tensor grad_y = uniform(pooled_shape(c), 72, dtype);
      check_parity({Op::max_pool2d_forward},
                   [&](Device device) {
                     Tensor y = poisoned(pooled_shape(c), dtype, device);
                     kernels::max_pool2d_forward(x.to(device), y, c.geometry);
                     return std::vector<Tensor>{y};
                   },
                   {exact});
      check_parity({Op::max_pool2d_backward},
                   [&](Device device) {
                     Tensor grad_x = poisoned(c.x, dtype, device);
                     kernels::max_pool2d_backward(grad_y.to(device), x.to(device), grad_x,
                                                  c.geometry);
                     return std::vector<Tensor>{grad_x};
                   },
                   {exact});
    }
  }
}

TEST_CASE("max pooling: a NaN wins its windows on both devices") {
  const PoolCase c{{1, 5, 5, 2}, pool(3, 2, 1)};
  std::vector<double> values = uniform(c.x, 73, DType::Float64).to_vector<double>();
  values[2 * 6 + 1] = std::numeric_limits<double>::quiet_NaN();  // (h 1, w 1), channel 1
  const Tensor x = Tensor::from_vector(values, c.x).to(DType::Float32);
  Tensor expected = poisoned(pooled_shape(c), DType::Float32, Device::cpu());
  kernels::max_pool2d_forward(x, expected, c.geometry);
  Tensor actual = poisoned(pooled_shape(c), DType::Float32, gpu());
  kernels::max_pool2d_forward(x.to(gpu()), actual, c.geometry);
  CHECK(bitwise_equal(actual, expected));  // compare() would call every NaN a mismatch
  const Tensor grad_y = uniform(pooled_shape(c), 74, DType::Float32);
  Tensor expected_grad = poisoned(c.x, DType::Float32, Device::cpu());
  kernels::max_pool2d_backward(grad_y, x, expected_grad, c.geometry);
  Tensor actual_grad = poisoned(c.x, DType::Float32, gpu());
  kernels::max_pool2d_backward(grad_y.to(gpu()), x.to(gpu()), actual_grad, c.geometry);
  CHECK_CLOSE(actual_grad, expected_grad, 0.0, 0.0);
}

TEST_CASE("average pooling forward and backward: both divisors, same bits") {
  // Both devices sum the window in float64 in row-major order and divide once (forward), and add
  // the same float shares in the same output order (backward): identical operations.
  for (DType dtype : parity_dtypes) {
    for (const PoolCase& c : pool_cases) {
      INFO(dtype_name(dtype) << to_string(c.x) << " kernel " << c.geometry.kernel_h << "x"
                             << c.geometry.kernel_w << " stride " << c.geometry.stride_h << " pad "
                             << c.geometry.pad_h << " count_include_pad "
                             << c.geometry.count_include_pad);
      const Tensor x = uniform(c.x, 75, dtype);
      const Tensor grad_y = uniform(pooled_shape(c), 76, dtype);
      check_parity({Op::avg_pool2d_forward},
                   [&](Device device) {
                     Tensor y = poisoned(pooled_shape(c), dtype, device);
                     kernels::avg_pool2d_forward(x.to(device), y, c.geometry);
                     return std::vector<Tensor>{y};
                   },
                   {exact});
      check_parity({Op::avg_pool2d_backward},
                   [&](Device device) {
                     Tensor grad_x = poisoned(c.x, dtype, device);
                     kernels::avg_pool2d_backward(grad_y.to(device), grad_x, c.geometry);
                     return std::vector<Tensor>{grad_x};
                   },
                   {exact});
    }
  }
}

TEST_CASE("global average pooling forward and backward") {
  for (DType dtype : parity_dtypes) {
    for (const Shape& shape :
         {Shape{1, 1, 1, 33}, Shape{3, 7, 7, 2048}, Shape{3, 17, 17, 65}, Shape{2, 56, 56, 32}}) {
      INFO(dtype_name(dtype) << to_string(shape));
      const std::int64_t pixels = shape[1] * shape[2];
      const Tensor x = uniform(shape, 77, dtype);
      const Tensor grad_y = uniform({shape[0], shape[3]}, 78, dtype);
      // The forward's float64 sums run in another order on each device (2^-53 * pixels of the
      // mean, relative to values of size 1, times a margin of 8); float32 then rounds each once:
      // at most one ulp apart, 2^-22 relative.
      const Tolerance mean_tolerance{8.0 * std::ldexp(1.0, -53) * static_cast<double>(pixels),
                                     dtype == DType::Float32 ? std::ldexp(1.0, -22) : 0.0};
      check_parity({Op::global_avg_pool_forward},
                   [&](Device device) {
                     Tensor y = poisoned({shape[0], shape[3]}, dtype, device);
                     kernels::global_avg_pool_forward(x.to(device), y);
                     return std::vector<Tensor>{y};
                   },
                   {mean_tolerance});
      check_parity({Op::global_avg_pool_backward},
                   [&](Device device) {
                     Tensor grad_x = poisoned(shape, dtype, device);
                     kernels::global_avg_pool_backward(grad_y.to(device), grad_x);
                     return std::vector<Tensor>{grad_x};
                   },
                   {exact});
    }
  }
}

}  // namespace engine::testing
