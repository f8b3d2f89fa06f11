// Trace mode writes one JSON line per op with shapes, backend and a checksum of each output.
#include "kernels/trace.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "autograd/functions.h"
#include "kernels/ops.h"

namespace engine {

TEST_CASE("trace records each op with its outputs' checksums") {
  const std::string path = "trace_test_output.jsonl";
  kernels::start_trace(path);
  const Tensor x = Tensor::from_vector<float>({-1.0f, 2.0f, -3.0f, 4.0f}, {2, 2});
  const Tensor y = relu(x);  // from_vector does not pass the seam; relu does
  kernels::stop_trace();
  CHECK_FALSE(kernels::trace_active());

  std::ifstream file(path);
  std::string line, last;
  int lines = 0;
  while (std::getline(file, line)) {
    ++lines;
    last = line;
  }
  std::remove(path.c_str());
  REQUIRE(lines >= 1);
  CHECK(last.find("\"op\":\"relu_forward\"") != std::string::npos);
  CHECK(last.find("\"backend\":\"cpu\"") != std::string::npos);
  CHECK(last.find("\"shape\":[2, 2]") != std::string::npos);
  CHECK(last.find("\"sum\":6") != std::string::npos);  // relu keeps 2 and 4
  CHECK(last.find("\"fnv1a\":\"") != std::string::npos);
}

TEST_CASE("contract violations at the seam name the op and the argument") {
  const Tensor a = Tensor::zeros({2, 3});
  const Tensor b = Tensor::zeros({3, 2});
  Tensor out = Tensor::empty({2, 3});
  CHECK_THROWS_WITH(kernels::add(a, b, out),
                    doctest::Contains("add: b float32[3, 2] on cpu must have the shape of a"));
  const Tensor d = Tensor::zeros({2, 3}, DType::Float64);
  CHECK_THROWS_WITH(kernels::add(a, d, out),
                    doctest::Contains("add: b is float64[2, 3] on cpu but a is float32"));
  Tensor strided = Tensor::zeros({2, 6}).narrow(1, 0, 3);
  CHECK_THROWS_WITH(kernels::relu_forward(strided, out), doctest::Contains("must be contiguous"));
}

TEST_CASE("the op table and the counters agree with ops.def") {
  CHECK(kernels::op_count == 41);
  CHECK(std::string(kernels::op_table[static_cast<int>(kernels::Op::conv2d_forward)].name) ==
        "conv2d_forward");
  const std::uint64_t before = kernels::call_count(kernels::Op::sigmoid_forward);
  sigmoid(Tensor::zeros({3}));
  CHECK(kernels::call_count(kernels::Op::sigmoid_forward) == before + 1);
}

}  // namespace engine
