// Whole files in and out, for every layer: an atomic write (run records, reports, checkpoints) and
// a plain read. Errors name the file and the system's reason.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace engine {

// Atomic: the bytes go to a temporary file beside `path`, are flushed to disk, then renamed over
// it, so a crash leaves either the old file or the new one, never a torn one.
void write_file_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> read_file_bytes(const std::string& path);

}  // namespace engine
