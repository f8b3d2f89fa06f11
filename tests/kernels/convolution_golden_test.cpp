// Golden values for conv2d_forward, conv2d_grad_input, conv2d_grad_weight and channel_sum on
// tiny cases worked out by hand (the derivation is next to each number). Every case runs on
// both implementations (BLAS fast path and loop-level reference) in float32 and float64, into
// NaN-poisoned outputs. All values are small integers or halves, exact in float32, so the
// comparison is exact (tolerance 0).
#include <doctest/doctest.h>

#include <functional>

#include "tests/harness/compare.h"
#include "tests/kernels/convolution_support.h"

namespace engine::testing {

namespace {

using Run = std::function<Tensor(Implementation, DType)>;

void check_golden(const Run& run, const std::vector<double>& expected, const Shape& shape) {
  for (const Implementation implementation : {Implementation::fast, Implementation::reference}) {
    for (const DType dtype : {DType::Float32, DType::Float64}) {
      INFO(name_of(implementation) << ", " << engine::name_of(dtype));
      const Tensor actual = run(implementation, dtype);
      CHECK(actual.dtype() == dtype);
      CHECK_CLOSE(actual, values(expected, shape, DType::Float64), 0.0, 0.0);
    }
  }
}

// x [2, 3, 3, 1]: image 0 holds 1..9 row by row (x[r, c] = 3r + c + 1), image 1 twice that.
Tensor two_images(DType dtype) {
  return values({1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 4, 6, 8, 10, 12, 14, 16, 18}, {2, 3, 3, 1}, dtype);
}

// x [1, 3, 3, 1] = 1..9.
Tensor one_image(DType dtype) { return values({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1}, dtype); }

Conv2dGeometry kernel(std::int64_t height, std::int64_t width) {
  Conv2dGeometry geometry;
  geometry.kernel_h = height;
  geometry.kernel_w = width;
  return geometry;
}

}  // namespace

TEST_CASE("conv2d golden: 2x2 kernel, stride 1, no padding, bias, batch 2") {
  // w = [[1, 2], [3, 4]]. y[0, 0] = 1*1 + 2*2 + 3*4 + 4*5 = 37, y[0, 1] = 2 + 6 + 15 + 24 = 47,
  // y[1, 0] = 4 + 10 + 21 + 32 = 67, y[1, 1] = 5 + 12 + 24 + 36 = 77; plus bias 0.5. Image 1 is
  // twice image 0: 74, 94, 134, 154 plus 0.5.
  const Conv2dGeometry g = kernel(2, 2);
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_forward(implementation, two_images(dtype),
                                  values({1, 2, 3, 4}, {1, 2, 2, 1}, dtype),
                                  values({0.5}, {1}, dtype), g);
      },
      {37.5, 47.5, 67.5, 77.5, 74.5, 94.5, 134.5, 154.5}, {2, 2, 2, 1});

  // grad_y = 1 everywhere: grad_x[i, j] = sum of the weights whose window position covers
  // (i, j): corners see one weight (1, 2, 3, 4), edge middles two (1+2 = 3, 1+3 = 4, 2+4 = 6,
  // 3+4 = 7), the centre all four (10). Both images alike.
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_grad_input(implementation,
                                     values(std::vector<double>(8, 1.0), {2, 2, 2, 1}, dtype),
                                     values({1, 2, 3, 4}, {1, 2, 2, 1}, dtype), {2, 3, 3, 1}, g);
      },
      {1, 3, 2, 4, 10, 6, 3, 7, 4, 1, 3, 2, 4, 10, 6, 3, 7, 4}, {2, 3, 3, 1});

  // grad_y = 1: grad_w[kh, kw] = sum of the 2x2 block of x starting at (kh, kw), over both
  // images: image 0 gives 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28; image 1
  // twice that; totals 36, 48, 72, 84.
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_grad_weight(implementation,
                                      values(std::vector<double>(8, 1.0), {2, 2, 2, 1}, dtype),
                                      two_images(dtype), {1, 2, 2, 1}, g);
      },
      {36, 48, 72, 84}, {1, 2, 2, 1});
}

