// Preparing a trained network for inference: batch normalisation folded into the convolution
// before it.
//
// In evaluation mode a batch norm is a fixed per-channel affine map of its input,
//   y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta,
// so when x is a convolution's output the map can be moved into that convolution: with
// s[o] = gamma[o] / sqrt(running_var[o] + eps) (computed in float64),
//   weight'[o, ...] = s[o] * weight[o, ...]
//   bias'[o]        = s[o] * (bias[o] - running_mean[o]) + beta[o]      (bias[o] = 0 if none)
// and the batch norm becomes the identity (gamma 1, beta 0, running mean 0 and a running
// variance v chosen so that the evaluation kernel's 1 / sqrt(v + eps) is exactly 1 in the
// model's dtype). A folded batch norm runs in inference mode (autograd/inference_mode.h), where
// batch_norm2d() recognises such an identity on the CPU and returns its input without a pass over
// the activations (the trace records the skip); that pass, not the arithmetic, is what folding
// saves. The folded network equals the original up to floating-point rounding
// (tests/models/inference_test.cpp checks all four architectures in float64 and float32).
//
// What is folded: a Conv2d child immediately followed, in its parent's registration order, by a
// BatchNorm2d child of the same width, whose forward pass (recorded on one example input) runs
// right after the convolution on the convolution's output shape. That is the pattern of all four
// networks (ResNet's conv/bn pairs and downsample, Inception's BasicConv2d, EfficientNet's
// ConvNormActivation). It assumes the convolution's output feeds only that batch norm, as in
// those networks.
//
// Use: for inference only, after moving the model to its final device and dtype. The model must
// be in evaluation mode and stay there (training would update the identity statistics). The new
// convolution biases are not registered parameters: they do not appear in state_dict, are not
// saved by checkpoints and do not follow a later Module::to(). Keep the unfolded model for
// saving, fine-tuning and auditing against the reference.
#pragma once

#include <cstdint>

#include "models/model.h"

namespace engine::models {

struct FoldingSummary {
  std::int64_t folded = 0;       // batch norms folded into their convolution
  std::int64_t batch_norms = 0;  // batch norms in the model, folded or not
};

// Folds every eligible batch norm of `model` (in evaluation mode; throws std::logic_error
// otherwise). Runs one forward pass at batch 1 and the model's input size to confirm the order of
// each pair. Idempotent: an identity batch norm folds into its convolution without change.
FoldingSummary fold_batch_norm(Model& model);

}  // namespace engine::models
