#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "data/csv.h"
#include "data/error.h"
#include "data/file.h"
#include "data/random_streams.h"

namespace engine::data {

namespace {

struct Group {
  std::string id;
  std::vector<std::size_t> records;  // manifest indices, ascending
};

// The groups of one sex, sorted by id so that the manifest's line order cannot matter, then
// shuffled with a stream of their own per sex.
std::vector<Group> shuffled_groups(const Manifest& manifest, Sex sex, std::uint64_t seed,
                                   streams::Purpose purpose) {
  std::map<std::string, Group> by_id;
  for (std::size_t i = 0; i < manifest.records.size(); ++i) {
    const Record& record = manifest.records[i];
    if (record.sex != sex) continue;
    Group& group = by_id[record.group];
    group.id = record.group;
    group.records.push_back(i);
  }
  std::vector<Group> groups;
  for (auto& [id, group] : by_id) groups.push_back(std::move(group));
  streams::shuffle(groups, seed, streams::offset(static_cast<std::uint64_t>(sex), purpose));
  return groups;
}

// A group with records of both sexes cannot be stratified; parse_manifest already rejects it,
// this catches manifests built in code.
void check_groups(const Manifest& manifest) {
  std::map<std::string, Sex> sex_of_group;
  for (const Record& record : manifest.records) {
    const auto [where, inserted] = sex_of_group.emplace(record.group, record.sex);
    if (!inserted && where->second != record.sex) {
      throw DataError(record.origin + ": group '" + record.group + "' has records of both sexes");
    }
  }
}

std::string part_name(const Split& split, int label) {
  return split.is_folds ? "fold" + std::to_string(label) : name_of(static_cast<Part>(label));
}

}  // namespace

const char* name_of(Part part) {
  switch (part) {
    case Part::Train: return "train";
    case Part::Validation: return "validation";
    case Part::Test: return "test";
  }
  return "?";
}

std::vector<std::size_t> Split::indices(int label) const {
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == label) result.push_back(i);
  }
  return result;
}

std::vector<std::size_t> Split::indices_except(int label) const {
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != label) result.push_back(i);
  }
  return result;
}

Split split_parts(const Manifest& manifest, const SplitFractions& fractions, std::uint64_t seed) {
  if (fractions.train < 0 || fractions.validation < 0 || fractions.test < 0 ||
      std::abs(fractions.train + fractions.validation + fractions.test - 1.0) > 1e-9) {
    throw std::invalid_argument("split fractions (" + std::to_string(fractions.train) + ", " +
                                std::to_string(fractions.validation) + ", " +
                                std::to_string(fractions.test) +
                                ") must be non-negative and sum to 1");
  }
  check_groups(manifest);
  Split split;
  split.label_count = 3;
  split.labels.assign(manifest.records.size(), -1);
  for (const Sex sex : {Sex::Female, Sex::Male}) {
    const double total = static_cast<double>(manifest.count(sex));
    const double train_target = fractions.train * total;
    const double validation_target = (fractions.train + fractions.validation) * total;
    std::size_t train = 0, train_and_validation = 0;
    for (const Group& group : shuffled_groups(manifest, sex, seed, streams::Purpose::Split)) {
      Part part = Part::Test;
      if (static_cast<double>(train) < train_target) {
        part = Part::Train;
        train += group.records.size();
        train_and_validation += group.records.size();
      } else if (static_cast<double>(train_and_validation) < validation_target) {
        part = Part::Validation;
        train_and_validation += group.records.size();
      }
      for (const std::size_t record : group.records) split.labels[record] = static_cast<int>(part);
    }
  }
  return split;
}

Split split_folds(const Manifest& manifest, int folds, std::uint64_t seed) {
  if (folds < 2)
    throw std::invalid_argument("k-fold needs at least 2 folds, got " + std::to_string(folds));
  check_groups(manifest);
  Split split;
  split.label_count = folds;
  split.is_folds = true;
  split.labels.assign(manifest.records.size(), -1);
  std::size_t group_count = 0;
  for (const Sex sex : {Sex::Female, Sex::Male}) {
    std::vector<std::size_t> images_in_fold(static_cast<std::size_t>(folds), 0);
    for (const Group& group : shuffled_groups(manifest, sex, seed, streams::Purpose::Folds)) {
      ++group_count;
      const auto smallest = std::min_element(images_in_fold.begin(), images_in_fold.end());
      *smallest += group.records.size();
      const int fold = static_cast<int>(smallest - images_in_fold.begin());
      for (const std::size_t record : group.records) split.labels[record] = fold;
    }
  }
  if (group_count < static_cast<std::size_t>(folds)) {
    throw std::invalid_argument(std::to_string(folds) + " folds need at least as many groups; " +
                                manifest.source + " has " + std::to_string(group_count));
  }
  return split;
}

