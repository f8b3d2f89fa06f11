// A small throughput smoke on the GPU, not a benchmark (bench/ has those): a ResNet-50 3x3
// convolution layer forward and backward, in both modes, and training steps of ResNet-18 and of
// the tiny CNN, each reported as images per second on a line "SMOKE|what|batch|images/s|note"
// that scripts/gpu_check.sh gathers into its summary table.
//
// Skipped unless asked for (doctest's --no-skip), so the parity run stays short:
//   gpu_tests --test-suite=throughput --no-skip
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "autograd/functions.h"
#include "kernels/cuda/mode.h"
#include "models/registry.h"
#include "models/tiny_cnn.h"
#include "optim/sgd.h"
#include "tests/gpu/gpu_support.h"

namespace engine::testing {

namespace {

// Seconds per call of `step`, after `warmup` untimed calls, over `repetitions` calls; the device
// is synchronised around the timed calls so that queued work is counted.
double seconds_per_call(const std::function<void()>& step, int warmup, int repetitions) {
  for (int i = 0; i < warmup; ++i) step();
  device_runtime::synchronize(gpu());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repetitions; ++i) step();
  device_runtime::synchronize(gpu());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
         repetitions;
}

void report(const std::string& what, std::int64_t batch, double seconds, const std::string& note) {
  std::printf("SMOKE|%s|%lld|%.1f|%s\n", what.c_str(), static_cast<long long>(batch),
              static_cast<double>(batch) / seconds, note.c_str());
  std::fflush(stdout);
}

struct ModeGuard {
  bool previous = kernels::cuda::deterministic();
  ~ModeGuard() { kernels::cuda::set_deterministic(previous); }
};

std::vector<optim::Parameter> parameters_of(layers::Module& network) {
  std::vector<optim::Parameter> parameters;
  for (const auto& entry : network.named_parameters()) {
    parameters.push_back({entry.name, *entry.tensor});
  }
  return parameters;
}

}  // namespace

TEST_SUITE("throughput") {
  TEST_CASE("smoke: ResNet-50 3x3 convolution layer, forward and backward" * doctest::skip()) {
    const ModeGuard guard;
    const std::int64_t batch = 32;
    kernels::Conv2dGeometry g;
    g.kernel_h = g.kernel_w = 3;
    g.pad_top = g.pad_bottom = g.pad_left = g.pad_right = 1;
    const Tensor x = uniform({batch, 56, 56, 64}, 141, DType::Float32).to(gpu());
    const Tensor weight = uniform({64, 3, 3, 64}, 142, DType::Float32).to(gpu());
    const Tensor grad_y = uniform({batch, 56, 56, 64}, 143, DType::Float32).to(gpu());
    Tensor y = Tensor::empty({batch, 56, 56, 64}, DType::Float32, gpu());
    Tensor grad_x = Tensor::empty_like(x), grad_weight = Tensor::empty_like(weight);
    // 2 * N * OH * OW * O * KH * KW * C multiply-adds per pass, three passes.
    const double flops = 3.0 * 2.0 * batch * 56 * 56 * 64 * 9 * 64;
    for (const bool deterministic : {true, false}) {
      kernels::cuda::set_deterministic(deterministic);
      const double seconds = seconds_per_call(
          [&] {
            kernels::conv2d_forward(x, weight, Tensor(), y, g);
            kernels::conv2d_grad_input(grad_y, weight, grad_x, g);
            kernels::conv2d_grad_weight(grad_y, x, grad_weight, g);
          },
          3, 20);
      CHECK(seconds > 0.0);
      char note[64];
      std::snprintf(note, sizeof note, "%s, %.1f TFLOP/s", kernels::cuda::mode_name(),
                    flops / seconds * 1e-12);
      report("conv2d 3x3 64->64 56x56 fwd+bwd", batch, seconds, note);
    }
    CHECK(std::isfinite(to_doubles(grad_weight.narrow(0, 0, 1)).front()));
  }

  TEST_CASE("smoke: training steps of ResNet-18 and the tiny CNN" * doctest::skip()) {
    {
      const std::int64_t batch = 32;
      models::ModelOptions options;
      options.seed = 1;
      auto network = models::create_model("resnet18", options);
      network->to(gpu());
      network->train();
      optim::Sgd optimizer(parameters_of(*network), {.learning_rate = 0.01, .momentum = 0.9});
      const Tensor images = uniform({batch, 224, 224, 3}, 151, DType::Float32).to(gpu());
      std::vector<std::int64_t> label_values(batch);
      for (std::int64_t n = 0; n < batch; ++n) label_values[n] = n % 2;
      const Tensor labels = Tensor::from_vector(label_values, {batch}).to(gpu());
      Tensor loss;
      const double seconds = seconds_per_call(
          [&] {
            optimizer.zero_grad();
            loss = softmax_cross_entropy(network->forward(images), labels, Tensor(), {});
            loss.backward();
            optimizer.step();
          },
          2, 5);
      CHECK(std::isfinite(loss.item<float>()));
      report("resnet18 training step 224x224x3", batch, seconds, kernels::cuda::mode_name());
    }
    {
      const std::int64_t batch = 256;
      models::TinyCnn network(1);
      network.to(gpu());
      optim::Sgd optimizer(parameters_of(network), {.learning_rate = 0.1, .momentum = 0.9});
      const auto [images, labels] = models::stripes_batch(batch, 0);
      const Tensor gpu_images = images.to(gpu()), gpu_labels = labels.to(gpu());
      Tensor loss;
      const double seconds = seconds_per_call(
          [&] {
            optimizer.zero_grad();
            loss = softmax_cross_entropy(network.forward(gpu_images), gpu_labels, Tensor(), {});
            loss.backward();
            optimizer.step();
          },
          3, 20);
      CHECK(std::isfinite(loss.item<float>()));
      report("tiny CNN training step 12x12x1", batch, seconds, kernels::cuda::mode_name());
    }
  }

}  // TEST_SUITE("throughput")

}  // namespace engine::testing
