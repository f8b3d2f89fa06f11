// Shared by the train_app tests: a temporary folder, phantoms written once per test process, and
// a small, fast training configuration.
#pragma once

#include <filesystem>
#include <string>

#include "apps/train/config.h"

namespace engine::apps::testing {

struct TemporaryFolder {
  std::filesystem::path path;
  explicit TemporaryFolder(const std::string& name);
  ~TemporaryFolder();
};

// 400 synthetic phantoms at 96 px (written on first use, shared by the tests of this process).
const std::filesystem::path& phantom_dataset();

// ResNet-18 at 64 px, a few epochs, CPU, no report bootstrap cost: seconds per run.
TrainingConfig small_config(const std::filesystem::path& out);

}  // namespace engine::apps::testing
