// The CPU thread pool: every index visited exactly once, any thread count, resizing after use,
// exceptions carried back to the caller, nested loops run serially.
#include "kernels/cpu/parallel.h"

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace engine::kernels::cpu {

namespace {
void check_each_index_once(std::int64_t count) {
  std::vector<std::atomic<int>> visits(static_cast<std::size_t>(count));
  parallel_for(count, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) visits[static_cast<std::size_t>(i)]++;
  });
  for (const auto& v : visits) REQUIRE(v.load() == 1);
}
}  // namespace

TEST_CASE("parallel_for covers every index once, before and after resizing the pool") {
  const int original = thread_count();
  check_each_index_once(1000);
  for (int threads : {3, 1, 4, 2}) {
    set_thread_count(threads);  // after loops have already run: workers must not replay them
    CHECK(thread_count() == threads);
    check_each_index_once(7);
    check_each_index_once(10007);
  }
  set_thread_count(original);
}

TEST_CASE("an exception in a chunk reaches the caller and the pool keeps working") {
  // Four threads whatever the machine or ENGINE_CPU_THREADS says: with one, the whole range is
  // one chunk starting at 0, and no chunk but the caller's would run.
  const int original = thread_count();
  set_thread_count(4);
  CHECK_THROWS_WITH(parallel_for(100, 1,
                                 [](std::int64_t begin, std::int64_t) {
                                   if (begin > 0) throw std::runtime_error("chunk failed");
                                 }),
                    "chunk failed");
  check_each_index_once(100);
  set_thread_count(original);
}

TEST_CASE("a parallel_for inside a parallel_for runs on its caller's thread") {
  std::atomic<int> total{0};
  parallel_for(4, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      parallel_for(10, 1,
                   [&](std::int64_t b, std::int64_t e) { total += static_cast<int>(e - b); });
    }
  });
  CHECK(total.load() == 40);
}

}  // namespace engine::kernels::cpu
