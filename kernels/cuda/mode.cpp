// The determinism mode and the record of algorithm choices (see mode.h). Plain C++: nothing here
// touches the GPU.
#include "kernels/cuda/mode.h"

#include <atomic>
#include <mutex>

#include "kernels/cuda/algorithm_registry.h"

namespace engine::kernels::cuda {

namespace {

std::atomic<bool> deterministic_mode{true};
std::atomic<int> planted_cudnn_failures{0};

struct Registry {
  std::mutex mutex;
  std::vector<AlgorithmChoice> choices;
};

Registry& registry() {
  static auto* instance = new Registry();  // never destroyed: ops may run during exit
  return *instance;
}

}  // namespace

void set_deterministic(bool deterministic) { deterministic_mode.store(deterministic); }
bool deterministic() { return deterministic_mode.load(); }
const char* mode_name() { return deterministic() ? "deterministic" : "fast"; }

void remember_algorithm_choice(const AlgorithmChoice& choice) {
  Registry& record = registry();
  std::lock_guard<std::mutex> lock(record.mutex);
  record.choices.push_back(choice);
}

std::vector<AlgorithmChoice> algorithm_choices() {
  Registry& record = registry();
  std::lock_guard<std::mutex> lock(record.mutex);
  return record.choices;
}

void fail_next_cudnn_executions_for_testing(int count) { planted_cudnn_failures.store(count); }

bool take_planted_cudnn_failure() {
  int left = planted_cudnn_failures.load();
  // Only while some are left, also when convolutions on several threads race for the last one.
  while (left > 0) {
    if (planted_cudnn_failures.compare_exchange_weak(left, left - 1)) return true;
  }
  return false;
}

}  // namespace engine::kernels::cuda
