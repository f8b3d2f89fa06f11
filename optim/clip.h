// Gradient-norm clipping and the finiteness check a training loop stops on.
#pragma once

#include <vector>

#include "optim/parameter.h"

namespace engine::optim {

// torch.nn.utils.clip_grad_norm_ with the 2-norm: the total norm is taken over the gradients of
// all `parameters` together (parameters whose gradient is undefined are skipped); when it exceeds
// max_norm, every gradient is scaled in place by max_norm / (total + 1e-6). Returns the total
// norm before clipping.
// The squared norm of each gradient comes from kernels::squared_norm (on the gradient's device,
// rounded to its dtype), and the squares are summed in double in the order given, so the result
// is reproducible. Unlike PyTorch, a non-finite total (a NaN or infinite gradient element) leaves
// the gradients untouched: the caller should check the returned norm and stop, rather than train
// on gradients PyTorch would have turned into NaN or zeros.
// Throws std::invalid_argument unless max_norm is finite and > 0.
double clip_grad_norm(const std::vector<Parameter>& parameters, double max_norm);

// The 2-norm of all defined gradients together, computed as clip_grad_norm computes it.
double gradient_norm(const std::vector<Parameter>& parameters);

// False when the squared norm of some defined gradient is not finite: true for every NaN or
// infinite element, and also when finite elements are so large that their squared norm overflows
// the gradient's dtype (about 1.8e19 in float32), which is equally a reason to stop training.
bool gradients_are_finite(const std::vector<Parameter>& parameters);

}  // namespace engine::optim
