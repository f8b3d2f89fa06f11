// results/ensemble_file.h: the ensemble file reads back what it wrote, and any edit of its
// content, format or version is refused naming the field; results.json's additions for
// --compare (comparisons) and --ensemble (ensemble_members) appear only when set.
#include "results/ensemble_file.h"

#include <doctest/doctest.h>

#include "results/fields.h"
#include "results/training_results.h"

namespace engine::results {

namespace {

EnsembleFile sample_file() {
  EnsembleFile file;
  file.class_names = {"female", "male"};
  file.combination = "mean of calibrated margins";
  file.members = {
      {"resnet18", "resnet18/best.safetensors", std::string(64, 'a'), std::string(64, 'b'), 1.25},
      {"resnet50", "resnet50/best.safetensors", std::string(64, 'c'), std::string(64, 'd'), 0.1}};
  file.calibration = Json::object();
  file.calibration.set("temperature", Json(0.8));
  file.calibration.set("fitted", Json(true));
  return file;
}

}  // namespace

TEST_CASE("an ensemble file reads back what it wrote, through its text") {
  const Json written = sample_file().to_json();
  CHECK(written.at("format").as_string() == "engine.ensemble");
  CHECK(written.at("version").as_integer() == 1);
  CHECK(written.at("content_sha256").as_string() == canonical_sha256(written));
  const EnsembleFile read = EnsembleFile::from_json(Json::parse(written.dump(2)), "test");
  CHECK(read.content_sha256 == written.at("content_sha256").as_string());
  REQUIRE(read.members.size() == 2);
  CHECK(read.members[1].name == "resnet50");
  CHECK(read.members[1].temperature == 0.1);
  CHECK(read.members[0].checkpoint_file_sha256 == std::string(64, 'b'));
  CHECK(read.calibration.at("temperature").as_number() == 0.8);
}

TEST_CASE("an edited ensemble file is refused, naming the field") {
  const Json written = sample_file().to_json();
  Json edited = Json::parse(written.dump());
  edited.set("combination", Json("median"));
  CHECK_THROWS_WITH_AS(EnsembleFile::from_json(edited, "e.json"),
                       doctest::Contains("e.json: field 'content_sha256' does not match"),
                       ResultsError);
  Json format = Json::parse(written.dump());
  format.set("format", Json("engine.other"));
  CHECK_THROWS_WITH_AS(EnsembleFile::from_json(format, "e.json"), doctest::Contains("'format'"),
                       ResultsError);
  Json version = Json::parse(written.dump());
  version.set("version", Json(2));
  CHECK_THROWS_WITH_AS(EnsembleFile::from_json(version, "e.json"), doctest::Contains("'version'"),
                       ResultsError);
}

TEST_CASE("results.json's comparisons and ensemble members are written only when set") {
  TrainingResults results;
  ModelResult model;
  model.architecture = "resnet18";
  results.models.push_back(model);
  Json json = results.to_json();
  CHECK(json.find("comparisons") == nullptr);
  CHECK(json.at("models").as_array()[0].find("ensemble_members") == nullptr);

  ModelResult ensemble;
  ensemble.architecture = "ensemble";
  ensemble.ensemble_members = {"resnet18", "resnet50"};
  results.models.push_back(ensemble);
  results.comparisons = Json::object();
  json = results.to_json();
  CHECK(json.as_object().back().first == "comparisons");
  const Json::Object& entry = json.at("models").as_array()[1].as_object();
  CHECK(entry[1].first == "ensemble_members");
  CHECK(entry[1].second.as_array().size() == 2);
}

}  // namespace engine::results
