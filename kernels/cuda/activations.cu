// CUDA: relu, silu and sigmoid, forward and backward; one thread per element, the formulas of
// kernels/cpu/activations.cpp.
#include <cmath>

#include "kernels/backend.h"
#include "kernels/cuda/context.h"
#include "kernels/cuda/launch.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

// ---- kernels ----------------------------------------------------------------------------------

__device__ float exponential(float x) { return expf(x); }
__device__ double exponential(double x) { return exp(x); }

template <typename T>
__device__ T sigmoid_of(T x) {
  // Two branches so that the exponential never overflows: for x < 0, 1/(1+e^-x) = e^x/(1+e^x).
  if (x >= T(0)) return T(1) / (T(1) + exponential(-x));
  const T e = exponential(x);
  return e / (T(1) + e);
}

// The element functions, as functors so that one kernel template serves them all.
struct Relu {
  template <typename T>
  __device__ T operator()(T x) const {
    return x > T(0) ? x : T(0);
  }
};
struct ReluGradient {  // from the output y: gradient 0 where y <= 0
  template <typename T>
  __device__ T operator()(T g, T y) const {
    return y > T(0) ? g : T(0);
  }
};
struct Silu {
  template <typename T>
  __device__ T operator()(T x) const {
    return x * sigmoid_of(x);
  }
};
struct SiluGradient {  // d/dx [x s(x)] = s(x) (1 + x (1 - s(x))), from the input x
  template <typename T>
  __device__ T operator()(T g, T x) const {
    const T s = sigmoid_of(x);
    return g * s * (T(1) + x * (T(1) - s));
  }
};
struct Sigmoid {
  template <typename T>
  __device__ T operator()(T x) const {
    return sigmoid_of(x);
  }
};
struct SigmoidGradient {  // from the output s: s (1 - s)
  template <typename T>
  __device__ T operator()(T g, T s) const {
    return g * s * (T(1) - s);
  }
};

template <typename T, typename Function>
__global__ void map_unary(const T* in, std::int64_t count, Function function, T* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) out[i] = function(in[i]);
}

template <typename T, typename Function>
__global__ void map_binary(const T* left, const T* right, std::int64_t count, Function function,
                           T* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    out[i] = function(left[i], right[i]);
  }
}

// ---- launchers --------------------------------------------------------------------------------

template <typename Function>
void launch_unary(const char* op, const Tensor& a, Tensor& out, Function function) {
  Context& context = Context::of(out);
  with_floating_type(op, a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = a.numel();
    map_unary<T, Function><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        a.data<T>(), count, function, out.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

template <typename Function>
void launch_binary(const char* op, const Tensor& a, const Tensor& b, Tensor& out,
                   Function function) {
  Context& context = Context::of(out);
  with_floating_type(op, a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = a.numel();
    map_binary<T, Function><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        a.data<T>(), b.data<T>(), count, function, out.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

}  // namespace

void relu_forward(const Tensor& x, Tensor& y) { launch_unary("relu_forward", x, y, Relu{}); }

void relu_backward(const Tensor& grad_y, const Tensor& y, Tensor& grad_x) {
  launch_binary("relu_backward", grad_y, y, grad_x, ReluGradient{});
}

void silu_forward(const Tensor& x, Tensor& y) { launch_unary("silu_forward", x, y, Silu{}); }

void silu_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x) {
  launch_binary("silu_backward", grad_y, x, grad_x, SiluGradient{});
}

void sigmoid_forward(const Tensor& x, Tensor& y) {
  launch_unary("sigmoid_forward", x, y, Sigmoid{});
}

void sigmoid_backward(const Tensor& grad_y, const Tensor& y, Tensor& grad_x) {
  launch_binary("sigmoid_backward", grad_y, y, grad_x, SigmoidGradient{});
}

}  // namespace engine::kernels::cuda
