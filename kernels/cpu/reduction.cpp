// CPU: sum_forward and sum_backward (sum and mean over all elements).
#include "kernels/backend.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu {

void sum_forward(const Tensor& x, double factor, Tensor& output) {
  with_floating_type("sum_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* in = x.data<T>();
    double total = 0.0;  // sequential in float64: one order, the same bits every run
    for (std::int64_t i = 0; i < x.numel(); ++i) total += static_cast<double>(in[i]);
    output.data<T>()[0] = static_cast<T>(factor * total);
  });
}

void sum_backward(const Tensor& grad_output, double factor, Tensor& grad_x) {
  with_floating_type("sum_backward", grad_x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T value = static_cast<T>(factor * static_cast<double>(grad_output.data<T>()[0]));
    T* out = grad_x.data<T>();
    parallel_for(grad_x.numel(), 1 << 15, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) out[i] = value;
    });
  });
}

}  // namespace engine::kernels::cpu
