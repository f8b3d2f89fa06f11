// engine_direct convolutions (see convolution_direct.h). Layouts and index arithmetic are those
// of kernels/cpu/convolution_reference.cpp:
//   x [N, H, W, C], weight [O, KH, KW, C / G], y [N, OH, OW, O], G = groups;
//   output channel o belongs to group o / (O / G) and reads input channels of that group;
//   output pixel (oh, ow) reads input pixel (oh * stride_h - pad_top + kh,
//                                            ow * stride_w - pad_left + kw); outside is zero.
#include "kernels/backend.h"
#include "kernels/cuda/convolution_direct.h"
#include "kernels/cuda/launch.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

struct ConvolutionShape {
  std::int64_t batch, height, width, channels;  // x
  std::int64_t out_height, out_width, outputs;  // y
  std::int64_t group_channels, group_outputs;   // C / G, O / G
  std::int64_t kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left;

  __device__ std::int64_t x_index(std::int64_t n, std::int64_t h, std::int64_t w,
                                  std::int64_t c) const {
    return ((n * height + h) * width + w) * channels + c;
  }
  __device__ std::int64_t y_index(std::int64_t n, std::int64_t oh, std::int64_t ow,
                                  std::int64_t o) const {
    return ((n * out_height + oh) * out_width + ow) * outputs + o;
  }
  __device__ std::int64_t w_index(std::int64_t o, std::int64_t kh, std::int64_t kw,
                                  std::int64_t c) const {
    return ((o * kernel_h + kh) * kernel_w + kw) * group_channels + c;
  }
};

ConvolutionShape shape_of(const Tensor& x, const Tensor& weight, const Conv2dGeometry& g) {
  const std::int64_t outputs = weight.size(0);
  return {x.size(0),
          x.size(1),
          x.size(2),
          x.size(3),
          g.output_h(x.size(1)),
          g.output_w(x.size(2)),
          outputs,
          x.size(3) / g.groups,
          outputs / g.groups,
          g.kernel_h,
          g.kernel_w,
          g.stride_h,
          g.stride_w,
          g.pad_top,
          g.pad_left};
}

// ---- kernels ----------------------------------------------------------------------------------

// y[n, oh, ow, o] = sum over kh, kw, c of x[n, ih, iw, g * C/G + c] * w[o, kh, kw, c] + bias[o]
template <typename T>
__global__ void forward_kernel(const T* x, const T* w, const T* bias, ConvolutionShape s,
                               std::int64_t count, T* y) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t o = i % s.outputs;
    std::int64_t rest = i / s.outputs;
    const std::int64_t ow = rest % s.out_width;
    rest /= s.out_width;
    const std::int64_t oh = rest % s.out_height, n = rest / s.out_height;
    const std::int64_t group = o / s.group_outputs;
    double total = 0.0;
    for (std::int64_t kh = 0; kh < s.kernel_h; ++kh) {
      const std::int64_t ih = oh * s.stride_h - s.pad_top + kh;
      if (ih < 0 || ih >= s.height) continue;  // zero padding
      for (std::int64_t kw = 0; kw < s.kernel_w; ++kw) {
        const std::int64_t iw = ow * s.stride_w - s.pad_left + kw;
        if (iw < 0 || iw >= s.width) continue;
        for (std::int64_t c = 0; c < s.group_channels; ++c) {
          total += static_cast<double>(x[s.x_index(n, ih, iw, group * s.group_channels + c)]) *
                   static_cast<double>(w[s.w_index(o, kh, kw, c)]);
        }
      }
    }
    if (bias != nullptr) total += static_cast<double>(bias[o]);
    y[i] = static_cast<T>(total);
  }
}

