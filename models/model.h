// Model: a classification network with what the apps need to know about it: its architecture
// name, class count, input size, the randomness of its dropout layers, its classifier head
// (replaced when ImageNet weights meet a 2-class task) and the feature map that Grad-CAM explains.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "layers/module.h"
#include "layers/random_state.h"

namespace engine::models {

struct ModelOptions {
  std::int64_t classes = 2;
  std::uint64_t seed = 0;          // initialisation and dropout masks
  bool auxiliary_head = true;      // InceptionV3 only
  double dropout = -1.0;           // < 0: the architecture's default
  double stochastic_depth = -1.0;  // EfficientNet only; < 0: torchvision's 0.2
};

class Model : public layers::Module {
 public:
  struct Outputs {
    Tensor logits;            // [N, classes]
    Tensor auxiliary_logits;  // InceptionV3's auxiliary head, in training mode only
    Tensor features;          // the last convolutional feature map [N, H, W, C] (Grad-CAM)
  };

  Model(std::string architecture, const ModelOptions& options, std::int64_t input_size);

  virtual Outputs forward_outputs(const Tensor& images) = 0;
  Tensor forward(const Tensor& images) override { return forward_outputs(images).logits; }

  const std::string& architecture() const { return architecture_; }
  std::int64_t class_count() const { return options_.classes; }
  std::int64_t input_size() const { return input_size_; }
  const ModelOptions& options() const { return options_; }
  layers::RandomState& random() { return *random_; }

  // Prefixes of the classifier head's parameters in state_dict names ("fc.", "classifier.1.").
  virtual std::vector<std::string> head_prefixes() const = 0;
  // The module whose output forward_outputs() returns as `features`, for documentation.
  virtual std::string feature_layer() const = 0;
  // Applies the architecture's initialisation scheme (torchvision's), drawing every tensor from
  // (seed, tensor name) so the same seed gives the same weights on any machine.
  virtual void initialize(std::uint64_t seed) = 0;

 protected:
  std::shared_ptr<layers::RandomState> random_state() { return random_; }

 private:
  std::string architecture_;
  ModelOptions options_;
  std::int64_t input_size_;
  std::shared_ptr<layers::RandomState> random_;
};

}  // namespace engine::models
