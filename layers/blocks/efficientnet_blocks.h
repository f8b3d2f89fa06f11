// EfficientNet's blocks as torchvision defines them (torchvision.models.efficientnet and
// torchvision.ops.misc), child names included:
//   ConvNormActivation  Sequential "0" conv (no bias, symmetric padding (k-1)/2), "1" batch norm,
//                       "2" activation when there is one
//   SqueezeExcitation   avgpool, fc1 (1x1 conv with bias) SiLU, fc2 (1x1 conv with bias), sigmoid;
//                       the input is scaled per sample and channel
//   MBConv              "block": [expand 1x1] depthwise kxk(stride) SE project 1x1 (no activation);
//                       with stride 1 and equal widths: stochastic depth, then + input
#pragma once

#include <memory>

#include "layers/conv2d.h"
#include "layers/regularization.h"
#include "layers/sequential.h"
#include "layers/simple.h"

namespace engine::layers {

std::unique_ptr<Sequential> conv_norm_activation(std::int64_t in_channels,
                                                 std::int64_t out_channels, std::int64_t kernel,
                                                 std::int64_t stride, std::int64_t groups,
                                                 Activation activation);

class SqueezeExcitation final : public Module {
 public:
  SqueezeExcitation(std::int64_t channels, std::int64_t squeeze_channels);
  Tensor compute(const Tensor& x) override;
  Conv2d& fc1;
  Conv2d& fc2;
};

struct MBConvSettings {
  double expand_ratio;
  std::int64_t kernel, stride, in_channels, out_channels;
};

class MBConv final : public Module {
 public:
  MBConv(const MBConvSettings& settings, double stochastic_depth_probability,
         std::shared_ptr<RandomState> random);
  Tensor compute(const Tensor& x) override;
  bool uses_residual() const { return use_residual_; }

 private:
  bool use_residual_;
  Sequential& block_;
  StochasticDepth& stochastic_depth_;
};

}  // namespace engine::layers
