// Shared by the convolution and linear kernel tests: building small tensors, NaN-poisoned
// outputs, and running either implementation (the BLAS fast path cpu:: or the loop-level
// cpu::reference::) of each op on them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/backend.h"
#include "kernels/random_tensors.h"
#include "tensor/tensor.h"

namespace engine::testing {

using kernels::Conv2dGeometry;

enum class Implementation { fast, reference };

inline const char* name_of(Implementation implementation) {
  return implementation == Implementation::fast ? "fast path" : "reference";
}

// Hand-written values in the requested dtype.
inline Tensor values(const std::vector<double>& numbers, const Shape& shape, DType dtype) {
  return Tensor::from_vector(numbers, shape).to(dtype);
}

// An output every element of which is NaN until the op writes it.
inline Tensor poisoned(const Shape& shape, DType dtype) { return Tensor::full(shape, NAN, dtype); }

// Uniform in [-1, 1]: every product of two values is at most 1 in magnitude, which the
// tolerances below rely on.
inline Tensor uniform(const Shape& shape, std::uint64_t seed, DType dtype) {
  return random_uniform(shape, -1.0, 1.0, seed, 0, dtype);
}

inline Shape conv_output_shape(const Tensor& x, std::int64_t outputs, const Conv2dGeometry& g) {
  return {x.size(0), g.output_h(x.size(1)), g.output_w(x.size(2)), outputs};
}

inline Tensor run_conv2d_forward(Implementation implementation, const Tensor& x,
                                 const Tensor& weight, const Tensor& bias,
                                 const Conv2dGeometry& geometry) {
  Tensor y = poisoned(conv_output_shape(x, weight.size(0), geometry), x.dtype());
  if (implementation == Implementation::fast) {
    kernels::cpu::conv2d_forward(x, weight, bias, y, geometry);
  } else {
    kernels::cpu::reference::conv2d_forward(x, weight, bias, y, geometry);
  }
  return y;
}

inline Tensor run_conv2d_grad_input(Implementation implementation, const Tensor& grad_y,
                                    const Tensor& weight, const Shape& x_shape,
                                    const Conv2dGeometry& geometry) {
  Tensor grad_x = poisoned(x_shape, grad_y.dtype());
  if (implementation == Implementation::fast) {
    kernels::cpu::conv2d_grad_input(grad_y, weight, grad_x, geometry);
  } else {
    kernels::cpu::reference::conv2d_grad_input(grad_y, weight, grad_x, geometry);
  }
  return grad_x;
}

inline Tensor run_conv2d_grad_weight(Implementation implementation, const Tensor& grad_y,
                                     const Tensor& x, const Shape& weight_shape,
                                     const Conv2dGeometry& geometry) {
  Tensor grad_weight = poisoned(weight_shape, x.dtype());
  if (implementation == Implementation::fast) {
    kernels::cpu::conv2d_grad_weight(grad_y, x, grad_weight, geometry);
  } else {
    kernels::cpu::reference::conv2d_grad_weight(grad_y, x, grad_weight, geometry);
  }
  return grad_weight;
}

inline Tensor run_linear_forward(Implementation implementation, const Tensor& x,
                                 const Tensor& weight, const Tensor& bias) {
  Tensor y = poisoned({x.size(0), weight.size(0)}, x.dtype());
  if (implementation == Implementation::fast) {
    kernels::cpu::linear_forward(x, weight, bias, y);
  } else {
    kernels::cpu::reference::linear_forward(x, weight, bias, y);
  }
  return y;
}

inline Tensor run_linear_grad_input(Implementation implementation, const Tensor& grad_y,
                                    const Tensor& weight) {
  Tensor grad_x = poisoned({grad_y.size(0), weight.size(1)}, grad_y.dtype());
  if (implementation == Implementation::fast) {
    kernels::cpu::linear_grad_input(grad_y, weight, grad_x);
  } else {
    kernels::cpu::reference::linear_grad_input(grad_y, weight, grad_x);
  }
  return grad_x;
}

inline Tensor run_linear_grad_weight(Implementation implementation, const Tensor& grad_y,
                                     const Tensor& x) {
  Tensor grad_weight = poisoned({grad_y.size(1), x.size(1)}, x.dtype());
  if (implementation == Implementation::fast) {
    kernels::cpu::linear_grad_weight(grad_y, x, grad_weight);
  } else {
    kernels::cpu::reference::linear_grad_weight(grad_y, x, grad_weight);
  }
  return grad_weight;
}

// Absolute tolerance for a fast-path result against the reference (which sums in float64 and
// rounds once) when every output is a sum of `terms` products of magnitude at most 1. Rounding
// errors of a length-L sum grow like u * L / 3 on average for such data (a random walk of
// L roundings of partial sums of size ~ sqrt(L) / 3), u = 2^-24 (float32) or 2^-53 (float64);
// 4 u L leaves a 12x margin over that average yet stays thousands of times below the O(1) error
// of a wrong index or a missed tap.
inline double sum_tolerance(DType dtype, std::int64_t terms) {
  const double unit_roundoff =
      dtype == DType::Float32 ? std::ldexp(1.0, -24) : std::ldexp(1.0, -53);
  return 4.0 * unit_roundoff * static_cast<double>(std::max<std::int64_t>(terms, 1));
}

}  // namespace engine::testing
