#include "apps/common/environment.h"
#include "apps/predict/output.h"

namespace engine::apps {

namespace {

Json text_or_null(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json checkpoint_json(const PredictionRun& run) {
  Json json = Json::object();
  json.set("path", Json(run.options.model));
  json.set("file_sha256", Json(run.checkpoint_file_sha256));
  json.set("tensor_sha256", Json(run.checkpoint_tensor_sha256));
  json.set("tensor_sha256_verified", Json(true));
  json.set("checkpoint_sha256", Json(run.checkpoint_sha256));
  json.set("checkpoint_sha256_verified", Json(true));
  json.set("architecture", Json(run.info.architecture));
  json.set("input_size", Json(run.info.input_size));
  json.set("feature_layer", Json(run.feature_layer));
  Json names = Json::array();
  for (const std::string& name : run.info.class_names) names.push_back(Json(name));
  json.set("class_names", std::move(names));
  json.set("trained_by_engine_version", Json(run.info.engine_version));
  for (const char* key : {"validation_summary", "test_summary", "data"}) {
    if (const Json* value = run.info.provenance.find(key)) json.set(key, *value);
  }
  return json;
}

Json provenance_json(const PredictionRun& run, const PredictionItem& item) {
  Json json = Json::object();
  json.set("image_sha256", text_or_null(item.image_sha256));
  json.set("checkpoint_file_sha256", Json(run.checkpoint_file_sha256));
  json.set("checkpoint_tensor_sha256", Json(run.checkpoint_tensor_sha256));
  json.set("checkpoint_sha256", Json(run.checkpoint_sha256));
  json.set("engine_version", Json(engine_version()));
  json.set("device", Json(run.device_description));
  json.set("determinism", Json(run.determinism));
  json.set("time_utc", text_or_null(item.time_utc));
  json.set("dicom_sop_instance_uid",
           item.dicom ? text_or_null(item.dicom->sop_instance_uid) : Json(nullptr));
  return json;
}

Json item_json(const PredictionRun& run, const PredictionItem& item) {
  const metrics::ClassNames& names = run.policy.class_names;
  Json json = Json::object();
  json.set("index", Json(static_cast<std::int64_t>(item.index)));
  json.set("image", Json(item.input.label));
  json.set("file", Json(item.input.file.string()));
  json.set("origin", Json(item.input.origin));
  json.set("status", Json(item.failed() ? "failed" : "ok"));
  json.set("error", text_or_null(!item.error.empty() ? item.error : item.heatmap_error));
  json.set("truth", item.input.truth ? Json(names.of(*item.input.truth)) : Json(nullptr));
  json.set("image_sha256", text_or_null(item.image_sha256));
  const bool decoded = item.width > 0;
  json.set("width", decoded ? Json(item.width) : Json(nullptr));
  json.set("height", decoded ? Json(item.height) : Json(nullptr));
  json.set("bit_depth", decoded ? Json(item.bit_depth) : Json(nullptr));
  json.set("unusual", text_or_null(item.unusual));
  json.set("dicom", item.dicom ? data::dicom_info_json(*item.dicom) : Json(nullptr));
  Json notes = Json::array();
  for (const std::string& note : item.notes) notes.push_back(Json(note));
  json.set("notes", std::move(notes));
  if (!item.predicted) {
    for (const char* key : {"estimate", "decided", "probabilities", "confidence", "threshold",
                            "logits", "views", "heatmap"}) {
      json.set(key, Json(nullptr));
    }
    json.set("provenance", provenance_json(run, item));
    return json;
  }
  const double male = item.estimate.probability_class1;
  json.set("estimate", Json(item.estimate.name));
  json.set("decided", Json(item.estimate.decision.determined));
  Json probabilities = Json::object();
  probabilities.set(names.class0, Json(1.0 - male));
  probabilities.set(names.class1, Json(male));
  json.set("probabilities", std::move(probabilities));
  json.set("confidence", Json(item.estimate.decision.confidence));
  json.set("threshold", run.policy.decides() ? Json(run.policy.threshold) : Json(nullptr));
  Json logits = Json::object();
  logits.set(names.class0, Json(item.view_logits.front()[0]));
  logits.set(names.class1, Json(item.view_logits.front()[1]));
  json.set("logits", std::move(logits));
  Json views = Json::array();
  for (std::size_t v = 0; v < item.view_logits.size(); ++v) {
    Json view = Json::object();
    view.set("name", Json(run.views[v].name));
    Json pair = Json::array();
    pair.push_back(Json(item.view_logits[v][0]));
    pair.push_back(Json(item.view_logits[v][1]));
    view.set("logits", std::move(pair));
    view.set("probability_" + names.class1, Json(item.view_probabilities[v]));
    views.push_back(std::move(view));
  }
  json.set("views", std::move(views));
  json.set("heatmap", item.heatmap);
  if (item.reference) {
    Json reference = Json::object();
    reference.set("estimate", Json(item.reference->name));
    reference.set("probability_" + names.class1, Json(item.reference->probability_class1));
    reference.set("same_decision", Json(item.reference->name == item.estimate.name));
    json.set("cpu_reference", std::move(reference));
  }
  json.set("provenance", provenance_json(run, item));
  return json;
}

Json options_json(const PredictionRun& run) {
  const PredictOptions& o = run.options;
  Json json = Json::object();
  json.set("model", Json(o.model));
  json.set("format", Json(o.format));
  json.set("out", Json(o.out));
  json.set("explain", Json(o.explain));
  json.set("tta", Json(o.tta));
  json.set("threshold", Json(o.threshold));
  json.set("device", Json(o.device));
  json.set("batch_size", Json(o.batch_size));
  json.set("threads", Json(o.threads));
  json.set("verify_on_cpu", Json(o.verify_on_cpu));
  json.set("deterministic", Json(o.deterministic));
  json.set("allow_unusual_images", Json(o.allow_unusual_images));
  json.set("dicom_window", Json(o.dicom_window));
  json.set("allow_outside_paths", Json(o.allow_outside_paths));
  json.set("overwrite", Json(o.overwrite));
  Json inputs = Json::array();
  for (const std::string& input : o.inputs) inputs.push_back(Json(input));
  json.set("inputs", std::move(inputs));
  return json;
}

}  // namespace

Json prediction_json(const PredictionRun& run) {
  Json json = Json::object();
  json.set("schema_version", Json(prediction_schema_version));
  json.set("program", Json("predict_app"));
  json.set("engine_version", Json(engine_version()));
  Json command = Json::array();
  for (const std::string& argument : run.command_line) command.push_back(Json(argument));
  json.set("command_line", std::move(command));
  json.set("options", options_json(run));
  json.set("started_utc", Json(run.started_utc));
  json.set("finished_utc", Json(run.finished_utc));
  json.set("checkpoint", checkpoint_json(run));
  json.set("preprocessing", run.input.description);
  json.set("decision_policy", run.policy.to_json());
  Json tta = Json::object();
  tta.set("used", Json(run.options.tta));
  tta.set("views", views_json(run.views));
  tta.set("combination", Json("mean of the calibrated probabilities of the views"));
  json.set("test_time_augmentation", std::move(tta));
  Json rules = run.rules.to_json();
  rules.set("overridden_by_allow_unusual_images", Json(run.options.allow_unusual_images));
  json.set("image_rules", std::move(rules));
  Json device = Json::object();
  device.set("device", Json(run.device_description));
  device.set("determinism", Json(run.determinism));
  device.set("batch_size", Json(run.options.batch_size));
  json.set("device", std::move(device));
  json.set("environment", run.environment);
  Json predictions = Json::array();
  for (const PredictionItem& item : run.items) predictions.push_back(item_json(run, item));
  json.set("predictions", std::move(predictions));
  json.set("verification", run.verification);
  Json summary = Json::object();
  summary.set("items", Json(static_cast<std::int64_t>(run.items.size())));
  summary.set("succeeded", Json(static_cast<std::int64_t>(run.succeeded())));
  summary.set("failed", Json(static_cast<std::int64_t>(run.failed())));
  for (const std::string& name : {run.policy.class_names.class0, run.policy.class_names.class1,
                                  std::string("undetermined")}) {
    summary.set(name, Json(static_cast<std::int64_t>(run.count(name))));
  }
  summary.set("prediction_seconds", Json(run.prediction_seconds));
  summary.set("total_seconds", Json(run.total_seconds));
  std::size_t predicted = 0;
  for (const PredictionItem& item : run.items) predicted += item.predicted ? 1 : 0;
  summary.set(
      "images_per_second",
      Json(run.prediction_seconds > 0 ? static_cast<double>(predicted) / run.prediction_seconds
                                      : 0.0));
  summary.set("exit_code", Json(run.exit_code()));
  json.set("summary", std::move(summary));
  Json notes = Json::array();
  for (const std::string& note : run.notes) notes.push_back(Json(note));
  json.set("notes", std::move(notes));
  return json;
}

}  // namespace engine::apps
