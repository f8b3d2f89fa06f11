#include "metrics/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "metrics/classes.h"
#include "metrics/error.h"

namespace engine::metrics {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

double sigmoid(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

// log(1 + exp(x)) without overflow.
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

double sign_of_label(int label) { return label == 1 ? 1.0 : -1.0; }

void check_margins(const std::vector<int>& labels, const std::vector<double>& margins,
                   const char* where) {
  if (margins.size() != labels.size()) {
    throw MetricsError(std::string("metrics: ") + where + ": " + std::to_string(margins.size()) +
                       " margins but " + std::to_string(labels.size()) + " labels");
  }
  if (margins.empty()) throw MetricsError(std::string("metrics: ") + where + ": no cases");
  for (std::size_t i = 0; i < margins.size(); ++i) {
    if (!std::isfinite(margins[i])) {
      throw MetricsError(std::string("metrics: ") + where + ": margins[" + std::to_string(i) +
                         "] is not finite");
    }
  }
  check_labels(labels, where);
}

void check_temperature(double temperature, const char* where) {
  if (!(temperature > 0.0) || std::isinf(temperature)) {
    throw MetricsError(std::string("metrics: ") + where + ": temperature must be finite and > 0");
  }
}

// f'(s) of the header comment.
double nll_slope(const std::vector<int>& labels, const std::vector<double>& margins,
                 double inverse_temperature) {
  double slope = 0.0;
  for (std::size_t i = 0; i < margins.size(); ++i) {
    const double signed_margin = sign_of_label(labels[i]) * margins[i];
    slope -= signed_margin * sigmoid(-signed_margin * inverse_temperature);
  }
  return slope;
}

}  // namespace

std::vector<double> logit_margins(const std::vector<double>& logits_row_major) {
  if (logits_row_major.size() % 2 != 0) {
    throw MetricsError("metrics: logit_margins: " + std::to_string(logits_row_major.size()) +
                       " values are not N x 2 logits");
  }
  std::vector<double> margins(logits_row_major.size() / 2);
  for (std::size_t i = 0; i < margins.size(); ++i) {
    margins[i] = logits_row_major[2 * i + 1] - logits_row_major[2 * i];
  }
  return margins;
}

double calibrated_probability(double margin, double temperature) {
  check_temperature(temperature, "calibrated_probability");
  return sigmoid(margin / temperature);
}

std::vector<double> calibrated_probabilities(const std::vector<double>& margins,
                                             double temperature) {
  std::vector<double> probabilities(margins.size());
  for (std::size_t i = 0; i < margins.size(); ++i) {
    probabilities[i] = calibrated_probability(margins[i], temperature);
  }
  return probabilities;
}

double mean_negative_log_likelihood(const std::vector<int>& labels,
                                    const std::vector<double>& margins, double temperature) {
  check_margins(labels, margins, "mean_negative_log_likelihood");
  check_temperature(temperature, "mean_negative_log_likelihood");
  double sum = 0.0;
  for (std::size_t i = 0; i < margins.size(); ++i) {
    // -log sigmoid(x) = softplus(-x), x the margin signed towards the true class.
    sum += softplus(-sign_of_label(labels[i]) * margins[i] / temperature);
  }
  return sum / static_cast<double>(margins.size());
}

TemperatureFit fit_temperature(const std::vector<int>& labels, const std::vector<double>& margins) {
  check_margins(labels, margins, "fit_temperature");
  TemperatureFit fit;
  fit.cases = static_cast<std::int64_t>(margins.size());
  fit.mean_nll_before = mean_negative_log_likelihood(labels, margins, 1.0);
  fit.temperature = not_a_number;
  fit.mean_nll_after = not_a_number;

  // Bisection on u = log s = -log T; the slope's sign at u tells on which side the root lies.
  double low = std::log(1.0 / maximum_temperature);
  double high = std::log(1.0 / minimum_temperature);
  if (nll_slope(labels, margins, std::exp(low)) >= 0.0) {
    fit.failure =
        "the NLL is lowest at a temperature of 100 or more: the logits carry (almost) "
        "no information about the labels, or favour the wrong class";
    return fit;
  }
  if (nll_slope(labels, margins, std::exp(high)) <= 0.0) {
    fit.failure =
        "the NLL still decreases at a temperature of 0.01: the logits separate the "
        "validation cases (almost) perfectly, so no temperature can be fitted";
    return fit;
  }
  while (high - low > temperature_log_tolerance) {
    const double middle = low + (high - low) / 2.0;
    if (nll_slope(labels, margins, std::exp(middle)) < 0.0) {
      low = middle;
    } else {
      high = middle;
    }
    ++fit.iterations;
  }
  fit.fitted = true;
  fit.temperature = std::exp(-(low + (high - low) / 2.0));
  fit.mean_nll_after = mean_negative_log_likelihood(labels, margins, fit.temperature);
  return fit;
}

double ReliabilityBin::mean_confidence() const {
  return count > 0 ? confidence_sum / static_cast<double>(count) : not_a_number;
}

ReliabilityDiagram reliability_diagram(const std::vector<int>& labels,
                                       const std::vector<double>& probabilities_class1,
                                       int bin_count) {
  check_sample(labels, probabilities_class1, "reliability_diagram");
  if (bin_count < 1) throw MetricsError("metrics: reliability_diagram: need at least one bin");
  ReliabilityDiagram diagram;
  diagram.cases = static_cast<std::int64_t>(labels.size());
  diagram.bins.resize(static_cast<std::size_t>(bin_count));
  for (int b = 0; b < bin_count; ++b) {
    diagram.bins[b].lower = static_cast<double>(b) / bin_count;
    diagram.bins[b].upper = static_cast<double>(b + 1) / bin_count;
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double confidence = confidence_of(probabilities_class1[i]);
    // (b/M, (b+1)/M] -> b = ceil(confidence * M) - 1; confidence 0 goes to bin 0.
    const int bin =
        std::clamp(static_cast<int>(std::ceil(confidence * bin_count)) - 1, 0, bin_count - 1);
    ReliabilityBin& target = diagram.bins[static_cast<std::size_t>(bin)];
    ++target.count;
    target.confidence_sum += confidence;
    if (predicted_class(probabilities_class1[i]) == labels[i]) ++target.correct;
  }
  double gap_sum = 0.0;
  for (const ReliabilityBin& bin : diagram.bins) {
    gap_sum += std::abs(static_cast<double>(bin.correct) - bin.confidence_sum);
  }
  diagram.expected_calibration_error = gap_sum / static_cast<double>(diagram.cases);
  return diagram;
}

double brier_score(const std::vector<int>& labels,
                   const std::vector<double>& probabilities_class1) {
  check_sample(labels, probabilities_class1, "brier_score");
  double sum = 0.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double error = probabilities_class1[i] - static_cast<double>(labels[i]);
    sum += error * error;
  }
  return sum / static_cast<double>(labels.size());
}

