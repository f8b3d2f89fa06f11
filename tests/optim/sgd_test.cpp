// torch.optim.SGD steps computed by hand, through the kernel (kernels::sgd_step at the dispatch
// seam) and through the Sgd optimizer. Every number below is a short binary fraction, so float32
// and float64 must both reproduce it exactly: the checks use zero tolerance.
#include "optim/sgd.h"

#include <doctest/doctest.h>

#include "kernels/ops.h"
#include "tests/optim/optim_test_support.h"

namespace engine::optim::testing {

namespace {

// Two steps of the kernel on p0 = [1, 2] with g1 = [1, -2], g2 = [3, 2]; returns p2.
Tensor two_kernel_steps(DType dtype, kernels::SgdConfig config, Tensor* buffer_out = nullptr) {
  Tensor parameter = tensor_of({1, 2}, dtype);
  Tensor buffer = config.momentum != 0.0 ? Tensor::full({2}, 99.0, dtype) : Tensor();
  config.step = 1;  // the buffer's 99s must be overwritten, not blended
  kernels::sgd_step(parameter, tensor_of({1, -2}, dtype), buffer, config);
  config.step = 2;
  kernels::sgd_step(parameter, tensor_of({3, 2}, dtype), buffer, config);
  if (buffer_out != nullptr) *buffer_out = buffer;
  return parameter;
}

}  // namespace

TEST_CASE("sgd_step without momentum: p = p - lr * g") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    kernels::SgdConfig config;
    config.learning_rate = 0.5;
    Tensor parameter = tensor_of({1, -2, 0.25}, dtype);
    Tensor no_buffer;
    kernels::sgd_step(parameter, tensor_of({0.5, 1, -4}, dtype), no_buffer, config);
    // [1 - 0.25, -2 - 0.5, 0.25 + 2]
    CHECK_CLOSE(parameter, expected({0.75, -2.5, 2.25}), 0.0, 0.0);
  }
}

TEST_CASE("sgd_step with momentum: the buffer starts as the gradient, then blends") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    kernels::SgdConfig config;
    config.learning_rate = 0.25;
    config.momentum = 0.5;
    Tensor buffer;
    // step 1: buf = g1 = [1, -2];                 p1 = [1, 2] - 0.25 * [1, -2] = [0.75, 2.5]
    // step 2: buf = 0.5 * [1, -2] + [3, 2] = [3.5, 1];  p2 = [0.75 - 0.875, 2.5 - 0.25]
    const Tensor parameter = two_kernel_steps(dtype, config, &buffer);
    CHECK_CLOSE(buffer, expected({3.5, 1}), 0.0, 0.0);
    CHECK_CLOSE(parameter, expected({-0.125, 2.25}), 0.0, 0.0);
  }
}

TEST_CASE("sgd_step with dampening: step 1 is undamped, later gradients weigh 1 - dampening") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    kernels::SgdConfig config;
    config.learning_rate = 0.25;
    config.momentum = 0.5;
    config.dampening = 0.5;
    Tensor buffer;
    // step 1: buf = g1 = [1, -2] (PyTorch does not damp the first gradient); p1 = [0.75, 2.5]
    // step 2: buf = 0.5 * [1, -2] + 0.5 * [3, 2] = [2, 0];  p2 = [0.75 - 0.5, 2.5 - 0]
    const Tensor parameter = two_kernel_steps(dtype, config, &buffer);
    CHECK_CLOSE(buffer, expected({2, 0}), 0.0, 0.0);
    CHECK_CLOSE(parameter, expected({0.25, 2.5}), 0.0, 0.0);
  }
}

TEST_CASE("sgd_step with Nesterov momentum: the direction is g + momentum * buf") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    kernels::SgdConfig config;
    config.learning_rate = 0.25;
    config.momentum = 0.5;
    config.nesterov = true;
    // step 1: buf = [1, -2]; direction = [1, -2] + 0.5 * [1, -2] = [1.5, -3]
    //         p1 = [1 - 0.375, 2 + 0.75] = [0.625, 2.75]
    // step 2: buf = 0.5 * [1, -2] + [3, 2] = [3.5, 1]
    //         direction = [3 + 1.75, 2 + 0.5] = [4.75, 2.5]
    //         p2 = [0.625 - 1.1875, 2.75 - 0.625] = [-0.5625, 2.125]
    CHECK_CLOSE(two_kernel_steps(dtype, config), expected({-0.5625, 2.125}), 0.0, 0.0);
  }
}

