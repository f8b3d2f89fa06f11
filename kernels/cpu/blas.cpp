#include "kernels/cpu/blas.h"

#include <array>
#include <atomic>
#include <string_view>

namespace engine::kernels::cpu::blas {

namespace detail {

namespace {
std::atomic<int> fixed_block_threads{0};  // 0: none fixed
}  // namespace

int block_threads() {
  const int fixed = fixed_block_threads.load(std::memory_order_relaxed);
  return fixed > 0 ? fixed : thread_count();
}

void use_single_threaded_blas() {
  // A function-local static is initialised exactly once, even when the first products start on
  // several threads at the same time.
  static const bool done = [] {
    openblas_set_num_threads(1);
    return true;
  }();
  (void)done;
}

}  // namespace detail

FixedBlocksScope::FixedBlocksScope(int threads)
    : previous_(detail::fixed_block_threads.exchange(threads < 1 ? 1 : threads)) {}

FixedBlocksScope::~FixedBlocksScope() { detail::fixed_block_threads.store(previous_); }

std::string kernel_name() { return openblas_get_corename(); }

std::string narrower_kernels_note() {
#if defined(__x86_64__)
  // OpenBLAS 0.3.21's kernel families that use 512-bit FMA vectors, and those that use 256-bit
  // ones only.
  constexpr std::array<std::string_view, 3> wide512 = {"SkylakeX", "Cooperlake", "SapphireRapids"};
  constexpr std::array<std::string_view, 2> wide256 = {"Haswell", "Zen"};
  const std::string core = kernel_name();
  auto among = [&](const auto& names) {
    for (std::string_view name : names) {
      if (core == name) return true;
    }
    return false;
  };
  std::string widest;
  if (__builtin_cpu_supports("avx512f") && !among(wide512)) {
    widest = "AVX-512";
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && !among(wide256) &&
             !among(wide512)) {
    widest = "AVX2";
  }
  if (widest.empty()) return "";
  return "OpenBLAS runs its " + core + " kernels, narrower than this processor's " + widest +
         " (chosen by OPENBLAS_CORETYPE if it is set, else this OpenBLAS does not know the "
         "processor), so matrix products, most of a convolution's time, run "
         "slower: measured on a 2-core Intel Xeon with AVX-512, ResNet-18's training step at "
         "96 px took 1.2x as long with the Haswell kernels as with the SkylakeX kernels, and its "
         "inference at batch 1 1.23x (docs/BENCHMARKS.md)";
#else
  return "";
#endif
}

}  // namespace engine::kernels::cpu::blas
