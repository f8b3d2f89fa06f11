// CPU fast path: the fully connected layer as BLAS matrix products (row-major).
//
//   forward      y [N, O]      = x [N, K] · weight^T [K, O] + bias   (bias written first, beta 1)
//   grad_input   grad_x [N, K] = grad_y [N, O] · weight [O, K]
//   grad_weight  grad_w [O, K] = grad_y^T [O, N] · x [N, K]
//
// The loop-level definitions these must match are in linear_reference.cpp.
#include <algorithm>

#include "kernels/backend.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu {

using blas::Transpose;

void linear_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y) {
  with_floating_type("linear_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t batch = x.size(0), inputs = x.size(1), outputs = weight.size(0);
    T* out = y.data<T>();
    if (bias.defined()) {
      for (std::int64_t n = 0; n < batch; ++n)
        std::copy_n(bias.data<T>(), outputs, out + n * outputs);
    }
    const T beta = bias.defined() ? T(1) : T(0);
    blas::gemm<T>(Transpose::no, Transpose::yes, batch, outputs, inputs, T(1), x.data<T>(), inputs,
                  weight.data<T>(), inputs, beta, out, outputs);
  });
}

void linear_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x) {
  with_floating_type("linear_grad_input", grad_x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t batch = grad_x.size(0), inputs = grad_x.size(1), outputs = weight.size(0);
    blas::gemm<T>(Transpose::no, Transpose::no, batch, inputs, outputs, T(1), grad_y.data<T>(),
                  outputs, weight.data<T>(), inputs, T(0), grad_x.data<T>(), inputs);
  });
}

void linear_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight) {
  with_floating_type("linear_grad_weight", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t batch = x.size(0), inputs = x.size(1), outputs = grad_weight.size(0);
    blas::gemm<T>(Transpose::yes, Transpose::no, outputs, inputs, batch, T(1), grad_y.data<T>(),
                  outputs, x.data<T>(), inputs, T(0), grad_weight.data<T>(), inputs);
  });
}

}  // namespace engine::kernels::cpu
