// Parameter groups: the usual weight-decay split, and groups with their own weight decay and
// learning-rate factor in one optimizer.
#include <doctest/doctest.h>

#include "optim/sgd.h"
#include "tests/optim/optim_test_support.h"

namespace engine::optim::testing {

namespace {

std::vector<std::string> names_of(const ParameterGroup& group) {
  std::vector<std::string> names;
  for (const Parameter& parameter : group.parameters) names.push_back(parameter.name);
  return names;
}

}  // namespace

TEST_CASE("split_weight_decay_groups exempts biases and one-dimensional tensors") {
  const DType dtype = DType::Float32;
  const std::vector<Parameter> parameters = {
      parameter_of("conv1.weight", std::vector<double>(8, 0.0), dtype, {2, 2, 2, 1}),
      parameter_of("bn1.weight", {1, 1}, dtype),  // 1-D: batch-norm scale
      parameter_of("bn1.bias", {0, 0}, dtype),
      parameter_of("fc.weight", {0, 0, 0, 0}, dtype, {2, 2}),
      parameter_of("fc.bias", {0, 0}, dtype),
      parameter_of("attention.relative_bias", {0, 0, 0, 0}, dtype, {2, 2}),  // 2-D, named bias
  };
  const std::vector<ParameterGroup> groups = split_weight_decay_groups(parameters);
  REQUIRE(groups.size() == 2);
  CHECK(names_of(groups[0]) == std::vector<std::string>{"conv1.weight", "fc.weight"});
  CHECK_FALSE(groups[0].weight_decay.has_value());  // the optimizer's own
  CHECK(names_of(groups[1]) ==
        std::vector<std::string>{"bn1.weight", "bn1.bias", "fc.bias", "attention.relative_bias"});
  REQUIRE(groups[1].weight_decay.has_value());
  CHECK(*groups[1].weight_decay == 0.0);
  // The groups hold handles to the same tensors, not copies.
  CHECK(groups[0].parameters[0].tensor.same_storage(parameters[0].tensor));
  CHECK(all_parameters(groups).size() == parameters.size());
}

TEST_CASE("SGD groups with their own weight decay and learning-rate factor") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    // Plain SGD with L2 decay, lr 0.25, optimizer weight decay 0.5, every gradient 1:
    //   default group:   p = 1 - 0.25 * (1 + 0.5 * 1)         = 0.625
    //   no-decay group:  p = 1 - 0.25 * 1                     = 0.75
    //   factor-2 group with its own decay 0.25:
    //                    p = 1 - (2 * 0.25) * (1 + 0.25 * 1)  = 0.375
    const Parameter decayed = parameter_of("decayed", {1}, dtype);
    const Parameter exempt = parameter_of("exempt", {1}, dtype);
    const Parameter faster = parameter_of("faster", {1}, dtype);
    ParameterGroup exempt_group{{exempt}};
    exempt_group.weight_decay = 0.0;
    ParameterGroup faster_group{{faster}};
    faster_group.learning_rate_factor = 2.0;
    faster_group.weight_decay = 0.25;
    SgdOptions options;
    options.learning_rate = 0.25;
    options.weight_decay = 0.5;
    Sgd optimizer({ParameterGroup{{decayed}}, exempt_group, faster_group}, options);
    for (const Parameter& parameter : {decayed, exempt, faster}) set_gradient(parameter, {1});
    optimizer.step();
    CHECK_CLOSE(decayed.tensor, expected({0.625}), 0.0, 0.0);
    CHECK_CLOSE(exempt.tensor, expected({0.75}), 0.0, 0.0);
    CHECK_CLOSE(faster.tensor, expected({0.375}), 0.0, 0.0);

    // A schedule changes the base rate; every group follows it with its factor.
    // lr 0.5 now: decayed p = 0.625 - 0.5 * (1 + 0.3125) = -0.03125;
    //             faster  p = 0.375 - 1.0 * (1 + 0.09375) = -0.71875
    optimizer.set_learning_rate(0.5);
    optimizer.step();  // the gradients are still set
    CHECK_CLOSE(decayed.tensor, expected({-0.03125}), 0.0, 0.0);
    CHECK_CLOSE(faster.tensor, expected({-0.71875}), 0.0, 0.0);
  }
}

}  // namespace engine::optim::testing
