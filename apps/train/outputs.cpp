#include "apps/train/outputs.h"

#include <cmath>
#include <cstdio>

#include "data/csv.h"
#include "metrics/calibration.h"
#include "util/file_io.h"

namespace engine::apps {

namespace {

std::string number(double value, const char* format = "%.6g") {
  if (!std::isfinite(value)) return "";
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  write_file_atomically(file.string(), std::vector<std::uint8_t>(text.begin(), text.end()));
}

}  // namespace

void write_epochs_csv(const std::filesystem::path& file,
                      const std::vector<results::StageSummary>& stages) {
  std::string text =
      "stage,epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,"
      "validation_balanced_accuracy,validation_auc,learning_rate,images_per_second,seconds\n";
  for (const results::StageSummary& stage : stages) {
    for (const results::EpochRecord& r : stage.history) {
      text += data::csv_field(stage.name) + "," + std::to_string(r.epoch) + "," +
              number(r.train_loss) + "," + number(r.train_accuracy) + "," +
              number(r.validation_loss) + "," + number(r.validation_accuracy) + "," +
              number(r.validation_balanced_accuracy) + "," + number(r.validation_auc) + "," +
              number(r.learning_rate) + "," + number(r.images_per_second, "%.2f") + "," +
              number(r.seconds, "%.2f") + "\n";
    }
  }
  write_text(file, text);
}

void write_predictions_csv(const std::filesystem::path& file, const Dataset& dataset,
                           const data::ImageCache& cache, const Predictions& predictions,
                           const metrics::DecisionPolicy& policy) {
  std::string text =
      "path,sha256,sex,age_years,id,logit_female,logit_male,probability_male,"
      "calibrated_probability_male,prediction,decision,correct\n";
  const std::vector<double> margins = metrics::logit_margins(predictions.logits);
  for (std::size_t n = 0; n < predictions.samples.size(); ++n) {
    const data::CacheEntry& entry = cache.entry(predictions.samples[n]);
    const data::Record& record = entry.record;
    const double raw = metrics::calibrated_probability(margins[n], 1.0);
    const double calibrated = metrics::calibrated_probability(margins[n], policy.temperature);
    const int predicted = calibrated >= 0.5 ? 1 : 0;
    const std::string decision = metrics::estimate(calibrated, policy).name;
    const std::optional<double> age = dataset.age_in_years(record);
    text += data::csv_field(record.path_text) + "," + entry.sha256 + "," +
            (record.sex == data::Sex::Male ? "male" : "female") + "," +
            (age ? number(*age, "%.3f") : "") + "," + data::csv_field(record.group) + "," +
            number(predictions.logits[2 * n]) + "," + number(predictions.logits[2 * n + 1]) + "," +
            number(raw) + "," + number(calibrated) + "," + (predicted == 1 ? "male" : "female") +
            "," + decision + "," + (predicted == predictions.labels[n] ? "1" : "0") + "\n";
  }
  write_text(file, text);
}

}  // namespace engine::apps
