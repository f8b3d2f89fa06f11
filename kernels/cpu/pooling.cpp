// CPU: max, average and global average pooling of NHWC tensors, forward and backward.
//
// x [N, H, W, C] -> y [N, OH, OW, C]. Output (oh, ow) looks at input rows
// oh * stride_h - pad_h + [0, kernel_h) and columns ow * stride_w - pad_w + [0, kernel_w);
// positions outside the image are padding. In NHWC the C channels of a pixel are contiguous, so
// every loop runs innermost over channels (vectorised) and walks the window pixel by pixel.
// Forward passes split output rows between threads. Backward passes add into grad_x, where
// windows overlap, so threads split (image, block of channels) units instead: each grad_x element
// is written by one thread, in one order (output pixels ascending), whatever the thread count.
// (An earlier version walked one (image, channel) plane at a time with a stride of C, 10 to 20
// times slower on ResNet's stem.)
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu/grain.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

// As in activations.cpp: lets GCC turn the compare-and-select loops of max pooling into vector
// compares and blends (with -ftrapping-math it kept them scalar, with a branch per value). It
// changes no computed value, only floating-point exception flags, which nothing reads.
#pragma GCC optimize("no-trapping-math")

namespace engine::kernels::cpu {

namespace {

// The extents of one call, x (or grad_x) [N, H, W, C] and y (or grad_y) [N, OH, OW, C], and
// the flat index of an element of each.
struct Extents {
  std::int64_t images, height, width, channels, out_height, out_width;

  Extents(const Tensor& input, const Tensor& output)
      : images(input.size(0)),
        height(input.size(1)),
        width(input.size(2)),
        channels(input.size(3)),
        out_height(output.size(1)),
        out_width(output.size(2)) {}

  std::int64_t input(std::int64_t n, std::int64_t h, std::int64_t w, std::int64_t c) const {
    return ((n * height + h) * width + w) * channels + c;
  }
  std::int64_t output(std::int64_t n, std::int64_t oh, std::int64_t ow, std::int64_t c) const {
    return ((n * out_height + oh) * out_width + ow) * channels + c;
  }
};

// The part of a window that lies inside the image: rows [top, bottom), columns [left, right).
struct Window {
  std::int64_t top, bottom, left, right;
};

Window window_of(const Pool2dGeometry& geometry, const Extents& extents, std::int64_t oh,
                 std::int64_t ow) {
  const std::int64_t top = oh * geometry.stride_h - geometry.pad_h;
  const std::int64_t left = ow * geometry.stride_w - geometry.pad_w;
  return {std::max<std::int64_t>(top, 0), std::min(top + geometry.kernel_h, extents.height),
          std::max<std::int64_t>(left, 0), std::min(left + geometry.kernel_w, extents.width)};
}

// With ceil_mode off (Pool2dGeometry's convention) no window reaches past the padding, so with
// count_include_pad every window counts kernel_h * kernel_w positions, as in PyTorch.
double divisor_of(const Pool2dGeometry& geometry, const Window& window) {
  if (geometry.count_include_pad) {
    return static_cast<double>(geometry.kernel_h * geometry.kernel_w);
  }
  return static_cast<double>((window.bottom - window.top) * (window.right - window.left));
}

// Channels per unit of work in the backward passes: enough for a vector loop, few enough that
// a batch of one image still gives every thread work.
constexpr std::int64_t channel_block = 64;

// Whether a candidate replaces the current maximum. A later value wins only when strictly
// larger, so the first maximum in row-major window order wins ties; a NaN wins over any number
// so that it propagates, as in PyTorch. Padding is never a candidate (the contract keeps padding
// at most half the kernel, so every window holds an image position). Forward and backward both
// use this, so the gradient goes where the forward's value came from.
// Written without short-circuit so that the loops using it compile to vector compares and
// selects; a data-dependent branch per value made these loops 10 times slower.
template <typename T>
bool replaces(T candidate, T best) {
  return (candidate > best) | ((candidate != candidate) & (best == best));
}

template <typename T>
void max_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  const Extents extents(x, y);
  const std::int64_t channels = extents.channels;
  const T* in = x.data<T>();  // [N, H, W, C]
  T* out = y.data<T>();       // [N, OH, OW, C]
  const auto output_rows = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const std::int64_t n = row / extents.out_height, oh = row % extents.out_height;
      for (std::int64_t ow = 0; ow < extents.out_width; ++ow) {
        const Window window = window_of(geometry, extents, oh, ow);
        T* best = out + extents.output(n, oh, ow, 0);
        std::copy_n(in + extents.input(n, window.top, window.left, 0), channels, best);
        for (std::int64_t h = window.top; h < window.bottom; ++h) {
          for (std::int64_t w = window.left; w < window.right; ++w) {
            const T* candidate = in + extents.input(n, h, w, 0);
            for (std::int64_t c = 0; c < channels; ++c) {
              const T value = candidate[c], current = best[c];
              best[c] = replaces(value, current) ? value : current;
            }
          }
        }
      }
    }
  };
  const std::int64_t window_size = geometry.kernel_h * geometry.kernel_w;
  parallel_for(extents.images * extents.out_height,
               grain_for(extents.out_width * channels * window_size), output_rows);
}

