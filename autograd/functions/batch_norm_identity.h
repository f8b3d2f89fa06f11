// An evaluation-mode batch norm that is exactly the identity: what folding it into the
// convolution before it (models/inference.h) leaves behind. In inference mode
// (autograd/inference_mode.h) batch_norm2d() skips such a batch norm on the CPU instead of copying
// the activations through the kernel, and the trace says so.
#pragma once

#include "tensor/tensor.h"

namespace engine {

// True when gamma is 1, beta 0, the running mean 0 and the evaluation kernel's
// 1 / sqrt(running_var + eps), rounded to the dtype, is exactly 1 for every channel: then the
// kernel's output equals its input bit for bit (except that -0 would become +0). All four
// tensors must be contiguous CPU tensors of one floating dtype; anything else gives false.
bool is_identity_batch_norm(const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                            const Tensor& running_var, double eps);

// A running variance v with 1 / sqrt(v + eps) == 1 after rounding to `dtype` (float32 or
// float64), as the evaluation kernel computes it. Throws std::invalid_argument for other dtypes.
double identity_running_variance(DType dtype, double eps);

}  // namespace engine
