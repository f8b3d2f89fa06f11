// Where a tensor's memory lives. The device is a property of each tensor, never a global mode.
#pragma once

#include <cstddef>
#include <string>

namespace engine {

enum class DeviceKind { CPU, CUDA };

struct Device {
  DeviceKind kind = DeviceKind::CPU;
  int index = 0;

  static Device cpu() { return Device{DeviceKind::CPU, 0}; }
  static Device cuda(int index = 0) { return Device{DeviceKind::CUDA, index}; }
  bool is_cpu() const { return kind == DeviceKind::CPU; }
  bool is_cuda() const { return kind == DeviceKind::CUDA; }
  bool operator==(const Device& other) const { return kind == other.kind && index == other.index; }
  bool operator!=(const Device& other) const { return !(*this == other); }
  std::string str() const;  // "cpu" or "cuda:0"
};

// Parses "cpu", "cuda" or "cuda:N"; throws std::invalid_argument naming the text otherwise.
Device device_from_name(const std::string& name);

// What the backend libraries (kernels/cuda or kernels/no_cuda) provide to the tensor layer.
// They are declared here so that tensors can move between devices without knowing CUDA.
namespace device_runtime {

bool cuda_built();  // false in a CPU-only build
// Number of usable GPUs; 0 when the build has no CUDA, no driver, or no device. Never throws.
int cuda_device_count();
// Why cuda_device_count() is 0, in words ("built without CUDA", "no GPU found: ...").
std::string cuda_unavailable_reason();
// Copies bytes between any two devices; blocks until the copy is complete.
void copy_bytes(void* destination, Device destination_device, const void* source,
                Device source_device, std::size_t bytes);
// Waits until all work queued on `device` is done (nothing to wait for on the CPU).
void synchronize(Device device);

}  // namespace device_runtime
}  // namespace engine
