// The safetensors reader and writer: a file written by the reference Python library, round trips
// read back by Python, and every malformed header rejected with the file and tensor named.
#include "models/safetensors.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "tests/harness/compare.h"

namespace engine {

namespace {

const Tensor& find(const SafetensorsContent& content, const std::string& name) {
  for (const auto& [key, tensor] : content.tensors) {
    if (key == name) return tensor;
  }
  throw std::runtime_error("no tensor " + name);
}

// A file with a hand-written header and `data_bytes` zero bytes of data.
std::vector<std::uint8_t> handmade(const std::string& header, std::size_t data_bytes) {
  std::vector<std::uint8_t> bytes(8 + header.size() + data_bytes, 0);
  for (int i = 0; i < 8; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(header.size() >> (8 * i));
  std::memcpy(bytes.data() + 8, header.data(), header.size());
  return bytes;
}

void check_rejected(const std::string& header, std::size_t data_bytes, const std::string& message) {
  CAPTURE(header);
  CHECK_THROWS_WITH_AS(parse_safetensors(handmade(header, data_bytes), "bad.safetensors"),
                       doctest::Contains(message.c_str()), SafetensorsError);
}

}  // namespace

TEST_CASE("reads a file written by the Python safetensors library") {
  const SafetensorsContent content = read_safetensors(std::string(ENGINE_SOURCE_DIR) +
                                                      "/tests/fixtures/python_written.safetensors");
  CHECK(content.metadata.at("format") == "np");
  CHECK(content.metadata.at("note") == "fixture");
  const Tensor& weight = find(content, "conv.weight");
  CHECK(weight.shape() == Shape{2, 3, 1, 2});
  CHECK(weight.to_vector<float>()[5] == 1.25f);
  CHECK(find(content, "bn.num_batches_tracked").shape() == Shape{});
  CHECK(find(content, "bn.num_batches_tracked").item<std::int64_t>() == 7);
  // Half precision widens to float32 exactly, the smallest subnormal included.
  CHECK(find(content, "half").to_vector<float>() ==
        std::vector<float>{1.0f, -2.5f, 65504.0f, 5.960464477539063e-08f});
  CHECK(find(content, "bytes").to_vector<std::uint8_t>() == std::vector<std::uint8_t>{0, 1, 255});
  CHECK(find(content, "double").to_vector<double>() == std::vector<double>{1e-300, -3.25});
}

TEST_CASE("write then read gives the same tensors, names, order and metadata") {
  const std::vector<std::pair<std::string, Tensor>> tensors = {
      {"b", Tensor::from_vector<float>({1.5f, -2.0f, 3.0f}, {3})},
      {"a", Tensor::from_vector<std::int64_t>({42}, {})},
      {"empty", Tensor::zeros({0, 4})},
      {"bf16", Tensor::from_vector<float>({0.5f, 8.0f}, {2}).to(DType::BFloat16)}};
  const std::string path = "safetensors_test_roundtrip.safetensors";
  write_safetensors(path, tensors, {{"architecture", "resnet18"}});
  const SafetensorsContent back = read_safetensors(path);
  std::remove(path.c_str());
  REQUIRE(back.tensors.size() == 4);
  CHECK(back.metadata.at("architecture") == "resnet18");
  CHECK(back.tensors[0].first == "b");
  CHECK(testing::bitwise_equal(find(back, "b"), tensors[0].second));
  CHECK(find(back, "a").item<std::int64_t>() == 42);
  CHECK(find(back, "empty").shape() == Shape{0, 4});
  CHECK(testing::bitwise_equal(find(back, "bf16"), tensors[3].second));
  const auto bytes = encode_safetensors(tensors, {});
  const std::uint64_t header = bytes[0] | (std::uint64_t{bytes[1]} << 8);
  CHECK((8 + header) % 8 == 0);  // data section 8-byte aligned
  CHECK_THROWS_WITH(encode_safetensors({{"x", Tensor::zeros({1})}, {"x", Tensor::zeros({1})}}, {}),
                    doctest::Contains("'x'"));
}

TEST_CASE("malformed files are rejected before any data is read") {
  CHECK_THROWS_WITH(parse_safetensors({1, 2, 3}, "tiny.safetensors"),
                    doctest::Contains("tiny.safetensors: shorter than"));
  check_rejected(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 4,
                 "tensors cover 8 bytes but the data section has 4");
  std::vector<std::uint8_t> huge = handmade("{}", 0);
  huge[7] = 0x7f;  // header length near 2^63
  CHECK_THROWS_WITH(parse_safetensors(huge, "huge"), doctest::Contains("header length"));
  check_rejected("[1,2]", 0, "does not start with '{'");
  check_rejected("{\"x\":", 0, "not valid JSON");
  check_rejected(R"({"x":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})", 1,
                 "tensor 'x': unsupported dtype 'F8'");
  check_rejected(R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8,
                 "span 8 bytes but dtype and shape need 12");
  check_rejected(R"({"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4, "bad extent");
  check_rejected(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8,
                 "end before begin");
  check_rejected(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                 R"("y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                 12, "overlap or hole");
  check_rejected(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8, "overlap or hole");
  check_rejected(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 12,
                 "cover 4 bytes but the data section has 12");
  check_rejected(R"({"__metadata__":{"epoch":3}})", 0, "metadata 'epoch' is not a string");
  check_rejected(R"({"x":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],)"
                 R"("data_offsets":[0,4]}})",
                 4, "absurdly large");
  check_rejected(R"({"x":{"dtype":"F32","shape":[1]}})", 4, "'data_offsets' must be");
  CHECK_THROWS_WITH(read_safetensors("/nonexistent/model.safetensors"),
                    doctest::Contains("cannot open '/nonexistent/model.safetensors'"));
}

}  // namespace engine
