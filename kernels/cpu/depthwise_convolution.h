// The CPU fast path for depthwise convolutions (groups == C == O, weight [C, KH, KW, 1]), as in
// EfficientNet's MBConv blocks. Each output channel reads one input channel, so a GEMM would have
// an inner size of KH * KW; direct loops over a contiguous run of channels are faster. Called by
// convolution.cpp when ConvolutionShape::is_depthwise(); the contracts have been checked.
#pragma once

#include "kernels/cpu/im2col.h"
#include "tensor/tensor.h"

namespace engine::kernels::cpu {

void depthwise_conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                              const ConvolutionShape& shape);
void depthwise_conv2d_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                                 const ConvolutionShape& shape);
void depthwise_conv2d_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight,
                                  const ConvolutionShape& shape);

}  // namespace engine::kernels::cpu
