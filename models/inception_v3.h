// InceptionV3 as torchvision.models.inception_v3: input 299, optional auxiliary head on
// Mixed_6e (training only; its loss weight is the trainer's choice, 0.4 in torchvision's
// reference recipe), dropout 0.5 before fc. transform_input stays off: our preprocessing already
// produces what the weights expect (see docs).
#pragma once

#include "layers/blocks/inception_blocks.h"
#include "layers/regularization.h"
#include "layers/simple.h"
#include "models/model.h"

namespace engine::models {

class InceptionV3 final : public Model {
 public:
  explicit InceptionV3(const ModelOptions& options);

  // The stages; in training mode the auxiliary head also runs on Mixed_6e's output.
  Outputs forward_outputs(const Tensor& images) override;
  // Conv2d_1a_3x3 .. Mixed_7c, avgpool, dropout, fc (the auxiliary head runs only in training, so
  // it is not a stage).
  std::vector<ModelStage> stages() override;
  std::vector<std::string> head_prefixes() const override;
  std::string feature_layer() const override { return "Mixed_7c"; }
  void initialize(std::uint64_t seed) override;
  bool has_auxiliary_head() const { return auxiliary_ != nullptr; }

 private:
  std::vector<layers::Module*> stem_;     // Conv2d_1a .. Conv2d_4a with the two max pools
  std::vector<layers::Module*> mixed_6_;  // Mixed_5b .. Mixed_6e
  std::vector<layers::Module*> mixed_7_;  // Mixed_7a .. Mixed_7c
  layers::InceptionAux* auxiliary_ = nullptr;
  layers::Dropout* dropout_;
  layers::GlobalAvgPool* avgpool_;
  layers::Linear* fc_;
};

}  // namespace engine::models
