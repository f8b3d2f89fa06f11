// The host-read counter (tensor/host_reads.h): which calls count, on which device, on which
// thread.
#include "tensor/host_reads.h"

#include <doctest/doctest.h>

#include <thread>

#include "tensor/tensor.h"

namespace engine::testing {

namespace {

// Reads from the CPU made by this thread while `code` runs.
template <typename Code>
std::int64_t cpu_reads_of(Code code) {
  const std::int64_t before = host_reads(DeviceKind::CPU);
  code();
  return host_reads(DeviceKind::CPU) - before;
}

}  // namespace

TEST_CASE("to_vector and item each count one read; to(cpu) of a CPU tensor counts none") {
  const Tensor values = Tensor::from_vector<float>({1, 2, 3}, {3});
  const Tensor one = Tensor::from_vector<float>({4}, {});
  CHECK(cpu_reads_of([&] { (void)values.to_vector<float>(); }) == 1);
  CHECK(cpu_reads_of([&] { (void)one.item<float>(); }) == 1);
  // On a GPU the copy to the host is the read, and item() of the copy reads the CPU: one on
  // either device.
  CHECK(cpu_reads_of([&] { (void)values.to(Device::cpu()); }) == 0);
  CHECK(cpu_reads_of([&] { (void)one.to(Device::cpu()).item<float>(); }) == 1);
}

TEST_CASE(
    "moving, viewing and computing on tensors, and reading a CPU tensor in place, count nothing") {
  const Tensor values = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
  CHECK(cpu_reads_of([&] {
          (void)values.view({4}).narrow(0, 1, 2);
          (void)values.to(DType::Float64);
          (void)values.clone();
          (void)values.data<float>()[0];
        }) == 0);
  CHECK(host_reads(DeviceKind::CUDA) == 0);  // nothing here is on a GPU
}

TEST_CASE("reads are counted for the thread that makes them") {
  const Tensor values = Tensor::from_vector<float>({1, 2}, {2});
  CHECK(cpu_reads_of([&] {
          std::thread other([&] { (void)values.to_vector<float>(); });
          other.join();
        }) == 0);
}

}  // namespace engine::testing
