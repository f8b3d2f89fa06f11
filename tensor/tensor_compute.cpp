// The Tensor members that compute, through the dispatch seam so they run on the tensor's device.
#include "kernels/ops.h"
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

}  // namespace engine
