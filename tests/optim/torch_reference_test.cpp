// The engine's SGD, AdamW and schedules against numbers printed by PyTorch 2.15.0 (CPU,
// torch.optim.SGD / AdamW with foreach=False, float64 and float32) from
// tests/optim/make_torch_reference.py, whose inputs are repeated here. Three steps each.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>

#include "optim/adamw.h"
#include "optim/schedule.h"
#include "optim/sgd.h"
#include "tests/optim/optim_test_support.h"

namespace engine::optim::testing {

namespace {

const std::vector<double> initial_parameter = {0.5, -1.25, 2.0, 0.0, -0.75};
const std::vector<std::vector<double>> gradients = {
    {0.1, -0.2, 0.3, -0.4, 0.5},
    {-0.3, 0.25, 0.05, 0.6, -0.1},
    {0.2, 0.2, -0.7, 0.15, 0.35},
};

using Steps = std::vector<std::vector<double>>;  // the parameter after each step

// torch 2.15.0+cu132, torch.float64.
const std::map<std::string, Steps> torch_float64 = {
    {"sgd_momentum_l2",
     {{0.4895, -1.22875, 1.968, 0.04000000000000001, -0.79925},
      {0.5095605, -1.23339625, 1.932232, 0.015960000000000016, -0.83277575},
      {0.5071053895, -1.25634447875, 1.968108568, -0.02069195999999998, -0.89711614925}}},
    {"sgd_nesterov",
     {{0.4809905, -1.21197625, 1.942962, 0.07600000000000001, -0.84498575},
      {0.5298773111805, -1.24324309745125, 1.909108883722, -0.005601443999999982,
       -0.86646362027075},
      {0.5088697024885376, -1.2868705463247734, 2.0161222926610094, -0.05354195317256399,
       -0.9612848455773898}}},
    {"sgd_dampening",
     {{0.495, -1.24, 1.985, 0.020000000000000004, -0.775},
      {0.50225, -1.241375, 1.971125, 0.013500000000000007, -0.79125},
      {0.5005499999999999, -1.2499749999999998, 1.986275, 0.002675000000000009, -0.817375}}},
    {"adamw",
     {{0.4899500009999999, -1.2398750005, 1.9898000003333334, 0.009999999750000004, -0.7599249998},
      {0.49484290411190657, -1.2413783355447674, 1.9817677472150275, 0.007521981637257046,
       -0.7649592679300875},
      {0.4946055428860823, -1.2457070638978496, 1.9850185562277958, 0.004344884579885815,
       -0.771756140802959}}},
    {"adamw_large_eps",
     {{0.4083333333333333, -1.1075, 1.8142857142857143, 0.08888888888888889, -0.8034090909090909},
      {0.43183950376993, -1.0701307796227448, 1.6615188089265638, 0.0569142927692604,
       -0.8047302436666782},
      {0.40658094173275366, -1.0582379512206619, 1.6162989430975392, 0.021396666569531715,
       -0.8247839001564892}}},
};

// torch 2.15.0+cu132, torch.float32 (each float32 result printed exactly as a double).
const std::map<std::string, Steps> torch_float32 = {
    {"sgd_momentum_l2",
     {{0.4894999861717224, -1.2287499904632568, 1.968000054359436, 0.04000000283122063,
       -0.7992500066757202},
      {0.5095604658126831, -1.233396291732788, 1.9322320222854614, 0.015959998592734337,
       -0.8327757716178894},
      {0.5071053504943848, -1.2563445568084717, 1.9681085348129272, -0.020691964775323868,
       -0.8971161842346191}}},
    {"sgd_nesterov",
     {{0.4809904992580414, -1.2119762897491455, 1.9429620504379272, 0.07599999755620956,
       -0.8449857234954834},
      {0.5298773050308228, -1.2432430982589722, 1.9091088771820068, -0.005601456388831139,
       -0.8664636015892029},
      {0.5088697075843811, -1.2868705987930298, 2.016122341156006, -0.053541965782642365,
       -0.9612848162651062}}},
    {"sgd_dampening",
     {{0.4950000047683716, -1.2400000095367432, 1.9850000143051147, 0.020000001415610313,
       -0.7749999761581421},
      {0.5022500157356262, -1.2413749694824219, 1.9711250066757202, 0.013500001281499863,
       -0.7912499904632568},
      {0.5005500316619873, -1.2499749660491943, 1.9862749576568604, 0.0026750012766569853,
       -0.8173750042915344}}},
    {"adamw",
     {{0.4899500012397766, -1.2398749589920044, 1.989799976348877, 0.010000000707805157,
       -0.7599250078201294},
      {0.49484291672706604, -1.2413783073425293, 1.9817677736282349, 0.007521982304751873,
       -0.7649592757225037},
      {0.49460554122924805, -1.2457069158554077, 1.9850184917449951, 0.004344885237514973,
       -0.771756112575531}}},
    {"adamw_large_eps",
     {{0.40833333134651184, -1.1074999570846558, 1.8142857551574707, 0.08888888359069824,
       -0.8034090995788574},
      {0.4318394958972931, -1.070130705833435, 1.6615188121795654, 0.05691429227590561,
       -0.804730236530304},
      {0.40658092498779297, -1.058237910270691, 1.6162989139556885, 0.02139667049050331,
       -0.8247838616371155}}},
};

// The options of each case, as in the script's SGD_CASES and ADAMW_CASES.
std::unique_ptr<Optimizer> make(const std::string& name, const Parameter& parameter) {
  const std::vector<Parameter> parameters = {parameter};
  SgdOptions sgd;
  if (name == "sgd_momentum_l2") {
    sgd.learning_rate = 0.1;
    sgd.momentum = 0.9;
    sgd.weight_decay = 1e-2;
  } else if (name == "sgd_nesterov") {
    sgd.learning_rate = 0.1;
    sgd.momentum = 0.9;
    sgd.nesterov = true;
    sgd.weight_decay = 1e-4;
  } else if (name == "sgd_dampening") {
    sgd.learning_rate = 0.05;
    sgd.momentum = 0.8;
    sgd.dampening = 0.25;
  }
  if (name.starts_with("sgd")) return std::make_unique<Sgd>(parameters, sgd);
  AdamWOptions adamw;
  if (name == "adamw") {
    adamw.learning_rate = 1e-2;
    adamw.weight_decay = 1e-2;
  } else if (name == "adamw_large_eps") {
    adamw.learning_rate = 0.1;
    adamw.beta1 = 0.8;
    adamw.beta2 = 0.9;
    adamw.eps = 0.05;
    adamw.weight_decay = 0.5;
  }
  return std::make_unique<AdamW>(parameters, adamw);
}

// The kernels follow PyTorch's order of operations; most results are bitwise equal. Observed
// (torch 2.15.0, x86-64): single elements differ by at most 3.5e-18 (float64) and 3.7e-9
// (float32), one ulp of the ~0.05-sized terms they are computed from, where PyTorch's vectorised
// kernels fuse a multiply-add. Allowed: two ulps relative, plus an absolute part of a few ulps of
// those terms for the elements that end near zero.
struct Tolerance {
  double absolute;
  double relative;
};
constexpr Tolerance float64_tolerance = {2e-17, 4.5e-16};
constexpr Tolerance float32_tolerance = {1e-8, 2.4e-7};

void check_against_torch(DType dtype, const std::map<std::string, Steps>& reference,
                         Tolerance tolerance) {
  for (const auto& [name, steps] : reference) {
    INFO(name << " in " << name_of(dtype));
    const Parameter parameter = parameter_of("p", initial_parameter, dtype);
    const std::unique_ptr<Optimizer> optimizer = make(name, parameter);
    for (std::size_t t = 0; t < steps.size(); ++t) {
      INFO("after step " << t + 1);
      set_gradient(parameter, gradients[t]);
      optimizer->step();
      CHECK_CLOSE(parameter.tensor, expected(steps[t]), tolerance.absolute, tolerance.relative);
    }
  }
}

}  // namespace

TEST_CASE("SGD and AdamW match PyTorch for three steps in float64") {
  check_against_torch(DType::Float64, torch_float64, float64_tolerance);
}

TEST_CASE("SGD and AdamW match PyTorch for three steps in float32") {
  check_against_torch(DType::Float32, torch_float32, float32_tolerance);
}

TEST_CASE("schedules match PyTorch's LinearLR + CosineAnnealingLR and StepLR") {
  // torch 2.15.0: SequentialLR([LinearLR(start_factor=0.25, total_iters=4),
  // CosineAnnealingLR(T_max=6, eta_min=0.01)], milestones=[4]) on base rate 0.4, and
  // StepLR(step_size=3, gamma=0.1), read before each of ten steps.
  const std::vector<double> torch_cosine = {0.1,
                                            0.17500000000000002,
                                            0.25000000000000006,
                                            0.32500000000000007,
                                            0.4,
                                            0.3738749537379656,
                                            0.30250000000000005,
                                            0.20500000000000002,
                                            0.10750000000000004,
                                            0.03612504626203445};
  const std::vector<double> torch_step = {0.4,
                                          0.4,
                                          0.4,
                                          0.04000000000000001,
                                          0.04000000000000001,
                                          0.04000000000000001,
                                          0.004000000000000001,
                                          0.004000000000000001,
                                          0.004000000000000001,
                                          0.00040000000000000013};
  WarmupCosineOptions options;
  options.base_learning_rate = 0.4;
  options.minimum_learning_rate = 0.01;
  options.total_steps = 10;
  options.warmup_steps = 4;
  options.warmup_start_factor = 0.25;
  const WarmupCosineSchedule cosine(options);
  const StepDecaySchedule step_decay(0.4, 3, 0.1);
  for (std::int64_t step = 0; step < 10; ++step) {
    INFO("step " << step);
    // PyTorch updates the rate recursively from the previous one; the engine evaluates the
    // closed form. They agree to a few double roundings.
    CHECK(cosine.learning_rate(step) ==
          doctest::Approx(torch_cosine[static_cast<std::size_t>(step)]).epsilon(1e-14));
    CHECK(step_decay.learning_rate(step) ==
          doctest::Approx(torch_step[static_cast<std::size_t>(step)]).epsilon(1e-14));
  }
}

}  // namespace engine::optim::testing
