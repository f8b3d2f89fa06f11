// CUDA: fill, copy (any pair of dtypes, strided source), add, scale. One thread per element in a
// grid-stride loop; the conversions are the CPU backend's (kernels/cpu/elementwise.cpp), written
// for the device.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/backend.h"
#include "kernels/cuda/context.h"
#include "kernels/cuda/launch.h"
#include "tensor/bfloat16.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

// A source tensor's shape and strides (in elements) for the strided copy. Every tensor the
// engine makes has rank 4 or less; 8 leaves room.
constexpr int maximum_rank = 8;
struct StridedLayout {
  int rank = 0;
  std::int64_t shape[maximum_rank] = {};
  std::int64_t strides[maximum_rank] = {};
};

// ---- kernels ----------------------------------------------------------------------------------

// The element of a strided tensor at row-major position `index` of its shape (the CPU's
// strided_position).
__device__ std::int64_t strided_position(const StridedLayout& layout, std::int64_t index) {
  std::int64_t position = 0;
  for (int d = layout.rank - 1; d >= 0; --d) {
    position += (index % layout.shape[d]) * layout.strides[d];
    index /= layout.shape[d];
  }
  return position;
}

// bfloat16 <-> float exactly as tensor/bfloat16.h: round to nearest even, NaN stays a quiet NaN.
__device__ float bfloat16_to_float(BFloat16 value) {
  return __uint_as_float(static_cast<unsigned int>(value.bits) << 16);
}
__device__ BFloat16 float_to_bfloat16(float value) {
  const unsigned int word = __float_as_uint(value);
  if ((word & 0x7f800000u) == 0x7f800000u && (word & 0x007fffffu) != 0) {
    return BFloat16{static_cast<std::uint16_t>((word >> 16) | 0x0040u)};
  }
  const unsigned int rounding = 0x7fffu + ((word >> 16) & 1u);
  return BFloat16{static_cast<std::uint16_t>((word + rounding) >> 16)};
}

// Conversions go through double, as on the CPU: exact for every pair of dtypes except int64
// values beyond 2^53, which copy() moves without conversion when the dtypes match.
template <typename T>
__device__ double load(const T* base, std::int64_t i) {
  return static_cast<double>(base[i]);
}
template <>
__device__ double load<BFloat16>(const BFloat16* base, std::int64_t i) {
  return bfloat16_to_float(base[i]);
}
template <typename T>
__device__ void store(T* base, std::int64_t i, double value) {
  base[i] = static_cast<T>(value);
}
template <>
__device__ void store<BFloat16>(BFloat16* base, std::int64_t i, double value) {
  base[i] = float_to_bfloat16(static_cast<float>(value));  // double -> float -> bfloat16, as CPU
}

template <typename T>
__global__ void fill_kernel(T* out, T value, std::int64_t count) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) out[i] = value;
}

template <typename T>
__global__ void gather_strided(const T* in, StridedLayout layout, std::int64_t count, T* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    out[i] = in[strided_position(layout, i)];
  }
}

template <typename Source, typename Destination>
__global__ void convert_kernel(const Source* in, StridedLayout layout, bool contiguous,
                               std::int64_t count, Destination* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t from = contiguous ? i : strided_position(layout, i);
    store(out, i, load(in, from));
  }
}

template <typename T>
__global__ void add_kernel(const T* a, const T* b, std::int64_t count, T* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) out[i] = a[i] + b[i];
}

template <typename T>
__global__ void scale_kernel(const T* in, T factor, std::int64_t count, T* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) out[i] = factor * in[i];
}

// ---- launchers --------------------------------------------------------------------------------

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

// The value fill() stores, converted on the host exactly as the CPU's store() converts it.
template <typename T>
T converted(double value) {
  return static_cast<T>(value);
}
template <>
BFloat16 converted<BFloat16>(double value) {
  return to_bfloat16(static_cast<float>(value));
}

StridedLayout layout_of(const Tensor& tensor) {
  if (tensor.rank() > static_cast<std::size_t>(maximum_rank)) {
    throw std::invalid_argument("copy: the CUDA backend copies tensors of rank up to " +
                                std::to_string(maximum_rank) + ", got " + tensor.description());
  }
  StridedLayout layout;
  layout.rank = static_cast<int>(tensor.rank());
  for (int d = 0; d < layout.rank; ++d) {
    layout.shape[d] = tensor.shape()[static_cast<std::size_t>(d)];
    layout.strides[d] = tensor.strides()[static_cast<std::size_t>(d)];
  }
  return layout;
}

}  // namespace

void fill(Tensor& output, double value) {
  Context& context = Context::of(output);
  with_any_type(output.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = output.numel();
    fill_kernel<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        static_cast<T*>(output.raw_data()), converted<T>(value), count);
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void copy(const Tensor& source, Tensor& destination) {
  Context& context = Context::of(destination);
  const std::int64_t count = source.numel();
  if (count == 0) return;
  if (source.dtype() == destination.dtype() && source.is_contiguous()) {
    ENGINE_CUDA_CHECK(cudaMemcpyAsync(destination.raw_data(), source.raw_data(), source.bytes(),
                                      cudaMemcpyDeviceToDevice, context.stream()));
    return;
  }
  const StridedLayout layout = layout_of(source);
  if (source.dtype() == destination.dtype()) {
    with_any_type(source.dtype(), [&](auto zero) {
      using T = decltype(zero);
      gather_strided<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
          static_cast<const T*>(source.raw_data()), layout, count,
          static_cast<T*>(destination.raw_data()));
      ENGINE_CUDA_CHECK(cudaGetLastError());
    });
    return;
  }
  const bool contiguous = source.is_contiguous();
  with_any_type(source.dtype(), [&](auto source_zero) {
    with_any_type(destination.dtype(), [&](auto destination_zero) {
      using Source = decltype(source_zero);
      using Destination = decltype(destination_zero);
      convert_kernel<Source, Destination>
          <<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
              static_cast<const Source*>(source.raw_data()), layout, contiguous, count,
              static_cast<Destination*>(destination.raw_data()));
      ENGINE_CUDA_CHECK(cudaGetLastError());
    });
  });
}

void add(const Tensor& a, const Tensor& b, Tensor& output) {
  Context& context = Context::of(output);
  with_floating_type("add", a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = a.numel();
    add_kernel<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        a.data<T>(), b.data<T>(), count, output.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void scale(const Tensor& input, double alpha, Tensor& output) {
  Context& context = Context::of(output);
  with_floating_type("scale", input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = input.numel();
    scale_kernel<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        input.data<T>(), static_cast<T>(alpha), count, output.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

}  // namespace engine::kernels::cuda
