// The CPU kernels that are not matrix products, on the activation shapes of a 96 px, batch 32
// training step (docs/BENCHMARKS.md, "CPU training at 96 px"): batch norm, activations,
// depthwise convolution, max pooling, the residual add and the SGD update. Each benchmark calls
// the CPU kernel directly (kernels/backend.h), with float32 NHWC tensors, and reports bytes
// moved per second (every input read once and every output written once: the least memory
// traffic the op can have) so that a memory-bound kernel can be compared with the machine's
// bandwidth.
//
//   ENGINE_CPU_THREADS=1 build-cpu/bench/cpu_layer_ops_bench --benchmark_repetitions=5
//
// With one thread the CPU time is the whole work, which makes the figures steadier on a shared
// machine than wall time with two.
#include <benchmark/benchmark.h>

#include <functional>
#include <string>
#include <vector>

#include "kernels/backend.h"
#include "kernels/random_tensors.h"

namespace {

using engine::DType;
using engine::Shape;
using engine::Tensor;
namespace cpu = engine::kernels::cpu;

Tensor normal(const Shape& shape, std::uint64_t seed) {
  return engine::random_normal(shape, 0.0, 1.0, seed, 0, DType::Float32, engine::Device::cpu());
}

Tensor filled(const Shape& shape, double value) {
  return Tensor::full(shape, value, DType::Float32, engine::Device::cpu());
}

// Runs `op` per iteration; `bytes` is the traffic of one call.
void run(benchmark::State& state, std::int64_t bytes, const std::function<void()>& op) {
  for (auto _ : state) op();
  state.SetBytesProcessed(state.iterations() * bytes);
}

std::int64_t bytes_of(std::initializer_list<const Tensor*> tensors) {
  std::int64_t total = 0;
  for (const Tensor* tensor : tensors) total += tensor->numel() * 4;
  return total;
}

// EfficientNet-B0's stage-2 expansion at 96 px (48x48, 96 channels) and ResNet-18's stem output.
const Shape efficientnet_activation{32, 48, 48, 96};
const Shape resnet_activation{32, 48, 48, 64};

void register_activations() {
  for (const bool backward : {false, true}) {
    for (const std::string name : {"relu", "silu"}) {
      std::string label = name;
      label += backward ? "_backward" : "_forward";
      benchmark::RegisterBenchmark(label.c_str(), [=](benchmark::State& state) {
        const Tensor x = normal(efficientnet_activation, 1),
                     grad = normal(efficientnet_activation, 2);
        Tensor out = Tensor::empty_like(x);
        const bool relu = name == "relu";
        if (!backward) {
          run(state, bytes_of({&x, &out}),
              [&] { relu ? cpu::relu_forward(x, out) : cpu::silu_forward(x, out); });
        } else {
          run(state, bytes_of({&grad, &x, &out}),
              [&] { relu ? cpu::relu_backward(grad, x, out) : cpu::silu_backward(grad, x, out); });
        }
      })->Unit(benchmark::kMillisecond);
    }
  }
}

void register_batch_norm() {
  for (const Shape& shape : {efficientnet_activation, resnet_activation}) {
    std::string suffix = "/";
    for (std::size_t d = 1; d < shape.size(); ++d) {
      suffix += std::to_string(shape[d]);
      suffix += d + 1 < shape.size() ? "x" : "";
    }
    benchmark::RegisterBenchmark(
        ("batch_norm_train_forward" + suffix).c_str(),
        [=](benchmark::State& state) {
          const Tensor x = normal(shape, 3), gamma = filled({shape[3]}, 1.0),
                       beta = filled({shape[3]}, 0.0);
          Tensor mean = filled({shape[3]}, 0.0), var = filled({shape[3]}, 1.0);
          Tensor y = Tensor::empty_like(x), saved_mean = Tensor::empty_like(mean),
                 saved_invstd = Tensor::empty_like(mean);
          run(state, bytes_of({&x, &y}), [&] {
            cpu::batch_norm_train_forward(x, gamma, beta, mean, var, {}, y, saved_mean,
                                          saved_invstd);
          });
        })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("batch_norm_backward" + suffix).c_str(), [=](benchmark::State&
                                                                                   state) {
      const Tensor x = normal(shape, 4), grad_y = normal(shape, 5), gamma = filled({shape[3]}, 1.0);
      const Tensor mean = filled({shape[3]}, 0.0), invstd = filled({shape[3]}, 1.0);
      Tensor grad_x = Tensor::empty_like(x), grad_gamma = Tensor::empty_like(gamma),
             grad_beta = Tensor::empty_like(gamma);
      run(state, bytes_of({&x, &grad_y, &grad_x}), [&] {
        cpu::batch_norm_backward(grad_y, x, gamma, mean, invstd, true, grad_x, grad_gamma,
                                 grad_beta);
      });
    })->Unit(benchmark::kMillisecond);
  }
}

