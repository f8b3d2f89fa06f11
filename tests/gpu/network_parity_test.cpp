// Whole networks, CPU vs CUDA: one training-mode forward and backward pass of the tiny CNN and of
// ResNet-18, EfficientNet-B0 and InceptionV3 (small images) from the same weights, comparing
// logits, loss and every parameter's gradient; then a few SGD steps of the tiny CNN. A wrong
// kernel anywhere in a network shows here as an O(1) difference.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "models/registry.h"
#include "models/tiny_cnn.h"
#include "optim/sgd.h"
#include "tensor/functions.h"
#include "tests/gpu/gpu_support.h"

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

// How far a whole network's tensors may drift apart between the backends, as a fraction of each
// tensor's norm. float32: each op rounds differently on the two devices (summation orders,
// cuDNN's algorithms, FMA), about 1e-7 to 1e-6 relative, and that drifts to around 1e-5 through
// tens of layers. Rarely, an activation within that drift of a ReLU's kink (or two near-equal
// values in a max-pooling window) falls on the other side on the other device; that moves one
// term of some weight gradients' sums, a few 1e-3 of the norm of the worst-hit tensor by the
// estimate of a single term among thousands. 1e-2 allows for it, while a wrong kernel anywhere
// gives differences of the order of the values themselves. float64: the same drift from 1e-16
// instead, and no kink is ever that close: 1e-9.
double network_tolerance(DType dtype) { return dtype == DType::Float32 ? 1e-2 : 1e-9; }

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

void check_same_pass(const Pass& on_gpu, const Pass& on_cpu) {
  const double tolerance = network_tolerance(on_cpu.logits.dtype());
  CHECK(on_gpu.logits.device().is_cuda());
  CHECK(relative_difference(on_gpu.logits, on_cpu.logits) < tolerance);
  CHECK(relative_difference(on_gpu.loss, on_cpu.loss) < tolerance);
  REQUIRE(on_gpu.gradients.size() == on_cpu.gradients.size());
  for (std::size_t i = 0; i < on_cpu.gradients.size(); ++i) {
    INFO("gradient of " << on_cpu.gradients[i].first);
    REQUIRE(on_gpu.gradients[i].second.defined());
    REQUIRE(on_cpu.gradients[i].second.defined());
    CHECK(relative_difference(on_gpu.gradients[i].second, on_cpu.gradients[i].second) < tolerance);
  }
}

}  // namespace

TEST_CASE("tiny CNN: forward, backward and three SGD steps agree with the CPU") {
  models::TinyCnn on_cpu(5), on_gpu(5);
  on_gpu.to(gpu());
  const auto [images, labels] = models::stripes_batch(32, 0);
  check_same_pass(forward_backward(on_gpu, images.to(gpu()), labels.to(gpu())),
                  forward_backward(on_cpu, images, labels));

  auto optimizer_for = [](layers::Module& network) {
    std::vector<optim::Parameter> parameters;
    for (const auto& entry : network.named_parameters()) {
      parameters.push_back({entry.name, *entry.tensor});
    }
    return optim::Sgd(parameters, {.learning_rate = 0.1, .momentum = 0.9});
  };
  optim::Sgd cpu_optimizer = optimizer_for(on_cpu), gpu_optimizer = optimizer_for(on_gpu);
  for (int step = 0; step < 3; ++step) {
    const auto [step_images, step_labels] = models::stripes_batch(32, 1 + step);
    for (auto* optimizer : {&cpu_optimizer, &gpu_optimizer}) optimizer->zero_grad();
    forward_backward(on_cpu, step_images, step_labels);
    forward_backward(on_gpu, step_images.to(gpu()), step_labels.to(gpu()));
    cpu_optimizer.step();
    gpu_optimizer.step();
  }
  const auto cpu_state = on_cpu.named_state(), gpu_state = on_gpu.named_state();
  REQUIRE(cpu_state.size() == gpu_state.size());
  for (std::size_t i = 0; i < cpu_state.size(); ++i) {
    INFO(cpu_state[i].name);
    CHECK(gpu_state[i].tensor->device().is_cuda());
    CHECK(relative_difference(*gpu_state[i].tensor, *cpu_state[i].tensor) <
          network_tolerance(DType::Float32));
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
    for (DType dtype : parity_dtypes) {
      INFO(std::string(network.name) << " in " << dtype_name(dtype));
      models::ModelOptions options;
      options.seed = 3;
      options.auxiliary_head = false;
      auto on_cpu = models::create_model(network.name, options);
      auto on_gpu = models::create_model(network.name, options);
      on_cpu->to(dtype);
      on_gpu->to(dtype);
      on_gpu->to(gpu());
      on_cpu->train();
      on_gpu->train();
      const Tensor images = uniform({2, network.image_size, network.image_size, 3}, 131, dtype);
      const Tensor labels = Tensor::from_vector(std::vector<std::int64_t>{0, 1}, {2});
      check_same_pass(forward_backward(*on_gpu, images.to(gpu()), labels.to(gpu())),
                      forward_backward(*on_cpu, images, labels));
    }
  }
}

}  // namespace engine::testing
