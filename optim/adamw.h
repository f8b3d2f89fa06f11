// AdamW as torch.optim.AdamW defines it (amsgrad off): Adam's moment estimates with bias
// correction, and weight decay applied to the weights directly rather than to the gradient.
#pragma once

#include <vector>

#include "optim/optimizer.h"

namespace engine::optim {

// PyTorch's defaults.
struct AdamWOptions {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;
};

// Keeps two buffers per parameter, "exp_avg" and "exp_avg_sq" (the first and second moment
// estimates), starting at zero.
class AdamW final : public Optimizer {
 public:
  // Throws std::invalid_argument for negative rates or eps, or betas outside [0, 1).
  AdamW(std::vector<ParameterGroup> groups, const AdamWOptions& options);
  AdamW(const std::vector<Parameter>& parameters, const AdamWOptions& options);  // one group

  const AdamWOptions& options() const { return options_; }

 private:
  void update(Tensor& parameter, const Tensor& grad, ParameterState& state, double learning_rate,
              double weight_decay) override;

  AdamWOptions options_;
};

}  // namespace engine::optim
