// linear_forward, linear_grad_input, linear_grad_weight: golden values worked out by hand, the
// BLAS fast path against the loop-level reference over many shapes (the classifier heads of the
// four networks included), the same bits for 1 and 2 threads, and contract errors.
#include <doctest/doctest.h>

#include "kernels/contracts.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/parallel.h"
#include "kernels/ops.h"
#include "tests/harness/compare.h"
#include "tests/kernels/convolution_support.h"

namespace engine::testing {

TEST_CASE("linear golden: [2, 3] inputs, 2 outputs, bias") {
  // x = [[1, 2, 3], [4, 5, 6]], weight = [[1, 0, -1], [2, 1, 0]], bias = [0.5, -1]:
  //   y[0] = [1 - 3 + 0.5, 2 + 2 - 1] = [-1.5, 3], y[1] = [4 - 6 + 0.5, 8 + 5 - 1] = [-1.5, 12].
  // grad_y = [[1, 2], [3, 4]]:
  //   grad_x[0] = 1 * [1, 0, -1] + 2 * [2, 1, 0] = [5, 2, -1],
  //   grad_x[1] = 3 * [1, 0, -1] + 4 * [2, 1, 0] = [11, 4, -3];
  //   grad_w[0] = 1 * [1, 2, 3] + 3 * [4, 5, 6] = [13, 17, 21],
  //   grad_w[1] = 2 * [1, 2, 3] + 4 * [4, 5, 6] = [18, 24, 30];
  //   channel_sum(grad_y) = [1 + 3, 2 + 4] = [4, 6] (the bias gradient).
  // Small integers and halves are exact in float32: the comparisons are exact.
  for (const Implementation implementation : {Implementation::fast, Implementation::reference}) {
    for (const DType dtype : {DType::Float32, DType::Float64}) {
      INFO(name_of(implementation) << ", " << engine::name_of(dtype));
      const Tensor x = values({1, 2, 3, 4, 5, 6}, {2, 3}, dtype);
      const Tensor weight = values({1, 0, -1, 2, 1, 0}, {2, 3}, dtype);
      const Tensor grad_y = values({1, 2, 3, 4}, {2, 2}, dtype);
      CHECK_CLOSE(run_linear_forward(implementation, x, weight, values({0.5, -1}, {2}, dtype)),
                  values({-1.5, 3, -1.5, 12}, {2, 2}, DType::Float64), 0.0, 0.0);
      CHECK_CLOSE(run_linear_forward(implementation, x, weight, Tensor()),
                  values({-2, 4, -2, 13}, {2, 2}, DType::Float64), 0.0, 0.0);
      CHECK_CLOSE(run_linear_grad_input(implementation, grad_y, weight),
                  values({5, 2, -1, 11, 4, -3}, {2, 3}, DType::Float64), 0.0, 0.0);
      CHECK_CLOSE(run_linear_grad_weight(implementation, grad_y, x),
                  values({13, 17, 21, 18, 24, 30}, {2, 3}, DType::Float64), 0.0, 0.0);
      Tensor bias_gradient = poisoned({2}, dtype);
      kernels::cpu::channel_sum(grad_y, bias_gradient);
      CHECK_CLOSE(bias_gradient, values({4, 6}, {2}, DType::Float64), 0.0, 0.0);
    }
  }
}

TEST_CASE("linear fast path matches the reference over many shapes") {
  struct LinearCase {
    std::int64_t batch, inputs, outputs;
    bool bias;
  };
  // Odd sizes around BLAS tile edges, one-element extents, and the four networks' heads
  // (ResNet-50 and InceptionV3 2048 -> 2, EfficientNet-B0 1280 -> 2, Inception's auxiliary
  // head 768 -> 2, ResNet-18 512 -> 2).
  const std::vector<LinearCase> cases = {
      {1, 1, 1, true},    {1, 5, 3, false},   {3, 7, 2, true},     {4, 1, 6, true},
      {17, 33, 65, true}, {8, 64, 31, false}, {5, 129, 17, true},  {8, 2048, 2, true},
      {3, 1280, 2, true}, {8, 768, 2, true},  {16, 512, 2, false}, {2, 100, 1000, true},
  };
  std::uint64_t seed = 500;
  for (const LinearCase& c : cases) {
    for (const DType dtype : {DType::Float32, DType::Float64}) {
      INFO("x [" << c.batch << ", " << c.inputs << "], " << c.outputs << " outputs, "
                 << (c.bias ? "bias" : "no bias") << ", " << engine::name_of(dtype));
      const Tensor x = uniform({c.batch, c.inputs}, seed++, dtype);
      const Tensor weight = uniform({c.outputs, c.inputs}, seed++, dtype);
      const Tensor bias = c.bias ? uniform({c.outputs}, seed++, dtype) : Tensor();
      const Tensor grad_y = uniform({c.batch, c.outputs}, seed++, dtype);
      // Sum lengths: K (+ bias) for the forward, O for grad_input, N for grad_weight.
      CHECK_CLOSE(run_linear_forward(Implementation::fast, x, weight, bias),
                  run_linear_forward(Implementation::reference, x, weight, bias),
                  sum_tolerance(dtype, c.inputs + 1), 0.0);
      CHECK_CLOSE(run_linear_grad_input(Implementation::fast, grad_y, weight),
                  run_linear_grad_input(Implementation::reference, grad_y, weight),
                  sum_tolerance(dtype, c.outputs), 0.0);
      CHECK_CLOSE(run_linear_grad_weight(Implementation::fast, grad_y, x),
                  run_linear_grad_weight(Implementation::reference, grad_y, x),
                  sum_tolerance(dtype, c.batch), 0.0);
    }
  }
}

TEST_CASE("linear fast path: an empty batch gives an empty output and a zero weight gradient") {
  const Tensor x = Tensor::zeros({0, 4});
  const Tensor weight = uniform({3, 4}, 1, DType::Float32);
  CHECK(run_linear_forward(Implementation::fast, x, weight, Tensor()).numel() == 0);
  // grad_w is a sum over no samples: zero, and the NaN poison must be overwritten.
  CHECK_CLOSE(run_linear_grad_weight(Implementation::fast, Tensor::zeros({0, 3}), x),
              Tensor::zeros({3, 4}, DType::Float64), 0.0, 0.0);
}

TEST_CASE("linear fast path: the same bits with 1 and 2 threads") {
  // The matrix products cut as for two threads in both runs: this checks the engine's own code.
  // The products themselves, cut per thread count, are checked against loops in blas_test.cpp.
  const kernels::cpu::blas::FixedBlocksScope fixed_blocks(2);
  struct ThreadCountRestorer {
    int saved = kernels::cpu::thread_count();
    ~ThreadCountRestorer() { kernels::cpu::set_thread_count(saved); }
  } restorer;
  const Tensor x = uniform({64, 300}, 21, DType::Float32);
  const Tensor weight = uniform({129, 300}, 22, DType::Float32);
  const Tensor bias = uniform({129}, 23, DType::Float32);
  const Tensor grad_y = uniform({64, 129}, 24, DType::Float32);
  auto run_all = [&] {
    return std::vector<Tensor>{run_linear_forward(Implementation::fast, x, weight, bias),
                               run_linear_grad_input(Implementation::fast, grad_y, weight),
                               run_linear_grad_weight(Implementation::fast, grad_y, x)};
  };
  kernels::cpu::set_thread_count(1);
  const std::vector<Tensor> one_thread = run_all();
  kernels::cpu::set_thread_count(2);
  const std::vector<Tensor> two_threads = run_all();
  for (std::size_t i = 0; i < one_thread.size(); ++i) {
    INFO("result " << i << " (forward, grad_input, grad_weight)");
    CHECK(bitwise_equal(one_thread[i], two_threads[i]));
  }
}

TEST_CASE("linear contract errors at the dispatch seam name the argument") {
  const Tensor x = Tensor::zeros({4, 3});
  const Tensor weight = Tensor::zeros({2, 3});
  Tensor y = Tensor::zeros({4, 2});
  auto message_of = [](const auto& call) -> std::string {
    try {
      call();
    } catch (const kernels::ContractError& error) {
      return error.what();
    }
    return "no ContractError";
  };
  auto expect = [](const std::string& message, const std::vector<std::string>& parts) {
    INFO(message);
    for (const std::string& part : parts) CHECK(message.find(part) != std::string::npos);
  };
  expect(message_of([&] {
           kernels::linear_forward(x, Tensor::zeros({2, 4}), Tensor(), y);
         }),
         {"linear_forward", "weight", "does not take inputs"});
  expect(message_of([&] { kernels::linear_forward(x, weight, Tensor::zeros({3}), y); }),
         {"linear_forward", "bias must be [2]"});
  expect(message_of([&] {
           Tensor wrong = Tensor::zeros({4, 3});
           kernels::linear_forward(x, weight, Tensor(), wrong);
         }),
         {"linear_forward", "y must be [4, 2]"});
  expect(message_of([&] {
           Tensor grad_x = Tensor::zeros({4, 3});
           kernels::linear_grad_input(Tensor::zeros({4, 3}), weight, grad_x);
         }),
         {"linear_grad_input", "grad_y must be [4, 2]"});
  expect(message_of([&] {
           Tensor grad_weight = Tensor::zeros({2, 3});
           kernels::linear_grad_weight(Tensor::zeros({5, 2}), x, grad_weight);
         }),
         {"linear_grad_weight", "grad_y must be [4, 2]"});
}

}  // namespace engine::testing
