// Device runtime of a CPU-only build: only the CPU exists, and asking for CUDA says why not.
#include <cstring>
#include <stdexcept>

#include "tensor/allocator.h"
#include "tensor/device.h"

namespace engine::device_runtime {

namespace {
[[noreturn]] void no_cuda(const std::string& what) {
  throw std::runtime_error("built without CUDA: " + what +
                           " (configure with a CUDA toolkit and -DENGINE_CUDA=ON)");
}
}  // namespace

bool cuda_built() { return false; }
int cuda_device_count() { return 0; }
std::string cuda_unavailable_reason() { return "built without CUDA"; }

void copy_bytes(void* destination, Device destination_device, const void* source,
                Device source_device, std::size_t bytes) {
  if (!destination_device.is_cpu() || !source_device.is_cpu()) {
    no_cuda("copy " + source_device.str() + " -> " + destination_device.str());
  }
  if (bytes > 0) std::memcpy(destination, source, bytes);
}

void synchronize(Device device) {
  if (!device.is_cpu()) no_cuda("synchronize " + device.str());
}

Allocator& pinned_host_allocator() { return cpu_allocator(); }
bool pinned_host_memory_available() { return false; }

Allocator& cuda_allocator(int device_index) {
  no_cuda("memory on cuda:" + std::to_string(device_index));
}

}  // namespace engine::device_runtime
