// Optimizer state export and import: a run stopped after two steps and resumed from the exported
// state (in a new optimizer over copies of the weights) must continue bit for bit as the run that
// never stopped. Import errors must name the offending key and change nothing.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>

#include "optim/adamw.h"
#include "optim/schedule.h"
#include "optim/sgd.h"
#include "tests/optim/optim_test_support.h"

namespace engine::optim::testing {

namespace {

using engine::testing::bitwise_equal;
using OptimizerFactory =
    std::function<std::unique_ptr<Optimizer>(const std::vector<ParameterGroup>&)>;

std::vector<Parameter> fresh_parameters(DType dtype) {
  return {parameter_of("conv.weight", {0.5, -1.0, 0.25, 2.0, -0.5, 1.5}, dtype, {2, 3}),
          parameter_of("conv.bias", {0.1, -0.2, 0.3}, dtype)};
}

// Irregular but deterministic gradients for step t; conv.bias gets none at step 1, so the two
// parameters' step counts differ.
void set_gradients(const std::vector<Parameter>& parameters, int t) {
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    Tensor tensor = parameters[p].tensor;
    if (parameters[p].name == "conv.bias" && t == 1) {
      tensor.set_grad(Tensor());
      continue;
    }
    std::vector<double> values(static_cast<std::size_t>(tensor.numel()));
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = std::sin(0.7 * t + 1.3 * static_cast<double>(i) + static_cast<double>(p));
    }
    set_gradient(parameters[p], values);
  }
}

// Steps first..last (inclusive), with the learning rate set from a warmup-cosine schedule as the
// training loop does; the schedule is indexed by t - 1 so the first update uses step 0's rate.
void run_steps(Optimizer& optimizer, const std::vector<Parameter>& parameters, int first,
               int last) {
  WarmupCosineOptions schedule_options;
  schedule_options.base_learning_rate = 0.05;
  schedule_options.total_steps = 6;
  schedule_options.warmup_steps = 2;
  const WarmupCosineSchedule schedule(schedule_options);
  for (int t = first; t <= last; ++t) {
    set_gradients(parameters, t);
    optimizer.set_learning_rate(schedule.learning_rate(t - 1));
    optimizer.step();
  }
}

std::vector<Parameter> copies(const std::vector<Parameter>& parameters) {
  std::vector<Parameter> copied;
  for (const Parameter& parameter : parameters) {
    copied.push_back(Parameter{parameter.name, parameter.tensor.clone()});
  }
  return copied;
}

void check_same_state(const OptimizerState& actual, const OptimizerState& expected) {
  CHECK(actual.counters == expected.counters);
  REQUIRE(actual.tensors.size() == expected.tensors.size());
  for (const auto& [key, tensor] : expected.tensors) {
    INFO(key);
    REQUIRE(actual.tensors.count(key) == 1);
    CHECK(bitwise_equal(actual.tensors.at(key), tensor));
  }
}

void check_resume_is_exact(const OptimizerFactory& make, DType dtype) {
  const std::vector<Parameter> uninterrupted = fresh_parameters(dtype);
  const std::unique_ptr<Optimizer> reference = make(split_weight_decay_groups(uninterrupted));
  run_steps(*reference, uninterrupted, 1, 5);

  const std::vector<Parameter> first_half = fresh_parameters(dtype);
  OptimizerState saved;
  std::vector<Parameter> resumed;
  {
    const std::unique_ptr<Optimizer> stopped = make(split_weight_decay_groups(first_half));
    run_steps(*stopped, first_half, 1, 2);
    saved = stopped->export_state();
    resumed = copies(first_half);  // what a checkpoint would restore the weights to
  }
  const std::unique_ptr<Optimizer> restarted = make(split_weight_decay_groups(resumed));
  restarted->import_state(saved);
  CHECK(restarted->steps_taken() == 2);
  run_steps(*restarted, resumed, 3, 5);

  for (std::size_t p = 0; p < resumed.size(); ++p) {
    INFO(resumed[p].name);
    CHECK(bitwise_equal(resumed[p].tensor, uninterrupted[p].tensor));
    // The run moved the weights: an optimizer that did nothing would pass the check above only
    // if both runs did nothing.
    CHECK_FALSE(bitwise_equal(resumed[p].tensor, fresh_parameters(dtype)[p].tensor));
  }
  check_same_state(restarted->export_state(), reference->export_state());
}

std::unique_ptr<Optimizer> make_sgd(const std::vector<ParameterGroup>& groups) {
  SgdOptions options;
  options.momentum = 0.9;
  options.nesterov = true;
  options.weight_decay = 1e-3;
  return std::make_unique<Sgd>(groups, options);
}

std::unique_ptr<Optimizer> make_adamw(const std::vector<ParameterGroup>& groups) {
  AdamWOptions options;
  options.weight_decay = 0.05;
  return std::make_unique<AdamW>(groups, options);
}

