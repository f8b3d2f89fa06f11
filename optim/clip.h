// Gradient-norm clipping and the finiteness check a training loop stops on, with one host read.
//
// The squared 2-norm of each gradient comes from kernels::squared_norm (on the gradient's device,
// rounded to its dtype) and goes into one float64 tensor on that device, one element per defined
// gradient, in the order given (write_squared_gradient_norms); nothing is read back there. The
// host reads that tensor once (or a bigger one holding it: apps/train/step.h reads the loss and
// the logits in the same copy) and sums the squares in double in order, so the result is
// reproducible and equal to summing per-gradient reads, without one GPU synchronisation per
// parameter.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "optim/parameter.h"

namespace engine::optim {

// How many of `parameters` have a defined gradient: the elements write_squared_gradient_norms
// writes.
std::int64_t defined_gradients(const std::vector<Parameter>& parameters);

// Writes the squared norm of each defined gradient into output[first], output[first + 1], ...
// `output` is a contiguous float64 vector on the gradients' device with room for them. Queues
// the work on the device and reads nothing back.
void write_squared_gradient_norms(const std::vector<Parameter>& parameters, Tensor& output,
                                  std::int64_t first = 0);

// The 2-norm of all gradients together from their squared norms: their sum in double, in order,
// square-rooted.
double norm_from_squares(std::span<const double> squares);

// torch.nn.utils.clip_grad_norm_ given the total norm: when it exceeds max_norm, every defined
// gradient is scaled in place by max_norm / (total + 1e-6). Unlike PyTorch, a non-finite total
// (a NaN or infinite gradient element) leaves the gradients untouched: the caller should stop
// rather than train on gradients PyTorch would have turned into NaN or zeros. Reads nothing.
// Throws std::invalid_argument unless max_norm is finite and > 0.
void clip_to_norm(const std::vector<Parameter>& parameters, double total, double max_norm);

// The same in one call, with one host read: returns the total norm before clipping (parameters
// whose gradient is undefined are skipped).
double clip_grad_norm(const std::vector<Parameter>& parameters, double max_norm);

// The 2-norm of all defined gradients together, with one host read.
double gradient_norm(const std::vector<Parameter>& parameters);

// False when the squared norm of some defined gradient is not finite: true for every NaN or
// infinite element, and also when finite elements are so large that their squared norm overflows
// the gradient's dtype (about 1.8e19 in float32), which is equally a reason to stop training.
// One host read.
bool gradients_are_finite(const std::vector<Parameter>& parameters);

}  // namespace engine::optim
