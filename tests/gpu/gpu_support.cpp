#include "tests/gpu/gpu_support.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "kernels/cuda/mode.h"
#include "kernels/random_tensors.h"

namespace engine::testing {

namespace {

// Runs before doctest's main. Without a GPU the suite must not pass vacuously: it exits with
// ctest's skip code (77) and says why, before any test case starts.
const bool gpu_present = [] {
  if (device_runtime::cuda_device_count() == 0) {
    std::printf("SKIPPED: no GPU (%s)\n", device_runtime::cuda_unavailable_reason().c_str());
    std::fflush(stdout);
    std::exit(77);
  }
  std::printf("GPU tests on %s, %s mode\n", kernels::cuda::library_versions().c_str(),
              kernels::cuda::mode_name());
  std::fflush(stdout);
  return true;
}();

std::vector<bool>& gpu_ops_seen() {
  static std::vector<bool> seen(kernels::op_count, false);
  return seen;
}

}  // namespace

Tensor uniform(const Shape& shape, std::uint64_t seed, DType dtype, double low, double high) {
  return random_uniform(shape, low, high, seed, 0, dtype);
}

Tensor poisoned(const Shape& shape, DType dtype, Device device) {
  return Tensor::full(shape, std::numeric_limits<double>::quiet_NaN(), dtype, device);
}

Tensor fresh_copy(const Tensor& tensor, Device device) {
  return device.is_cpu() ? tensor.clone() : tensor.to(device);
}

double unit_roundoff(DType dtype) {
  return dtype == DType::Float32 ? std::ldexp(1.0, -24) : std::ldexp(1.0, -53);
}

void check_parity(const std::vector<kernels::Op>& ops, const DeviceRun& run,
                  const std::vector<Tolerance>& tolerances) {
  const std::vector<Tensor> expected = run(Device::cpu());
  std::vector<std::uint64_t> calls_before;
  for (kernels::Op op : ops) calls_before.push_back(kernels::call_count(op));
  const std::vector<Tensor> first = run(gpu());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const bool ran = kernels::call_count(ops[i]) > calls_before[i];
    CHECK_MESSAGE(ran,
                  "op " << std::string(kernels::op_table[static_cast<std::size_t>(ops[i])].name)
                        << " did not run");
    if (ran) gpu_ops_seen()[static_cast<std::size_t>(ops[i])] = true;
  }
  const std::vector<Tensor> second = run(gpu());
  REQUIRE(first.size() == expected.size());
  REQUIRE(second.size() == expected.size());
  REQUIRE((tolerances.size() == 1 || tolerances.size() == expected.size()));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Tolerance& tolerance = tolerances.size() == 1 ? tolerances[0] : tolerances[i];
    INFO("output " << i << ": " << first[i].description() << ", tolerance " << tolerance.absolute
                   << " + " << tolerance.relative << " |cpu|");
    CHECK(first[i].device().is_cuda());
    CHECK_CLOSE(first[i], expected[i], tolerance.absolute, tolerance.relative);
    CHECK_MESSAGE(bitwise_equal(first[i], second[i]), "two CUDA runs differ in output " << i);
  }
}

bool ran_on_gpu(kernels::Op op) { return gpu_ops_seen()[static_cast<std::size_t>(op)]; }

}  // namespace engine::testing
