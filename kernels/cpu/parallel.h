// A fixed pool of CPU worker threads and a parallel loop over an index range.
//
// The range is cut into equal contiguous chunks (up to four per thread, none shorter than the
// grain) that the threads claim in turn, and each index is handled by exactly one call of the
// body. Ops use it only over independent outputs (rows, channels), never
// to split a sum, so results are bitwise identical whatever the thread count.
#pragma once

#include <cstdint>
#include <functional>

namespace engine::kernels::cpu {

// Threads used by parallel_for: ENGINE_CPU_THREADS if set, else the hardware's count.
int thread_count();
void set_thread_count(int threads);  // 1 runs everything on the calling thread

// Calls body(begin, end) over [0, count) in chunks. Ranges shorter than `grain` per thread run on
// fewer threads. Exceptions from the body are rethrown on the calling thread.
void parallel_for(std::int64_t count, std::int64_t grain,
                  const std::function<void(std::int64_t begin, std::int64_t end)>& body);

}  // namespace engine::kernels::cpu