TEST_CASE("sgd_step weight decay: L2 goes through the momentum buffer, decoupled does not") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    kernels::SgdConfig config;
    config.learning_rate = 0.25;
    config.momentum = 0.5;
    config.weight_decay = 0.5;

    // L2: g' = g + 0.5 * p.
    // step 1: g' = [1 + 0.5, -2 + 1] = [1.5, -1] = buf;  p1 = [1 - 0.375, 2 + 0.25] = [0.625, 2.25]
    // step 2: g' = [3 + 0.3125, 2 + 1.125] = [3.3125, 3.125]
    //         buf = 0.5 * [1.5, -1] + g' = [4.0625, 2.625]
    //         p2 = [0.625 - 1.015625, 2.25 - 0.65625] = [-0.390625, 1.59375]
    Tensor buffer;
    CHECK_CLOSE(two_kernel_steps(dtype, config, &buffer), expected({-0.390625, 1.59375}), 0.0, 0.0);
    CHECK_CLOSE(buffer, expected({4.0625, 2.625}), 0.0, 0.0);

    // Decoupled: p = p * (1 - 0.25 * 0.5) = 0.875 p, then the plain momentum update.
    // step 1: buf = [1, -2];      p1 = [0.875 - 0.25, 1.75 + 0.5] = [0.625, 2.25]
    // step 2: buf = [3.5, 1];     p2 = [0.546875 - 0.875, 1.96875 - 0.25] = [-0.328125, 1.71875]
    config.decoupled_weight_decay = true;
    CHECK_CLOSE(two_kernel_steps(dtype, config, &buffer), expected({-0.328125, 1.71875}), 0.0, 0.0);
    CHECK_CLOSE(buffer, expected({3.5, 1}), 0.0, 0.0);
  }
}

TEST_CASE("sgd_step updates every element of a tensor split across threads") {
  // 100,003 elements: with two or more CPU threads (the machine's count, or ENGINE_CPU_THREADS)
  // parallel_for cuts them into chunks of uneven length. Every element repeats the momentum case
  // above, so every one must end equal. (set_thread_count is not used here: resizing the pool
  // after it has run a loop crashes, see the optimizer report.)
  constexpr std::int64_t count = 100003;
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    Tensor parameter = Tensor::full({count}, 1.0, dtype);
    Tensor buffer = Tensor::empty({count}, dtype);
    kernels::SgdConfig config;
    config.learning_rate = 0.25;
    config.momentum = 0.5;
    kernels::sgd_step(parameter, Tensor::full({count}, 1.0, dtype), buffer, config);
    config.step = 2;
    kernels::sgd_step(parameter, Tensor::full({count}, 3.0, dtype), buffer, config);
    CHECK_CLOSE(parameter, Tensor::full({count}, -0.125, DType::Float64), 0.0, 0.0);
  }
}

TEST_CASE("sgd_step rejects Nesterov without momentum at the dispatch seam") {
  Tensor parameter = tensor_of({1}, DType::Float64);
  Tensor buffer = tensor_of({0}, DType::Float64);
  kernels::SgdConfig config;
  config.nesterov = true;
  CHECK_THROWS_WITH_AS(kernels::sgd_step(parameter, tensor_of({1}, DType::Float64), buffer, config),
                       doctest::Contains("Nesterov"), std::invalid_argument);
}

TEST_CASE("Sgd optimizer reproduces the hand-computed Nesterov steps") {
  for (DType dtype : floating_types) {
    INFO(name_of(dtype));
    const Parameter weight = parameter_of("weight", {1, 2}, dtype);
    SgdOptions options;
    options.learning_rate = 0.25;
    options.momentum = 0.5;
    options.nesterov = true;
    Sgd optimizer({weight}, options);
    set_gradient(weight, {1, -2});
    optimizer.step();
    set_gradient(weight, {3, 2});
    optimizer.step();
    // The Nesterov case above.
    CHECK_CLOSE(weight.tensor, expected({-0.5625, 2.125}), 0.0, 0.0);
    CHECK(optimizer.steps_taken() == 2);
  }
}

