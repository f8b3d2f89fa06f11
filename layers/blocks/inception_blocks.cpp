#include "layers/blocks/inception_blocks.h"

#include <memory>

#include "autograd/functions.h"
#include "layers/simple.h"

namespace engine::layers {

namespace {

kernels::Conv2dGeometry square(std::int64_t kernel, std::int64_t stride = 1,
                               std::int64_t padding = 0) {
  return conv_geometry(kernel, stride, padding);
}
// A (kernel_h x kernel_w) convolution with padding (pad_h, pad_w), stride 1.
kernels::Conv2dGeometry rectangle(std::int64_t kernel_h, std::int64_t kernel_w, std::int64_t pad_h,
                                  std::int64_t pad_w) {
  return conv_geometry(kernel_h, kernel_w, 1, pad_h, pad_w);
}

// F.avg_pool2d(x, kernel_size=3, stride=1, padding=1): count_include_pad defaults to true.
const kernels::Pool2dGeometry pool_3x3_same = pool_geometry(3, 1, 1, true);
// F.max_pool2d(x, kernel_size=3, stride=2).
const kernels::Pool2dGeometry max_3x3_stride_2 = pool_geometry(3, 2, 0);

}  // namespace

BasicConv2d::BasicConv2d(std::int64_t in_channels, std::int64_t out_channels,
                         kernels::Conv2dGeometry geometry)
    : Module("BasicConv2d"),
      conv(register_module("conv",
                           std::make_unique<Conv2d>(in_channels, out_channels, geometry, false))),
      bn(register_module("bn", std::make_unique<BatchNorm2d>(
                                   out_channels, kernels::BatchNormConfig{0.1, 0.001}))) {}

Tensor BasicConv2d::compute(const Tensor& x) { return relu(bn.forward(conv.forward(x))); }

BasicConv2d& InceptionBlock::unit(const char* name, std::int64_t in_channels,
                                  std::int64_t out_channels, kernels::Conv2dGeometry geometry) {
  return register_module(name, std::make_unique<BasicConv2d>(in_channels, out_channels, geometry));
}

InceptionA::InceptionA(std::int64_t in, std::int64_t pool_features)
    : InceptionBlock("InceptionA"),
      branch1x1(unit("branch1x1", in, 64, square(1))),
      branch5x5_1(unit("branch5x5_1", in, 48, square(1))),
      branch5x5_2(unit("branch5x5_2", 48, 64, square(5, 1, 2))),
      branch3x3dbl_1(unit("branch3x3dbl_1", in, 64, square(1))),
      branch3x3dbl_2(unit("branch3x3dbl_2", 64, 96, square(3, 1, 1))),
      branch3x3dbl_3(unit("branch3x3dbl_3", 96, 96, square(3, 1, 1))),
      branch_pool(unit("branch_pool", in, pool_features, square(1))) {}

Tensor InceptionA::compute(const Tensor& x) {
  return concat_channels({branch1x1.forward(x), branch5x5_2.forward(branch5x5_1.forward(x)),
                          branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x))),
                          branch_pool.forward(avg_pool2d(x, pool_3x3_same))});
}

InceptionB::InceptionB(std::int64_t in)
    : InceptionBlock("InceptionB"),
      branch3x3(unit("branch3x3", in, 384, square(3, 2))),
      branch3x3dbl_1(unit("branch3x3dbl_1", in, 64, square(1))),
      branch3x3dbl_2(unit("branch3x3dbl_2", 64, 96, square(3, 1, 1))),
      branch3x3dbl_3(unit("branch3x3dbl_3", 96, 96, square(3, 2))) {}

Tensor InceptionB::compute(const Tensor& x) {
  return concat_channels({branch3x3.forward(x),
                          branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x))),
                          max_pool2d(x, max_3x3_stride_2)});
}

InceptionC::InceptionC(std::int64_t in, std::int64_t c7)
    : InceptionBlock("InceptionC"),
      branch1x1(unit("branch1x1", in, 192, square(1))),
      branch7x7_1(unit("branch7x7_1", in, c7, square(1))),
      branch7x7_2(unit("branch7x7_2", c7, c7, rectangle(1, 7, 0, 3))),
      branch7x7_3(unit("branch7x7_3", c7, 192, rectangle(7, 1, 3, 0))),
      branch7x7dbl_1(unit("branch7x7dbl_1", in, c7, square(1))),
      branch7x7dbl_2(unit("branch7x7dbl_2", c7, c7, rectangle(7, 1, 3, 0))),
      branch7x7dbl_3(unit("branch7x7dbl_3", c7, c7, rectangle(1, 7, 0, 3))),
      branch7x7dbl_4(unit("branch7x7dbl_4", c7, c7, rectangle(7, 1, 3, 0))),
      branch7x7dbl_5(unit("branch7x7dbl_5", c7, 192, rectangle(1, 7, 0, 3))),
      branch_pool(unit("branch_pool", in, 192, square(1))) {}