// EfficientNet-B0's 3x3 depthwise layer of stage 2 at 96 px (stride 1, 48x48, 96 channels... as
// the expanded stage-2 input; torchvision's stride-2 first block runs at the same input size).
void register_depthwise() {
  for (const std::int64_t stride : {1, 2}) {
    engine::kernels::Conv2dGeometry g;
    g.kernel_h = g.kernel_w = 3;
    g.stride_h = g.stride_w = stride;
    g.pad_top = g.pad_bottom = g.pad_left = g.pad_right = 1;
    g.groups = efficientnet_activation[3];
    const Shape& in_shape = efficientnet_activation;
    const Shape out_shape{in_shape[0], g.output_h(in_shape[1]), g.output_w(in_shape[2]),
                          in_shape[3]};
    const Shape weight_shape{in_shape[3], 3, 3, 1};
    const std::string suffix = "/3x3s" + std::to_string(stride);
    benchmark::RegisterBenchmark(("depthwise_forward" + suffix).c_str(), [=](benchmark::State&
                                                                                 state) {
      const Tensor x = normal(in_shape, 6), w = normal(weight_shape, 7);
      Tensor y = Tensor::empty(out_shape, DType::Float32, engine::Device::cpu());
      run(state, bytes_of({&x, &y}), [&] { cpu::conv2d_forward(x, w, Tensor(), y, g); });
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("depthwise_grad_input" + suffix).c_str(), [=](benchmark::State&
                                                                                    state) {
      const Tensor dy = normal(out_shape, 8), w = normal(weight_shape, 9);
      Tensor dx = Tensor::empty(in_shape, DType::Float32, engine::Device::cpu());
      run(state, bytes_of({&dy, &dx}), [&] { cpu::conv2d_grad_input(dy, w, dx, g); });
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("depthwise_grad_weight" + suffix).c_str(), [=](benchmark::State&
                                                                                     state) {
      const Tensor dy = normal(out_shape, 10), x = normal(in_shape, 11);
      Tensor dw = Tensor::empty(weight_shape, DType::Float32, engine::Device::cpu());
      run(state, bytes_of({&dy, &x}), [&] { cpu::conv2d_grad_weight(dy, x, dw, g); });
    })->Unit(benchmark::kMillisecond);
  }
}

// ResNet's stem pooling (3x3, stride 2, padding 1) and a residual add.
void register_pooling_and_add() {
  engine::kernels::Pool2dGeometry g;
  g.kernel_h = g.kernel_w = 3;
  g.stride_h = g.stride_w = 2;
  g.pad_h = g.pad_w = 1;
  const Shape& in_shape = resnet_activation;
  const Shape out_shape{in_shape[0], g.output_h(in_shape[1]), g.output_w(in_shape[2]), in_shape[3]};
  benchmark::RegisterBenchmark("max_pool_forward/3x3s2", [=](benchmark::State& state) {
    const Tensor x = normal(in_shape, 12);
    Tensor y = Tensor::empty(out_shape, DType::Float32, engine::Device::cpu());
    run(state, bytes_of({&x, &y}), [&] { cpu::max_pool2d_forward(x, y, g); });
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("max_pool_backward/3x3s2", [=](benchmark::State& state) {
    const Tensor x = normal(in_shape, 13), dy = normal(out_shape, 14);
    Tensor dx = Tensor::empty_like(x);
    run(state, bytes_of({&x, &dy, &dx}), [&] { cpu::max_pool2d_backward(dy, x, dx, g); });
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("add", [=](benchmark::State& state) {
    const Tensor a = normal(in_shape, 15), b = normal(in_shape, 16);
    Tensor out = Tensor::empty_like(a);
    run(state, bytes_of({&a, &b, &out}), [&] { cpu::add(a, b, out); });
  })->Unit(benchmark::kMillisecond);
}

// One SGD step (momentum, weight decay) over ResNet-18's 11.2 million parameters as one tensor.
void register_optimizer() {
  benchmark::RegisterBenchmark("sgd_step/11.2M", [](benchmark::State& state) {
    const Shape shape{11177538};
    Tensor parameter = normal(shape, 17), buffer = normal(shape, 18);
    const Tensor grad = normal(shape, 19);
    engine::kernels::SgdConfig config;
    config.momentum = 0.9;
    config.weight_decay = 1e-4;
    config.step = 2;
    run(state, bytes_of({&parameter, &buffer, &grad, &parameter, &buffer}),
        [&] { cpu::sgd_step(parameter, grad, buffer, config); });
  })->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  register_activations();
  register_batch_norm();
  register_depthwise();
  register_pooling_and_add();
  register_optimizer();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
