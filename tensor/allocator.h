// Memory for tensors comes from a caching allocator per device, never from malloc or cudaMalloc
// in an op. Freed blocks are kept in size buckets and handed out again, so a training step that
// allocates the same shapes each iteration stops touching the system allocator after the first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tensor/device.h"

namespace engine {

struct AllocatorStats {
  std::uint64_t bytes_in_use = 0;  // handed out and not yet returned
  std::uint64_t bytes_cached = 0;  // returned and kept for reuse
  std::uint64_t peak_bytes_in_use = 0;
  std::uint64_t system_allocations = 0;  // calls that reached the system allocator
  std::uint64_t cache_hits = 0;
};

class Allocator {
 public:
  virtual ~Allocator() = default;
  // Returns at least `bytes` bytes aligned to 256 bytes; throws std::bad_alloc with the size on
  // failure. A request for 0 bytes returns a valid, unique pointer.
  virtual void* allocate(std::size_t bytes) = 0;
  // `bytes` is the size that was requested from allocate.
  virtual void deallocate(void* pointer, std::size_t bytes) = 0;
  virtual AllocatorStats stats() const = 0;
  // Gives every cached (free) block back to the system.
  virtual void release_cached() = 0;
};

// The allocator that owns memory on `device`. The CUDA one comes from the backend library.
Allocator& allocator_for(Device device);
Allocator& cpu_allocator();

// Rounds a request to the bucket the caching allocators keep it in (shared by CPU and CUDA).
std::size_t allocation_bucket(std::size_t bytes);

// The caching policy, shared by every device: `obtain` and `give_back` talk to the system
// allocator of the device (aligned_alloc/free, cudaMalloc/cudaFree). `obtain` returns nullptr
// when out of memory; the allocator then releases its cache, retries once, and throws
// std::bad_alloc naming the device and size if that fails too.
std::unique_ptr<Allocator> make_caching_allocator(std::function<void*(std::size_t)> obtain,
                                                  std::function<void(void*)> give_back,
                                                  std::string device_name);

namespace device_runtime {
Allocator& cuda_allocator(int device_index);  // throws in a CPU-only build or without a GPU
// Page-locked host memory, which the GPU copies to and from without staging: for batches on
// their way to a GPU. Where there is no GPU (or no CUDA) it is the ordinary CPU allocator.
Allocator& pinned_host_allocator();
bool pinned_host_memory_available();
}  // namespace device_runtime

}  // namespace engine
