// Sequential: children named "0", "1", ... run in order, as torch.nn.Sequential.
#pragma once

#include <memory>

#include "layers/module.h"

namespace engine::layers {

class Sequential final : public Module {
 public:
  Sequential() : Module("Sequential") {}
  template <typename ModuleType>
  ModuleType& append(std::unique_ptr<ModuleType> child) {
    ModuleType& reference = register_module(std::to_string(children().size()), std::move(child));
    return reference;
  }
  Tensor compute(const Tensor& x) override {
    Tensor y = x;
    for (const auto& [name, child] : children()) y = child->forward(y);
    return y;
  }
  std::size_t size() const { return children().size(); }
};

}  // namespace engine::layers
