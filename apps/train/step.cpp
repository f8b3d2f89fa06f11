#include "apps/train/step.h"

#include <stdexcept>

#include "apps/train/training_parts.h"
#include "kernels/ops.h"
#include "optim/clip.h"

namespace engine::apps {

StepFigures forward_backward(const TrainingConfig& config, models::Model& model,
                             optim::Optimizer& optimizer,
                             const std::vector<optim::Parameter>& parameters,
                             const Tensor& class_weights, const data::Batch& batch, Device device) {
  const Tensor images = batch.images.to(device);
  const Tensor targets = batch.targets.to(device);
  optimizer.zero_grad();
  const models::Model::Outputs outputs = model.forward_outputs(images);
  const Tensor loss = training_loss(config, outputs, targets, class_weights);
  loss.backward();

  // [squared norm of each gradient..., loss, logits...] in float64 on the device: one read.
  const std::int64_t norms = optim::defined_gradients(parameters);
  const Tensor logits = outputs.logits.detach();
  Tensor figures = Tensor::empty({norms + 1 + logits.numel()}, DType::Float64, device);
  optim::write_squared_gradient_norms(parameters, figures);
  Tensor loss_slot = figures.narrow(0, norms, 1).view({});
  kernels::copy(loss.detach().view({}), loss_slot);
  Tensor logits_slot = figures.narrow(0, norms + 1, logits.numel()).view(logits.shape());
  kernels::copy(logits.contiguous(), logits_slot);
  const std::vector<double> values = figures.to_vector<double>();

  const std::span<const double> all(values);
  StepFigures step;
  step.gradient_norm = optim::norm_from_squares(all.first(static_cast<std::size_t>(norms)));
  step.loss = values[static_cast<std::size_t>(norms)];
  step.correct = count_correct(all.subspan(static_cast<std::size_t>(norms) + 1), batch.targets);
  if (config.max_gradient_norm > 0) {
    optim::clip_to_norm(parameters, step.gradient_norm, config.max_gradient_norm);
  }
  return step;
}

std::int64_t count_correct(std::span<const double> logits, const Tensor& targets) {
  if (!targets.device().is_cpu() || !targets.is_contiguous() ||
      static_cast<std::size_t>(2 * targets.numel()) != logits.size()) {
    throw std::logic_error("count_correct: two logits per target and the targets on the CPU, not " +
                           targets.description());
  }
  const std::int64_t* truth = targets.data<std::int64_t>();
  std::int64_t correct = 0;
  for (std::int64_t n = 0; n < targets.numel(); ++n) {
    const std::int64_t predicted = logits[2 * n + 1] >= logits[2 * n] ? 1 : 0;
    correct += predicted == truth[n] ? 1 : 0;
  }
  return correct;
}

}  // namespace engine::apps
