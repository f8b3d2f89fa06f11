// CPU fast path: conv2d_forward, conv2d_grad_input, conv2d_grad_weight as matrix products.
//
// With the column matrix col [N * OH * OW, G * patch] of im2col.h (patch = KH * KW * C/G) and
// the weight seen as W [O, patch] (OHWI rows), group g's blocks are col_g [rows, patch] and
// W_g [O/G, patch], and the three ops are one GEMM per group:
//
//   forward      y_g      [rows, O/G]   = col_g · W_g^T        (+ bias, written into y first)
//   grad_input   dcol_g   [rows, patch] = dy_g · W_g,           then grad_x = col2im(dcol)
//   grad_weight  dW_g     [O/G, patch]  = dy_g^T · col_g
//
// where y_g, dy_g are column blocks of y, dy [rows, O] (leading dimension O). A 1x1 stride-1
// unpadded convolution uses x itself as col (no copy at all), depthwise convolutions take
// the direct loops of depthwise_convolution.cpp, and float32 stride-1 3x3 convolutions with
// enough tiles take Winograd F(2x2, 3x3) (winograd.h) for forward and grad_input. Which of these
// ran is the op's "algorithm" note in the trace. The loop-level definitions these must match
// are in convolution_reference.cpp.
//
// The column matrix is built in chunks of rows (whole images for grad_input, whose col2im must
// see every row that reads an input pixel) so that its scratch buffer stays near the cache size
// instead of growing with the batch. Chunk sizes depend on the shapes only, never on the thread
// count, so results have the same bits for any number of our threads.
#include <algorithm>

#include "kernels/backend.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/depthwise_convolution.h"
#include "kernels/cpu/im2col.h"
#include "kernels/cpu/typed.h"
#include "kernels/cpu/winograd.h"
#include "kernels/trace.h"

namespace engine::kernels::cpu {

namespace {

using blas::Transpose;

// Chunk size of the column matrix: about 2^20 elements (4 MiB of float32, which stays in the
// L2/L3 caches between im2col writing it and the GEMM reading it), but at least 1024 rows, below
// which OpenBLAS's kernels run short of rows to block over (ResNet-50's 3x3 layers with 4608
// columns). Measured single-threaded on the bench shapes: 2^22 elements cost the 7x7 stem and
// the 56x56 3x3 layer about 23%; 2^18 cost the 7x7x512 layer about 8%; the 1024-row floor
// gained about 9% there.
constexpr std::int64_t column_budget = 1 << 20;
constexpr std::int64_t minimum_chunk_rows = 1024;

std::int64_t rows_per_chunk(const ConvolutionShape& s) {
  const std::int64_t rows =
      std::max(minimum_chunk_rows, column_budget / std::max<std::int64_t>(1, s.columns()));
  return std::clamp<std::int64_t>(rows, 1, std::max<std::int64_t>(1, s.rows()));
}

// grad_input's chunks are whole images (col2im must see every row that reads a pixel).
std::int64_t images_per_chunk(const ConvolutionShape& s) {
  const std::int64_t pixels = std::max<std::int64_t>(1, s.pixels());
  const std::int64_t images = (rows_per_chunk(s) + pixels - 1) / pixels;
  return std::clamp<std::int64_t>(images, 1, std::max<std::int64_t>(1, s.batch));
}

// y[r, :] = bias for `rows` rows, so the GEMMs can add onto it (beta 1).
template <typename T>
void write_bias_rows(const T* bias, std::int64_t outputs, std::int64_t rows, T* y) {
  for (std::int64_t r = 0; r < rows; ++r) std::copy_n(bias, outputs, y + r * outputs);
}

template <typename T>
void gemm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                  const ConvolutionShape& s) {
  const T* in = x.data<T>();
  const T* w = weight.data<T>();
  const T* b = bias.defined() ? bias.data<T>() : nullptr;
  T* out = y.data<T>();
  const std::int64_t patch = s.patch(), columns = s.columns(), outputs = s.outputs;
  const std::int64_t group_outputs = s.group_outputs;
  const T beta = b != nullptr ? T(1) : T(0);

  // y rows [first, first + count) from the column-matrix rows `col` (leading dimension ld).
  auto multiply = [&](const T* col, std::int64_t ld, std::int64_t first, std::int64_t count) {
    T* y_rows = out + first * outputs;
    if (b != nullptr) write_bias_rows(b, outputs, count, y_rows);
    for (std::int64_t g = 0; g < s.groups; ++g) {
      blas::gemm<T>(Transpose::no, Transpose::yes, count, group_outputs, patch, T(1),
                    col + g * patch, ld, w + g * group_outputs * patch, patch, beta,
                    y_rows + g * group_outputs, outputs);
    }
  };

  if (s.input_is_column_matrix()) {
    multiply(in, s.channels, 0, s.rows());
    return;
  }
  const std::int64_t chunk = rows_per_chunk(s);
  Tensor scratch = Tensor::empty({chunk, columns}, x.dtype());
  T* col = scratch.data<T>();
  for (std::int64_t first = 0; first < s.rows(); first += chunk) {
    const std::int64_t count = std::min(chunk, s.rows() - first);
    im2col(in, s, first, count, col);
    multiply(col, columns, first, count);
  }
}

template <typename T>
void gemm_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                     const ConvolutionShape& s) {
  const T* dy = grad_y.data<T>();
  const T* w = weight.data<T>();
  T* dx = grad_x.data<T>();
  const std::int64_t patch = s.patch(), columns = s.columns(), outputs = s.outputs;
  const std::int64_t group_outputs = s.group_outputs;

  // dcol rows = dy rows · W, group by group, into `dcol` (leading dimension ld).
  auto multiply = [&](std::int64_t first_row, std::int64_t count, T* dcol, std::int64_t ld) {
    for (std::int64_t g = 0; g < s.groups; ++g) {
      blas::gemm<T>(Transpose::no, Transpose::no, count, patch, group_outputs, T(1),
                    dy + first_row * outputs + g * group_outputs, outputs,
                    w + g * group_outputs * patch, patch, T(0), dcol + g * patch, ld);
    }
  };

  if (s.input_is_column_matrix()) {  // grad_x [N * H * W, C] is dcol itself
    multiply(0, s.rows(), dx, s.channels);
    return;
  }
  const std::int64_t chunk = images_per_chunk(s);
  Tensor scratch = Tensor::empty({chunk * s.pixels(), columns}, grad_x.dtype());
  T* dcol = scratch.data<T>();
  for (std::int64_t first = 0; first < s.batch; first += chunk) {
    const std::int64_t images = std::min(chunk, s.batch - first);
    multiply(first * s.pixels(), images * s.pixels(), dcol, columns);
    col2im(dcol, s, first, images, dx);
  }
}

