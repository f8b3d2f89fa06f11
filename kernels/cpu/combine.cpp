// CPU: channel_multiply (squeeze-and-excitation's rescaling) and concat_channels (Inception's
// branch concatenation), forward and backward, on NHWC tensors.
#include <algorithm>
#include <utility>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu/grain.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu {

namespace {

// y[n, p, c] = x[n, p, c] * s[n, c], with x read as [N, P = H * W, C]. Used by the forward
// (x, y) and by the backward for grad_x (grad_y, grad_x): the same product.
template <typename T>
void multiply_by_channel(const Tensor& input, const Tensor& s, Tensor& output) {
  const std::int64_t pixels = input.size(1) * input.size(2), channels = input.size(3);
  const T* in = input.data<T>();  // [N, P, C]
  const T* factor = s.data<T>();  // [N, C]
  T* out = output.data<T>();      // [N, P, C]
  const auto rows = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {  // row = n * P + p
      const std::int64_t n = row / pixels;
      for (std::int64_t c = 0; c < channels; ++c) {
        out[row * channels + c] = in[row * channels + c] * factor[n * channels + c];
      }
    }
  };
  parallel_for(input.size(0) * pixels, grain_for(channels), rows);
}

// grad_s[n, c] = sum over p of grad_y[n, p, c] * x[n, p, c], in float64, pixels ascending. Threads
// take (image, block of channels) units and walk the pixels with the channels innermost (a
// vector loop); each sum stays on one thread in one order. (One (image, channel) plane at a time
// read memory with a stride of C.)
template <typename T>
void channel_scale_gradient(const Tensor& grad_y, const Tensor& x, Tensor& grad_s) {
  constexpr std::int64_t channel_block = 64;
  const std::int64_t pixels = x.size(1) * x.size(2), channels = x.size(3);
  const std::int64_t blocks = (channels + channel_block - 1) / channel_block;
  const T* dy = grad_y.data<T>();  // [N, P, C]
  const T* in = x.data<T>();       // [N, P, C]
  T* ds = grad_s.data<T>();        // [N, C]
  const auto units = [&](std::int64_t begin, std::int64_t end) {
    double total[channel_block];
    for (std::int64_t unit = begin; unit < end; ++unit) {
      const std::int64_t n = unit / blocks, first = (unit % blocks) * channel_block;
      const std::int64_t width = std::min(channel_block, channels - first);
      std::fill_n(total, width, 0.0);
      for (std::int64_t p = 0; p < pixels; ++p) {
        const std::int64_t index = (n * pixels + p) * channels + first;
        for (std::int64_t c = 0; c < width; ++c) {
          total[c] += static_cast<double>(dy[index + c]) * in[index + c];
        }
      }
      for (std::int64_t c = 0; c < width; ++c)
        ds[n * channels + first + c] = static_cast<T>(total[c]);
    }
  };
  parallel_for(x.size(0) * blocks, grain_for(pixels * channel_block), units);
}

// The parts of a concatenation along channels, with their data pointers looked up once.
template <typename T, typename Part>
std::vector<std::pair<T*, std::int64_t>> part_pointers(Part& parts) {
  std::vector<std::pair<T*, std::int64_t>> pointers;
  for (auto& part : parts) pointers.emplace_back(part.template data<T>(), part.size(3));
  return pointers;
}

// output [N, H, W, C] holds the parts [N, H, W, C_i] side by side along its channels, in the
// order given: part i starts at channel C_0 + ... + C_(i-1). Read as rows of N * H * W.
template <typename T>
void concatenate(const std::vector<Tensor>& parts, Tensor& output) {
  const std::int64_t channels = output.size(3),
                     rows = channels == 0 ? 0 : output.numel() / channels;
  T* out = output.data<T>();  // [rows, C]
  const auto pointers = part_pointers<T>(parts);
  const auto row_range = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      T* destination = out + row * channels;
      for (const auto& [in, part_channels] : pointers) {
        destination = std::copy_n(in + row * part_channels, part_channels, destination);
      }
    }
  };
  parallel_for(rows, grain_for(channels), row_range);
}

// The reverse: each grad_input [N, H, W, C_i] receives its block of grad_output's channels.
template <typename T>
void split(const Tensor& grad_output, std::vector<Tensor>& grad_inputs) {
  const std::int64_t channels = grad_output.size(3),
                     rows = channels == 0 ? 0 : grad_output.numel() / channels;
  const T* in = grad_output.data<T>();  // [rows, C]
  const auto pointers = part_pointers<T>(grad_inputs);
  const auto row_range = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const T* source = in + row * channels;
      for (const auto& [out, part_channels] : pointers) {
        std::copy_n(source, part_channels, out + row * part_channels);
        source += part_channels;
      }
    }
  };
  parallel_for(rows, grain_for(channels), row_range);
}

}  // namespace

void channel_multiply_forward(const Tensor& x, const Tensor& s, Tensor& y) {
  with_floating_type("channel_multiply_forward", x.dtype(),
                     [&](auto zero) { multiply_by_channel<decltype(zero)>(x, s, y); });
}

// With y = x * s: grad_x = grad_y * s, and grad_s sums grad_y * x over the pixels.
void channel_multiply_backward(const Tensor& grad_y, const Tensor& x, const Tensor& s,
                               Tensor& grad_x, Tensor& grad_s) {
  with_floating_type("channel_multiply_backward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    multiply_by_channel<T>(grad_y, s, grad_x);
    channel_scale_gradient<T>(grad_y, x, grad_s);
  });
}

void concat_channels_forward(const std::vector<Tensor>& inputs, Tensor& output) {
  with_floating_type("concat_channels_forward", output.dtype(),
                     [&](auto zero) { concatenate<decltype(zero)>(inputs, output); });
}

void concat_channels_backward(const Tensor& grad_output, std::vector<Tensor>& grad_inputs) {
  with_floating_type("concat_channels_backward", grad_output.dtype(),
                     [&](auto zero) { split<decltype(zero)>(grad_output, grad_inputs); });
}

}  // namespace engine::kernels::cpu
