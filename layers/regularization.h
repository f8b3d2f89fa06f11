// Dropout and stochastic depth (per-sample drop-path), drawing from the model's RandomState.
// Both are the identity in evaluation mode.
#pragma once

#include <memory>

#include "layers/module.h"
#include "layers/random_state.h"

namespace engine::layers {

class Dropout final : public Module {
 public:
  Dropout(double p, std::shared_ptr<RandomState> random);
  Tensor compute(const Tensor& x) override;
  double p() const { return p_; }

 private:
  double p_;
  std::shared_ptr<RandomState> random_;
  std::uint64_t layer_;
};

// torchvision.ops.StochasticDepth(p, mode="row").
class StochasticDepth final : public Module {
 public:
  StochasticDepth(double p, std::shared_ptr<RandomState> random);
  Tensor compute(const Tensor& x) override;
  double p() const { return p_; }

 private:
  double p_;
  std::shared_ptr<RandomState> random_;
  std::uint64_t layer_;
};

}  // namespace engine::layers
