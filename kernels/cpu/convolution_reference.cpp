// CPU reference: 2-D convolution (cross-correlation, as in every deep learning framework) and its
// two gradients, written as the definitions read. This is the code an auditor checks the fast
// path (convolution.cpp) against; it favours plainness over speed.
//
//   x [N, H, W, C], weight [O, KH, KW, C / G], y [N, OH, OW, O], G = groups.
//   Output channel o belongs to group g = o / (O / G) and sees input channels
//   g * (C / G) ... (g + 1) * (C / G) - 1.
//   Output pixel (oh, ow) reads input pixel (ih, iw) = (oh * stride_h - pad_top + kh,
//                                                      ow * stride_w - pad_left + kw);
//   positions outside the image are the zero padding and contribute nothing.
//
//   y[n, oh, ow, o] = bias[o] + sum over kh, kw, c of x[n, ih, iw, g * C/G + c] * w[o, kh, kw, c]
//
// Sums accumulate in double whatever the dtype, so in float32 the reference is rounded once,
// at the end: the fast path's error is measured against it.
#include "kernels/backend.h"
#include "kernels/cpu/typed.h"

namespace engine::kernels::cpu::reference {

namespace {

// The sizes every loop below needs, read once from the tensors.
struct Sizes {
  std::int64_t batch, height, width, channels;  // x
  std::int64_t out_height, out_width, outputs;  // y
  std::int64_t group_channels, group_outputs;   // C / G, O / G
};

Sizes sizes_of(const Tensor& x, const Tensor& weight, const Conv2dGeometry& geometry) {
  const std::int64_t outputs = weight.size(0);
  return {x.size(0),
          x.size(1),
          x.size(2),
          x.size(3),
          geometry.output_h(x.size(1)),
          geometry.output_w(x.size(2)),
          outputs,
          x.size(3) / geometry.groups,
          outputs / geometry.groups};
}

}  // namespace

void conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                    const Conv2dGeometry& geometry) {
  with_floating_type("conv2d_forward", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const Sizes s = sizes_of(x, weight, geometry);
    const Conv2dGeometry& g = geometry;
    const T* in = x.data<T>();
    const T* w = weight.data<T>();
    const T* b = bias.defined() ? bias.data<T>() : nullptr;
    T* out = y.data<T>();

    for (std::int64_t n = 0; n < s.batch; ++n) {
      for (std::int64_t oh = 0; oh < s.out_height; ++oh) {
        for (std::int64_t ow = 0; ow < s.out_width; ++ow) {
          for (std::int64_t o = 0; o < s.outputs; ++o) {
            const std::int64_t group = o / s.group_outputs;
            double total = 0.0;
            for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
              const std::int64_t ih = oh * g.stride_h - g.pad_top + kh;
              if (ih < 0 || ih >= s.height) continue;  // zero padding
              for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
                const std::int64_t iw = ow * g.stride_w - g.pad_left + kw;
                if (iw < 0 || iw >= s.width) continue;
                for (std::int64_t c = 0; c < s.group_channels; ++c) {
                  const std::int64_t input_channel = group * s.group_channels + c;
                  // x[n, ih, iw, input_channel] * weight[o, kh, kw, c]
                  const T x_value =
                      in[((n * s.height + ih) * s.width + iw) * s.channels + input_channel];
                  const T w_value =
                      w[((o * g.kernel_h + kh) * g.kernel_w + kw) * s.group_channels + c];
                  total += static_cast<double>(x_value) * static_cast<double>(w_value);
                }
              }
            }
            if (b != nullptr) total += static_cast<double>(b[o]);
            // y[n, oh, ow, o]
            out[((n * s.out_height + oh) * s.out_width + ow) * s.outputs + o] =
                static_cast<T>(total);
          }
        }
      }
    }
  });
}

