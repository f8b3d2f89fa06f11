#include "tensor/tensor.h"

#include <cstring>
#include <stdexcept>

#include "tensor/allocator.h"
#include "tensor/bfloat16.h"

namespace engine {

namespace {

std::shared_ptr<TensorImpl> make_impl(const Shape& shape, DType dtype, Device device) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(
      static_cast<std::size_t>(element_count(shape)) * size_of(dtype), device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return impl;
}

}  // namespace

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  return Tensor(make_impl(shape, dtype, device));
}

Tensor Tensor::empty_pinned(const Shape& shape, DType dtype) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage =
      std::make_shared<Storage>(static_cast<std::size_t>(element_count(shape)) * size_of(dtype),
                                Device::cpu(), device_runtime::pinned_host_allocator());
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::empty_like(const Tensor& other) {
  return empty(other.shape(), other.dtype(), other.device());
}

template <typename T>
Tensor Tensor::from_vector(const std::vector<T>& values, const Shape& shape, Device device) {
  if (static_cast<std::int64_t>(values.size()) != element_count(shape)) {
    throw std::invalid_argument("from_vector: " + std::to_string(values.size()) +
                                " values for shape " + to_string(shape));
  }
  Tensor result = empty(shape, DTypeOf<T>::value, device);
  device_runtime::copy_bytes(result.raw_data(), device, values.data(), Device::cpu(),
                             values.size() * sizeof(T));
  return result;
}

const TensorImpl& Tensor::checked() const {
  if (!impl_) throw std::logic_error("operation on an undefined tensor");
  return *impl_;
}

const Shape& Tensor::shape() const { return checked().shape; }
std::int64_t Tensor::size(std::int64_t dim) const { return shape()[normalize_dim(dim, rank())]; }
std::int64_t Tensor::numel() const { return element_count(shape()); }
DType Tensor::dtype() const { return checked().dtype; }
Device Tensor::device() const { return checked().storage->device(); }
const Strides& Tensor::strides() const { return checked().strides; }
std::int64_t Tensor::offset() const { return checked().offset; }

bool Tensor::is_contiguous() const {
  const TensorImpl& impl = checked();
  std::int64_t expected = 1;
  for (std::size_t i = impl.shape.size(); i-- > 0;) {
    if (impl.shape[i] != 1 && impl.strides[i] != expected) return false;
    expected *= impl.shape[i];
  }
  return true;
}

std::string Tensor::description() const {
  if (!impl_) return "undefined tensor";
  return std::string(name_of(dtype())) + to_string(shape()) + " on " + device().str();
}

void* Tensor::raw_data() const {
  const TensorImpl& impl = checked();
  return static_cast<char*>(impl.storage->data()) +
         impl.offset * static_cast<std::int64_t>(size_of(impl.dtype));
}

template <typename T>
T* Tensor::data() const {
  if (dtype() != DTypeOf<T>::value) {
    throw std::logic_error(std::string("data<") + name_of(DTypeOf<T>::value) + ">() on a " +
                           description());
  }
  return static_cast<T*>(raw_data());
}

Tensor Tensor::view(const Shape& new_shape) const {
  if (!is_contiguous()) throw std::logic_error("view() of a non-contiguous " + description());
  if (element_count(new_shape) != numel()) {
    throw std::invalid_argument("view(" + to_string(new_shape) + ") of " + description() +
                                ": element counts differ");
  }
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = checked().storage;
  impl->shape = new_shape;
  impl->strides = contiguous_strides(new_shape);
  impl->offset = offset();
  impl->dtype = dtype();
  return Tensor(std::move(impl));
}

Tensor Tensor::narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const {
  const std::size_t axis = normalize_dim(dim, rank());
  if (start < 0 || length < 0 || start + length > shape()[axis]) {
    throw std::out_of_range("narrow(" + std::to_string(dim) + ", " + std::to_string(start) + ", " +
                            std::to_string(length) + ") of " + description());
  }
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = checked().storage;
  impl->shape = shape();
  impl->shape[axis] = length;
  impl->strides = strides();
  impl->offset = offset() + start * strides()[axis];
  impl->dtype = dtype();
  return Tensor(std::move(impl));
}

bool Tensor::requires_grad() const { return checked().requires_grad; }

Tensor& Tensor::set_requires_grad(bool value) {
  if (!is_leaf()) {
    throw std::logic_error("set_requires_grad on a non-leaf tensor; use detach() first");
  }
  if (value && !is_floating(dtype())) {
    throw std::logic_error("only floating-point tensors can require gradients, not " +
                           description());
  }
  impl_->requires_grad = value;
  return *this;
}

bool Tensor::is_leaf() const { return checked().grad_fn == nullptr; }

Tensor Tensor::grad() const { return Tensor(checked().grad); }

void Tensor::set_grad(const Tensor& gradient) {
  if (gradient.defined() && gradient.shape() != shape()) {
    throw std::invalid_argument("set_grad: gradient " + gradient.description() + " for " +
                                description());
  }
  checked();
  impl_->grad = gradient.impl();
}

void Tensor::retain_grad() {
  checked();
  impl_->retains_grad = true;
}

const std::shared_ptr<Node>& Tensor::grad_fn() const { return checked().grad_fn; }

Tensor Tensor::detach() const {
  const TensorImpl& source = checked();
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = source.storage;
  impl->shape = source.shape;
  impl->strides = source.strides;
  impl->offset = source.offset;
  impl->dtype = source.dtype;
  return Tensor(std::move(impl));
}

bool Tensor::same_storage(const Tensor& other) const {
  return checked().storage == other.checked().storage;
}

#define ENGINE_INSTANTIATE_TENSOR_ACCESSORS(T)                                         \
  template Tensor Tensor::from_vector<T>(const std::vector<T>&, const Shape&, Device); \
  template T* Tensor::data<T>() const;
ENGINE_INSTANTIATE_TENSOR_ACCESSORS(float)
ENGINE_INSTANTIATE_TENSOR_ACCESSORS(double)
ENGINE_INSTANTIATE_TENSOR_ACCESSORS(BFloat16)
ENGINE_INSTANTIATE_TENSOR_ACCESSORS(std::uint8_t)
ENGINE_INSTANTIATE_TENSOR_ACCESSORS(std::int32_t)
ENGINE_INSTANTIATE_TENSOR_ACCESSORS(std::int64_t)
#undef ENGINE_INSTANTIATE_TENSOR_ACCESSORS

}  // namespace engine
