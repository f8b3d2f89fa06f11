// tests/fixtures/paired_statistics.json, written by tests/metrics/make_paired_fixture.py from
// statsmodels, scipy, exact rational sums and an independent DeLong (the definition's m x n
// comparisons, cross-checked there against the jackknife, a bootstrap and Hanley & McNeil's
// published example). Read once per test process.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "util/file_io.h"
#include "util/json.h"

namespace engine::metrics::testing {

inline const Json& paired_fixture() {
  static const Json document = [] {
    const auto bytes =
        read_file_bytes(std::string(ENGINE_SOURCE_DIR) + "/tests/fixtures/paired_statistics.json");
    return Json::parse(std::string(bytes.begin(), bytes.end()));
  }();
  return document;
}

inline std::vector<double> numbers_of(const Json& array) {
  std::vector<double> values;
  for (const Json& value : array.as_array()) values.push_back(value.as_number());
  return values;
}

inline std::vector<int> integers_of(const Json& array) {
  std::vector<int> values;
  for (const Json& value : array.as_array()) values.push_back(static_cast<int>(value.as_integer()));
  return values;
}

// The fixture's 1000-case sample, rebuilt from the same integer hash as the script's
// hashed_case (MurmurHash3's 64-bit finaliser; probabilities are thousandths, one division).
struct HashedCase {
  std::vector<int> labels;
  std::vector<double> a, b;
};

inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  x ^= x >> 33;
  return x;
}

inline HashedCase hashed_case(int cases) {
  HashedCase sample;
  for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(cases); ++i) {
    const std::uint64_t label = mix64(4 * i) & 1;
    const std::uint64_t a_units = 250 * label + mix64(4 * i + 1) % 750;
    const std::uint64_t b_units = (2 * a_units + 200 * label + mix64(4 * i + 2) % 1000) / 4;
    sample.labels.push_back(static_cast<int>(label));
    sample.a.push_back(static_cast<double>(a_units) / 1000.0);
    sample.b.push_back(static_cast<double>(b_units) / 1000.0);
  }
  return sample;
}

// |actual - expected| <= relative * |expected| + absolute.
inline bool close_to(double actual, double expected, double relative, double absolute = 0.0) {
  return std::abs(actual - expected) <= relative * std::abs(expected) + absolute;
}

}  // namespace engine::metrics::testing
