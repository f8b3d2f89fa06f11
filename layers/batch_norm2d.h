// BatchNorm2d over the channel (last) dimension of NHWC activations, PyTorch's parameters and
// buffers: weight (gamma), bias (beta), running_mean, running_var, num_batches_tracked.
#pragma once

#include "kernels/params.h"
#include "layers/module.h"

namespace engine::layers {

class BatchNorm2d final : public Module {
 public:
  explicit BatchNorm2d(std::int64_t channels, kernels::BatchNormConfig config = {});
  Tensor compute(const Tensor& x) override;
  const kernels::BatchNormConfig& config() const { return config_; }
  // As assigning torch's BatchNorm2d.momentum: 1 makes the next training forward set the running
  // statistics to that batch's (used to give a fresh network sensible evaluation statistics).
  void set_momentum(double momentum);
  // Set by models::fold_batch_norm() once this batch norm is folded into the convolution before
  // it: its forward pass then runs in inference mode (autograd/inference_mode.h), where the
  // identity that folding left is skipped and the trace says so.
  void mark_folded() { folded_ = true; }
  bool folded() const { return folded_; }

  Tensor weight, bias, running_mean, running_var;
  Tensor num_batches_tracked;  // int64 [], kept on the host: only a counter for state_dict parity

 private:
  kernels::BatchNormConfig config_;
  bool folded_ = false;
};

}  // namespace engine::layers
