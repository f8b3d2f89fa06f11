#include "tensor/storage.h"

#include <utility>

#include "tensor/allocator.h"

namespace engine {

Storage::Storage(std::size_t bytes, Device device)
    : Storage(bytes, device, allocator_for(device)) {}

Storage::Storage(std::size_t bytes, Device device, Allocator& allocator)
    : data_(allocator.allocate(bytes)), bytes_(bytes), device_(device), allocator_(&allocator) {}

Storage::~Storage() { release(); }

Storage::Storage(Storage&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      bytes_(other.bytes_),
      device_(other.device_),
      allocator_(other.allocator_) {}

Storage& Storage::operator=(Storage&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = other.bytes_;
    device_ = other.device_;
    allocator_ = other.allocator_;
  }
  return *this;
}

void Storage::release() noexcept {
  if (data_ != nullptr) {
    allocator_->deallocate(data_, bytes_);
    data_ = nullptr;
  }
}

}  // namespace engine
