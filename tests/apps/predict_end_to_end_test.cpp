// predict_app end to end: train_app trains briefly on synthetic phantoms; predict_app then
// reproduces train_app's own validation figures from the checkpoint alone, and predicts new
// phantoms with test-time augmentation, Grad-CAM heatmaps and the CPU reference check.
#include <doctest/doctest.h>

#include <cmath>

#include "apps/train/run.h"
#include "data/csv.h"
#include "data/decode.h"
#include "data/file.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

TEST_CASE("train on phantoms, then predict new phantoms with heatmaps") {
  TemporaryFolder run("predict_end_to_end");
  run_training(small_config(run.path / "run"), "train_app (predict_app end-to-end test)");
  const std::filesystem::path checkpoint = run.path / "run" / "resnet18" / "best.safetensors";
  REQUIRE(std::filesystem::exists(checkpoint));

  {  // train_app's validation predictions are reproduced from the checkpoint alone
    const data::CsvTable expected = data::parse_csv(
        data::read_file_text(run.path / "run" / "resnet18" / "validation_predictions.csv"), "csv");
    std::string list = "path\n";
    for (const data::CsvRecord& record : expected.records) {
      list += (phantom_dataset() / record.fields[0].text).string() + "\n";
    }
    data::write_file_text(run.path / "validation.csv", list);
    // The list names the phantoms where they are, outside its own folder.
    const CommandResult result = run_predict(
        {"--model", checkpoint.string(), "--device", "cpu", "--format", "json", "--batch-size",
         "32", "--allow-outside-paths", (run.path / "validation.csv").string()});
    REQUIRE(result.exit_code == 0);
    const Json json = Json::parse(result.out);
    // One policy in both programs: every case has the same decision, undetermined for all when
    // the run fitted no band (decision_agreement_test.cpp covers both cases on purpose).
    const Json& threshold = json.at("decision_policy").at("threshold");
    MESSAGE(
        "the short run's band: " << json.at("decision_policy").at("threshold_note").as_string());
    const Json::Array& items = json.at("predictions").as_array();
    REQUIRE(items.size() == expected.records.size());
    REQUIRE(items.size() >= 20);
    const int female = expected.column_index("logit_female"),
              male = expected.column_index("logit_male");
    const int calibrated = expected.column_index("calibrated_probability_male");
    const int decision = expected.column_index("decision");
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto& fields = expected.records[i].fields;
      INFO(fields[0].text);
      // The same batches of 32 as train_app's validation, so the same products with the same
      // cuts (docs/TESTING.md, "Exact"); train_app writes 6 significant digits.
      CHECK(items[i].at("logits").at("female").as_number() ==
            doctest::Approx(std::stod(fields[female].text)).epsilon(1e-5).scale(1e-4));
      CHECK(items[i].at("logits").at("male").as_number() ==
            doctest::Approx(std::stod(fields[male].text)).epsilon(1e-5).scale(1e-4));
      const double p = items[i].at("probabilities").at("male").as_number();
      CHECK(p == doctest::Approx(std::stod(fields[calibrated].text)).epsilon(1e-5));
      if (threshold.is_null() || std::fabs(std::max(p, 1 - p) - threshold.as_number()) > 1e-4) {
        CHECK(items[i].at("estimate").as_string() == fields[decision].text);
      }
    }
  }

  {  // new phantoms: estimates, test-time augmentation, heatmaps and the CPU reference
    write_phantoms(run.path / "new", 12, 2024, 96);
    const std::filesystem::path out = run.path / "predictions.json";
    const std::filesystem::path heatmaps = run.path / "heatmaps";
    const CommandResult result =
        run_predict({"--model", checkpoint.string(), "--device", "cpu", "--tta", "--explain",
                     heatmaps.string(), "--verify-on-cpu", "--format", "json", "--out",
                     out.string(), (run.path / "new").string()});
    CHECK(result.exit_code == 0);
    const Json json = read_json_file(out);
    CHECK(json.at("test_time_augmentation").at("used").as_bool());
    CHECK(json.at("verification").at("decisions_changed").as_integer() == 0);
    double male_sum = 0, female_sum = 0;
    for (const Json& item : json.at("predictions").as_array()) {
      INFO(item.at("image").as_string());
      REQUIRE(item.at("status").as_string() == "ok");
      CHECK(item.at("views").as_array().size() == 4);
      const double p = item.at("probabilities").at("male").as_number();
      (item.at("truth").as_string() == "male" ? male_sum : female_sum) += p / 6;
      const Json& heatmap = item.at("heatmap");
      CHECK(heatmap.at("layer").as_string() == "layer4");
      const std::filesystem::path file = heatmap.at("file").as_string();
      CHECK(file.parent_path() == heatmaps);
      const std::vector<std::uint8_t> bytes = data::read_file_bytes(file);
      const data::Image image = data::decode_image(bytes, file.string());
      CHECK(image.width == 64 * 6 + 110);  // the 64-px input shown 6 times larger, then the legend
      const std::string text(bytes.begin(), bytes.end());
      CHECK(text.find("Grad-CAM of resnet18 at layer layer4") != std::string::npos);  // tEXt
    }
    MESSAGE("mean p(male): males " << male_sum << ", females " << female_sum);
    // A briefly trained model is weak, but it must point the right way on average.
    CHECK(male_sum > female_sum);
  }
}

}  // namespace engine::apps::testing
