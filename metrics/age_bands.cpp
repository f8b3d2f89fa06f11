#include "metrics/age_bands.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "metrics/error.h"

namespace engine::metrics {

namespace {

std::string year_text(double years) {
  if (std::isinf(years)) return "inf";
  char text[32];
  std::snprintf(text, sizeof text, "%g", years);
  return text;
}

void check_bands(const std::vector<AgeBand>& bands) {
  for (std::size_t i = 0; i < bands.size(); ++i) {
    const AgeBand& band = bands[i];
    // Written so that NaN fails, and an infinite lower edge too (nothing is above it).
    if (!(band.lower_years >= 0.0 && band.upper_years > band.lower_years)) {
      throw MetricsError("metrics: age_band_figures: band " + std::to_string(i) + " " +
                         band.label() + " is not a non-empty interval of non-negative ages");
    }
    if (i > 0 && band.lower_years < bands[i - 1].upper_years) {
      throw MetricsError("metrics: age_band_figures: band " + band.label() + " overlaps or " +
                         "precedes " + bands[i - 1].label() +
                         "; bands must be sorted and disjoint");
    }
  }
}

}  // namespace

bool AgeBand::contains(double age_years) const {
  return age_years >= lower_years && age_years < upper_years;
}

std::string AgeBand::label() const {
  // Appended piece by piece: "[" + std::string trips a false -Wrestrict warning in GCC 12.
  std::string text = "[";
  text += year_text(lower_years) + ", " + year_text(upper_years) + ") years";
  return text;
}

std::vector<AgeBand> default_age_bands() {
  const double infinity = std::numeric_limits<double>::infinity();
  return {{0, 6}, {6, 10}, {10, 13}, {13, 16}, {16, infinity}};
}

double months_to_years(double months) { return months / 12.0; }

std::vector<std::optional<double>> months_to_years(
    const std::vector<std::optional<double>>& ages_months) {
  std::vector<std::optional<double>> years(ages_months.size());
  for (std::size_t i = 0; i < ages_months.size(); ++i) {
    if (ages_months[i]) years[i] = months_to_years(*ages_months[i]);
  }
  return years;
}

AgeBandReport age_band_figures(const std::vector<int>& labels, const std::vector<int>& predictions,
                               const std::vector<std::optional<double>>& ages_years,
                               const std::vector<AgeBand>& bands, const ClassNames& names) {
  if (labels.size() != predictions.size() || labels.size() != ages_years.size()) {
    throw MetricsError("metrics: age_band_figures: " + std::to_string(labels.size()) + " labels, " +
                       std::to_string(predictions.size()) + " predictions and " +
                       std::to_string(ages_years.size()) + " ages; the sizes must agree");
  }
  check_labels(labels, "age_band_figures (labels)");
  check_labels(predictions, "age_band_figures (predictions)");
  check_bands(bands);

  AgeBandReport report;
  report.bands.resize(bands.size());
  for (std::size_t b = 0; b < bands.size(); ++b) {
    report.bands[b].band = bands[b];
    report.bands[b].matrix.names = names;
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (!ages_years[i]) {
      ++report.without_age;
      continue;
    }
    const double age = *ages_years[i];
    if (std::isnan(age)) {
      throw MetricsError("metrics: age_band_figures: ages[" + std::to_string(i) + "] is NaN; " +
                         "give a missing age as an empty optional");
    }
    bool placed = false;
    for (AgeBandFigures& figures : report.bands) {
      if (figures.band.contains(age)) {
        ++figures.matrix.counts[labels[i]][predictions[i]];
        placed = true;
        break;
      }
    }
    if (!placed) ++report.outside_bands;
  }
  for (AgeBandFigures& figures : report.bands) {
    figures.accuracy = accuracy(figures.matrix);
    figures.accuracy_interval = wilson_interval(figures.accuracy);
    figures.balanced_accuracy = balanced_accuracy(figures.matrix);
    figures.class1_fraction = {figures.matrix.true_count(1), figures.matrix.total()};
  }
  return report;
}

Json to_json(const AgeBandReport& report) {
  Json json = Json::object();
  json.set("band_rule", "half-open [lower, upper) in years of age");
  Json bands = Json::array();
  for (const AgeBandFigures& figures : report.bands) {
    const ClassNames& names = figures.matrix.names;
    Json band = Json::object();
    band.set("band", figures.band.label());
    band.set("cases", figures.matrix.total());
    band.set(names.class0 + "_cases", figures.matrix.true_count(0));
    band.set(names.class1 + "_cases", figures.matrix.true_count(1));
    band.set(names.class1 + "_fraction", to_json(figures.class1_fraction));
    band.set("accuracy", to_json(figures.accuracy));
    band.set("accuracy_interval_95",
             to_json(figures.accuracy_interval, "Wilson (1927) score, two-sided 95%"));
    band.set("balanced_accuracy", number_or_null(figures.balanced_accuracy));
    band.set("confusion_matrix", to_json(figures.matrix));
    bands.push_back(std::move(band));
  }
  json.set("bands", std::move(bands));
  json.set("cases_without_age", report.without_age);
  json.set("cases_outside_bands", report.outside_bands);
  return json;
}

}  // namespace engine::metrics
