// Differentiable functions: what layers and models call. Each runs its forward op through the
// dispatch seam on the inputs' device and, when gradients are enabled and an input requires them,
// records a Node whose backward calls the matching backward ops. Forward and backward of each
// function live together in autograd/functions/<function>.cpp.
//
// Layouts: activations NHWC [N, H, W, C]; convolution weights OHWI [O, KH, KW, C / groups];
// linear weights [O, K]. An undefined Tensor stands for "none" (no bias, no class weights).
#pragma once

#include <vector>

#include "kernels/params.h"
#include "tensor/tensor.h"

namespace engine {

using kernels::BatchNormConfig;
using kernels::Conv2dGeometry;
using kernels::CrossEntropyConfig;
using kernels::Pool2dGeometry;
using kernels::RandomStream;
using kernels::Reduction;

// ---- elementwise ------------------------------------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b);  // same shape (residual connections)
Tensor scale(const Tensor& x, double factor);  // factor * x (loss weights)
Tensor relu(const Tensor& x);
Tensor silu(const Tensor& x);
Tensor sigmoid(const Tensor& x);

// ---- layers' core ops -------------------------------------------------------------------------
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
              const Conv2dGeometry& geometry);
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);
// Training (batch statistics, running statistics updated in place) or evaluation (running
// statistics). gamma and beta are the affine parameters; running_* are buffers, never
// differentiated.
Tensor batch_norm2d(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
                    Tensor& running_var, bool training, const BatchNormConfig& config);

// ---- pooling ----------------------------------------------------------------------------------
Tensor max_pool2d(const Tensor& x, const Pool2dGeometry& geometry);
Tensor avg_pool2d(const Tensor& x, const Pool2dGeometry& geometry);
Tensor global_avg_pool(const Tensor& x);  // [N, H, W, C] -> [N, C]

// ---- combination ------------------------------------------------------------------------------
Tensor channel_multiply(const Tensor& x, const Tensor& s);  // x [N, H, W, C] * s [N, C]
Tensor concat_channels(const std::vector<Tensor>& parts);   // along the last dimension

// ---- regularisation (identity when not training or p == 0) ------------------------------------
Tensor dropout(const Tensor& x, double p, const RandomStream& stream, bool training);
Tensor drop_path(const Tensor& x, double p, const RandomStream& stream, bool training);

// ---- loss and reductions ----------------------------------------------------------------------
// logits [N, K], targets int64 [N], class_weights [K] or undefined; returns a rank-0 loss.
Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& targets,
                             const Tensor& class_weights, const CrossEntropyConfig& config);
Tensor sum(const Tensor& x);   // rank-0
Tensor mean(const Tensor& x);  // rank-0

// ---- shape ------------------------------------------------------------------------------------
// Same elements in a new shape (a view when x is contiguous, else a copy); one extent may be -1.
Tensor reshape(const Tensor& x, const Shape& shape);
Tensor flatten(const Tensor& x);  // [N, ...] -> [N, rest]

}  // namespace engine
