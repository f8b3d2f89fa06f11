#include "tests/apps/report_fixture.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "metrics/calibration.h"
#include "metrics/report.h"
#include "metrics/undetermined.h"

namespace engine::report::testing {

namespace {

// Uniform in [-1, 1) from the generator's top 53 bits (no library distribution, whose output
// may differ between standard libraries).
double symmetric_uniform(std::mt19937_64& generator) {
  return static_cast<double>(generator() >> 11) * 0x1.0p-52 - 1.0;
}

Json history_json(int stages, int epochs_per_stage, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  Json history = Json::array();
  int position = 0;
  for (int stage = 1; stage <= stages; ++stage) {
    for (int epoch = 1; epoch <= epochs_per_stage; ++epoch, ++position) {
      const double progress = static_cast<double>(position);
      Json entry = Json::object();
      entry.set("stage", stage);
      entry.set("epoch", epoch);
      entry.set("train_loss",
                0.69 * std::exp(-0.25 * progress) + 0.02 * symmetric_uniform(generator));
      entry.set("train_accuracy", std::min(0.99, 0.52 + 0.07 * progress));
      entry.set("validation_loss", 0.70 * std::exp(-0.18 * progress) + 0.05);
      entry.set("validation_accuracy", std::min(0.97, 0.55 + 0.06 * progress));
      entry.set("validation_balanced_accuracy", std::min(0.97, 0.54 + 0.06 * progress));
      // The first epoch's AUC is missing: the plots and the table must cope with a gap.
      entry.set("validation_auc", position == 0 ? Json(nullptr) : Json(0.6 + 0.05 * progress));
      entry.set("learning_rate", 0.001 * std::pow(0.5, progress));
      entry.set("images_per_second", 41.25 + progress);
      entry.set("seconds", 12.3 + progress);
      history.push_back(std::move(entry));
    }
  }
  return history;
}

Json stage_json(const std::string& name, const std::string& data, int input_size, int epochs,
                const std::string& initial_weights, int best_epoch) {
  Json stage = Json::object();
  stage.set("name", name);
  stage.set("data", data);
  stage.set("images_train", 460);
  stage.set("images_validation", 60);
  stage.set("input_size", input_size);
  stage.set("epochs", epochs);
  stage.set("learning_rate", 0.001);
  stage.set("initial_weights", initial_weights);
  stage.set("best_epoch", best_epoch);
  stage.set("stop_reason", "completed " + std::to_string(epochs) + " epochs");
  stage.set("stopped_early", false);
  return stage;
}

Json calibration_json(const Cases& validation) {
  std::vector<double> margins;
  for (const double p : validation.probabilities) margins.push_back(std::log(p / (1 - p)));
  const metrics::TemperatureFit fit = metrics::fit_temperature(validation.labels, margins);
  Json calibration = Json::object();
  calibration.set("temperature", fit.fitted ? Json(fit.temperature) : Json(nullptr));
  calibration.set("fitted", fit.fitted);
  calibration.set("reason", fit.fitted ? std::string() : fit.failure);
  calibration.set("undetermined", metrics::to_json(metrics::fit_undetermined_band(
                                      validation.labels, validation.probabilities, 0.95)));
  return calibration;
}

struct ModelRecipe {
  std::string architecture;
  std::uint64_t seed = 0;
  double separation = 2;
  bool two_stages = false;
  bool one_class_test = false;
  std::string partition;
};

Json model_json(const ModelRecipe& recipe) {
  const Cases validation = make_cases(recipe.seed, 60, recipe.separation);
  const Cases test = make_cases(recipe.seed + 100, 80, recipe.separation, recipe.one_class_test);
  Json model = Json::object();
  model.set("architecture", recipe.architecture);
  if (!recipe.partition.empty()) model.set("partition", recipe.partition);
  model.set("parameters", 11177538);
  model.set("input_size", 96);
  model.set("initial_weights", "random (seed 1)");
  Json stages = Json::array();
  stages.push_back(stage_json("stage 1", "runs/phantoms/manifest.csv", recipe.two_stages ? 64 : 96,
                              4, "random (seed 1)", 3));
  if (recipe.two_stages) {
    stages.push_back(
        stage_json("stage 2", "runs/phantoms/manifest.csv", 96, 4, "the best of stage 1", 4));
  }
  model.set("stages", std::move(stages));
  model.set("history", history_json(recipe.two_stages ? 2 : 1, 4, recipe.seed));
  model.set("best_epoch", recipe.two_stages ? 4 : 3);
  model.set("stopped_early", false);
  model.set("stop_reason", "completed 4 epochs");
  model.set("calibration", calibration_json(validation));
  model.set("validation",
            evaluation_json(validation, "validation split, calibrated probabilities"));
  model.set("test", evaluation_json(test, "test split, calibrated probabilities"));
  model.set("checkpoint", recipe.architecture + "/best.safetensors");
  model.set("predictions", recipe.architecture + "/test_predictions.csv");
  model.set("seconds", 301.2);
  return model;
}

Json fold_summary(const Json& models) {
  Json figures = Json::object();
  for (const char* metric : {"accuracy", "auc"}) {
    std::vector<double> values;
    for (const Json& model : models.as_array()) {
      const Json& test = model.at("test");
      values.push_back(std::string(metric) == "auc" ? test.at("auc").as_number()
                                                    : test.at("accuracy").at("value").as_number());
    }
    double mean = 0;
    for (const double v : values) mean += v / static_cast<double>(values.size());
    double squares = 0;
    for (const double v : values) squares += (v - mean) * (v - mean);
    Json figure = Json::object();
    figure.set("mean", mean);
    figure.set("sd", std::sqrt(squares / static_cast<double>(values.size() - 1)));
    figure.set("folds", static_cast<std::int64_t>(values.size()));
    figures.set(metric, std::move(figure));
  }
  // An undefined spread, as for a metric undefined in some fold.
  Json undefined = Json::object();
  undefined.set("mean", nullptr);
  undefined.set("sd", nullptr);
  undefined.set("folds", static_cast<std::int64_t>(models.as_array().size()));
  figures.set("specificity", std::move(undefined));
  Json summary = Json::object();
  summary.set("resnet18", std::move(figures));
  return summary;
}

}  // namespace

Cases make_cases(std::uint64_t seed, int count, double separation, bool one_class) {
  std::mt19937_64 generator(seed);
  Cases cases;
  for (int i = 0; i < count; ++i) {
    const int label = one_class ? 0 : i % 2;
    const double noise =
        symmetric_uniform(generator) + symmetric_uniform(generator) + symmetric_uniform(generator);
    const double margin = (label == 1 ? separation : -separation) + 1.6 * noise;
    cases.labels.push_back(label);
    cases.probabilities.push_back(1.0 / (1.0 + std::exp(-margin)));
    // Ages from 3 to 18 years; every tenth case has none recorded.
    cases.ages_years.push_back(i % 10 == 9 ? std::nullopt
                                           : std::optional<double>(3.0 + (i * 7) % 16));
    char id[32];
    std::snprintf(id, sizeof id, "case-%03d", i);
    cases.ids.push_back(id);
  }
  return cases;
}

Json evaluation_json(const Cases& cases, const std::string& description) {
  metrics::EvaluationInput input;
  input.description = description;
  input.labels = cases.labels;
  input.probabilities_class1 = cases.probabilities;
  input.positive_class = 1;
  input.bootstrap_seed = 7;
  input.bootstrap_replicates = 200;
  input.ages_years = cases.ages_years;
  input.ids = cases.ids;
  return metrics::to_json(metrics::evaluate(input));
}

Json results_json(const std::string& kind, bool synthetic) {
  Json run = Json::object();
  run.set("name", "phantom-" + kind);
  run.set("command",
          "train_app --data runs/phantoms/manifest.csv --compare resnet18,resnet50 "
          "--epochs 4 --seed 1 --out runs/phantom-" +
              kind);
  run.set("started", "2026-11-26T21:40:00Z");
  run.set("finished", "2026-11-26T21:53:32Z");
  run.set("seconds", 812.4);
  run.set("engine_version", "v0.1.0-42-gabcdef");
  run.set("device", "cpu (2 threads)");
  run.set("determinism", "deterministic");
  run.set("seed", "1");
  Json environment = Json::object();
  environment.set("compiler", "g++ 12.2.0");
  environment.set("blas", "OpenBLAS 0.3.21");
  run.set("environment", std::move(environment));

  Json data = Json::object();
  data.set("source", "runs/phantoms/manifest.csv");
  data.set("manifest_sha256", "9f2c6a0e4b7d1c3a5e8f0b2d4c6a8e0f1b3d5c7a9e1f3b5d7c9a1e3f5b7d9c1a");
  data.set("synthetic", synthetic);
  data.set("images", 600);
  data.set("female", 300);
  data.set("male", 300);
  Json skipped = Json::array();
  Json file = Json::object();
  file.set("file", "phantoms/broken_017.png");
  file.set("reason", "truncated PNG: IDAT chunk ends early");
  skipped.push_back(std::move(file));
  data.set("skipped", std::move(skipped));
  Json split = Json::object();
  split.set("method", "stratified by sex, grouped by id, seed 1");
  split.set("file", "split.csv");
  if (kind == "folds") {
    split.set("folds", 3);
  } else {
    split.set("train", 460);
    split.set("validation", 60);
    split.set("test", 80);
  }
  data.set("split", std::move(split));
  data.set("age_unit", "years");

  std::vector<ModelRecipe> recipes;
  if (kind == "compare") {
    recipes = {{"resnet18", 11, 2.0, false, false, ""},
               {"resnet50", 12, 2.6, true, false, ""},
               {"efficientnet_b0", 13, 1.5, false, false, ""},
               {"inception_v3", 14, 2.0, false, true, ""}};
  } else if (kind == "folds") {
    for (int fold = 1; fold <= 3; ++fold) {
      recipes.push_back({"resnet18", 20 + static_cast<std::uint64_t>(fold), 2.0, false, false,
                         "fold " + std::to_string(fold)});
    }
  } else {
    recipes = {{"resnet18", 11, 2.0, false, false, ""}};
  }
  Json models = Json::array();
  for (const ModelRecipe& recipe : recipes) models.push_back(model_json(recipe));

  Json results = Json::object();
  results.set("format_version", 1);
  results.set("kind", kind);
  results.set("run", std::move(run));
  results.set("data", std::move(data));
  if (kind == "folds") {
    Json folds = Json::object();
    folds.set("count", 3);
    folds.set("summary", fold_summary(models));
    results.set("models", std::move(models));
    results.set("folds", std::move(folds));
  } else {
    results.set("models", std::move(models));
    results.set("folds", nullptr);
  }
  return results;
}

TemporaryFolder::TemporaryFolder() {
  static int counter = 0;
  path_ = std::filesystem::temp_directory_path() /
          ("engine_report_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TemporaryFolder::~TemporaryFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream stream(file, std::ios::binary);
  stream << text;
  if (!stream) throw std::runtime_error("cannot write " + file.string());
}

std::string printf_percent(double proportion) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * proportion);
  return text;
}

}  // namespace engine::report::testing
