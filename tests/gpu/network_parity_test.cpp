// Whole networks, CPU vs CUDA: one training-mode forward and backward pass of the tiny CNN and of
// ResNet-18, EfficientNet-B0 and InceptionV3 (small images) from the same weights, comparing
// logits, loss and every parameter's gradient; then a few SGD steps of the tiny CNN. A wrong
// kernel anywhere in a network shows here as an O(1) difference.
//
// Tolerances (tests/harness/error_model.h): float64 on both devices agrees to summation order,
// 1e-9 of each tensor's norm. float32 on the GPU is compared with the float64 CPU result, and may
// deviate from it by at most K times as much as the float32 CPU result does on the same weights
// and images (each op rounds differently on the two devices: summation orders, cuDNN's
// algorithms, FMA; and an activation within that drift of a ReLU kink may fall on the other
// side, which the CPU's own float32 run shows just as well).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "autograd/functions.h"
#include "models/registry.h"
#include "models/tiny_cnn.h"
#include "optim/sgd.h"
#include "tests/gpu/gpu_support.h"
#include "tests/harness/error_model.h"

namespace engine::testing {

namespace {

// ||actual - expected|| / ||expected|| over all elements (float64 norms).
double relative_difference(const Tensor& actual, const Tensor& expected) {
  const std::vector<double> a = to_doubles(actual), e = to_doubles(expected);
  double difference = 0.0, size = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference += (a[i] - e[i]) * (a[i] - e[i]);
    size += e[i] * e[i];
  }
  return std::sqrt(difference) / std::max(std::sqrt(size), 1e-30);
}

constexpr double float64_tolerance = 1e-9;

struct Pass {
  Tensor logits, loss;
  std::vector<std::pair<std::string, Tensor>> gradients;
};

Pass forward_backward(layers::Module& network, const Tensor& images, const Tensor& labels) {
  Pass pass;
  pass.logits = network.forward(images);
  pass.loss = softmax_cross_entropy(pass.logits, labels, Tensor(), {});
  pass.loss.backward();
  for (const auto& entry : network.named_parameters()) {
    pass.gradients.emplace_back(entry.name, entry.tensor->grad());
  }
  return pass;
}

// float64: the GPU against the CPU within float64_tolerance of each tensor's norm.
void check_same_pass(const Pass& on_gpu, const Pass& on_cpu) {
  CHECK(on_gpu.logits.device().is_cuda());
  CHECK(relative_difference(on_gpu.logits, on_cpu.logits) < float64_tolerance);
  CHECK(relative_difference(on_gpu.loss, on_cpu.loss) < float64_tolerance);
  REQUIRE(on_gpu.gradients.size() == on_cpu.gradients.size());
  for (std::size_t i = 0; i < on_cpu.gradients.size(); ++i) {
    INFO("gradient of " << on_cpu.gradients[i].first);
    REQUIRE(on_gpu.gradients[i].second.defined());
    CHECK(relative_difference(on_gpu.gradients[i].second, on_cpu.gradients[i].second) <
          float64_tolerance);
  }
}

// float32: the GPU's pass against the CPU's float64 pass, within K times the CPU's own float32
// deviation from it (error_model.h).
void check_float32_pass(const Pass& on_gpu, const Pass& exact, const Pass& cpu_float32) {
  CHECK(on_gpu.logits.device().is_cuda());
  check_float32_tensor("logits", on_gpu.logits, exact.logits, cpu_float32.logits);
  check_float32_tensor("loss", on_gpu.loss, exact.loss, cpu_float32.loss);
  REQUIRE(on_gpu.gradients.size() == exact.gradients.size());
  REQUIRE(cpu_float32.gradients.size() == exact.gradients.size());
  for (std::size_t i = 0; i < exact.gradients.size(); ++i) {
    REQUIRE(on_gpu.gradients[i].second.defined());
    check_float32_tensor("gradient of " + exact.gradients[i].first, on_gpu.gradients[i].second,
                         exact.gradients[i].second, cpu_float32.gradients[i].second);
  }
}

}  // namespace

