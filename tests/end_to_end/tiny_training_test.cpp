// End to end on the CPU: a two-layer convolutional network learns to tell horizontal from
// vertical stripes (generated, noisy, random phase and frequency), its loss falls, and two runs
// with the same seed give bitwise-identical weights, also with a different CPU thread count (with
// the matrix products cut as for two threads in every run: how OpenBLAS's kernels round may
// depend on the cut, kernels/cpu/blas.h).
#include <doctest/doctest.h>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/parallel.h"
#include "models/tiny_cnn.h"
#include "optim/sgd.h"
#include "tests/harness/compare.h"

namespace engine {

namespace {

struct TrainingResult {
  std::vector<double> losses;
  double accuracy;
  std::vector<Tensor> weights;
};

TrainingResult train(std::uint64_t seed, int steps) {
  models::TinyCnn network(seed);
  std::vector<optim::Parameter> parameters;
  for (const auto& entry : network.named_parameters()) {
    parameters.push_back({entry.name, *entry.tensor});
  }
  optim::SgdOptions options;
  options.learning_rate = 0.1;
  options.momentum = 0.9;
  optim::Sgd optimizer(parameters, options);
  TrainingResult result;
  for (int step = 0; step < steps; ++step) {
    const auto [images, labels] = models::stripes_batch(32, static_cast<std::uint64_t>(step));
    optimizer.zero_grad();
    const Tensor loss = softmax_cross_entropy(network.forward(images), labels, Tensor(), {});
    loss.backward();
    optimizer.step();
    result.losses.push_back(loss.item<float>());
  }
  network.eval();
  NoGradGuard no_grad;
  const auto [images, labels] = models::stripes_batch(200, 1000);  // held-out batch
  const auto logits = network.forward(images).to_vector<float>();
  const auto truth = labels.to_vector<std::int64_t>();
  int correct = 0;
  for (std::size_t n = 0; n < truth.size(); ++n) {
    correct += ((logits[2 * n + 1] > logits[2 * n]) ? 1 : 0) == truth[n];
  }
  result.accuracy = correct / 200.0;
  for (const auto& entry : network.named_state()) result.weights.push_back(entry.tensor->clone());
  return result;
}

double mean_of(const std::vector<double>& values, std::size_t begin, std::size_t end) {
  double total = 0;
  for (std::size_t i = begin; i < end; ++i) total += values[i];
  return total / static_cast<double>(end - begin);
}

}  // namespace

TEST_CASE("a two-layer convolutional network learns stripes, and training is reproducible") {
  const kernels::cpu::blas::FixedBlocksScope fixed_blocks(2);
  const TrainingResult first = train(7, 60);
  // Chance-level cross-entropy is ln 2 = 0.69; the last ten steps must average well below it.
  const double early = mean_of(first.losses, 0, 10), late = mean_of(first.losses, 50, 60);
  INFO("mean loss over steps 0-9: " << early << ", over steps 50-59: " << late
                                    << ", held-out accuracy " << first.accuracy);
  MESSAGE("mean loss steps 0-9: " << early << ", steps 50-59: " << late << ", held-out accuracy "
                                  << first.accuracy);
  CHECK(late < 0.5 * early);
  CHECK(late < 0.3);
  CHECK(first.accuracy >= 0.9);

  const TrainingResult second = train(7, 60);
  REQUIRE(second.weights.size() == first.weights.size());
  for (std::size_t i = 0; i < first.weights.size(); ++i) {
    CHECK(testing::bitwise_equal(first.weights[i], second.weights[i]));
  }

  const int threads = kernels::cpu::thread_count();
  kernels::cpu::set_thread_count(threads == 1 ? 2 : 1);
  const TrainingResult other_threads = train(7, 60);
  kernels::cpu::set_thread_count(threads);
  for (std::size_t i = 0; i < first.weights.size(); ++i) {
    CHECK(testing::bitwise_equal(first.weights[i], other_threads.weights[i]));
  }

  const TrainingResult other_seed = train(8, 5);
  CHECK_FALSE(testing::bitwise_equal(first.weights[0], other_seed.weights[0]));
}

}  // namespace engine
