// Shared by the predict_app tests: checkpoints written directly (no training: milliseconds), with
// the metadata train_app writes, a given calibration and undetermined band; phantom images; and
// running predict_app's command line with its output captured.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/harness/calibration_block.h"
#include "util/json.h"

namespace engine::apps::testing {

using engine::testing::calibration_block;  // tests/harness/calibration_block.h

// An untrained model of `architecture` with train_app's metadata at `input_size` (preprocessing:
// pad, no CLAHE, ImageNet mean and std). calibration: null for a checkpoint without one.
void write_test_checkpoint(const std::filesystem::path& file, const std::string& architecture,
                           std::int64_t input_size, const Json& calibration,
                           std::uint64_t seed = 11);

// `count` phantoms (even female, odd male) as PNG files with a manifest.csv, in `folder`.
std::vector<std::filesystem::path> write_phantoms(const std::filesystem::path& folder, int count,
                                                  std::uint64_t seed, int size = 96);

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};
// predict_app with these arguments (argv[0] is added).
CommandResult run_predict(const std::vector<std::string>& arguments);

Json read_json_file(const std::filesystem::path& file);

}  // namespace engine::apps::testing
