// The model summary's totals equal what torchvision documents for each architecture (its
// "GFLOPS" column counts multiply-accumulates), and every layer has an output shape.
#include "models/summary.h"

#include <doctest/doctest.h>

#include <cmath>

#include "models/registry.h"

namespace engine::models {

TEST_CASE("multiply-accumulates per image match torchvision's published figures") {
  // torchvision model documentation (weights tables), GFLOPS: resnet18 1.81, resnet50 4.09,
  // inception_v3 5.71, efficientnet_b0 0.39 (rounded to two decimals, hence 0.006 tolerance).
  const std::pair<const char*, double> published[] = {
      {"resnet18", 1.81}, {"resnet50", 4.09}, {"inception_v3", 5.71}, {"efficientnet_b0", 0.39}};
  for (const auto& [name, giga] : published) {
    CAPTURE(name);
    auto model = create_model(name);
    const ModelSummary summary = summarize(*model, find_architecture(name).input_size);
    CHECK(std::abs(summary.multiply_accumulates / 1e9 - giga) < 0.006);
    CHECK(summary.parameters == model->parameter_count());
    REQUIRE_FALSE(summary.layers.empty());
    CHECK(summary.layers.back().output == Shape{1, 2});  // the 2-class head comes last
    CHECK(summary.table().find("GMAC") != std::string::npos);
  }
}

TEST_CASE("the summary lists ResNet-18's layers with their shapes and parameters") {
  auto model = create_model("resnet18");
  const ModelSummary summary = summarize(*model, 224);
  REQUIRE(summary.layers.size() > 3);
  CHECK(summary.layers[0].path == "conv1");
  CHECK(summary.layers[0].output == Shape{1, 112, 112, 64});
  CHECK(summary.layers[0].parameters == 64 * 3 * 7 * 7);
  CHECK(summary.layers[0].multiply_accumulates == 112 * 112 * 64 * 7 * 7 * 3);
  CHECK(summary.layers[2].path == "maxpool");
  CHECK(summary.layers[2].output == Shape{1, 56, 56, 64});
  CHECK(model->training());  // summarize restores the mode it found
}

}  // namespace engine::models
