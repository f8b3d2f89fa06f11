// train_app --compare --ensemble and predict_app --ensemble end to end on small phantoms: the
// pairwise table agrees with the metrics functions on the written prediction files, the
// ensemble file is sealed and verified, tampering with it or with a member checkpoint is
// refused by name, and predict_app decides the test images as train_app did.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "apps/train/run.h"
#include "data/csv.h"
#include "data/file.h"
#include "metrics/delong.h"
#include "metrics/mcnemar.h"
#include "metrics/pairwise.h"
#include "results/ensemble_file.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"
#include "util/file_io.h"

namespace engine::apps::testing {

namespace {

// One --compare --ensemble run for every test case of this file (trained once: seconds).
const std::filesystem::path& compare_run() {
  static TemporaryFolder folder("ensemble_run");
  static const bool trained = [] {
    TrainingConfig config = small_config(folder.path / "run");
    config.compare = {"resnet18", "resnet50"};
    config.ensemble = true;
    config.input_size = 32;
    config.epochs = 2;
    config.report = true;
    run_training(config, "train_app (ensemble test)");
    return true;
  }();
  (void)trained;
  static const std::filesystem::path run = folder.path / "run";
  return run;
}

data::CsvTable read_csv(const std::filesystem::path& file) {
  return data::parse_csv(data::read_file_text(file), file.string());
}

std::vector<std::string> column(const data::CsvTable& table, const std::string& name) {
  const int index = table.column_index(name);
  REQUIRE(index >= 0);
  std::vector<std::string> values;
  for (const data::CsvRecord& record : table.records) values.push_back(record.fields[index].text);
  return values;
}

std::vector<int> classes(const std::vector<std::string>& names) {
  std::vector<int> result;
  for (const std::string& name : names) result.push_back(name == "male" ? 1 : 0);
  return result;
}

std::vector<double> numbers(const std::vector<std::string>& texts) {
  std::vector<double> result;
  for (const std::string& text : texts) result.push_back(std::stod(text));
  return result;
}

// The run folder's test images, resolved, in the CSV's order.
// How far an AUC computed from the CSV's rounded probabilities can be from the AUC of the exact
// values: rounding is monotone, so it never reverses a pair's order; it can only tie a male and
// a female case, which moves that pair's share from 0 or 1 to 1/2.
double rounding_bound(const std::vector<int>& labels, const std::vector<double>& values) {
  double tied = 0, pairs = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (std::size_t j = 0; j < labels.size(); ++j) {
      if (labels[i] != 1 || labels[j] != 0) continue;
      pairs += 1;
      if (values[i] == values[j]) tied += 1;
    }
  }
  return pairs > 0 ? 0.5 * tied / pairs + 1e-9 : 1.0;
}

std::vector<std::string> test_images(const std::filesystem::path& run) {
  std::vector<std::string> files;
  for (const std::string& path : column(read_csv(run / "ensemble/test_predictions.csv"), "path")) {
    const std::filesystem::path file = path;
    files.push_back((file.is_absolute() ? file : phantom_dataset() / file).string());
  }
  return files;
}

}  // namespace

TEST_CASE("train_app --compare writes every pair's p-values, as the metrics give them") {
  const std::filesystem::path& run = compare_run();
  const Json results = read_json_file(run / "results.json");
  const Json& comparisons = results.at("comparisons");
  const Json::Array& pairs = comparisons.at("pairs").as_array();
  REQUIRE(pairs.size() == 3);  // resnet18, resnet50 and the ensemble
  CHECK(comparisons.at("caveats").as_string().find("equivalent") != std::string::npos);
  CHECK(comparisons.at("multiple_comparisons").as_array().size() == 2);
  std::vector<double> accuracy_p;
  for (const Json& pair : pairs) {
    for (const char* test : {"accuracy", "auc"}) {
      for (const char* key : {"p_value", "p_value_holm"}) {
        const Json& value = pair.at(test).at(key);
        if (value.is_null()) continue;  // DeLong undefined: zero variance
        CHECK(value.as_number() >= 0.0);
        CHECK(value.as_number() <= 1.0);
      }
    }
    accuracy_p.push_back(pair.at("accuracy").at("p_value").as_number());
  }
  const std::vector<double> holm = metrics::holm_adjusted(accuracy_p);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    CHECK(pairs[i].at("accuracy").at("p_value_holm").as_number() == doctest::Approx(holm[i]));
  }

  // The first pair from the two members' prediction files.
  const data::CsvTable a = read_csv(run / "resnet18/test_predictions.csv");
  const data::CsvTable b = read_csv(run / "resnet50/test_predictions.csv");
  const std::vector<int> labels = classes(column(a, "sex"));
  REQUIRE(classes(column(b, "sex")) == labels);
  const metrics::McNemarTest mcnemar = metrics::mcnemar_test(
      labels, classes(column(a, "prediction")), classes(column(b, "prediction")));
  CHECK(pairs[0].at("a").as_string() == "resnet18");
  CHECK(pairs[0].at("b").as_string() == "resnet50");
  CHECK(pairs[0].at("accuracy").at("p_value").as_number() == doctest::Approx(mcnemar.p_value));
  const std::vector<double> values_a = numbers(column(a, "calibrated_probability_male"));
  const std::vector<double> values_b = numbers(column(b, "calibrated_probability_male"));
  const metrics::DeLongTest delong = metrics::delong_test(labels, values_a, values_b, 1);
  // The CSV holds 6 significant digits; a short training run can leave outputs that tie there.
  CHECK(std::fabs(pairs[0].at("auc").at("auc_a").as_number() - delong.auc_a) <=
        rounding_bound(labels, values_a));
  CHECK(std::fabs(pairs[0].at("auc").at("auc_b").as_number() - delong.auc_b) <=
        rounding_bound(labels, values_b));
  const bool no_ties =
      rounding_bound(labels, values_a) < 1e-6 && rounding_bound(labels, values_b) < 1e-6;
  if (no_ties && !pairs[0].at("auc").at("p_value").is_null()) {
    CHECK(std::fabs(pairs[0].at("auc").at("p_value").as_number() - delong.p_value) < 0.01);
  }

  const std::string report = data::read_file_text(run / "report.md");
  CHECK(report.find("McNemar exact p") != std::string::npos);
  CHECK(report.find("Multiple comparisons") != std::string::npos);
  CHECK(report.find("ensemble") != std::string::npos);
}

