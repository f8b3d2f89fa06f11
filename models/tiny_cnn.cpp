#include "models/tiny_cnn.h"

#include <cmath>
#include <numbers>
#include <vector>

#include "autograd/functions.h"
#include "kernels/random_tensors.h"
#include "models/initialization.h"

namespace engine::models {

TinyCnn::TinyCnn(std::uint64_t seed)
    : Module("TinyCnn"),
      conv1(register_module(
          "conv1", std::make_unique<layers::Conv2d>(1, 8, layers::conv_geometry(3, 1, 1), false))),
      bn1(register_module("bn1", std::make_unique<layers::BatchNorm2d>(8))),
      conv2(register_module(
          "conv2", std::make_unique<layers::Conv2d>(8, 8, layers::conv_geometry(3, 2, 1), true))),
      fc(register_module("fc", std::make_unique<layers::Linear>(8, 2))) {
  kaiming_normal_fan_out(conv1.weight, seed, "conv1.weight");
  kaiming_normal_fan_out(conv2.weight, seed, "conv2.weight");
  linear_default(fc.weight, fc.bias, seed, "fc.");
}

Tensor TinyCnn::compute(const Tensor& x) {
  const Tensor hidden = relu(bn1.forward(conv1.forward(x)));
  return fc.forward(global_avg_pool(relu(conv2.forward(hidden))));
}

std::pair<Tensor, Tensor> stripes_batch(std::int64_t batch, std::uint64_t index) {
  constexpr std::int64_t size = stripes_image_size;
  const auto draws =
      random_uniform({batch, 3}, 0.0, 1.0, 99, index, DType::Float64).to_vector<double>();
  const auto noise = random_normal({batch, size, size, 1}, 0.0, 0.3, 98, index).to_vector<float>();
  std::vector<float> pixels(noise.size());
  std::vector<std::int64_t> labels(static_cast<std::size_t>(batch));
  for (std::int64_t n = 0; n < batch; ++n) {
    const bool vertical = draws[n * 3] < 0.5;
    const double frequency = 0.5 + 0.6 * draws[n * 3 + 1];
    const double phase = 2.0 * std::numbers::pi * draws[n * 3 + 2];
    labels[n] = vertical ? 1 : 0;
    for (std::int64_t y = 0; y < size; ++y) {
      for (std::int64_t x = 0; x < size; ++x) {
        const auto i = static_cast<std::size_t>((n * size + y) * size + x);
        pixels[i] = static_cast<float>(std::sin(frequency * (vertical ? x : y) + phase)) + noise[i];
      }
    }
  }
  return {Tensor::from_vector(pixels, {batch, size, size, 1}),
          Tensor::from_vector(labels, {batch})};
}

}  // namespace engine::models
