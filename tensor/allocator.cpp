#include "tensor/allocator.h"

#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

namespace engine {

std::size_t allocation_bucket(std::size_t bytes) {
  // Small blocks round to 512 bytes; large ones to 1/16 of their power of two, which bounds the
  // waste at about 6% while keeping the number of distinct buckets small.
  constexpr std::size_t small_unit = 512;
  if (bytes <= small_unit) return small_unit;
  if (bytes <= (std::size_t{1} << 20)) return (bytes + small_unit - 1) / small_unit * small_unit;
  std::size_t power = std::size_t{1} << 20;
  while (power < bytes) power <<= 1;
  const std::size_t step = power / 16;
  return (bytes + step - 1) / step * step;
}

namespace {

class OutOfMemory : public std::bad_alloc {
 public:
  explicit OutOfMemory(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

class CachingAllocator final : public Allocator {
 public:
  CachingAllocator(std::function<void*(std::size_t)> obtain, std::function<void(void*)> give_back,
                   std::string device_name)
      : obtain_(std::move(obtain)),
        give_back_(std::move(give_back)),
        device_name_(std::move(device_name)) {}
  ~CachingAllocator() override { release_cached(); }

  void* allocate(std::size_t bytes) override {
    const std::size_t bucket = allocation_bucket(bytes);
    std::unique_lock<std::mutex> lock(mutex_);
    void* pointer = take_cached(bucket);
    if (pointer == nullptr) {
      pointer = obtain_(bucket);
      if (pointer == nullptr) {
        release_cached_locked();
        pointer = obtain_(bucket);
      }
      if (pointer == nullptr) {
        throw OutOfMemory("out of memory on " + device_name_ + ": could not allocate " +
                          std::to_string(bucket) + " bytes with " +
                          std::to_string(stats_.bytes_in_use) + " bytes in use");
      }
      ++stats_.system_allocations;
    }
    stats_.bytes_in_use += bucket;
    if (stats_.bytes_in_use > stats_.peak_bytes_in_use) {
      stats_.peak_bytes_in_use = stats_.bytes_in_use;
    }
    return pointer;
  }

  void deallocate(void* pointer, std::size_t bytes) override {
    if (pointer == nullptr) return;
    const std::size_t bucket = allocation_bucket(bytes);
    std::lock_guard<std::mutex> lock(mutex_);
    free_blocks_[bucket].push_back(pointer);
    stats_.bytes_in_use -= bucket;
    stats_.bytes_cached += bucket;
  }

  AllocatorStats stats() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

  void release_cached() override {
    std::lock_guard<std::mutex> lock(mutex_);
    release_cached_locked();
  }

 private:
  void* take_cached(std::size_t bucket) {
    auto found = free_blocks_.find(bucket);
    if (found == free_blocks_.end() || found->second.empty()) return nullptr;
    void* pointer = found->second.back();
    found->second.pop_back();
    stats_.bytes_cached -= bucket;
    ++stats_.cache_hits;
    return pointer;
  }

  void release_cached_locked() {
    for (auto& [bucket, blocks] : free_blocks_) {
      for (void* pointer : blocks) give_back_(pointer);
    }
    free_blocks_.clear();
    stats_.bytes_cached = 0;
  }

  std::function<void*(std::size_t)> obtain_;
  std::function<void(void*)> give_back_;
  std::string device_name_;
  mutable std::mutex mutex_;
  std::map<std::size_t, std::vector<void*>> free_blocks_;
  AllocatorStats stats_;
};

}  // namespace

std::unique_ptr<Allocator> make_caching_allocator(std::function<void*(std::size_t)> obtain,
                                                  std::function<void(void*)> give_back,
                                                  std::string device_name) {
  return std::make_unique<CachingAllocator>(std::move(obtain), std::move(give_back),
                                            std::move(device_name));
}

Allocator& cpu_allocator() {
  // Never destroyed: tensors held in static objects may be freed during program exit.
  static Allocator* allocator =
      make_caching_allocator([](std::size_t bytes) { return std::aligned_alloc(256, bytes); },
                             [](void* pointer) { std::free(pointer); }, "cpu")
          .release();
  return *allocator;
}

Allocator& allocator_for(Device device) {
  if (device.is_cpu()) return cpu_allocator();
  return device_runtime::cuda_allocator(device.index);
}

}  // namespace engine
