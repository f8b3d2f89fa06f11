// Depthwise convolution on the CPU: x [N, H, W, C], weight [C, KH, KW, 1], y [N, OH, OW, C].
//
//   y[n, oh, ow, c] = bias[c] + sum over kh, kw of x[n, ih, iw, c] * w[c, kh, kw]
//
// In NHWC the C channels of one pixel are contiguous, so every loop below runs innermost over
// channels (vectorised) with the weight transposed once per call to taps [KH * KW, C].
// Threads split independent outputs only: output rows (forward) or input rows (grad_input);
// grad_weight's sums run over fixed blocks of output pixels (channel_reduction.h). Every sum has
// one fixed order, whatever the thread count.
#include "kernels/cpu/depthwise_convolution.h"

#include <algorithm>
#include <vector>

#include "kernels/cpu/channel_reduction.h"
#include "kernels/cpu/grain.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"
#include "kernels/cpu/vector_clones.h"

namespace engine::kernels::cpu {

namespace {

// taps[(kh * KW + kw) * C + c] = weight[c, kh, kw, 0], in caching-allocator scratch.
template <typename T>
Tensor taps_by_channel(const Tensor& weight, const ConvolutionShape& s) {
  const std::int64_t taps = s.geometry.kernel_h * s.geometry.kernel_w;
  Tensor transposed = Tensor::empty({taps, s.channels}, weight.dtype());
  const T* w = weight.data<T>();
  T* t = transposed.data<T>();
  for (std::int64_t c = 0; c < s.channels; ++c) {
    for (std::int64_t tap = 0; tap < taps; ++tap) t[tap * s.channels + c] = w[c * taps + tap];
  }
  return transposed;
}

// Output rows [begin, end) (row = n * OH + oh) of the forward pass; compiled for AVX-512, AVX2
// and the baseline (vector_clones.h: the same bits on every processor), as are the loops of
// the two gradients below.
template <typename T>
ENGINE_VECTOR_CLONES void forward_rows(const T* in, const T* tap_weights, const T* b, T* out,
                                       const ConvolutionShape& s, std::int64_t begin,
                                       std::int64_t end) {
  const Conv2dGeometry& g = s.geometry;
  const std::int64_t channels = s.channels;
  for (std::int64_t output_row = begin; output_row < end; ++output_row) {
    const std::int64_t n = output_row / s.out_height, oh = output_row % s.out_height;
    for (std::int64_t ow = 0; ow < s.out_width; ++ow) {
      T* result = out + (output_row * s.out_width + ow) * channels;  // y[n, oh, ow, :]
      if (b != nullptr) {
        std::copy_n(b, channels, result);
      } else {
        std::fill_n(result, channels, T(0));
      }
      for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
        const std::int64_t ih = oh * g.stride_h - g.pad_top + kh;
        if (ih < 0 || ih >= s.height) continue;
        for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
          const std::int64_t iw = ow * g.stride_w - g.pad_left + kw;
          if (iw < 0 || iw >= s.width) continue;
          const T* pixel = in + ((n * s.height + ih) * s.width + iw) * channels;
          const T* tap = tap_weights + (kh * g.kernel_w + kw) * channels;
          for (std::int64_t c = 0; c < channels; ++c) result[c] += pixel[c] * tap[c];
        }
      }
    }
  }
}

template <typename T>
void direct_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                    const ConvolutionShape& s) {
  const Conv2dGeometry& g = s.geometry;
  const Tensor taps = taps_by_channel<T>(weight, s);
  const T* in = x.data<T>();
  const T* tap_weights = taps.data<T>();
  const T* b = bias.defined() ? bias.data<T>() : nullptr;
  T* out = y.data<T>();
  const std::int64_t work_per_row = s.out_width * s.channels * g.kernel_h * g.kernel_w;
  parallel_for(s.batch * s.out_height, grain_for(work_per_row),
               [&](std::int64_t begin, std::int64_t end) {
                 forward_rows(in, tap_weights, b, out, s, begin, end);
               });
}

template <typename T>
ENGINE_VECTOR_CLONES void grad_input_rows(const T* dy, const T* tap_weights, T* dx,
                                          const ConvolutionShape& s, std::int64_t begin,
                                          std::int64_t end) {
  const Conv2dGeometry& g = s.geometry;
  const std::int64_t channels = s.channels;
  for (std::int64_t input_row = begin; input_row < end; ++input_row) {
    const std::int64_t n = input_row / s.height, ih = input_row % s.height;
    for (std::int64_t iw = 0; iw < s.width; ++iw) {
      T* result = dx + (input_row * s.width + iw) * channels;  // grad_x[n, ih, iw, :]
      std::fill_n(result, channels, T(0));
      for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
        const std::int64_t oh_times_stride = ih + g.pad_top - kh;
        if (oh_times_stride < 0 || oh_times_stride % g.stride_h != 0) continue;
        const std::int64_t oh = oh_times_stride / g.stride_h;
        if (oh >= s.out_height) continue;
        for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
          const std::int64_t ow_times_stride = iw + g.pad_left - kw;
          if (ow_times_stride < 0 || ow_times_stride % g.stride_w != 0) continue;
          const std::int64_t ow = ow_times_stride / g.stride_w;
          if (ow >= s.out_width) continue;
          const T* gradient = dy + ((n * s.out_height + oh) * s.out_width + ow) * channels;
          const T* tap = tap_weights + (kh * g.kernel_w + kw) * channels;
          for (std::int64_t c = 0; c < channels; ++c) result[c] += gradient[c] * tap[c];
        }
      }
    }
  }
}

