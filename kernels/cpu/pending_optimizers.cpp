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

void sgd_step(Tensor&, const Tensor&, Tensor&, const SgdConfig&) { pending("sgd_step"); }
void adamw_step(Tensor&, const Tensor&, Tensor&, Tensor&, const AdamWConfig&) {
  pending("adamw_step");
}

}  // namespace engine::kernels::cpu
