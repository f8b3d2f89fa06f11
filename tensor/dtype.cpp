#include "tensor/dtype.h"

#include <stdexcept>

namespace engine {

std::size_t size_of(DType dtype) {
  switch (dtype) {
    case DType::Float32: return 4;
    case DType::Float64: return 8;
    case DType::BFloat16: return 2;
    case DType::UInt8: return 1;
    case DType::Int32: return 4;
    case DType::Int64: return 8;
  }
  throw std::logic_error("size_of: unknown dtype");
}

const char* name_of(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::BFloat16: return "bfloat16";
    case DType::UInt8: return "uint8";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
  }
  throw std::logic_error("name_of: unknown dtype");
}

DType dtype_from_name(const std::string& name) {
  for (DType dtype : {DType::Float32, DType::Float64, DType::BFloat16, DType::UInt8, DType::Int32,
                      DType::Int64}) {
    if (name == name_of(dtype)) return dtype;
  }
  throw std::invalid_argument("unknown dtype '" + name +
                              "' (known: float32, float64, bfloat16, uint8, int32, int64)");
}

bool is_floating(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::Float64 || dtype == DType::BFloat16;
}

}  // namespace engine
