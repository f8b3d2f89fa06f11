// A block of device memory obtained from that device's caching allocator. Move-only: exactly one
// Storage owns a block, and tensor views share the Storage through a shared_ptr.
#pragma once

#include <cstddef>

#include "tensor/device.h"

namespace engine {

class Allocator;

class Storage {
 public:
  Storage(std::size_t bytes, Device device);
  // Memory from a specific allocator of that device (pinned host memory for the CPU).
  Storage(std::size_t bytes, Device device, Allocator& allocator);
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
  Allocator* allocator_ = nullptr;  // the one the block came from, and goes back to
};

}  // namespace engine
