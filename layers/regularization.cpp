#include "layers/regularization.h"

#include <stdexcept>

#include "autograd/functions.h"

namespace engine::layers {

namespace {
void check_probability(const char* layer, double p) {
  if (!(p >= 0.0 && p < 1.0)) {
    throw std::invalid_argument(std::string(layer) + ": p must be in [0, 1), got " +
                                std::to_string(p));
  }
}
}  // namespace

Dropout::Dropout(double p, std::shared_ptr<RandomState> random)
    : Module("Dropout"), p_(p), random_(std::move(random)), layer_(random_->next_layer()) {
  check_probability("Dropout", p);
}

Tensor Dropout::compute(const Tensor& x) {
  return dropout(x, p_, random_->stream(layer_), training());
}

StochasticDepth::StochasticDepth(double p, std::shared_ptr<RandomState> random)
    : Module("StochasticDepth"), p_(p), random_(std::move(random)), layer_(random_->next_layer()) {
  check_probability("StochasticDepth", p);
}

Tensor StochasticDepth::compute(const Tensor& x) {
  return drop_path(x, p_, random_->stream(layer_), training());
}

}  // namespace engine::layers
