// A model's forward pass cut into its top-level layers, so that two backends' outputs can be
// compared layer by layer (--verify-on-cpu).
//
// The stages are the model's top-level children in registration order, which is the order
// forward_outputs() runs them for all four architectures, with three rules:
//   - InceptionV3's AuxLogits is left out: it only runs in training mode;
//   - the child holding the Grad-CAM feature layer below it (EfficientNet's `features`) is cut one
//     level further, into its own children (features.0 ... features.8), so the feature map is a
//     stage output of every architecture;
//   - ResNet applies its stem's relu as a function, not a module: the stage after bn1 is
//     "bn1 + relu" (models/resnet.cpp, forward_outputs).
// Because this restates forward_outputs() from outside, it is checked on every use: the staged
// run must reproduce forward_outputs()'s logits and feature map bit for bit on the same backend.
// When it does not (a future model whose forward is not a chain of its children), the
// verification says so and compares only the logits and the feature map.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "models/model.h"

namespace engine::apps {

struct ForwardStage {
  std::string name;
  std::function<Tensor(const Tensor&)> run;
};

std::vector<ForwardStage> forward_stages(models::Model& model);

// Runs the stages in order (no gradients) and returns every stage's output.
std::vector<Tensor> run_stages(const std::vector<ForwardStage>& stages, const Tensor& images);

// The index of the stage whose output is the feature map, or -1.
int feature_stage(const std::vector<ForwardStage>& stages, const std::string& feature_layer);

}  // namespace engine::apps
