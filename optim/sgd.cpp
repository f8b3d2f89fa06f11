#include "optim/sgd.h"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "kernels/ops.h"

namespace engine::optim {

namespace {

std::vector<std::string> sgd_buffers(const SgdOptions& options) {
  if (options.momentum == 0.0) return {};
  return {"momentum_buffer"};
}

const SgdOptions& checked(const SgdOptions& options) {
  if (!(std::isfinite(options.momentum) && options.momentum >= 0.0)) {
    throw std::invalid_argument("SGD: momentum must be finite and >= 0");
  }
  if (!(std::isfinite(options.dampening) && options.dampening >= 0.0 && options.dampening <= 1.0)) {
    throw std::invalid_argument("SGD: dampening must be in [0, 1]");
  }
  if (options.nesterov && (options.momentum <= 0.0 || options.dampening != 0.0)) {
    throw std::invalid_argument("SGD: Nesterov momentum needs momentum > 0 and dampening 0");
  }
  return options;
}

}  // namespace

Sgd::Sgd(std::vector<ParameterGroup> groups, const SgdOptions& options)
    : Optimizer(std::move(groups), options.learning_rate, options.weight_decay,
                sgd_buffers(checked(options))),
      options_(options) {}

Sgd::Sgd(const std::vector<Parameter>& parameters, const SgdOptions& options)
    : Sgd(std::vector<ParameterGroup>{ParameterGroup{parameters}}, options) {}

void Sgd::update(Tensor& parameter, const Tensor& grad, ParameterState& state, double learning_rate,
                 double weight_decay) {
  kernels::SgdConfig config;
  config.learning_rate = learning_rate;
  config.momentum = options_.momentum;
  config.dampening = options_.dampening;
  config.nesterov = options_.nesterov;
  config.weight_decay = weight_decay;
  config.decoupled_weight_decay = options_.decoupled_weight_decay;
  config.step = state.step;
  Tensor no_buffer;
  Tensor& momentum_buffer = state.buffers.empty() ? no_buffer : state.buffers[0];
  kernels::sgd_step(parameter, grad, momentum_buffer, config);
}

}  // namespace engine::optim
