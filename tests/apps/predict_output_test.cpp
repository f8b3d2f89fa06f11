// predict_app's output: the JSON schema (every field, its type, the provenance), that the JSON
// alone is enough to reproduce each prediction through the training pipeline's own code, the CSV
// and table forms, and that two runs give the same numbers.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/autograd.h"
#include "data/cache.h"
#include "data/csv.h"
#include "data/file.h"
#include "data/loader.h"
#include "metrics/calibration.h"
#include "models/checkpoint.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

namespace {

void check_type(const Json& object, const char* key, const char* type) {
  const std::string field = key;
  INFO("field " << field);
  REQUIRE(object.find(key) != nullptr);
  CHECK(std::string(object.at(key).type_name()) == std::string(type));
}

struct Fixture {
  TemporaryFolder folder{"predict_output"};
  std::vector<std::filesystem::path> images;
  std::filesystem::path model;
  Fixture() {
    images = write_phantoms(folder.path / "images", 3, 17);
    model = folder.path / "model.safetensors";
    write_test_checkpoint(model, "resnet18", 64, calibration_block(1.7, true, 0.55));
  }
  std::vector<std::string> arguments(const char* format) const {
    return {"--model",
            model.string(),
            "--device",
            "cpu",
            "--batch-size",
            "3",
            "--format",
            format,
            (folder.path / "images").string(),
            (folder.path / "missing.png").string()};
  }
};

}  // namespace

TEST_CASE("the JSON output has the documented schema and the provenance of each prediction") {
  Fixture fixture;
  const CommandResult result = run_predict(fixture.arguments("json"));
  REQUIRE(result.exit_code == 1);  // the missing file
  const Json json = Json::parse(result.out);
  CHECK(json.at("schema_version").as_integer() == 1);
  for (const char* key : {"program", "engine_version", "started_utc", "finished_utc"}) {
    check_type(json, key, "string");
  }
  for (const char* key :
       {"options", "checkpoint", "preprocessing", "decision_policy", "test_time_augmentation",
        "image_rules", "device", "environment", "summary"}) {
    check_type(json, key, "object");
  }
  for (const char* key : {"command_line", "predictions", "notes"}) check_type(json, key, "array");
  CHECK(json.at("verification").is_null());

  const Json& checkpoint = json.at("checkpoint");
  CHECK(checkpoint.at("file_sha256").as_string() == data::sha256_file_hex(fixture.model));
  CHECK(checkpoint.at("tensor_sha256").as_string() ==
        models::read_checkpoint(fixture.model).tensor_sha256);
  CHECK(checkpoint.at("feature_layer").as_string() == "layer4");
  const Json& policy = json.at("decision_policy");
  CHECK(policy.at("temperature").as_number() == 1.7);
  CHECK(policy.at("threshold").as_number() == 0.55);
  CHECK(policy.at("threshold_source").as_string() == "checkpoint");

  const Json::Array& predictions = json.at("predictions").as_array();
  REQUIRE(predictions.size() == 4);
  for (std::size_t i = 0; i < 3; ++i) {
    const Json& item = predictions[i];
    INFO("prediction " << i);
    for (const char* key :
         {"image", "file", "origin", "status", "truth", "image_sha256", "estimate"}) {
      check_type(item, key, "string");
    }
    for (const char* key : {"index", "width", "height", "bit_depth"})
      check_type(item, key, "integer");
    for (const char* key : {"confidence", "threshold"}) check_type(item, key, "number");
    for (const char* key : {"probabilities", "logits", "provenance"})
      check_type(item, key, "object");
    check_type(item, "views", "array");
    check_type(item, "decided", "boolean");
    CHECK(item.at("error").is_null());
    CHECK(item.at("heatmap").is_null());
    CHECK(item.at("image_sha256").as_string() == data::sha256_file_hex(fixture.images[i]));
    const double female = item.at("probabilities").at("female").as_number();
    const double male = item.at("probabilities").at("male").as_number();
    CHECK(female + male == doctest::Approx(1.0).epsilon(1e-15));
    // The stated rule, recomputed from the stated numbers.
    const double margin =
        item.at("logits").at("male").as_number() - item.at("logits").at("female").as_number();
    CHECK(male == metrics::calibrated_probability(margin, 1.7));
    const double confidence = std::max(male, female);
    CHECK(item.at("confidence").as_number() == doctest::Approx(confidence));
    CHECK(item.at("estimate").as_string() == (confidence < 0.55 ? "undetermined"
                                              : male >= 0.5     ? "male"
                                                                : "female"));
    const Json& provenance = item.at("provenance");
    for (const char* key : {"image_sha256", "checkpoint_file_sha256", "checkpoint_tensor_sha256",
                            "engine_version", "device", "determinism", "time_utc"}) {
      check_type(provenance, key, "string");
    }
    CHECK(provenance.at("image_sha256").as_string() == item.at("image_sha256").as_string());
  }
  const Json& failed = predictions[3];
  CHECK(failed.at("status").as_string() == "failed");
  check_type(failed, "error", "string");
  CHECK(failed.at("estimate").is_null());
  CHECK(failed.at("probabilities").is_null());
  CHECK(json.at("summary").at("failed").as_integer() == 1);
  CHECK(json.at("summary").at("exit_code").as_integer() == 1);
}