// An AdamW over fresh float32 parameters after three steps, and its exported state.
struct Trained {
  std::vector<Parameter> parameters = fresh_parameters(DType::Float32);
  std::unique_ptr<Optimizer> optimizer = make_adamw(split_weight_decay_groups(parameters));
  OptimizerState state;
  Trained() {
    run_steps(*optimizer, parameters, 1, 3);
    state = optimizer->export_state();
  }
};

void check_import_fails(const OptimizerState& bad, const std::string& key) {
  Trained trained;
  const OptimizerState before = trained.optimizer->export_state();
  CHECK_THROWS_WITH_AS(trained.optimizer->import_state(bad),
                       doctest::Contains(("'" + key + "'").c_str()), std::invalid_argument);
  check_same_state(trained.optimizer->export_state(), before);  // a failed import changes nothing
}

}  // namespace

TEST_CASE("SGD with Nesterov momentum resumes bit for bit from exported state") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    check_resume_is_exact(make_sgd, dtype);
  }
}

TEST_CASE("AdamW resumes bit for bit from exported state") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    check_resume_is_exact(make_adamw, dtype);
  }
}

TEST_CASE("exported state has the documented keys and is a copy") {
  Trained trained;
  CHECK(trained.state.counters ==
        std::map<std::string, std::int64_t>{{"step", 3},
                                            {"state.conv.weight.step", 3},
                                            {"state.conv.bias.step", 2}});  // no gradient at step 1
  std::vector<std::string> keys;
  for (const auto& [key, tensor] : trained.state.tensors) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"state.conv.bias.exp_avg", "state.conv.bias.exp_avg_sq",
                                         "state.conv.weight.exp_avg",
                                         "state.conv.weight.exp_avg_sq"});
  CHECK(trained.state.tensors.at("state.conv.weight.exp_avg").shape() == Shape{2, 3});

  const Tensor exported = trained.state.tensors.at("state.conv.weight.exp_avg").clone();
  run_steps(*trained.optimizer, trained.parameters, 4, 4);
  CHECK(bitwise_equal(trained.state.tensors.at("state.conv.weight.exp_avg"), exported));
  CHECK_FALSE(bitwise_equal(
      trained.optimizer->export_state().tensors.at("state.conv.weight.exp_avg"), exported));
}

TEST_CASE("SGD without momentum exports step counters and no tensors") {
  const std::vector<Parameter> parameters = fresh_parameters(DType::Float64);
  Sgd optimizer(parameters, SgdOptions{});
  run_steps(optimizer, parameters, 1, 2);
  const OptimizerState state = optimizer.export_state();
  CHECK(state.tensors.empty());
  CHECK(state.counters.at("state.conv.weight.step") == 2);
}

TEST_CASE("import names the key of an unknown parameter") {
  OptimizerState bad = Trained().state;
  bad.tensors["state.conv.wieght.exp_avg"] = bad.tensors.at("state.conv.weight.exp_avg");
  check_import_fails(bad, "state.conv.wieght.exp_avg");
}

TEST_CASE("import names the key of a tensor with the wrong shape or dtype") {
  OptimizerState wrong_shape = Trained().state;
  wrong_shape.tensors["state.conv.weight.exp_avg_sq"] = Tensor::zeros({3, 2});
  check_import_fails(wrong_shape, "state.conv.weight.exp_avg_sq");

  OptimizerState wrong_dtype = Trained().state;
  wrong_dtype.tensors["state.conv.bias.exp_avg"] = Tensor::zeros({3}, DType::Float64);
  check_import_fails(wrong_dtype, "state.conv.bias.exp_avg");
}

TEST_CASE("import names a missing buffer, a buffer without its counter, and a bad counter") {
  OptimizerState missing_buffer = Trained().state;
  missing_buffer.tensors.erase("state.conv.bias.exp_avg_sq");
  check_import_fails(missing_buffer, "state.conv.bias.exp_avg_sq");

  OptimizerState missing_counter = Trained().state;
  missing_counter.counters.erase("state.conv.weight.step");
  check_import_fails(missing_counter, "state.conv.weight.exp_avg");

  OptimizerState missing_step = Trained().state;
  missing_step.counters.erase("step");
  check_import_fails(missing_step, "step");

  OptimizerState zero_count = Trained().state;
  zero_count.counters["state.conv.bias.step"] = 0;
  check_import_fails(zero_count, "state.conv.bias.step");
}

TEST_CASE("importing another optimizer's state names the foreign key") {
  const std::vector<Parameter> parameters = fresh_parameters(DType::Float32);
  SgdOptions options;
  options.momentum = 0.9;
  Sgd sgd(parameters, options);
  run_steps(sgd, parameters, 1, 2);
  check_import_fails(sgd.export_state(), "state.conv.bias.momentum_buffer");
}

}  // namespace engine::optim::testing
