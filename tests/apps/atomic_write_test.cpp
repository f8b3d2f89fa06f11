// A checkpoint writer killed at any moment leaves the previous file whole: save_checkpoint
// writes through write_file_atomically (temporary file, fsync, rename), tested here by killing a
// child process in the middle of rewriting a checkpoint, many times at different moments.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models/checkpoint.h"
#include "models/registry.h"
#include "tests/apps/training_support.h"
#include "util/file_io.h"

namespace engine::apps::testing {

TEST_CASE("killing a checkpoint writer never leaves a torn checkpoint") {
  TemporaryFolder folder("apps_atomic");
  std::filesystem::create_directories(folder.path);
  const std::filesystem::path path = folder.path / "last.safetensors";

  models::ModelOptions first_options, second_options;
  second_options.seed = 99;
  auto first = models::create_model("resnet18", first_options);
  auto second = models::create_model("resnet18", second_options);
  models::CheckpointInfo info;
  info.architecture = "resnet18";
  info.class_names = {"female", "male"};
  info.input_size = 224;
  models::save_checkpoint(path, *first, info);
  const std::string old_digest = models::read_checkpoint(path).tensor_sha256;
  // The replacement is encoded by the parent: the child only writes bytes (no threads needed).
  models::save_checkpoint(folder.path / "new.safetensors", *second, info);
  const std::vector<std::uint8_t> replacement =
      read_file_bytes((folder.path / "new.safetensors").string());
  const std::string new_digest =
      models::read_checkpoint(folder.path / "new.safetensors").tensor_sha256;

  int saw_old = 0, saw_new = 0;
  for (int attempt = 0; attempt < 12; ++attempt) {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      for (;;) write_file_atomically(path.string(), replacement);  // until killed
    }
    usleep(2000 + attempt * 25000);  // kill at a different point of the write each time
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    const std::string digest = models::read_checkpoint(path).tensor_sha256;  // throws if torn
    CHECK((digest == old_digest || digest == new_digest));
    (digest == old_digest ? saw_old : saw_new) += 1;
  }
  MESSAGE("old file seen " << saw_old << " times, new file " << saw_new << " times");
  for (const auto& entry : std::filesystem::directory_iterator(folder.path)) {
    // Leftover temporaries from killed writers are never mistaken for the checkpoint itself.
    CHECK((entry.path().filename().string().find(".partial-") != std::string::npos ||
           entry.path().extension() == ".safetensors"));
  }
}

}  // namespace engine::apps::testing
