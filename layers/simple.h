// Parameter-free layers: activations, pooling, flatten, identity.
#pragma once

#include "kernels/params.h"
#include "layers/module.h"

namespace engine::layers {

enum class Activation { none, relu, silu, sigmoid };
Tensor apply(Activation activation, const Tensor& x);
const char* name_of(Activation activation);

class ActivationLayer final : public Module {
 public:
  explicit ActivationLayer(Activation activation);
  Tensor compute(const Tensor& x) override { return apply(activation_, x); }
  Activation activation() const { return activation_; }

 private:
  Activation activation_;
};

class MaxPool2d final : public Module {
 public:
  MaxPool2d(std::int64_t kernel, std::int64_t stride, std::int64_t padding = 0);
  Tensor compute(const Tensor& x) override;
  const kernels::Pool2dGeometry& geometry() const { return geometry_; }

 private:
  kernels::Pool2dGeometry geometry_;
};

class AvgPool2d final : public Module {
 public:
  AvgPool2d(std::int64_t kernel, std::int64_t stride, std::int64_t padding = 0,
            bool count_include_pad = true);
  Tensor compute(const Tensor& x) override;
  const kernels::Pool2dGeometry& geometry() const { return geometry_; }

 private:
  kernels::Pool2dGeometry geometry_;
};

// AdaptiveAvgPool2d((1, 1)) followed by flatten: NHWC [N, H, W, C] -> [N, C].
class GlobalAvgPool final : public Module {
 public:
  GlobalAvgPool() : Module("GlobalAvgPool") {}
  Tensor compute(const Tensor& x) override;
};

class Identity final : public Module {
 public:
  Identity() : Module("Identity") {}
  Tensor compute(const Tensor& x) override { return x; }
};

kernels::Pool2dGeometry pool_geometry(std::int64_t kernel, std::int64_t stride,
                                      std::int64_t padding, bool count_include_pad = true);

}  // namespace engine::layers
