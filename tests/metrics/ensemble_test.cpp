// The ensemble's arithmetic (metrics/ensemble.h): against the fixture script's scipy/numpy
// computation, and the properties its header promises.
#include "metrics/ensemble.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "metrics/decision_policy.h"
#include "metrics/error.h"
#include "tests/metrics/paired_fixture.h"

namespace engine::metrics::testing {

namespace {

struct FixtureEnsemble {
  std::vector<int> labels;
  std::vector<EnsembleMember> members;
};

FixtureEnsemble fixture_ensemble() {
  const Json& fixture = paired_fixture().at("ensemble");
  FixtureEnsemble result;
  result.labels = integers_of(fixture.at("validation_labels"));
  int index = 0;
  for (const Json& member : fixture.at("members").as_array()) {
    result.members.push_back({"member " + std::to_string(index++),
                              numbers_of(member.at("validation")), numbers_of(member.at("test"))});
  }
  return result;
}

void check_close(const std::vector<double>& actual, const std::vector<double>& expected,
                 double relative) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    CAPTURE(i);
    CHECK(close_to(actual[i], expected[i], relative, 1e-14));
  }
}

}  // namespace

TEST_CASE("the ensemble agrees with the fixture script's scipy computation") {
  const FixtureEnsemble input = fixture_ensemble();
  const Json& expected = paired_fixture().at("ensemble");
  const Ensemble ensemble =
      fit_ensemble(input.labels, input.members, expected.at("target_accuracy").as_number());
  const std::vector<double> temperatures = numbers_of(expected.at("member_temperatures"));
  REQUIRE(ensemble.members.size() == temperatures.size());
  for (std::size_t i = 0; i < temperatures.size(); ++i) {
    CHECK(ensemble.members[i].fit.fitted);
    // Both sides locate the root of the NLL slope to ~1e-12 relative.
    CHECK(close_to(ensemble.members[i].temperature, temperatures[i], 1e-10));
  }
  check_close(ensemble.validation_margins, numbers_of(expected.at("validation_margins")), 1e-10);
  check_close(ensemble.test_margins, numbers_of(expected.at("test_margins")), 1e-10);
  CHECK(close_to(ensemble.temperature, expected.at("temperature").as_number(), 1e-10));
  CHECK(ensemble.temperature < 1.0);  // the mean of partly independent margins is too small
  check_close(ensemble.test_probabilities, numbers_of(expected.at("test_probabilities")), 1e-10);
  const Json& band = expected.at("band");
  REQUIRE(ensemble.band.reached);
  CHECK(close_to(ensemble.band.confidence_threshold, band.at("threshold").as_number(), 1e-10));
  CHECK(ensemble.band.decided_accuracy.denominator == band.at("decided").as_integer());
  CHECK(ensemble.band.decided_accuracy.numerator == band.at("decided_correct").as_integer());
}

TEST_CASE("identical members give the member; one member alone is that member") {
  const FixtureEnsemble input = fixture_ensemble();
  const EnsembleMember& member = input.members[0];
  const Ensemble alone = fit_ensemble(input.labels, {member});
  const Ensemble triple = fit_ensemble(input.labels, {member, member, member});
  const std::vector<double> own =
      calibrated_probabilities(member.test_margins, alone.members[0].temperature);
  // The member's calibrated margins already have the NLL's optimum at T = 1.
  CHECK(close_to(alone.temperature, 1.0, 1e-10));
  CHECK(close_to(triple.temperature, 1.0, 1e-10));
  check_close(alone.test_probabilities, own, 1e-10);
  check_close(triple.test_probabilities, own, 1e-10);
  check_close(triple.validation_margins, alone.validation_margins, 1e-15);
  check_close(triple.member_test_probabilities[2], own, 0.0);
}

TEST_CASE("a member's raw logit scale does not matter, nor the order of the members") {
  const FixtureEnsemble input = fixture_ensemble();
  const Ensemble reference = fit_ensemble(input.labels, input.members);
  std::vector<EnsembleMember> scaled = input.members;
  for (double& margin : scaled[1].validation_margins) margin *= 8.0;
  for (double& margin : scaled[1].test_margins) margin *= 8.0;
  const Ensemble rescaled = fit_ensemble(input.labels, scaled);
  CHECK(close_to(rescaled.members[1].temperature, 8.0 * reference.members[1].temperature, 1e-11));
  check_close(rescaled.test_margins, reference.test_margins, 1e-10);

  const std::vector<EnsembleMember> reordered = {input.members[2], input.members[0],
                                                 input.members[1]};
  const Ensemble permuted = fit_ensemble(input.labels, reordered);
  CHECK(permuted.validation_margins == reference.validation_margins);  // to the bit
  CHECK(permuted.test_margins == reference.test_margins);
  CHECK(permuted.temperature == reference.temperature);
  CHECK(permuted.members[0].name == "member 2");
}

