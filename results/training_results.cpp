#include "results/training_results.h"

#include <cmath>

namespace engine::results {

namespace {

constexpr const char* kind_names[] = {"single", "compare", "folds"};

Json number_or_null(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

}  // namespace

std::string_view name_of(Kind kind) { return kind_names[static_cast<int>(kind)]; }

std::optional<Kind> kind_from_name(std::string_view name) {
  for (const Kind kind : {Kind::single, Kind::compare, Kind::folds}) {
    if (name_of(kind) == name) return kind;
  }
  return std::nullopt;
}

Json EpochRecord::to_json() const {
  Json json = Json::object();
  json.set("epoch", Json(epoch));
  json.set("train_loss", Json(train_loss));
  json.set("train_accuracy", Json(train_accuracy));
  json.set("validation_loss", Json(validation_loss));
  json.set("validation_accuracy", Json(validation_accuracy));
  json.set("validation_balanced_accuracy", Json(validation_balanced_accuracy));
  json.set("validation_auc", number_or_null(validation_auc));
  json.set("learning_rate", Json(learning_rate));
  json.set("images_per_second", Json(images_per_second));
  json.set("seconds", Json(seconds));
  return json;
}

EpochRecord EpochRecord::from_json(const Json& json) {
  EpochRecord record;
  const auto number = [&](const char* key) {
    const Json& value = json.at(key);
    return value.is_null() ? std::nan("") : value.as_number();
  };
  record.epoch = json.at("epoch").as_integer();
  record.train_loss = number("train_loss");
  record.train_accuracy = number("train_accuracy");
  record.validation_loss = number("validation_loss");
  record.validation_accuracy = number("validation_accuracy");
  record.validation_balanced_accuracy = number("validation_balanced_accuracy");
  record.validation_auc = number("validation_auc");
  record.learning_rate = number("learning_rate");
  record.images_per_second = number("images_per_second");
  record.seconds = number("seconds");
  return record;
}

Json StageSummary::to_json() const {
  Json json = Json::object();
  json.set("name", Json(name));
  json.set("data", Json(data));
  json.set("images_train", Json(images_train));
  json.set("images_validation", Json(images_validation));
  json.set("input_size", Json(input_size));
  json.set("epochs", Json(epochs));
  json.set("learning_rate", Json(learning_rate));
  json.set("augment", Json(augment));
  json.set("initial_weights", Json(initial_weights));
  json.set("best_epoch", Json(best_epoch));
  json.set("stop_reason", Json(stop_reason));
  json.set("stopped_early", Json(stopped_early));
  return json;
}

Json ModelResult::history_json() const {
  Json history = Json::array();
  for (std::size_t s = 0; s < stages.size(); ++s) {
    for (const EpochRecord& record : stages[s].history) {
      Json line = record.to_json();
      line.set("stage", Json(static_cast<std::int64_t>(s + 1)));
      history.push_back(std::move(line));
    }
  }
  return history;
}

Json ModelResult::stages_json() const {
  Json json = Json::array();
  for (const StageSummary& stage : stages) json.push_back(stage.to_json());
  return json;
}

Json ModelResult::to_json() const {
  const StageSummary last = stages.empty() ? StageSummary{} : stages.back();
  Json json = Json::object();
  json.set("architecture", Json(architecture));
  if (!ensemble_members.empty()) {
    Json members = Json::array();
    for (const std::string& member : ensemble_members) members.push_back(Json(member));
    json.set("ensemble_members", std::move(members));
  }
  if (!partition.empty()) json.set("partition", Json(partition));
  json.set("parameters", Json(parameters));
  json.set("input_size", Json(input_size));
  json.set("auxiliary_head", Json(auxiliary_head));
  json.set("notes", Json(notes));
  json.set("initial_weights", Json(initial_weights));
  json.set("stages", stages_json());
  json.set("history", history_json());
  json.set("best_epoch", Json(last.best_epoch));
  json.set("stopped_early", Json(last.stopped_early));
  json.set("stop_reason", Json(last.stop_reason));
  json.set("calibration", calibration);
  json.set("validation", validation);
  if (test) json.set("test", *test);
  if (!predictions.empty()) json.set("predictions", Json(predictions));
  json.set("checkpoint", Json(checkpoint));
  json.set("checkpoint_sha256", Json(checkpoint_sha256));
  json.set("checkpoint_file_sha256", Json(checkpoint_file_sha256));
  json.set("seconds", Json(seconds));
  return json;
}

Json TrainingResults::to_json() const {
  Json json = Json::object();
  json.set("format_version", Json(format_version));
  json.set("kind", Json(std::string(name_of(kind))));
  json.set("run", run);
  json.set("data", data);
  Json model_entries = Json::array();
  for (const ModelResult& model : models) model_entries.push_back(model.to_json());
  json.set("models", std::move(model_entries));
  if (folds) {
    Json entry = Json::object();
    entry.set("count", Json(folds->count));
    entry.set("summary", folds->summary);
    json.set("folds", std::move(entry));
  } else {
    json.set("folds", Json(nullptr));
  }
  if (comparisons) json.set("comparisons", *comparisons);
  return json;
}

}  // namespace engine::results
