#include "apps/predict/ensemble.h"

#include <cmath>

#include "apps/common/environment.h"
#include "apps/common/output_guard.h"
#include "apps/predict/output_paths.h"
#include "data/file.h"
#include "metrics/calibration.h"
#include "metrics/ensemble.h"

namespace engine::apps {

namespace {

Json read_ensemble_json(const std::string& file) {
  if (!std::filesystem::is_regular_file(file)) {
    throw CheckpointError("--ensemble " + file + ": no such file");
  }
  try {
    return Json::parse(data::read_file_text(file));
  } catch (const std::exception& error) {
    throw CheckpointError("--ensemble " + file + ": not JSON: " + error.what());
  }
}

// The file hash of each member checkpoint, checked before anything is loaded.
std::vector<EnsembleMemberRun> locate_members(const std::string& file,
                                              const results::EnsembleFile& record) {
  const std::filesystem::path run_folder = std::filesystem::path(file).parent_path().parent_path();
  std::vector<EnsembleMemberRun> members;
  for (std::size_t i = 0; i < record.members.size(); ++i) {
    const results::EnsembleMemberRecord& member = record.members[i];
    const std::string field = "members[" + std::to_string(i) + "]";
    EnsembleMemberRun run;
    run.record = member;
    run.checkpoint = run_folder / member.checkpoint;
    if (!std::filesystem::is_regular_file(run.checkpoint)) {
      throw CheckpointError(file + ": " + field + ".checkpoint: " + run.checkpoint.string() +
                            ": no such checkpoint file");
    }
    if (data::sha256_file_hex(run.checkpoint.string()) != member.checkpoint_file_sha256) {
      throw CheckpointError(run.checkpoint.string() + ": its SHA-256 does not match " + field +
                            ".checkpoint_file_sha256 in " + file +
                            ": the checkpoint changed after the ensemble was made");
    }
    members.push_back(std::move(run));
  }
  return members;
}

// After a member was loaded (its own signature verified): its signature and temperature must be
// those the ensemble file records.
void check_member(const std::string& file, std::size_t index, const EnsembleMemberRun& member,
                  const std::vector<std::string>& class_names) {
  const std::string field = "members[" + std::to_string(index) + "]";
  if (member.run.checkpoint_sha256 != member.record.checkpoint_sha256) {
    throw CheckpointError(member.checkpoint.string() + ": its checkpoint_sha256 does not match " +
                          field + ".checkpoint_sha256 in " + file);
  }
  const double recorded = member.record.temperature;
  const double actual = member.run.policy.temperature;
  if (!(std::fabs(recorded - actual) <= 1e-12 * std::fabs(actual))) {
    throw CheckpointError(member.checkpoint.string() + ": its temperature " +
                          std::to_string(actual) + " does not match " + field + ".temperature in " +
                          file);
  }
  if (member.run.info.class_names != class_names) {
    throw CheckpointError(member.checkpoint.string() + ": its class names differ from " + file +
                          "'s class_names");
  }
}

// No output may replace the ensemble file, a member checkpoint or an input.
void check_outputs(const PredictOptions& options, const EnsemblePrediction& prediction) {
  const ExpandedInputs inputs =
      expand_inputs(options.inputs, data::PathPolicy{options.allow_outside_paths});
  OutputGuard guard("predict_app", options.overwrite);
  guard.add_input(options.ensemble, "the ensemble (--ensemble)");
  for (const EnsembleMemberRun& member : prediction.members) {
    guard.add_input(member.checkpoint, "a member checkpoint of the ensemble");
  }
  for (const std::filesystem::path& manifest : inputs.manifests) {
    guard.add_input(manifest, "the manifest");
  }
  for (const InputItem& item : inputs.items) guard.add_input(item.file, "the input image");
  if (!options.out.empty()) {
    guard.check_file(options.out, "--out " + options.out, is_prediction_output);
  }
}

// Each image's ensemble estimate from every member's single-view logits.
EnsembleCase combine(const EnsemblePrediction& prediction, std::size_t item) {
  EnsembleCase result;
  std::vector<std::vector<double>> margins;
  std::vector<double> temperatures;
  for (const EnsembleMemberRun& member : prediction.members) {
    const PredictionItem& own = member.run.items.at(item);
    if (!own.predicted || own.view_logits.empty()) {
      result.error = own.error.empty() ? "not predicted" : own.error;
      return result;
    }
    margins.push_back({own.view_logits.front()[1] - own.view_logits.front()[0]});
    temperatures.push_back(member.record.temperature);
  }
  result.margin = metrics::combine_margins(margins, temperatures).front();
  result.predicted = true;
  result.estimate = metrics::estimate(
      metrics::calibrated_probability(result.margin, prediction.policy.temperature),
      prediction.policy);
  return result;
}

}  // namespace

EnsemblePrediction load_ensemble(const PredictOptions& options,
                                 const std::vector<std::string>& command_line) {
  EnsemblePrediction prediction;
  prediction.options = options;
  prediction.command_line = command_line;
  prediction.started_utc = utc_timestamp();
  prediction.file = options.ensemble;
  const Json json = read_ensemble_json(options.ensemble);
  try {
    prediction.record = results::EnsembleFile::from_json(json, options.ensemble);
  } catch (const std::exception& error) {
    const std::string text = error.what();
    throw CheckpointError(text.rfind(options.ensemble, 0) == 0 ? text
                                                               : options.ensemble + ": " + text);
  }
  prediction.file_sha256 = data::sha256_file_hex(options.ensemble);
  const std::vector<std::string>& names = prediction.record.class_names;
  if (names.size() != 2) throw CheckpointError(options.ensemble + ": class_names must hold two");
  const double threshold = options.threshold_override();
  try {
    prediction.policy =
        metrics::decision_policy({names[0], names[1]}, prediction.record.calibration,
                                 threshold < 0 ? std::nullopt : std::optional<double>(threshold));
  } catch (const std::exception& error) {
    throw CheckpointError(options.ensemble + ": calibration: " + error.what());
  }
  prediction.members = locate_members(options.ensemble, prediction.record);
  return prediction;
}

EnsemblePrediction run_ensemble_prediction(const PredictOptions& options,
                                           const std::vector<std::string>& command_line) {
  options.validate();
  EnsemblePrediction prediction = load_ensemble(options, command_line);
  check_outputs(options, prediction);
  for (std::size_t i = 0; i < prediction.members.size(); ++i) {
    EnsembleMemberRun& member = prediction.members[i];
    PredictOptions own = options;
    own.ensemble.clear();
    own.model = member.checkpoint.string();
    own.threshold = "checkpoint";  // the member's own estimate, beside the ensemble's
    own.out.clear();
    member.run = run_prediction(own, command_line);
    check_member(options.ensemble, i, member, prediction.record.class_names);
  }
  const std::size_t items = prediction.members.front().run.items.size();
  for (std::size_t item = 0; item < items; ++item) {
    prediction.cases.push_back(combine(prediction, item));
  }
  prediction.finished_utc = utc_timestamp();
  return prediction;
}

std::size_t EnsemblePrediction::failed() const {
  std::size_t count = 0;
  for (const EnsembleCase& one : cases) count += one.predicted ? 0 : 1;
  return count;
}

}  // namespace engine::apps
