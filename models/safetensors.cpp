#include "models/safetensors.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>

#include "tensor/bfloat16.h"
#include "util/file_io.h"
#include "util/json.h"

namespace engine {

namespace {

constexpr std::uint64_t maximum_header_bytes = 100'000'000;  // the format's own limit

struct FileDType {
  const char* code;
  DType dtype;        // what the tensor holds in memory
  std::size_t bytes;  // per element in the file
};

constexpr FileDType file_dtypes[] = {{"F64", DType::Float64, 8}, {"F32", DType::Float32, 4},
                                     {"F16", DType::Float32, 2}, {"BF16", DType::BFloat16, 2},
                                     {"I64", DType::Int64, 8},   {"I32", DType::Int32, 4},
                                     {"U8", DType::UInt8, 1}};

const char* code_of(DType dtype) {
  switch (dtype) {
    case DType::Float64: return "F64";
    case DType::Float32: return "F32";
    case DType::BFloat16: return "BF16";
    case DType::Int64: return "I64";
    case DType::Int32: return "I32";
    case DType::UInt8: return "U8";
  }
  return "?";
}

float half_to_float(std::uint16_t half) {
  const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
  std::uint32_t exponent = (half >> 10) & 0x1Fu;
  std::uint32_t mantissa = half & 0x3FFu;
  std::uint32_t bits;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000u | (mantissa << 13);  // infinity or NaN
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {  // subnormal half: normalise
    exponent = 113;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3FFu) << 13);
  }
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

struct Entry {
  std::string name;
  const FileDType* dtype;
  Shape shape;
  std::uint64_t begin, end;
};

Entry parse_entry(const std::string& name, const Json& description, const std::string& origin) {
  const auto fail = [&](const std::string& message) -> SafetensorsError {
    return SafetensorsError(origin + ": tensor '" + name + "': " + message);
  };
  if (!description.is_object()) throw fail("description is not an object");
  Entry entry{name, nullptr, {}, 0, 0};
  const Json* dtype = description.find("dtype");
  const Json* shape = description.find("shape");
  const Json* offsets = description.find("data_offsets");
  if (dtype == nullptr || !dtype->is_string()) throw fail("missing string 'dtype'");
  if (shape == nullptr || !shape->is_array()) throw fail("missing array 'shape'");
  if (offsets == nullptr || !offsets->is_array() || offsets->as_array().size() != 2) {
    throw fail("'data_offsets' must be [begin, end]");
  }
  for (const FileDType& known : file_dtypes) {
    if (dtype->as_string() == known.code) entry.dtype = &known;
  }
  if (entry.dtype == nullptr) {
    throw fail("unsupported dtype '" + dtype->as_string() +
               "' (supported: F64, F32, F16, BF16, I64, I32, U8)");
  }
  std::uint64_t elements = 1;
  for (const Json& extent : shape->as_array()) {
    if (!extent.is_integer() || extent.as_integer() < 0) throw fail("shape has a bad extent");
    const auto value = static_cast<std::uint64_t>(extent.as_integer());
    if (value != 0 && elements > std::numeric_limits<std::uint64_t>::max() / 16 / value) {
      throw fail("shape is absurdly large");
    }
    elements *= value;
    entry.shape.push_back(extent.as_integer());
  }
  for (const Json& offset : offsets->as_array()) {
    if (!offset.is_integer() || offset.as_integer() < 0)
      throw fail("negative or non-integer offset");
  }
  entry.begin = static_cast<std::uint64_t>(offsets->as_array()[0].as_integer());
  entry.end = static_cast<std::uint64_t>(offsets->as_array()[1].as_integer());
  if (entry.end < entry.begin) throw fail("data_offsets end before begin");
  if (entry.end - entry.begin != elements * entry.dtype->bytes) {
    throw fail("data_offsets span " + std::to_string(entry.end - entry.begin) +
               " bytes but dtype and shape need " + std::to_string(elements * entry.dtype->bytes));
  }
  return entry;
}

Tensor decode(const Entry& entry, const std::uint8_t* data) {
  Tensor tensor = Tensor::empty(entry.shape, entry.dtype->dtype);
  const std::uint8_t* source = data + entry.begin;
  if (std::string(entry.dtype->code) == "F16") {
    auto* out = tensor.data<float>();
    for (std::int64_t i = 0; i < tensor.numel(); ++i) {
      std::uint16_t half;
      std::memcpy(&half, source + 2 * i, 2);
      out[i] = half_to_float(half);
    }
  } else if (tensor.bytes() > 0) {
    std::memcpy(tensor.raw_data(), source, tensor.bytes());  // little-endian host (x86, ARM)
  }
  return tensor;
}

}  // namespace