TEST_CASE("conv2d golden: 3x3 kernel of ones, stride 2, padding 1") {
  Conv2dGeometry g = kernel(3, 3);
  g.stride_h = g.stride_w = 2;
  g.pad_top = g.pad_bottom = g.pad_left = g.pad_right = 1;
  const std::vector<double> ones(9, 1.0);
  // Output (oh, ow) sums input rows 2oh-1 .. 2oh+1 and columns 2ow-1 .. 2ow+1 inside the image:
  // y[0, 0] = 1+2+4+5 = 12, y[0, 1] = 2+3+5+6 = 16, y[1, 0] = 4+5+7+8 = 24, y[1, 1] = 28.
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_forward(implementation, one_image(dtype),
                                  values(ones, {1, 3, 3, 1}, dtype), Tensor(), g);
      },
      {12, 16, 24, 28}, {1, 2, 2, 1});

  // grad_y = [[1, 2], [3, 5]]: input (i, j) gets every grad_y whose window covers it. Window
  // (0, 0) covers rows/columns 0..1, (0, 1) rows 0..1 columns 1..2, (1, 0) rows 1..2 columns
  // 0..1, (1, 1) rows 1..2 columns 1..2. So (0,0) = 1, (0,1) = 1+2 = 3, (0,2) = 2,
  // (1,0) = 1+3 = 4, (1,1) = 1+2+3+5 = 11, (1,2) = 2+5 = 7, (2,0) = 3, (2,1) = 8, (2,2) = 5.
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_grad_input(implementation, values({1, 2, 3, 5}, {1, 2, 2, 1}, dtype),
                                     values(ones, {1, 3, 3, 1}, dtype), {1, 3, 3, 1}, g);
      },
      {1, 3, 2, 4, 11, 7, 3, 8, 5}, {1, 3, 3, 1});

  // grad_w[kh, kw] = sum over (oh, ow) of grad_y[oh, ow] * x[2oh - 1 + kh, 2ow - 1 + kw], with
  // x[r, c] = 3r + c + 1 and padding reading 0:
  //   (0,0): only oh = ow = 1 reads inside: 5 * x[1,1] = 25
  //   (0,1): oh = 1, ow = 0, 1: 3 * x[1,0] + 5 * x[1,2] = 12 + 30 = 42
  //   (0,2): oh = 1, ow = 0: 3 * x[1,1] = 15
  //   (1,0): ow = 1, oh = 0, 1: 2 * x[0,1] + 5 * x[2,1] = 4 + 40 = 44
  //   (1,1): all four: 1 * 1 + 2 * 3 + 3 * 7 + 5 * 9 = 73
  //   (1,2): ow = 0: 1 * x[0,1] + 3 * x[2,1] = 2 + 24 = 26
  //   (2,0): oh = 0, ow = 1: 2 * x[1,1] = 10
  //   (2,1): oh = 0: 1 * x[1,0] + 2 * x[1,2] = 4 + 12 = 16
  //   (2,2): oh = ow = 0: 1 * x[1,1] = 5
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_grad_weight(implementation, values({1, 2, 3, 5}, {1, 2, 2, 1}, dtype),
                                      one_image(dtype), {1, 3, 3, 1}, g);
      },
      {25, 42, 15, 44, 73, 26, 10, 16, 5}, {1, 3, 3, 1});
}

TEST_CASE("conv2d golden: asymmetric padding (top 1, bottom 0, left 0, right 1)") {
  Conv2dGeometry g = kernel(2, 2);
  g.pad_top = 1;
  g.pad_right = 1;
  // OH = (3 + 1 - 2) + 1 = 3, OW = 3. Output (oh, ow) sums input rows oh-1, oh and columns
  // ow, ow+1 inside the image: row 0 reads only input row 0: 1+2 = 3, 2+3 = 5, 3 = 3;
  // row 1: 1+2+4+5 = 12, 2+3+5+6 = 16, 3+6 = 9; row 2: 4+5+7+8 = 24, 28, 6+9 = 15.
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_forward(implementation, one_image(dtype),
                                  values({1, 1, 1, 1}, {1, 2, 2, 1}, dtype), Tensor(), g);
      },
      {3, 5, 3, 12, 16, 9, 24, 28, 15}, {1, 3, 3, 1});
}

TEST_CASE("conv2d golden: 1x3 and 3x1 kernels with padding along one axis") {
  // x = [1, 2, 3, 4] as a row (1x4) or a column (4x1), w = [1, 2, 3], padding 1 on both ends
  // of that axis: y0 = 0*1 + 1*2 + 2*3 = 8, y1 = 1+4+9 = 14, y2 = 2+6+12 = 20,
  // y3 = 3*1 + 4*2 + 0*3 = 11.
  Conv2dGeometry row = kernel(1, 3);
  row.pad_left = row.pad_right = 1;
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_forward(implementation, values({1, 2, 3, 4}, {1, 1, 4, 1}, dtype),
                                  values({1, 2, 3}, {1, 1, 3, 1}, dtype), Tensor(), row);
      },
      {8, 14, 20, 11}, {1, 1, 4, 1});
  Conv2dGeometry column = kernel(3, 1);
  column.pad_top = column.pad_bottom = 1;
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_forward(implementation, values({1, 2, 3, 4}, {1, 4, 1, 1}, dtype),
                                  values({1, 2, 3}, {1, 3, 1, 1}, dtype), Tensor(), column);
      },
      {8, 14, 20, 11}, {1, 4, 1, 1});
}

