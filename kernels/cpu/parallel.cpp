#include "kernels/cpu/parallel.h"

#include <algorithm>
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

// Workers wait for a job generation number to change, run their chunk, and report back.
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
      workers_.emplace_back([this, i, current] { work(i, current); });
    }
  }

  void run(int chunks, const std::function<void(int)>& chunk_body) {
    std::unique_lock<std::mutex> lock(mutex_);
    body_ = &chunk_body;
    active_chunks_ = chunks;
    remaining_ = chunks - 1;  // chunk 0 runs on the caller
    error_ = nullptr;
    ++generation_;
    lock.unlock();
    wake_.notify_all();
    run_chunk(0);
    lock.lock();
    done_.wait(lock, [this] { return remaining_ == 0; });
    body_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void run_chunk(int chunk) {
    try {
      (*body_)(chunk);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }

  void work(int index, std::uint64_t seen) {
    while (true) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      const bool has_chunk = index < active_chunks_;
      lock.unlock();
      if (!has_chunk) continue;
      run_chunk(index);
      lock.lock();
      if (--remaining_ == 0) done_.notify_one();
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
  int active_chunks_ = 0;
  int remaining_ = 0;
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
  const std::int64_t by_grain = std::max<std::int64_t>(1, count / std::max<std::int64_t>(1, grain));
  const int chunks = static_cast<int>(std::min<std::int64_t>(thread_count(), by_grain));
  std::unique_lock<std::mutex> lock(run_mutex, std::defer_lock);
  if (chunks <= 1 || inside_parallel_loop || !lock.try_lock()) {
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
