// CPU vs CUDA: relu, silu and sigmoid, forward and backward.
#include <vector>

#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

using kernels::Op;

const Shape activation_shapes[] = {{1}, {31}, {257}, {3, 17, 17, 33}};

// exp differs between the devices by a few ulps (CUDA's expf: at most 2 ulps, glibc's: under 1;
// double exp: 1 ulp each), and each formula adds 3 or 4 roundings: at most about 8 ulps of the
// result, 2^-24 * 8 = 5e-7 relative in float32. silu's derivative s (1 + x (1 - s)) cancels near
// x = -1.28, where the error is a few ulps of 1 rather than of the result: hence the absolute
// part. float64: the same ulp counts of 2^-53.
Tolerance transcendental(DType dtype) {
  return dtype == DType::Float32 ? Tolerance{1e-6, 1e-6} : Tolerance{2e-15, 2e-15};
}

// Inputs in [-12, 12]: both branches of the stable sigmoid, saturation, and the cancellation
// region of silu's derivative.
Tensor activation_input(const Shape& shape, DType dtype) {
  return uniform(shape, 21, dtype, -12, 12);
}

template <typename Forward>
void check_forward(Op op, DType dtype, Forward forward, Tolerance tolerance) {
  for (const Shape& shape : activation_shapes) {
    INFO(dtype_name(dtype) << to_string(shape));
    const Tensor x = activation_input(shape, dtype);
    check_parity({op},
                 [&](Device device) {
                   Tensor y = poisoned(shape, dtype, device);
                   forward(x.to(device), y);
                   return std::vector<Tensor>{y};
                 },
                 {tolerance});
  }
}

// `saved` is what the backward op reads: the forward's output (relu, sigmoid) or input (silu).
template <typename Backward>
void check_backward(Op op, DType dtype, const std::function<Tensor(const Tensor&)>& saved_of,
                    Backward backward, Tolerance tolerance) {
  for (const Shape& shape : activation_shapes) {
    INFO(dtype_name(dtype) << to_string(shape));
    const Tensor saved = saved_of(activation_input(shape, dtype));
    const Tensor grad_y = uniform(shape, 22, dtype);
    check_parity({op},
                 [&](Device device) {
                   Tensor grad_x = poisoned(shape, dtype, device);
                   backward(grad_y.to(device), saved.to(device), grad_x);
                   return std::vector<Tensor>{grad_x};
                 },
                 {tolerance});
  }
}

Tensor cpu_forward(void (*forward)(const Tensor&, Tensor&), const Tensor& x) {
  Tensor y = Tensor::empty_like(x);
  forward(x, y);
  return y;
}

}  // namespace

TEST_CASE("relu forward and backward: comparisons only, equal bits") {
  for (DType dtype : parity_dtypes) {
    check_forward(Op::relu_forward, dtype, kernels::relu_forward, exact);
    // The backward reads relu's output, which has exact zeros where x <= 0.
    check_backward(
        Op::relu_backward, dtype,
        [](const Tensor& x) { return cpu_forward(kernels::relu_forward, x); },
        kernels::relu_backward, exact);
  }
}

TEST_CASE("silu forward and backward") {
  for (DType dtype : parity_dtypes) {
    check_forward(Op::silu_forward, dtype, kernels::silu_forward, transcendental(dtype));
    check_backward(
        Op::silu_backward, dtype, [](const Tensor& x) { return x; }, kernels::silu_backward,
        transcendental(dtype));
  }
}

TEST_CASE("sigmoid forward and backward") {
  for (DType dtype : parity_dtypes) {
    check_forward(Op::sigmoid_forward, dtype, kernels::sigmoid_forward, transcendental(dtype));
    check_backward(
        Op::sigmoid_backward, dtype,
        [](const Tensor& x) { return cpu_forward(kernels::sigmoid_forward, x); },
        kernels::sigmoid_backward, transcendental(dtype));
  }
}

}  // namespace engine::testing