TEST_CASE("tiny CNN: forward, backward and three SGD steps agree with the CPU") {
  // float32 on the GPU and the CPU, and float64 on the CPU as the exact reference.
  models::TinyCnn on_cpu(5), on_gpu(5), exact(5);
  on_gpu.to(gpu());
  exact.to(DType::Float64);
  const auto [images, labels] = models::stripes_batch(32, 0);
  check_float32_pass(forward_backward(on_gpu, images.to(gpu()), labels.to(gpu())),
                     forward_backward(exact, images.to(DType::Float64), labels),
                     forward_backward(on_cpu, images, labels));

  auto optimizer_for = [](layers::Module& network) {
    std::vector<optim::Parameter> parameters;
    for (const auto& entry : network.named_parameters()) {
      parameters.push_back({entry.name, *entry.tensor});
    }
    return optim::Sgd(parameters, {.learning_rate = 0.1, .momentum = 0.9});
  };
  optim::Sgd cpu_optimizer = optimizer_for(on_cpu), gpu_optimizer = optimizer_for(on_gpu),
             exact_optimizer = optimizer_for(exact);
  for (int step = 0; step < 3; ++step) {
    const auto [step_images, step_labels] = models::stripes_batch(32, 1 + step);
    for (auto* optimizer : {&cpu_optimizer, &gpu_optimizer, &exact_optimizer}) {
      optimizer->zero_grad();
    }
    forward_backward(on_cpu, step_images, step_labels);
    forward_backward(on_gpu, step_images.to(gpu()), step_labels.to(gpu()));
    forward_backward(exact, step_images.to(DType::Float64), step_labels);
    for (auto* optimizer : {&cpu_optimizer, &gpu_optimizer, &exact_optimizer}) optimizer->step();
  }
  const auto cpu_state = on_cpu.named_state(), gpu_state = on_gpu.named_state(),
             exact_state = exact.named_state();
  REQUIRE(cpu_state.size() == gpu_state.size());
  REQUIRE(exact_state.size() == gpu_state.size());
  for (std::size_t i = 0; i < cpu_state.size(); ++i) {
    CHECK(gpu_state[i].tensor->device().is_cuda());
    check_float32_tensor(cpu_state[i].name + " after three steps", *gpu_state[i].tensor,
                         *exact_state[i].tensor, *cpu_state[i].tensor);
  }
}

TEST_CASE("ResNet-18, EfficientNet-B0 and InceptionV3: one training pass agrees with the CPU") {
  struct Network {
    const char* name;
    std::int64_t image_size;
  };
  // Images small enough for a quick CPU reference, large enough that every batch normalisation
  // still sees at least 8 values per channel (with 2, its gradient is a near-total cancellation
  // that would amplify rounding differences a thousandfold): InceptionV3's last blocks are 3x3
  // at 139 pixels.
  for (const Network& network :
       {Network{"resnet18", 64}, Network{"efficientnet_b0", 64}, Network{"inception_v3", 139}}) {
    INFO(network.name);
    models::ModelOptions options;
    options.seed = 3;
    options.auxiliary_head = false;
    auto pass = [&](DType dtype, Device device) {
      auto model = models::create_model(network.name, options);
      model->to(dtype);
      model->to(device);
      model->train();
      const Tensor images = uniform({2, network.image_size, network.image_size, 3}, 131, dtype);
      const Tensor labels = Tensor::from_vector(std::vector<std::int64_t>{0, 1}, {2});
      return forward_backward(*model, images.to(device), labels.to(device));
    };
    const Pass exact = pass(DType::Float64, Device::cpu());
    check_same_pass(pass(DType::Float64, gpu()), exact);
    check_float32_pass(pass(DType::Float32, gpu()), exact, pass(DType::Float32, Device::cpu()));
  }
}

}  // namespace engine::testing
