#include "layers/blocks/efficientnet_blocks.h"

#include "autograd/functions.h"
#include "layers/batch_norm2d.h"

namespace engine::layers {

std::unique_ptr<Sequential> conv_norm_activation(std::int64_t in_channels,
                                                 std::int64_t out_channels, std::int64_t kernel,
                                                 std::int64_t stride, std::int64_t groups,
                                                 Activation activation) {
  auto unit = std::make_unique<Sequential>();
  unit->append(std::make_unique<Conv2d>(
      in_channels, out_channels, conv_geometry(kernel, stride, (kernel - 1) / 2, groups), false));
  unit->append(std::make_unique<BatchNorm2d>(out_channels));
  if (activation != Activation::none) unit->append(std::make_unique<ActivationLayer>(activation));
  return unit;
}

SqueezeExcitation::SqueezeExcitation(std::int64_t channels, std::int64_t squeeze_channels)
    : Module("SqueezeExcitation"),
      fc1(register_module("fc1", std::make_unique<Conv2d>(channels, squeeze_channels,
                                                          conv_geometry(1, 1, 0), true))),
      fc2(register_module("fc2", std::make_unique<Conv2d>(squeeze_channels, channels,
                                                          conv_geometry(1, 1, 0), true))) {}

Tensor SqueezeExcitation::compute(const Tensor& x) {
  // The 1x1 convolutions act on the pooled [N, 1, 1, C] map, exactly as in torchvision.
  const std::int64_t batch = x.size(0), channels = x.size(3);
  const Tensor pooled = reshape(global_avg_pool(x), {batch, 1, 1, channels});
  const Tensor scale = sigmoid(fc2.forward(silu(fc1.forward(pooled))));
  return channel_multiply(x, reshape(scale, {batch, channels}));
}

namespace {
// torchvision's _make_divisible(channels * ratio, 8): round to the nearest multiple of 8, never
// below 8 and never more than 10% below the exact value.
std::int64_t make_divisible(double value) {
  std::int64_t rounded = std::max<std::int64_t>(8, static_cast<std::int64_t>(value + 4) / 8 * 8);
  if (rounded < 0.9 * value) rounded += 8;
  return rounded;
}
}  // namespace

MBConv::MBConv(const MBConvSettings& settings, double stochastic_depth_probability,
               std::shared_ptr<RandomState> random)
    : Module("MBConv"),
      use_residual_(settings.stride == 1 && settings.in_channels == settings.out_channels),
      block_(register_module("block", std::make_unique<Sequential>())),
      stochastic_depth_(register_module(
          "stochastic_depth",
          std::make_unique<StochasticDepth>(stochastic_depth_probability, std::move(random)))) {
  const std::int64_t expanded = make_divisible(settings.in_channels * settings.expand_ratio);
  if (expanded != settings.in_channels) {
    block_.append(conv_norm_activation(settings.in_channels, expanded, 1, 1, 1, Activation::silu));
  }
  block_.append(conv_norm_activation(expanded, expanded, settings.kernel, settings.stride, expanded,
                                     Activation::silu));
  block_.append(std::make_unique<SqueezeExcitation>(
      expanded, std::max<std::int64_t>(1, settings.in_channels / 4)));
  block_.append(conv_norm_activation(expanded, settings.out_channels, 1, 1, 1, Activation::none));
}

Tensor MBConv::compute(const Tensor& x) {
  Tensor result = block_.forward(x);
  if (use_residual_) result = add(stochastic_depth_.forward(result), x);
  return result;
}

}  // namespace engine::layers
