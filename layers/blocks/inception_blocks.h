// InceptionV3's blocks as torchvision defines them (torchvision.models.inception), child names
// included. Every convolution is a BasicConv2d: conv (no bias), batch norm with eps 0.001, ReLU.
// Branch outputs are concatenated along channels in torchvision's order.
#pragma once

#include "layers/batch_norm2d.h"
#include "layers/conv2d.h"
#include "layers/linear.h"

namespace engine::layers {

class BasicConv2d final : public Module {
 public:
  BasicConv2d(std::int64_t in_channels, std::int64_t out_channels,
              kernels::Conv2dGeometry geometry);
  Tensor compute(const Tensor& x) override;
  Conv2d& conv;
  BatchNorm2d& bn;
};

// The Inception blocks and the auxiliary head build their BasicConv2d children through unit().
class InceptionBlock : public Module {
 protected:
  explicit InceptionBlock(std::string type_name) : Module(std::move(type_name)) {}
  BasicConv2d& unit(const char* name, std::int64_t in_channels, std::int64_t out_channels,
                    kernels::Conv2dGeometry geometry);
};

class InceptionA final : public InceptionBlock {  // Mixed_5b/5c/5d: 35x35
 public:
  InceptionA(std::int64_t in_channels, std::int64_t pool_features);
  Tensor compute(const Tensor& x) override;

 private:
  BasicConv2d &branch1x1, &branch5x5_1, &branch5x5_2, &branch3x3dbl_1, &branch3x3dbl_2,
      &branch3x3dbl_3, &branch_pool;
};

class InceptionB final : public InceptionBlock {  // Mixed_6a: 35x35 -> 17x17
 public:
  explicit InceptionB(std::int64_t in_channels);
  Tensor compute(const Tensor& x) override;

 private:
  BasicConv2d &branch3x3, &branch3x3dbl_1, &branch3x3dbl_2, &branch3x3dbl_3;
};

class InceptionC final : public InceptionBlock {  // Mixed_6b..6e: 17x17 with factorised 7x7
 public:
  InceptionC(std::int64_t in_channels, std::int64_t channels_7x7);
  Tensor compute(const Tensor& x) override;

 private:
  BasicConv2d &branch1x1, &branch7x7_1, &branch7x7_2, &branch7x7_3, &branch7x7dbl_1,
      &branch7x7dbl_2, &branch7x7dbl_3, &branch7x7dbl_4, &branch7x7dbl_5, &branch_pool;
};

class InceptionD final : public InceptionBlock {  // Mixed_7a: 17x17 -> 8x8
 public:
  explicit InceptionD(std::int64_t in_channels);
  Tensor compute(const Tensor& x) override;

 private:
  BasicConv2d &branch3x3_1, &branch3x3_2, &branch7x7x3_1, &branch7x7x3_2, &branch7x7x3_3,
      &branch7x7x3_4;
};

class InceptionE final : public InceptionBlock {  // Mixed_7b/7c: 8x8 with split 1x3/3x1 branches
 public:
  explicit InceptionE(std::int64_t in_channels);
  Tensor compute(const Tensor& x) override;

 private:
  BasicConv2d &branch1x1, &branch3x3_1, &branch3x3_2a, &branch3x3_2b, &branch3x3dbl_1,
      &branch3x3dbl_2, &branch3x3dbl_3a, &branch3x3dbl_3b, &branch_pool;
};

// The auxiliary classifier on Mixed_6e's output (training only).
class InceptionAux final : public InceptionBlock {
 public:
  InceptionAux(std::int64_t in_channels, std::int64_t classes);
  Tensor compute(const Tensor& x) override;
  BasicConv2d& conv0;
  BasicConv2d& conv1;
  Linear& fc;
};

}  // namespace engine::layers
