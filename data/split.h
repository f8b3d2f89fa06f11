// Splitting a manifest into train/validation/test parts, or into k folds, stratified by sex and
// grouped by patient/hand id (Record::group): every record of a group lands in the same part,
// so one hand is never in two parts.
//
// The split is a pure function of the seed and the set of (path, sex, group) triples: groups are
// sorted by id, shuffled per sex with the counter-based generator, and cut by image counts. The
// order of the manifest's lines does not matter.
//
// Train/validation/test: per sex, groups are taken in shuffled order and a group goes to train
// while the images already in train are fewer than train_fraction of that sex's images, then to
// validation likewise, then to test. Part sizes can therefore differ from the fractions by at
// most one group per sex.
// k folds: per sex, each group in shuffled order goes to the fold with the fewest images of that
// sex so far (the lowest-numbered fold on a tie).
//
// A split can be written as CSV (path, sex, group, part) and read back; reading checks that it
// covers exactly the manifest's records and that their sex and group agree.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/manifest.h"

namespace engine::data {

enum class Part : std::uint8_t { Train = 0, Validation = 1, Test = 2 };
const char* name_of(Part part);  // "train", "validation", "test"

struct SplitFractions {
  double train = 0.7;
  double validation = 0.15;
  double test = 0.15;  // the three must be non-negative and sum to 1 (within 1e-9)
};

// One label per manifest record, in manifest order. For k folds the label is the fold number.
struct Split {
  std::vector<int> labels;
  int label_count = 0;  // 3 for train/validation/test, k for folds
  bool is_folds = false;

  // Indices of the records whose label is `label`, in manifest order.
  std::vector<std::size_t> indices(int label) const;
  std::vector<std::size_t> indices(Part part) const { return indices(static_cast<int>(part)); }
  // For k-fold: every record outside fold `fold`.
  std::vector<std::size_t> indices_except(int label) const;
};

Split split_parts(const Manifest& manifest, const SplitFractions& fractions, std::uint64_t seed);
Split split_folds(const Manifest& manifest, int folds, std::uint64_t seed);

// CSV with header path,sex,group,part; part is train/validation/test or fold0, fold1, ...
std::string split_to_csv(const Manifest& manifest, const Split& split);
void write_split(const std::filesystem::path& file, const Manifest& manifest, const Split& split);
// Reads a split written by write_split and matches it to `manifest` by path. Throws DataError
// "<file>:<line>:<column>: ..." for an unknown or repeated path, a sex or group that differs from
// the manifest, an unknown part, or "<file>: ..." for records of the manifest it does not list.
Split read_split(const std::filesystem::path& file, const Manifest& manifest);
Split parse_split(std::string_view text, const std::string& source, const Manifest& manifest);

}  // namespace engine::data
