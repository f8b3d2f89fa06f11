// engine_demo: the smallest real job the engine can do end to end, on the CPU, in seconds.
// It trains a two-layer convolutional network to tell generated horizontal from vertical
// stripes, prints the loss as it falls, evaluates on held-out batches, and writes the weights as
// safetensors. (The study's job, train_app on the synthetic hand phantoms, replaces this as the
// README's main job when it exists.)
//
//   engine_demo [--steps N] [--seed S] [--out weights.safetensors]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/cpu/parallel.h"
#include "models/tiny_cnn.h"
#include "models/weights.h"
#include "optim/clip.h"
#include "optim/schedule.h"
#include "optim/sgd.h"

using namespace engine;

namespace {

struct Options {
  int steps = 120;
  std::uint64_t seed = 1;
  std::string out = "engine_demo_weights.safetensors";
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help") {
      std::puts(
          "engine_demo [--steps N (120)] [--seed S (1)] [--out FILE "
          "(engine_demo_weights.safetensors)]");
      std::exit(0);
    }
    if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--steps")
      options.steps = std::stoi(value);
    else if (flag == "--seed")
      options.seed = std::stoull(value);
    else if (flag == "--out")
      options.out = value;
    else
      throw std::invalid_argument("unknown option " + flag + " (see --help)");
  }
  if (options.steps < 1) throw std::invalid_argument("--steps must be at least 1");
  return options;
}

double accuracy(models::TinyCnn& network, std::uint64_t batch_index) {
  NoGradGuard no_grad;
  const auto [images, labels] = models::stripes_batch(500, batch_index);
  const auto logits = network.forward(images).to_vector<float>();
  const auto truth = labels.to_vector<std::int64_t>();
  int correct = 0;
  for (std::size_t n = 0; n < truth.size(); ++n) {
    correct += ((logits[2 * n + 1] > logits[2 * n]) ? 1 : 0) == truth[n];
  }
  return correct / static_cast<double>(truth.size());
}

}  // namespace

int main(int argc, char** argv) try {
  const Options options = parse(argc, argv);
  std::printf("engine_demo: two-layer CNN on generated stripes (CPU, %d threads, seed %llu)\n",
              kernels::cpu::thread_count(), static_cast<unsigned long long>(options.seed));
  models::TinyCnn network(options.seed);
  std::vector<optim::Parameter> parameters;
  for (const auto& entry : network.named_parameters()) {
    parameters.push_back({entry.name, *entry.tensor});
  }
  optim::SgdOptions sgd;
  sgd.momentum = 0.9;
  optim::Sgd optimizer(optim::split_weight_decay_groups(parameters), sgd);
  optim::WarmupCosineOptions schedule_options;
  schedule_options.base_learning_rate = 0.1;
  schedule_options.total_steps = options.steps;
  schedule_options.warmup_steps = options.steps / 10;
  const optim::WarmupCosineSchedule schedule(schedule_options);

  network.eval();
  std::printf("held-out accuracy before training: %.3f\n", accuracy(network, 1u << 20));
  network.train();
  for (int step = 0; step < options.steps; ++step) {
    const auto [images, labels] = models::stripes_batch(32, static_cast<std::uint64_t>(step));
    optimizer.zero_grad();
    const Tensor loss = softmax_cross_entropy(network.forward(images), labels, Tensor(), {});
    loss.backward();
    const double norm = optim::clip_grad_norm(parameters, 5.0);
    optimizer.set_learning_rate(schedule.learning_rate(step));
    optimizer.step();
    if (step % 10 == 0 || step + 1 == options.steps) {
      std::printf("step %4d  loss %.4f  gradient norm %.3f  learning rate %.4f\n", step,
                  loss.item<float>(), norm, schedule.learning_rate(step));
    }
  }
  network.eval();
  const double final_accuracy = accuracy(network, 1u << 20);
  std::printf("held-out accuracy after training: %.3f (500 generated images)\n", final_accuracy);
  write_safetensors(options.out, models::export_state(network),
                    {{"engine.architecture", "tiny_cnn"}, {"engine.version", ENGINE_VERSION}});
  std::printf("weights written to %s\n", options.out.c_str());
  return final_accuracy >= 0.9 ? 0 : 1;
} catch (const std::exception& error) {
  std::fprintf(stderr, "engine_demo: %s\n", error.what());
  return 2;
}