Tensor InceptionC::compute(const Tensor& x) {
  Tensor double_branch = branch7x7dbl_1.forward(x);
  double_branch = branch7x7dbl_3.forward(branch7x7dbl_2.forward(double_branch));
  double_branch = branch7x7dbl_5.forward(branch7x7dbl_4.forward(double_branch));
  return concat_channels({branch1x1.forward(x),
                          branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x))),
                          double_branch, branch_pool.forward(avg_pool2d(x, pool_3x3_same))});
}

InceptionD::InceptionD(std::int64_t in)
    : InceptionBlock("InceptionD"),
      branch3x3_1(unit("branch3x3_1", in, 192, square(1))),
      branch3x3_2(unit("branch3x3_2", 192, 320, square(3, 2))),
      branch7x7x3_1(unit("branch7x7x3_1", in, 192, square(1))),
      branch7x7x3_2(unit("branch7x7x3_2", 192, 192, rectangle(1, 7, 0, 3))),
      branch7x7x3_3(unit("branch7x7x3_3", 192, 192, rectangle(7, 1, 3, 0))),
      branch7x7x3_4(unit("branch7x7x3_4", 192, 192, square(3, 2))) {}

Tensor InceptionD::compute(const Tensor& x) {
  Tensor seven = branch7x7x3_2.forward(branch7x7x3_1.forward(x));
  seven = branch7x7x3_4.forward(branch7x7x3_3.forward(seven));
  return concat_channels(
      {branch3x3_2.forward(branch3x3_1.forward(x)), seven, max_pool2d(x, max_3x3_stride_2)});
}

InceptionE::InceptionE(std::int64_t in)
    : InceptionBlock("InceptionE"),
      branch1x1(unit("branch1x1", in, 320, square(1))),
      branch3x3_1(unit("branch3x3_1", in, 384, square(1))),
      branch3x3_2a(unit("branch3x3_2a", 384, 384, rectangle(1, 3, 0, 1))),
      branch3x3_2b(unit("branch3x3_2b", 384, 384, rectangle(3, 1, 1, 0))),
      branch3x3dbl_1(unit("branch3x3dbl_1", in, 448, square(1))),
      branch3x3dbl_2(unit("branch3x3dbl_2", 448, 384, square(3, 1, 1))),
      branch3x3dbl_3a(unit("branch3x3dbl_3a", 384, 384, rectangle(1, 3, 0, 1))),
      branch3x3dbl_3b(unit("branch3x3dbl_3b", 384, 384, rectangle(3, 1, 1, 0))),
      branch_pool(unit("branch_pool", in, 192, square(1))) {}

Tensor InceptionE::compute(const Tensor& x) {
  const Tensor three = branch3x3_1.forward(x);
  const Tensor double_three = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x));
  // torchvision concatenates the split branches first, then all four; the channel order is the
  // same as one flat concatenation.
  return concat_channels({branch1x1.forward(x), branch3x3_2a.forward(three),
                          branch3x3_2b.forward(three), branch3x3dbl_3a.forward(double_three),
                          branch3x3dbl_3b.forward(double_three),
                          branch_pool.forward(avg_pool2d(x, pool_3x3_same))});
}

InceptionAux::InceptionAux(std::int64_t in, std::int64_t classes)
    : InceptionBlock("InceptionAux"),
      conv0(unit("conv0", in, 128, square(1))),
      conv1(unit("conv1", 128, 768, square(5))),
      fc(register_module("fc", std::make_unique<Linear>(768, classes))) {}

Tensor InceptionAux::compute(const Tensor& x) {
  // F.avg_pool2d(x, kernel_size=5, stride=3): 17x17 -> 5x5; then conv1 (5x5) -> 1x1.
  const Tensor pooled = avg_pool2d(x, pool_geometry(5, 3, 0, true));
  return fc.forward(global_avg_pool(conv1.forward(conv0.forward(pooled))));
}

}  // namespace engine::layers
