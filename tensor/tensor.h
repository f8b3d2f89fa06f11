// Tensor: a handle to shaped, typed memory on one device, plus its autograd state.
//
// A Tensor is a shared handle (copying it copies the handle, not the data). Views made by view()
// and narrow() share the Storage of the tensor they come from. Activations are NHWC and
// convolution weights OHWI throughout the engine; nothing here depends on that.
//
// The members that only rearrange metadata or allocate live in tensor.cpp (the tensor core). The
// ones that compute (zeros, full, contiguous, clone, to(dtype)) go through the kernels' dispatch
// seam, so they run on the tensor's own device, and so do those that may make a copy contiguous
// first (to(device), to_vector, item): they are defined in the kernels layer
// (kernels/tensor_compute.cpp), backward() in the autograd layer (autograd/autograd.cpp). The
// tensor core never calls them (docs/ARCHITECTURE.md: the layer link check proves it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tensor/device.h"
#include "tensor/dtype.h"
#include "tensor/shape.h"
#include "tensor/storage.h"

namespace engine {

class Node;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Strides strides;
  std::int64_t offset = 0;  // in elements, from the start of the storage
  DType dtype = DType::Float32;

  // Autograd state. A leaf has no grad_fn; gradients accumulate into `grad` of leaves that
  // require them, and of non-leaves only after retain_grad().
  bool requires_grad = false;
  bool retains_grad = false;
  std::shared_ptr<TensorImpl> grad;
  std::shared_ptr<Node> grad_fn;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Creation. empty() leaves the memory uninitialised.
  static Tensor empty(const Shape& shape, DType dtype = DType::Float32,
                      Device device = Device::cpu());
  static Tensor zeros(const Shape& shape, DType dtype = DType::Float32,
                      Device device = Device::cpu());
  static Tensor full(const Shape& shape, double value, DType dtype = DType::Float32,
                     Device device = Device::cpu());
  // Copies host values into a new tensor on `device`; values.size() must equal the element count.
  template <typename T>
  static Tensor from_vector(const std::vector<T>& values, const Shape& shape,
                            Device device = Device::cpu());
  static Tensor empty_like(const Tensor& other);
  // A CPU tensor in page-locked memory when a GPU is present (faster copies to it), ordinary
  // memory otherwise; used like any CPU tensor.
  static Tensor empty_pinned(const Shape& shape, DType dtype = DType::Float32);
  static Tensor zeros_like(const Tensor& other);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  std::int64_t size(std::int64_t dim) const;  // negative counts from the end
  std::size_t rank() const { return shape().size(); }
  std::int64_t numel() const;
  DType dtype() const;
  Device device() const;
  const Strides& strides() const;
  std::int64_t offset() const;
  bool is_contiguous() const;
  std::size_t bytes() const { return static_cast<std::size_t>(numel()) * size_of(dtype()); }
  std::string description() const;  // "float32[8, 56, 56, 64] on cpu"

  // Typed pointer to the first element (device memory for CUDA tensors). Checks the dtype.
  template <typename T>
  T* data() const;
  void* raw_data() const;

  // Views sharing storage. view() needs a contiguous tensor and the same element count.
  Tensor view(const Shape& shape) const;
  Tensor narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const;

  // Copies. Each returns a new tensor even when nothing would change, except where noted.
  Tensor to(Device device) const;  // contiguous result; returns *this when already there
  Tensor to(DType dtype) const;    // returns *this when already that dtype
  Tensor contiguous() const;       // returns *this when already contiguous
  Tensor clone() const;            // contiguous copy on the same device and dtype
  template <typename T>
  std::vector<T> to_vector() const;  // host copy, row-major
  template <typename T>
  T item() const;  // the single element

  // Autograd.
  bool requires_grad() const;
  Tensor& set_requires_grad(bool value);  // only on leaves
  bool is_leaf() const;
  Tensor grad() const;                    // undefined until a backward pass reaches it
  void set_grad(const Tensor& gradient);  // undefined Tensor clears it
  void retain_grad();                     // keep the gradient of a non-leaf after backward
  const std::shared_ptr<Node>& grad_fn() const;
  // Reverse-mode pass from this tensor. `gradient` defaults to 1 for a single-element tensor.
  void backward(const Tensor& gradient = Tensor()) const;
  // Same data, no autograd history, requires_grad false.
  Tensor detach() const;

  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }
  bool same_storage(const Tensor& other) const;

 private:
  const TensorImpl& checked() const;
  std::shared_ptr<TensorImpl> impl_;
};

}  // namespace engine
