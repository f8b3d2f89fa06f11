#include "data/file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "data/error.h"
#include "util/sha256.h"

namespace engine::data {

namespace {

template <typename Container>
void write_all(const std::filesystem::path& file, const Container& bytes) {
  std::FILE* stream = std::fopen(file.string().c_str(), "wb");
  if (stream == nullptr) {
    throw DataError(file.string() + ": cannot open for writing (" + std::strerror(errno) + ")");
  }
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), stream) == bytes.size();
  if (std::fclose(stream) != 0 || !written) throw DataError(file.string() + ": write failed");
}

template <typename Container>
Container read_all(const std::filesystem::path& file) {
  std::error_code status_error;
  const std::filesystem::file_status status = std::filesystem::status(file, status_error);
  if (!std::filesystem::exists(status)) {
    throw DataError(file.string() + ": " + missing_file_reason(file, status_error));
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw DataError(file.string() + ": not a regular file");
  }
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    throw DataError(file.string() + ": cannot open for reading (" + std::strerror(errno) + ")");
  }
  stream.seekg(0, std::ios::end);
  const std::streamoff size = stream.tellg();
  stream.seekg(0, std::ios::beg);
  if (size < 0) throw DataError(file.string() + ": cannot determine the file size");
  Container bytes(static_cast<std::size_t>(size), 0);
  if (size > 0 && !stream.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw DataError(file.string() + ": read failed after " + std::to_string(stream.gcount()) +
                    " of " + std::to_string(size) + " bytes");
  }
  return bytes;
}

}  // namespace

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& file) {
  return read_all<std::vector<std::uint8_t>>(file);
}

std::string read_file_text(const std::filesystem::path& file) {
  return read_all<std::string>(file);
}

void write_file_bytes(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes) {
  write_all(file, bytes);
}

void write_file_text(const std::filesystem::path& file, const std::string& text) {
  write_all(file, text);
}

std::string sha256_file_hex(const std::filesystem::path& file) {
  return sha256_hex(read_file_bytes(file));
}

std::string missing_file_reason(const std::filesystem::path& file, const std::error_code& error) {
  if (error == std::errc::too_many_symbolic_link_levels) {
    return "a symbolic link loop (too many levels of symbolic links)";
  }
  std::error_code link_error;
  if (std::filesystem::is_symlink(std::filesystem::symlink_status(file, link_error))) {
    const std::filesystem::path target = std::filesystem::read_symlink(file, link_error);
    return "a symbolic link to a missing file (-> " + target.string() + ")";
  }
  if (!error || error == std::errc::no_such_file_or_directory) return "file not found";
  return "cannot be read (" + error.message() + ")";
}

std::filesystem::path resolved_path(const std::filesystem::path& path, std::string* error) {
  std::error_code code;
  // An empty path (the parent of a bare file name) is the current folder.
  const std::filesystem::path absolute =
      std::filesystem::absolute(path.empty() ? "." : path, code).lexically_normal();
  std::filesystem::path resolved = std::filesystem::weakly_canonical(absolute, code);
  if (!code) return resolved;
  if (error != nullptr) *error = code.message();
  return absolute;
}

bool lies_inside(const std::filesystem::path& inside, const std::filesystem::path& folder) {
  auto inside_part = inside.begin();
  for (auto folder_part = folder.begin(); folder_part != folder.end();
       ++folder_part, ++inside_part) {
    // A trailing separator is an empty last element: it does not make the folder a longer path.
    if (folder_part->empty() && std::next(folder_part) == folder.end()) break;
    if (inside_part == inside.end() || *inside_part != *folder_part) return false;
  }
  return true;
}

}  // namespace engine::data
