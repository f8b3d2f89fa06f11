#include "apps/common/environment.h"

#if __has_include("engine_git_describe.h")
#include "engine_git_describe.h"  // generated at build time (apps/CMakeLists.txt)
#endif

#include <cblas.h>
#include <sys/utsname.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "kernels/cpu/blas.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cuda/mode.h"

namespace engine::apps {

std::string engine_version() {
#ifdef ENGINE_GIT_DESCRIBE
  return ENGINE_GIT_DESCRIBE;
#else
  return ENGINE_VERSION;
#endif
}

std::string utc_timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string describe_device(Device device) {
  if (device.is_cpu()) {
    return "cpu (" + std::to_string(kernels::cpu::thread_count()) + " threads)";
  }
  return device.str();
}

Device choose_device(const std::string& requested) {
  if (requested == "auto") {
    if (device_runtime::cuda_device_count() > 0) {
      std::fprintf(stderr, "device: cuda:0 (a GPU was found; --device cpu to use the CPU)\n");
      return Device::cuda(0);
    }
    std::fprintf(stderr, "device: cpu (%s)\n", device_runtime::cuda_unavailable_reason().c_str());
    return Device::cpu();
  }
  const Device device = device_from_name(requested);
  if (device.is_cuda() && device.index >= device_runtime::cuda_device_count()) {
    throw std::invalid_argument("--device " + requested + ": " +
                                (device_runtime::cuda_device_count() == 0
                                     ? device_runtime::cuda_unavailable_reason()
                                     : "no such GPU"));
  }
  return device;
}

Json describe_environment(Device device, bool deterministic) {
  Json json = Json::object();
  json.set("engine_version", Json(engine_version()));
  json.set("compiler", Json(std::string("g++ ") + __VERSION__));
  json.set("blas", Json(std::string(openblas_get_config())));
  json.set("blas_kernels", Json(kernels::cpu::blas::kernel_name()));
  if (const std::string note = kernels::cpu::blas::narrower_kernels_note(); !note.empty()) {
    json.set("blas_warning", Json(note));
    static bool warned = false;  // once per program, however many records describe the run
    if (!warned) std::fprintf(stderr, "warning: %s\n", note.c_str());
    warned = true;
  }
  utsname system{};
  if (uname(&system) == 0) {
    json.set("system",
             Json(std::string(system.sysname) + " " + system.release + " " + system.machine));
  }
  json.set("cpu_threads", Json(kernels::cpu::thread_count()));
  json.set("device", Json(describe_device(device)));
  json.set("cuda_built", Json(device_runtime::cuda_built()));
  json.set("gpus_found", Json(device_runtime::cuda_device_count()));
  if (device_runtime::cuda_device_count() == 0) {
    json.set("gpu_note", Json(device_runtime::cuda_unavailable_reason()));
  }
  json.set("determinism", Json(deterministic ? "deterministic" : "fast"));
  return json;
}

Json convolution_algorithms() {
  Json list = Json::array();
  for (const kernels::cuda::AlgorithmChoice& choice : kernels::cuda::algorithm_choices()) {
    Json item = Json::object();
    item.set("op", Json(choice.op));
    item.set("problem", Json(choice.problem));
    item.set("mode", Json(choice.mode));
    item.set("algorithm", Json(choice.algorithm));
    item.set("math", Json(choice.math));
    item.set("reason", Json(choice.reason));
    list.push_back(std::move(item));
  }
  return list;
}

}  // namespace engine::apps
