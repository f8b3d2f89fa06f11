// Learning-rate schedules at chosen steps: the start and end of warmup, the middle and end of the
// cosine, past the end; step decay at its boundaries.
#include "optim/schedule.h"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

namespace engine::optim::testing {

namespace {

// The expected values below are evaluated in double by expressions in a slightly different order
// than the schedule's; a few roundings apart at most.
constexpr double relative_tolerance = 1e-14;

WarmupCosineOptions example_options() {
  WarmupCosineOptions options;
  options.base_learning_rate = 0.4;
  options.minimum_learning_rate = 0.01;
  options.total_steps = 10;
  options.warmup_steps = 4;
  options.warmup_start_factor = 0.25;
  return options;
}

}  // namespace

TEST_CASE("warmup-cosine schedule at chosen steps") {
  const WarmupCosineSchedule schedule(example_options());
  const auto rate = [&](std::int64_t step) {
    return doctest::Approx(schedule.learning_rate(step)).epsilon(relative_tolerance);
  };
  // Warmup: 0.4 * (0.25 + 0.75 * s / 4).
  CHECK(0.1 == rate(0));  // the start: 0.25 * 0.4
  CHECK(0.4 * (0.25 + 0.75 * 0.5) == rate(2));
  CHECK(0.325 == rate(3));  // last warmup step: 0.4 * 0.8125
  // Cosine over the remaining 6 steps: 0.01 + 0.39 * (1 + cos(pi * (s - 4) / 6)) / 2.
  CHECK(0.4 == rate(4));                 // end of warmup: the full base rate
  CHECK(0.01 + 0.39 * 0.75 == rate(6));  // cos(pi / 3) = 1/2
  CHECK(0.205 == rate(7));               // the middle: halfway between 0.4 and 0.01
  CHECK(0.01 + 0.39 * (1.0 - std::sqrt(3.0) / 2.0) / 2.0 == rate(9));  // last step, cos(5 pi / 6)
  CHECK(0.01 == rate(10));                                             // over: the floor
  CHECK(0.01 == rate(1000));
}

TEST_CASE("warmup-cosine without warmup starts at the base rate and ends near the floor") {
  WarmupCosineOptions options = example_options();
  options.warmup_steps = 0;
  options.total_steps = 4;
  const WarmupCosineSchedule schedule(options);
  CHECK(schedule.learning_rate(0) == doctest::Approx(0.4).epsilon(relative_tolerance));
  CHECK(schedule.learning_rate(2) == doctest::Approx(0.205).epsilon(relative_tolerance));
  // cos(3 pi / 4) = -sqrt(2)/2
  CHECK(schedule.learning_rate(3) ==
        doctest::Approx(0.01 + 0.39 * (1.0 - std::sqrt(0.5)) / 2.0).epsilon(relative_tolerance));
}

TEST_CASE("warmup-cosine rejects impossible settings and negative steps") {
  WarmupCosineOptions options = example_options();
  options.warmup_steps = 10;  // no room left for the cosine
  CHECK_THROWS_WITH_AS(WarmupCosineSchedule{options}, doctest::Contains("warmup"),
                       std::invalid_argument);
  options = example_options();
  options.minimum_learning_rate = 0.5;  // above the base rate
  CHECK_THROWS_AS(WarmupCosineSchedule{options}, std::invalid_argument);
  options = example_options();
  options.warmup_start_factor = 1.5;
  CHECK_THROWS_AS(WarmupCosineSchedule{options}, std::invalid_argument);
  const WarmupCosineSchedule schedule(example_options());
  CHECK_THROWS_WITH_AS(schedule.learning_rate(-1), doctest::Contains("-1"), std::invalid_argument);
}

TEST_CASE("step decay multiplies by gamma every step_size steps") {
  const StepDecaySchedule schedule(0.4, 3, 0.1);
  const auto rate = [&](std::int64_t step) {
    return doctest::Approx(schedule.learning_rate(step)).epsilon(relative_tolerance);
  };
  CHECK(0.4 == rate(0));
  CHECK(0.4 == rate(2));   // the last step before the first decay
  CHECK(0.04 == rate(3));  // the first decay
  CHECK(0.04 == rate(5));
  CHECK(0.004 == rate(6));
  CHECK(0.0004 == rate(9));
  CHECK_THROWS_AS(StepDecaySchedule(0.4, 0, 0.1), std::invalid_argument);
  CHECK_THROWS_AS(StepDecaySchedule(0.4, 3, 0.0), std::invalid_argument);
}

TEST_CASE("constant schedule") {
  const ConstantSchedule schedule(0.05);
  CHECK(schedule.learning_rate(0) == 0.05);
  CHECK(schedule.learning_rate(123456) == 0.05);
  CHECK_THROWS_AS(ConstantSchedule(-1.0), std::invalid_argument);
}

}  // namespace engine::optim::testing
