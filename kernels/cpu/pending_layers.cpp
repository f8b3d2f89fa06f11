// TEMPORARY while the engine core is assembled: CPU ops still being written. Delete each
// function from this file as its real implementation lands; delete the file when empty.
#include <stdexcept>
#include <string>

#include "kernels/backend.h"

namespace engine::kernels::cpu {

namespace {
[[noreturn]] void pending(const char* op) {
  throw std::logic_error(std::string("CPU op not written yet: ") + op);
}
}  // namespace

void batch_norm_train_forward(const Tensor&, const Tensor&, const Tensor&, Tensor&, Tensor&,
                              const BatchNormConfig&, Tensor&, Tensor&, Tensor&) {
  pending("batch_norm_train_forward");
}
void batch_norm_eval_forward(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                             const Tensor&, const BatchNormConfig&, Tensor&, Tensor&) {
  pending("batch_norm_eval_forward");
}
void batch_norm_backward(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                         bool, Tensor&, Tensor&, Tensor&) {
  pending("batch_norm_backward");
}
void max_pool2d_forward(const Tensor&, Tensor&, const Pool2dGeometry&) {
  pending("max_pool2d_forward");
}
void max_pool2d_backward(const Tensor&, const Tensor&, Tensor&, const Pool2dGeometry&) {
  pending("max_pool2d_backward");
}
void avg_pool2d_forward(const Tensor&, Tensor&, const Pool2dGeometry&) {
  pending("avg_pool2d_forward");
}
void avg_pool2d_backward(const Tensor&, Tensor&, const Pool2dGeometry&) {
  pending("avg_pool2d_backward");
}
void global_avg_pool_forward(const Tensor&, Tensor&) { pending("global_avg_pool_forward"); }
void global_avg_pool_backward(const Tensor&, Tensor&) { pending("global_avg_pool_backward"); }
void channel_multiply_forward(const Tensor&, const Tensor&, Tensor&) {
  pending("channel_multiply_forward");
}
void channel_multiply_backward(const Tensor&, const Tensor&, const Tensor&, Tensor&, Tensor&) {
  pending("channel_multiply_backward");
}
void concat_channels_forward(const std::vector<Tensor>&, Tensor&) {
  pending("concat_channels_forward");
}
void concat_channels_backward(const Tensor&, std::vector<Tensor>&) {
  pending("concat_channels_backward");
}
void dropout_forward(const Tensor&, double, const RandomStream&, Tensor&) {
  pending("dropout_forward");
}
void dropout_backward(const Tensor&, double, const RandomStream&, Tensor&) {
  pending("dropout_backward");
}
void drop_path_forward(const Tensor&, double, const RandomStream&, Tensor&) {
  pending("drop_path_forward");
}
void drop_path_backward(const Tensor&, double, const RandomStream&, Tensor&) {
  pending("drop_path_backward");
}
void softmax_cross_entropy_forward(const Tensor&, const Tensor&, const Tensor&,
                                   const CrossEntropyConfig&, Tensor&) {
  pending("softmax_cross_entropy_forward");
}
void softmax_cross_entropy_backward(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                    const CrossEntropyConfig&, Tensor&) {
  pending("softmax_cross_entropy_backward");
}

}  // namespace engine::kernels::cpu
