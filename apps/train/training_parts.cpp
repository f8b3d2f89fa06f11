#include "apps/train/training_parts.h"

#include <cmath>
#include <cstdio>

#include "autograd/functions.h"
#include "optim/adamw.h"
#include "optim/sgd.h"

namespace engine::apps {

data::AugmentConfig augment_config(const std::string& name) {
  if (name == "none") return data::AugmentConfig{};
  if (name == "seed-study") return data::AugmentConfig::seed_study();
  if (name == "extended") return data::AugmentConfig::extended();
  throw std::invalid_argument("unknown augmentation '" + name + "' (none, seed-study, extended)");
}

bool is_head_parameter(const models::Model& model, const std::string& name) {
  for (const std::string& prefix : model.head_prefixes()) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

void set_backbone_trainable(models::Model& model, bool trainable) {
  for (const auto& entry : model.named_parameters()) {
    if (!is_head_parameter(model, entry.name)) entry.tensor->set_requires_grad(trainable);
  }
}

std::unique_ptr<optim::Optimizer> make_optimizer(const TrainingConfig& config, models::Model& model,
                                                 double learning_rate,
                                                 std::vector<optim::Parameter>& parameters) {
  std::vector<optim::Parameter> backbone, head;
  for (const auto& entry : model.named_parameters()) {
    (is_head_parameter(model, entry.name) ? head : backbone).push_back({entry.name, *entry.tensor});
  }
  parameters = backbone;
  parameters.insert(parameters.end(), head.begin(), head.end());
  std::vector<optim::ParameterGroup> groups;
  for (auto& group : optim::split_weight_decay_groups(backbone)) {
    group.learning_rate_factor = config.backbone_learning_rate_factor;
    if (!group.parameters.empty()) groups.push_back(std::move(group));
  }
  for (auto& group : optim::split_weight_decay_groups(head)) {
    if (!group.parameters.empty()) groups.push_back(std::move(group));
  }
  if (config.optimizer == "sgd") {
    optim::SgdOptions options;
    options.learning_rate = learning_rate;
    options.momentum = config.momentum;
    options.nesterov = config.nesterov;
    options.weight_decay = config.effective_weight_decay();
    return std::make_unique<optim::Sgd>(std::move(groups), options);
  }
  optim::AdamWOptions options;
  options.learning_rate = learning_rate;
  options.weight_decay = config.effective_weight_decay();
  return std::make_unique<optim::AdamW>(std::move(groups), options);
}

std::unique_ptr<optim::LearningRateSchedule> make_schedule(const TrainingConfig& config,
                                                           const StageSettings& settings,
                                                           std::int64_t steps_per_epoch) {
  const std::int64_t total = settings.epochs * steps_per_epoch;
  if (config.schedule == "constant") {
    return std::make_unique<optim::ConstantSchedule>(settings.learning_rate);
  }
  if (config.schedule == "step") {
    return std::make_unique<optim::StepDecaySchedule>(
        settings.learning_rate, config.step_epochs * steps_per_epoch, config.step_gamma);
  }
  optim::WarmupCosineOptions options;
  options.base_learning_rate = settings.learning_rate;
  options.minimum_learning_rate = config.minimum_learning_rate;
  options.total_steps = total;
  options.warmup_steps = std::min<std::int64_t>(
      total - 1, static_cast<std::int64_t>(std::llround(config.warmup_epochs * steps_per_epoch)));
  return std::make_unique<optim::WarmupCosineSchedule>(options);
}

Tensor class_weight_tensor(const TrainingConfig& config, const data::ImageCache& cache,
                           const std::vector<std::size_t>& train, Device device) {
  if (config.class_weights == "none") return Tensor();
  std::vector<float> weights(2);
  if (config.class_weights == "balanced") {
    double counts[2] = {0, 0};
    for (std::size_t index : train) counts[data::class_index(cache.entry(index).record.sex)] += 1;
    if (counts[0] == 0 || counts[1] == 0) {
      throw std::runtime_error("--class-weights balanced: the training set lacks a class");
    }
    for (int c = 0; c < 2; ++c) {
      weights[c] = static_cast<float>((counts[0] + counts[1]) / (2.0 * counts[c]));
    }
  } else {
    const std::array<double, 2> fixed = config.fixed_class_weights();
    weights[0] = static_cast<float>(fixed[0]);
    weights[1] = static_cast<float>(fixed[1]);
  }
  return Tensor::from_vector(weights, {2}).to(device);
}

Tensor training_loss(const TrainingConfig& config, const models::Model::Outputs& outputs,
                     const Tensor& targets, const Tensor& class_weights) {
  CrossEntropyConfig loss_config;
  loss_config.label_smoothing = config.label_smoothing;
  Tensor loss = softmax_cross_entropy(outputs.logits, targets, class_weights, loss_config);
  if (outputs.auxiliary_logits.defined()) {
    const Tensor auxiliary =
        softmax_cross_entropy(outputs.auxiliary_logits, targets, class_weights, loss_config);
    loss = add(loss, scale(auxiliary, config.auxiliary_loss_weight));
  }
  return loss;
}

std::string epoch_line(const std::string& stage, const results::EpochRecord& r, bool improved) {
  char text[320];
  std::snprintf(text, sizeof text,
                "%s epoch %lld: train loss %.4f acc %.3f | validation loss %.4f acc %.3f "
                "balanced %.3f AUC %.3f | lr %.3g | %.1f img/s | %.1fs%s",
                stage.c_str(), static_cast<long long>(r.epoch), r.train_loss, r.train_accuracy,
                r.validation_loss, r.validation_accuracy, r.validation_balanced_accuracy,
                r.validation_auc, r.learning_rate, r.images_per_second, r.seconds,
                improved ? "  (best so far)" : "");
  return text;
}

}  // namespace engine::apps
