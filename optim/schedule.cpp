#include "optim/schedule.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace engine::optim {

namespace {

void require(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument("learning-rate schedule: " + message);
}

void require_rate(double rate, const char* what) {
  require(std::isfinite(rate) && rate >= 0.0, std::string(what) + " must be finite and >= 0");
}

void require_step(std::int64_t step) {
  require(step >= 0, "steps count from 0, got " + std::to_string(step));
}

}  // namespace

ConstantSchedule::ConstantSchedule(double learning_rate) : learning_rate_(learning_rate) {
  require_rate(learning_rate, "the learning rate");
}

double ConstantSchedule::learning_rate(std::int64_t step) const {
  require_step(step);
  return learning_rate_;
}

WarmupCosineSchedule::WarmupCosineSchedule(const WarmupCosineOptions& options) : options_(options) {
  require_rate(options.base_learning_rate, "the base learning rate");
  require_rate(options.minimum_learning_rate, "the minimum learning rate");
  require(options.minimum_learning_rate <= options.base_learning_rate,
          "the minimum learning rate must not exceed the base learning rate");
  require(options.warmup_steps >= 0 && options.warmup_steps < options.total_steps,
          "needs 0 <= warmup steps < total steps, got warmup " +
              std::to_string(options.warmup_steps) + " of " + std::to_string(options.total_steps));
  require(options.warmup_start_factor >= 0.0 && options.warmup_start_factor <= 1.0,
          "the warmup start factor must be in [0, 1]");
}

double WarmupCosineSchedule::learning_rate(std::int64_t step) const {
  require_step(step);
  const double base = options_.base_learning_rate;
  const double minimum = options_.minimum_learning_rate;
  if (step < options_.warmup_steps) {
    const double start = options_.warmup_start_factor;
    const double fraction = static_cast<double>(step) / static_cast<double>(options_.warmup_steps);
    return base * (start + (1.0 - start) * fraction);
  }
  if (step >= options_.total_steps) return minimum;
  const double progress = static_cast<double>(step - options_.warmup_steps) /
                          static_cast<double>(options_.total_steps - options_.warmup_steps);
  return minimum + (base - minimum) * (1.0 + std::cos(std::numbers::pi * progress)) / 2.0;
}

StepDecaySchedule::StepDecaySchedule(double base_learning_rate, std::int64_t step_size,
                                     double gamma)
    : base_learning_rate_(base_learning_rate), step_size_(step_size), gamma_(gamma) {
  require_rate(base_learning_rate, "the base learning rate");
  require(step_size >= 1, "the step size must be >= 1");
  require(std::isfinite(gamma) && gamma > 0.0, "gamma must be finite and > 0");
}

double StepDecaySchedule::learning_rate(std::int64_t step) const {
  require_step(step);
  const std::int64_t decays = step / step_size_;
  return base_learning_rate_ * std::pow(gamma_, static_cast<double>(decays));
}

}  // namespace engine::optim
