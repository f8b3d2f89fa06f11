// gpu_library_probe: the GPU check's first step (scripts/gpu_check.sh runs it before anything
// touches a GPU). It says which CUDA runtime, cuBLAS(Lt) and cuDNN this process loaded and from
// where, compares their versions with those this build was compiled against, and loads each of
// cuDNN's sub-libraries the way cuDNN does (from the folder of libcudnn.so.9), plus the NVRTC and
// nvJitLink libraries that cuDNN's runtime-compiled engines open. It needs no GPU: nothing here
// creates a CUDA context, so it runs the same on the build machine and on a bare GPU machine.
//
// A found library is new enough when its major version equals the one built with (the soname
// guarantees that much) and its major.minor is at least the built one: NVIDIA promises that a
// program built against a cuDNN or cuBLAS minor release runs with that release or a later one of
// the same major, not with an earlier one. --allow-older reports an earlier minor release as a
// warning instead (to try a machine anyway; say so in docs/GPU_LOG.md). A driver older than the
// runtime is refused too; no driver at all (no GPU here) is only reported.
//
// Exit status: 0 everything loaded and new enough; 3 a version too old; 4 a library failed to
// load. (When a library the program is linked to is missing, the dynamic loader refuses to start
// it at all: exit 127, with the library's name.)
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>
#include <dlfcn.h>
#include <link.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

struct Version {
  int major = 0, minor = 0, patch = 0;
  std::string text() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  }
  bool older_minor_than(const Version& other) const {
    return major == other.major && minor < other.minor;
  }
};

// CUDA encodes 13.0 as 13000; cuDNN 9 encodes 9.19.0 as 91900.
Version cuda_version(int encoded) { return {encoded / 1000, (encoded % 1000) / 10, 0}; }
Version cudnn_version(std::size_t encoded) {
  const int value = static_cast<int>(encoded);
  return {value / 10000, (value % 10000) / 100, value % 100};
}

// Where the dynamic loader found an already-loaded library ("" when it is not loaded).
std::string loaded_path(const char* soname) {
  void* handle = dlopen(soname, RTLD_LAZY | RTLD_NOLOAD);
  if (handle == nullptr) return "";
  link_map* map = nullptr;
  std::string path = "(path unknown)";
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr) path = map->l_name;
  dlclose(handle);
  return path;
}

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

struct Verdict {
  bool allow_older = false;
  int status = 0;  // the exit status so far
  void too_old() { status = status == 0 ? 3 : status; }
  void failed_to_load() { status = 4; }
};

// One library of the family the program links: found version against built, and where from.
void compare(Verdict& verdict, const char* name, const char* soname, const Version& found,
             const Version& built) {
  const std::string path = loaded_path(soname);
  std::string result = "ok";
  if (found.major != built.major) {
    result = "REFUSED: major version differs from the build's";
    verdict.too_old();
  } else if (found.older_minor_than(built)) {
    result = verdict.allow_older ? "WARNING: older than the build's (allowed by --allow-older)"
                                 : "REFUSED: older than the build's (--allow-older to try anyway)";
    if (!verdict.allow_older) verdict.too_old();
  }
  std::printf("%-13s %-8s built with %-8s %s  %s\n", name, found.text().c_str(),
              built.text().c_str(), path.empty() ? "(not loaded)" : path.c_str(), result.c_str());
}

void check_runtime_and_driver(Verdict& verdict) {
  int runtime = 0, driver = 0;
  if (cudaRuntimeGetVersion(&runtime) != cudaSuccess) runtime = 0;
  if (cudaDriverGetVersion(&driver) != cudaSuccess) driver = 0;
  compare(verdict, "CUDA runtime", "libcudart.so.13", cuda_version(runtime),
          cuda_version(CUDART_VERSION));
  if (driver == 0) {
    std::printf("%-13s none     (no NVIDIA driver loaded: no GPU can run here)\n", "CUDA driver");
  } else if (driver < runtime) {
    std::printf("%-13s %-8s REFUSED: older than the runtime %s (update the driver)\n",
                "CUDA driver", cuda_version(driver).text().c_str(),
                cuda_version(runtime).text().c_str());
    verdict.too_old();
  } else {
    std::printf("%-13s %-8s ok\n", "CUDA driver", cuda_version(driver).text().c_str());
  }
}

