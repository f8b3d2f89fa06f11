// A training step on the GPU (apps/train/step.h): one host read per step, the optimizer's step
// included (the CPU bound is in tests/apps/training_step_test.cpp), and the figures close to the
// CPU's for the same weights and batch. Also the squared gradient norms vector against the CPU.
#include <cmath>

#include "apps/train/step.h"
#include "apps/train/training_parts.h"
#include "models/registry.h"
#include "optim/clip.h"
#include "tensor/host_reads.h"
#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

struct Step {
  apps::StepFigures figures;
  std::int64_t reads = 0;  // from the step's device, the optimizer's step included
  std::vector<double> squared_norms;
};

Step run_step(Device device) {
  apps::TrainingConfig config;
  config.max_gradient_norm = 0;  // the squared norms below are those of the backward pass
  models::ModelOptions options;
  options.seed = 5;
  auto model = models::create_model("resnet18", options);
  model->to(device);
  model->train();
  std::vector<optim::Parameter> parameters;
  auto optimizer = apps::make_optimizer(config, *model, 1e-3, parameters);
  data::Batch batch;
  batch.images = uniform({4, 32, 32, 3}, 17, DType::Float32);
  batch.targets = Tensor::from_vector<std::int64_t>({0, 1, 1, 0}, {4});
  Step step;
  const std::int64_t before = host_reads(device.kind);
  step.figures =
      apps::forward_backward(config, *model, *optimizer, parameters, Tensor(), batch, device);
  step.reads = host_reads(device.kind) - before;
  Tensor squares = Tensor::empty({optim::defined_gradients(parameters)}, DType::Float64, device);
  optim::write_squared_gradient_norms(parameters, squares);
  step.squared_norms = squares.to_vector<double>();
  const std::int64_t before_update = host_reads(device.kind);
  optimizer->step();
  step.reads += host_reads(device.kind) - before_update;
  return step;
}

}  // namespace

TEST_CASE("a training step on the GPU reads from it once, with the CPU's figures") {
  const Step cpu = run_step(Device::cpu());
  const Step gpu_step = run_step(gpu());
  CHECK(gpu_step.reads == 1);
  CHECK(cpu.reads == 1);
  // Different summation orders in float32 through ResNet-18, and batch
  // normalisation over 4 images at 1x1 in its last stage, which amplifies rounding in the
  // gradients: close, not equal. A wrong kernel is off by far more (tests/gpu/network_parity_test
  // holds the networks to their error model; this checks that the step reads what it computed).
  CHECK(gpu_step.figures.loss == doctest::Approx(cpu.figures.loss).epsilon(1e-4).scale(0));
  CHECK(gpu_step.figures.gradient_norm ==
        doctest::Approx(cpu.figures.gradient_norm).epsilon(1e-3).scale(0));
  REQUIRE(gpu_step.squared_norms.size() == cpu.squared_norms.size());
  for (std::size_t i = 0; i < cpu.squared_norms.size(); ++i) {
    INFO("gradient " << i);
    CHECK(gpu_step.squared_norms[i] ==
          doctest::Approx(cpu.squared_norms[i]).epsilon(1e-2).scale(0));
  }
}

}  // namespace engine::testing
