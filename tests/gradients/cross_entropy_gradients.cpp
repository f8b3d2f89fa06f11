// Gradient checks: softmax_cross_entropy with and without class weights, with and without
// label smoothing, mean and sum, batches of 1 and 3, two classes (the product's case) and more.
#include <string>

#include "autograd/functions.h"
#include "tests/gradients/registry.h"

namespace engine::testing {

namespace {

GradcheckResult loss_case(std::int64_t samples, std::int64_t classes, bool weighted,
                          double smoothing, Reduction reduction, std::uint64_t seed) {
  std::vector<std::int64_t> target_values;
  for (std::int64_t i = 0; i < samples; ++i) target_values.push_back((3 * i + 1) % classes);
  const Tensor targets = Tensor::from_vector(target_values, {samples});
  const Tensor weights = weighted ? test_input({classes}, seed + 1, 0.25, 3.0) : Tensor();
  const CrossEntropyConfig config{.reduction = reduction, .label_smoothing = smoothing};
  return gradcheck(
      [&](const auto& in) { return softmax_cross_entropy(in[0], targets, weights, config); },
      {test_input({samples, classes}, seed, -3.0, 3.0).set_requires_grad(true)});
}

const bool registered = [] {
  std::uint64_t seed = 500;
  for (bool weighted : {false, true}) {
    for (double smoothing : {0.0, 0.1}) {
      for (Reduction reduction : {Reduction::Mean, Reduction::Sum}) {
        const std::string description =
            std::string("[3, 4], ") + (weighted ? "class weights" : "no weights") + ", smoothing " +
            (smoothing > 0 ? "0.1" : "0") + ", " + (reduction == Reduction::Mean ? "mean" : "sum");
        seed += 2;
        register_gradient_case({"softmax_cross_entropy", description, [=] {
                                  return loss_case(3, 4, weighted, smoothing, reduction, seed);
                                }});
      }
    }
  }
  register_gradient_case({"softmax_cross_entropy", "batch 1, 2 classes, weights, smoothing",
                          [] { return loss_case(1, 2, true, 0.2, Reduction::Mean, 530); }});
  register_gradient_case({"softmax_cross_entropy", "batch 3, 2 classes, no weights, mean",
                          [] { return loss_case(3, 2, false, 0.0, Reduction::Mean, 532); }});
  register_gradient_case({"softmax_cross_entropy", "batch 1, 5 classes, smoothing, sum",
                          [] { return loss_case(1, 5, false, 0.1, Reduction::Sum, 534); }});
  return true;
}();

}  // namespace

}  // namespace engine::testing
