// Shared by the predict_app tests: checkpoints written directly (no training: milliseconds), with
// the metadata train_app writes, a given calibration and undetermined band; phantom images; and
// running predict_app's command line with its output captured.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tensor/json.h"

namespace engine::apps::testing {

// The calibration block of a train_app checkpoint: temperature (fitted), and an undetermined band
// that reached `target` at `threshold` (reached = false: no threshold).
Json calibration_block(double temperature, bool reached, double threshold, double target = 0.95);

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
