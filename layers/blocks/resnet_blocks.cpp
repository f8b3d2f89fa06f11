#include "layers/blocks/resnet_blocks.h"

#include <memory>

#include "autograd/functions.h"

namespace engine::layers {

namespace {

// torchvision: a 1x1 convolution with the block's stride and a batch norm, when the shortcut
// changes resolution or width; none when it is the identity.
std::unique_ptr<Sequential> shortcut_if_needed(std::int64_t in_channels, std::int64_t out_channels,
                                               std::int64_t stride) {
  if (stride == 1 && in_channels == out_channels) return nullptr;
  auto shortcut = std::make_unique<Sequential>();
  shortcut->append(
      std::make_unique<Conv2d>(in_channels, out_channels, conv_geometry(1, stride, 0), false));
  shortcut->append(std::make_unique<BatchNorm2d>(out_channels));
  return shortcut;
}

}  // namespace

BasicBlock::BasicBlock(std::int64_t in_channels, std::int64_t channels, std::int64_t stride)
    : Module("BasicBlock"),
      conv1(register_module("conv1", std::make_unique<Conv2d>(in_channels, channels,
                                                              conv_geometry(3, stride, 1), false))),
      bn1(register_module("bn1", std::make_unique<BatchNorm2d>(channels))),
      conv2(register_module(
          "conv2", std::make_unique<Conv2d>(channels, channels, conv_geometry(3, 1, 1), false))),
      bn2(register_module("bn2", std::make_unique<BatchNorm2d>(channels))),
      downsample(nullptr) {
  if (auto shortcut = shortcut_if_needed(in_channels, channels * expansion, stride)) {
    downsample = &register_module("downsample", std::move(shortcut));
  }
}

Tensor BasicBlock::compute(const Tensor& x) {
  Tensor out = relu(bn1.forward(conv1.forward(x)));
  out = bn2.forward(conv2.forward(out));
  const Tensor shortcut = downsample != nullptr ? downsample->forward(x) : x;
  return relu(add(out, shortcut));
}

Bottleneck::Bottleneck(std::int64_t in_channels, std::int64_t channels, std::int64_t stride)
    : Module("Bottleneck"),
      conv1(register_module(
          "conv1", std::make_unique<Conv2d>(in_channels, channels, conv_geometry(1, 1, 0), false))),
      bn1(register_module("bn1", std::make_unique<BatchNorm2d>(channels))),
      conv2(register_module("conv2", std::make_unique<Conv2d>(channels, channels,
                                                              conv_geometry(3, stride, 1), false))),
      bn2(register_module("bn2", std::make_unique<BatchNorm2d>(channels))),
      conv3(register_module("conv3", std::make_unique<Conv2d>(channels, channels * expansion,
                                                              conv_geometry(1, 1, 0), false))),
      bn3(register_module("bn3", std::make_unique<BatchNorm2d>(channels * expansion))),
      downsample(nullptr) {
  if (auto shortcut = shortcut_if_needed(in_channels, channels * expansion, stride)) {
    downsample = &register_module("downsample", std::move(shortcut));
  }
}

Tensor Bottleneck::compute(const Tensor& x) {
  Tensor out = relu(bn1.forward(conv1.forward(x)));
  out = relu(bn2.forward(conv2.forward(out)));
  out = bn3.forward(conv3.forward(out));
  const Tensor shortcut = downsample != nullptr ? downsample->forward(x) : x;
  return relu(add(out, shortcut));
}

}  // namespace engine::layers
