// Stochastic gradient descent as torch.optim.SGD defines it (momentum, dampening, Nesterov,
// L2 weight decay added to the gradient), plus decoupled weight decay (the weights shrink by
// 1 - lr * wd before the update, as in AdamW), which PyTorch's SGD does not offer.
#pragma once

#include <vector>

#include "optim/optimizer.h"

namespace engine::optim {

struct SgdOptions {
  double learning_rate = 0.01;
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;  // needs momentum > 0 and dampening 0
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;
};

// Keeps one buffer per parameter, "momentum_buffer", when momentum is not 0; none otherwise.
class Sgd final : public Optimizer {
 public:
  // Throws std::invalid_argument for negative rates, or Nesterov without momentum or with
  // dampening (what torch.optim.SGD refuses too).
  Sgd(std::vector<ParameterGroup> groups, const SgdOptions& options);
  Sgd(const std::vector<Parameter>& parameters, const SgdOptions& options);  // one group

  const SgdOptions& options() const { return options_; }

 private:
  void update(Tensor& parameter, const Tensor& grad, ParameterState& state, double learning_rate,
              double weight_decay) override;

  SgdOptions options_;
};

}  // namespace engine::optim
