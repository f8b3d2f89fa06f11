#include "layers/linear.h"

#include "autograd/functions.h"
#include "layers/forward_recorder.h"

namespace engine::layers {

Linear::Linear(std::int64_t in_features, std::int64_t out_features, bool with_bias)
    : Module("Linear") {
  weight = Tensor::zeros({out_features, in_features});
  register_parameter("weight", weight);
  if (with_bias) {
    bias = Tensor::zeros({out_features});
    register_parameter("bias", bias);
  }
}

Tensor Linear::compute(const Tensor& x) {
  Tensor y = linear(x, weight, bias);
  record_output(*this, x, y);
  return y;
}

}  // namespace engine::layers
