#include "models/resnet.h"

#include "autograd/functions.h"
#include "layers/blocks/resnet_blocks.h"
#include "layers/simple.h"
#include "models/initialization.h"

namespace engine::models {

namespace {

template <typename Block>
std::unique_ptr<layers::Sequential> make_stage(std::int64_t& in_channels, std::int64_t channels,
                                               int blocks, std::int64_t stride) {
  auto stage = std::make_unique<layers::Sequential>();
  for (int i = 0; i < blocks; ++i) {
    stage->append(std::make_unique<Block>(in_channels, channels, i == 0 ? stride : 1));
    in_channels = channels * Block::expansion;
  }
  return stage;
}

}  // namespace

ResNet::ResNet(Depth depth, const ModelOptions& options)
    : Model(depth == Depth::resnet18 ? "resnet18" : "resnet50", options, 224),
      conv1_(register_module(
          "conv1", std::make_unique<layers::Conv2d>(3, 64, layers::conv_geometry(7, 2, 3), false))),
      bn1_(register_module("bn1", std::make_unique<layers::BatchNorm2d>(64))),
      maxpool_(register_module("maxpool", std::make_unique<layers::MaxPool2d>(3, 2, 1))) {
  const int blocks_per_stage[2][4] = {{2, 2, 2, 2}, {3, 4, 6, 3}};
  const int* blocks = blocks_per_stage[depth == Depth::resnet18 ? 0 : 1];
  const std::int64_t widths[4] = {64, 128, 256, 512};
  std::int64_t channels = 64;
  for (int s = 0; s < 4; ++s) {
    const std::string name = "layer" + std::to_string(s + 1);
    const std::int64_t stride = s == 0 ? 1 : 2;
    stages_[s] = &register_module(
        name, depth == Depth::resnet18
                  ? make_stage<layers::BasicBlock>(channels, widths[s], blocks[s], stride)
                  : make_stage<layers::Bottleneck>(channels, widths[s], blocks[s], stride));
  }
  avgpool_ = &register_module("avgpool", std::make_unique<layers::GlobalAvgPool>());
  fc_ = &register_module("fc", std::make_unique<layers::Linear>(channels, options.classes));
  initialize(options.seed);
}

std::vector<ModelStage> ResNet::stages() {
  std::vector<ModelStage> result = {
      stage_of(conv1_),
      {"bn1 + relu", [this](const Tensor& x) { return relu(bn1_.forward(x)); }},
      stage_of(maxpool_)};
  for (layers::Sequential* stage : stages_) result.push_back(stage_of(*stage));
  result.push_back(stage_of(*avgpool_));
  result.push_back(stage_of(*fc_));
  return result;
}

void ResNet::initialize(std::uint64_t seed) {
  // torchvision: kaiming_normal_(fan_out, relu) for convolutions, BN weight 1 and bias 0, and
  // nn.Linear's own default for fc; zero_init_residual is off by default.
  for (auto& [path, module] : named_modules()) {
    const std::string prefix = path.empty() ? "" : path + ".";
    if (auto* conv = dynamic_cast<layers::Conv2d*>(module)) {
      kaiming_normal_fan_out(conv->weight, seed, prefix + "weight");
    } else if (auto* norm = dynamic_cast<layers::BatchNorm2d*>(module)) {
      constant(norm->weight, 1.0);
      constant(norm->bias, 0.0);
    } else if (auto* linear = dynamic_cast<layers::Linear*>(module)) {
      linear_default(linear->weight, linear->bias, seed, prefix);
    }
  }
}

}  // namespace engine::models
