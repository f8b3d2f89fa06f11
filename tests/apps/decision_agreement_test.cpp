// One decision policy, two programs: train_app's prediction CSV (its own evaluation and writer)
// and predict_app decide every case of the same checkpoint alike, with an undetermined band and
// without one (then every case is undetermined in both).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "apps/predict/decision.h"
#include "apps/train/dataset.h"
#include "apps/train/evaluation.h"
#include "apps/train/outputs.h"
#include "data/csv.h"
#include "data/file.h"
#include "models/checkpoint.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

namespace {

constexpr std::int64_t side = 64;

// A confidence threshold in the middle of the widest gap between the cases' confidences near
// their median, so that no case sits within rounding of it (train_app and predict_app compute
// the same logits in batches of different sizes).
double threshold_between(std::vector<double> confidences) {
  std::sort(confidences.begin(), confidences.end());
  const std::size_t middle = confidences.size() / 2;
  std::size_t best = middle;
  for (std::size_t i = middle / 2; i + 1 < confidences.size() && i < middle + middle / 2; ++i) {
    if (confidences[i + 1] - confidences[i] > confidences[best + 1] - confidences[best]) best = i;
  }
  return 0.5 * (confidences[best] + confidences[best + 1]);
}

}  // namespace

TEST_CASE("train_app's prediction CSV and predict_app decide every case alike, band or none") {
  TemporaryFolder folder("decision_agreement");
  write_phantoms(folder.path / "images", 24, 99, 96);
  const Dataset dataset = load_dataset((folder.path / "images").string(), "auto", "auto");
  data::PreprocessConfig preprocess;
  preprocess.side = static_cast<int>(side);
  const data::ImageCache cache = data::build_cache(dataset.manifest, preprocess);
  std::vector<std::size_t> all(cache.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;

  // An untrained network: its probabilities spread a little around 0.5, enough for a band.
  const std::filesystem::path probe = folder.path / "probe.safetensors";
  write_test_checkpoint(probe, "resnet18", side, calibration_block(1.0, false, 0));
  models::LoadedCheckpoint loaded = models::load_checkpoint(probe);
  const Predictions predictions =
      predict(*loaded.model, cache, all, Device::cpu(), 8, data::Normalization::imagenet(), 1);
  std::vector<double> confidences;
  for (double p : predictions.probabilities_male()) confidences.push_back(std::max(p, 1 - p));

  for (const bool reached : {true, false}) {
    CAPTURE(reached);
    const double threshold = threshold_between(confidences);
    const std::filesystem::path checkpoint = folder.path / "model.safetensors";
    write_test_checkpoint(checkpoint, "resnet18", side, calibration_block(1.0, reached, threshold));
    const DecisionPolicy policy = decision_policy(models::read_checkpoint(checkpoint).info, -1);
    write_predictions_csv(folder.path / "train_app.csv", dataset, cache, predictions, policy);
    const data::CsvTable expected =
        data::parse_csv(data::read_file_text(folder.path / "train_app.csv"), "train_app.csv");

    const CommandResult result =
        run_predict({"--model", checkpoint.string(), "--device", "cpu", "--format", "json",
                     (folder.path / "images").string()});
    REQUIRE(result.exit_code == 0);
    const Json json = Json::parse(result.out);
    CHECK(json.at("decision_policy").at("threshold_source").as_string() ==
          (reached ? "checkpoint" : "none"));
    const Json::Array& items = json.at("predictions").as_array();
    REQUIRE(items.size() == expected.records.size());
    const int decision = expected.column_index("decision");
    int decided = 0;
    for (const Json& item : items) {
      const std::string file = std::filesystem::path(item.at("file").as_string()).filename();
      const auto row = std::find_if(
          expected.records.begin(), expected.records.end(), [&](const data::CsvRecord& record) {
            return std::filesystem::path(record.fields[0].text).filename() == file;
          });
      REQUIRE(row != expected.records.end());
      INFO(file);
      CHECK(item.at("estimate").as_string() == row->fields[decision].text);
      decided += item.at("decided").as_bool() ? 1 : 0;
    }
    if (reached) {
      CHECK(decided > 0);
      CHECK(decided < static_cast<int>(items.size()));
    } else {
      CHECK(decided == 0);
    }
  }
}

}  // namespace engine::apps::testing
