#include "apps/train/comparison.h"

#include <cmath>
#include <stdexcept>

#include "apps/train/outputs.h"
#include "apps/train/run_folder.h"
#include "metrics/calibration.h"
#include "metrics/decision_policy.h"
#include "metrics/ensemble.h"
#include "metrics/pairwise.h"
#include "results/ensemble_file.h"
#include "util/file_io.h"
#include "util/sha256.h"

namespace engine::apps {

ComparedModel compared_model(const std::string& name, const ModelRunResult& run) {
  return {name, run.test_predictions.labels,
          run.test_predictions.probabilities_male(run.temperature)};
}

std::optional<Json> compare_models(const TrainingConfig& config, const Dataset& dataset,
                                   const std::vector<ComparedModel>& models) {
  if (models.size() < 2 || models.front().test_labels.empty()) return std::nullopt;
  metrics::PairwiseInput input;
  input.description = "test split of " + dataset.location + ", calibrated probabilities";
  input.labels = models.front().test_labels;
  for (const ComparedModel& model : models) {
    if (model.test_labels != input.labels) {
      throw std::runtime_error("the test cases of " + model.name + " differ from those of " +
                               models.front().name +
                               ": the pairwise comparison needs the same "
                               "cases in the same order");
    }
    input.models.push_back({model.name, model.test_probabilities});
  }
  input.positive_class = config.positive_class == "female" ? 0 : 1;
  input.bootstrap_seed = static_cast<std::uint64_t>(config.seed);
  input.bootstrap_replicates = static_cast<int>(config.bootstrap_replicates);
  return metrics::to_json(metrics::compare_pairwise(input));
}

namespace {

// Each member's cases, as paths, must be the same in the same order: the margins are averaged
// case by case.
void check_same_cases(const Dataset& dataset, CacheStore& caches,
                      const std::vector<ModelRunResult>& members) {
  const auto paths = [&](const ModelRunResult& run, const Predictions& predictions) {
    const data::ImageCache& cache = caches.get(dataset, static_cast<int>(run.entry.input_size));
    std::vector<std::string> result;
    for (std::size_t sample : predictions.samples) {
      result.push_back(cache.entry(sample).record.path_text);
    }
    return result;
  };
  const ModelRunResult& first = members.front();
  for (const ModelRunResult& member : members) {
    if (paths(member, member.validation_predictions) !=
            paths(first, first.validation_predictions) ||
        paths(member, member.test_predictions) != paths(first, first.test_predictions)) {
      throw std::runtime_error("--ensemble: the cases of " + member.entry.architecture +
                               " differ from those of " + first.entry.architecture);
    }
  }
}

// The ensemble's margins d as predictions: logit_female 0 and logit_male d, so that the
// prediction files and the evaluation read them like a model's (sigmoid(d / T) is its p(male)).
Predictions margin_predictions(const Predictions& like, const std::vector<double>& margins) {
  Predictions result;
  result.samples = like.samples;
  result.labels = like.labels;
  for (double margin : margins) {
    result.logits.push_back(0.0);
    result.logits.push_back(margin);
  }
  result.mean_loss = std::nan("");
  return result;
}

std::string relative_to_run(const TrainingConfig& config, const std::string& file) {
  return std::filesystem::path(file).lexically_relative(config.out).generic_string();
}

// ensemble/ensemble.json: the members with both hashes and temperatures, the ensemble's
// calibration, sealed by content_sha256. Returns what was written.
Json write_ensemble_file(const TrainingConfig& config, const std::vector<ModelRunResult>& members,
                         const metrics::Ensemble& ensemble, const Json& calibration,
                         const std::filesystem::path& file) {
  results::EnsembleFile record;
  record.class_names = {"female", "male"};
  record.combination =
      "d = mean over members of (logit_male - logit_female) / T_member; p(male) = sigmoid(d / T) "
      "with T the ensemble's temperature (calibration.temperature)";
  for (std::size_t i = 0; i < members.size(); ++i) {
    const results::ModelResult& entry = members[i].entry;
    record.members.push_back({entry.architecture, relative_to_run(config, entry.checkpoint),
                              entry.checkpoint_sha256, entry.checkpoint_file_sha256,
                              ensemble.members[i].temperature});
  }
  record.calibration = calibration;
  const Json json = record.to_json();
  write_json_file(file, json);
  return json;
}

// The ensemble's entry of results.json, apart from its evaluations.
results::ModelResult ensemble_entry(const std::vector<ModelRunResult>& members,
                                    const metrics::Ensemble& ensemble, const Json& calibration) {
  results::ModelResult entry;
  entry.architecture = "ensemble";
  for (const ModelRunResult& member : members) {
    entry.ensemble_members.push_back(member.entry.architecture);
    entry.parameters += member.entry.parameters;
  }
  entry.notes =
      "Ensemble of every model above: the mean of their calibrated logit margins, with its own "
      "temperature and undetermined band fitted on the validation cases (so its validation "
      "figures are optimistic; the test cases measure it). Parameters: the members' total.";
  entry.initial_weights = "the members' final weights";
  entry.calibration = calibration;
  const Json method = metrics::to_json(ensemble);
  for (const char* key : {"method", "members", "caution"}) {
    entry.calibration.set(key, method.at(key));
  }
  return entry;
}

}  // namespace

ModelRunResult run_ensemble(const TrainingConfig& config, const Dataset& dataset,
                            CacheStore& caches, const std::vector<ModelRunResult>& members,
                            Progress& progress) {
  check_same_cases(dataset, caches, members);
  std::vector<metrics::EnsembleMember> inputs;
  for (const ModelRunResult& member : members) {
    inputs.push_back({member.entry.architecture,
                      metrics::logit_margins(member.validation_predictions.logits),
                      metrics::logit_margins(member.test_predictions.logits)});
  }
  const ModelRunResult& first = members.front();
  const metrics::Ensemble ensemble =
      metrics::fit_ensemble(first.validation_predictions.labels, inputs, config.target_accuracy);
  const Json calibration = metrics::calibration_metadata(ensemble.fit, ensemble.band);
  const metrics::DecisionPolicy policy = metrics::decision_policy({}, calibration);

  ModelRunResult result;
  result.entry = ensemble_entry(members, ensemble, calibration);
  result.temperature = ensemble.temperature;
  result.validation_predictions =
      margin_predictions(first.validation_predictions, ensemble.validation_margins);
  result.test_predictions = margin_predictions(first.test_predictions, ensemble.test_margins);

  const std::filesystem::path folder = std::filesystem::path(config.out) / "ensemble";
  std::filesystem::create_directories(folder);
  const data::ImageCache& cache = caches.get(dataset, static_cast<int>(first.entry.input_size));
  const auto evaluate_part = [&](const Predictions& predictions, const std::string& part) {
    write_predictions_csv(folder / (part + "_predictions.csv"), dataset, cache, predictions,
                          policy);
    return evaluate_predictions(config, dataset, cache, predictions, ensemble.temperature,
                                part + " part of " + dataset.location + ", ensemble");
  };
  result.entry.validation =
      metrics::to_json(evaluate_part(result.validation_predictions, "validation"));
  if (!result.test_predictions.labels.empty()) {
    result.test = evaluate_part(result.test_predictions, "test");
    result.entry.test = metrics::to_json(*result.test);
    result.entry.predictions = (folder / "test_predictions.csv").string();
    progress.message("ensemble: " + metrics::summary_text(*result.test));
  }
  const std::filesystem::path file = folder / "ensemble.json";
  const Json written = write_ensemble_file(config, members, ensemble, calibration, file);
  result.entry.checkpoint = file.string();
  result.entry.checkpoint_sha256 = written.at("content_sha256").as_string();
  result.entry.checkpoint_file_sha256 = sha256_hex(read_file_bytes(file.string()));
  return result;
}

}  // namespace engine::apps
