// The pieces of a training step that depend on the options: augmentation presets, parameter
// groups and the optimizer, the learning-rate schedule, class weights, the loss, freezing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apps/train/config.h"
#include "apps/train/stage.h"
#include "data/augment.h"
#include "models/model.h"
#include "optim/optimizer.h"
#include "optim/schedule.h"

namespace engine::apps {

data::AugmentConfig augment_config(const std::string& name);

// Four groups: backbone and head (the head may learn faster: --backbone-lr-factor scales the
// backbone), each split into weights with decay and biases/norm parameters without. `parameters`
// receives every trainable parameter (for clipping).
std::unique_ptr<optim::Optimizer> make_optimizer(const TrainingConfig& config, models::Model& model,
                                                 double learning_rate,
                                                 std::vector<optim::Parameter>& parameters);

std::unique_ptr<optim::LearningRateSchedule> make_schedule(const TrainingConfig& config,
                                                           const StageSettings& settings,
                                                           std::int64_t steps_per_epoch);

// Undefined for --class-weights none; balanced: n / (2 n_class) over the training images.
Tensor class_weight_tensor(const TrainingConfig& config, const data::ImageCache& cache,
                           const std::vector<std::size_t>& train, Device device);

// Cross-entropy (label smoothing, class weights), plus the weighted auxiliary loss when the
// model returned auxiliary logits (InceptionV3 in training).
Tensor training_loss(const TrainingConfig& config, const models::Model::Outputs& outputs,
                     const Tensor& targets, const Tensor& class_weights);

// Freezing the backbone: its parameters stop requiring gradients, so backward skips them and
// the optimizer leaves them alone; the head keeps training.
void set_backbone_trainable(models::Model& model, bool trainable);
bool is_head_parameter(const models::Model& model, const std::string& name);

std::string epoch_line(const std::string& stage, const results::EpochRecord& record, bool improved);

}  // namespace engine::apps
