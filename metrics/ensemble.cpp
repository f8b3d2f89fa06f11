#include "metrics/ensemble.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "metrics/decision_policy.h"
#include "metrics/error.h"

namespace engine::metrics {

namespace {

void check_finite(const std::vector<double>& values, const std::string& what) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw MetricsError("metrics: " + what + "[" + std::to_string(i) + "] is not finite");
    }
  }
}

void check_members(const std::vector<int>& validation_labels,
                   const std::vector<EnsembleMember>& members) {
  if (members.empty()) throw MetricsError("metrics: fit_ensemble: no members");
  for (const EnsembleMember& member : members) {
    const std::string where = "fit_ensemble: member \"" + member.name + "\": ";
    if (member.validation_margins.size() != validation_labels.size()) {
      throw MetricsError("metrics: " + where + std::to_string(member.validation_margins.size()) +
                         " validation margins but " + std::to_string(validation_labels.size()) +
                         " validation labels");
    }
    check_finite(member.validation_margins, where + "validation margins");
    check_finite(member.test_margins, where + "test margins");
    if (member.test_margins.size() != members.front().test_margins.size()) {
      throw MetricsError("metrics: " + where + std::to_string(member.test_margins.size()) +
                         " test margins but member \"" + members.front().name + "\" has " +
                         std::to_string(members.front().test_margins.size()));
    }
  }
}

// The temperature to use: the fitted one, or 1 (the raw margins) when the fit failed.
double temperature_of(const TemperatureFit& fit) { return fit.fitted ? fit.temperature : 1.0; }

}  // namespace

std::vector<double> combine_margins(const std::vector<std::vector<double>>& member_margins,
                                    const std::vector<double>& member_temperatures) {
  if (member_margins.empty()) throw MetricsError("metrics: combine_margins: no members");
  if (member_temperatures.size() != member_margins.size()) {
    throw MetricsError("metrics: combine_margins: " + std::to_string(member_margins.size()) +
                       " members but " + std::to_string(member_temperatures.size()) +
                       " temperatures");
  }
  const std::size_t cases = member_margins.front().size();
  for (std::size_t i = 0; i < member_margins.size(); ++i) {
    const std::string member = "combine_margins: member " + std::to_string(i);
    if (member_margins[i].size() != cases) {
      throw MetricsError("metrics: " + member + " has " + std::to_string(member_margins[i].size()) +
                         " margins, member 0 has " + std::to_string(cases));
    }
    check_finite(member_margins[i], member + " margins");
    const double temperature = member_temperatures[i];
    if (!(temperature > 0.0) || !std::isfinite(temperature)) {
      throw MetricsError("metrics: " + member + ": temperature must be finite and > 0");
    }
  }
  std::vector<double> combined(cases);
  std::vector<double> values(member_margins.size());
  for (std::size_t c = 0; c < cases; ++c) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = member_margins[i][c] / member_temperatures[i];
    }
    // Ascending, so the same members listed in any order give the same bits.
    std::sort(values.begin(), values.end());
    double sum = 0.0;
    for (double value : values) sum += value;
    combined[c] = sum / static_cast<double>(values.size());
  }
  return combined;
}

Ensemble fit_ensemble(const std::vector<int>& validation_labels,
                      const std::vector<EnsembleMember>& members, double target_accuracy) {
  check_members(validation_labels, members);
  Ensemble ensemble;
  std::vector<std::vector<double>> validation;
  std::vector<std::vector<double>> test;
  std::vector<double> temperatures;
  for (const EnsembleMember& member : members) {
    MemberCalibration calibration;
    calibration.name = member.name;
    calibration.fit = fit_temperature(validation_labels, member.validation_margins);
    calibration.temperature = temperature_of(calibration.fit);
    temperatures.push_back(calibration.temperature);
    validation.push_back(member.validation_margins);
    test.push_back(member.test_margins);
    ensemble.member_test_probabilities.push_back(
        calibrated_probabilities(member.test_margins, calibration.temperature));
    ensemble.members.push_back(std::move(calibration));
  }
  ensemble.validation_margins = combine_margins(validation, temperatures);
  ensemble.test_margins = combine_margins(test, temperatures);
  ensemble.fit = fit_temperature(validation_labels, ensemble.validation_margins);
  ensemble.temperature = temperature_of(ensemble.fit);
  ensemble.band = fit_undetermined_band(
      validation_labels,
      calibrated_probabilities(ensemble.validation_margins, ensemble.temperature), target_accuracy);
  ensemble.test_probabilities =
      calibrated_probabilities(ensemble.test_margins, ensemble.temperature);
  return ensemble;
}

Json to_json(const Ensemble& ensemble) {
  Json json = Json::object();
  json.set("method",
           "mean of the members' calibrated logit margins (z_class1 - z_class0) / T_member, "
           "each T_member fitted on the validation cases; the ensemble's own temperature and "
           "undetermined band fitted on the same validation cases");
  Json members = Json::array();
  for (const MemberCalibration& member : ensemble.members) {
    Json entry = Json::object();
    entry.set("name", member.name);
    entry.set("temperature", member.temperature);
    entry.set("temperature_fit", to_json(member.fit));
    if (!member.fit.fitted) entry.set("note", "enters with T = 1 (its raw margins)");
    members.push_back(std::move(entry));
  }
  json.set("members", std::move(members));
  json.set("calibration", calibration_metadata(ensemble.fit, ensemble.band));
  json.set("caution",
           "member temperatures, the ensemble temperature and the band are fitted on the same "
           "validation cases: validation figures are optimistic; measure on the test cases");
  return json;
}

}  // namespace engine::metrics
