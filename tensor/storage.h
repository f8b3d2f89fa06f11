// A block of device memory obtained from that device's caching allocator. Move-only: exactly one
// Storage owns a block, and tensor views share the Storage through a shared_ptr.
#pragma once

#include <cstddef>

#include "tensor/device.h"

namespace engine {

class Storage {
 public:
  Storage(std::size_t bytes, Device device);
  ~Storage();
  Storage(Storage&& other) noexcept;
  Storage& operator=(Storage&& other) noexcept;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }
  Device device() const { return device_; }

 private:
  void release() noexcept;

  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  Device device_;
};

}  // namespace engine
