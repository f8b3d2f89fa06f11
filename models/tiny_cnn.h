// A two-layer convolutional network and a generated task (horizontal vs vertical stripes) for the
// demo and the end-to-end tests: small enough to train in a second on a CPU. It is not one of the
// study's architectures and is not in the registry.
#pragma once

#include <cstdint>
#include <utility>

#include "layers/batch_norm2d.h"
#include "layers/conv2d.h"
#include "layers/linear.h"

namespace engine::models {

class TinyCnn final : public layers::Module {
 public:
  explicit TinyCnn(std::uint64_t seed);
  // x [N, 12, 12, 1] -> logits [N, 2]
  Tensor compute(const Tensor& x) override;

  layers::Conv2d& conv1;
  layers::BatchNorm2d& bn1;
  layers::Conv2d& conv2;
  layers::Linear& fc;
};

inline constexpr std::int64_t stripes_image_size = 12;

// Batch `index` of the stripes task: images [batch, 12, 12, 1] (a sine grating of random
// frequency and phase plus Gaussian noise of sd 0.3) and labels int64 [batch] (1 = vertical).
// A pure function of (batch, index).
std::pair<Tensor, Tensor> stripes_batch(std::int64_t batch, std::uint64_t index);

}  // namespace engine::models
