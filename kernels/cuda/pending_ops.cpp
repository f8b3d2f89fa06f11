// The cuda:: ops not yet written for the GPU (the CUDA backend issue replaces this file op by op).
// Each says so plainly: a CUDA tensor never falls back to the CPU without the user knowing.
#include <stdexcept>
#include <string>

#include "kernels/backend.h"

namespace engine::kernels::cuda {

namespace {
[[noreturn]] void unavailable(const char* op) {
  throw std::runtime_error(std::string("not yet implemented on CUDA: ") + op);
}
}  // namespace

void fill(Tensor&, double) { unavailable("fill"); }
void copy(const Tensor&, Tensor&) { unavailable("copy"); }
void add(const Tensor&, const Tensor&, Tensor&) { unavailable("add"); }
void scale(const Tensor&, double, Tensor&) { unavailable("scale"); }
void squared_norm(const Tensor&, Tensor&) { unavailable("squared_norm"); }
void relu_forward(const Tensor&, Tensor&) { unavailable("relu_forward"); }
void relu_backward(const Tensor&, const Tensor&, Tensor&) { unavailable("relu_backward"); }
void silu_forward(const Tensor&, Tensor&) { unavailable("silu_forward"); }
void silu_backward(const Tensor&, const Tensor&, Tensor&) { unavailable("silu_backward"); }
void sigmoid_forward(const Tensor&, Tensor&) { unavailable("sigmoid_forward"); }
void sigmoid_backward(const Tensor&, const Tensor&, Tensor&) { unavailable("sigmoid_backward"); }
void conv2d_forward(const Tensor&, const Tensor&, const Tensor&, Tensor&, const Conv2dGeometry&) {
  unavailable("conv2d_forward");
}
void conv2d_grad_input(const Tensor&, const Tensor&, Tensor&, const Conv2dGeometry&) {
  unavailable("conv2d_grad_input");
}
void conv2d_grad_weight(const Tensor&, const Tensor&, Tensor&, const Conv2dGeometry&) {
  unavailable("conv2d_grad_weight");
}
void channel_sum(const Tensor&, Tensor&) { unavailable("channel_sum"); }
void linear_forward(const Tensor&, const Tensor&, const Tensor&, Tensor&) {
  unavailable("linear_forward");
}
void linear_grad_input(const Tensor&, const Tensor&, Tensor&) { unavailable("linear_grad_input"); }
void linear_grad_weight(const Tensor&, const Tensor&, Tensor&) {
  unavailable("linear_grad_weight");
}
void batch_norm_train_forward(const Tensor&, const Tensor&, const Tensor&, Tensor&, Tensor&,
                              const BatchNormConfig&, Tensor&, Tensor&, Tensor&) {
  unavailable("batch_norm_train_forward");
}
void batch_norm_eval_forward(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                             const Tensor&, const BatchNormConfig&, Tensor&, Tensor&) {
  unavailable("batch_norm_eval_forward");
}
void batch_norm_backward(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                         bool, Tensor&, Tensor&, Tensor&) {
  unavailable("batch_norm_backward");
}
void max_pool2d_forward(const Tensor&, Tensor&, const Pool2dGeometry&) {
  unavailable("max_pool2d_forward");
}
void max_pool2d_backward(const Tensor&, const Tensor&, Tensor&, const Pool2dGeometry&) {
  unavailable("max_pool2d_backward");
}
void avg_pool2d_forward(const Tensor&, Tensor&, const Pool2dGeometry&) {
  unavailable("avg_pool2d_forward");
}
void avg_pool2d_backward(const Tensor&, Tensor&, const Pool2dGeometry&) {
  unavailable("avg_pool2d_backward");
}
void global_avg_pool_forward(const Tensor&, Tensor&) { unavailable("global_avg_pool_forward"); }
void global_avg_pool_backward(const Tensor&, Tensor&) { unavailable("global_avg_pool_backward"); }
void channel_multiply_forward(const Tensor&, const Tensor&, Tensor&) {
  unavailable("channel_multiply_forward");
}
void channel_multiply_backward(const Tensor&, const Tensor&, const Tensor&, Tensor&, Tensor&) {
  unavailable("channel_multiply_backward");
}
void concat_channels_forward(const std::vector<Tensor>&, Tensor&) {
  unavailable("concat_channels_forward");
}
void concat_channels_backward(const Tensor&, std::vector<Tensor>&) {
  unavailable("concat_channels_backward");
}
void dropout_forward(const Tensor&, double, const RandomStream&, Tensor&) {
  unavailable("dropout_forward");
}
void dropout_backward(const Tensor&, double, const RandomStream&, Tensor&) {
  unavailable("dropout_backward");
}
void drop_path_forward(const Tensor&, double, const RandomStream&, Tensor&) {
  unavailable("drop_path_forward");
}
void drop_path_backward(const Tensor&, double, const RandomStream&, Tensor&) {
  unavailable("drop_path_backward");
}
void softmax_cross_entropy_forward(const Tensor&, const Tensor&, const Tensor&,
                                   const CrossEntropyConfig&, Tensor&) {
  unavailable("softmax_cross_entropy_forward");
}
void softmax_cross_entropy_backward(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                    const CrossEntropyConfig&, Tensor&) {
  unavailable("softmax_cross_entropy_backward");
}
void sum_forward(const Tensor&, double, Tensor&) { unavailable("sum_forward"); }
void sum_backward(const Tensor&, double, Tensor&) { unavailable("sum_backward"); }
void sgd_step(Tensor&, const Tensor&, Tensor&, const SgdConfig&) { unavailable("sgd_step"); }
void adamw_step(Tensor&, const Tensor&, Tensor&, Tensor&, const AdamWConfig&) {
  unavailable("adamw_step");
}

}  // namespace engine::kernels::cuda
