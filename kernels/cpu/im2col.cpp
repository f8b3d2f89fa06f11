#include "kernels/cpu/im2col.h"

#include <algorithm>

#include "kernels/cpu/grain.h"
#include "kernels/cpu/parallel.h"

namespace engine::kernels::cpu {

bool ConvolutionShape::input_is_column_matrix() const {
  const Conv2dGeometry& g = geometry;
  return g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
         g.pad_top == 0 && g.pad_bottom == 0 && g.pad_left == 0 && g.pad_right == 0;
}

ConvolutionShape convolution_shape(const Tensor& x, const Tensor& weight,
                                   const Conv2dGeometry& geometry) {
  ConvolutionShape shape;
  shape.batch = x.size(0);
  shape.height = x.size(1);
  shape.width = x.size(2);
  shape.channels = x.size(3);
  shape.out_height = geometry.output_h(shape.height);
  shape.out_width = geometry.output_w(shape.width);
  shape.outputs = weight.size(0);
  shape.groups = geometry.groups;
  shape.group_channels = shape.channels / shape.groups;
  shape.group_outputs = shape.outputs / shape.groups;
  shape.geometry = geometry;
  return shape;
}

template <typename T>
void im2col(const T* x, const ConvolutionShape& s, std::int64_t first_row, std::int64_t rows,
            T* col) {
  const Conv2dGeometry& g = s.geometry;
  const std::int64_t columns = s.columns(), group_channels = s.group_channels;
  parallel_for(rows, grain_for(columns), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t local = begin; local < end; ++local) {
      const std::int64_t r = first_row + local;
      const std::int64_t n = r / s.pixels();
      const std::int64_t oh = (r % s.pixels()) / s.out_width;
      const std::int64_t ow = r % s.out_width;
      const std::int64_t top = oh * g.stride_h - g.pad_top;    // input row of tap kh = 0
      const std::int64_t left = ow * g.stride_w - g.pad_left;  // input column of tap kw = 0
      // Taps kw in [kw_begin, kw_end) read inside the image; the others read padding.
      const std::int64_t kw_begin = std::clamp<std::int64_t>(-left, 0, g.kernel_w);
      const std::int64_t kw_end = std::clamp<std::int64_t>(s.width - left, kw_begin, g.kernel_w);
      T* row = col + local * columns;
      for (std::int64_t group = 0; group < s.groups; ++group) {
        for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
          T* destination = row + (group * g.kernel_h + kh) * g.kernel_w * group_channels;
          const std::int64_t ih = top + kh;
          if (ih < 0 || ih >= s.height) {
            std::fill_n(destination, g.kernel_w * group_channels, T(0));
            continue;
          }
          std::fill_n(destination, kw_begin * group_channels, T(0));
          // x[n, ih, left + kw, group's first channel] is at input_row + (left + kw) * C.
          const T* input_row =
              x + (n * s.height + ih) * s.width * s.channels + group * group_channels;
          if (s.groups == 1) {
            // Neighbouring taps read neighbouring pixels: one contiguous run of channels.
            std::copy_n(input_row + (left + kw_begin) * s.channels,
                        (kw_end - kw_begin) * s.channels, destination + kw_begin * group_channels);
          } else {
            for (std::int64_t kw = kw_begin; kw < kw_end; ++kw) {
              std::copy_n(input_row + (left + kw) * s.channels, group_channels,
                          destination + kw * group_channels);
            }
          }
          std::fill_n(destination + kw_end * group_channels, (g.kernel_w - kw_end) * group_channels,
                      T(0));
        }
      }
    }
  });
}

template <typename T>
void col2im(const T* col, const ConvolutionShape& s, std::int64_t first_image, std::int64_t images,
            T* grad_x) {
  const Conv2dGeometry& g = s.geometry;
  const std::int64_t columns = s.columns(), group_channels = s.group_channels;
  const std::int64_t group_stride = g.kernel_h * g.kernel_w * group_channels;
  parallel_for(images * s.height, grain_for(s.width * s.channels),
               [&](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t image_row = begin; image_row < end; ++image_row) {
                   const std::int64_t local_image = image_row / s.height, ih = image_row % s.height;
                   const std::int64_t n = first_image + local_image;
                   for (std::int64_t iw = 0; iw < s.width; ++iw) {
                     T* destination = grad_x + ((n * s.height + ih) * s.width + iw) * s.channels;
                     std::fill_n(destination, s.channels, T(0));
                     for (std::int64_t kh = 0; kh < g.kernel_h; ++kh) {
                       // Output row oh reads ih through tap kh when oh * stride_h - pad_top + kh ==
                       // ih.
                       const std::int64_t oh_times_stride = ih + g.pad_top - kh;
                       if (oh_times_stride < 0 || oh_times_stride % g.stride_h != 0) continue;
                       const std::int64_t oh = oh_times_stride / g.stride_h;
                       if (oh >= s.out_height) continue;
                       for (std::int64_t kw = 0; kw < g.kernel_w; ++kw) {
                         const std::int64_t ow_times_stride = iw + g.pad_left - kw;
                         if (ow_times_stride < 0 || ow_times_stride % g.stride_w != 0) continue;
                         const std::int64_t ow = ow_times_stride / g.stride_w;
                         if (ow >= s.out_width) continue;
                         const T* source =
                             col + (local_image * s.pixels() + oh * s.out_width + ow) * columns +
                             (kh * g.kernel_w + kw) * group_channels;
                         for (std::int64_t group = 0; group < s.groups; ++group) {
                           const T* from = source + group * group_stride;
                           T* to = destination + group * group_channels;
                           for (std::int64_t c = 0; c < group_channels; ++c) to[c] += from[c];
                         }
                       }
                     }
                   }
                 }
               });
}

template void im2col<float>(const float*, const ConvolutionShape&, std::int64_t, std::int64_t,
                            float*);
template void im2col<double>(const double*, const ConvolutionShape&, std::int64_t, std::int64_t,
                             double*);
template void col2im<float>(const float*, const ConvolutionShape&, std::int64_t, std::int64_t,
                            float*);
template void col2im<double>(const double*, const ConvolutionShape&, std::int64_t, std::int64_t,
                             double*);

}  // namespace engine::kernels::cpu
