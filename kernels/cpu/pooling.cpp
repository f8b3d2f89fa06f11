// CPU: max, average and global average pooling of NHWC tensors, forward and backward.
//
// x [N, H, W, C] -> y [N, OH, OW, C]. Output (oh, ow) looks at input rows
// oh * stride_h - pad_h + [0, kernel_h) and columns ow * stride_w - pad_w + [0, kernel_w);
// positions outside the image are padding. Forward passes split output rows between threads.
// Backward passes scatter into grad_x, where windows may overlap, so threads split the
// (image, channel) planes instead: each grad_x element is written by one thread, in one order.
#include <algorithm>
#include <cmath>

#include "kernels/backend.h"
#include "kernels/cpu/grain.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/typed.h"

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

// Flat index into x of the window's maximum for image n, channel c. A later value wins only
// when strictly larger, so the first maximum in row-major window order wins ties; a NaN wins
// over any number so that it propagates, as in PyTorch. Padding is never a candidate (the
// contract keeps padding at most half the kernel, so every window holds an image position).
// Forward and backward both call this, so the gradient goes where the forward's value came from.
template <typename T>
std::int64_t argmax_in_window(const T* in, const Extents& extents, std::int64_t n, std::int64_t c,
                              const Window& window) {
  std::int64_t best = extents.input(n, window.top, window.left, c);
  for (std::int64_t h = window.top; h < window.bottom; ++h) {
    for (std::int64_t w = window.left; w < window.right; ++w) {
      const std::int64_t candidate = extents.input(n, h, w, c);
      if (in[candidate] > in[best] || (std::isnan(in[candidate]) && !std::isnan(in[best]))) {
        best = candidate;
      }
    }
  }
  return best;
}

template <typename T>
void max_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  const Extents extents(x, y);
  const T* in = x.data<T>();  // [N, H, W, C]
  T* out = y.data<T>();       // [N, OH, OW, C]
  const auto output_rows = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const std::int64_t n = row / extents.out_height, oh = row % extents.out_height;
      for (std::int64_t ow = 0; ow < extents.out_width; ++ow) {
        const Window window = window_of(geometry, extents, oh, ow);
        for (std::int64_t c = 0; c < extents.channels; ++c) {
          out[extents.output(n, oh, ow, c)] = in[argmax_in_window(in, extents, n, c, window)];
        }
      }
    }
  };
  const std::int64_t window_size = geometry.kernel_h * geometry.kernel_w;
  parallel_for(extents.images * extents.out_height,
               grain_for(extents.out_width * extents.channels * window_size), output_rows);
}

template <typename T>
void max_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x,
                  const Pool2dGeometry& geometry) {
  const Extents extents(x, grad_y);
  const T* in = x.data<T>();       // [N, H, W, C]
  const T* dy = grad_y.data<T>();  // [N, OH, OW, C]
  T* dx = grad_x.data<T>();        // [N, H, W, C]
  const auto planes = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t plane = begin; plane < end; ++plane) {
      const std::int64_t n = plane / extents.channels, c = plane % extents.channels;
      for (std::int64_t h = 0; h < extents.height; ++h) {
        for (std::int64_t w = 0; w < extents.width; ++w) dx[extents.input(n, h, w, c)] = T(0);
      }
      for (std::int64_t oh = 0; oh < extents.out_height; ++oh) {
        for (std::int64_t ow = 0; ow < extents.out_width; ++ow) {
          const Window window = window_of(geometry, extents, oh, ow);
          dx[argmax_in_window(in, extents, n, c, window)] += dy[extents.output(n, oh, ow, c)];
        }
      }
    }
  };
  const std::int64_t window_size = geometry.kernel_h * geometry.kernel_w;
  parallel_for(extents.images * extents.channels,
               grain_for(extents.out_height * extents.out_width * window_size), planes);
}

