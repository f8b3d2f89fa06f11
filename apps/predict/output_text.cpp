#include <algorithm>
#include <cstdio>

#include "apps/common/arguments.h"
#include "apps/common/environment.h"
#include "apps/predict/output.h"
#include "data/csv.h"

namespace engine::apps {

namespace {

std::string fixed(double value, int decimals = 4) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// The threshold as a number, or "none" when the policy has no threshold (every case
// undetermined, metrics/decision_policy.h).
template <typename Format>
std::string threshold_text(const DecisionPolicy& policy, Format format) {
  return policy.decides() ? format(policy.threshold) : "none";
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() > width) {
    std::string shortened(3, '.');  // keeps the end of a long path, where the file name is
    shortened.append(text, text.size() - (width - 3), std::string::npos);
    text = std::move(shortened);
  }
  text.append(width - text.size(), ' ');
  return text;
}

std::string joined(const std::vector<std::string>& notes) {
  std::string text;
  for (const std::string& note : notes) text += (text.empty() ? "" : "; ") + note;
  return text;
}

std::string truth_of(const PredictionRun& run, const PredictionItem& item) {
  return item.input.truth ? run.policy.class_names.of(*item.input.truth) : "";
}

std::string spacing(const std::vector<double>& values) {
  std::string text;
  for (const double value : values) text += (text.empty() ? "" : " x ") + format_number(value);
  return text;
}

// The DICOM facts an examiner checks, one line; "" for other images.
std::string dicom_line(const PredictionItem& item) {
  if (!item.dicom) return "";
  const data::DicomInfo& d = *item.dicom;
  const auto shown = [](const std::string& text) { return text.empty() ? "-" : text; };
  return "SOP Instance UID " + shown(d.sop_instance_uid) + "; body part " +
         shown(d.body_part_examined) + "; laterality " +
         shown(!d.image_laterality.empty() ? d.image_laterality : d.laterality) +
         "; pixel spacing " +
         shown(spacing(!d.pixel_spacing.empty() ? d.pixel_spacing : d.imager_pixel_spacing)) +
         " mm; " + d.transfer_syntax + "; " + d.voi + (d.inverted ? "; MONOCHROME1 inverted" : "");
}

}  // namespace

std::string summary_line(const PredictionRun& run) {
  const metrics::ClassNames& names = run.policy.class_names;
  return std::to_string(run.items.size()) + " items: " + std::to_string(run.succeeded()) +
         " succeeded (" + std::to_string(run.count(names.class0)) + " " + names.class0 + ", " +
         std::to_string(run.count(names.class1)) + " " + names.class1 + ", " +
         std::to_string(run.count("undetermined")) + " undetermined), " +
         std::to_string(run.failed()) + " failed";
}

