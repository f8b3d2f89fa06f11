// EfficientNet-B0 as torchvision.models.efficientnet_b0: input 224, SiLU, squeeze-excitation,
// stochastic depth rising linearly to 0.2 over the 16 MBConv blocks, dropout 0.2 before the
// classifier. Names as torchvision: features.0 (stem), features.1-7 (stages), features.8 (head
// convolution), classifier.1 (linear).
#pragma once

#include "layers/linear.h"
#include "layers/regularization.h"
#include "layers/sequential.h"
#include "layers/simple.h"
#include "models/model.h"

namespace engine::models {

class EfficientNetB0 final : public Model {
 public:
  explicit EfficientNetB0(const ModelOptions& options);

  Outputs forward_outputs(const Tensor& images) override { return run_stages(images); }
  // features.0 .. features.8 one by one (features.8 is the feature map), avgpool, classifier
  // (dropout, then the linear layer).
  std::vector<ModelStage> stages() override;
  std::vector<std::string> head_prefixes() const override { return {"classifier.1."}; }
  std::string feature_layer() const override { return "features.8"; }
  void initialize(std::uint64_t seed) override;

 private:
  layers::Sequential* features_;
  layers::GlobalAvgPool* avgpool_;
  layers::Sequential* classifier_;  // dropout, linear
};

}  // namespace engine::models
