// The common part of every optimizer: parameter groups, the learning rate a schedule drives,
// stepping over the parameters that have gradients, and the state a checkpoint saves.
//
// Each parameter has its own step count and buffers (PyTorch keeps them per parameter too): a
// parameter whose gradient is undefined at a step is skipped and its count does not advance, so
// a frozen layer's first real update still gets step 1's treatment (momentum buffer set to the
// gradient, AdamW's bias corrections from the start).
//
// The update arithmetic itself lives in the kernels (kernels::sgd_step, kernels::adamw_step), so
// it runs on the parameters' device; optimizers never loop over elements.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "optim/parameter.h"
#include "tensor/tensor.h"

namespace engine::optim {

// Everything an optimizer needs to continue exactly where it stopped, as plain data a checkpoint
// writer can store (tensors in safetensors, counters in its metadata). Keys:
//   tensors   "state.<parameter name>.<buffer>"  buffer: momentum_buffer (SGD with momentum),
//                                                 exp_avg and exp_avg_sq (AdamW)
//   counters  "step"                             calls of step() so far
//             "state.<parameter name>.step"      updates that parameter has received (>= 1)
// Only parameters updated at least once appear. Hyperparameters are not part of the state: the
// caller rebuilds the optimizer from its own configuration and then imports this.
struct OptimizerState {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::int64_t> counters;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // Updates every parameter whose gradient is defined, group by group, in order. All gradients
  // are checked first (same shape, dtype and device as their parameter); if one is wrong, the
  // error names the parameter and nothing is updated.
  void step();
  // Sets every parameter's gradient to undefined, so the next backward pass writes fresh ones
  // and parameters it does not reach are skipped by step().
  void zero_grad();

  // The base learning rate; group g uses learning_rate() * groups()[g].learning_rate_factor.
  double learning_rate() const { return learning_rate_; }
  void set_learning_rate(double learning_rate);  // finite and >= 0
  // The weight decay of groups that do not override it.
  double weight_decay() const { return weight_decay_; }

  const std::vector<ParameterGroup>& groups() const { return groups_; }
  std::int64_t steps_taken() const { return steps_taken_; }

  // A deep copy of the state (later steps do not change what was exported).
  OptimizerState export_state() const;
  // Replaces the state with a copy of `state`, moving tensors to their parameters' devices.
  // Throws std::invalid_argument naming the offending key when a key is unknown, a tensor's
  // shape or dtype differs from its parameter's, a parameter's counter and buffers are not all
  // present together, or a counter is out of range. On error the optimizer is unchanged.
  void import_state(const OptimizerState& state);

 protected:
  // buffer_names: the per-parameter buffers this optimizer keeps, in the order update() receives
  // them; each is allocated as zeros the first time its parameter is updated.
  Optimizer(std::vector<ParameterGroup> groups, double learning_rate, double weight_decay,
            std::vector<std::string> buffer_names);

  // What one parameter carries from step to step.
  struct ParameterState {
    std::int64_t step = 0;        // updates so far, including the one being made
    std::vector<Tensor> buffers;  // in the order of buffer_names
  };

  // One update of one parameter whose gradient is defined, with its group's learning rate and
  // weight decay; state.step already counts this update and the buffers exist.
  virtual void update(Tensor& parameter, const Tensor& grad, ParameterState& state,
                      double learning_rate, double weight_decay) = 0;

 private:
  void check_gradients() const;

  std::vector<ParameterGroup> groups_;
  double learning_rate_;
  double weight_decay_;
  std::vector<std::string> buffer_names_;
  // Keyed by parameter name; a parameter appears once it has been updated (or imported).
  std::map<std::string, ParameterState> states_;
  std::int64_t steps_taken_ = 0;
};

}  // namespace engine::optim
