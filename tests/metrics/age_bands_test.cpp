// Per-age-band figures: band edges, months to years, missing ages, and each band's figures.
#include "metrics/age_bands.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "metrics/error.h"

namespace engine::metrics::testing {

TEST_CASE("default bands are the README's whole-year bands, half open") {
  const std::vector<AgeBand> bands = default_age_bands();
  REQUIRE(bands.size() == 5);
  CHECK(bands[0].label() == "[0, 6) years");
  CHECK(bands[1].label() == "[6, 10) years");
  CHECK(bands[2].label() == "[10, 13) years");
  CHECK(bands[3].label() == "[13, 16) years");
  CHECK(bands[4].label() == "[16, inf) years");
  // 5 years 11 months is in the first band, exactly 6 years (72 months) in the second.
  CHECK(bands[0].contains(months_to_years(71)));
  CHECK_FALSE(bands[0].contains(months_to_years(72)));
  CHECK(bands[1].contains(months_to_years(72)));
  CHECK(months_to_years(72) == 6.0);
  CHECK(bands[4].contains(months_to_years(228)));  // 19 years
}

TEST_CASE("figures per band, hand counted") {
  // case  age (months)  years   band       true    predicted  correct
  //   0       12         1      [0,6)      female  female     yes
  //   1       71         5.92   [0,6)      female  male       no
  //   2       72         6      [6,10)     male    male       yes
  //   3      119.5       9.96   [6,10)     female  female     yes
  //   4      120        10      [10,13)    male    female     no
  //   5      (none)      -      -          male    male       -
  //   6      192        16      [16,inf)   male    male       yes
  //   7      300        25      [16,inf)   female  male       no
  //   8      150        12.5    [10,13)    male    male       yes
  // [0,6): n 2, accuracy 1/2, females only -> balanced accuracy undefined, male fraction 0/2.
  // [6,10): n 2, accuracy 2/2, recalls 1 and 1 -> balanced accuracy 1, male fraction 1/2.
  // [10,13): n 2, accuracy 1/2, males only, male fraction 2/2.
  // [13,16): empty -> accuracy undefined.
  // [16,inf): n 2, accuracy 1/2, recall male 1/1, female 0/1 -> balanced 1/2.
  const std::vector<int> labels = {0, 0, 1, 0, 1, 1, 1, 0, 1};
  const std::vector<int> predictions = {0, 1, 1, 0, 0, 1, 1, 1, 1};
  const std::vector<std::optional<double>> months = {12,           71,  72,  119.5, 120,
                                                     std::nullopt, 192, 300, 150};
  const AgeBandReport report = age_band_figures(labels, predictions, months_to_years(months));
  CHECK(report.without_age == 1);
  CHECK(report.outside_bands == 0);
  REQUIRE(report.bands.size() == 5);

  const AgeBandFigures& youngest = report.bands[0];
  CHECK(youngest.matrix.total() == 2);
  CHECK(youngest.accuracy.numerator == 1);
  CHECK(youngest.accuracy.denominator == 2);
  CHECK(std::isnan(youngest.balanced_accuracy));
  CHECK(youngest.class1_fraction.numerator == 0);
  // Wilson 1/2: centre 1/2, half width z / (1 + z^2/2) * sqrt(1/8 + z^2/16) = 0.4054533...
  // (mpmath: [0.09453120573423073, 0.90546879426576927]).
  CHECK(youngest.accuracy_interval.lower == doctest::Approx(0.09453120573423073).epsilon(1e-12));
  CHECK(youngest.accuracy_interval.upper == doctest::Approx(0.90546879426576927).epsilon(1e-12));

  CHECK(report.bands[1].accuracy.numerator == 2);
  CHECK(report.bands[1].balanced_accuracy == 1.0);
  CHECK(report.bands[1].class1_fraction.numerator == 1);
  CHECK(report.bands[1].class1_fraction.denominator == 2);
  CHECK(report.bands[2].matrix.true_count(1) == 2);
  CHECK(report.bands[2].accuracy.numerator == 1);
  CHECK(report.bands[3].matrix.total() == 0);
  CHECK_FALSE(report.bands[3].accuracy.defined());
  CHECK_FALSE(report.bands[3].accuracy_interval.defined());
  CHECK(report.bands[4].balanced_accuracy == 0.5);

  const Json json = to_json(report);
  CHECK(json.at("cases_without_age").as_integer() == 1);
  CHECK(json.at("bands").as_array()[0].at("female_cases").as_integer() == 2);
  CHECK(json.at("bands").as_array()[3].at("accuracy").at("value").is_null());
}

TEST_CASE("ages outside the bands are counted, bad bands and sizes rejected") {
  const std::vector<AgeBand> bands = {{6, 10}, {10, 13}};
  const AgeBandReport report =
      age_band_figures({0, 1, 1}, {0, 1, 1}, {std::optional<double>{3.0}, 7.0, 14.0}, bands);
  CHECK(report.outside_bands == 2);
  CHECK(report.bands[0].matrix.total() == 1);
  CHECK_THROWS_AS(age_band_figures({0}, {0}, {1.0}, {{6, 10}, {9, 13}}), MetricsError);
  CHECK_THROWS_AS(age_band_figures({0}, {0}, {1.0}, {{6, 6}}), MetricsError);
  CHECK_THROWS_AS(age_band_figures({0, 1}, {0, 1}, {1.0}), MetricsError);
  CHECK_THROWS_AS(age_band_figures({0}, {0}, {std::numeric_limits<double>::quiet_NaN()}),
                  MetricsError);
}

}  // namespace engine::metrics::testing
