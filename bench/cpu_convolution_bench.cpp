// CPU convolution throughput on ResNet-50's layer shapes (batch 8, 224x224 input, NHWC), next
// to OpenBLAS sgemm on a matrix product of the same size as a reference rate.
//
// For a convolution with output [N, OH, OW, O] and weight [O, KH, KW, C/G] the work is
// 2 * N * OH * OW * O * KH * KW * C/G floating-point operations; its im2col formulation is a
// GEMM with M = N * OH * OW, N = O, K = KH * KW * C (groups = 1 here), which the "sgemm"
// benchmark runs on its own (row-major, B transposed, as the fast path calls it). The ratio of
// the two rates shows what im2col and chunking cost on top of the bare product.
//
// The "sgemm" reference goes through the engine's blas::gemm (single-threaded OpenBLAS calls
// on output blocks shared out by the engine's pool), as the fast path does. Run with the threads
// pinned, e.g.
//   ENGINE_CPU_THREADS=2 build/bench/cpu_convolution_bench
// CONV_BENCH_BATCH=1 measures batch 1 (latency) instead of 8; ENGINE_CPU_WINOGRAD=0 turns the
// Winograd path of the 3x3 layers off (kernels/cpu/winograd.h) for a before/after.
// Counters are in FLOP/s (printed with a G suffix for 10^9).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu/blas.h"
#include "kernels/random_tensors.h"

namespace {

using engine::DType;
using engine::Shape;
using engine::Tensor;
using engine::kernels::Conv2dGeometry;

struct Layer {
  std::string name;
  std::int64_t size, channels, outputs, kernel, stride, pad;  // square images and kernels
};

std::int64_t batch_from_environment() {
  const char* value = std::getenv("CONV_BENCH_BATCH");
  const std::int64_t batch = value != nullptr ? std::atoll(value) : 8;
  return batch > 0 ? batch : 8;
}

const std::int64_t batch = batch_from_environment();

// ResNet-50 (torchvision, stride on the 3x3 convolution) at a 224x224 input.
const std::vector<Layer> layers = {
    {"conv1_7x7s2_3to64_224", 224, 3, 64, 7, 2, 3},
    {"layer1_1x1_64to64_56", 56, 64, 64, 1, 1, 0},
    {"layer1_3x3_64to64_56", 56, 64, 64, 3, 1, 1},
    {"layer1_1x1_64to256_56", 56, 64, 256, 1, 1, 0},
    {"layer1_1x1_256to64_56", 56, 256, 64, 1, 1, 0},
    {"layer2_3x3s2_128to128_56", 56, 128, 128, 3, 2, 1},
    {"layer2_3x3_128to128_28", 28, 128, 128, 3, 1, 1},
    {"layer2_1x1_128to512_28", 28, 128, 512, 1, 1, 0},
    {"layer2_1x1_512to128_28", 28, 512, 128, 1, 1, 0},
    {"layer2_downsample_1x1s2_256to512_56", 56, 256, 512, 1, 2, 0},
    {"layer3_3x3_256to256_14", 14, 256, 256, 3, 1, 1},
    {"layer3_1x1_256to1024_14", 14, 256, 1024, 1, 1, 0},
    {"layer4_3x3_512to512_7", 7, 512, 512, 3, 1, 1},
    {"layer4_1x1_512to2048_7", 7, 512, 2048, 1, 1, 0},
};

Conv2dGeometry geometry_of(const Layer& layer) {
  return {layer.kernel, layer.kernel, layer.stride,
          layer.stride, layer.pad,    layer.pad,
          layer.pad,    layer.pad,    1};
}

std::int64_t output_size(const Layer& layer) { return geometry_of(layer).output_h(layer.size); }

double flops(const Layer& layer) {
  const double out = static_cast<double>(output_size(layer));
  return 2.0 * batch * out * out * static_cast<double>(layer.outputs) * layer.kernel *
         layer.kernel * static_cast<double>(layer.channels);
}

Tensor random(const Shape& shape, std::uint64_t seed) {
  return engine::random_uniform(shape, -1.0, 1.0, seed, 0, DType::Float32);
}

void report_rate(benchmark::State& state, double flops_per_iteration) {
  state.counters["FLOPS"] =
      benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::OneK::kIs1000);
}

// Without bias, as in ResNet-50, where every convolution is followed by batch normalisation.
void conv_forward(benchmark::State& state, const Layer& layer) {
  const Conv2dGeometry g = geometry_of(layer);
  const std::int64_t out = output_size(layer);
  const Tensor x = random({batch, layer.size, layer.size, layer.channels}, 1);
  const Tensor weight = random({layer.outputs, layer.kernel, layer.kernel, layer.channels}, 2);
  Tensor y = Tensor::empty({batch, out, out, layer.outputs});
  for (auto _ : state) {
    engine::kernels::cpu::conv2d_forward(x, weight, Tensor(), y, g);
    benchmark::DoNotOptimize(y.data<float>());
  }
  report_rate(state, flops(layer));
}

