// train_app end to end on synthetic phantoms: it learns, an interrupted and resumed run ends with
// exactly the weights of an uninterrupted one, the run folder holds what the record promises,
// and a diverging run stops with the last good checkpoint intact.
#include <doctest/doctest.h>

#include <cmath>

#include "apps/train/run.h"
#include "apps/train/stage.h"
#include "models/checkpoint.h"
#include "models/registry.h"
#include "tests/apps/training_support.h"
#include "tests/harness/compare.h"
#include "util/file_io.h"

namespace engine::apps::testing {

namespace {

Json read_json(const std::filesystem::path& file) {
  const auto bytes = read_file_bytes(file.string());
  return Json::parse(std::string(bytes.begin(), bytes.end()));
}

void check_same_weights(const std::filesystem::path& a, const std::filesystem::path& b) {
  const auto first = models::read_checkpoint(a).model_state;
  const auto second = models::read_checkpoint(b).model_state;
  REQUIRE(first.size() == second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    INFO(first[i].first);
    CHECK(first[i].first == second[i].first);
    CHECK(engine::testing::bitwise_equal(first[i].second, second[i].second));
  }
}

}  // namespace

TEST_CASE("a short phantom run learns and leaves a complete run folder") {
  TemporaryFolder out("apps_learns");
  TrainingConfig config = small_config(out.path);
  config.epochs = 6;
  const RunOutcome outcome = run_training(config, "train_app (test)");
  const Json results = read_json(outcome.results_file);
  CHECK(results.at("kind").as_string() == "single");
  CHECK(results.at("data").at("synthetic").as_bool());
  // The CUDA convolutions' algorithm choices: none on the CPU.
  CHECK(results.at("run").at("convolution_algorithms").as_array().empty());
  const Json& model = results.at("models").as_array().at(0);
  CHECK(model.at("architecture").as_string() == "resnet18");
  CHECK(model.at("history").as_array().size() == 6);
  const double accuracy = model.at("test").at("accuracy").at("value").as_number();
  const double auc = model.at("test").at("auc").as_number();
  MESSAGE("test accuracy after 6 epochs at 64 px: " << accuracy << ", AUC " << auc);
  // Chance is 0.5 (the phantoms are balanced); the phantoms are built so that even their true
  // traits separate the sexes only to about 0.80 (tests/data/phantom_test.cpp), so a network
  // trained for seconds from scratch is expected well above chance, not near 1.
  CHECK(accuracy > 0.6);
  CHECK(auc > 0.75);
  for (const char* file :
       {"config.json", "split.csv", "results.json", "resnet18/epochs.csv",
        "resnet18/best.safetensors", "resnet18/stage1/last.safetensors",
        "resnet18/test_predictions.csv", "resnet18/validation_predictions.csv"}) {
    INFO(file);
    CHECK(std::filesystem::exists(out.path / file));
  }
  const models::LoadedCheckpoint best =
      models::load_checkpoint(out.path / "resnet18/best.safetensors");
  CHECK(best.info.calibration.at("temperature").as_number() > 0);
  CHECK(best.info.input_size == 64);
  CHECK(best.info.class_names == std::vector<std::string>{"female", "male"});
}

TEST_CASE("an interrupted run resumed with --resume ends bitwise equal to an uninterrupted one") {
  TemporaryFolder whole("apps_whole"), pieces("apps_pieces");
  TrainingConfig config = small_config(whole.path);
  run_training(config, "train_app (test, uninterrupted)");

  TrainingConfig interrupted = small_config(pieces.path);
  interrupted.interrupt_after_epochs = 1;
  CHECK_THROWS_AS(run_training(interrupted, "train_app (test, part 1)"), TrainingInterrupted);
  interrupted.resume = true;
  interrupted.interrupt_after_epochs = 1;
  CHECK_THROWS_AS(run_training(interrupted, "train_app (test, part 2)"), TrainingInterrupted);
  interrupted.interrupt_after_epochs = 0;
  run_training(interrupted, "train_app (test, part 3)");

  check_same_weights(whole.path / "resnet18/stage1/last.safetensors",
                     pieces.path / "resnet18/stage1/last.safetensors");
  check_same_weights(whole.path / "resnet18/best.safetensors",
                     pieces.path / "resnet18/best.safetensors");
  const Json a = read_json(whole.path / "results.json"),
             b = read_json(pieces.path / "results.json");
  CHECK(a.at("models").as_array()[0].at("test").dump() ==
        b.at("models").as_array()[0].at("test").dump());
}

TEST_CASE("a fresh run refuses a used folder, and --resume refuses changed settings") {
  TemporaryFolder out("apps_refuse");
  TrainingConfig config = small_config(out.path);
  config.epochs = 1;
  run_training(config, "train_app (test)");
  CHECK_THROWS_WITH(run_training(config, "again"), doctest::Contains("already holds a run"));
  config.resume = true;
  config.epochs = 2;
  CHECK_THROWS_WITH(run_training(config, "changed"), doctest::Contains("different settings"));
}

TEST_CASE("a loss that stops being finite stops training and keeps the last good checkpoint") {
  TemporaryFolder out("apps_diverge"), init("apps_diverge_init");
  std::filesystem::create_directories(init.path);
  // Initial weights with a NaN in the classifier: the first loss is NaN.
  models::ModelOptions options;
  auto model = models::create_model("resnet18", options);
  model->submodule("fc").named_parameters()[0].tensor->data<float>()[0] = NAN;
  models::CheckpointInfo info;
  info.architecture = "resnet18";
  info.class_names = {"female", "male"};
  info.input_size = 64;
  models::save_checkpoint(init.path / "nan.safetensors", *model, info);

  TrainingConfig config = small_config(out.path);
  config.init = (init.path / "nan.safetensors").string();
  CHECK_THROWS_WITH_AS(run_training(config, "train_app (test)"),
                       doctest::Contains("is not finite; training stopped"), TrainingDiverged);
  CHECK_FALSE(std::filesystem::exists(out.path / "resnet18/stage1/best.safetensors"));
}

}  // namespace engine::apps::testing