SafetensorsContent parse_safetensors(const std::vector<std::uint8_t>& bytes,
                                     const std::string& origin) {
  if (bytes.size() < 8) throw SafetensorsError(origin + ": shorter than the 8-byte header length");
  std::uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i)
    header_bytes = (header_bytes << 8) | bytes[static_cast<std::size_t>(i)];
  if (header_bytes > maximum_header_bytes || header_bytes > bytes.size() - 8) {
    throw SafetensorsError(origin + ": header length " + std::to_string(header_bytes) +
                           " exceeds the file (" + std::to_string(bytes.size()) + " bytes)");
  }
  const std::string_view header_text(reinterpret_cast<const char*>(bytes.data() + 8), header_bytes);
  if (header_text.empty() || header_text.front() != '{') {
    throw SafetensorsError(origin + ": header does not start with '{'");
  }
  Json header;
  try {
    header = Json::parse(header_text);
  } catch (const JsonError& error) {
    throw SafetensorsError(origin + ": header is not valid JSON: " + error.what());
  }
  if (!header.is_object()) throw SafetensorsError(origin + ": header is not a JSON object");

  SafetensorsContent content;
  std::vector<Entry> entries;
  for (const auto& [name, description] : header.as_object()) {
    if (name == "__metadata__") {
      if (!description.is_object()) throw SafetensorsError(origin + ": __metadata__ not an object");
      for (const auto& [key, value] : description.as_object()) {
        if (!value.is_string()) {
          throw SafetensorsError(origin + ": metadata '" + key + "' is not a string");
        }
        content.metadata[key] = value.as_string();
      }
      continue;
    }
    entries.push_back(parse_entry(name, description, origin));
  }
  // The data section must be tiled exactly: sorted by offset, each entry starts where the
  // previous ended, and the last ends at the end of the file.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin < b.begin || (a.begin == b.begin && a.end < b.end);
  });
  const std::uint64_t data_bytes = bytes.size() - 8 - header_bytes;
  std::uint64_t expected = 0;
  for (const Entry& entry : entries) {
    if (entry.begin != expected) {
      throw SafetensorsError(origin + ": tensor '" + entry.name + "' starts at byte " +
                             std::to_string(entry.begin) + " of the data, expected " +
                             std::to_string(expected) + " (overlap or hole)");
    }
    expected = entry.end;
  }
  if (expected != data_bytes) {
    throw SafetensorsError(origin + ": tensors cover " + std::to_string(expected) +
                           " bytes but the data section has " + std::to_string(data_bytes));
  }
  const std::uint8_t* data = bytes.data() + 8 + header_bytes;
  for (const Entry& entry : entries) content.tensors.emplace_back(entry.name, decode(entry, data));
  return content;
}

SafetensorsContent read_safetensors(const std::string& path) {
  return parse_safetensors(read_file_bytes(path), path);
}

std::vector<std::uint8_t> encode_safetensors(
    const std::vector<std::pair<std::string, Tensor>>& tensors,
    const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) {
    Json meta = Json::object();
    for (const auto& [key, value] : metadata) meta.set(key, Json(value));
    header.set("__metadata__", std::move(meta));
  }
  std::set<std::string> names;
  std::uint64_t offset = 0;
  std::vector<Tensor> host;
  for (const auto& [name, tensor] : tensors) {
    if (name == "__metadata__" || !names.insert(name).second) {
      throw SafetensorsError("cannot write tensor named '" + name + "' (reserved or repeated)");
    }
    host.push_back(tensor.to(Device::cpu()).contiguous());
    Json shape = Json::array();
    for (std::int64_t extent : tensor.shape()) shape.push_back(Json(extent));
    Json description = Json::object();
    description.set("dtype", Json(code_of(tensor.dtype())));
    description.set("shape", std::move(shape));
    description.set("data_offsets", Json(Json::Array{Json(offset), Json(offset + tensor.bytes())}));
    header.set(name, std::move(description));
    offset += tensor.bytes();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // pad so the data starts 8-byte aligned
  std::vector<std::uint8_t> bytes(8 + text.size() + offset);
  for (int i = 0; i < 8; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(text.size() >> (8 * i));
  std::memcpy(bytes.data() + 8, text.data(), text.size());
  std::uint8_t* data = bytes.data() + 8 + text.size();
  for (const Tensor& tensor : host) {
    if (tensor.bytes() > 0) std::memcpy(data, tensor.raw_data(), tensor.bytes());
    data += tensor.bytes();
  }
  return bytes;
}

void write_safetensors(const std::string& path,
                       const std::vector<std::pair<std::string, Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  write_file_atomically(path, encode_safetensors(tensors, metadata));
}

}  // namespace engine
