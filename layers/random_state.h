// The randomness a model's dropout and stochastic-depth layers draw from. Each such layer gets a
// stream number when it is built (in construction order, so the same architecture gives the same
// numbers) and draws with offset = the training step the trainer sets. A mask is therefore a pure
// function of (seed, layer, step): resuming at step s reproduces the masks of an uninterrupted run.
#pragma once

#include <cstdint>
#include <memory>

#include "kernels/params.h"

namespace engine::layers {

class RandomState {
 public:
  explicit RandomState(std::uint64_t seed = 0) : seed_(seed) {}
  void set_seed(std::uint64_t seed) { seed_ = seed; }
  void set_step(std::uint64_t step) { step_ = step; }
  std::uint64_t step() const { return step_; }
  std::uint64_t next_layer() { return layers_++; }
  // The stream of layer `layer` at the current step.
  kernels::RandomStream stream(std::uint64_t layer) const;

 private:
  std::uint64_t seed_;
  std::uint64_t step_ = 0;
  std::uint64_t layers_ = 0;
};

}  // namespace engine::layers
