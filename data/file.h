// Reading a whole file into memory, with errors that name the file and say what went wrong.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace engine::data {

// Throws DataError "<file>: ..." when the file is missing, not a regular file or unreadable.
// An empty file is returned as an empty vector: whether that is an error is the caller's call.
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& file);
std::string read_file_text(const std::filesystem::path& file);

// Create or replace `file`; throw DataError naming the file when writing fails.
void write_file_bytes(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes);
void write_file_text(const std::filesystem::path& file, const std::string& text);

// SHA-256 of a file's bytes (64 hex digits); throws DataError naming the file when unreadable.
std::string sha256_file_hex(const std::filesystem::path& file);

}  // namespace engine::data
