// An ensemble of k models on the same cases: what is averaged, and how it is calibrated.
//
// What is averaged: each member's calibrated logit margin, d_i / T_i, where d_i = z_class1 -
// z_class0 is the member's logit margin and T_i its own temperature fitted on the validation
// cases (metrics/calibration.h). The ensemble's margin is their mean,
//   d = (1/k) sum_i d_i / T_i,
// and the ensemble then gets its own temperature T, fitted on the validation cases' d, and its
// own undetermined band (metrics/undetermined.h) on sigmoid(d / T). Why this and not the two
// alternatives:
//   - not the raw margins d_i: a member's raw logit scale is an accident of its training (epochs,
//     weight decay, label smoothing), and an over-confident member (large |d_i|, T_i > 1) would
//     outvote the others by that accident alone. Dividing by T_i puts every member on the scale
//     its own validation cases support, so the average weighs members by calibrated evidence.
//   - not the calibrated probabilities p_i: their mean (a linear opinion pool) is not calibrated
//     even when every member is, and lacks sharpness (Ranjan & Gneiting 2010, J. R. Stat. Soc.
//     B 72:71). The mean of log-odds (a logarithmic pool: the normalised geometric mean of the
//     members' odds, Genest & Zidek 1986, Statistical Science 1:114) keeps evidence additive,
//     and it stays in margin space, where the temperature fit works: logit(mean p) would round
//     to +-infinity once a member's probability rounds to 0 or 1, and fit_temperature refuses
//     non-finite margins.
// The mean of calibrated log-odds is about right when the members are strongly correlated and
// too small (under-confident) when they carry independent evidence; the ensemble's own
// temperature T corrects that, and is then below 1.
//
// Properties the tests check: an ensemble of identical members is that member (its calibrated
// probabilities, to rounding); one member alone is that member; the result does not depend on
// a member's raw logit scale (margins times c give T_i times c, the same d_i / T_i) nor, to the
// last bit, on the order in which members are listed (each case's k values are summed in
// ascending order); swapping the class names (negating every margin and flipping every label)
// negates the ensemble's margins and keeps its temperatures, to rounding.
//
// Caution for the report: the members' temperatures, the ensemble's temperature and its band
// are all fitted on the same validation cases, so the ensemble's validation figures are
// optimistic; only the test cases measure it.
//
// A member whose temperature cannot be fitted (fit_temperature's failure: uninformative or
// separable validation margins) enters with T_i = 1, its raw margins, and the failure is
// reported with it, as train_app does for a single model; the same holds for the ensemble's T.
#pragma once

#include <string>
#include <vector>

#include "metrics/calibration.h"
#include "metrics/undetermined.h"
#include "util/json.h"

namespace engine::metrics {

// Per case, the mean over members of member_margins[i][case] / member_temperatures[i], summed
// in ascending order. Every member must have the same number of finite margins, and every
// temperature must be finite and > 0. What predict_app applies, with the temperatures stored at
// training time.
std::vector<double> combine_margins(const std::vector<std::vector<double>>& member_margins,
                                    const std::vector<double>& member_temperatures);

struct EnsembleMember {
  std::string name;
  std::vector<double> validation_margins;  // same cases and order as the validation labels
  std::vector<double> test_margins;        // same cases and order for every member; may be empty
};

struct MemberCalibration {
  std::string name;
  TemperatureFit fit;
  double temperature = 1.0;  // fit.temperature when fitted, else 1
};

struct Ensemble {
  std::vector<MemberCalibration> members;
  std::vector<double> validation_margins;  // the ensemble's d per validation case
  std::vector<double> test_margins;        // the ensemble's d per test case
  TemperatureFit fit;                      // the ensemble's own temperature
  double temperature = 1.0;                // fit.temperature when fitted, else 1
  UndeterminedBand band;                   // on sigmoid(validation d / temperature)
  std::vector<double> test_probabilities;  // sigmoid(test d / temperature): calibrated p(class 1)
  // Each member's own calibrated p(class 1) per test case, to show beside the ensemble's.
  std::vector<std::vector<double>> member_test_probabilities;
};

// Fits every member's temperature, the ensemble's margins, temperature and undetermined band.
// Throws MetricsError (naming the member) for fewer than one member, margins that are not
// finite, or members whose validation or test margins differ in count.
Ensemble fit_ensemble(const std::vector<int>& validation_labels,
                      const std::vector<EnsembleMember>& members,
                      double target_accuracy = default_target_accuracy);

// The method, every member's temperature fit, and the ensemble's calibration in the shape a
// checkpoint carries it (decision_policy.h's calibration_metadata), so decision_policy() reads
// it like any model's.
Json to_json(const Ensemble& ensemble);

}  // namespace engine::metrics
