// CUDA: conv2d_forward, conv2d_grad_input, conv2d_grad_weight (cuDNN, or engine_direct where
// cuDNN cannot serve: cudnn_convolution.h, convolution_direct.h).
//
// Per-side padding: cuDNN pads both sides of a dimension equally. A geometry with different
// padding on two sides (TensorFlow-style "same" padding; torchvision's four networks never use
// one) runs engine_direct, which reads any padding, and says so in the trace and run record.
// Degenerate problems (an empty input or weight) run engine_direct too: its loops write the
// empty sums (zeros, or the bias) that cuDNN's descriptors cannot describe.
#include <climits>
#include <initializer_list>
#include <string>

#include "kernels/backend.h"
#include "kernels/cuda/context.h"
#include "kernels/cuda/convolution_direct.h"
#include "kernels/cuda/cudnn_convolution.h"
#include "kernels/cuda/launch.h"
#include "tensor/cuda/cuda_check.h"

namespace engine::kernels::cuda {

namespace {

// ---- kernels ----------------------------------------------------------------------------------

// y[r, o] += bias[o] after cuDNN wrote the convolution (y read as [rows, O]).
template <typename T>
__global__ void add_bias(const T* bias, std::int64_t outputs, std::int64_t count, T* y) {
  for (std::int64_t i = first_index(); i < count; i += grid_stride()) {
    y[i] = y[i] + bias[i % outputs];
  }
}

// ---- launchers --------------------------------------------------------------------------------

ConvolutionProblem problem_of(const Tensor& x, const Tensor& weight, const Conv2dGeometry& g) {
  ConvolutionProblem p;
  p.dtype = x.dtype();
  p.batch = x.size(0);
  p.height = x.size(1);
  p.width = x.size(2);
  p.channels = x.size(3);
  p.outputs = weight.size(0);
  p.out_height = g.output_h(x.size(1));
  p.out_width = g.output_w(x.size(2));
  p.kernel_h = g.kernel_h;
  p.kernel_w = g.kernel_w;
  p.stride_h = g.stride_h;
  p.stride_w = g.stride_w;
  p.pad_top = g.pad_top;
  p.pad_bottom = g.pad_bottom;
  p.pad_left = g.pad_left;
  p.pad_right = g.pad_right;
  p.groups = g.groups;
  return p;
}

// Why cuDNN cannot take this problem ("" when it can).
std::string cudnn_cannot(const Tensor& x, const Tensor& weight, const Tensor& y,
                         const Conv2dGeometry& g) {
  if (g.pad_top != g.pad_bottom || g.pad_left != g.pad_right) {
    return "asymmetric padding (top " + std::to_string(g.pad_top) + ", bottom " +
           std::to_string(g.pad_bottom) + ", left " + std::to_string(g.pad_left) + ", right " +
           std::to_string(g.pad_right) + "): cuDNN pads both sides equally";
  }
  if (x.numel() == 0 || weight.numel() == 0 || y.numel() == 0) return "an empty tensor";
  for (const Tensor* tensor : {&x, &weight, &y}) {
    if (tensor->numel() > INT_MAX) return "a tensor over 2^31 elements (cuDNN counts in int)";
  }
  return "";
}

}  // namespace

void conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& y,
                    const Conv2dGeometry& geometry) {
  Context& context = Context::of(y);
  if (y.numel() == 0) return;
  const ConvolutionProblem problem = problem_of(x, weight, geometry);
  const ConvolutionBuffers buffers{x.raw_data(), weight.raw_data(), y.raw_data()};
  if (!run_with_cudnn(context, ConvolutionPass::forward, problem, buffers,
                      cudnn_cannot(x, weight, y, geometry))) {
    direct_conv2d_forward(context, x, weight, bias, y, geometry);
    return;
  }
  if (!bias.defined()) return;
  with_floating_type("conv2d_forward", y.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::int64_t count = y.numel();
    add_bias<T><<<blocks_for(count), threads_per_block, 0, context.stream()>>>(
        bias.data<T>(), weight.size(0), count, y.data<T>());
    ENGINE_CUDA_CHECK(cudaGetLastError());
  });
}

void conv2d_grad_input(const Tensor& grad_y, const Tensor& weight, Tensor& grad_x,
                       const Conv2dGeometry& geometry) {
  Context& context = Context::of(grad_x);
  if (grad_x.numel() == 0) return;
  const ConvolutionProblem problem = problem_of(grad_x, weight, geometry);
  const ConvolutionBuffers buffers{grad_x.raw_data(), weight.raw_data(), grad_y.raw_data()};
  if (!run_with_cudnn(context, ConvolutionPass::backward_data, problem, buffers,
                      cudnn_cannot(grad_x, weight, grad_y, geometry))) {
    direct_conv2d_grad_input(context, grad_y, weight, grad_x, geometry);
  }
}

void conv2d_grad_weight(const Tensor& grad_y, const Tensor& x, Tensor& grad_weight,
                        const Conv2dGeometry& geometry) {
  Context& context = Context::of(grad_weight);
  if (grad_weight.numel() == 0) return;
  const ConvolutionProblem problem = problem_of(x, grad_weight, geometry);
  const ConvolutionBuffers buffers{x.raw_data(), grad_weight.raw_data(), grad_y.raw_data()};
  if (!run_with_cudnn(context, ConvolutionPass::backward_filter, problem, buffers,
                      cudnn_cannot(x, grad_weight, grad_y, geometry))) {
    direct_conv2d_grad_weight(context, grad_y, x, grad_weight, geometry);
  }
}

}  // namespace engine::kernels::cuda