TEST_CASE("train_app --ensemble writes a sealed ensemble.json naming every member's hashes") {
  const std::filesystem::path& run = compare_run();
  const Json results = read_json_file(run / "results.json");
  const Json::Array& models = results.at("models").as_array();
  REQUIRE(models.size() == 3);
  CHECK(models[2].at("architecture").as_string() == "ensemble");
  CHECK(models[2].at("ensemble_members").as_array().size() == 2);
  CHECK(models[2].at("test").at("accuracy").at("value").as_number() >= 0.0);
  for (const char* file : {"ensemble/ensemble.json", "ensemble/validation_predictions.csv",
                           "ensemble/test_predictions.csv"}) {
    INFO(file);
    CHECK(std::filesystem::exists(run / file));
  }
  const Json json = read_json_file(run / "ensemble/ensemble.json");
  CHECK(json.at("format").as_string() == "engine.ensemble");
  CHECK(json.at("version").as_integer() == 1);
  const results::EnsembleFile file = results::EnsembleFile::from_json(json, "ensemble.json");
  CHECK(file.content_sha256 == models[2].at("checkpoint_sha256").as_string());
  REQUIRE(file.members.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(file.members[i].name == models[i].at("architecture").as_string());
    CHECK(file.members[i].checkpoint ==
          models[i].at("architecture").as_string() + "/best.safetensors");
    CHECK(file.members[i].checkpoint_sha256 == models[i].at("checkpoint_sha256").as_string());
    CHECK(file.members[i].checkpoint_file_sha256 ==
          models[i].at("checkpoint_file_sha256").as_string());
    CHECK(file.members[i].temperature == models[i].at("calibration").at("temperature").as_number());
  }
  CHECK(file.calibration.find("undetermined") != nullptr);
  // Any edit is detected: one member's temperature changed in the parsed content.
  Json edited = json;
  edited.as_object()[4].second.as_array()[0].set("temperature", Json(2.5));
  CHECK_THROWS_WITH_AS(results::EnsembleFile::from_json(edited, "ensemble.json"),
                       doctest::Contains("content_sha256"), std::exception);
  // An option left out of an old config.json reads as off (--resume compares to_json()).
  CHECK(TrainingConfig{}.to_json().find("ensemble") == nullptr);
}

