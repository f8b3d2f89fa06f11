// Linear: y = x weight^T + bias with weight [out, in], as torch.nn.Linear.
#pragma once

#include "layers/module.h"

namespace engine::layers {

class Linear final : public Module {
 public:
  Linear(std::int64_t in_features, std::int64_t out_features, bool with_bias = true);
  Tensor compute(const Tensor& x) override;
  std::int64_t in_features() const { return weight.size(1); }
  std::int64_t out_features() const { return weight.size(0); }

  Tensor weight, bias;
};

}  // namespace engine::layers
