// CPU: relu, silu and sigmoid, forward and backward. Elementwise, so threads split the range.
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "kernels/backend.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"
#include "kernels/cpu/vector_clones.h"

// Lets the compiler turn the selects of exp_of_nonpositive and sigmoid_of into vector blends:
// with the default -ftrapping-math GCC keeps a select whose result feeds more arithmetic as a
// branch, and the loops stay scalar. It changes no computed value: IEEE results are the same,
// only floating-point exception flags (which nothing here reads) may differ.
#pragma GCC optimize("no-trapping-math")

namespace engine::kernels::cpu {

namespace {

// 2^17 values (512 KiB of float32) per chunk: waking a worker costs tens of microseconds on a
// quiet machine and up to milliseconds on a loaded one, about what a thread needs for this many
// values of a memory-bound loop; smaller tensors stay on the calling thread.
constexpr std::int64_t grain = 1 << 17;

// e^t for t <= 0 in float32, in a form the compiler vectorises: std::exp is one libm call per
// element, and silu (forward and backward) was 45% of EfficientNet-B0's training step on the
// CPU. Cody-Waite reduction t = n ln2 + r with |r| <= ln2 / 2, then Cephes' degree-6 polynomial
// for e^r and 2^n put into the exponent bits. Within 2 ulps of exp on [-87.3, 0]
// (tests/kernels/activation_accuracy_test.cpp); below -87.34 (where e^t stops being a normal
// float) it returns 0; NaN gives NaN. No data-dependent branch: the selects vectorise.
inline float exp_of_nonpositive(float t) {
  constexpr float lowest = -87.33654f;                              // -126 ln 2
  const float clamped = t < lowest ? lowest : (t == t ? t : 0.0f);  // NaN is restored below
  // n = round(t / ln 2): adding 1.5 * 2^23 rounds to an integer (round to nearest even).
  const float n = (clamped * 1.44269504f + 12582912.0f) - 12582912.0f;
  float r = clamped - n * 0.693359375f;  // ln 2 in two parts: the first is exact in n * part
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  // 2^n for n in [-126, 0] (n = -126 only with r >= 0, so p * 2^n stays a normal float).
  // The builtin, not std::bit_cast: a function from <bit>, compiled without this file's
  // no-trapping-math pragma, is not inlined here, and the loop would not vectorise.
  const float power = __builtin_bit_cast(float, (static_cast<std::int32_t>(n) + 127) << 23);
  const float value = p * power;
  return t < lowest ? 0.0f : (t == t ? value : t);
}

template <typename T>
T sigmoid_of(T x) {
  if constexpr (std::is_same_v<T, float>) {
    // Both branches below, computed without branching: e = e^-|x|, never overflowing.
    // One division with a selected numerator, so that no division sits in a conditional.
    const float e = exp_of_nonpositive(x < 0.0f ? x : -x);
    return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
  } else {
    // Two branches so that exp() never overflows: for x < 0, 1/(1+e^-x) = e^x/(1+e^x).
    if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
  }
}

// out[i] = f(a[i]) or f(a[i], b[i]) over one contiguous range. silu and sigmoid are bound by
// arithmetic (a polynomial per value): their loops are compiled for AVX-512, AVX2 and the
// baseline (vector_clones.h; `function` is inlined into each clone), 4 times faster with AVX-512
// on the bench machine. relu is bound by memory: the baseline loop already streams at the
// memory's rate, and its AVX-512 clone measured about 20% slower (cpu_layer_ops_bench).
enum class Bound { memory, arithmetic };

template <typename T, typename Function>
void unary_range(const T* in, T* result, std::int64_t count, Function function) {
  for (std::int64_t i = 0; i < count; ++i) result[i] = function(in[i]);
}

template <typename T, typename Function>
ENGINE_VECTOR_CLONES void unary_range_cloned(const T* in, T* result, std::int64_t count,
                                             Function function) {
  for (std::int64_t i = 0; i < count; ++i) result[i] = function(in[i]);
}

template <typename T, typename Function>
void binary_range(const T* left, const T* right, T* result, std::int64_t count, Function function) {
  for (std::int64_t i = 0; i < count; ++i) result[i] = function(left[i], right[i]);
}

template <typename T, typename Function>
ENGINE_VECTOR_CLONES void binary_range_cloned(const T* left, const T* right, T* result,
                                              std::int64_t count, Function function) {
  for (std::int64_t i = 0; i < count; ++i) result[i] = function(left[i], right[i]);
}

// The same over whole tensors, in the tensors' dtype, the range split between threads.
template <Bound bound, typename Function>
void map_unary(const char* op, const Tensor& a, Tensor& out, Function function) {
  with_floating_type(op, a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* in = a.data<T>();
    T* result = out.data<T>();
    parallel_for(a.numel(), grain, [&](std::int64_t begin, std::int64_t end) {
      if constexpr (bound == Bound::arithmetic) {
        unary_range_cloned(in + begin, result + begin, end - begin, function);
      } else {
        unary_range(in + begin, result + begin, end - begin, function);
      }
    });
  });
}

template <Bound bound, typename Function>
void map_binary(const char* op, const Tensor& a, const Tensor& b, Tensor& out, Function function) {
  with_floating_type(op, a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* left = a.data<T>();
    const T* right = b.data<T>();
    T* result = out.data<T>();
    parallel_for(a.numel(), grain, [&](std::int64_t begin, std::int64_t end) {
      if constexpr (bound == Bound::arithmetic) {
        binary_range_cloned(left + begin, right + begin, result + begin, end - begin, function);
      } else {
        binary_range(left + begin, right + begin, result + begin, end - begin, function);
      }
    });
  });
}

}  // namespace

void relu_forward(const Tensor& x, Tensor& y) {
  map_unary<Bound::memory>("relu_forward", x, y,
                           [](auto v) { return v > decltype(v)(0) ? v : decltype(v)(0); });
}

void relu_backward(const Tensor& grad_y, const Tensor& y, Tensor& grad_x) {
  map_binary<Bound::memory>("relu_backward", grad_y, y, grad_x, [](auto g, auto out) {
    return out > decltype(out)(0) ? g : decltype(g)(0);
  });
}

void silu_forward(const Tensor& x, Tensor& y) {
  map_unary<Bound::arithmetic>("silu_forward", x, y, [](auto v) { return v * sigmoid_of(v); });
}

void silu_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x) {
  // d/dx [x s(x)] = s(x) (1 + x (1 - s(x)))
  map_binary<Bound::arithmetic>("silu_backward", grad_y, x, grad_x, [](auto g, auto v) {
    const auto s = sigmoid_of(v);
    return g * s * (decltype(v)(1) + v * (decltype(v)(1) - s));
  });
}

void sigmoid_forward(const Tensor& x, Tensor& y) {
  map_unary<Bound::arithmetic>("sigmoid_forward", x, y, [](auto v) { return sigmoid_of(v); });
}

void sigmoid_backward(const Tensor& grad_y, const Tensor& y, Tensor& grad_x) {
  map_binary<Bound::arithmetic>("sigmoid_backward", grad_y, y, grad_x,
                                [](auto g, auto s) { return g * s * (decltype(s)(1) - s); });
}

}  // namespace engine::kernels::cpu
