// Gradient checks: batch_norm2d in training mode (through the batch statistics) and in
// evaluation mode (running statistics as constants), with x, gamma and beta all checked.
#include "autograd/functions.h"
#include "tests/gradients/registry.h"

namespace engine::testing {

namespace {

Tensor leaf(const Shape& shape, std::uint64_t seed, double low, double high) {
  return test_input(shape, seed, low, high).set_requires_grad(true);
}

// Training mode: the running statistics change on every call but the output does not depend
// on them, so the function stays deterministic as gradcheck needs.
GradcheckResult training_case(const Shape& shape, std::uint64_t seed, double low, double high) {
  const std::int64_t channels = shape[3];
  Tensor running_mean = Tensor::zeros({channels}, DType::Float64);
  Tensor running_var = Tensor::full({channels}, 1.0, DType::Float64);
  return gradcheck(
      [&](const auto& in) {
        return batch_norm2d(in[0], in[1], in[2], running_mean, running_var, true, {});
      },
      {leaf(shape, seed, low, high), leaf({channels}, seed + 1, 0.5, 1.5),
       leaf({channels}, seed + 2, -1.0, 1.0)});
}

GradcheckResult evaluation_case(const Shape& shape, std::uint64_t seed) {
  const std::int64_t channels = shape[3];
  Tensor running_mean = test_input({channels}, seed + 3, -0.5, 0.5);
  Tensor running_var = test_input({channels}, seed + 4, 0.5, 2.0);
  return gradcheck(
      [&](const auto& in) {
        return batch_norm2d(in[0], in[1], in[2], running_mean, running_var, false, {});
      },
      {leaf(shape, seed, -2.0, 2.0), leaf({channels}, seed + 1, 0.5, 1.5),
       leaf({channels}, seed + 2, -1.0, 1.0)});
}

const bool registered = [] {
  register_gradient_case({"batch_norm2d", "training, [3, 3, 5, 2]: batch 3, odd sizes", [] {
                            return training_case({3, 3, 5, 2}, 101, -2.0, 2.0);
                          }});
  register_gradient_case({"batch_norm2d", "training, batch 1 [1, 3, 3, 4]", [] {
                            return training_case({1, 3, 3, 4}, 104, -2.0, 2.0);
                          }});
  register_gradient_case({"batch_norm2d", "training, two values per channel [2, 1, 1, 3]", [] {
                            return training_case({2, 1, 1, 3}, 107, -2.0, 2.0);
                          }});
  // A mean far from zero relative to the spread: cancellation in x - mean must not hurt.
  register_gradient_case({"batch_norm2d", "training, x in [5, 7], [1, 5, 3, 3]", [] {
                            return training_case({1, 5, 3, 3}, 110, 5.0, 7.0);
                          }});
  register_gradient_case({"batch_norm2d_eval", "evaluation, [2, 3, 3, 3]", [] {
                            return evaluation_case({2, 3, 3, 3}, 113);
                          }});
  register_gradient_case({"batch_norm2d_eval", "evaluation, batch 1 [1, 4, 5, 2]", [] {
                            return evaluation_case({1, 4, 5, 2}, 118);
                          }});
  return true;
}();

}  // namespace

}  // namespace engine::testing
