// Gradient checks: max_pool2d, avg_pool2d and global_avg_pool over odd sizes, stride 2,
// padding, ResNet's stem pool (3x3 stride 2 pad 1), Inception's branch pool (3x3 stride 1
// pad 1, both count_include_pad settings), and batches of 1 and 3.
#include <algorithm>
#include <numeric>

#include "autograd/functions.h"
#include "kernels/random_tensors.h"
#include "tests/gradients/registry.h"

namespace engine::testing {

namespace {

using kernels::Pool2dGeometry;

Tensor leaf(const Shape& shape, std::uint64_t seed) {
  return test_input(shape, seed, -2.0, 2.0).set_requires_grad(true);
}

// A shuffled grid of values 0.01 apart: no two elements tie, and no perturbation of
// gradcheck's eps (1e-6) changes which element is a window's maximum, so the numeric
// derivative is well defined everywhere.
Tensor distinct_leaf(const Shape& shape, std::uint64_t seed) {
  const std::vector<double> keys =
      random_uniform(shape, 0.0, 1.0, seed, 0, DType::Float64).to_vector<double>();
  std::vector<std::size_t> order(keys.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return keys[a] < keys[b]; });
  std::vector<double> values(keys.size());
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    values[order[rank]] = 0.01 * static_cast<double>(rank) - 0.005 * keys.size();
  }
  return Tensor::from_vector(values, shape).set_requires_grad(true);
}

GradcheckResult max_case(const Shape& shape, const Pool2dGeometry& geometry, std::uint64_t seed) {
  return gradcheck([&](const auto& in) { return max_pool2d(in[0], geometry); },
                   {distinct_leaf(shape, seed)});
}

GradcheckResult average_case(const Shape& shape, const Pool2dGeometry& geometry,
                             std::uint64_t seed) {
  return gradcheck([&](const auto& in) { return avg_pool2d(in[0], geometry); },
                   {leaf(shape, seed)});
}

constexpr Pool2dGeometry two_stride_two{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2};
constexpr Pool2dGeometry resnet_stem{
    .kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .pad_h = 1, .pad_w = 1};
constexpr Pool2dGeometry inception_branch{.kernel_h = 3, .kernel_w = 3, .pad_h = 1, .pad_w = 1};
constexpr Pool2dGeometry inception_branch_exclusive{
    .kernel_h = 3, .kernel_w = 3, .pad_h = 1, .pad_w = 1, .count_include_pad = false};

const bool registered = [] {
  register_gradient_case({"max_pool2d", "2x2 stride 2 on odd [1, 5, 5, 2]", [] {
                            return max_case({1, 5, 5, 2}, two_stride_two, 201);
                          }});
  register_gradient_case({"max_pool2d", "3x3 stride 2 pad 1 (ResNet) on [2, 6, 6, 3]", [] {
                            return max_case({2, 6, 6, 3}, resnet_stem, 202);
                          }});
  register_gradient_case({"max_pool2d", "3x3 stride 2 pad 1 (ResNet) on odd [1, 7, 5, 2]", [] {
                            return max_case({1, 7, 5, 2}, resnet_stem, 203);
                          }});
  register_gradient_case({"max_pool2d", "3x3 stride 1 pad 1, overlapping, [1, 4, 5, 2]", [] {
                            return max_case({1, 4, 5, 2}, inception_branch, 204);
                          }});
  register_gradient_case({"max_pool2d", "2x2 stride 1, batch 3 [3, 3, 3, 1]", [] {
                            return max_case({3, 3, 3, 1}, {.kernel_h = 2, .kernel_w = 2}, 205);
                          }});
  register_gradient_case({"avg_pool2d", "3x3 stride 1 pad 1 (Inception), pad counted", [] {
                            return average_case({1, 5, 5, 2}, inception_branch, 211);
                          }});
  register_gradient_case({"avg_pool2d", "3x3 stride 1 pad 1, pad not counted", [] {
                            return average_case({1, 5, 5, 2}, inception_branch_exclusive, 212);
                          }});
  register_gradient_case({"avg_pool2d", "3x3 stride 2 pad 1, pad not counted, [2, 7, 5, 3]", [] {
                            return average_case({2, 7, 5, 3},
                                                {.kernel_h = 3,
                                                 .kernel_w = 3,
                                                 .stride_h = 2,
                                                 .stride_w = 2,
                                                 .pad_h = 1,
                                                 .pad_w = 1,
                                                 .count_include_pad = false},
                                                213);
                          }});
  register_gradient_case({"avg_pool2d", "2x2 stride 2 on odd [3, 5, 5, 2], batch 3", [] {
                            return average_case({3, 5, 5, 2}, two_stride_two, 214);
                          }});
  register_gradient_case({"avg_pool2d", "2x3 stride (1, 2) pad (1, 1) on [1, 4, 6, 2]", [] {
                            return average_case({1, 4, 6, 2},
                                                {.kernel_h = 2,
                                                 .kernel_w = 3,
                                                 .stride_h = 1,
                                                 .stride_w = 2,
                                                 .pad_h = 1,
                                                 .pad_w = 1,
                                                 .count_include_pad = false},
                                                215);
                          }});
  register_gradient_case({"global_avg_pool", "[2, 3, 5, 4]", [] {
                            return gradcheck([](const auto& in) { return global_avg_pool(in[0]); },
                                             {leaf({2, 3, 5, 4}, 221)});
                          }});
  register_gradient_case({"global_avg_pool", "1x1 image, batch 1 [1, 1, 1, 3]", [] {
                            return gradcheck([](const auto& in) { return global_avg_pool(in[0]); },
                                             {leaf({1, 1, 1, 3}, 222)});
                          }});
  register_gradient_case({"global_avg_pool", "batch 3 [3, 2, 2, 2]", [] {
                            return gradcheck([](const auto& in) { return global_avg_pool(in[0]); },
                                             {leaf({3, 2, 2, 2}, 223)});
                          }});
  return true;
}();

}  // namespace

}  // namespace engine::testing
