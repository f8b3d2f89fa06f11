// Each network defines its forward pass as a chain of stages (Model::stages()): run one by one
// they give forward_outputs()'s logits and feature map bit for bit, the feature layer is one of
// them, and their names are the ones predict_app's per-layer verification reports.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "kernels/random_tensors.h"
#include "models/registry.h"
#include "tests/harness/compare.h"

namespace engine::models {

namespace {

std::vector<std::string> names_of(const std::vector<ModelStage>& stages) {
  std::vector<std::string> names;
  for (const ModelStage& stage : stages) names.push_back(stage.name);
  return names;
}

std::vector<std::string> numbered(const std::string& prefix, int first, int last) {
  std::vector<std::string> names;
  for (int i = first; i <= last; ++i) names.push_back(prefix + std::to_string(i));
  return names;
}

}  // namespace

TEST_CASE("a network's stages, run one by one, are its forward pass bit for bit") {
  struct Case {
    std::string architecture;
    std::int64_t size;
    std::vector<std::string> names;
  };
  std::vector<std::string> resnet = {"conv1", "bn1 + relu", "maxpool"};
  for (const std::string& name : numbered("layer", 1, 4)) resnet.push_back(name);
  resnet.insert(resnet.end(), {"avgpool", "fc"});
  std::vector<std::string> efficientnet = numbered("features.", 0, 8);
  efficientnet.insert(efficientnet.end(), {"avgpool", "classifier"});
  const std::vector<std::string> inception = {"Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3",
                                              "maxpool1",      "Conv2d_3b_1x1", "Conv2d_4a_3x3",
                                              "maxpool2",      "Mixed_5b",      "Mixed_5c",
                                              "Mixed_5d",      "Mixed_6a",      "Mixed_6b",
                                              "Mixed_6c",      "Mixed_6d",      "Mixed_6e",
                                              "Mixed_7a",      "Mixed_7b",      "Mixed_7c",
                                              "avgpool",       "dropout",       "fc"};
  const std::vector<Case> cases = {{"resnet18", 64, resnet},
                                   {"resnet50", 64, resnet},
                                   {"efficientnet_b0", 64, efficientnet},
                                   {"inception_v3", 75, inception}};
  for (const Case& item : cases) {
    INFO(item.architecture);
    ModelOptions options;
    options.seed = 6;
    auto model = create_model(item.architecture, options);
    model->eval();
    const std::vector<ModelStage> stages = model->stages();
    CHECK(names_of(stages) == item.names);

    NoGradGuard no_grad;
    const Tensor images = random_normal({2, item.size, item.size, 3}, 0.0, 1.0, 8, 0);
    const Model::Outputs outputs = model->forward_outputs(images);
    Tensor x = images;
    Tensor features;
    for (const ModelStage& stage : stages) {
      x = stage.run(x);
      if (stage.name == model->feature_layer()) features = x;
    }
    REQUIRE(features.defined());
    CHECK(testing::bitwise_equal(features, outputs.features));
    CHECK(testing::bitwise_equal(x, outputs.logits));
  }
}

}  // namespace engine::models