// grad_x[n, ih, iw, c] = sum over the (kh, kw) whose output pixel (oh, ow) reads (ih, iw) of
// grad_y[n, oh, ow, c] * w[c, kh, kw]: a gather, so each grad_x row belongs to one thread.
template <typename T>
void direct_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                       const ConvolutionShape& s) {
  const Conv2dGeometry& g = s.geometry;
  const Tensor taps = taps_by_channel<T>(weight, s);
  const T* dy = grad_y.data<T>();
  const T* tap_weights = taps.data<T>();
  T* dx = grad_x.data<T>();
  const std::int64_t work_per_row = s.width * s.channels * g.kernel_h * g.kernel_w;
  parallel_for(s.batch * s.height, grain_for(work_per_row),
               [&](std::int64_t begin, std::int64_t end) {
                 grad_input_rows(dy, tap_weights, dx, s, begin, end);
               });
}

// total[(kh * KW + kw) * C + c] += grad_y[pixel, c] * x[the pixel tap (kh, kw) reads, c] for the
// output pixels [first, last), in float64.
template <typename T>
ENGINE_VECTOR_CLONES void add_weight_gradient_rows(const T* dy, const T* in,
                                                   const ConvolutionShape& s, std::int64_t first,
                                                   std::int64_t last, double* total) {
  const Conv2dGeometry& g = s.geometry;
  const std::int64_t channels = s.channels;
  for (std::int64_t pixel = first; pixel < last; ++pixel) {
    const std::int64_t n = pixel / s.pixels();
    const std::int64_t oh = (pixel % s.pixels()) / s.out_width, ow = pixel % s.out_width;
    const T* gradient = dy + pixel * channels;
    for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
      const std::int64_t ih = oh * g.stride_h - g.pad_top + kh;
      if (ih < 0 || ih >= s.height) continue;
      for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const std::int64_t iw = ow * g.stride_w - g.pad_left + kw;
        if (iw < 0 || iw >= s.width) continue;
        const T* value = in + ((n * s.height + ih) * s.width + iw) * channels;
        double* sum = total + (kh * g.kernel_w + kw) * channels;
        for (std::int64_t c = 0; c < channels; ++c) {
          sum[c] += static_cast<double>(gradient[c]) * static_cast<double>(value[c]);
        }
      }
    }
  }
}

// grad_w[c, kh, kw] = sum over n, oh, ow of grad_y[n, oh, ow, c] * x[n, ih, iw, c], in float64.
// The output pixels (n, oh, ow) are the rows of a per-channel reduction (channel_reduction.h):
// fixed blocks of consecutive pixels, accumulated with the channels innermost, block totals added
// in block order, so no sum depends on the thread count. (Threads used to take channel ranges and
// each walked every pixel with a stride of C, as batch norm did: slower with two threads than
// with one.)
template <typename T>
void direct_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_w,
                        const ConvolutionShape& s) {
  const Conv2dGeometry& g = s.geometry;
  const std::int64_t taps = g.kernel_h * g.kernel_w, channels = s.channels;
  const T* dy = grad_y.data<T>();
  const T* in = x.data<T>();
  T* dw = grad_w.data<T>();
  std::vector<double> totals(static_cast<std::size_t>(taps * channels));  // [tap, c]
  const auto accumulate = [&](std::int64_t first, std::int64_t last, double* total) {
    add_weight_gradient_rows(dy, in, s, first, last, total);
  };
  sum_rows_by_blocks(s.rows(), channels, static_cast<int>(taps), accumulate, totals.data());
  for (std::int64_t c = 0; c < channels; ++c) {
    for (std::int64_t tap = 0; tap < taps; ++tap) {
      dw[c * taps + tap] = static_cast<T>(totals[tap * channels + c]);
    }
  }
}

}  // namespace

void depthwise_conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                              const ConvolutionShape& shape) {
  with_floating_type("conv2d_forward", x.dtype(),
                     [&](auto zero) { direct_forward<decltype(zero)>(x, weight, bias, y, shape); });
}

void depthwise_conv2d_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                                 const ConvolutionShape& shape) {
  with_floating_type("conv2d_grad_input", grad_x.dtype(), [&](auto zero) {
    direct_grad_input<decltype(zero)>(grad_y, weight, grad_x, shape);
  });
}

void depthwise_conv2d_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight,
                                  const ConvolutionShape& shape) {
  with_floating_type("conv2d_grad_weight", x.dtype(), [&](auto zero) {
    direct_grad_weight<decltype(zero)>(grad_y, x, grad_weight, shape);
  });
}

}  // namespace engine::kernels::cpu
