#include "optim/optimizer.h"

#include <cmath>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

#include "kernels/trace.h"

namespace engine::optim {

namespace {

void require_non_negative(const std::string& what, double value) {
  if (!(std::isfinite(value) && value >= 0.0)) {
    throw std::invalid_argument("optimizer: " + what + " must be finite and >= 0, got " +
                                std::to_string(value));
  }
}

[[noreturn]] void state_error(const std::string& key, const std::string& problem) {
  throw std::invalid_argument("optimizer state: key '" + key + "' " + problem);
}

std::string step_key(const std::string& parameter_name) {
  return "state." + parameter_name + ".step";
}

std::string buffer_key(const std::string& parameter_name, const std::string& buffer_name) {
  return "state." + parameter_name + "." + buffer_name;
}

}  // namespace

Optimizer::Optimizer(std::vector<ParameterGroup> groups, double learning_rate, double weight_decay,
                     std::vector<std::string> buffer_names)
    : groups_(std::move(groups)),
      learning_rate_(learning_rate),
      weight_decay_(weight_decay),
      buffer_names_(std::move(buffer_names)) {
  require_non_negative("learning rate", learning_rate);
  require_non_negative("weight decay", weight_decay);
  std::set<std::string> names;
  std::set<const TensorImpl*> tensors;
  for (const ParameterGroup& group : groups_) {
    require_non_negative("a group's learning rate factor", group.learning_rate_factor);
    if (group.weight_decay) require_non_negative("a group's weight decay", *group.weight_decay);
    for (const Parameter& parameter : group.parameters) {
      if (parameter.name.empty()) throw std::invalid_argument("optimizer: a parameter has no name");
      if (!parameter.tensor.defined()) {
        throw std::invalid_argument("optimizer: parameter '" + parameter.name + "' is undefined");
      }
      // Names key the saved state; one tensor listed twice would be updated twice per step.
      if (!names.insert(parameter.name).second) {
        throw std::invalid_argument("optimizer: parameter name '" + parameter.name +
                                    "' appears more than once");
      }
      if (!tensors.insert(parameter.tensor.impl().get()).second) {
        throw std::invalid_argument("optimizer: parameter '" + parameter.name +
                                    "' is a tensor already given under another name");
      }
    }
  }
}

void Optimizer::set_learning_rate(double learning_rate) {
  require_non_negative("learning rate", learning_rate);
  learning_rate_ = learning_rate;
}

void Optimizer::check_gradients() const {
  for (const ParameterGroup& group : groups_) {
    for (const Parameter& parameter : group.parameters) {
      const Tensor grad = parameter.tensor.grad();
      if (!grad.defined()) continue;
      if (grad.shape() != parameter.tensor.shape() || grad.dtype() != parameter.tensor.dtype() ||
          grad.device() != parameter.tensor.device()) {
        throw std::invalid_argument("optimizer step: the gradient of parameter '" + parameter.name +
                                    "' is " + grad.description() + " but the parameter is " +
                                    parameter.tensor.description());
      }
    }
  }
}

void Optimizer::step() {
  check_gradients();
  ++steps_taken_;
  for (const ParameterGroup& group : groups_) {
    const double learning_rate = learning_rate_ * group.learning_rate_factor;
    const double weight_decay = group.weight_decay.value_or(weight_decay_);
    for (const Parameter& parameter : group.parameters) {
      const Tensor grad = parameter.tensor.grad();
      if (!grad.defined()) continue;
      ParameterState& state = states_[parameter.name];
      if (state.step == 0) {
        for (std::size_t b = 0; b < buffer_names_.size(); ++b) {
          state.buffers.push_back(Tensor::zeros_like(parameter.tensor));
        }
      }
      ++state.step;
      Tensor target = parameter.tensor;  // a handle: the update lands in the model's tensor
      // The trace names an update by the parameter it changes ("layer1.0.conv1.weight").
      std::optional<kernels::TraceScope> scope;
      if (kernels::trace_active()) scope.emplace(parameter.name);
      update(target, grad, state, learning_rate, weight_decay);
    }
  }
}

void Optimizer::zero_grad() {
  for (ParameterGroup& group : groups_) {
    for (Parameter& parameter : group.parameters) parameter.tensor.set_grad(Tensor());
  }
}

OptimizerState Optimizer::export_state() const {
  OptimizerState exported;
  exported.counters["step"] = steps_taken_;
  for (const auto& [name, state] : states_) {
    exported.counters[step_key(name)] = state.step;
    for (std::size_t b = 0; b < buffer_names_.size(); ++b) {
      exported.tensors[buffer_key(name, buffer_names_[b])] = state.buffers[b].clone();
    }
  }
  return exported;
}

void Optimizer::import_state(const OptimizerState& state) {
  // Every key this optimizer could have written, mapped to what it describes.
  std::map<std::string, const Parameter*> step_keys;
  std::map<std::string, std::pair<const Parameter*, std::size_t>> buffer_keys;
  for (const ParameterGroup& group : groups_) {
    for (const Parameter& parameter : group.parameters) {
      step_keys[step_key(parameter.name)] = &parameter;
      for (std::size_t b = 0; b < buffer_names_.size(); ++b) {
        buffer_keys[buffer_key(parameter.name, buffer_names_[b])] = {&parameter, b};
      }
    }
  }

  // Built aside and swapped in at the end, so a failed import changes nothing.
  std::map<std::string, ParameterState> imported;
  const auto steps = state.counters.find("step");
  if (steps == state.counters.end()) state_error("step", "is missing");
  if (steps->second < 0) state_error("step", "must be >= 0, got " + std::to_string(steps->second));

  for (const auto& [key, value] : state.counters) {
    if (key == "step") continue;
    const auto known = step_keys.find(key);
    if (known == step_keys.end()) {
      state_error(key, "is not a counter of this optimizer (no parameter of that name?)");
    }
    if (value < 1) state_error(key, "must be >= 1, got " + std::to_string(value));
    ParameterState& parameter_state = imported[known->second->name];
    parameter_state.step = value;
    parameter_state.buffers.resize(buffer_names_.size());
  }

  for (const auto& [key, tensor] : state.tensors) {
    const auto known = buffer_keys.find(key);
    if (known == buffer_keys.end()) {
      state_error(key,
                  "is not a buffer of this optimizer (no parameter of that name, or a "
                  "buffer another optimizer or configuration keeps?)");
    }
    const auto& [parameter, index] = known->second;
    const auto counted = imported.find(parameter->name);
    if (counted == imported.end()) {
      state_error(key, "has no matching counter '" + step_key(parameter->name) + "'");
    }
    if (!tensor.defined()) state_error(key, "holds an undefined tensor");
    if (tensor.shape() != parameter->tensor.shape() ||
        tensor.dtype() != parameter->tensor.dtype()) {
      state_error(key, "must have the shape and dtype of parameter '" + parameter->name + "' (" +
                           parameter->tensor.description() + "), got " + tensor.description());
    }
    const Device device = parameter->tensor.device();
    counted->second.buffers[index] = tensor.device() == device ? tensor.clone() : tensor.to(device);
  }

  for (const auto& [name, parameter_state] : imported) {
    for (std::size_t b = 0; b < buffer_names_.size(); ++b) {
      if (!parameter_state.buffers[b].defined()) {
        state_error(buffer_key(name, buffer_names_[b]),
                    "is missing (its counter '" + step_key(name) + "' is present)");
      }
    }
  }

  states_ = std::move(imported);
  steps_taken_ = steps->second;
}

}  // namespace engine::optim
