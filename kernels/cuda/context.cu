// The per-device context (context.h) and the library versions (mode.h).
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/cuda/context.h"
#include "kernels/cuda/cublas_check.h"
#include "kernels/cuda/cudnn_check.h"
#include "kernels/cuda/mode.h"
#include "tensor/allocator.h"
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/stream.h"

namespace engine::kernels::cuda {

namespace {

// cuBLAS's documentation recommends a 32 MiB workspace on Hopper. Giving it one block from the
// caching allocator replaces the allocation cuBLAS would otherwise make for itself.
constexpr std::size_t cublas_workspace_bytes = std::size_t{32} << 20;

void require_gpu(Device device) {
  const int count = device_runtime::cuda_device_count();
  if (!device.is_cuda() || device.index < 0 || device.index >= count) {
    throw std::runtime_error("CUDA backend asked to run on " + device.str() + ": " +
                             (count == 0
                                  ? device_runtime::cuda_unavailable_reason()
                                  : "this machine has " + std::to_string(count) + " GPU(s)"));
  }
}

}  // namespace

Context& Context::of(Device device) {
  require_gpu(device);
  static std::mutex mutex;
  static auto* contexts = new std::vector<std::unique_ptr<Context>>();  // live until exit
  Context* context = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (contexts->empty()) {
      contexts->resize(static_cast<std::size_t>(device_runtime::cuda_device_count()));
    }
    auto& slot = (*contexts)[static_cast<std::size_t>(device.index)];
    if (!slot) slot.reset(new Context(device.index));
    context = slot.get();
  }
  ENGINE_CUDA_CHECK(cudaSetDevice(device.index));
  return *context;
}

Context::Context(int device_index)
    : device_index_(device_index), stream_(device_runtime::cuda_stream(device_index)) {}

cudnnHandle_t Context::cudnn() {
  std::call_once(cudnn_created_, [this] {
    ENGINE_CUDNN_CHECK(cudnnCreate(&cudnn_));
    ENGINE_CUDNN_CHECK(cudnnSetStream(cudnn_, stream_));
  });
  return cudnn_;
}

cublasHandle_t Context::cublas() {
  std::call_once(cublas_created_, [this] {
    ENGINE_CUBLAS_CHECK(cublasCreate(&cublas_));
    // cublasSetStream resets the workspace to cuBLAS's own pool, so the stream comes first.
    ENGINE_CUBLAS_CHECK(cublasSetStream(cublas_, stream_));
    cublas_workspace_ = allocator_for(device()).allocate(cublas_workspace_bytes);
    ENGINE_CUBLAS_CHECK(cublasSetWorkspace(cublas_, cublas_workspace_, cublas_workspace_bytes));
  });
  ENGINE_CUBLAS_CHECK(cublasSetMathMode(
      cublas_, deterministic() ? CUBLAS_DEFAULT_MATH : CUBLAS_TF32_TENSOR_OP_MATH));
  return cublas_;
}

void* Context::workspace(std::size_t bytes) {
  if (bytes > workspace_bytes_) {
    // The old block goes back to the cache; whatever reuses it is queued on this same stream,
    // after the work that may still be reading it.
    Allocator& allocator = allocator_for(device());
    if (workspace_ != nullptr) allocator.deallocate(workspace_, workspace_bytes_);
    workspace_ = nullptr;
    workspace_bytes_ = 0;
    workspace_ = allocator.allocate(bytes);
    workspace_bytes_ = bytes;
  }
  return workspace_;
}

std::string library_versions() {
  // None of these needs a GPU: a build machine can still say what it was built against.
  int runtime = 0, driver = 0, cublas_major = 0, cublas_minor = 0, cublas_patch = 0;
  ENGINE_CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
  ENGINE_CUDA_CHECK(cudaDriverGetVersion(&driver));  // 0 where no driver is installed
  ENGINE_CUBLAS_CHECK(cublasGetProperty(MAJOR_VERSION, &cublas_major));
  ENGINE_CUBLAS_CHECK(cublasGetProperty(MINOR_VERSION, &cublas_minor));
  ENGINE_CUBLAS_CHECK(cublasGetProperty(PATCH_LEVEL, &cublas_patch));
  const std::size_t cudnn = cudnnGetVersion();  // major * 10000 + minor * 100 + patch (cuDNN 9)
  auto cuda_version = [](int value) {
    return std::to_string(value / 1000) + "." + std::to_string(value % 1000 / 10);
  };
  std::string text = "CUDA runtime " + cuda_version(runtime) + ", driver " +
                     (driver == 0 ? std::string("none") : cuda_version(driver)) + ", cuDNN " +
                     std::to_string(cudnn / 10000) + "." + std::to_string(cudnn % 10000 / 100) +
                     "." + std::to_string(cudnn % 100) + ", cuBLAS " +
                     std::to_string(cublas_major) + "." + std::to_string(cublas_minor) + "." +
                     std::to_string(cublas_patch);
  if (device_runtime::cuda_device_count() == 0) {
    return text + "; " + device_runtime::cuda_unavailable_reason();
  }
  cudaDeviceProp properties{};
  ENGINE_CUDA_CHECK(cudaGetDeviceProperties(&properties, 0));
  return text + "; GPU 0: " + properties.name + " (compute capability " +
         std::to_string(properties.major) + "." + std::to_string(properties.minor) + ", " +
         std::to_string(properties.multiProcessorCount) + " SMs)";
}

}  // namespace engine::kernels::cuda
