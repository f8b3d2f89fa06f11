#include "models/efficientnet_b0.h"

#include <cmath>

#include "autograd/functions.h"
#include "layers/batch_norm2d.h"
#include "layers/blocks/efficientnet_blocks.h"
#include "layers/conv2d.h"
#include "layers/simple.h"
#include "models/initialization.h"

namespace engine::models {

namespace {

// torchvision's B0 table: expand ratio, kernel, stride, input, output channels, blocks.
struct Stage {
  double expand_ratio;
  std::int64_t kernel, stride, in_channels, out_channels;
  int blocks;
};
constexpr Stage block_stages[] = {
    {1, 3, 1, 32, 16, 1},  {6, 3, 2, 16, 24, 2},   {6, 5, 2, 24, 40, 2},  {6, 3, 2, 40, 80, 3},
    {6, 5, 1, 80, 112, 3}, {6, 5, 2, 112, 192, 4}, {6, 3, 1, 192, 320, 1}};

}  // namespace

EfficientNetB0::EfficientNetB0(const ModelOptions& options)
    : Model("efficientnet_b0", options, 224) {
  auto features = std::make_unique<layers::Sequential>();
  features->append(layers::conv_norm_activation(3, 32, 3, 2, 1, layers::Activation::silu));
  int total_blocks = 0;
  for (const Stage& stage : block_stages) total_blocks += stage.blocks;
  const double final_probability = options.stochastic_depth < 0 ? 0.2 : options.stochastic_depth;
  int block_index = 0;
  for (const Stage& stage : block_stages) {
    auto sequence = std::make_unique<layers::Sequential>();
    for (int i = 0; i < stage.blocks; ++i) {
      const layers::MBConvSettings settings{
          stage.expand_ratio, stage.kernel, i == 0 ? stage.stride : 1,
          i == 0 ? stage.in_channels : stage.out_channels, stage.out_channels};
      const double probability = final_probability * block_index / total_blocks;
      sequence->append(std::make_unique<layers::MBConv>(settings, probability, random_state()));
      ++block_index;
    }
    features->append(std::move(sequence));
  }
  features->append(layers::conv_norm_activation(320, 1280, 1, 1, 1, layers::Activation::silu));
  features_ = &register_module("features", std::move(features));
  avgpool_ = &register_module("avgpool", std::make_unique<layers::GlobalAvgPool>());
  auto classifier = std::make_unique<layers::Sequential>();
  classifier->append(std::make_unique<layers::Dropout>(options.dropout < 0 ? 0.2 : options.dropout,
                                                       random_state()));
  classifier->append(std::make_unique<layers::Linear>(1280, options.classes));
  classifier_ = &register_module("classifier", std::move(classifier));
  initialize(options.seed);
}

std::vector<ModelStage> EfficientNetB0::stages() {
  std::vector<ModelStage> result;
  for (const auto& [name, block] : features_->children()) result.push_back(stage_of(*block));
  result.push_back(stage_of(*avgpool_));
  result.push_back(stage_of(*classifier_));
  return result;
}

void EfficientNetB0::initialize(std::uint64_t seed) {
  // torchvision: kaiming_normal_(fan_out) and zero bias for every convolution (SE included), BN
  // weight 1 and bias 0, Linear weight uniform in +-1/sqrt(out_features) and zero bias.
  for (auto& [path, module] : named_modules()) {
    const std::string prefix = path.empty() ? "" : path + ".";
    if (auto* conv = dynamic_cast<layers::Conv2d*>(module)) {
      kaiming_normal_fan_out(conv->weight, seed, prefix + "weight");
      if (conv->bias.defined()) constant(conv->bias, 0.0);
    } else if (auto* norm = dynamic_cast<layers::BatchNorm2d*>(module)) {
      constant(norm->weight, 1.0);
      constant(norm->bias, 0.0);
    } else if (auto* linear = dynamic_cast<layers::Linear*>(module)) {
      uniform(linear->weight, 1.0 / std::sqrt(static_cast<double>(linear->out_features())), seed,
              prefix + "weight");
      constant(linear->bias, 0.0);
    }
  }
}

}  // namespace engine::models
