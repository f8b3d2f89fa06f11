// The engine's checkpoint: a round trip keeps every weight bit and the metadata; a flipped byte,
// a foreign file or a missing metadata entry is refused with the file named.
#include "models/checkpoint.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "models/registry.h"
#include "models/safetensors.h"
#include "models/weights.h"
#include "tests/harness/compare.h"

namespace engine::models {

namespace {

CheckpointInfo info_for(const Model& model) {
  CheckpointInfo info;
  info.architecture = model.architecture();
  info.options = model.options();
  info.class_names = {"female", "male"};
  info.input_size = model.input_size();
  info.preprocessing.set("mean", Json(0.485));
  info.calibration = Json::object();
  info.calibration.set("temperature", Json(1.5));
  return info;
}

struct TemporaryFile {
  std::filesystem::path path;
  explicit TemporaryFile(const char* name) : path(std::filesystem::temp_directory_path() / name) {}
  ~TemporaryFile() { std::filesystem::remove(path); }
};

}  // namespace

TEST_CASE("a checkpoint round trip keeps the weights, buffers and metadata") {
  ModelOptions options;
  options.seed = 5;
  auto model = create_model("efficientnet_b0", options);
  TemporaryFile file("engine_checkpoint_test.safetensors");
  TrainingState state;
  state.tensors["optimizer.state.fc.weight.exp_avg"] = Tensor::full({2, 3}, 0.25);
  state.counters.set("epoch", Json(3));
  save_checkpoint(file.path, *model, info_for(*model), &state);

  const LoadedCheckpoint loaded = load_checkpoint(file.path);
  CHECK(loaded.info.architecture == "efficientnet_b0");
  CHECK(loaded.info.options.seed == 5);
  CHECK(loaded.info.class_names == std::vector<std::string>{"female", "male"});
  CHECK(loaded.info.input_size == 224);
  CHECK(loaded.info.calibration.at("temperature").as_number() == 1.5);
  CHECK(loaded.info.engine_version == ENGINE_VERSION);
  CHECK(loaded.tensor_sha256.size() == 64);
  const auto ours = model->named_state(), theirs = loaded.model->named_state();
  REQUIRE(ours.size() == theirs.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    CHECK(ours[i].name == theirs[i].name);
    CHECK(testing::bitwise_equal(*ours[i].tensor, *theirs[i].tensor));
  }
  REQUIRE(loaded.training_state.has_value());
  CHECK(loaded.training_state->counters.at("epoch").as_integer() == 3);
  CHECK(loaded.training_state->tensors.at("optimizer.state.fc.weight.exp_avg")
            .to_vector<float>()[5] == 0.25f);
}

TEST_CASE("tampering with a single byte of the weights is detected") {
  auto model = create_model("resnet18");
  TemporaryFile file("engine_checkpoint_tamper.safetensors");
  save_checkpoint(file.path, *model, info_for(*model));
  std::vector<std::uint8_t> bytes = read_file_bytes(file.path.string());
  bytes[bytes.size() - 1000] ^= 0x01;  // a low mantissa bit of one weight near the end
  write_file_atomically(file.path.string(), bytes);
  CHECK_THROWS_WITH(load_checkpoint(file.path), doctest::Contains("is corrupted or was modified"));
}

// Replaces the first occurrence of `from` in the file's bytes by `to` (same length, so the
// safetensors header stays well formed).
void edit_file(const std::filesystem::path& path, const std::string& from, const std::string& to) {
  REQUIRE(from.size() == to.size());
  std::vector<std::uint8_t> bytes = read_file_bytes(path.string());
  std::string text(bytes.begin(), bytes.end());
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  std::copy(to.begin(), to.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
  write_file_atomically(path.string(), bytes);
}

TEST_CASE("editing the metadata (temperature, input size, class names) is detected") {
  auto model = create_model("resnet18");
  TemporaryFile file("engine_checkpoint_metadata.safetensors");
  const std::vector<std::pair<std::string, std::string>> edits = {
      {R"(temperature\":1.5)", R"(temperature\":0.5)"},
      {R"(input_size\":224)", R"(input_size\":112)"},
      {R"(female\",\"male)", R"(male\",\"female)"}};
  for (const auto& [from, to] : edits) {
    CAPTURE(from);
    save_checkpoint(file.path, *model, info_for(*model));
    CHECK(read_checkpoint(file.path).checkpoint_sha256.size() == 64);
    edit_file(file.path, from, to);
    CHECK_THROWS_WITH(load_checkpoint(file.path), doctest::Contains("was modified: its metadata"));
  }
}

TEST_CASE("a checkpoint of format version 1 (unsigned metadata) is refused by name") {
  auto model = create_model("resnet18");
  TemporaryFile file("engine_checkpoint_version1.safetensors");
  save_checkpoint(file.path, *model, info_for(*model));
  edit_file(file.path, R"(format_version\":2)", R"(format_version\":1)");
  CHECK_THROWS_WITH(load_checkpoint(file.path),
                    doctest::Contains("format version 1: its metadata"));
}

TEST_CASE("foreign weights are not mistaken for a checkpoint") {
  auto model = create_model("resnet18");
  TemporaryFile file("engine_checkpoint_foreign.safetensors");
  write_safetensors(file.path.string(), export_state(*model), {{"format", "pt"}});
  CHECK_THROWS_WITH(
      load_checkpoint(file.path),
      doctest::Contains("is not an engine checkpoint (no engine.checkpoint metadata)"));
  CHECK_THROWS_WITH(load_checkpoint("/nonexistent/best.safetensors"),
                    doctest::Contains("/nonexistent/best.safetensors"));
}

TEST_CASE("transfer import keeps the backbone and re-initialises a 1000-class head") {
  ModelOptions imagenet;
  imagenet.classes = 1000;
  imagenet.seed = 1;
  const auto source = create_model("resnet18", imagenet);
  const auto state = export_state(*source);
  auto target = create_model("resnet18");  // 2 classes, seed 0
  const Tensor head_before = target->submodule("fc").named_parameters()[0].tensor->clone();
  const ImportReport report = import_state(*target, state, ImportPolicy::transfer, "imagenet.st");
  CHECK(report.loaded.size() == state.size() - 2);
  REQUIRE(report.kept_initialised.size() == 2);
  CHECK(report.kept_initialised[0].find("fc.weight: file has float32[1000, 512]") == 0);
  CHECK(report.summary().find("re-initialised") != std::string::npos);
  CHECK(testing::bitwise_equal(*target->submodule("fc").named_parameters()[0].tensor, head_before));
  CHECK(testing::bitwise_equal(*target->named_parameters()[0].tensor,
                               *source->named_parameters()[0].tensor));
  CHECK_THROWS_WITH(import_state(*target, state, ImportPolicy::exact, "imagenet.st"),
                    doctest::Contains("imagenet.st does not fit resnet18 (2 problems)"));
}

TEST_CASE("the fuzz target's seed checkpoints verify with the engine's own reader") {
  // tests/fuzz/make_seed_corpus.py writes them from the format description; if the format
  // changes, this fails instead of the fuzzer silently starting from files it rejects.
  const std::filesystem::path corpus =
      std::filesystem::path(ENGINE_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "safetensors";
  const CheckpointContents plain = read_checkpoint(corpus / "checkpoint.safetensors");
  CHECK(plain.info.architecture == "resnet18");
  CHECK(plain.model_state.size() == 2);
  CHECK_FALSE(plain.training_state.has_value());
  const CheckpointContents training = read_checkpoint(corpus / "checkpoint_training.safetensors");
  REQUIRE(training.training_state.has_value());
  CHECK(training.training_state->counters.at("epochs_done").as_integer() == 1);
  CHECK(training.training_state->tensors.size() == 2);
  CHECK(training.checkpoint_sha256 != plain.checkpoint_sha256);
  // parse_checkpoint on the bytes is the same reading.
  CHECK(parse_checkpoint(read_file_bytes((corpus / "checkpoint.safetensors").string()), "seed")
            .checkpoint_sha256 == plain.checkpoint_sha256);
}

}  // namespace engine::models
