// CPU reference: the fully connected layer and its gradients, written as the definitions read.
// The fast path (linear.cpp, BLAS) is tested against these.
//
//   x [N, K], weight [O, K] (PyTorch's layout), bias [O], y [N, O]
//   y[n, o]      = bias[o] + sum over k of x[n, k] * weight[o, k]
//   grad_x[n, k] = sum over o of grad_y[n, o] * weight[o, k]
//   grad_w[o, k] = sum over n of grad_y[n, o] * x[n, k]
//
// Sums accumulate in double whatever the dtype, so a float32 result is rounded once.
#include "kernels/backend.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu::reference {

void linear_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y) {
  with_floating_type("linear_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t batch = x.size(0), inputs = x.size(1), outputs = weight.size(0);
    const T* in = x.data<T>();
    const T* w = weight.data<T>();
    const T* b = bias.defined() ? bias.data<T>() : nullptr;
    T* out = y.data<T>();
    for (std::int64_t n = 0; n < batch; ++n) {
      for (std::int64_t o = 0; o < outputs; ++o) {
        double total = 0.0;
        for (std::int64_t k = 0; k < inputs; ++k) {
          total += static_cast<double>(in[n * inputs + k]) * static_cast<double>(w[o * inputs + k]);
        }
        if (b != nullptr) total += static_cast<double>(b[o]);
        out[n * outputs + o] = static_cast<T>(total);
      }
    }
  });
}

void linear_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x) {
  with_floating_type("linear_grad_input", grad_x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t batch = grad_x.size(0), inputs = grad_x.size(1), outputs = weight.size(0);
    const T* dy = grad_y.data<T>();
    const T* w = weight.data<T>();
    T* dx = grad_x.data<T>();
    for (std::int64_t n = 0; n < batch; ++n) {
      for (std::int64_t k = 0; k < inputs; ++k) {
        double total = 0.0;
        for (std::int64_t o = 0; o < outputs; ++o) {
          total +=
              static_cast<double>(dy[n * outputs + o]) * static_cast<double>(w[o * inputs + k]);
        }
        dx[n * inputs + k] = static_cast<T>(total);
      }
    }
  });
}

void linear_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight) {
  with_floating_type("linear_grad_weight", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t batch = x.size(0), inputs = x.size(1), outputs = grad_weight.size(0);
    const T* dy = grad_y.data<T>();
    const T* in = x.data<T>();
    T* dw = grad_weight.data<T>();
    for (std::int64_t o = 0; o < outputs; ++o) {
      for (std::int64_t k = 0; k < inputs; ++k) {
        double total = 0.0;
        for (std::int64_t n = 0; n < batch; ++n) {
          total +=
              static_cast<double>(dy[n * outputs + o]) * static_cast<double>(in[n * inputs + k]);
        }
        dw[o * inputs + k] = static_cast<T>(total);
      }
    }
  });
}

}  // namespace engine::kernels::cpu::reference