std::string split_to_csv(const Manifest& manifest, const Split& split) {
  if (split.labels.size() != manifest.records.size()) {
    throw std::invalid_argument("split_to_csv: the split has " +
                                std::to_string(split.labels.size()) + " labels, the manifest " +
                                std::to_string(manifest.records.size()) + " records");
  }
  std::string text = csv_record({"path", "sex", "group", "part"});
  for (std::size_t i = 0; i < manifest.records.size(); ++i) {
    const Record& record = manifest.records[i];
    text += csv_record(
        {record.path_text, name_of(record.sex), record.group, part_name(split, split.labels[i])});
  }
  return text;
}

void write_split(const std::filesystem::path& file, const Manifest& manifest, const Split& split) {
  write_file_text(file, split_to_csv(manifest, split));
}

Split parse_split(std::string_view text, const std::string& source, const Manifest& manifest) {
  const CsvTable table = parse_csv(text, source);
  const auto column = [&](const char* name) {
    const int index = table.column_index(name);
    if (index < 0) {
      throw DataError(source + ":1:1: split file has no '" + name +
                      "' column (columns: " + table.header_list() + ")");
    }
    return static_cast<std::size_t>(index);
  };
  const std::size_t path_column = column("path"), sex_column = column("sex");
  const std::size_t group_column = column("group"), part_column = column("part");

  std::map<std::string, std::size_t> index_of_path;
  for (std::size_t i = 0; i < manifest.records.size(); ++i) {
    index_of_path.emplace(manifest.records[i].path_text, i);
  }
  Split split;
  split.labels.assign(manifest.records.size(), -1);
  bool any_fold = false, any_part = false;
  for (const CsvRecord& row : table.records) {
    const CsvField& path = row.fields[path_column];
    const auto found = index_of_path.find(path.text);
    if (found == index_of_path.end())
      fail_at(source, path, "path '" + path.text + "' is not in " + manifest.source);
    const Record& record = manifest.records[found->second];
    if (split.labels[found->second] >= 0)
      fail_at(source, path, "path '" + path.text + "' is listed twice");
    if (row.fields[sex_column].text != name_of(record.sex)) {
      fail_at(source, row.fields[sex_column],
              "sex differs from the manifest (" + std::string(name_of(record.sex)) + ")");
    }
    if (row.fields[group_column].text != record.group) {
      fail_at(source, row.fields[group_column],
              "group differs from the manifest ('" + record.group + "')");
    }
    const CsvField& part = row.fields[part_column];
    int label = -1;
    for (const Part candidate : {Part::Train, Part::Validation, Part::Test}) {
      if (part.text == name_of(candidate)) label = static_cast<int>(candidate);
    }
    if (label >= 0) {
      any_part = true;
    } else if (part.text.size() > 4 && part.text.rfind("fold", 0) == 0 &&
               part.text.find_first_not_of("0123456789", 4) == std::string::npos &&
               part.text.size() < 9) {
      label = std::stoi(part.text.substr(4));
      any_fold = true;
      split.label_count = std::max(split.label_count, label + 1);
    } else {
      fail_at(source, part, "part '" + part.text + "' is not train, validation, test or foldN");
    }
    if (any_fold && any_part) fail_at(source, part, "split mixes train/validation/test with folds");
    split.labels[found->second] = label;
  }
  for (std::size_t i = 0; i < manifest.records.size(); ++i) {
    if (split.labels[i] < 0) {
      throw DataError(source + ": does not assign " + manifest.records[i].path_text + " (" +
                      manifest.records[i].origin + ") to any part");
    }
  }
  split.is_folds = any_fold;
  if (!any_fold) split.label_count = 3;
  return split;
}

Split read_split(const std::filesystem::path& file, const Manifest& manifest) {
  return parse_split(read_file_text(file), file.string(), manifest);
}

}  // namespace engine::data
