// CUDA: max, average and global average pooling of NHWC tensors, forward and backward, with the
// window, tie, NaN and divisor rules of kernels/cpu/pooling.cpp.
//
// x [N, H, W, C] -> y [N, OH, OW, C]; output (oh, ow) looks at input rows
// oh * stride_h - pad_h + [0, kernel_h) and columns ow * stride_w - pad_w + [0, kernel_w).
// Forward kernels: one thread per output element. Backward kernels are gathers, one thread per
// grad_x element, visiting the outputs whose window holds that element in the order the CPU's
// scatter visits them (oh, then ow, ascending) and adding in the same precision: max, average
// and global pooling agree with the CPU bit for bit, and nothing needs atomics.
#include <cmath>

#include "kernels/backend.h"
#include "kernels/cuda/column_sums.cuh"
#include "kernels/cuda/context.h"
#include "kernels/cuda/launch.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

// The extents of one call and the geometry, passed to the kernels by value.
struct PoolShape {
  std::int64_t images, height, width, channels, out_height, out_width;
  std::int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
  bool count_include_pad;

  __device__ std::int64_t input(std::int64_t n, std::int64_t h, std::int64_t w,
                                std::int64_t c) const {
    return ((n * height + h) * width + w) * channels + c;
  }
  __device__ std::int64_t output(std::int64_t n, std::int64_t oh, std::int64_t ow,
                                 std::int64_t c) const {
    return ((n * out_height + oh) * out_width + ow) * channels + c;
  }
};

PoolShape pool_shape(const Tensor& input, const Tensor& output, const Pool2dGeometry& g) {
  return {input.size(0),  input.size(1), input.size(2),      input.size(3), output.size(1),
          output.size(2), g.kernel_h,    g.kernel_w,         g.stride_h,    g.stride_w,
          g.pad_h,        g.pad_w,       g.count_include_pad};
}

// The part of a window inside the image: rows [top, bottom), columns [left, right).
struct Window {
  std::int64_t top, bottom, left, right;
};

__device__ Window window_of(const PoolShape& s, std::int64_t oh, std::int64_t ow) {
  const std::int64_t top = oh * s.stride_h - s.pad_h;
  const std::int64_t left = ow * s.stride_w - s.pad_w;
  const std::int64_t bottom = top + s.kernel_h < s.height ? top + s.kernel_h : s.height;
  const std::int64_t right = left + s.kernel_w < s.width ? left + s.kernel_w : s.width;
  return {top > 0 ? top : 0, bottom, left > 0 ? left : 0, right};
}

// As the CPU: kernel_h * kernel_w with count_include_pad, else the positions inside the image.
__device__ double divisor_of(const PoolShape& s, const Window& window) {
  if (s.count_include_pad) return static_cast<double>(s.kernel_h * s.kernel_w);
  return static_cast<double>((window.bottom - window.top) * (window.right - window.left));
}

// Flat index into x of the window's maximum for image n, channel c: the first maximum in
// row-major window order wins ties, a NaN wins over any number (the CPU's argmax_in_window).
template <typename T>
__device__ std::int64_t argmax_in_window(const T* in, const PoolShape& s, std::int64_t n,
                                         std::int64_t c, const Window& window) {
  std::int64_t best = s.input(n, window.top, window.left, c);
  for (std::int64_t h = window.top; h < window.bottom; ++h) {
    for (std::int64_t w = window.left; w < window.right; ++w) {
      const std::int64_t candidate = s.input(n, h, w, c);
      if (in[candidate] > in[best] || (isnan(in[candidate]) && !isnan(in[best]))) {
        best = candidate;
      }
    }
  }
  return best;
}

// The outputs whose (unclipped) window can hold input row h: oh * stride - pad <= h and
// h < oh * stride - pad + kernel, i.e. ceil((h + pad - kernel + 1) / stride) <= oh <=
// floor((h + pad) / stride), clipped to [0, out_extent). The same for columns.
struct OutputRange {
  std::int64_t first, last;  // inclusive; empty when first > last
};

__device__ OutputRange outputs_reading(std::int64_t position, std::int64_t pad, std::int64_t kernel,
                                       std::int64_t stride, std::int64_t out_extent) {
  const std::int64_t lowest = position + pad - kernel + 1;  // may be negative
  const std::int64_t first = lowest <= 0 ? 0 : (lowest + stride - 1) / stride;
  const std::int64_t highest = (position + pad) / stride;  // position + pad >= 0
  return {first, highest < out_extent - 1 ? highest : out_extent - 1};
}

// Decomposes a flat NHWC index into (n, row, column, c) for extents [*, rows, columns, C].
struct Position {
  std::int64_t n, row, column, c;
};
__device__ Position position_of(std::int64_t index, std::int64_t rows, std::int64_t columns,
                                std::int64_t channels) {
  Position p;
  p.c = index % channels;
  index /= channels;
  p.column = index % columns;
  index /= columns;
  p.row = index % rows;
  p.n = index / rows;
  return p;
}

// ---- kernels ----------------------------------------------------------------------------------

template <typename T>
__global__ void max_forward(const T* in, PoolShape s, std::int64_t count, T* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const Position p = position_of(i, s.out_height, s.out_width, s.channels);
    const Window window = window_of(s, p.row, p.column);
    out[i] = in[argmax_in_window(in, s, p.n, p.c, window)];
  }
}

