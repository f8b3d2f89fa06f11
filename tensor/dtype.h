// Element types a tensor can hold, and what the engine knows about each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace engine {

enum class DType : std::uint8_t { Float32, Float64, BFloat16, UInt8, Int32, Int64 };

std::size_t size_of(DType dtype);
const char* name_of(DType dtype);
// Parses "float32", "float64", "bfloat16", "uint8", "int32", "int64"; throws on anything else.
DType dtype_from_name(const std::string& name);
bool is_floating(DType dtype);

// Maps a C++ element type to its DType, so typed accessors can check what they are given.
template <typename T>
struct DTypeOf;
template <>
struct DTypeOf<float> {
  static constexpr DType value = DType::Float32;
};
template <>
struct DTypeOf<double> {
  static constexpr DType value = DType::Float64;
};
template <>
struct DTypeOf<std::uint8_t> {
  static constexpr DType value = DType::UInt8;
};
template <>
struct DTypeOf<std::int32_t> {
  static constexpr DType value = DType::Int32;
};
template <>
struct DTypeOf<std::int64_t> {
  static constexpr DType value = DType::Int64;
};

}  // namespace engine
