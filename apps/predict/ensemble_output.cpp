// What predict_app --ensemble writes: the ensemble's estimate of each image beside every
// member's own, and the provenance of every member checkpoint (docs/PREDICT.md).
#include <cstdio>

#include "apps/common/environment.h"
#include "apps/predict/ensemble.h"
#include "data/csv.h"

namespace engine::apps {

namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", value);
  return text;
}

Json member_json(const EnsembleMemberRun& member) {
  Json json = Json::object();
  json.set("name", Json(member.record.name));
  json.set("checkpoint", Json(member.checkpoint.string()));
  json.set("checkpoint_sha256", Json(member.run.checkpoint_sha256));
  json.set("checkpoint_file_sha256", Json(member.run.checkpoint_file_sha256));
  json.set("tensor_sha256", Json(member.run.checkpoint_tensor_sha256));
  json.set("temperature", Json(member.record.temperature));
  json.set("decision_policy", member.run.policy.to_json());
  return json;
}

Json provenance_json(const EnsemblePrediction& prediction) {
  Json json = Json::object();
  json.set("file", Json(prediction.file));
  json.set("file_sha256", Json(prediction.file_sha256));
  json.set("content_sha256", Json(prediction.record.content_sha256));
  json.set("combination", Json(prediction.record.combination));
  json.set("decision_policy", prediction.policy.to_json());
  Json members = Json::array();
  for (const EnsembleMemberRun& member : prediction.members) members.push_back(member_json(member));
  json.set("members", std::move(members));
  return json;
}

Json image_json(const EnsemblePrediction& prediction, std::size_t item) {
  const PredictionItem& first = prediction.members.front().run.items[item];
  const EnsembleCase& result = prediction.cases[item];
  Json json = Json::object();
  json.set("index", Json(static_cast<std::int64_t>(item + 1)));
  json.set("image", Json(first.input.label));
  json.set("sha256", Json(first.image_sha256));
  json.set("status", Json(result.predicted ? "ok" : "failed"));
  if (!result.predicted) json.set("error", Json(result.error));
  if (result.predicted) {
    json.set("estimate", Json(result.estimate.name));
    json.set("probability_male", Json(result.estimate.probability_class1));
    json.set("margin", Json(result.margin));
  }
  Json members = Json::array();
  for (const EnsembleMemberRun& member : prediction.members) {
    const PredictionItem& own = member.run.items[item];
    Json entry = Json::object();
    entry.set("name", Json(member.record.name));
    if (own.predicted) {
      entry.set("estimate", Json(own.estimate.name));
      entry.set("probability_male", Json(own.estimate.probability_class1));
      entry.set("logit_female", Json(own.view_logits.front()[0]));
      entry.set("logit_male", Json(own.view_logits.front()[1]));
    } else {
      entry.set("error", Json(own.error));
    }
    members.push_back(std::move(entry));
  }
  json.set("members", std::move(members));
  return json;
}

std::string ensemble_json_text(const EnsemblePrediction& prediction) {
  Json json = Json::object();
  json.set("program", Json("predict_app"));
  json.set("engine_version", Json(engine_version()));
  json.set("mode", Json("ensemble"));
  Json command = Json::array();
  for (const std::string& part : prediction.command_line) command.push_back(Json(part));
  json.set("command", std::move(command));
  json.set("started", Json(prediction.started_utc));
  json.set("finished", Json(prediction.finished_utc));
  const PredictionRun& first = prediction.members.front().run;
  json.set("device", Json(first.device_description));
  json.set("determinism", Json(first.determinism));
  json.set("environment", first.environment);
  json.set("ensemble", provenance_json(prediction));
  Json images = Json::array();
  for (std::size_t i = 0; i < prediction.cases.size(); ++i) {
    images.push_back(image_json(prediction, i));
  }
  json.set("images", std::move(images));
  return json.dump(2) + "\n";
}

