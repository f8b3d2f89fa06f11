#include "layers/batch_norm2d.h"

#include <optional>
#include <stdexcept>

#include "autograd/autograd.h"
#include "autograd/functions.h"
#include "autograd/inference_mode.h"
#include "layers/forward_recorder.h"

namespace engine::layers {

BatchNorm2d::BatchNorm2d(std::int64_t channels, kernels::BatchNormConfig config)
    : Module("BatchNorm2d"), config_(config) {
  weight = Tensor::full({channels}, 1.0);
  bias = Tensor::zeros({channels});
  running_mean = Tensor::zeros({channels});
  running_var = Tensor::full({channels}, 1.0);
  num_batches_tracked = Tensor::zeros({}, DType::Int64);
  register_parameter("weight", weight);
  register_parameter("bias", bias);
  register_buffer("running_mean", running_mean);
  register_buffer("running_var", running_var);
  register_buffer("num_batches_tracked", num_batches_tracked, Placement::host);
}

void BatchNorm2d::set_momentum(double momentum) {
  if (!(momentum >= 0.0 && momentum <= 1.0)) {
    throw std::invalid_argument("BatchNorm2d: momentum must be in [0, 1], got " +
                                std::to_string(momentum));
  }
  config_.momentum = momentum;
}

Tensor BatchNorm2d::compute(const Tensor& x) {
  if (training()) num_batches_tracked.data<std::int64_t>()[0] += 1;
  std::optional<InferenceModeGuard> inference;
  if (folded_) inference.emplace();
  Tensor y = batch_norm2d(x, weight, bias, running_mean, running_var, training(), config_);
  record_output(*this, x, y);
  return y;
}

}  // namespace engine::layers