// Calls body(n, first_channel, last_channel) for every (image, channel block) unit, in parallel.
template <typename Body>
void for_image_channel_blocks(const Extents& extents, std::int64_t values_per_unit,
                              const Body& body) {
  const std::int64_t blocks = (extents.channels + channel_block - 1) / channel_block;
  parallel_for(extents.images * blocks, grain_for(values_per_unit),
               [&](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t unit = begin; unit < end; ++unit) {
                   const std::int64_t n = unit / blocks, first = (unit % blocks) * channel_block;
                   body(n, first, std::min(extents.channels, first + channel_block));
                 }
               });
}

// grad_x[n, :, :, first .. last) = 0
template <typename T>
void zero_channels(T* dx, const Extents& extents, std::int64_t n, std::int64_t first,
                   std::int64_t last) {
  for (std::int64_t h = 0; h < extents.height; ++h) {
    for (std::int64_t w = 0; w < extents.width; ++w) {
      std::fill(dx + extents.input(n, h, w, first), dx + extents.input(n, h, w, last), T(0));
    }
  }
}

template <typename T>
void max_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x,
                  const Pool2dGeometry& geometry) {
  const Extents extents(x, grad_y);
  const T* in = x.data<T>();       // [N, H, W, C]
  const T* dy = grad_y.data<T>();  // [N, OH, OW, C]
  T* dx = grad_x.data<T>();        // [N, H, W, C]
  const std::int64_t window_size = geometry.kernel_h * geometry.kernel_w;
  const std::int64_t values = extents.out_height * extents.out_width * channel_block * window_size;
  for_image_channel_blocks(
      extents, values, [&](std::int64_t n, std::int64_t first, std::int64_t last) {
        zero_channels(dx, extents, n, first, last);
        const std::int64_t width = last - first;
        // The running maximum and the window tap (row-major index within the window) it came from,
        // kept as a value of type T so that the compare-and-select loop vectorises.
        T best[channel_block], tap[channel_block];
        std::vector<std::int64_t> offsets(static_cast<std::size_t>(window_size));
        for (std::int64_t oh = 0; oh < extents.out_height; ++oh) {
          for (std::int64_t ow = 0; ow < extents.out_width; ++ow) {
            const Window window = window_of(geometry, extents, oh, ow);
            const std::int64_t window_width = window.right - window.left;
            const std::int64_t corner = extents.input(n, window.top, window.left, first);
            std::copy_n(in + corner, width, best);
            std::fill_n(tap, width, T(0));
            for (std::int64_t h = window.top; h < window.bottom; ++h) {
              for (std::int64_t w = window.left; w < window.right; ++w) {
                const T index = static_cast<T>((h - window.top) * window_width + (w - window.left));
                const T* candidate = in + extents.input(n, h, w, first);
                for (std::int64_t c = 0; c < width; ++c) {
                  const bool better = replaces(candidate[c], best[c]);
                  best[c] = better ? candidate[c] : best[c];
                  tap[c] = better ? index : tap[c];
                }
              }
            }
            // Each channel's gradient goes to the tap that won, at the offset from the window's
            // first position that `offsets` holds for it (no division per channel: the scatter
            // with one was 8 times slower than the whole forward pass).
            std::int64_t tap_count = 0;
            for (std::int64_t h = window.top; h < window.bottom; ++h) {
              for (std::int64_t w = window.left; w < window.right; ++w) {
                offsets[tap_count++] = extents.input(n, h, w, first) - corner;
              }
            }
            const T* gradient = dy + extents.output(n, oh, ow, first);
            T* window_start = dx + corner;
            for (std::int64_t c = 0; c < width; ++c) {
              window_start[offsets[static_cast<std::int64_t>(tap[c])] + c] += gradient[c];
            }
          }
        }
      });
}

