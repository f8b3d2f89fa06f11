#include "apps/train/evaluation.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "autograd/autograd.h"
#include "metrics/calibration.h"
#include "metrics/confusion.h"
#include "metrics/roc.h"

namespace engine::apps {

std::vector<double> Predictions::probabilities_male(double temperature) const {
  return metrics::calibrated_probabilities(metrics::logit_margins(logits), temperature);
}

Predictions predict(models::Model& model, const data::ImageCache& cache,
                    const std::vector<std::size_t>& samples, Device device, int batch_size,
                    const data::Normalization& normalization, int workers) {
  data::LoaderConfig config;
  config.batch_size = batch_size;
  config.shuffle = false;
  config.normalization = normalization;
  config.worker_threads = workers;
  data::Loader loader(cache, samples, config);
  loader.start_epoch(0);

  const bool was_training = model.training();
  model.eval();
  NoGradGuard no_grad;
  Predictions result;
  double loss_total = 0;
  while (auto batch = loader.next()) {
    const Tensor logits = model.forward(batch->images.to(device)).to(Device::cpu());
    const auto values = logits.to(DType::Float64).to_vector<double>();
    const auto targets = batch->targets.to_vector<std::int64_t>();
    for (std::size_t n = 0; n < targets.size(); ++n) {
      const double z0 = values[2 * n], z1 = values[2 * n + 1];
      const double largest = std::max(z0, z1);
      const double log_sum = largest + std::log(std::exp(z0 - largest) + std::exp(z1 - largest));
      loss_total += log_sum - (targets[n] == 1 ? z1 : z0);
      result.labels.push_back(static_cast<int>(targets[n]));
    }
    result.logits.insert(result.logits.end(), values.begin(), values.end());
    result.samples.insert(result.samples.end(), batch->samples.begin(), batch->samples.end());
  }
  model.train(was_training);
  result.mean_loss = result.labels.empty() ? std::nan("") : loss_total / result.labels.size();
  return result;
}

QuickFigures quick_figures(const Predictions& predictions) {
  QuickFigures figures;
  figures.loss = predictions.mean_loss;
  const std::vector<double> probabilities = predictions.probabilities_male();
  const metrics::ConfusionMatrix matrix =
      metrics::confusion_matrix_at_threshold(predictions.labels, probabilities);
  figures.accuracy = metrics::accuracy(matrix).value();
  figures.balanced_accuracy = metrics::balanced_accuracy(matrix);
  figures.f1 = metrics::f1_of(matrix, 1).value();
  try {
    figures.auc = metrics::mann_whitney_auc(predictions.labels, probabilities, 1);
  } catch (const std::exception&) {
    figures.auc = std::nan("");  // one class only in this set
  }
  return figures;
}

double QuickFigures::score(const std::string& metric) const {
  double value = std::nan("");
  if (metric == "loss")
    value = -loss;
  else if (metric == "accuracy")
    value = accuracy;
  else if (metric == "balanced_accuracy")
    value = balanced_accuracy;
  else if (metric == "auc")
    value = auc;
  else if (metric == "f1")
    value = f1;
  else
    throw std::invalid_argument("unknown early-stopping metric '" + metric + "'");
  return std::isnan(value) ? -std::numeric_limits<double>::infinity() : value;
}

}  // namespace engine::apps
