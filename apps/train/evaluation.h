// Running a model over a set of cached images and turning its outputs into figures: the logits,
// the mean loss, and the quick validation figures that drive early stopping.
#pragma once

#include <string>
#include <vector>

#include "data/cache.h"
#include "data/loader.h"
#include "models/model.h"

namespace engine::apps {

struct Predictions {
  std::vector<std::size_t> samples;  // cache indices, in the order evaluated
  std::vector<int> labels;
  std::vector<double> logits;  // N x 2, row by row
  double mean_loss = 0;        // unweighted cross-entropy, no smoothing

  std::vector<double> probabilities_male(double temperature = 1.0) const;
};

// Evaluation mode, no gradients, no augmentation, in cache order.
Predictions predict(models::Model& model, const data::ImageCache& cache,
                    const std::vector<std::size_t>& samples, Device device, int batch_size,
                    const data::Normalization& normalization, int workers);

struct QuickFigures {
  double loss = 0, accuracy = 0, balanced_accuracy = 0, auc = 0, f1 = 0;
  // The early-stopping score: larger is better (the loss enters negated).
  double score(const std::string& metric) const;
};
QuickFigures quick_figures(const Predictions& predictions);

}  // namespace engine::apps