void check_cublas(Verdict& verdict) {
  Version found;
  if (cublasGetProperty(MAJOR_VERSION, &found.major) != CUBLAS_STATUS_SUCCESS ||
      cublasGetProperty(MINOR_VERSION, &found.minor) != CUBLAS_STATUS_SUCCESS ||
      cublasGetProperty(PATCH_LEVEL, &found.patch) != CUBLAS_STATUS_SUCCESS) {
    std::printf("cuBLAS: cublasGetProperty failed\n");
    verdict.failed_to_load();
    return;
  }
  compare(verdict, "cuBLAS", "libcublas.so.13", found,
          {CUBLAS_VER_MAJOR, CUBLAS_VER_MINOR, CUBLAS_VER_PATCH});
  const std::string lt = loaded_path("libcublasLt.so.13");
  std::printf("%-13s %-8s %-19s %s  %s\n", "cuBLASLt", "-", "(loaded by cuBLAS)",
              lt.empty() ? "(not loaded)" : lt.c_str(), lt.empty() ? "FAILED" : "ok");
  if (lt.empty()) verdict.failed_to_load();
}

// cuDNN's version checks of its sub-libraries: each makes libcudnn.so.9 load that sub-library.
void check_cudnn_versions(Verdict& verdict) {
  const struct {
    const char* name;
    cudnnStatus_t (*check)();
  } checks[] = {{"graph", cudnnGraphVersionCheck},
                {"ops", cudnnOpsVersionCheck},
                {"cnn", cudnnCnnVersionCheck},
                {"adv", cudnnAdvVersionCheck}};
  std::printf("%-13s", "cuDNN checks");
  for (const auto& check : checks) {
    const cudnnStatus_t status = check.check();
    if (status == CUDNN_STATUS_SUCCESS) {
      std::printf(" %s ok", check.name);
      continue;
    }
    char detail[512] = "";
    cudnnGetLastErrorString(detail, sizeof detail);
    std::printf(" %s FAILED: %s %s;", check.name, cudnnGetErrorString(status), detail);
    verdict.failed_to_load();
  }
  std::printf(" (cudnn*VersionCheck: each sub-library loaded by cuDNN, same version)\n");
}

// Every sub-library from the folder libcudnn.so.9 was loaded from, as cuDNN itself loads them,
// with every symbol bound now (RTLD_NOW) so that a missing dependency shows here.
void check_cudnn_sublibraries(Verdict& verdict, const std::string& folder) {
  const char* const names[] = {"libcudnn_graph.so.9",
                               "libcudnn_ops.so.9",
                               "libcudnn_cnn.so.9",
                               "libcudnn_adv.so.9",
                               "libcudnn_heuristic.so.9",
                               "libcudnn_engines_precompiled.so.9",
                               "libcudnn_engines_runtime_compiled.so.9"};
  for (const char* name : names) {
    const std::string path = folder + "/" + name;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* error = dlerror();
      std::printf("  %-40s FAILED: %s\n", name, error != nullptr ? error : "unknown error");
      verdict.failed_to_load();
      continue;
    }
    std::printf("  %-40s ok  %s\n", name, path.c_str());
  }
}

// Opened by name at run time by cuDNN's runtime-compiled engines; without them cuDNN can still
// run its precompiled engines, so a missing one is a warning.
void check_runtime_compilers() {
  for (const char* name : {"libnvrtc.so.13", "libnvJitLink.so.13"}) {
    void* handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      std::printf("%-13s WARNING: %s not found (cuDNN's runtime-compiled engines cannot run)\n",
                  name, name);
      continue;
    }
    std::printf("%-13s %s  ok\n", name, loaded_path(name).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Verdict verdict;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--allow-older") == 0) {
      verdict.allow_older = true;
    } else {
      std::fprintf(stderr, "usage: gpu_library_probe [--allow-older]\n");
      return 2;
    }
  }
  std::printf("gpu_library_probe: libraries this process loaded, against the build's headers\n");
  check_runtime_and_driver(verdict);
  check_cublas(verdict);
  compare(verdict, "cuDNN", "libcudnn.so.9", cudnn_version(cudnnGetVersion()),
          cudnn_version(CUDNN_VERSION));
  std::printf("%-13s %s (the CUDA runtime cuDNN was built for)\n", "cuDNN's CUDA",
              cuda_version(static_cast<int>(cudnnGetCudartVersion())).text().c_str());
  check_cudnn_versions(verdict);
  std::printf("cuDNN sub-libraries:\n");
  check_cudnn_sublibraries(verdict, folder_of(loaded_path("libcudnn.so.9")));
  check_runtime_compilers();
  const char* summary = verdict.status == 0   ? "every library loads; versions new enough"
                        : verdict.status == 3 ? "REFUSED: a version is too old (see above)"
                                              : "FAILED: a library did not load (see above)";
  std::printf("gpu_library_probe: %s (exit %d)\n", summary, verdict.status);
  return verdict.status;
}
