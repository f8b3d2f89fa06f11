// results.json as one typed structure (results/training_results.h): what train_app writes is what
// the report reads (results/check.h), in the documented order (apps/report/RESULTS_FORMAT.md).
#include "results/training_results.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "results/check.h"

namespace engine::results {

namespace {

// The smallest evaluation the report accepts: a confusion matrix, accuracy and the positive
// class's figures (metrics::to_json writes much more).
Json evaluation() {
  return Json::parse(R"({"confusion_matrix": {"classes": ["female", "male"],
      "counts": [{"predicted female": 4, "predicted male": 1},
                 {"predicted female": 2, "predicted male": 3}], "total": 10},
    "accuracy": {"numerator": 7, "denominator": 10, "value": 0.7},
    "positive_class_figures": {"positive_class": "male", "precision": {"value": 0.75},
      "recall_sensitivity": {"value": 0.6}, "f1": {"value": 0.667}}})");
}

EpochRecord epoch(std::int64_t number, double auc) {
  EpochRecord record;
  record.epoch = number;
  record.train_loss = 0.69;
  record.validation_auc = auc;
  record.learning_rate = 1e-3;
  return record;
}

ModelResult model_result() {
  ModelResult model;
  model.architecture = "resnet18";
  model.parameters = 11177538;
  model.input_size = 64;
  StageSummary first, second;
  first.name = "stage 1";
  first.best_epoch = 1;
  first.history = {epoch(1, 0.5)};
  second.name = "stage 2";
  second.best_epoch = 2;
  second.stop_reason = "completed 2 epochs";
  second.history = {epoch(1, 0.6), epoch(2, std::nan(""))};
  model.stages = {first, second};
  model.calibration = Json::parse(R"({"temperature": 1.0, "fitted": false, "reason": "x"})");
  model.validation = evaluation();
  model.test = evaluation();
  model.predictions = "resnet18/test_predictions.csv";
  model.checkpoint = "resnet18/best.safetensors";
  return model;
}

std::vector<std::string> keys(const Json& object) {
  std::vector<std::string> names;
  for (const auto& [key, value] : object.as_object()) names.push_back(key);
  return names;
}

}  // namespace

TEST_CASE("what train_app writes is what the report reads, in the documented order") {
  TrainingResults results;
  results.kind = Kind::compare;
  results.run = Json::parse(R"({"command": "train_app --data x --out y"})");
  results.data = Json::parse(R"({"synthetic": true})");
  results.models = {model_result()};
  const Json json = results.to_json();
  CHECK_NOTHROW(check_results(Field(json)));
  CHECK(keys(json) ==
        std::vector<std::string>{"format_version", "kind", "run", "data", "models", "folds"});
  CHECK(json.at("format_version").as_integer() == format_version);
  CHECK(json.at("kind").as_string() == "compare");
  CHECK(json.at("folds").is_null());

  const Json& model = json.at("models").as_array().at(0);
  CHECK(keys(model) == std::vector<std::string>{
                           "architecture", "parameters", "input_size", "auxiliary_head", "notes",
                           "initial_weights", "stages", "history", "best_epoch", "stopped_early",
                           "stop_reason", "calibration", "validation", "test", "predictions",
                           "checkpoint", "checkpoint_sha256", "checkpoint_file_sha256", "seconds"});
  // The model's best epoch and stop are its last stage's; the history numbers its stages from 1.
  CHECK(model.at("best_epoch").as_integer() == 2);
  CHECK(model.at("stop_reason").as_string() == "completed 2 epochs");
  const Json::Array& history = model.at("history").as_array();
  REQUIRE(history.size() == 3);
  CHECK(history[0].at("stage").as_integer() == 1);
  CHECK(history[2].at("stage").as_integer() == 2);
  CHECK(history[2].at("validation_auc").is_null());  // NaN is written as null
  CHECK(keys(model.at("stages").as_array().at(0)) ==
        std::vector<std::string>{"name", "data", "images_train", "images_validation", "input_size",
                                 "epochs", "learning_rate", "augment", "initial_weights",
                                 "best_epoch", "stop_reason", "stopped_early"});
}

TEST_CASE("a fold run has its folds; a model without test part or partition leaves them out") {
  TrainingResults results;
  results.kind = Kind::folds;
  results.run = Json::parse(R"({"command": "train_app --folds 2"})");
  results.data = Json::parse(R"({"synthetic": false})");
  ModelResult model = model_result();
  model.partition = "fold 1";
  results.models = {model};
  results.folds = FoldsResult{2, Json::object()};
  const Json json = results.to_json();
  CHECK_NOTHROW(check_results(Field(json)));
  CHECK(json.at("folds").at("count").as_integer() == 2);
  CHECK(json.at("models").as_array().at(0).at("partition").as_string() == "fold 1");

  ModelResult plain = model_result();
  plain.test.reset();
  plain.predictions.clear();
  const Json entry = plain.to_json();
  CHECK(entry.find("test") == nullptr);
  CHECK(entry.find("predictions") == nullptr);
  CHECK(entry.find("partition") == nullptr);
}

TEST_CASE("the reader refuses what the writer never writes, naming the field") {
  TrainingResults results;
  results.run = Json::parse(R"({"command": "c"})");
  results.data = Json::parse(R"({"synthetic": true})");
  Json json = results.to_json();
  json.set("kind", Json("other"));
  CHECK_THROWS_WITH_AS(check_results(Field(json)), doctest::Contains("field 'kind'"), ResultsError);
  json.set("kind", Json("single"));
  json.set("format_version", Json(format_version + 1));
  CHECK_THROWS_WITH_AS(check_results(Field(json)), doctest::Contains("format_version"),
                       ResultsError);
  CHECK(kind_from_name("folds") == Kind::folds);
  CHECK_FALSE(kind_from_name("fold").has_value());
}

TEST_CASE("an epoch record reads back what it wrote, a missing AUC as NaN") {
  const EpochRecord written = epoch(3, std::nan(""));
  const EpochRecord read = EpochRecord::from_json(written.to_json());
  CHECK(read.epoch == 3);
  CHECK(read.train_loss == 0.69);
  CHECK(read.learning_rate == 1e-3);
  CHECK(std::isnan(read.validation_auc));
}

}  // namespace engine::results