TEST_CASE("the JSON alone reproduces the logits through the training pipeline's own code") {
  Fixture fixture;
  const Json json = Json::parse(run_predict(fixture.arguments("json")).out);
  // Everything below comes from the JSON: the checkpoint, the preprocessing and the images.
  const std::string checkpoint_path = json.at("checkpoint").at("path").as_string();
  REQUIRE(data::sha256_file_hex(checkpoint_path) ==
          json.at("checkpoint").at("file_sha256").as_string());
  models::LoadedCheckpoint loaded = models::load_checkpoint(checkpoint_path);
  loaded.model->eval();
  const Json& preprocessing = json.at("preprocessing");
  data::PreprocessConfig config;
  config.side = static_cast<int>(preprocessing.at("side").as_integer());
  config.resize_mode = preprocessing.at("resize").as_string() == "pad" ? data::ResizeMode::Pad
                                                                       : data::ResizeMode::Squash;
  config.use_clahe = preprocessing.at("clahe").as_bool();
  data::LoaderConfig loader;
  for (int c = 0; c < 3; ++c) {
    loader.normalization.mean[c] =
        static_cast<float>(preprocessing.at("mean").as_array()[c].as_number());
    loader.normalization.std[c] =
        static_cast<float>(preprocessing.at("std").as_array()[c].as_number());
  }
  data::Manifest manifest;
  std::vector<const Json*> items;
  for (const Json& item : json.at("predictions").as_array()) {
    if (item.at("status").as_string() != "ok") continue;
    data::Record record;
    record.file = item.at("file").as_string();
    record.path_text = record.file.string();
    manifest.records.push_back(record);
    items.push_back(&item);
  }
  const data::ImageCache cache = data::build_cache(manifest, config);
  std::vector<std::size_t> samples;
  for (std::size_t i = 0; i < cache.size(); ++i) {
    CHECK(cache.entry(i).sha256 == items[i]->at("image_sha256").as_string());
    samples.push_back(i);
  }
  const data::Batch batch = data::assemble_batch(cache, loader, 0, samples, 0);
  NoGradGuard no_grad;
  const std::vector<float> logits = loaded.model->forward(batch.images).to_vector<float>();
  for (std::size_t i = 0; i < items.size(); ++i) {
    CHECK(static_cast<double>(logits[2 * i]) == items[i]->at("logits").at("female").as_number());
    CHECK(static_cast<double>(logits[2 * i + 1]) == items[i]->at("logits").at("male").as_number());
  }
}

TEST_CASE("CSV and table forms carry the same predictions; two runs agree exactly") {
  Fixture fixture;
  const Json json = Json::parse(run_predict(fixture.arguments("json")).out);
  const CommandResult csv = run_predict(fixture.arguments("csv"));
  CHECK(csv.exit_code == 1);
  const data::CsvTable table = data::parse_csv(csv.out, "output.csv");
  REQUIRE(table.records.size() == 4);
  const int estimate = table.column_index("estimate"),
            male = table.column_index("probability_male");
  const int sha = table.column_index("image_sha256"), status = table.column_index("status");
  REQUIRE(estimate >= 0);
  REQUIRE(male >= 0);
  for (std::size_t i = 0; i < 3; ++i) {
    const Json& item = json.at("predictions").as_array()[i];
    const auto& fields = table.records[i].fields;
    CHECK(fields[estimate].text == item.at("estimate").as_string());
    CHECK(std::stod(fields[male].text) == item.at("probabilities").at("male").as_number());
    CHECK(fields[sha].text == item.at("image_sha256").as_string());
  }
  CHECK(table.records[3].fields[status].text == "failed");

  const CommandResult text = run_predict(fixture.arguments("table"));
  CHECK(text.out.find("threshold    0.55 [checkpoint]") != std::string::npos);
  CHECK(text.out.find("FAILED: ") != std::string::npos);
  CHECK(text.out.find("4 items: 3 succeeded") != std::string::npos);
  for (const auto& image : fixture.images) {
    CHECK(text.out.find(image.filename().string()) != std::string::npos);
  }

  const Json again = Json::parse(run_predict(fixture.arguments("json")).out);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(again.at("predictions").as_array()[i].at("logits").dump() ==
          json.at("predictions").as_array()[i].at("logits").dump());
  }
}

}  // namespace engine::apps::testing