TEST_CASE("predict_app --ensemble lists every member and decides as train_app's test CSV") {
  const std::filesystem::path& run = compare_run();
  const std::vector<std::string> images = test_images(run);
  std::vector<std::string> arguments = {"--ensemble", (run / "ensemble/ensemble.json").string(),
                                        "--device",   "cpu",
                                        "--format",   "json"};
  arguments.insert(arguments.end(), images.begin(), images.end());
  const CommandResult result = run_predict(arguments);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const Json json = Json::parse(result.out);
  const Json::Array& members = json.at("ensemble").at("members").as_array();
  REQUIRE(members.size() == 2);
  CHECK(members[0].at("name").as_string() == "resnet18");
  CHECK(members[1].at("name").as_string() == "resnet50");
  for (const Json& member : members) CHECK(member.at("checkpoint_sha256").as_string().size() == 64);

  const data::CsvTable expected = read_csv(run / "ensemble/test_predictions.csv");
  const std::vector<std::string> decisions = column(expected, "decision");
  const std::vector<double> probabilities =
      numbers(column(expected, "calibrated_probability_male"));
  const double threshold =
      json.at("ensemble").at("decision_policy").find("threshold") != nullptr &&
              json.at("ensemble").at("decision_policy").at("threshold").is_number()
          ? json.at("ensemble").at("decision_policy").at("threshold").as_number()
          : 2.0;
  const Json::Array& items = json.at("images").as_array();
  REQUIRE(items.size() == decisions.size());
  int compared = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    INFO(images[i]);
    REQUIRE(items[i].at("members").as_array().size() == 2);
    const double p = items[i].at("probability_male").as_number();
    CHECK(p == doctest::Approx(probabilities[i]).epsilon(1e-4));
    const double confidence = std::max(p, 1 - p);
    if (std::fabs(confidence - threshold) < 1e-4) continue;  // within rounding of the band
    CHECK(items[i].at("estimate").as_string() == decisions[i]);
    ++compared;
  }
  CHECK(compared > 0);

  // Text and CSV name every member too.
  arguments[5] = "table";
  const CommandResult table = run_predict(arguments);
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("member resnet18") != std::string::npos);
  CHECK(table.out.find("member resnet50") != std::string::npos);
  arguments[5] = "csv";
  const CommandResult csv = run_predict(arguments);
  CHECK(csv.exit_code == 0);
  CHECK(csv.out.find("resnet18_estimate") != std::string::npos);
  CHECK(csv.out.find("resnet50_probability_male") != std::string::npos);
}

TEST_CASE("predict_app --ensemble refuses an edited ensemble file or member checkpoint") {
  const std::filesystem::path& run = compare_run();
  const std::filesystem::path file = run / "ensemble/ensemble.json";
  const std::string image = test_images(run).front();
  const auto predict = [&] {
    return run_predict({"--ensemble", file.string(), "--device", "cpu", image});
  };
  const std::string original = data::read_file_text(file);
  {
    std::string edited = original;
    const std::size_t at = edited.find("\"temperature\": ");
    REQUIRE(at != std::string::npos);
    edited.insert(at + 15, "1");  // one more leading digit
    data::write_file_text(file, edited);
    const CommandResult result = predict();
    data::write_file_text(file, original);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("content_sha256") != std::string::npos);
    CHECK(result.out.empty());
  }
  {
    const std::filesystem::path checkpoint = run / "resnet50/best.safetensors";
    const auto bytes = read_file_bytes(checkpoint.string());
    std::vector<std::uint8_t> edited = bytes;
    edited.back() ^= 1;
    write_file_atomically(checkpoint.string(), edited);
    const CommandResult result = predict();
    write_file_atomically(checkpoint.string(), bytes);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("members[1].checkpoint_file_sha256") != std::string::npos);
    CHECK(result.err.find("resnet50") != std::string::npos);
  }
  CHECK(predict().exit_code == 0);  // restored
}

TEST_CASE("predict_app refuses options it cannot combine with --ensemble, and repeated --model") {
  const std::string file = "ensemble.json";
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--tta"},
                                                {"--explain", "heatmaps"},
                                                {"--verify-on-cpu"},
                                                {"--model", "a.safetensors"}}) {
    std::vector<std::string> arguments = {"--ensemble", file, "image.png"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    const CommandResult result = run_predict(arguments);
    INFO(extra.front());
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(extra.front()) != std::string::npos);
    CHECK(result.err.find("--ensemble") != std::string::npos);
  }
  const CommandResult twice =
      run_predict({"--model", "a.safetensors", "--model", "b.safetensors", "image.png"});
  CHECK(twice.exit_code == 2);
  CHECK(twice.err.find("--model was given 2 times") != std::string::npos);
  CHECK(twice.err.find("--ensemble") != std::string::npos);
}

}  // namespace engine::apps::testing

namespace engine::apps::testing {

TEST_CASE("train_app --ensemble needs --compare of two or more on one split") {
  TrainingConfig config = small_config("unused_run_folder");
  config.ensemble = true;
  CHECK_THROWS_WITH_AS(config.validate(), doctest::Contains("--ensemble needs --compare"),
                       ArgumentError);
  config.compare = {"resnet18", "resnet50"};
  CHECK_NOTHROW(config.validate());
  config.folds = 3;
  CHECK_THROWS_WITH_AS(config.validate(), doctest::Contains("--folds"), ArgumentError);
  config.folds = 0;
  config.compare = {"resnet18", "resnet18"};
  CHECK_THROWS_WITH_AS(config.validate(), doctest::Contains("twice"), ArgumentError);
  CHECK(config.to_json().at("ensemble").as_bool());
}

}  // namespace engine::apps::testing
