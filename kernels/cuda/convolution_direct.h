// engine_direct: the convolution ops as plain CUDA loops, one thread per output element, written
// as the CPU's loop-level reference (kernels/cpu/convolution_reference.cpp) reads and summing in
// float64 in the same order. convolution.cu runs them, and says so in the trace and the run
// record, where cuDNN cannot: per-side (asymmetric) padding, which cuDNN's symmetric padding
// cannot express and none of the four networks uses, and any problem for which cuDNN offers no
// algorithm acceptable in the current mode. They are correct and deterministic, not fast.
#pragma once

#include "kernels/cuda/context.h"
#include "kernels/params.h"
#include "tensor/tensor.h"

namespace engine::kernels::cuda {

void direct_conv2d_forward(Context& context, const Tensor& x, const Tensor& weight,
                           const Tensor& bias, Tensor& y, const Conv2dGeometry& geometry);
void direct_conv2d_grad_input(Context& context, const Tensor& grad_y, const Tensor& weight,
                              Tensor& grad_x, const Conv2dGeometry& geometry);
void direct_conv2d_grad_weight(Context& context, const Tensor& grad_y, const Tensor& x,
                               Tensor& grad_weight, const Conv2dGeometry& geometry);

}  // namespace engine::kernels::cuda
