// bfloat16 as a storage type: the upper 16 bits of an IEEE float32.
// Conversion rounds to nearest even, as cuDNN and PyTorch do, and keeps NaN a NaN.
#pragma once

#include <cstdint>
#include <cstring>

#include "tensor/dtype.h"

namespace engine {

struct BFloat16 {
  std::uint16_t bits = 0;
};

inline BFloat16 to_bfloat16(float value) {
  std::uint32_t word;
  std::memcpy(&word, &value, sizeof word);
  if ((word & 0x7f800000u) == 0x7f800000u && (word & 0x007fffffu) != 0) {
    return BFloat16{static_cast<std::uint16_t>((word >> 16) | 0x0040u)};  // quiet NaN
  }
  const std::uint32_t rounding = 0x7fffu + ((word >> 16) & 1u);
  return BFloat16{static_cast<std::uint16_t>((word + rounding) >> 16)};
}

inline float to_float(BFloat16 value) {
  const std::uint32_t word = static_cast<std::uint32_t>(value.bits) << 16;
  float result;
  std::memcpy(&result, &word, sizeof result);
  return result;
}

template <>
struct DTypeOf<BFloat16> {
  static constexpr DType value = DType::BFloat16;
};

}  // namespace engine