TEST_CASE("swapping the class names negates the ensemble's margins") {
  const FixtureEnsemble input = fixture_ensemble();
  const Ensemble reference = fit_ensemble(input.labels, input.members);
  std::vector<int> flipped_labels = input.labels;
  for (int& label : flipped_labels) label = 1 - label;
  std::vector<EnsembleMember> negated = input.members;
  for (EnsembleMember& member : negated) {
    for (double& margin : member.validation_margins) margin = -margin;
    for (double& margin : member.test_margins) margin = -margin;
  }
  const Ensemble swapped = fit_ensemble(flipped_labels, negated);
  for (std::size_t i = 0; i < input.members.size(); ++i) {
    CHECK(swapped.members[i].temperature == reference.members[i].temperature);
  }
  std::vector<double> negated_reference = reference.test_margins;
  for (double& margin : negated_reference) margin = -margin;
  check_close(swapped.test_margins, negated_reference, 1e-15);
  CHECK(close_to(swapped.temperature, reference.temperature, 1e-12));
}

TEST_CASE("a member whose temperature cannot be fitted enters with T = 1, and says so") {
  FixtureEnsemble input = fixture_ensemble();
  // Margins that separate the validation cases perfectly: no temperature is identifiable.
  for (std::size_t i = 0; i < input.labels.size(); ++i) {
    input.members[1].validation_margins[i] = input.labels[i] == 1 ? 5.0 : -5.0;
  }
  const Ensemble ensemble = fit_ensemble(input.labels, input.members);
  CHECK_FALSE(ensemble.members[1].fit.fitted);
  CHECK(ensemble.members[1].temperature == 1.0);
  const Json json = to_json(ensemble);
  const Json& member = json.at("members").as_array()[1];
  CHECK(member.at("note").as_string().find("T = 1") != std::string::npos);
  CHECK(member.at("temperature_fit").at("failure").is_string());
}

TEST_CASE("the ensemble's calibration reads back through the decision policy") {
  const FixtureEnsemble input = fixture_ensemble();
  const Ensemble ensemble = fit_ensemble(input.labels, input.members);
  const Json json = to_json(ensemble);
  CHECK(json.at("members").as_array().size() == 3);
  CHECK(json.at("method").as_string().find("calibrated logit margins") != std::string::npos);
  const DecisionPolicy policy = decision_policy({}, json.at("calibration"));
  CHECK(policy.calibrated);
  CHECK(policy.temperature == ensemble.temperature);
  CHECK(policy.decides());
  CHECK(policy.threshold == ensemble.band.confidence_threshold);
}

TEST_CASE("combine_margins divides by each temperature and averages") {
  const std::vector<double> combined = combine_margins({{2.0, -1.0}, {3.0, 6.0}}, {2.0, 3.0});
  CHECK(combined == std::vector<double>{1.0, 0.75});  // (1 + 1) / 2, (-0.5 + 2) / 2
  CHECK_THROWS_WITH_AS(combine_margins({{1.0}, {1.0, 2.0}}, {1.0, 1.0}),
                       doctest::Contains("member 1 has 2 margins"), MetricsError);
  CHECK_THROWS_WITH_AS(combine_margins({{1.0}}, {0.0}), doctest::Contains("temperature"),
                       MetricsError);
  CHECK_THROWS_WITH_AS(combine_margins({{std::nan("")}}, {1.0}), doctest::Contains("not finite"),
                       MetricsError);
  CHECK_THROWS_AS(combine_margins({}, {}), MetricsError);
}

TEST_CASE("fit_ensemble refuses members that do not match, naming the member") {
  const FixtureEnsemble input = fixture_ensemble();
  std::vector<EnsembleMember> members = input.members;
  members[2].validation_margins.pop_back();
  CHECK_THROWS_WITH_AS(fit_ensemble(input.labels, members), doctest::Contains("\"member 2\""),
                       MetricsError);
  members = input.members;
  members[1].test_margins.push_back(0.0);
  CHECK_THROWS_WITH_AS(fit_ensemble(input.labels, members),
                       doctest::Contains("\"member 1\": 13 test margins"), MetricsError);
  members = input.members;
  members[0].validation_margins[3] = std::nan("");
  CHECK_THROWS_WITH_AS(fit_ensemble(input.labels, members),
                       doctest::Contains("\"member 0\": validation margins[3] is not finite"),
                       MetricsError);
  CHECK_THROWS_AS(fit_ensemble(input.labels, {}), MetricsError);
}

}  // namespace engine::metrics::testing
