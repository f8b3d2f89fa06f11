// softmax cross-entropy against hand-derived values, against PyTorch's
// torch.nn.functional.cross_entropy (class weights and label smoothing, mean and sum), with
// extreme logits, and its contract errors.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/functions.h"
#include "kernels/ops.h"
#include "tests/harness/compare.h"
#include "tests/kernels/layer_test_support.h"

namespace engine::testing {

namespace {

using kernels::CrossEntropyConfig;
using kernels::Reduction;

struct Result {
  Tensor loss, grad_logits;
};

// The loss and its gradient for grad_loss = 1, both outputs poisoned first.
Result cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& targets,
                     const Tensor& class_weights, const CrossEntropyConfig& config) {
  const Tensor target_tensor =
      Tensor::from_vector(targets, {static_cast<std::int64_t>(targets.size())});
  Result result{poisoned({}, logits.dtype()), poisoned(logits.shape(), logits.dtype())};
  kernels::softmax_cross_entropy_forward(logits, target_tensor, class_weights, config, result.loss);
  kernels::softmax_cross_entropy_backward(Tensor::full({}, 1.0, logits.dtype()), logits,
                                          target_tensor, class_weights, config, result.grad_logits);
  return result;
}

}  // namespace

TEST_CASE("cross-entropy on a hand-derived case: mean, sum, class weights, label smoothing") {
  // Both rows hold logits (0, ln 3): softmax (1/4, 3/4). Targets 0 and 1, so the per-sample
  // losses are -ln(1/4) = ln 4 and -ln(3/4) = ln(4/3).
  const double ln4 = std::log(4.0), ln4_3 = std::log(4.0 / 3.0);
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    const double tolerance = tolerance_for(dtype);
    const Tensor logits = values_of({0, std::log(3.0), 0, std::log(3.0)}, {2, 2}, dtype);
    const Tensor none;
    Result mean = cross_entropy(logits, {0, 1}, none, {});
    CHECK_CLOSE(mean.loss, values_of({(ln4 + ln4_3) / 2}, {}, dtype), tolerance, tolerance);
    // (softmax - one_hot(target)) / N: (-3/8, 3/8) and (1/8, -1/8).
    CHECK_CLOSE(mean.grad_logits, values_of({-0.375, 0.375, 0.125, -0.125}, {2, 2}, dtype),
                tolerance, tolerance);
    Result sum = cross_entropy(logits, {0, 1}, none, {.reduction = Reduction::Sum});
    CHECK_CLOSE(sum.loss, values_of({ln4 + ln4_3}, {}, dtype), tolerance, tolerance);

    // Class weights (1, 3): mean = (1 ln 4 + 3 ln(4/3)) / (1 + 3).
    const Tensor weights = values_of({1, 3}, {2}, dtype);
    const double weighted = ln4 + 3 * ln4_3;
    CHECK_CLOSE(cross_entropy(logits, {0, 1}, weights, {}).loss,
                values_of({weighted / 4}, {}, dtype), tolerance, tolerance);
    // Add smoothing e = 0.5 over K = 2. Each row's smoothing term is
    // sum_k w[k] (-log p_k) = 1 ln 4 + 3 ln(4/3) = `weighted`, so the summed loss is
    // (1 - e) weighted + 2 (e / 2) weighted = weighted, and the mean again weighted / 4.
    CHECK_CLOSE(cross_entropy(logits, {0, 1}, weights, {.label_smoothing = 0.5}).loss,
                values_of({weighted / 4}, {}, dtype), tolerance, tolerance);
    // Unweighted with e = 0.5: sample 0 gives 0.5 ln 4 + 0.25 (ln 4 + ln(4/3)), sample 1
    // 0.5 ln(4/3) + 0.25 (ln 4 + ln(4/3)); their mean is (ln 4 + ln(4/3)) / 2 again.
    CHECK_CLOSE(cross_entropy(logits, {0, 1}, none, {.label_smoothing = 0.5}).loss,
                values_of({(ln4 + ln4_3) / 2}, {}, dtype), tolerance, tolerance);
  }
}