Json to_json(const TemperatureFit& fit) {
  Json json = Json::object();
  json.set("method",
           "temperature scaling (Guo et al. 2017): T minimising the validation NLL, "
           "bisection on the NLL slope over T in [0.01, 100], tolerance 1e-12 in log T");
  json.set("fitted", fit.fitted);
  if (!fit.fitted) json.set("failure", fit.failure);
  json.set("temperature", number_or_null(fit.temperature));
  json.set("cases", fit.cases);
  json.set("mean_nll_at_temperature_1", number_or_null(fit.mean_nll_before));
  json.set("mean_nll_at_fitted_temperature", number_or_null(fit.mean_nll_after));
  json.set("iterations", fit.iterations);
  return json;
}

Json to_json(const ReliabilityDiagram& diagram) {
  Json json = Json::object();
  json.set("confidence", "probability of the predicted class, max(p, 1 - p)");
  json.set("binning", "equal width over [0, 1], bin b = (b/M, (b+1)/M]");
  json.set("cases", diagram.cases);
  json.set("expected_calibration_error", diagram.expected_calibration_error);
  Json bins = Json::array();
  for (const ReliabilityBin& bin : diagram.bins) {
    Json entry = Json::object();
    entry.set("lower", bin.lower);
    entry.set("upper", bin.upper);
    entry.set("count", bin.count);
    entry.set("correct", bin.correct);
    entry.set("mean_confidence", number_or_null(bin.mean_confidence()));
    entry.set("accuracy", number_or_null(bin.accuracy().value()));
    bins.push_back(std::move(entry));
  }
  json.set("bins", std::move(bins));
  return json;
}

}  // namespace engine::metrics
