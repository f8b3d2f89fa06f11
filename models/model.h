// Model: a classification network with what the apps need to know about it: its architecture
// name, class count, input size, the randomness of its dropout layers, its classifier head
// (replaced when ImageNet weights meet a 2-class task), the feature map that Grad-CAM explains,
// and its forward pass as the chain of stages it defines (Grad-CAM's feature map is a stage's
// output; predict_app's --verify-on-cpu compares the stages one by one).
#pragma once

#include <cstdint>
#include <functional>
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

// One step of a network's forward pass, as the network defines it: the module it runs (named by
// its path) or, when it is more than one module, what it does ("bn1 + relu").
struct ModelStage {
  std::string name;
  std::function<Tensor(const Tensor&)> run;
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
  Tensor compute(const Tensor& images) override { return forward_outputs(images).logits; }

  const std::string& architecture() const { return architecture_; }
  std::int64_t class_count() const { return options_.classes; }
  std::int64_t input_size() const { return input_size_; }
  const ModelOptions& options() const { return options_; }
  layers::RandomState& random() { return *random_; }

  // Prefixes of the classifier head's parameters in state_dict names ("fc.", "classifier.1.").
  virtual std::vector<std::string> head_prefixes() const = 0;
  // The module whose output forward_outputs() returns as `features`: the name of a stage.
  virtual std::string feature_layer() const = 0;
  // The evaluation-mode forward pass as a chain of stages, in order: each stage's input is the
  // previous one's output, the stage named feature_layer() gives `features`, the last gives the
  // logits. The four networks define theirs and compute forward_outputs() by running them
  // (run_stages), so a stage-by-stage run reproduces forward_outputs() bit for bit. The default,
  // for a network that does not define its stages, is its top-level children in registration
  // order: only a guess, which the per-layer verification checks before relying on it.
  virtual std::vector<ModelStage> stages();
  // Applies the architecture's initialisation scheme (torchvision's), drawing every tensor from
  // (seed, tensor name) so the same seed gives the same weights on any machine.
  virtual void initialize(std::uint64_t seed) = 0;

 protected:
  std::shared_ptr<layers::RandomState> random_state() { return random_; }
  // A stage that runs one child module, named by its path.
  static ModelStage stage_of(layers::Module& module);
  // forward_outputs() from stages(): features from the stage named feature_layer(), logits from
  // the last. `after_stage`, when given, sees each stage's name and output (InceptionV3's
  // auxiliary head branches off after Mixed_6e in training).
  Outputs run_stages(const Tensor& images,
                     const std::function<void(const std::string& stage, const Tensor& output,
                                              Outputs& outputs)>& after_stage = {});

 private:
  std::string architecture_;
  ModelOptions options_;
  std::int64_t input_size_;
  std::shared_ptr<layers::RandomState> random_;
};

}  // namespace engine::models
