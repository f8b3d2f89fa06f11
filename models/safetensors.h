// Reading and writing the safetensors format (huggingface/safetensors, format description in its
// README): an 8-byte little-endian header length, a JSON header mapping each tensor name to
// {dtype, shape, data_offsets} plus an optional "__metadata__" object of strings, then the raw
// little-endian tensor bytes. Written here from the format description, not from its code.
//
// The reader trusts nothing: every length, offset, shape and dtype is checked before a byte is
// read, offsets must tile the data section exactly (no overlaps, no holes, as the format demands),
// and every error names the file and the tensor.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"
#include "util/file_io.h"  // read_file_bytes, write_file_atomically

namespace engine {

struct SafetensorsContent {
  std::map<std::string, std::string> metadata;
  std::vector<std::pair<std::string, Tensor>> tensors;  // CPU tensors, in data-offset order
};

class SafetensorsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// F16 tensors are widened to float32 on reading (timm publishes some weights in half precision);
// BOOL and the 8/16-bit integer types other than U8 are rejected.
SafetensorsContent read_safetensors(const std::string& path);
SafetensorsContent parse_safetensors(const std::vector<std::uint8_t>& bytes,
                                     const std::string& origin);

// Tensors are written in the given order (any device; copied to the host). Names must be unique.
std::vector<std::uint8_t> encode_safetensors(
    const std::vector<std::pair<std::string, Tensor>>& tensors,
    const std::map<std::string, std::string>& metadata);
// Atomic: the bytes go to a temporary file beside `path`, are flushed to disk, then renamed over
// it, so a crash leaves either the old file or the new one, never a torn one.
void write_safetensors(const std::string& path,
                       const std::vector<std::pair<std::string, Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata);

}  // namespace engine
