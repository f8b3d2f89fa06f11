// No program writes over a file it reads. Each program names its inputs (images, manifests, the
// model, initial weights, a split) and asks, before any work, whether each of its outputs may be
// written:
//   - an output that is one of the inputs, after resolving symlinks (weakly_canonical) or as a
//     hard link of it (same device and inode), is refused, always;
//   - an output that already exists and is not recognisably this program's own earlier output is
//     refused, always (the program says how it recognises its own files);
//   - an output that is the program's own earlier output is replaced only with --overwrite;
//   - two outputs of one run that are the same file are refused.
// A program that writes a whole folder (train_app's run folder) asks instead that no input lies
// inside the folder, after resolving symlinks on both sides.
// Every refusal is an OutputRefused naming the output as given and the input or existing file it
// collides with (as given and as resolved).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apps/common/arguments.h"

namespace engine::apps {

class OutputRefused : public ArgumentError {
 public:
  using ArgumentError::ArgumentError;
};

// True when the existing file is this program's own earlier output.
using OwnOutputTest = std::function<bool(const std::filesystem::path&)>;

class OutputGuard {
 public:
  // `overwrite`: --overwrite was given (own earlier outputs may be replaced).
  OutputGuard(std::string program, bool overwrite);

  // `role` says what the input is, e.g. "the model (--model)", "an input image".
  void add_input(const std::filesystem::path& file, const std::string& role);
  std::size_t input_count() const { return inputs_.size(); }

  // Throws OutputRefused when `output` may not be written; `what` names it for the message
  // (e.g. "--out results.json"). A later check of the same file (another output) is refused.
  void check_file(const std::filesystem::path& output, const std::string& what,
                  const OwnOutputTest& is_own_output);
  // Throws OutputRefused when an input lies inside `folder` (resolved).
  void check_folder(const std::filesystem::path& folder, const std::string& what) const;

 private:
  struct Input {
    std::filesystem::path given;
    std::filesystem::path resolved;
    std::string role;
  };
  std::string describe(const Input& input) const;

  std::string program_;
  bool overwrite_;
  std::vector<Input> inputs_;
  std::map<std::string, std::size_t> by_resolved_;           // resolved path -> input
  std::map<std::pair<dev_t, ino_t>, std::size_t> by_inode_;  // existing inputs
  std::map<std::string, std::string> claimed_;               // outputs checked so far
};

// The first `limit` bytes of a file (fewer when it is shorter; empty when unreadable).
std::string file_head(const std::filesystem::path& file, std::size_t limit = 4096);
bool starts_with(std::string_view text, std::string_view prefix);

}  // namespace engine::apps
