// Tensor basics: creation, views, copies between dtypes, bfloat16 rounding, the caching allocator.
#include "tensor/tensor.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "tensor/allocator.h"
#include "tensor/bfloat16.h"
#include "tests/harness/compare.h"

namespace engine {

TEST_CASE("a new tensor is contiguous with row-major strides") {
  const Tensor t = Tensor::zeros({2, 3, 4});
  CHECK(t.shape() == Shape{2, 3, 4});
  CHECK(t.strides() == Strides{12, 4, 1});
  CHECK(t.numel() == 24);
  CHECK(t.bytes() == 96);
  CHECK(t.is_contiguous());
  CHECK(t.dtype() == DType::Float32);
  CHECK(t.device() == Device::cpu());
  CHECK(t.size(-1) == 4);
  CHECK(t.description() == "float32[2, 3, 4] on cpu");
  for (float v : t.to_vector<float>()) CHECK(v == 0.0f);
}

TEST_CASE("full, from_vector and item") {
  CHECK(Tensor::full({}, 2.5, DType::Float64).item<double>() == 2.5);
  const Tensor t = Tensor::from_vector<std::int64_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(t.dtype() == DType::Int64);
  CHECK(t.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});
  CHECK_THROWS_WITH(Tensor::from_vector<float>({1, 2, 3}, {2, 2}),
                    doctest::Contains("3 values for shape [2, 2]"));
  CHECK_THROWS_WITH(t.item<std::int64_t>(), doctest::Contains("item() of int64[2, 3]"));
  CHECK_THROWS_WITH(t.to_vector<float>(), doctest::Contains("to_vector<float32>() on a int64"));
}

TEST_CASE("views share storage; narrow gives a strided view that copies correctly") {
  const Tensor t = Tensor::from_vector<float>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4});
  const Tensor v = t.view({4, 3});
  CHECK(v.same_storage(t));
  v.data<float>()[0] = 42.0f;
  CHECK(t.to_vector<float>()[0] == 42.0f);

  const Tensor columns = t.narrow(1, 1, 2);  // [[1, 2], [5, 6], [9, 10]]
  CHECK(columns.shape() == Shape{3, 2});
  CHECK_FALSE(columns.is_contiguous());
  CHECK(columns.to_vector<float>() == std::vector<float>{1, 2, 5, 6, 9, 10});
  CHECK_THROWS_WITH(columns.view({6}), doctest::Contains("non-contiguous"));
  CHECK_THROWS(t.narrow(0, 2, 2));
  CHECK(t.narrow(0, 1, 2).is_contiguous());  // whole rows stay contiguous
  CHECK(t.narrow(0, 1, 2).to_vector<float>()[0] == 4.0f);
}

TEST_CASE("dtype conversions go through the copy op and round as documented") {
  const Tensor f = Tensor::from_vector<float>({-2.75f, -0.5f, 0.0f, 1.5f, 255.9f}, {5});
  CHECK(f.to(DType::Int32).to_vector<std::int32_t>() ==
        std::vector<std::int32_t>{-2, 0, 0, 1, 255});
  CHECK(f.to(DType::Float64).to_vector<double>() ==
        std::vector<double>{-2.75, -0.5, 0.0, 1.5, static_cast<double>(255.9f)});
  const Tensor back = f.to(DType::Float64).to(DType::Float32);
  CHECK(testing::bitwise_equal(back, f));
  CHECK(f.to(DType::Float32).same_storage(f));  // already float32: no copy
}

TEST_CASE("bfloat16 rounds to nearest even and keeps NaN and infinity") {
  CHECK(to_float(to_bfloat16(1.0f)) == 1.0f);
  // 1 + 2^-8 lies exactly halfway between bfloat16 neighbours 1 and 1 + 2^-7: ties go to even (1).
  CHECK(to_float(to_bfloat16(1.0f + 1.0f / 256.0f)) == 1.0f);
  // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 (odd mantissa) and 1 + 2^-6: rounds up to even.
  CHECK(to_float(to_bfloat16(1.0f + 3.0f / 256.0f)) == 1.0f + 1.0f / 64.0f);
  CHECK(std::isnan(to_float(to_bfloat16(std::numeric_limits<float>::quiet_NaN()))));
  CHECK(std::isinf(to_float(to_bfloat16(std::numeric_limits<float>::infinity()))));
  const Tensor t = Tensor::from_vector<float>({3.140625f, -0.0078125f}, {2}).to(DType::BFloat16);
  CHECK(t.bytes() == 4);
  CHECK(t.to(DType::Float32).to_vector<float>() == std::vector<float>{3.140625f, -0.0078125f});
}

TEST_CASE("the CPU caching allocator reuses freed blocks") {
  Allocator& allocator = cpu_allocator();
  const AllocatorStats before = allocator.stats();
  { Tensor first = Tensor::empty({1000, 37}); }
  const AllocatorStats middle = allocator.stats();
  { Tensor second = Tensor::empty({1000, 37}); }
  const AllocatorStats after = allocator.stats();
  CHECK(after.cache_hits == middle.cache_hits + 1);
  CHECK(after.system_allocations == middle.system_allocations);
  CHECK(after.bytes_in_use == before.bytes_in_use);
  CHECK(allocation_bucket(1) == 512);
  CHECK(allocation_bucket(513) == 1024);
  CHECK(allocation_bucket((1 << 20) + 1) == (1 << 20) + (1 << 17));  // 1/16 of 2 MiB steps
  CHECK(allocation_bucket(3u << 20) == 3u << 20);
}

TEST_CASE("devices parse and a CPU-only machine refuses CUDA memory with a reason") {
  CHECK(device_from_name("cpu") == Device::cpu());
  CHECK(device_from_name("cuda:1") == Device::cuda(1));
  CHECK_THROWS_WITH(device_from_name("gpu"), doctest::Contains("unknown device 'gpu'"));
  if (device_runtime::cuda_device_count() == 0) {
    CHECK_FALSE(device_runtime::cuda_unavailable_reason().empty());
    CHECK_THROWS(Tensor::empty({4}, DType::Float32, Device::cuda(0)));
  }
}

}  // namespace engine

namespace engine {

TEST_CASE("pinned tensors are CPU tensors; ordinary memory where no GPU is present") {
  Tensor pinned = Tensor::empty_pinned({4, 3});
  CHECK(pinned.device() == Device::cpu());
  for (int i = 0; i < 12; ++i) pinned.data<float>()[i] = 2.5f;
  CHECK(pinned.to_vector<float>()[11] == 2.5f);
  CHECK(device_runtime::pinned_host_memory_available() ==
        (device_runtime::cuda_device_count() > 0));
  if (!device_runtime::pinned_host_memory_available()) {
    CHECK(&device_runtime::pinned_host_allocator() == &cpu_allocator());
  }
}

}  // namespace engine
