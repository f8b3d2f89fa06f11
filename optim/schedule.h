// Learning-rate schedules as pure functions of the step number: the rate at step s depends on s
// alone, never on how many times the schedule was asked before, so a run resumed at step s gets
// exactly the rate an uninterrupted run had. The training loop sets it before each update:
//   optimizer.set_learning_rate(schedule.learning_rate(step));  optimizer.step();
// "Step" is whatever unit the caller counts (iterations or epochs); steps count from 0.
#pragma once

#include <cstdint>

namespace engine::optim {

class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;
  // The learning rate for step `step` (>= 0; a negative step throws std::invalid_argument).
  virtual double learning_rate(std::int64_t step) const = 0;
};

class ConstantSchedule final : public LearningRateSchedule {
 public:
  explicit ConstantSchedule(double learning_rate);
  double learning_rate(std::int64_t step) const override;

 private:
  double learning_rate_;
};

struct WarmupCosineOptions {
  double base_learning_rate = 0.1;
  double minimum_learning_rate = 0.0;
  std::int64_t total_steps = 0;            // > warmup_steps
  std::int64_t warmup_steps = 0;           // 0: no warmup
  double warmup_start_factor = 1.0 / 3.0;  // in [0, 1]; torch.optim.lr_scheduler.LinearLR's default
};

// Linear warmup, then cosine annealing: what torch's SequentialLR of LinearLR(start_factor=f,
// total_iters=W) and CosineAnnealingLR(T_max=T-W, eta_min=min) gives, in closed form. With base
// rate b, floor m, warmup W and total T:
//   s < W:        b * (f + (1 - f) * s / W)           from f * b at s = 0 towards b
//   W <= s < T:   m + (b - m) * (1 + cos(pi * (s - W) / (T - W))) / 2    b at s = W, towards m
//   s >= T:       m                                   the schedule is over; stay at the floor
class WarmupCosineSchedule final : public LearningRateSchedule {
 public:
  // Throws std::invalid_argument unless 0 <= warmup_steps < total_steps, 0 <= f <= 1 and
  // 0 <= minimum_learning_rate <= base_learning_rate.
  explicit WarmupCosineSchedule(const WarmupCosineOptions& options);
  double learning_rate(std::int64_t step) const override;

 private:
  WarmupCosineOptions options_;
};

// torch.optim.lr_scheduler.StepLR: base * gamma^floor(step / step_size).
class StepDecaySchedule final : public LearningRateSchedule {
 public:
  // Throws std::invalid_argument unless step_size >= 1 and 0 < gamma.
  StepDecaySchedule(double base_learning_rate, std::int64_t step_size, double gamma);
  double learning_rate(std::int64_t step) const override;

 private:
  double base_learning_rate_;
  std::int64_t step_size_;
  double gamma_;
};

}  // namespace engine::optim
