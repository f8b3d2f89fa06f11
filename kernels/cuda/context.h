// The per-device context of the CUDA backend: the device's one stream (owned by the device
// runtime, tensor/cuda/stream.h), on which every op, copy and library call of that device runs in
// order, the cuDNN and cuBLAS handles bound to that stream, and a reusable cuDNN workspace from
// the caching allocator.
//
// One stream per device makes the ordering simple to reason about: a kernel never overlaps
// another, so a block the caching allocator hands out again after a tensor died is only touched
// once the work queued before it has finished. Contexts live until the process exits (like the
// allocators) because tensors in static objects may be freed during exit.
//
// A context serves one host thread at a time: the training loop. (Data loading threads work on
// the CPU.) The handles are created on first use, so a process that only copies tensors never
// loads cuDNN.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <cstddef>
#include <mutex>

#include "tensor/tensor.h"

namespace engine::kernels::cuda {

class Context {
 public:
  // The context of `device`, made the current device of the calling thread (cudaSetDevice).
  // Throws, naming the reason, when there is no such GPU.
  static Context& of(Device device);
  static Context& of(const Tensor& tensor) { return of(tensor.device()); }

  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  Device device() const { return Device::cuda(device_index_); }
  cudaStream_t stream() const { return stream_; }
  cudnnHandle_t cudnn();
  // cuBLAS with its math mode set from the determinism mode (mode.h): default math (no TF32)
  // when deterministic, TF32 tensor cores allowed when fast.
  cublasHandle_t cublas();
  // At least `bytes` of device scratch for cuDNN, valid until the next call (the same block is
  // reused and only grows). nullptr when bytes is 0 and nothing was needed before.
  void* workspace(std::size_t bytes);

 private:
  explicit Context(int device_index);

  int device_index_;
  cudaStream_t stream_ = nullptr;
  std::once_flag cudnn_created_, cublas_created_;
  cudnnHandle_t cudnn_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  void* workspace_ = nullptr;
  std::size_t workspace_bytes_ = 0;
  void* cublas_workspace_ = nullptr;
};

}  // namespace engine::kernels::cuda
