// A realistic results.json for the report tests: genuine metrics::to_json evaluations of
// seeded synthetic predictions (validation and test for each model), per-epoch histories, one
// model trained in two stages, one whose test cases are all of one class (undefined figures),
// and a fold run laid out as train_app writes it (one model per fold with a partition).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/json.h"

namespace engine::report::testing {

struct Cases {
  std::vector<int> labels;
  std::vector<double> probabilities;  // p(male)
  std::vector<std::optional<double>> ages_years;
  std::vector<std::string> ids;
};

// `count` cases alternating female/male (all female when one_class), with probabilities from a
// logistic of +-separation plus seeded noise: a fixed, imperfect classifier.
Cases make_cases(std::uint64_t seed, int count, double separation, bool one_class = false);

// metrics::evaluate (positive class male, bootstrap seed 7, 200 replicates) as JSON.
Json evaluation_json(const Cases& cases, const std::string& description);

// kind: "single", "compare" or "folds".
Json results_json(const std::string& kind, bool synthetic);

// A fresh folder under the system's temporary directory, removed with its contents at the end.
class TemporaryFolder {
 public:
  TemporaryFolder();
  ~TemporaryFolder();
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string read_text(const std::filesystem::path& file);
void write_text(const std::filesystem::path& file, const std::string& text);

// "93.2%" via printf in the C locale: an independent rendering to compare the report against.
std::string printf_percent(double proportion);

}  // namespace engine::report::testing