// grad_x[n, h, w, c] = sum of grad_y over the outputs whose argmax is (h, w), in (oh, ow) order.
template <typename T>
__global__ void max_backward(const T* dy, const T* in, PoolShape s, std::int64_t count, T* dx) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const Position p = position_of(i, s.height, s.width, s.channels);
    const OutputRange rows = outputs_reading(p.row, s.pad_h, s.kernel_h, s.stride_h, s.out_height);
    const OutputRange columns =
        outputs_reading(p.column, s.pad_w, s.kernel_w, s.stride_w, s.out_width);
    T total = T(0);
    for (std::int64_t oh = rows.first; oh <= rows.last; ++oh) {
      for (std::int64_t ow = columns.first; ow <= columns.last; ++ow) {
        const Window window = window_of(s, oh, ow);
        if (argmax_in_window(in, s, p.n, p.c, window) == i) total += dy[s.output(p.n, oh, ow, p.c)];
      }
    }
    dx[i] = total;
  }
}

template <typename T>
__global__ void average_forward(const T* in, PoolShape s, std::int64_t count, T* out) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const Position p = position_of(i, s.out_height, s.out_width, s.channels);
    const Window window = window_of(s, p.row, p.column);
    double total = 0.0;
    for (std::int64_t h = window.top; h < window.bottom; ++h) {
      for (std::int64_t w = window.left; w < window.right; ++w)
        total += in[s.input(p.n, h, w, p.c)];
    }
    out[i] = static_cast<T>(total / divisor_of(s, window));
  }
}

// grad_x[n, h, w, c] = sum over the windows holding (h, w) of T(grad_y / divisor), in (oh, ow)
// order, in T: the CPU adds exactly these shares in this order.
template <typename T>
__global__ void average_backward(const T* dy, PoolShape s, std::int64_t count, T* dx) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const Position p = position_of(i, s.height, s.width, s.channels);
    const OutputRange rows = outputs_reading(p.row, s.pad_h, s.kernel_h, s.stride_h, s.out_height);
    const OutputRange columns =
        outputs_reading(p.column, s.pad_w, s.kernel_w, s.stride_w, s.out_width);
    T total = T(0);
    for (std::int64_t oh = rows.first; oh <= rows.last; ++oh) {
      for (std::int64_t ow = columns.first; ow <= columns.last; ++ow) {
        const Window window = window_of(s, oh, ow);
        if (p.row < window.top || p.row >= window.bottom || p.column < window.left ||
            p.column >= window.right) {
          continue;  // cannot happen for the ranges above; kept as the definition's guard
        }
        total += static_cast<T>(dy[s.output(p.n, oh, ow, p.c)] / divisor_of(s, window));
      }
    }
    dx[i] = total;
  }
}

template <typename T>
struct PixelValues {  // x [N, P, C] as batches n of [P, C]
  const T* x;
  std::int64_t pixels, channels;
  __device__ double operator()(std::int64_t n, std::int64_t p, std::int64_t c) const {
    return static_cast<double>(x[(n * pixels + p) * channels + c]);
  }
};

// y[n, c] = totals[n, c] / P.
template <typename T>
__global__ void divide_totals(const double* totals, double pixels, std::int64_t count, T* y) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    y[i] = static_cast<T>(totals[i] / pixels);
  }
}

// grad_x[n, p, c] = grad_y[n, c] / P.
template <typename T>
__global__ void global_backward(const T* dy, std::int64_t pixels, std::int64_t channels,
                                std::int64_t count, T* dx) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t c = i % channels, n = i / (pixels * channels);
    dx[i] = static_cast<T>(static_cast<double>(dy[n * channels + c]) / static_cast<double>(pixels));
  }
}

}  // namespace

// ---- launchers --------------------------------------------------------------------------------

void max_pool2d_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  Context& context = Context::of(y);
  with_floating_type("max_pool2d_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = y.numel();
    max_forward<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        x.data<T>(), pool_shape(x, y, geometry), count, y.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void max_pool2d_backward(const Tensor& grad_y, const Tensor& x, Tensor& grad_x,
                         const Pool2dGeometry& geometry) {
  Context& context = Context::of(grad_x);
  with_floating_type("max_pool2d_backward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = grad_x.numel();
    max_backward<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        grad_y.data<T>(), x.data<T>(), pool_shape(x, grad_y, geometry), count, grad_x.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void avg_pool2d_forward(const Tensor& x, Tensor& y, const Pool2dGeometry& geometry) {
  Context& context = Context::of(y);
  with_floating_type("avg_pool2d_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = y.numel();
    average_forward<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        x.data<T>(), pool_shape(x, y, geometry), count, y.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void avg_pool2d_backward(const Tensor& grad_y, Tensor& grad_x, const Pool2dGeometry& geometry) {
  Context& context = Context::of(grad_x);
  with_floating_type("avg_pool2d_backward", grad_x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = grad_x.numel();
    average_backward<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        grad_y.data<T>(), pool_shape(grad_x, grad_y, geometry), count, grad_x.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

// y[n, c] = mean over h, w of x[n, h, w, c], summed in float64 by column_sums.cuh.
void global_avg_pool_forward(const Tensor& x, Tensor& y) {
  Context& context = Context::of(y);
  with_floating_type("global_avg_pool_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t images = x.size(0), pixels = x.size(1) * x.size(2), channels = x.size(3);
    const Tensor totals = column_sums(context, PixelValues<T>{x.data<T>(), pixels, channels},
                                      ColumnShape{images, pixels, channels});
    const std::int64_t count = images * channels;
    divide_totals<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        totals.data<double>(), static_cast<double>(pixels), count, y.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void global_avg_pool_backward(const Tensor& grad_y, Tensor& grad_x) {
  Context& context = Context::of(grad_x);
  with_floating_type("global_avg_pool_backward", grad_x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t pixels = grad_x.size(1) * grad_x.size(2), channels = grad_x.size(3);
    const std::int64_t count = grad_x.numel();
    global_backward<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        grad_y.data<T>(), pixels, channels, count, grad_x.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

}  // namespace engine::kernels::cuda
