// End-to-end throughput of the four networks, one JSON line per configuration:
//   train      one SGD step (forward in training mode, softmax cross-entropy, plus 0.4 times the
//              auxiliary loss for InceptionV3 at 299 as torchvision trains it, backward,
//              optimizer step with momentum 0.9 and weight decay 1e-4) at --batch
//   inference  a forward pass in evaluation mode without gradient recording at --batch
//   latency    the same at batch 1
// Inference and latency fold batch normalisation into the convolutions first (models/inference.h)
// unless --no-fold is given; the JSON says which.
//
// Timing: `--warmup` untimed iterations, then `--repeats` timed repeats, each of as many
// iterations as fit in about --min-repeat-ms (at least one); the figure is the median over
// repeats of the time per iteration. On the CPU a repeat is timed with steady_clock; on CUDA with
// events on the legacy default stream, which every engine stream (created blocking) waits for.
// bench/compare_pytorch.py runs this program and PyTorch on the same configurations.
//
//   end_to_end_bench --models resnet18,resnet50 --modes train,inference,latency --batch 16
//                    [--size 0 (architecture default)] [--device cpu|cuda] [--threads N]
//                    [--warmup 2] [--repeats 5] [--min-repeat-ms 0] [--no-fold] [--dtype float32]
//                    [--winograd]   (the opt-in CPU Winograd path, kernels/cpu/winograd.h; also
//                                    on with ENGINE_CPU_WINOGRAD=1; the JSON says which)
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef ENGINE_WITH_CUDA
#include <cuda_runtime.h>
#endif

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/winograd.h"
#include "kernels/random_tensors.h"
#include "models/inference.h"
#include "models/registry.h"
#include "optim/sgd.h"

namespace {

using namespace engine;

struct Options {
  std::vector<std::string> models{"resnet18"};
  std::vector<std::string> modes{"train", "inference", "latency"};
  std::int64_t batch = 16, size = 0;
  std::string device = "cpu", dtype = "float32";
  int threads = 0, warmup = 2, repeats = 5;
  double min_repeat_ms = 0.0;
  bool fold = true;
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-fold") {
      options.fold = false;
      continue;
    }
    if (flag == "--winograd") {
      kernels::cpu::set_winograd_enabled(true);
      continue;
    }
    if (i + 1 >= argc) throw std::invalid_argument("missing value after " + flag);
    const std::string value = argv[++i];
    if (flag == "--models")
      options.models = split(value);
    else if (flag == "--modes")
      options.modes = split(value);
    else if (flag == "--batch")
      options.batch = std::stoll(value);
    else if (flag == "--size")
      options.size = std::stoll(value);
    else if (flag == "--device")
      options.device = value;
    else if (flag == "--dtype")
      options.dtype = value;
    else if (flag == "--threads")
      options.threads = std::stoi(value);
    else if (flag == "--warmup")
      options.warmup = std::stoi(value);
    else if (flag == "--repeats")
      options.repeats = std::stoi(value);
    else if (flag == "--min-repeat-ms")
      options.min_repeat_ms = std::stod(value);
    else
      throw std::invalid_argument("unknown option " + flag);
  }
  // The engine trains and infers in float32; bfloat16 exists only as a storage dtype so far.
  if (options.dtype != "float32") {
    throw std::invalid_argument("--dtype: only float32 is implemented, not " + options.dtype);
  }
  if (options.batch < 1 || options.repeats < 1 || options.warmup < 0) {
    throw std::invalid_argument("--batch and --repeats must be >= 1, --warmup >= 0");
  }
  return options;
}

// Milliseconds taken by `iterations` calls of `step` on `device`.
double time_iterations(Device device, int iterations, const std::function<void()>& step) {
#ifdef ENGINE_WITH_CUDA
  if (device.is_cuda()) {
    cudaEvent_t start = nullptr, stop = nullptr;
    if (cudaEventCreate(&start) != cudaSuccess || cudaEventCreate(&stop) != cudaSuccess) {
      throw std::runtime_error("cudaEventCreate failed");
    }
    device_runtime::synchronize(device);
    cudaEventRecord(start, nullptr);  // legacy default stream: ordered after the engine's stream
    for (int i = 0; i < iterations; ++i) step();
    cudaEventRecord(stop, nullptr);
    if (cudaEventSynchronize(stop) != cudaSuccess) throw std::runtime_error("cudaEventSynchronize");
    float milliseconds = 0.0f;
    cudaEventElapsedTime(&milliseconds, start, stop);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return milliseconds;
  }
#endif
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) step();
  device_runtime::synchronize(device);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

struct Timing {
  double median_ms = 0, min_ms = 0, max_ms = 0;
  int iterations_per_repeat = 1;
};

Timing measure(const Options& options, Device device, const std::function<void()>& step) {
  double warmup_ms = 0.0;
  for (int i = 0; i < options.warmup; ++i) warmup_ms = time_iterations(device, 1, step);
  Timing timing;
  if (options.min_repeat_ms > 0.0 && warmup_ms > 0.0) {
    timing.iterations_per_repeat = std::max(1, static_cast<int>(options.min_repeat_ms / warmup_ms));
  }
  std::vector<double> per_iteration;
  for (int r = 0; r < options.repeats; ++r) {
    per_iteration.push_back(time_iterations(device, timing.iterations_per_repeat, step) /
                            timing.iterations_per_repeat);
  }
  std::sort(per_iteration.begin(), per_iteration.end());
  const std::size_t n = per_iteration.size();
  timing.median_ms =
      n % 2 == 1 ? per_iteration[n / 2] : 0.5 * (per_iteration[n / 2 - 1] + per_iteration[n / 2]);
  timing.min_ms = per_iteration.front();
  timing.max_ms = per_iteration.back();
  return timing;
}