// grad_x[n, ih, iw, c] = sum of grad_y[n, oh, ow, o] * w[o, kh, kw, c - g * C/G] over the taps
// (kh, kw) whose output pixel oh = (ih + pad_top - kh) / stride_h (exact division, in range)
// reads (ih, iw), and the output channels o of c's group.
template <typename T>
__global__ void grad_input_kernel(const T* dy, const T* w, ConvolutionShape s, std::int64_t count,
                                  T* dx) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t c = i % s.channels;
    std::int64_t rest = i / s.channels;
    const std::int64_t iw = rest % s.width;
    rest /= s.width;
    const std::int64_t ih = rest % s.height, n = rest / s.height;
    const std::int64_t group = c / s.group_channels, c_in_group = c % s.group_channels;
    double total = 0.0;
    for (std::int64_t kh = 0; kh < s.kernel_h; ++kh) {
      const std::int64_t oh_times_stride = ih + s.pad_top - kh;
      if (oh_times_stride < 0 || oh_times_stride % s.stride_h != 0) continue;
      const std::int64_t oh = oh_times_stride / s.stride_h;
      if (oh >= s.out_height) continue;
      for (std::int64_t kw = 0; kw < s.kernel_w; ++kw) {
        const std::int64_t ow_times_stride = iw + s.pad_left - kw;
        if (ow_times_stride < 0 || ow_times_stride % s.stride_w != 0) continue;
        const std::int64_t ow = ow_times_stride / s.stride_w;
        if (ow >= s.out_width) continue;
        for (std::int64_t k = 0; k < s.group_outputs; ++k) {
          const std::int64_t o = group * s.group_outputs + k;
          total += static_cast<double>(dy[s.y_index(n, oh, ow, o)]) *
                   static_cast<double>(w[s.w_index(o, kh, kw, c_in_group)]);
        }
      }
    }
    dx[i] = static_cast<T>(total);
  }
}

// grad_w[o, kh, kw, c] = sum over n, oh, ow of grad_y[n, oh, ow, o] * x[n, ih, iw, g * C/G + c].
template <typename T>
__global__ void grad_weight_kernel(const T* dy, const T* x, ConvolutionShape s, std::int64_t count,
                                   T* dw) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    const std::int64_t c = i % s.group_channels;
    std::int64_t rest = i / s.group_channels;
    const std::int64_t kw = rest % s.kernel_w;
    rest /= s.kernel_w;
    const std::int64_t kh = rest % s.kernel_h, o = rest / s.kernel_h;
    const std::int64_t input_channel = (o / s.group_outputs) * s.group_channels + c;
    double total = 0.0;
    for (std::int64_t n = 0; n < s.batch; ++n) {
      for (std::int64_t oh = 0; oh < s.out_height; ++oh) {
        const std::int64_t ih = oh * s.stride_h - s.pad_top + kh;
        if (ih < 0 || ih >= s.height) continue;
        for (std::int64_t ow = 0; ow < s.out_width; ++ow) {
          const std::int64_t iw = ow * s.stride_w - s.pad_left + kw;
          if (iw < 0 || iw >= s.width) continue;
          total += static_cast<double>(dy[s.y_index(n, oh, ow, o)]) *
                   static_cast<double>(x[s.x_index(n, ih, iw, input_channel)]);
        }
      }
    }
    dw[i] = static_cast<T>(total);
  }
}

}  // namespace

// ---- launchers --------------------------------------------------------------------------------

void direct_conv2d_forward(Context& context, const Tensor& x, const Tensor& weight,
                           const Tensor& bias, Tensor& y, const Conv2dGeometry& geometry) {
  with_floating_type("conv2d_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = y.numel();
    forward_kernel<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        x.data<T>(), weight.data<T>(), bias.defined() ? bias.data<T>() : nullptr,
        shape_of(x, weight, geometry), count, y.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void direct_conv2d_grad_input(Context& context, const Tensor& grad_y, const Tensor& weight,
                              Tensor& grad_x, const Conv2dGeometry& geometry) {
  with_floating_type("conv2d_grad_input", grad_x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = grad_x.numel();
    grad_input_kernel<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        grad_y.data<T>(), weight.data<T>(), shape_of(grad_x, weight, geometry), count,
        grad_x.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void direct_conv2d_grad_weight(Context& context, const Tensor& grad_y, const Tensor& x,
                               Tensor& grad_weight, const Conv2dGeometry& geometry) {
  with_floating_type("conv2d_grad_weight", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = grad_weight.numel();
    grad_weight_kernel<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        grad_y.data<T>(), x.data<T>(), shape_of(x, grad_weight, geometry), count,
        grad_weight.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

}  // namespace engine::kernels::cuda
