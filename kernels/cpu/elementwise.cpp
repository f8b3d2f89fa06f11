// CPU: fill, copy (with dtype conversion), add, scale, squared_norm.
#include <cmath>
#include <cstdint>

#include "kernels/backend.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"
#include "tensor/bfloat16.h"

namespace engine::kernels::cpu {

namespace {

// As in activations.cpp: chunks of 2^17 values, so that waking a worker pays for itself.
constexpr std::int64_t elementwise_grain = 1 << 17;

// Reads element `index` (in row-major order of the shape) of a possibly strided tensor.
std::int64_t strided_position(const Tensor& tensor, std::int64_t index) {
  std::int64_t position = 0;
  for (std::size_t d = tensor.rank(); d-- > 0;) {
    const std::int64_t extent = tensor.shape()[d];
    position += (index % extent) * tensor.strides()[d];
    index /= extent;
  }
  return position;
}

template <typename T>
double load(const T* base, std::int64_t i) {
  return static_cast<double>(base[i]);
}
template <>
double load<BFloat16>(const BFloat16* base, std::int64_t i) {
  return to_float(base[i]);
}

template <typename T>
void store(T* base, std::int64_t i, double value) {
  base[i] = static_cast<T>(value);
}
template <>
void store<BFloat16>(BFloat16* base, std::int64_t i, double value) {
  base[i] = to_bfloat16(static_cast<float>(value));
}
template <>
void store<float>(float* base, std::int64_t i, double value) {
  base[i] = static_cast<float>(value);
}

template <typename Body>
void with_any_type(DType dtype, Body&& body) {
  switch (dtype) {
    case DType::Float32: body(float{}); return;
    case DType::Float64: body(double{}); return;
    case DType::BFloat16: body(BFloat16{}); return;
    case DType::UInt8: body(std::uint8_t{}); return;
    case DType::Int32: body(std::int32_t{}); return;
    case DType::Int64: body(std::int64_t{}); return;
  }
}

// Converting through double is exact for every pair of supported types except int64 values
// above 2^53, which copy() moves without conversion when the dtypes match.
template <typename Source, typename Destination>
void convert(const Tensor& source, Tensor& destination) {
  const auto* in = static_cast<const Source*>(source.raw_data());
  auto* out = static_cast<Destination*>(destination.raw_data());
  const bool contiguous = source.is_contiguous();
  parallel_for(source.numel(), elementwise_grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t from = contiguous ? i : strided_position(source, i);
      store(out, i, load(in, from));
    }
  });
}

}  // namespace

void fill(Tensor& output, double value) {
  with_any_type(output.dtype(), [&](auto zero) {
    using T = decltype(zero);
    auto* out = static_cast<T*>(output.raw_data());
    parallel_for(output.numel(), elementwise_grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) store(out, i, value);
    });
  });
}

void copy(const Tensor& source, Tensor& destination) {
  if (source.dtype() == destination.dtype()) {
    with_any_type(source.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const auto* in = static_cast<const T*>(source.raw_data());
      auto* out = static_cast<T*>(destination.raw_data());
      const bool contiguous = source.is_contiguous();
      parallel_for(source.numel(), elementwise_grain, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) {
          out[i] = in[contiguous ? i : strided_position(source, i)];
        }
      });
    });
    return;
  }
  with_any_type(source.dtype(), [&](auto source_zero) {
    with_any_type(destination.dtype(), [&](auto destination_zero) {
      convert<decltype(source_zero), decltype(destination_zero)>(source, destination);
    });
  });
}

void add(const Tensor& a, const Tensor& b, Tensor& output) {
  with_floating_type("add", a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* left = a.data<T>();
    const T* right = b.data<T>();
    T* out = output.data<T>();
    parallel_for(a.numel(), elementwise_grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) out[i] = left[i] + right[i];
    });
  });
}

void scale(const Tensor& input, double alpha, Tensor& output) {
  with_floating_type("scale", input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* in = input.data<T>();
    T* out = output.data<T>();
    const T factor = static_cast<T>(alpha);
    parallel_for(input.numel(), elementwise_grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) out[i] = factor * in[i];
    });
  });
}

void squared_norm(const Tensor& input, Tensor& output) {
  with_floating_type("squared_norm", input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* in = input.data<T>();
    double sum = 0.0;  // one sequential pass: the same order, so the same bits, every run
    for (std::int64_t i = 0; i < input.numel(); ++i) sum += static_cast<double>(in[i]) * in[i];
    output.data<T>()[0] = static_cast<T>(sum);
  });
}

}  // namespace engine::kernels::cpu