// Built by appending: GCC 12 reports a false -Wrestrict on some chains of operator+.
std::string ensemble_csv(const EnsemblePrediction& prediction) {
  std::string text = "index,image,file,status,estimate,probability_male";
  for (const EnsembleMemberRun& member : prediction.members) {
    const std::string name = data::csv_field(member.record.name);
    text.append(",").append(name).append("_estimate,").append(name).append("_probability_male");
  }
  text += ",error\n";
  for (std::size_t i = 0; i < prediction.cases.size(); ++i) {
    const PredictionItem& first = prediction.members.front().run.items[i];
    const EnsembleCase& result = prediction.cases[i];
    text.append(std::to_string(i + 1)).append(",").append(data::csv_field(first.input.label));
    text.append(",").append(data::csv_field(first.input.file.string())).append(",");
    if (result.predicted) {
      text.append("ok,").append(result.estimate.name).append(",");
      text.append(number(result.estimate.probability_class1));
    } else {
      text.append("failed,,");
    }
    for (const EnsembleMemberRun& member : prediction.members) {
      const PredictionItem& own = member.run.items[i];
      text.append(",");
      if (own.predicted) {
        text.append(own.estimate.name).append(",");
        text.append(number(own.estimate.probability_class1));
      } else {
        text.append(",");
      }
    }
    text.append(",").append(data::csv_field(result.error)).append("\n");
  }
  return text;
}

std::string ensemble_table(const EnsemblePrediction& prediction) {
  std::string text = "predict_app ";
  text.append(engine_version()).append(": sex estimated from hand radiographs by an ensemble of ");
  text.append(std::to_string(prediction.members.size())).append(" models\n");
  text.append("ensemble ").append(prediction.file).append(" (content sha256 ");
  text.append(prediction.record.content_sha256).append(")\n");
  text.append("combined: ").append(prediction.record.combination).append("\n");
  const bool fitted = prediction.policy.source == metrics::ThresholdSource::validation;
  text.append("decision: [")
      .append(fitted ? "ensemble file" : metrics::source_name(prediction.policy.source))
      .append("] ");
  text.append(prediction.policy.threshold_note).append("\n");
  for (const EnsembleMemberRun& member : prediction.members) {
    text.append("member ").append(member.record.name).append(": ");
    text.append(member.checkpoint.string()).append(" (sha256 ");
    text.append(member.run.checkpoint_file_sha256).append(", checkpoint_sha256 ");
    text.append(member.run.checkpoint_sha256).append(", T ");
    text.append(number(member.record.temperature)).append(")\n");
  }
  text.append("\n");
  for (std::size_t i = 0; i < prediction.cases.size(); ++i) {
    const EnsembleCase& result = prediction.cases[i];
    text.append(std::to_string(i + 1)).append(" ");
    text.append(prediction.members.front().run.items[i].input.label).append(": ");
    if (result.predicted) {
      text.append("ensemble ").append(result.estimate.name).append(" (p(male) ");
      text.append(number(result.estimate.probability_class1)).append(")");
    } else {
      text.append("FAILED: ").append(result.error);
    }
    for (const EnsembleMemberRun& member : prediction.members) {
      const PredictionItem& own = member.run.items[i];
      if (!own.predicted) continue;
      text.append("; ").append(member.record.name).append(" ").append(own.estimate.name);
      text.append(" (").append(number(own.estimate.probability_class1)).append(")");
    }
    text.append("\n");
  }
  return text;
}

}  // namespace

std::string format_ensemble_prediction(const EnsemblePrediction& prediction) {
  if (prediction.options.format == "json") return ensemble_json_text(prediction);
  if (prediction.options.format == "csv") return ensemble_csv(prediction);
  return ensemble_table(prediction);
}

std::string ensemble_summary_line(const EnsemblePrediction& prediction) {
  return std::to_string(prediction.cases.size()) + " items by an ensemble of " +
         std::to_string(prediction.members.size()) +
         " models: " + std::to_string(prediction.cases.size() - prediction.failed()) +
         " succeeded, " + std::to_string(prediction.failed()) + " failed";
}

}  // namespace engine::apps
