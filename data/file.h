// Reading a whole file into memory, with errors that name the file and say what went wrong.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
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

// Why `file` cannot be opened, given the error std::filesystem::status reported for it: "file not
// found", "a symbolic link to a missing file (-> target)", "a symbolic link loop (too many levels
// of symbolic links)", or the system's own words.
std::string missing_file_reason(const std::filesystem::path& file, const std::error_code& error);

// The path with every symbolic link resolved (std::filesystem::weakly_canonical of the absolute
// path: the part that does not exist yet is kept as written, lexically normalised). An empty path
// is the current folder. Never throws:
// when resolving fails (a symbolic link loop) it returns the absolute, lexically normal path and,
// when `error` is given, says why there.
std::filesystem::path resolved_path(const std::filesystem::path& path,
                                    std::string* error = nullptr);
// True when `inside` is `folder` or lies below it, comparing whole path elements (both are taken
// as given: resolve them first).
bool lies_inside(const std::filesystem::path& inside, const std::filesystem::path& folder);

}  // namespace engine::data
