#include "optim/adamw.h"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "kernels/ops.h"

namespace engine::optim {

namespace {

const AdamWOptions& checked(const AdamWOptions& options) {
  const auto is_beta = [](double beta) { return beta >= 0.0 && beta < 1.0; };
  if (!is_beta(options.beta1) || !is_beta(options.beta2)) {
    throw std::invalid_argument("AdamW: beta1 and beta2 must be in [0, 1)");
  }
  if (!(std::isfinite(options.eps) && options.eps >= 0.0)) {
    throw std::invalid_argument("AdamW: eps must be finite and >= 0");
  }
  return options;
}

}  // namespace

AdamW::AdamW(std::vector<ParameterGroup> groups, const AdamWOptions& options)
    : Optimizer(std::move(groups), checked(options).learning_rate, options.weight_decay,
                {"exp_avg", "exp_avg_sq"}),
      options_(options) {}

AdamW::AdamW(const std::vector<Parameter>& parameters, const AdamWOptions& options)
    : AdamW(std::vector<ParameterGroup>{ParameterGroup{parameters}}, options) {}

void AdamW::update(Tensor& parameter, const Tensor& grad, ParameterState& state,
                   double learning_rate, double weight_decay) {
  kernels::AdamWConfig config;
  config.learning_rate = learning_rate;
  config.beta1 = options_.beta1;
  config.beta2 = options_.beta2;
  config.eps = options_.eps;
  config.weight_decay = weight_decay;
  config.step = state.step;
  kernels::adamw_step(parameter, grad, state.buffers[0], state.buffers[1], config);
}

}  // namespace engine::optim
