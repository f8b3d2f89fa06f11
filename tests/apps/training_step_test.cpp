// A training step reads from the device once (apps/train/step.h): the loss, the gradient norms
// and the logits come back in one copy, and they equal what separate reads give. Counted on the
// CPU, where the calls through which host code takes values (to_vector, item) count as they do on
// a GPU (tensor/host_reads.h); tests/gpu/training_step_parity_test.cpp counts on a GPU, where
// every copy to the host counts too.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "apps/train/step.h"
#include "apps/train/training_parts.h"
#include "kernels/random_tensors.h"
#include "models/registry.h"
#include "optim/clip.h"
#include "tensor/host_reads.h"

namespace engine::apps::testing {

namespace {

struct StepSetup {
  TrainingConfig config;
  std::unique_ptr<models::Model> model;
  std::vector<optim::Parameter> parameters;
  std::unique_ptr<optim::Optimizer> optimizer;
  Tensor class_weights = Tensor::from_vector<float>({0.8f, 1.2f}, {2});
  data::Batch batch;

  explicit StepSetup(double max_gradient_norm) {
    config.max_gradient_norm = max_gradient_norm;
    models::ModelOptions options;
    options.seed = 5;
    model = models::create_model("resnet18", options);
    model->train();
    optimizer = make_optimizer(config, *model, 1e-3, parameters);
    batch.images = random_uniform({4, 32, 32, 3}, -1.0, 1.0, 17, 0);
    batch.targets = Tensor::from_vector<std::int64_t>({0, 1, 1, 0}, {4});
  }
  StepFigures step() {
    return forward_backward(config, *model, *optimizer, parameters, class_weights, batch,
                            Device::cpu());
  }
};

}  // namespace

TEST_CASE("a training step and the optimizer's step read from the device once") {
  for (const double max_gradient_norm : {0.0, 5.0}) {
    INFO("max_gradient_norm " << max_gradient_norm);
    StepSetup setup(max_gradient_norm);
    const std::int64_t before = host_reads(DeviceKind::CPU);
    const StepFigures figures = setup.step();
    setup.optimizer->step();
    CHECK(host_reads(DeviceKind::CPU) - before == 1);
    CHECK(std::isfinite(figures.loss));
    CHECK(figures.gradient_norm > 0);
  }
}

TEST_CASE("a training step's figures equal those of separate reads") {
  StepSetup setup(0.0);  // no clipping: the gradients stay as the backward pass left them
  const StepFigures figures = setup.step();
  CHECK(figures.gradient_norm == optim::gradient_norm(setup.parameters));
  // Train mode uses batch statistics and ResNet-18 has no dropout: the same forward again.
  const models::Model::Outputs outputs = setup.model->forward_outputs(setup.batch.images);
  const Tensor loss =
      training_loss(setup.config, outputs, setup.batch.targets, setup.class_weights);
  CHECK(figures.loss == static_cast<double>(loss.item<float>()));
  const std::vector<float> logits = outputs.logits.detach().to_vector<float>();
  std::int64_t correct = 0;
  for (std::size_t n = 0; n < 4; ++n) {
    correct += (logits[2 * n + 1] >= logits[2 * n] ? 1 : 0) == (n == 1 || n == 2 ? 1 : 0);
  }
  CHECK(figures.correct == correct);
}

TEST_CASE("a training step clips the gradients to max_gradient_norm after reading the norm") {
  StepSetup setup(1e-3);
  const StepFigures figures = setup.step();
  REQUIRE(figures.gradient_norm > 1e-3);
  CHECK(optim::gradient_norm(setup.parameters) == doctest::Approx(1e-3).epsilon(1e-4));
}

TEST_CASE("count_correct reads two logits per target, a tie counting as class 1") {
  const Tensor targets = Tensor::from_vector<std::int64_t>({1, 0, 1, 0}, {4});
  // Predicted: 1 (0.2 > 0.1), 0 (0.5 > -1), 1 (a tie), 1 (-2 < 4): the last one is wrong.
  const std::vector<double> logits = {0.1, 0.2, 0.5, -1.0, 3.0, 3.0, -2.0, 4.0};
  CHECK(count_correct(logits, targets) == 3);
  CHECK_THROWS_AS(count_correct(std::vector<double>(6, 0.0), targets), std::logic_error);
}

}  // namespace engine::apps::testing