std::string prediction_table(const PredictionRun& run) {
  const metrics::ClassNames& names = run.policy.class_names;
  std::string text = "predict_app " + engine_version() + ": sex estimated from hand radiographs\n";
  text += "checkpoint   " + run.options.model + " (" + run.info.architecture + ", input " +
          std::to_string(run.input.preprocess.side) + " px, sha256 " + run.checkpoint_file_sha256 +
          ")\n";
  text += "calibration  " + run.policy.calibration_note + "\n";
  text += "threshold    " + threshold_text(run.policy, format_number) + " [" +
          metrics::source_name(run.policy.source) + "] " + run.policy.threshold_note + "\n";
  text += "device       " + run.device_description + ", " + run.determinism + "\n";
  text += "TTA          " + std::string(run.options.tta ? "on: " : "off");
  for (std::size_t v = 0; run.options.tta && v < run.views.size(); ++v) {
    text += (v ? ", " : "") + run.views[v].name;
  }
  text += "\n\n";
  bool any_truth = false;
  for (const PredictionItem& item : run.items) any_truth |= item.input.truth.has_value();
  std::size_t label_width = 12;
  for (const PredictionItem& item : run.items)
    label_width = std::max(label_width, item.input.label.size());
  label_width = std::min<std::size_t>(label_width, 48);
  text += pad("image", label_width) + "  " + pad("estimate", 12) + "  " +
          pad("P(" + names.class0 + ")", 10) + "  " + pad("P(" + names.class1 + ")", 10) + "  " +
          pad("confidence", 10) + "  " + (any_truth ? "threshold  truth" : "threshold") + "\n";
  for (const PredictionItem& item : run.items) {
    text += pad(item.input.label, label_width) + "  ";
    if (!item.predicted) {
      text += "FAILED: " + item.error + "\n";
      continue;
    }
    const double male = item.estimate.probability_class1;
    text += pad(item.estimate.name, 12) + "  " + pad(fixed(1.0 - male), 10) + "  " +
            pad(fixed(male), 10) + "  " + pad(fixed(item.estimate.decision.confidence), 10) + "  " +
            threshold_text(run.policy, [](double v) { return fixed(v); });
    if (any_truth) text += "     " + truth_of(run, item);
    text += "\n";
    if (!item.unusual.empty()) text += "    note: " + item.unusual + "\n";
    if (item.dicom) text += "    dicom: " + dicom_line(item) + "\n";
    for (const std::string& note : item.notes) text += "    note: " + note + "\n";
    if (item.heatmap.is_object())
      text += "    heatmap: " + item.heatmap.at("file").as_string() + "\n";
    if (!item.heatmap_error.empty()) text += "    FAILED heatmap: " + item.heatmap_error + "\n";
  }
  if (run.verification.is_object()) {
    text += "\nverification on the CPU reference (";
    text += run.verification.at("note").as_string();
    text += ")\n";
    for (const Json& layer : run.verification.at("layers").as_array()) {
      char line[160];
      std::snprintf(line, sizeof line,
                    "  %-24s %-16s max |difference| %.3g  (max |reference| %.3g)%s\n",
                    layer.at("layer").as_string().c_str(),
                    layer.at("output_shape_per_image").as_string().c_str(),
                    layer.at("largest_abs_difference").as_number(),
                    layer.at("largest_abs_reference").as_number(),
                    layer.at("non_finite_values").as_bool() ? "  NON-FINITE VALUES" : "");
      text += line;
    }
    text += "  decisions changed: ";
    text += std::to_string(run.decisions_changed) + "; largest probability difference " +
            format_number(run.verification.at("largest_probability_difference").as_number()) + "\n";
  }
  for (const std::string& note : run.notes) text += "note: " + note + "\n";
  text += '\n';
  text += summary_line(run);
  text += '\n';
  return text;
}

std::string prediction_csv(const PredictionRun& run) {
  const metrics::ClassNames& names = run.policy.class_names;
  std::string text = data::csv_record({"index",
                                       "image",
                                       "file",
                                       "status",
                                       "estimate",
                                       "probability_" + names.class0,
                                       "probability_" + names.class1,
                                       "confidence",
                                       "threshold",
                                       "threshold_source",
                                       "temperature",
                                       "logit_" + names.class0,
                                       "logit_" + names.class1,
                                       "tta_views",
                                       "truth",
                                       "image_sha256",
                                       "checkpoint_file_sha256",
                                       "engine_version",
                                       "device",
                                       "determinism",
                                       "time_utc",
                                       "heatmap",
                                       "error",
                                       "dicom_sop_instance_uid",
                                       "dicom",
                                       "notes"});
  for (const PredictionItem& item : run.items) {
    const bool ok = item.predicted;
    const double male = ok ? item.estimate.probability_class1 : 0;
    text += data::csv_record({std::to_string(item.index),
                              item.input.label,
                              item.input.file.string(),
                              item.failed() ? "failed" : "ok",
                              ok ? item.estimate.name : "",
                              ok ? format_number(1.0 - male) : "",
                              ok ? format_number(male) : "",
                              ok ? format_number(item.estimate.decision.confidence) : "",
                              threshold_text(run.policy, format_number),
                              metrics::source_name(run.policy.source),
                              format_number(run.policy.temperature),
                              ok ? format_number(item.view_logits.front()[0]) : "",
                              ok ? format_number(item.view_logits.front()[1]) : "",
                              std::to_string(run.views.size()),
                              truth_of(run, item),
                              item.image_sha256,
                              run.checkpoint_file_sha256,
                              engine_version(),
                              run.device_description,
                              run.determinism,
                              item.time_utc,
                              item.heatmap.is_object() ? item.heatmap.at("file").as_string() : "",
                              !item.error.empty() ? item.error : item.heatmap_error,
                              item.dicom ? item.dicom->sop_instance_uid : "",
                              dicom_line(item),
                              joined(item.notes)});
  }
  return text;
}

std::string format_prediction(const PredictionRun& run) {
  if (run.options.format == "json") return prediction_json(run).dump(2) + "\n";
  if (run.options.format == "csv") return prediction_csv(run);
  return prediction_table(run);
}

}  // namespace engine::apps