TEST_CASE("Sgd skips parameters without a gradient and counts steps per parameter") {
  const DType dtype = DType::Float64;
  const Parameter trained = parameter_of("trained", {1, 2}, dtype);
  const Parameter frozen = parameter_of("frozen", {1, 2}, dtype);
  SgdOptions options;
  options.learning_rate = 0.25;
  options.momentum = 0.5;
  Sgd optimizer({trained, frozen}, options);

  set_gradient(trained, {1, -2});
  optimizer.step();  // `frozen` has no gradient: untouched, and its step count stays 0
  CHECK_CLOSE(frozen.tensor, expected({1, 2}), 0.0, 0.0);
  CHECK_CLOSE(trained.tensor, expected({0.75, 2.5}), 0.0, 0.0);

  optimizer.zero_grad();
  CHECK_FALSE(trained.tensor.grad().defined());
  set_gradient(frozen, {1, -2});
  optimizer.step();
  // `frozen`'s first update: [1, 2] - 0.25 * [1, -2]; `trained` has no gradient now.
  CHECK_CLOSE(frozen.tensor, expected({0.75, 2.5}), 0.0, 0.0);
  CHECK_CLOSE(trained.tensor, expected({0.75, 2.5}), 0.0, 0.0);
  const OptimizerState state = optimizer.export_state();
  CHECK(state.counters.at("step") == 2);
  CHECK(state.counters.at("state.trained.step") == 1);
  CHECK(state.counters.at("state.frozen.step") == 1);
}

TEST_CASE("Sgd with dampening: a parameter's first update is undamped even at a later step") {
  // Dampening makes "first update" visible: a blend into a zero buffer would give
  // buf = 0.5 * g = [0.5, -1] and p = [0.875, 2.25]; PyTorch's step 1 gives buf = g.
  const Parameter late = parameter_of("late", {1, 2}, DType::Float64);
  const Parameter early = parameter_of("early", {0}, DType::Float64);
  SgdOptions options;
  options.learning_rate = 0.25;
  options.momentum = 0.5;
  options.dampening = 0.5;
  Sgd optimizer({early, late}, options);
  set_gradient(early, {1});
  optimizer.step();
  optimizer.zero_grad();
  set_gradient(late, {1, -2});
  optimizer.step();
  CHECK_CLOSE(late.tensor, expected({0.75, 2.5}), 0.0, 0.0);
  CHECK_CLOSE(optimizer.export_state().tensors.at("state.late.momentum_buffer"), expected({1, -2}),
              0.0, 0.0);
}

TEST_CASE("Sgd checks every gradient before updating any parameter") {
  const Parameter first = parameter_of("first", {1, 2}, DType::Float32);
  const Parameter second = parameter_of("second", {1, 2}, DType::Float32);
  Sgd optimizer({first, second}, SgdOptions{});
  set_gradient(first, {1, 1});
  Tensor wrong = second.tensor;
  wrong.set_grad(tensor_of({1, 1}, DType::Float64));  // float64 gradient for a float32 weight
  CHECK_THROWS_WITH_AS(optimizer.step(), doctest::Contains("'second'"), std::invalid_argument);
  CHECK_CLOSE(first.tensor, expected({1, 2}), 0.0, 0.0);
  CHECK(optimizer.steps_taken() == 0);
}

TEST_CASE("Sgd rejects bad options and parameter lists") {
  const Parameter weight = parameter_of("weight", {1}, DType::Float32);
  SgdOptions nesterov_without_momentum;
  nesterov_without_momentum.nesterov = true;
  CHECK_THROWS_WITH_AS(Sgd({weight}, nesterov_without_momentum), doctest::Contains("Nesterov"),
                       std::invalid_argument);
  SgdOptions negative_rate;
  negative_rate.learning_rate = -0.1;
  CHECK_THROWS_WITH_AS(Sgd({weight}, negative_rate), doctest::Contains("learning rate"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(Sgd({weight, weight}, SgdOptions{}), doctest::Contains("'weight'"),
                       std::invalid_argument);
  const Parameter alias{"alias", weight.tensor};
  CHECK_THROWS_WITH_AS(Sgd({weight, alias}, SgdOptions{}), doctest::Contains("'alias'"),
                       std::invalid_argument);
}

}  // namespace engine::optim::testing
