// One training step's forward and backward passes, and what the training loop needs to know of
// them, with one host read per step on any device: the loss, every gradient's squared norm and
// the logits are written into one float64 vector on the device and read back together. (Before,
// each parameter's norm was read on its own: 62 GPU synchronisations per ResNet-18 step.)
// tests/apps/training_step_test.cpp counts the reads (tensor/host_reads.h).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "apps/train/config.h"
#include "data/loader.h"
#include "models/model.h"
#include "optim/optimizer.h"

namespace engine::apps {

struct StepFigures {
  double loss = 0;           // the batch's training loss (auxiliary loss included)
  double gradient_norm = 0;  // 2-norm of all gradients together, before clipping
  std::int64_t correct = 0;  // images whose larger logit is the true class
};

// Zeroes the gradients, runs the forward and backward passes of `batch` (moved to `device`),
// reads the figures (one host read), and clips the gradients when config.max_gradient_norm > 0
// and the norm is finite (optim::clip_to_norm; no read). The caller checks that the figures are
// finite before it steps the optimizer.
StepFigures forward_backward(const TrainingConfig& config, models::Model& model,
                             optim::Optimizer& optimizer,
                             const std::vector<optim::Parameter>& parameters,
                             const Tensor& class_weights, const data::Batch& batch, Device device);

// Images whose larger logit (row n of `logits`, [N, 2] row-major) is `targets`[n]; `targets` is
// the loader's int64 vector on the CPU, read in place.
std::int64_t count_correct(std::span<const double> logits, const Tensor& targets);

}  // namespace engine::apps