// grad_x[n, ih, iw, c] = sum of grad_y[n, oh, ow, o] * w[o, kh, kw, c - g * C/G] over every
// (oh, ow, kh, kw) with oh * stride_h - pad_top + kh = ih and ow * stride_w - pad_left + kw = iw,
// and every output channel o of c's group g. Written as a gather, one grad_x element at a time:
// for each kernel tap (kh, kw) the output pixel that reads (ih, iw) through it is
// oh = (ih + pad_top - kh) / stride_h, when that division is exact and oh is in range.
void conv2d_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                       const Conv2dGeometry& geometry) {
  with_floating_type("conv2d_grad_input", grad_x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const Sizes s = sizes_of(grad_x, weight, geometry);
    const Conv2dGeometry& g = geometry;
    const T* dy = grad_y.data<T>();
    const T* w = weight.data<T>();
    T* dx = grad_x.data<T>();

    for (std::int64_t n = 0; n < s.batch; ++n) {
      for (std::int64_t ih = 0; ih < s.height; ++ih) {
        for (std::int64_t iw = 0; iw < s.width; ++iw) {
          for (std::int64_t c = 0; c < s.channels; ++c) {
            const std::int64_t group = c / s.group_channels;
            const std::int64_t c_in_group = c % s.group_channels;
            double total = 0.0;
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
                for (std::int64_t k = 0; k < s.group_outputs; ++k) {
                  const std::int64_t o = group * s.group_outputs + k;
                  // grad_y[n, oh, ow, o] * weight[o, kh, kw, c_in_group]
                  const T dy_value =
                      dy[((n * s.out_height + oh) * s.out_width + ow) * s.outputs + o];
                  const T w_value =
                      w[((o * g.kernel_h + kh) * g.kernel_w + kw) * s.group_channels + c_in_group];
                  total += static_cast<double>(dy_value) * static_cast<double>(w_value);
                }
              }
            }
            // grad_x[n, ih, iw, c]
            dx[((n * s.height + ih) * s.width + iw) * s.channels + c] = static_cast<T>(total);
          }
        }
      }
    }
  });
}

// grad_w[o, kh, kw, c] = sum over n, oh, ow of grad_y[n, oh, ow, o] * x[n, ih, iw, g * C/G + c]
// with (ih, iw) the input pixel that tap (kh, kw) of output pixel (oh, ow) reads.
void conv2d_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight,
                        const Conv2dGeometry& geometry) {
  with_floating_type("conv2d_grad_weight", x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const Sizes s = sizes_of(x, grad_weight, geometry);
    const Conv2dGeometry& g = geometry;
    const T* dy = grad_y.data<T>();
    const T* in = x.data<T>();
    T* dw = grad_weight.data<T>();

    for (std::int64_t o = 0; o < s.outputs; ++o) {
      const std::int64_t group = o / s.group_outputs;
      for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
        for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
          for (std::int64_t c = 0; c < s.group_channels; ++c) {
            const std::int64_t input_channel = group * s.group_channels + c;
            double total = 0.0;
            for (std::int64_t n = 0; n < s.batch; ++n) {
              for (std::int64_t oh = 0; oh < s.out_height; ++oh) {
                const std::int64_t ih = oh * g.stride_h - g.pad_top + kh;
                if (ih < 0 || ih >= s.height) continue;
                for (std::int64_t ow = 0; ow < s.out_width; ++ow) {
                  const std::int64_t iw = ow * g.stride_w - g.pad_left + kw;
                  if (iw < 0 || iw >= s.width) continue;
                  // grad_y[n, oh, ow, o] * x[n, ih, iw, input_channel]
                  const T dy_value =
                      dy[((n * s.out_height + oh) * s.out_width + ow) * s.outputs + o];
                  const T x_value =
                      in[((n * s.height + ih) * s.width + iw) * s.channels + input_channel];
                  total += static_cast<double>(dy_value) * static_cast<double>(x_value);
                }
              }
            }
            // grad_weight[o, kh, kw, c]
            dw[((o * g.kernel_h + kh) * g.kernel_w + kw) * s.group_channels + c] =
                static_cast<T>(total);
          }
        }
      }
    }
  });
}

}  // namespace engine::kernels::cpu::reference