template <typename T>
void average_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  const Extents extents(x, y);
  const std::int64_t channels = extents.channels;
  const T* in = x.data<T>();  // [N, H, W, C]
  T* out = y.data<T>();       // [N, OH, OW, C]
  const auto output_rows = [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> total(static_cast<std::size_t>(channels));
    for (std::int64_t row = begin; row < end; ++row) {
      const std::int64_t n = row / extents.out_height, oh = row % extents.out_height;
      for (std::int64_t ow = 0; ow < extents.out_width; ++ow) {
        const Window window = window_of(geometry, extents, oh, ow);
        const double divisor = divisor_of(geometry, window);
        std::fill(total.begin(), total.end(), 0.0);
        for (std::int64_t h = window.top; h < window.bottom; ++h) {
          for (std::int64_t w = window.left; w < window.right; ++w) {
            const T* value = in + extents.input(n, h, w, 0);
            for (std::int64_t c = 0; c < channels; ++c) total[c] += value[c];
          }
        }
        T* result = out + extents.output(n, oh, ow, 0);
        for (std::int64_t c = 0; c < channels; ++c) result[c] = static_cast<T>(total[c] / divisor);
      }
    }
  };
  const std::int64_t window_size = geometry.kernel_h * geometry.kernel_w;
  parallel_for(extents.images * extents.out_height,
               grain_for(extents.out_width * channels * window_size), output_rows);
}

template <typename T>
void average_backward(const Tensor& grad_y, Tensor& grad_x, const Pool2dGeometry& geometry) {
  const Extents extents(grad_x, grad_y);
  const T* dy = grad_y.data<T>();  // [N, OH, OW, C]
  T* dx = grad_x.data<T>();        // [N, H, W, C]
  const std::int64_t window_size = geometry.kernel_h * geometry.kernel_w;
  const std::int64_t values = extents.out_height * extents.out_width * channel_block * window_size;
  for_image_channel_blocks(extents, values,
                           [&](std::int64_t n, std::int64_t first, std::int64_t last) {
                             zero_channels(dx, extents, n, first, last);
                             const std::int64_t width = last - first;
                             T share[channel_block];
                             for (std::int64_t oh = 0; oh < extents.out_height; ++oh) {
                               for (std::int64_t ow = 0; ow < extents.out_width; ++ow) {
                                 const Window window = window_of(geometry, extents, oh, ow);
                                 // Every image position in the window contributed 1 / divisor of
                                 // this output.
                                 const double divisor = divisor_of(geometry, window);
                                 const T* gradient = dy + extents.output(n, oh, ow, first);
                                 for (std::int64_t c = 0; c < width; ++c)
                                   share[c] = static_cast<T>(gradient[c] / divisor);
                                 for (std::int64_t h = window.top; h < window.bottom; ++h) {
                                   for (std::int64_t w = window.left; w < window.right; ++w) {
                                     T* target = dx + extents.input(n, h, w, first);
                                     for (std::int64_t c = 0; c < width; ++c) target[c] += share[c];
                                   }
                                 }
                               }
                             }
                           });
}

