// The column matrix behind the CPU convolution fast path (convolution.cpp).
//
// A convolution over NHWC input is a matrix product once every output pixel's receptive field
// is laid out as one row: row r = (n, oh, ow) of the column matrix holds, for each group g and
// kernel tap (kh, kw), the C / G input channels of that group at the pixel the tap reads
// (zeros where it reads padding):
//
//   col[r, g, kh, kw, c] = x[n, oh * stride_h - pad_top + kh, ow * stride_w - pad_left + kw,
//                            g * C/G + c]
//
// For group g the columns g * patch ... (g + 1) * patch - 1 (patch = KH * KW * C/G) are ordered
// (kh, kw, c) exactly like a row of the OHWI weight, so y_g = col_g · weight_g^T with col_g a
// column block of col (leading dimension G * patch): one GEMM per group, no copies.
//
// Both functions split their rows over the engine's thread pool (a pure copy, and a gather whose
// every sum runs on one thread in a fixed order, so the bits never depend on the thread count).
// They run between GEMMs, while OpenBLAS's idle workers still poll for work; on the 2-core bench
// machine a single-threaded copy measured the same speed (docs/BENCHMARKS.md), and the pool is
// kept because the copy's share grows with the core count when the GEMM is threaded.
#pragma once

#include <cstdint>

#include "kernels/params.h"
#include "tensor/tensor.h"

namespace engine::kernels::cpu {

struct ConvolutionShape {
  std::int64_t batch = 0, height = 0, width = 0, channels = 0;  // x [N, H, W, C]
  std::int64_t out_height = 0, out_width = 0, outputs = 0;      // y [N, OH, OW, O]
  std::int64_t groups = 1, group_channels = 0, group_outputs = 0;
  Conv2dGeometry geometry;

  std::int64_t pixels() const { return out_height * out_width; }  // output pixels per image
  std::int64_t rows() const { return batch * pixels(); }          // rows of the column matrix
  std::int64_t patch() const { return geometry.kernel_h * geometry.kernel_w * group_channels; }
  std::int64_t columns() const { return groups * patch(); }  // row length of col

  // A 1x1 kernel with stride 1 and no padding reads exactly one input pixel per output pixel:
  // x [N * H * W, C] already is the column matrix.
  bool input_is_column_matrix() const;
  // One input channel per group and one output channel per input channel (EfficientNet's
  // depthwise convolutions): a GEMM of inner size KH * KW is useless, a direct loop is used.
  bool is_depthwise() const { return groups == channels && outputs == channels; }
};

// x [N, H, W, C] and weight [O, KH, KW, C / G] as the contracts guarantee them.
ConvolutionShape convolution_shape(const Tensor& x, const Tensor& weight,
                                   const Conv2dGeometry& geometry);

// Writes rows [first_row, first_row + rows) of the column matrix into col [rows, columns()].
// Parallel over rows.
template <typename T>
void im2col(const T* x, const ConvolutionShape& shape, std::int64_t first_row, std::int64_t rows,
            T* col);

// The adjoint of im2col for whole images, written as a gather so that each grad_x element is
// produced by one thread in a fixed order (taps kh, kw ascending):
//   grad_x[n, ih, iw, g * C/G + c] = sum over the taps (kh, kw) and output pixels (oh, ow) that
//                                    read (ih, iw) of col[(n, oh, ow), g, kh, kw, c]
// for images [first_image, first_image + images); col holds those images' rows, starting at
// row 0. Every grad_x element of those images is overwritten. Parallel over input rows.
template <typename T>
void col2im(const T* col, const ConvolutionShape& shape, std::int64_t first_image,
            std::int64_t images, T* grad_x);

}  // namespace engine::kernels::cpu
