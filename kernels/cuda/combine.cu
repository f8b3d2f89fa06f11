// CUDA: channel_multiply (squeeze-and-excitation's rescaling) and concat_channels (Inception's
// branch concatenation), forward and backward, on NHWC tensors; the CPU's definitions in
// kernels/cpu/combine.cpp.
#include <vector>

#include "kernels/backend.h"
#include "kernels/cuda/column_sums.cuh"
#include "kernels/cuda/context.h"
#include "kernels/cuda/launch.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

// ---- kernels ----------------------------------------------------------------------------------

// out[n, p, c] = in[n, p, c] * s[n, c], with in read as [N, P = H * W, C]: the forward (x, y) and
// grad_x = grad_y * s of the backward.
template <typename T>
__global__ void multiply_by_channel(const T* in, const T* s, std::int64_t pixels,
                                    std::int64_t channels, std::int64_t count, T* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t c = i % channels, n = i / (pixels * channels);
    out[i] = in[i] * s[n * channels + c];
  }
}

template <typename T>
struct ProductValues {  // grad_y[n, p, c] * x[n, p, c], as batches n of [P, C]
  const T* dy;
  const T* x;
  std::int64_t pixels, channels;
  __device__ double operator()(std::int64_t n, std::int64_t p, std::int64_t c) const {
    const std::int64_t index = (n * pixels + p) * channels + c;
    return static_cast<double>(dy[index]) * static_cast<double>(x[index]);
  }
};

// One part of a concatenation: part [rows, part_channels] is channels
// [first_channel, first_channel + part_channels) of whole [rows, channels].
struct PartPlacement {
  std::int64_t rows, part_channels, channels, first_channel;
};

template <typename T>
__global__ void place_part(const T* part, PartPlacement placement, T* whole) {
  const std::int64_t count = placement.rows * placement.part_channels;
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t row = i / placement.part_channels, c = i % placement.part_channels;
    whole[row * placement.channels + placement.first_channel + c] = part[i];
  }
}

template <typename T>
__global__ void take_part(const T* whole, PartPlacement placement, T* part) {
  const std::int64_t count = placement.rows * placement.part_channels;
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t row = i / placement.part_channels, c = i % placement.part_channels;
    part[i] = whole[row * placement.channels + placement.first_channel + c];
  }
}

// ---- launchers --------------------------------------------------------------------------------

template <typename T>
void launch_multiply(Context& context, const Tensor& input, const Tensor& s, Tensor& output) {
  const std::int64_t pixels = input.size(1) * input.size(2), channels = input.size(3);
  const std::int64_t count = input.numel();
  multiply_by_channel<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
      input.data<T>(), s.data<T>(), pixels, channels, count, output.data<T>());
  ENGINE_CUDA_CHECK(cudaGetLastError());
}

// Rows of an NHWC tensor: N * H * W (0 for a tensor without channels).
std::int64_t rows_of(const Tensor& tensor) {
  return tensor.size(3) == 0 ? 0 : tensor.numel() / tensor.size(3);
}

}  // namespace

void channel_multiply_forward(const Tensor& x, const Tensor& s, Tensor& y) {
  Context& context = Context::of(y);
  with_floating_type("channel_multiply_forward", x.dtype(),
                     [&](auto zero) { launch_multiply<decltype(zero)>(context, x, s, y); });
}

// With y = x * s: grad_x = grad_y * s, and grad_s[n, c] sums grad_y * x over the pixels.
void channel_multiply_backward(const Tensor& grad_y, const Tensor& x, const Tensor& s,
                               Tensor& grad_x, Tensor& grad_s) {
  Context& context = Context::of(grad_x);
  with_floating_type("channel_multiply_backward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    launch_multiply<T>(context, grad_y, s, grad_x);
    const std::int64_t images = x.size(0), pixels = x.size(1) * x.size(2), channels = x.size(3);
    const Tensor totals =
        column_sums(context, ProductValues<T>{grad_y.data<T>(), x.data<T>(), pixels, channels},
                    ColumnShape{images, pixels, channels});
    write_rounded<T>(context, totals, grad_s);
  });
}

// One launch per part: each writes its own block of the output's channels.
void concat_channels_forward(const std::vector<Tensor>& inputs, Tensor& output) {
  Context& context = Context::of(output);
  with_floating_type("concat_channels_forward", output.dtype(), [&](auto zero) {
    using T = decltype(zero);
    std::int64_t first_channel = 0;
    for (const Tensor& part : inputs) {
      const PartPlacement placement{rows_of(output), part.size(3), output.size(3), first_channel};
      place_part<T><<<blocks_for(part.numel()), threads_per_block, 0, context.stream()>>>(
          part.data<T>(), placement, output.data<T>());
      ENGINE_CUDA_CHECK(cudaGetLastError());
      first_channel += part.size(3);
    }
  });
}

void concat_channels_backward(const Tensor& grad_output, std::vector<Tensor>& grad_inputs) {
  Context& context = Context::of(grad_output);
  with_floating_type("concat_channels_backward", grad_output.dtype(), [&](auto zero) {
    using T = decltype(zero);
    std::int64_t first_channel = 0;
    for (Tensor& part : grad_inputs) {
      const PartPlacement placement{rows_of(grad_output), part.size(3), grad_output.size(3),
                                    first_channel};
      take_part<T><<<blocks_for(part.numel()), threads_per_block, 0, context.stream()>>>(
          grad_output.data<T>(), placement, part.data<T>());
      ENGINE_CUDA_CHECK(cudaGetLastError());
      first_channel += part.size(3);
    }
  });
}

}  // namespace engine::kernels::cuda