std::unique_ptr<models::Model> build(const std::string& name, std::int64_t size, Device device) {
  models::ModelOptions model_options;
  model_options.seed = 1;
  // InceptionV3's auxiliary head reads Mixed_6e's 17x17 map, which only a 299 input gives.
  model_options.auxiliary_head = name == "inception_v3" && size >= 299;
  auto model = models::create_model(name, model_options);
  model->to(device);
  return model;
}

Timing run_training(const Options& options, models::Model& model, const Tensor& images,
                    const Tensor& labels, Device device) {
  model.train();
  std::vector<optim::Parameter> parameters;
  for (const auto& entry : model.named_parameters())
    parameters.push_back({entry.name, *entry.tensor});
  optim::SgdOptions sgd;
  sgd.learning_rate = 0.01;
  sgd.momentum = 0.9;
  sgd.weight_decay = 1e-4;
  optim::Sgd optimizer(parameters, sgd);
  return measure(options, device, [&] {
    optimizer.zero_grad();
    const models::Model::Outputs outputs = model.forward_outputs(images);
    Tensor loss = softmax_cross_entropy(outputs.logits, labels, Tensor(), {});
    if (outputs.auxiliary_logits.defined()) {
      loss = add(loss,
                 scale(softmax_cross_entropy(outputs.auxiliary_logits, labels, Tensor(), {}), 0.4));
    }
    loss.backward();
    optimizer.step();
  });
}

Timing run_inference(const Options& options, models::Model& model, const Tensor& images,
                     Device device) {
  NoGradGuard no_grad;
  return measure(options, device, [&] { model.forward_outputs(images); });
}

void report(const Options& options, const std::string& name, const std::string& mode,
            std::int64_t batch, std::int64_t size, bool folded, const Timing& timing) {
  std::printf(
      "{\"model\":\"%s\",\"mode\":\"%s\",\"device\":\"%s\",\"batch\":%lld,\"size\":%lld,"
      "\"dtype\":\"%s\",\"layout\":\"NHWC\",\"median_ms\":%.3f,\"images_per_second\":%.3f,"
      "\"min_ms\":%.3f,\"max_ms\":%.3f,\"repeats\":%d,\"iterations_per_repeat\":%d,"
      "\"warmup\":%d,\"threads\":%d,\"blas_threads\":%d,\"blas_kernels\":\"%s\","
      "\"folded_batch_norm\":%s,"
      "\"cpu_winograd\":%s}\n",
      name.c_str(), mode.c_str(), options.device.c_str(), static_cast<long long>(batch),
      static_cast<long long>(size), options.dtype.c_str(), timing.median_ms,
      1000.0 * static_cast<double>(batch) / timing.median_ms, timing.min_ms, timing.max_ms,
      options.repeats, timing.iterations_per_repeat, options.warmup, kernels::cpu::thread_count(),
      openblas_get_num_threads(), kernels::cpu::blas::kernel_name().c_str(),
      folded ? "true" : "false", kernels::cpu::winograd_enabled() ? "true" : "false");
  std::fflush(stdout);
}

void run_model(const Options& options, const std::string& name, Device device) {
  const std::int64_t size =
      options.size > 0 ? options.size : models::find_architecture(name).input_size;
  auto model = build(name, size, device);
  for (const std::string& mode : options.modes) {
    const std::int64_t batch = mode == "latency" ? 1 : options.batch;
    const Tensor images =
        random_normal({batch, size, size, 3}, 0.0, 1.0, 7, 0, DType::Float32, device);
    if (mode == "train") {
      std::vector<std::int64_t> classes;
      for (std::int64_t n = 0; n < batch; ++n) classes.push_back(n % 2);
      const Tensor labels = Tensor::from_vector(classes, {batch}, device);
      report(options, name, mode, batch, size, false,
             run_training(options, *model, images, labels, device));
    } else if (mode == "inference" || mode == "latency") {
      // Folding changes the weights, so it happens on a model of its own.
      auto evaluated = build(name, size, device);
      evaluated->eval();
      if (options.fold) models::fold_batch_norm(*evaluated);
      report(options, name, mode, batch, size, options.fold,
             run_inference(options, *evaluated, images, device));
    } else {
      throw std::invalid_argument("unknown mode " + mode + " (train, inference, latency)");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    const Device device = device_from_name(options.device);
    if (device.is_cuda() && device_runtime::cuda_device_count() == 0) {
      std::fprintf(stderr, "end_to_end_bench: no GPU: %s\n",
                   device_runtime::cuda_unavailable_reason().c_str());
      return 77;
    }
    // OpenBLAS runs single-threaded inside the engine's blocks (kernels/cpu/blas.h), so the
    // engine's thread count is the only one.
    if (options.threads > 0) kernels::cpu::set_thread_count(options.threads);
    if (const std::string note = kernels::cpu::blas::narrower_kernels_note(); !note.empty()) {
      std::fprintf(stderr, "end_to_end_bench: warning: %s\n", note.c_str());
    }
    for (const std::string& name : options.models) run_model(options, name, device);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "end_to_end_bench: %s\n", error.what());
    return 1;
  }
}
