// Winograd F(2x2, 3x3): the float32 CPU path for stride-1 3x3 convolutions (ResNet's and
// InceptionV3's 3x3 layers), forward and grad_input.
//
// The output is cut into 2x2 tiles; the 4x4 input tile d that a tile reads and each 3x3 filter
// g are carried into a 4x4 "transformed" domain where the convolution becomes an elementwise
// product summed over input channels (Lavin and Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016):
//
//   V = B^T d B,   U = G g G^T,   M[k] = sum over c of V[k, c] U[k, o, c]  (k = one of 16),
//   y (2x2) = A^T M A
//
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//   G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
//   A^T = [1 1 1 0; 0 1 -1 -1]
//
// With the tiles as rows, the sums over channels are 16 matrix products V[k] [tiles, C] ·
// U[k]^T [C, O] (OpenBLAS), which need 16 multiplications per 4 outputs and channel where the
// direct sum needs 36: 2.25 times fewer. The transforms are additions only (and halvings of the
// filter), done per channel vector, which is contiguous in NHWC.
//
// Rounding: the result differs from the direct sum by a few float32 roundings of the transformed
// values, bounded in tests/kernels/winograd_test.cpp against the loop-level reference. It is
// used for float32 only; float64 (gradient checks) keeps the im2col path. Which path ran is
// written into the trace (ENGINE_TRACE) as the op's "algorithm" note.
//
// grad_input of a stride-1 3x3 convolution is itself a stride-1 3x3 convolution of grad_y with
// the filters flipped and their input and output channels swapped, padded by 2 - pad on each
// side, so the same code computes it.
#pragma once

#include "kernels/cpu/im2col.h"
#include "tensor/tensor.h"

namespace engine::kernels::cpu {

// Off unless the environment sets ENGINE_CPU_WINOGRAD=1 (read at the first call) or a program
// calls set_winograd_enabled(true). Per layer its error is no larger than im2col + GEMM's
// (largest error on tests/kernels/winograd_test.cpp 3.8e-6 against 8.6e-6). It was kept opt-in
// when the first layer's float32 gradient norm of InceptionV3 came out 3.0% from torchvision's
// float64 with it on, outside that test's fixed tolerance; that is now understood (docs/TESTING.md:
// PyTorch's own float32 gradients there are 4.7% off, from ReLU kinks that forward rounding flips)
// and the test bounds each tensor by PyTorch's own float32 error instead. With the path on, the
// four networks' largest ratio to PyTorch's error is 0.9-1.2, no worse than im2col's 1.1-1.9.
// Whether it becomes the default is a question of speed (docs/BENCHMARKS.md); the trace names the
// algorithm of every call.
bool winograd_enabled();
void set_winograd_enabled(bool enabled);

// Whether the Winograd path takes this convolution: enabled, float32, kernel 3x3, stride 1, one
// group, every padding between 0 and 2 (so that grad_input's padding 2 - pad is valid too), and
// enough 2x2 output tiles and channels for the transforms to pay (measured in docs/BENCHMARKS.md).
bool winograd_applies(const ConvolutionShape& shape, DType dtype);

void winograd_conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                             const ConvolutionShape& shape);

void winograd_conv2d_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                                const ConvolutionShape& shape);

}  // namespace engine::kernels::cpu
