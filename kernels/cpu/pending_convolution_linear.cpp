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

void conv2d_forward(const Tensor&, const Tensor&, const Tensor&, Tensor&, const Conv2dGeometry&) {
  pending("conv2d_forward");
}
void conv2d_grad_input(const Tensor&, const Tensor&, Tensor&, const Conv2dGeometry&) {
  pending("conv2d_grad_input");
}
void conv2d_grad_weight(const Tensor&, const Tensor&, Tensor&, const Conv2dGeometry&) {
  pending("conv2d_grad_weight");
}
void channel_sum(const Tensor&, Tensor&) { pending("channel_sum"); }
void linear_forward(const Tensor&, const Tensor&, const Tensor&, Tensor&) {
  pending("linear_forward");
}
void linear_grad_input(const Tensor&, const Tensor&, Tensor&) { pending("linear_grad_input"); }
void linear_grad_weight(const Tensor&, const Tensor&, Tensor&) { pending("linear_grad_weight"); }

namespace reference {
void conv2d_forward(const Tensor&, const Tensor&, const Tensor&, Tensor&, const Conv2dGeometry&) {
  pending("reference conv2d_forward");
}
void conv2d_grad_input(const Tensor&, const Tensor&, Tensor&, const Conv2dGeometry&) {
  pending("reference conv2d_grad_input");
}
void conv2d_grad_weight(const Tensor&, const Tensor&, Tensor&, const Conv2dGeometry&) {
  pending("reference conv2d_grad_weight");
}
void linear_forward(const Tensor&, const Tensor&, const Tensor&, Tensor&) {
  pending("reference linear_forward");
}
void linear_grad_input(const Tensor&, const Tensor&, Tensor&) {
  pending("reference linear_grad_input");
}
void linear_grad_weight(const Tensor&, const Tensor&, Tensor&) {
  pending("reference linear_grad_weight");
}
}  // namespace reference

}  // namespace engine::kernels::cpu
