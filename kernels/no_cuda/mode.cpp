// The CUDA mode API (kernels/cuda/mode.h) in a CPU-only build: the mode can be set and is
// recorded, nothing is ever chosen, and the versions say why there are none.
#include "kernels/cuda/mode.h"

#include <atomic>

namespace engine::kernels::cuda {

namespace {
std::atomic<bool> deterministic_mode{true};
}

void set_deterministic(bool deterministic) { deterministic_mode.store(deterministic); }
bool deterministic() { return deterministic_mode.load(); }
const char* mode_name() { return deterministic() ? "deterministic" : "fast"; }
std::vector<AlgorithmChoice> algorithm_choices() { return {}; }
std::string library_versions() { return "built without CUDA"; }
void fail_next_cudnn_executions_for_testing(int) {}

}  // namespace engine::kernels::cuda
