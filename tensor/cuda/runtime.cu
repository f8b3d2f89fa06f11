// Device runtime of a CUDA build: GPU discovery, the caching device allocator, copies.
// A CUDA build runs on machines without a GPU (CI, the build machines): there the runtime
// reports "no GPU found" with CUDA's reason, once, and nothing falls back silently.
// Copies run on the device's stream (stream.h), behind every op queued before them, and return
// only when complete.
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "tensor/allocator.h"
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/stream.h"
#include "tensor/device.h"

namespace engine::device_runtime {

namespace {

struct Discovery {
  int count = 0;
  std::string reason;
};

const Discovery& discovery() {
  static const Discovery result = [] {
    Discovery found;
    const cudaError_t status = cudaGetDeviceCount(&found.count);
    if (status != cudaSuccess) {
      found.count = 0;
      found.reason = std::string("no GPU found: ") + cudaGetErrorString(status);
      cudaGetLastError();  // clear the sticky error so later calls report their own
    } else if (found.count == 0) {
      found.reason = "no GPU found: the CUDA runtime reports 0 devices";
    }
    return found;
  }();
  return result;
}

void require_device(int index, const char* what) {
  if (index < 0 || index >= cuda_device_count()) {
    throw std::runtime_error(std::string(what) + " on cuda:" + std::to_string(index) + ": " +
                             (cuda_device_count() == 0
                                  ? cuda_unavailable_reason()
                                  : "only " + std::to_string(cuda_device_count()) + " GPU(s)"));
  }
}

}  // namespace

bool cuda_built() { return true; }
int cuda_device_count() { return discovery().count; }
std::string cuda_unavailable_reason() {
  return discovery().count > 0 ? std::string() : discovery().reason;
}

Allocator& cuda_allocator(int device_index) {
  require_device(device_index, "memory");
  static std::mutex mutex;
  static auto* allocators = new std::vector<std::unique_ptr<Allocator>>();  // live until exit
  std::lock_guard<std::mutex> lock(mutex);
  if (allocators->empty()) allocators->resize(static_cast<std::size_t>(cuda_device_count()));
  auto& slot = (*allocators)[static_cast<std::size_t>(device_index)];
  if (!slot) {
    slot = make_caching_allocator(
        [device_index](std::size_t bytes) -> void* {
          ENGINE_CUDA_CHECK(cudaSetDevice(device_index));
          void* pointer = nullptr;
          const cudaError_t status = cudaMalloc(&pointer, bytes);
          if (status == cudaErrorMemoryAllocation) {
            cudaGetLastError();
            return nullptr;  // the caching allocator frees its cache and retries
          }
          ENGINE_CUDA_CHECK(status);
          return pointer;
        },
        [device_index](void* pointer) {
          cudaSetDevice(device_index);
          cudaFree(pointer);  // no throw from a release path; errors surface on the next call
        },
        "cuda:" + std::to_string(device_index));
  }
  return *slot;
}

cudaStream_t cuda_stream(int device_index) {
  require_device(device_index, "stream");
  static std::mutex mutex;
  static auto* streams = new std::vector<cudaStream_t>();  // live until exit, like the contexts
  cudaStream_t stream = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (streams->empty()) streams->resize(static_cast<std::size_t>(cuda_device_count()), nullptr);
    cudaStream_t& slot = (*streams)[static_cast<std::size_t>(device_index)];
    if (slot == nullptr) {
      ENGINE_CUDA_CHECK(cudaSetDevice(device_index));
      // A blocking stream (not cudaStreamNonBlocking): anything that ever runs on the legacy
      // default stream is still ordered with this one.
      ENGINE_CUDA_CHECK(cudaStreamCreateWithFlags(&slot, cudaStreamDefault));
    }
    stream = slot;
  }
  ENGINE_CUDA_CHECK(cudaSetDevice(device_index));
  return stream;
}

bool pinned_host_memory_available() { return cuda_device_count() > 0; }

Allocator& pinned_host_allocator() {
  if (!pinned_host_memory_available()) return cpu_allocator();
  static Allocator* allocator =
      make_caching_allocator(
          [](std::size_t bytes) -> void* {
            void* pointer = nullptr;
            const cudaError_t status = cudaHostAlloc(&pointer, bytes, cudaHostAllocDefault);
            if (status == cudaErrorMemoryAllocation) {
              cudaGetLastError();
              return nullptr;
            }
            ENGINE_CUDA_CHECK(status);
            return pointer;
          },
          [](void* pointer) { cudaFreeHost(pointer); }, "pinned host memory")
          .release();  // lives until exit, like the other allocators
  return *allocator;
}

void copy_bytes(void* destination, Device destination_device, const void* source,
                Device source_device, std::size_t bytes) {
  if (bytes == 0) return;
  if (destination_device.is_cpu() && source_device.is_cpu()) {
    std::memcpy(destination, source, bytes);
    return;
  }
  const Device gpu = destination_device.is_cuda() ? destination_device : source_device;
  require_device(gpu.index, "copy");
  const cudaStream_t stream = cuda_stream(gpu.index);
  // cudaMemcpyDefault: unified addressing tells host from device pointers. Pageable host memory
  // is staged by the driver; the stream synchronisation makes the copy complete either way.
  ENGINE_CUDA_CHECK(cudaMemcpyAsync(destination, source, bytes, cudaMemcpyDefault, stream));
  ENGINE_CUDA_CHECK(cudaStreamSynchronize(stream));
}

void synchronize(Device device) {
  if (device.is_cpu()) return;
  require_device(device.index, "synchronize");
  ENGINE_CUDA_CHECK(cudaSetDevice(device.index));
  // The whole device, not only the context stream: also what cuDNN or cuBLAS might have queued
  // elsewhere, and any error a kernel raised asynchronously surfaces here.
  ENGINE_CUDA_CHECK(cudaDeviceSynchronize());
}

}  // namespace engine::device_runtime
