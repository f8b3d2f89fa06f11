#include "tensor/storage.h"

#include <utility>

#include "tensor/allocator.h"

namespace engine {

Storage::Storage(std::size_t bytes, Device device)
    : data_(allocator_for(device).allocate(bytes)), bytes_(bytes), device_(device) {}

Storage::~Storage() { release(); }

Storage::Storage(Storage&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(other.bytes_), device_(other.device_) {}

Storage& Storage::operator=(Storage&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = other.bytes_;
    device_ = other.device_;
  }
  return *this;
}

void Storage::release() noexcept {
  if (data_ != nullptr) {
    allocator_for(device_).deallocate(data_, bytes_);
    data_ = nullptr;
  }
}

}  // namespace engine
