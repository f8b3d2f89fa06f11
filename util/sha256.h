// SHA-256 (FIPS 180-4), so a run record can name exactly which bytes were trained or evaluated on
// and a checkpoint can prove its tensors unchanged. Written here, from the standard, rather than
// taken from a crypto library: the engine's only outside dependencies are BLAS, stb and CUDA.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace engine {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Incremental hashing: update() any number of times, then finish() once.
class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::uint8_t> bytes);
  void update(std::string_view text);
  Sha256Digest finish();  // the object must not be used after this

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
  bool finished_ = false;
};

Sha256Digest sha256(std::span<const std::uint8_t> bytes);
std::string to_hex(const Sha256Digest& digest);  // 64 lowercase hex digits
std::string sha256_hex(std::span<const std::uint8_t> bytes);
std::string sha256_hex(std::string_view text);

}  // namespace engine
