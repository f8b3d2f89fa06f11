// The two backends behind the seam, with identical signatures (one shared declaration list).
// Only dispatch.cpp and tests call these directly; everything else goes through kernels/ops.h.
#pragma once

#include <string>
#include <vector>

#include "kernels/params.h"
#include "tensor/tensor.h"

namespace engine::kernels::cpu {
#include "kernels/signatures.inc"
}  // namespace engine::kernels::cpu

namespace engine::kernels::cuda {
#include "kernels/signatures.inc"
}  // namespace engine::kernels::cuda

// Loop-level references for the ops whose cpu:: version takes a fast path (im2col + BLAS).
// The fast path is tested against these; ReferenceKernelsScope routes dispatch to them.
namespace engine::kernels::cpu::reference {
void conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                    const Conv2dGeometry& geometry);
void conv2d_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                       const Conv2dGeometry& geometry);
void conv2d_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight,
                        const Conv2dGeometry& geometry);
void linear_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y);
void linear_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x);
void linear_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight);
}  // namespace engine::kernels::cpu::reference
