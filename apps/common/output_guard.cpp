#include "apps/common/output_guard.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "data/file.h"

namespace engine::apps {

namespace {

using data::lies_inside;
using data::resolved_path;

// True when resolving changed nothing but making the path absolute: the message then need not
// show the resolved form.
bool same_or_absent(const std::filesystem::path& resolved, const std::filesystem::path& given) {
  std::error_code error;
  return resolved == std::filesystem::absolute(given, error).lexically_normal();
}

}  // namespace

std::string file_head(const std::filesystem::path& file, std::size_t limit) {
  std::ifstream stream(file, std::ios::binary);
  std::string head;
  char buffer[65536];
  while (stream && head.size() < limit) {
    stream.read(buffer, static_cast<std::streamsize>(std::min(sizeof buffer, limit - head.size())));
    head.append(buffer, static_cast<std::size_t>(std::max<std::streamsize>(stream.gcount(), 0)));
  }
  return head;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

OutputGuard::OutputGuard(std::string program, bool overwrite)
    : program_(std::move(program)), overwrite_(overwrite) {}

void OutputGuard::add_input(const std::filesystem::path& file, const std::string& role) {
  const std::size_t index = inputs_.size();
  inputs_.push_back({file, resolved_path(file), role});
  by_resolved_.emplace(inputs_.back().resolved.string(), index);
  struct stat status {};
  if (::stat(file.c_str(), &status) == 0)
    by_inode_.emplace(std::pair(status.st_dev, status.st_ino), index);
}

std::string OutputGuard::describe(const Input& input) const {
  std::string text = input.role + " " + input.given.string();
  if (!same_or_absent(input.resolved, input.given)) text += " (" + input.resolved.string() + ")";
  return text;
}

void OutputGuard::check_file(const std::filesystem::path& output, const std::string& what,
                             const OwnOutputTest& is_own_output) {
  const std::string never = "; " + program_ + " never writes over a file it reads";
  std::string error;
  const std::filesystem::path resolved = resolved_path(output, &error);
  if (!error.empty()) {
    throw OutputRefused(what + ": refused: the path cannot be resolved (" + error + ")");
  }
  const std::string shown = same_or_absent(resolved, output)
                                ? std::string()
                                : " (it resolves to " + resolved.string() + ")";
  if (const auto input = by_resolved_.find(resolved.string()); input != by_resolved_.end()) {
    throw OutputRefused(what + ": refused: it is " + describe(inputs_[input->second]) + shown +
                        never);
  }
  if (const auto claimed = claimed_.find(resolved.string()); claimed != claimed_.end()) {
    throw OutputRefused(what + ": refused: it is the same file as " + claimed->second + shown);
  }
  struct stat status {};
  if (::stat(output.c_str(), &status) != 0) {
    struct stat link {};
    if (::lstat(output.c_str(), &link) == 0) {
      throw OutputRefused(what + ": refused: it is a symbolic link to a file that does not exist" +
                          shown);
    }
  } else {
    if (S_ISDIR(status.st_mode)) throw OutputRefused(what + ": refused: it is a folder" + shown);
    if (const auto input = by_inode_.find(std::pair(status.st_dev, status.st_ino));
        input != by_inode_.end()) {
      throw OutputRefused(what + ": refused: it is the same file (a hard link) as " +
                          describe(inputs_[input->second]) + never);
    }
    if (!is_own_output(output)) {
      throw OutputRefused(what + ": refused: the file exists" + shown +
                          " and is not an earlier output of " + program_ +
                          "; choose another name (--overwrite replaces only " + program_ +
                          "'s own earlier outputs)");
    }
    if (!overwrite_) {
      throw OutputRefused(what + ": refused: the file exists" + shown + " (an earlier output of " +
                          program_ + "); add --overwrite to replace it, or choose another name");
    }
  }
  claimed_.emplace(resolved.string(), what);
}

void OutputGuard::check_folder(const std::filesystem::path& folder, const std::string& what) const {
  std::string error;
  const std::filesystem::path resolved = resolved_path(folder, &error);
  if (!error.empty()) {
    throw OutputRefused(what + ": refused: the folder cannot be resolved (" + error + ")");
  }
  for (const Input& input : inputs_) {
    if (lies_inside(input.resolved, resolved)) {
      throw OutputRefused(what + ": refused: " + describe(input) + " lies inside " +
                          resolved.string() + ", where " + program_ +
                          " writes; keep inputs outside the output folder");
    }
  }
}

}  // namespace engine::apps