TEST_CASE("cross-entropy matches torch.nn.functional.cross_entropy") {
  // Reference numbers from torch 2.15.0 (float64), printed by
  // tests/kernels/make_cross_entropy_reference.py for these logits and targets.
  const std::vector<double> logits_values = {0.5,  -1.25, 2.0, 0.0, -0.75, 1.5,
                                             0.25, -2.0,  1.0, 1.0, -0.5,  3.0};
  const std::vector<std::int64_t> targets = {2, 0, 3};
  const std::vector<double> weights = {0.5, 2.0, 1.0, 3.0};
  struct Case {
    const char* name;
    bool weighted;
    CrossEntropyConfig config;
    double loss;
    std::vector<double> grad;
  };
  const Case cases[] = {
      {"no weights, no smoothing, mean",
       false,
       {},
       1.0665553161058188,
       {0.05323118334403608, 0.009250192644226803, -0.09476772073920521, 0.032286344750942345,
        -0.30862829139028036, 0.23439491178184405, 0.06715526658511942, 0.0070781130233168645,
        0.03467820164413555, 0.03467820164413555, 0.007737752686515508, -0.0770941559747866}},
      {"weights, no smoothing, mean",
       true,
       {},
       0.5388136709088319,
       {0.03548745556269072, 0.006166795096151202, -0.06317848049280347, 0.021524229833961565,
        -0.10287609713009345, 0.07813163726061469, 0.02238508886170647, 0.0023593710077722883,
        0.0693564032882711, 0.0693564032882711, 0.015475505373031016, -0.1541883119495732}},
      {"no weights, smoothing 0.1, mean",
       false,
       {.label_smoothing = 0.1},
       1.1686386494391523,
       {0.044897850010702754, 0.0009168593108934714, -0.0697677207392052, 0.02395301141760902,
        -0.2836282913902804, 0.2260615784485108, 0.0588219332517861, -0.001255220310016466,
        0.02634486831080222, 0.02634486831080222, -0.0005955806468178242, -0.05209415597478659}},
      {"weights, smoothing 0.2, mean",
       true,
       {.label_smoothing = 0.2},
       0.8843601441055486,
       {0.034367831952471506, -0.01528457773905212, -0.009964679443292795, -0.009118574770126571,
        -0.08250367417196884, 0.09106865180566906, 0.02134726773836327, -0.029912245372063516,
        0.05744317743129069, 0.040776510764624026, 0.0029458062693920608, -0.10116549446530679}},
      {"weights, smoothing 0.2, sum",
       true,
       {.reduction = Reduction::Sum, .label_smoothing = 0.2},
       3.979620648474968,
       {0.15465524378612178, -0.06878059982573455, -0.04484105749481769, -0.041033586465569594,
        -0.3712665337738598, 0.40980893312551087, 0.09606270482263475, -0.13460510417428584,
        0.2584942984408081, 0.18349429844080814, 0.013256128212264278, -0.45524472509388064}},
  };
  for (DType dtype : floating_dtypes) {
    // float32 logits and weights are exact here (all multiples of 1/4), so the only float32
    // error is the final rounding: 1e-6. float64: PyTorch and this kernel sum in different
    // orders; 1e-12 covers that.
    const double tolerance = tolerance_for(dtype);
    for (const Case& c : cases) {
      INFO(name_of(dtype) << ", " << c.name);
      const Tensor class_weights = c.weighted ? values_of(weights, {4}, dtype) : Tensor();
      const Result result =
          cross_entropy(values_of(logits_values, {3, 4}, dtype), targets, class_weights, c.config);
      CHECK_CLOSE(result.loss, values_of({c.loss}, {}, dtype), tolerance, tolerance);
      CHECK_CLOSE(result.grad_logits, values_of(c.grad, {3, 4}, dtype), tolerance, tolerance);
    }
  }
}

TEST_CASE("cross-entropy is finite and exact for logits of +-1000") {
  for (DType dtype : floating_dtypes) {
    INFO(name_of(dtype));
    // Row 0 predicts its target with certainty (loss 0); row 1 is wrong by 2000 (loss 2000).
    // A naive exp(1000) would overflow to inf and give NaN. Every step here is exact (exp(0) = 1,
    // exp(-2000) = 0, log(1) = 0), so the comparison allows no error.
    const Tensor logits = values_of({1000, -1000, -1000, 1000}, {2, 2}, dtype);
    Result mean = cross_entropy(logits, {0, 0}, Tensor(), {});
    CHECK_CLOSE(mean.loss, values_of({1000}, {}, dtype), 0.0, 0.0);
    // softmax rows (1, 0) and (0, 1), minus one-hot(0), over N = 2: (0, 0) and (-1/2, 1/2).
    CHECK_CLOSE(mean.grad_logits, values_of({0, 0, -0.5, 0.5}, {2, 2}, dtype), 0.0, 0.0);
    // With smoothing 0.1 over K = 2: row 0 adds 0.05 * 2000 = 100, row 1 gives
    // 0.9 * 2000 + 0.05 * 2000 = 1900; the mean is 1000. (0.9 and 0.05 are not exact in
    // binary, hence a tolerance here.)
    const double tolerance = tolerance_for(dtype);
    CHECK_CLOSE(cross_entropy(logits, {0, 0}, Tensor(), {.label_smoothing = 0.1}).loss,
                values_of({1000}, {}, dtype), tolerance, tolerance);
  }
}

TEST_CASE("cross-entropy rejects bad arguments, naming them") {
  const Tensor logits = Tensor::zeros({3, 4});
  Tensor loss = Tensor::empty({});
  const Tensor targets = Tensor::from_vector(std::vector<std::int64_t>{0, 4, 1}, {3});
  check_rejected(
      [&] { kernels::softmax_cross_entropy_forward(logits, targets, Tensor(), {}, loss); },
      "targets[1] is 4, outside the classes [0, 4)");
  check_rejected(
      [&] {
        Tensor grad = Tensor::empty({3, 4});
        kernels::softmax_cross_entropy_backward(Tensor::full({}, 1.0), logits, targets, Tensor(),
                                                {}, grad);
      },
      "targets[1] is 4");
  check_rejected(
      [&] {
        kernels::softmax_cross_entropy_forward(logits, Tensor::zeros({3}), Tensor(), {}, loss);
      },
      "targets must be int64[3]");
  check_rejected(
      [&] {
        const Tensor good = Tensor::from_vector(std::vector<std::int64_t>{0, 1, 2}, {3});
        kernels::softmax_cross_entropy_forward(logits, good, Tensor::zeros({3}), {}, loss);
      },
      "class_weights must be [4]");
  check_rejected(
      [&] {
        const Tensor good = Tensor::from_vector(std::vector<std::int64_t>{0, 1, 2}, {3});
        Tensor weights = Tensor::full({4}, 1.0).set_requires_grad(true);
        softmax_cross_entropy(logits, good, weights, {});
      },
      "class_weights are constants");
}

}  // namespace engine::testing
