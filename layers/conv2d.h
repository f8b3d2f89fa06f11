// Conv2d: weight OHWI [out, kh, kw, in / groups] (PyTorch's OIHW only at import/export), optional
// bias. Parameters start at zero; models/initialization applies each architecture's scheme.
#pragma once

#include "kernels/params.h"
#include "layers/module.h"

namespace engine::layers {

class Conv2d final : public Module {
 public:
  Conv2d(std::int64_t in_channels, std::int64_t out_channels, kernels::Conv2dGeometry geometry,
         bool with_bias);
  Tensor compute(const Tensor& x) override;

  const kernels::Conv2dGeometry& geometry() const { return geometry_; }
  std::int64_t in_channels() const { return in_channels_; }
  std::int64_t out_channels() const { return out_channels_; }

  Tensor weight;
  Tensor bias;  // undefined without bias

 private:
  std::int64_t in_channels_, out_channels_;
  kernels::Conv2dGeometry geometry_;
};

// A square or rectangular kernel with PyTorch's symmetric padding.
kernels::Conv2dGeometry conv_geometry(std::int64_t kernel_h, std::int64_t kernel_w,
                                      std::int64_t stride, std::int64_t pad_h, std::int64_t pad_w,
                                      std::int64_t groups = 1);
inline kernels::Conv2dGeometry conv_geometry(std::int64_t kernel, std::int64_t stride,
                                             std::int64_t padding, std::int64_t groups = 1) {
  return conv_geometry(kernel, kernel, stride, padding, padding, groups);
}

}  // namespace engine::layers