TEST_CASE("conv2d golden: two groups, 1x1 kernel") {
  Conv2dGeometry g = kernel(1, 1);
  g.groups = 2;
  // x = [1, 2 | 3, 4]; output 0 reads channels 0-1 with w = [1, 10]: 1 + 20 = 21; output 1
  // reads channels 2-3 with w = [100, 1000]: 300 + 4000 = 4300.
  const auto x = [](DType dtype) { return values({1, 2, 3, 4}, {1, 1, 1, 4}, dtype); };
  const auto w = [](DType dtype) { return values({1, 10, 100, 1000}, {2, 1, 1, 2}, dtype); };
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_forward(implementation, x(dtype), w(dtype), Tensor(), g);
      },
      {21, 4300}, {1, 1, 1, 2});
  // grad_y = [1, 2]: channels of group 0 get 1 * [1, 10], of group 1 get 2 * [100, 1000].
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_grad_input(implementation, values({1, 2}, {1, 1, 1, 2}, dtype), w(dtype),
                                     {1, 1, 1, 4}, g);
      },
      {1, 10, 200, 2000}, {1, 1, 1, 4});
  // grad_w[0] = 1 * [1, 2], grad_w[1] = 2 * [3, 4].
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_grad_weight(implementation, values({1, 2}, {1, 1, 1, 2}, dtype), x(dtype),
                                      {2, 1, 1, 2}, g);
      },
      {1, 2, 6, 8}, {2, 1, 1, 2});
}

TEST_CASE("conv2d golden: depthwise 2x2 over two channels, with bias") {
  Conv2dGeometry g = kernel(2, 2);
  g.groups = 2;
  // x [1, 2, 2, 2]: channel 0 holds [[1, 2], [3, 4]], channel 1 [[5, 6], [7, 8]] (pixel by
  // pixel: [1, 5], [2, 6], [3, 7], [4, 8]). w channel 0 = [[1, 1], [1, 1]], channel 1 =
  // [[1, 0], [0, -1]].
  const auto x = [](DType dtype) { return values({1, 5, 2, 6, 3, 7, 4, 8}, {1, 2, 2, 2}, dtype); };
  const auto w = [](DType dtype) { return values({1, 1, 1, 1, 1, 0, 0, -1}, {2, 2, 2, 1}, dtype); };
  // y0 = 1+2+3+4 + 0.25 = 10.25; y1 = 5 - 8 - 0.25 = -3.25.
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_forward(implementation, x(dtype), w(dtype),
                                  values({0.25, -0.25}, {2}, dtype), g);
      },
      {10.25, -3.25}, {1, 1, 1, 2});
  // grad_y = [2, 3]: grad_x[i, j, c] = grad_y[c] * w[c, i, j]: channel 0 is 2 everywhere,
  // channel 1 is 3 * [1, 0, 0, -1].
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_grad_input(implementation, values({2, 3}, {1, 1, 1, 2}, dtype), w(dtype),
                                     {1, 2, 2, 2}, g);
      },
      {2, 3, 2, 0, 2, 0, 2, -3}, {1, 2, 2, 2});
  // grad_w[c, i, j] = grad_y[c] * x[i, j, c]: 2 * [1, 2, 3, 4] and 3 * [5, 6, 7, 8].
  check_golden(
      [&](Implementation implementation, DType dtype) {
        return run_conv2d_grad_weight(implementation, values({2, 3}, {1, 1, 1, 2}, dtype), x(dtype),
                                      {2, 2, 2, 1}, g);
      },
      {2, 4, 6, 8, 15, 18, 21, 24}, {2, 2, 2, 1});
}

TEST_CASE("channel_sum golden: [2, 2, 3] summed over the first two dimensions") {
  // Rows [1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]: 1+4+7+10 = 22, 26, 30.
  for (const DType dtype : {DType::Float32, DType::Float64}) {
    INFO(engine::name_of(dtype));
    Tensor output = poisoned({3}, dtype);
    kernels::cpu::channel_sum(values({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {2, 2, 3}, dtype),
                              output);
    CHECK_CLOSE(output, values({22, 26, 30}, {3}, DType::Float64), 0.0, 0.0);
  }
}

}  // namespace engine::testing
