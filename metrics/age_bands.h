// Figures per age band. Sexual dimorphism of the hand grows with age, so a single overall
// accuracy hides how the method does on young hands; and where sex and age are confounded (in
// the RSNA development data girls dominate at 4-9 years, boys at 12-15), per-band figures with
// each band's sex balance expose a model that reads maturity instead of sex.
//
// Bands are half-open intervals in years, [lower, upper), upper may be +infinity. The defaults
// are the data README's bands "0-5, 6-9, 10-12, 13-15, 16+ years" read as whole years of age:
//   [0, 6), [6, 10), [10, 13), [13, 16), [16, +inf)
// so 5 years 11 months is in the first band and exactly 6 years in the second.
// Ages in the RSNA manifests are bone ages in months (not chronological age); months_to_years
// divides by 12, which is exact for whole months at the band edges (72 / 12 = 6 exactly).
//
// Cases without an age are counted (without_age), never dropped silently; an age outside every
// band is counted in outside_bands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/confusion.h"
#include "metrics/intervals.h"
#include "util/json.h"

namespace engine::metrics {

struct AgeBand {
  double lower_years = 0;
  double upper_years = 0;  // exclusive; may be +infinity

  bool contains(double age_years) const;
  std::string label() const;  // "[6, 10) years", "[16, inf) years"
};

std::vector<AgeBand> default_age_bands();
double months_to_years(double months);
// Each present age converted; missing ones stay missing.
std::vector<std::optional<double>> months_to_years(
    const std::vector<std::optional<double>>& ages_months);

struct AgeBandFigures {
  AgeBand band;
  ConfusionMatrix matrix;  // counts, sex balance (true_count) and everything else
  Ratio accuracy;
  Interval accuracy_interval;    // Wilson, two-sided 95%; undefined for an empty band
  double balanced_accuracy = 0;  // NaN unless both classes are present in the band
  Ratio class1_fraction;         // true class-1 cases / cases in the band (sex balance)
};

struct AgeBandReport {
  std::vector<AgeBandFigures> bands;
  std::int64_t without_age = 0;
  std::int64_t outside_bands = 0;
};

// labels, predictions and ages_years have the same size. Bands must be non-empty intervals,
// sorted and non-overlapping (each band's lower >= the previous band's upper).
AgeBandReport age_band_figures(const std::vector<int>& labels, const std::vector<int>& predictions,
                               const std::vector<std::optional<double>>& ages_years,
                               const std::vector<AgeBand>& bands = default_age_bands(),
                               const ClassNames& names = {});

Json to_json(const AgeBandReport& report);

}  // namespace engine::metrics
