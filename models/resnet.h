// ResNet-18 and ResNet-50 as torchvision.models.resnet18 / resnet50 (v1.5: stride on the 3x3),
// input 224, with a `classes`-way fc head. Parameter names equal torchvision's state_dict keys.
#pragma once

#include "layers/batch_norm2d.h"
#include "layers/conv2d.h"
#include "layers/linear.h"
#include "layers/sequential.h"
#include "layers/simple.h"
#include "models/model.h"

namespace engine::models {

class ResNet final : public Model {
 public:
  enum class Depth { resnet18, resnet50 };
  ResNet(Depth depth, const ModelOptions& options);

  Outputs forward_outputs(const Tensor& images) override { return run_stages(images); }
  // conv1, "bn1 + relu" (the stem's relu is a function, as in torchvision), maxpool, layer1 ..
  // layer4, avgpool, fc.
  std::vector<ModelStage> stages() override;
  std::vector<std::string> head_prefixes() const override { return {"fc."}; }
  std::string feature_layer() const override { return "layer4"; }
  void initialize(std::uint64_t seed) override;

 private:
  layers::Conv2d& conv1_;
  layers::BatchNorm2d& bn1_;
  layers::MaxPool2d& maxpool_;
  layers::GlobalAvgPool* avgpool_;
  layers::Sequential* stages_[4];
  layers::Linear* fc_;
};

}  // namespace engine::models
