// Gradient checks: channel_multiply (both inputs) and concat_channels (every part, including
// the same tensor given twice).
#include "autograd/functions.h"
#include "tests/gradients/registry.h"

namespace engine::testing {

namespace {

Tensor leaf(const Shape& shape, std::uint64_t seed) {
  return test_input(shape, seed, -2.0, 2.0).set_requires_grad(true);
}

GradcheckResult multiply_case(std::int64_t images, std::int64_t height, std::int64_t width,
                              std::int64_t channels, std::uint64_t seed) {
  return gradcheck(
      [](const auto& in) { return channel_multiply(in[0], in[1]); },
      {leaf({images, height, width, channels}, seed), leaf({images, channels}, seed + 1)});
}

const bool registered = [] {
  register_gradient_case({"channel_multiply", "x [2, 3, 3, 4] by s [2, 4]",
                          [] { return multiply_case(2, 3, 3, 4, 301); }});
  register_gradient_case({"channel_multiply", "batch 1, odd x [1, 5, 2, 3]",
                          [] { return multiply_case(1, 5, 2, 3, 303); }});
  register_gradient_case({"channel_multiply", "batch 3, 1x1 pixels x [3, 1, 1, 5]",
                          [] { return multiply_case(3, 1, 1, 5, 305); }});
  register_gradient_case(
      {"concat_channels", "three parts of 2, 1 and 3 channels, batch 2", [] {
         return gradcheck(
             [](const auto& in) {
               return concat_channels({in[0], in[1], in[2]});
             },
             {leaf({2, 3, 3, 2}, 311), leaf({2, 3, 3, 1}, 312), leaf({2, 3, 3, 3}, 313)});
       }});
  register_gradient_case({"concat_channels", "a single part, batch 1 [1, 2, 3, 4]", [] {
                            return gradcheck(
                                [](const auto& in) { return concat_channels({in[0]}); },
                                {leaf({1, 2, 3, 4}, 314)});
                          }});
  register_gradient_case(
      {"concat_channels", "the same tensor twice (gradients accumulate), batch 3", [] {
         return gradcheck(
             [](const auto& in) {
               return concat_channels({in[0], in[1], in[0]});
             },
             {leaf({3, 2, 2, 2}, 315), leaf({3, 2, 2, 1}, 316)});
       }});
  return true;
}();

}  // namespace

}  // namespace engine::testing