template <typename T>
void average_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  const Extents extents(x, y);
  const T* in = x.data<T>();  // [N, H, W, C]
  T* out = y.data<T>();       // [N, OH, OW, C]
  const auto output_rows = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {
      const std::int64_t n = row / extents.out_height, oh = row % extents.out_height;
      for (std::int64_t ow = 0; ow < extents.out_width; ++ow) {
        const Window window = window_of(geometry, extents, oh, ow);
        const double divisor = divisor_of(geometry, window);
        for (std::int64_t c = 0; c < extents.channels; ++c) {
          double total = 0.0;
          for (std::int64_t h = window.top; h < window.bottom; ++h) {
            for (std::int64_t w = window.left; w < window.right; ++w) {
              total += in[extents.input(n, h, w, c)];
            }
          }
          out[extents.output(n, oh, ow, c)] = static_cast<T>(total / divisor);
        }
      }
    }
  };
  const std::int64_t window_size = geometry.kernel_h * geometry.kernel_w;
  parallel_for(extents.images * extents.out_height,
               grain_for(extents.out_width * extents.channels * window_size), output_rows);
}

template <typename T>
void average_backward(const Tensor& grad_y, Tensor& grad_x, const Pool2dGeometry& geometry) {
  const Extents extents(grad_x, grad_y);
  const T* dy = grad_y.data<T>();  // [N, OH, OW, C]
  T* dx = grad_x.data<T>();        // [N, H, W, C]
  const auto planes = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t plane = begin; plane < end; ++plane) {
      const std::int64_t n = plane / extents.channels, c = plane % extents.channels;
      for (std::int64_t h = 0; h < extents.height; ++h) {
        for (std::int64_t w = 0; w < extents.width; ++w) dx[extents.input(n, h, w, c)] = T(0);
      }
      for (std::int64_t oh = 0; oh < extents.out_height; ++oh) {
        for (std::int64_t ow = 0; ow < extents.out_width; ++ow) {
          const Window window = window_of(geometry, extents, oh, ow);
          // Every image position in the window contributed 1 / divisor of this output.
          const T share =
              static_cast<T>(dy[extents.output(n, oh, ow, c)] / divisor_of(geometry, window));
          for (std::int64_t h = window.top; h < window.bottom; ++h) {
            for (std::int64_t w = window.left; w < window.right; ++w) {
              dx[extents.input(n, h, w, c)] += share;
            }
          }
        }
      }
    }
  };
  const std::int64_t window_size = geometry.kernel_h * geometry.kernel_w;
  parallel_for(extents.images * extents.channels,
               grain_for(extents.out_height * extents.out_width * window_size), planes);
}

// y[n, c] = mean over h, w of x[n, h, w, c]; x is read as [N, P = H * W, C].
template <typename T>
void global_forward(const Tensor& x, Tensor& y) {
  const std::int64_t channels = x.size(3), pixels = x.size(1) * x.size(2);
  const T* in = x.data<T>();  // [N, P, C]
  T* out = y.data<T>();       // [N, C]
  const auto planes = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t plane = begin; plane < end; ++plane) {
      const std::int64_t n = plane / channels, c = plane % channels;
      double total = 0.0;
      for (std::int64_t p = 0; p < pixels; ++p) total += in[(n * pixels + p) * channels + c];
      out[n * channels + c] = static_cast<T>(total / static_cast<double>(pixels));
    }
  };
  parallel_for(x.size(0) * channels, grain_for(pixels), planes);
}

// grad_x[n, h, w, c] = grad_y[n, c] / (H * W)
template <typename T>
void global_backward(const Tensor& grad_y, Tensor& grad_x) {
  const std::int64_t channels = grad_x.size(3), pixels = grad_x.size(1) * grad_x.size(2);
  const T* dy = grad_y.data<T>();  // [N, C]
  T* dx = grad_x.data<T>();        // [N, P, C]
  const auto rows = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) {  // row = n * P + p
      const std::int64_t n = row / pixels;
      for (std::int64_t c = 0; c < channels; ++c) {
        dx[row * channels + c] = static_cast<T>(dy[n * channels + c] / static_cast<double>(pixels));
      }
    }
  };
  parallel_for(grad_x.size(0) * pixels, grain_for(channels), rows);
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
