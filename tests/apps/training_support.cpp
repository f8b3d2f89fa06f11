#include "tests/apps/training_support.h"

#include <unistd.h>

#include "data/phantom.h"

namespace engine::apps::testing {

TemporaryFolder::TemporaryFolder(const std::string& name)
    : path(std::filesystem::temp_directory_path() /
           ("engine_" + name + "_" + std::to_string(::getpid()))) {
  std::filesystem::remove_all(path);
}

TemporaryFolder::~TemporaryFolder() { std::filesystem::remove_all(path); }

const std::filesystem::path& phantom_dataset() {
  static TemporaryFolder folder("apps_phantoms");
  static const bool written = [] {
    data::write_phantom_dataset(folder.path, 400, 7, 96);
    return true;
  }();
  (void)written;
  return folder.path;
}

TrainingConfig small_config(const std::filesystem::path& out) {
  TrainingConfig config;
  config.data = phantom_dataset().string();
  config.out = out.string();
  config.model = "resnet18";
  config.input_size = 64;
  config.epochs = 3;
  config.batch_size = 32;
  config.device = "cpu";
  config.workers = 1;
  config.bootstrap_replicates = 200;
  config.report = false;
  return config;
}

}  // namespace engine::apps::testing