// y[n, c] = mean over h, w of x[n, h, w, c]; x is read as [N, P = H * W, C], pixels ascending.
template <typename T>
void global_forward(const Tensor& x, Tensor& y) {
  const std::int64_t channels = x.size(3), pixels = x.size(1) * x.size(2);
  const T* in = x.data<T>();  // [N, P, C]
  T* out = y.data<T>();       // [N, C]
  const auto images = [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> total(static_cast<std::size_t>(channels));
    for (std::int64_t n = begin; n < end; ++n) {
      std::fill(total.begin(), total.end(), 0.0);
      for (std::int64_t p = 0; p < pixels; ++p) {
        const T* value = in + (n * pixels + p) * channels;
        for (std::int64_t c = 0; c < channels; ++c) total[c] += value[c];
      }
      for (std::int64_t c = 0; c < channels; ++c) {
        out[n * channels + c] = static_cast<T>(total[c] / static_cast<double>(pixels));
      }
    }
  };
  parallel_for(x.size(0), grain_for(pixels * channels), images);
}
// grad_x[n, h, w, c] = grad_y[n, c] / (H * W), the share of image n computed once per image.
template <typename T>
void global_backward(const Tensor& grad_y, Tensor& grad_x) {
  const std::int64_t channels = grad_x.size(3), pixels = grad_x.size(1) * grad_x.size(2);
  const T* dy = grad_y.data<T>();  // [N, C]
  T* dx = grad_x.data<T>();        // [N, P, C]
  const auto images = [&](std::int64_t begin, std::int64_t end) {
    std::vector<T> share(static_cast<std::size_t>(channels));
    for (std::int64_t n = begin; n < end; ++n) {
      for (std::int64_t c = 0; c < channels; ++c) {
        share[c] = static_cast<T>(dy[n * channels + c] / static_cast<double>(pixels));
      }
      for (std::int64_t p = 0; p < pixels; ++p) {
        std::copy(share.begin(), share.end(), dx + (n * pixels + p) * channels);
      }
    }
  };
  parallel_for(grad_x.size(0), grain_for(pixels * channels), images);
}

}  // namespace

void max_pool2d_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  with_floating_type("max_pool2d_forward", x.dtype(),
                     [&](auto zero) { max_forward<decltype(zero)>(x, y, geometry); });
}

void max_pool2d_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x,
                         const Pool2dGeometry& geometry) {
  with_floating_type("max_pool2d_backward", x.dtype(),
                     [&](auto zero) { max_backward<decltype(zero)>(grad_y, x, grad_x, geometry); });
}

void avg_pool2d_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  with_floating_type("avg_pool2d_forward", x.dtype(),
                     [&](auto zero) { average_forward<decltype(zero)>(x, y, geometry); });
}

void avg_pool2d_backward(const Tensor& grad_y, Tensor& grad_x, const Pool2dGeometry& geometry) {
  with_floating_type("avg_pool2d_backward", grad_x.dtype(), [&](auto zero) {
    average_backward<decltype(zero)>(grad_y, grad_x, geometry);
  });
}

void global_avg_pool_forward(const Tensor& x, Tensor& y) {
  with_floating_type("global_avg_pool_forward", x.dtype(),
                     [&](auto zero) { global_forward<decltype(zero)>(x, y); });
}

void global_avg_pool_backward(const Tensor& grad_y, Tensor& grad_x) {
  with_floating_type("global_avg_pool_backward", grad_x.dtype(),
                     [&](auto zero) { global_backward<decltype(zero)>(grad_y, grad_x); });
}

}  // namespace engine::kernels::cpu
