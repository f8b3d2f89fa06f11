// Gradient checks: add, scale, relu, silu, sigmoid, sum, mean, reshape.
#include "autograd/functions.h"
#include "tests/gradients/registry.h"

namespace engine::testing {

namespace {

Tensor leaf(const Shape& shape, std::uint64_t seed, double margin = 0.0) {
  return test_input(shape, seed, -2.0, 2.0, margin).set_requires_grad(true);
}

const bool registered = [] {
  register_gradient_case({"add", "two leaves [3, 5, 4, 2]", [] {
                            return gradcheck([](const auto& in) { return add(in[0], in[1]); },
                                             {leaf({3, 5, 4, 2}, 1), leaf({3, 5, 4, 2}, 2)});
                          }});
  register_gradient_case({"add", "the same tensor on both sides (gradients accumulate)", [] {
                            return gradcheck([](const auto& in) { return add(in[0], in[0]); },
                                             {leaf({2, 3, 3, 4}, 3)});
                          }});
  register_gradient_case(
      {"scale", "-0.4 times [3, 2, 5]", [] {
         return gradcheck([](const auto& in) { return scale(in[0], -0.4); }, {leaf({3, 2, 5}, 10)});
       }});
  // A margin of 0.05 keeps inputs off relu's kink at 0, where the derivative is undefined.
  register_gradient_case({"relu", "[3, 7, 5, 3], inputs at least 0.05 from 0", [] {
                            return gradcheck([](const auto& in) { return relu(in[0]); },
                                             {leaf({3, 7, 5, 3}, 4, 0.05)});
                          }});
  register_gradient_case(
      {"silu", "[1, 9, 3, 5]", [] {
         return gradcheck([](const auto& in) { return silu(in[0]); }, {leaf({1, 9, 3, 5}, 5)});
       }});
  register_gradient_case(
      {"sigmoid", "[2, 4, 4, 3]", [] {
         return gradcheck([](const auto& in) { return sigmoid(in[0]); }, {leaf({2, 4, 4, 3}, 6)});
       }});
  register_gradient_case(
      {"sum", "[3, 5, 2]", [] {
         return gradcheck([](const auto& in) { return sum(in[0]); }, {leaf({3, 5, 2}, 7)});
       }});
  register_gradient_case(
      {"sum", "mean of [4, 3, 3, 2]", [] {
         return gradcheck([](const auto& in) { return mean(in[0]); }, {leaf({4, 3, 3, 2}, 8)});
       }});
  register_gradient_case({"sum", "sigmoid then flatten then mean: a chain through reshape", [] {
                            return gradcheck(
                                [](const auto& in) { return mean(flatten(sigmoid(in[0]))); },
                                {leaf({3, 2, 2, 5}, 9)});
                          }});
  return true;
}();

}  // namespace

}  // namespace engine::testing
