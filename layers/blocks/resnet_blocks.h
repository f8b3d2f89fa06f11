// ResNet's residual blocks as torchvision defines them (torchvision.models.resnet), with the same
// child names, so "layer1.0.conv1.weight" means the same tensor in both.
//   BasicBlock (ResNet-18):  conv3x3(stride) bn relu conv3x3 bn, + identity or downsample, relu
//   Bottleneck (ResNet-50):  conv1x1 bn relu conv3x3(stride) bn relu conv1x1(x4) bn, + ..., relu
// The stride sits on the 3x3 convolution (ResNet v1.5), as in torchvision.
#pragma once

#include "layers/batch_norm2d.h"
#include "layers/conv2d.h"
#include "layers/sequential.h"

namespace engine::layers {

class BasicBlock final : public Module {
 public:
  static constexpr std::int64_t expansion = 1;
  BasicBlock(std::int64_t in_channels, std::int64_t channels, std::int64_t stride);
  Tensor compute(const Tensor& x) override;

  Conv2d& conv1;
  BatchNorm2d& bn1;
  Conv2d& conv2;
  BatchNorm2d& bn2;
  Sequential* downsample;  // null when the shortcut is the identity
};

class Bottleneck final : public Module {
 public:
  static constexpr std::int64_t expansion = 4;
  Bottleneck(std::int64_t in_channels, std::int64_t channels, std::int64_t stride);
  Tensor compute(const Tensor& x) override;

  Conv2d& conv1;
  BatchNorm2d& bn1;
  Conv2d& conv2;
  BatchNorm2d& bn2;
  Conv2d& conv3;
  BatchNorm2d& bn3;
  Sequential* downsample;
};

}  // namespace engine::layers