void conv_grad_input(benchmark::State& state, const Layer& layer) {
  const Conv2dGeometry g = geometry_of(layer);
  const std::int64_t out = output_size(layer);
  const Tensor grad_y = random({batch, out, out, layer.outputs}, 4);
  const Tensor weight = random({layer.outputs, layer.kernel, layer.kernel, layer.channels}, 2);
  Tensor grad_x = Tensor::empty({batch, layer.size, layer.size, layer.channels});
  for (auto _ : state) {
    engine::kernels::cpu::conv2d_grad_input(grad_y, weight, grad_x, g);
    benchmark::DoNotOptimize(grad_x.data<float>());
  }
  report_rate(state, flops(layer));
}

void conv_grad_weight(benchmark::State& state, const Layer& layer) {
  const Conv2dGeometry g = geometry_of(layer);
  const std::int64_t out = output_size(layer);
  const Tensor grad_y = random({batch, out, out, layer.outputs}, 4);
  const Tensor x = random({batch, layer.size, layer.size, layer.channels}, 1);
  Tensor grad_weight = Tensor::empty({layer.outputs, layer.kernel, layer.kernel, layer.channels});
  for (auto _ : state) {
    engine::kernels::cpu::conv2d_grad_weight(grad_y, x, grad_weight, g);
    benchmark::DoNotOptimize(grad_weight.data<float>());
  }
  report_rate(state, flops(layer));
}

// The bare products the three ops reduce to, with the transposes the fast path uses:
//   forward      C [M, O] = A [M, K] · B^T        (A = col, B = weight [O, K])
//   grad_input   C [M, K] = A [M, O] · B [O, K]   (A = grad_y, B = weight)
//   grad_weight  C [O, K] = A^T [O, M] · B [M, K] (A = grad_y [M, O], B = col)
enum class Product { forward, grad_input, grad_weight };

void sgemm_reference(benchmark::State& state, const Layer& layer, Product product) {
  using engine::kernels::cpu::blas::gemm;
  using engine::kernels::cpu::blas::Transpose;
  const std::int64_t out = output_size(layer);
  const int m = static_cast<int>(batch * out * out), o = static_cast<int>(layer.outputs);
  const int k = static_cast<int>(layer.kernel * layer.kernel * layer.channels);
  const Tensor col = random({m, k}, 5);
  const Tensor weight = random({o, k}, 6);
  const Tensor grad_y = random({m, o}, 7);
  Tensor result =
      Tensor::empty({product == Product::grad_weight ? o : m, product == Product::forward ? o : k});
  for (auto _ : state) {
    switch (product) {
      case Product::forward:
        gemm<float>(Transpose::no, Transpose::yes, m, o, k, 1.0f, col.data<float>(), k,
                    weight.data<float>(), k, 0.0f, result.data<float>(), o);
        break;
      case Product::grad_input:
        gemm<float>(Transpose::no, Transpose::no, m, k, o, 1.0f, grad_y.data<float>(), o,
                    weight.data<float>(), k, 0.0f, result.data<float>(), k);
        break;
      case Product::grad_weight:
        gemm<float>(Transpose::yes, Transpose::no, o, k, m, 1.0f, grad_y.data<float>(), o,
                    col.data<float>(), k, 0.0f, result.data<float>(), k);
        break;
    }
    benchmark::DoNotOptimize(result.data<float>());
  }
  report_rate(state, 2.0 * m * static_cast<double>(o) * k);
}

bool in_backward_set(const Layer& layer) {
  return layer.name == "layer1_3x3_64to64_56" || layer.name == "layer1_1x1_64to256_56" ||
         layer.name == "layer3_3x3_256to256_14";
}

template <typename Function, typename... Arguments>
void add(const std::string& name, Function function, Arguments... arguments) {
  benchmark::RegisterBenchmark(name.c_str(), function, arguments...)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();  // OpenBLAS and the engine run their own threads
}

void register_all() {
  for (const Layer& layer : layers) {
    add("conv_forward/" + layer.name, conv_forward, layer);
    add("sgemm_forward_same_size/" + layer.name, sgemm_reference, layer, Product::forward);
    if (in_backward_set(layer)) {
      add("conv_grad_input/" + layer.name, conv_grad_input, layer);
      add("sgemm_grad_input_same_size/" + layer.name, sgemm_reference, layer, Product::grad_input);
      add("conv_grad_weight/" + layer.name, conv_grad_weight, layer);
      add("sgemm_grad_weight_same_size/" + layer.name, sgemm_reference, layer,
          Product::grad_weight);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
