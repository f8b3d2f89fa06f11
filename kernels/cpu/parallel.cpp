#include "kernels/cpu/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace engine::kernels::cpu {

namespace {

int initial_thread_count() {
  if (const char* text = std::getenv("ENGINE_CPU_THREADS"); text != nullptr && *text != '\0') {
    const int threads = std::atoi(text);
    if (threads >= 1) return threads;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

// Workers wait for a job generation number to change, then join the job if it is still open and
// claim chunks from a shared counter until none is left; the calling thread does the same.
//
// Why claiming instead of one fixed chunk per thread: on a shared machine a woken worker may wait
// milliseconds for a core. With fixed chunks the caller then sat idle until the late worker had
// done its share (ResNet-18's small ReLUs took 0.5-1 ms each at a load of 4 on 2 cores instead of
// 20-50 us); with claiming, the caller takes the chunks the late worker has not started, and
// waits only for chunks already running. A worker that wakes after the job has closed does
// nothing. Which thread runs a chunk varies; the chunk boundaries do not depend on timing.
class ThreadPool {
 public:
  explicit ThreadPool(int threads) { resize(threads); }
  ~ThreadPool() { stop_workers(); }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int threads) {
    stop_workers();
    stopping_ = false;
    // A new worker must not mistake the last finished job for a new one.
    const std::uint64_t current = generation_;
    for (int i = 1; i < threads; ++i) {
      workers_.emplace_back([this, current] { work(current); });
    }
  }

  void run(int chunks, const std::function<void(int)>& chunk_body) {
    std::unique_lock<std::mutex> lock(mutex_);
    body_ = &chunk_body;
    chunk_count_ = chunks;
    next_chunk_.store(0, std::memory_order_relaxed);
    open_ = true;
    error_ = nullptr;
    ++generation_;
    lock.unlock();
    wake_.notify_all();
    claim_chunks();
    lock.lock();
    open_ = false;  // workers that wake from now on stay out of this job
    done_.wait(lock, [this] { return participants_ == 0; });
    body_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void claim_chunks() {
    for (int chunk = next_chunk_.fetch_add(1, std::memory_order_relaxed); chunk < chunk_count_;
         chunk = next_chunk_.fetch_add(1, std::memory_order_relaxed)) {
      try {
        (*body_)(chunk);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
    }
  }

  void work(std::uint64_t seen) {
    while (true) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      if (!open_) continue;
      ++participants_;
      lock.unlock();
      claim_chunks();
      lock.lock();
      if (--participants_ == 0) done_.notify_one();
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* body_ = nullptr;
  std::uint64_t generation_ = 0;
  int chunk_count_ = 0;
  std::atomic<int> next_chunk_{0};
  bool open_ = false;
  int participants_ = 0;  // workers inside claim_chunks() for the current job
  bool stopping_ = false;
  std::exception_ptr error_;
};

ThreadPool& pool() {
  static auto* instance = new ThreadPool(initial_thread_count());  // lives until exit
  return *instance;
}

std::mutex run_mutex;  // one parallel loop at a time; a nested one runs serially
thread_local bool inside_parallel_loop = false;

}  // namespace

int thread_count() { return pool().size(); }

void set_thread_count(int threads) {
  std::lock_guard<std::mutex> lock(run_mutex);
  pool().resize(std::max(1, threads));
}

void parallel_for(std::int64_t count, std::int64_t grain,
                  const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (count <= 0) return;
  // Up to chunks_per_thread chunks per thread, so that the threads can balance late starts;
  // never chunks of fewer than `grain` indices.
  constexpr std::int64_t chunks_per_thread = 4;
  const std::int64_t by_grain = std::max<std::int64_t>(1, count / std::max<std::int64_t>(1, grain));
  const int chunks =
      static_cast<int>(std::min<std::int64_t>(chunks_per_thread * thread_count(), by_grain));
  std::unique_lock<std::mutex> lock(run_mutex, std::defer_lock);
  if (chunks <= 1 || thread_count() == 1 || inside_parallel_loop || !lock.try_lock()) {
    body(0, count);
    return;
  }
  const std::function<void(int)> chunk_body = [&](int chunk) {
    struct NestingMark {  // a parallel_for inside this body runs serially on this thread
      NestingMark() { inside_parallel_loop = true; }
      ~NestingMark() { inside_parallel_loop = false; }
    } mark;
    const std::int64_t begin = count * chunk / chunks;
    const std::int64_t end = count * (chunk + 1) / chunks;
    if (begin < end) body(begin, end);
  };
  pool().run(chunks, chunk_body);
}

}  // namespace engine::kernels::cpu
