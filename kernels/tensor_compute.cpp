// The Tensor members that compute, through the dispatch seam so they run on the tensor's device,
// and those that may need to (a copy to another device, or to the host, of a tensor that is not
// contiguous makes it contiguous first). tensor/tensor.h declares them; they are defined here, in
// the kernels layer, because they call it: the tensor core (tensor/) never calls them, which the
// layer link check (layer_link_tensor) proves.
#include <stdexcept>
#include <string>

#include "kernels/ops.h"
#include "tensor/bfloat16.h"
#include "tensor/host_reads.h"
#include "tensor/tensor.h"

namespace engine {

Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) {
  return full(shape, 0.0, dtype, device);
}

Tensor Tensor::full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor result = empty(shape, dtype, device);
  kernels::fill(result, value);
  return result;
}

Tensor Tensor::zeros_like(const Tensor& other) {
  return zeros(other.shape(), other.dtype(), other.device());
}

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  return clone();
}

Tensor Tensor::clone() const {
  Tensor result = empty(shape(), dtype(), device());
  kernels::copy(*this, result);
  return result;
}

Tensor Tensor::to(DType target) const {
  if (dtype() == target) return *this;
  Tensor result = empty(shape(), target, device());
  kernels::copy(*this, result);
  return result;
}

Tensor Tensor::to(Device target) const {
  if (device() == target) return *this;
  if (target.is_cpu()) note_host_read(device());
  const Tensor source = contiguous();
  Tensor result = empty(shape(), dtype(), target);
  device_runtime::copy_bytes(result.raw_data(), target, source.raw_data(), source.device(),
                             source.bytes());
  return result;
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  if (dtype() != DTypeOf<T>::value) {
    throw std::logic_error(std::string("to_vector<") + name_of(DTypeOf<T>::value) + ">() on a " +
                           description());
  }
  note_host_read(device());
  const Tensor source = contiguous();
  std::vector<T> values(static_cast<std::size_t>(numel()));
  device_runtime::copy_bytes(values.data(), Device::cpu(), source.raw_data(), source.device(),
                             source.bytes());
  return values;
}

template <typename T>
T Tensor::item() const {
  if (numel() != 1) throw std::logic_error("item() of " + description());
  return to_vector<T>()[0];
}

#define ENGINE_INSTANTIATE_HOST_READS(T)                \
  template std::vector<T> Tensor::to_vector<T>() const; \
  template T Tensor::item<T>() const;
ENGINE_INSTANTIATE_HOST_READS(float)
ENGINE_INSTANTIATE_HOST_READS(double)
ENGINE_INSTANTIATE_HOST_READS(BFloat16)
ENGINE_INSTANTIATE_HOST_READS(std::uint8_t)
ENGINE_INSTANTIATE_HOST_READS(std::int32_t)
ENGINE_INSTANTIATE_HOST_READS(std::int64_t)
#undef ENGINE_INSTANTIATE_HOST_READS

}  // namespace engine