template <typename T>
void gemm_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_w,
                      const ConvolutionShape& s) {
  const T* dy = grad_y.data<T>();
  const T* in = x.data<T>();
  T* dw = grad_w.data<T>();
  const std::int64_t patch = s.patch(), columns = s.columns(), outputs = s.outputs;
  const std::int64_t group_outputs = s.group_outputs;

  // dW += dy rows^T · col rows; the first chunk overwrites (beta 0), later ones accumulate in
  // chunk order, which depends on the shapes only.
  auto accumulate = [&](const T* col, std::int64_t ld, std::int64_t first, std::int64_t count) {
    const T beta = first == 0 ? T(0) : T(1);
    for (std::int64_t g = 0; g < s.groups; ++g) {
      blas::gemm<T>(Transpose::yes, Transpose::no, group_outputs, patch, count, T(1),
                    dy + first * outputs + g * group_outputs, outputs, col + g * patch, ld, beta,
                    dw + g * group_outputs * patch, patch);
    }
  };

  if (s.input_is_column_matrix()) {
    accumulate(in, s.channels, 0, s.rows());
    return;
  }
  const std::int64_t chunk = rows_per_chunk(s);
  Tensor scratch = Tensor::empty({chunk, columns}, x.dtype());
  T* col = scratch.data<T>();
  for (std::int64_t first = 0; first < s.rows(); first += chunk) {
    const std::int64_t count = std::min(chunk, s.rows() - first);
    im2col(in, s, first, count, col);
    accumulate(col, columns, first, count);
  }
  if (s.rows() == 0) std::fill_n(dw, grad_w.numel(), T(0));  // an empty batch has no gradient
}

enum class Path { depthwise, winograd, gemm };

// Chosen once per call, then both traced and taken. grad_weight has no Winograd path (it would
// need the transform of grad_y per tile as well), so it passes winograd_possible = false.
Path choose_path(const ConvolutionShape& shape, DType dtype, bool winograd_possible) {
  if (shape.is_depthwise()) return Path::depthwise;
  if (winograd_possible && winograd_applies(shape, dtype)) return Path::winograd;
  return Path::gemm;
}

// The op's "algorithm" note in the trace.
void annotate(Path path, const ConvolutionShape& shape) {
  const char* name = path == Path::depthwise          ? "depthwise direct"
                     : path == Path::winograd         ? "winograd F(2x2,3x3)"
                     : shape.input_is_column_matrix() ? "gemm (x as columns)"
                                                      : "im2col + gemm";
  annotate_current_op("algorithm", name);
}

}  // namespace

void conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                    const Conv2dGeometry& geometry) {
  const ConvolutionShape shape = convolution_shape(x, weight, geometry);
  const Path path = choose_path(shape, x.dtype(), true);
  annotate(path, shape);
  if (path == Path::depthwise) return depthwise_conv2d_forward(x, weight, bias, y, shape);
  if (path == Path::winograd) return winograd_conv2d_forward(x, weight, bias, y, shape);
  with_floating_type("conv2d_forward", x.dtype(),
                     [&](auto zero) { gemm_forward<decltype(zero)>(x, weight, bias, y, shape); });
}

void conv2d_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                       const Conv2dGeometry& geometry) {
  const ConvolutionShape shape = convolution_shape(grad_x, weight, geometry);
  const Path path = choose_path(shape, grad_x.dtype(), true);
  annotate(path, shape);
  if (path == Path::depthwise) return depthwise_conv2d_grad_input(grad_y, weight, grad_x, shape);
  if (path == Path::winograd) return winograd_conv2d_grad_input(grad_y, weight, grad_x, shape);
  with_floating_type("conv2d_grad_input", grad_x.dtype(), [&](auto zero) {
    gemm_grad_input<decltype(zero)>(grad_y, weight, grad_x, shape);
  });
}

void conv2d_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight,
                        const Conv2dGeometry& geometry) {
  const ConvolutionShape shape = convolution_shape(x, grad_weight, geometry);
  const Path path = choose_path(shape, x.dtype(), false);
  annotate(path, shape);
  if (path == Path::depthwise) return depthwise_conv2d_grad_weight(grad_y, x, grad_weight, shape);
  with_floating_type("conv2d_grad_weight", x.dtype(), [&](auto zero) {
    gemm_grad_weight<decltype(zero)>(grad_y, x, grad_weight, shape);
  });
}

}  // namespace engine::kernels::cpu
