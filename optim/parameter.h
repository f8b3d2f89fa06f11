// What an optimizer updates: named parameter tensors, arranged in groups that may override the
// optimizer's learning rate (by a factor) and weight decay.
//
// A Parameter holds a Tensor handle that shares its data with the model, so updating it updates
// the model. Its gradient is the tensor's grad(), filled in by backward(). Names are the model's
// parameter names ("layer1.0.conv1.weight"); they key the optimizer's saved state, so they must be
// unique within an optimizer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace engine::optim {

struct Parameter {
  std::string name;
  Tensor tensor;
};

struct ParameterGroup {
  std::vector<Parameter> parameters;
  // This group's learning rate is the optimizer's learning rate times this factor, so that a
  // schedule driving the optimizer moves every group together.
  double learning_rate_factor = 1.0;
  // When set, replaces the optimizer's weight decay for this group (0 turns decay off).
  std::optional<double> weight_decay = std::nullopt;
};

// The usual split for training convolutional networks: weight decay on convolution and linear
// weights, none on biases and batch-norm scales and shifts. A parameter goes to the second group
// when its name ends in "bias" or its tensor is one-dimensional (every batch-norm parameter and
// every bias is). Returns exactly two groups, in this order, either of which may be empty:
//   [0] decayed with the optimizer's weight decay, [1] weight_decay = 0.
// Order within each group follows `parameters`.
std::vector<ParameterGroup> split_weight_decay_groups(const std::vector<Parameter>& parameters);

// Every parameter of every group, in group order (for gradient clipping over all of them).
std::vector<Parameter> all_parameters(const std::vector<ParameterGroup>& groups);

}  // namespace engine::optim
