// CPU: relu, silu and sigmoid, forward and backward. Elementwise, so threads split the range.
#include <cmath>

#include "kernels/backend.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu {

namespace {

constexpr std::int64_t grain = 1 << 14;

template <typename T>
T sigmoid_of(T x) {
  // Two branches so that exp() never overflows: for x < 0, 1/(1+e^-x) = e^x/(1+e^x).
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}

// out[i] = f(a[i]) or f(a[i], b[i]) over one contiguous range, in the tensors' dtype.
template <typename Function>
void map_unary(const char* op, const Tensor& a, Tensor& out, Function function) {
  with_floating_type(op, a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* in = a.data<T>();
    T* result = out.data<T>();
    parallel_for(a.numel(), grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) result[i] = function(in[i]);
    });
  });
}

template <typename Function>
void map_binary(const char* op, const Tensor& a, const Tensor& b, Tensor& out, Function function) {
  with_floating_type(op, a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* left = a.data<T>();
    const T* right = b.data<T>();
    T* result = out.data<T>();
    parallel_for(a.numel(), grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) result[i] = function(left[i], right[i]);
    });
  });
}

}  // namespace

void relu_forward(const Tensor& x, Tensor& y) {
  map_unary("relu_forward", x, y, [](auto v) { return v > decltype(v)(0) ? v : decltype(v)(0); });
}

void relu_backward(const Tensor& grad_y, const Tensor& y, Tensor& grad_x) {
  map_binary("relu_backward", grad_y, y, grad_x,
             [](auto g, auto out) { return out > decltype(out)(0) ? g : decltype(g)(0); });
}

void silu_forward(const Tensor& x, Tensor& y) {
  map_unary("silu_forward", x, y, [](auto v) { return v * sigmoid_of(v); });
}

void silu_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x) {
  // d/dx [x s(x)] = s(x) (1 + x (1 - s(x)))
  map_binary("silu_backward", grad_y, x, grad_x, [](auto g, auto v) {
    const auto s = sigmoid_of(v);
    return g * s * (decltype(v)(1) + v * (decltype(v)(1) - s));
  });
}

void sigmoid_forward(const Tensor& x, Tensor& y) {
  map_unary("sigmoid_forward", x, y, [](auto v) { return sigmoid_of(v); });
}

void sigmoid_backward(const Tensor& grad_y, const Tensor& y, Tensor& grad_x) {
  map_binary("sigmoid_backward", grad_y, y, grad_x,
             [](auto g, auto s) { return g * s * (decltype(s)(1) - s); });
}

}  // namespace engine::kernels::cpu
