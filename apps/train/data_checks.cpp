#include "apps/train/data_checks.h"

#include <stdexcept>

#include "apps/common/arguments.h"

namespace engine::apps {

namespace {

std::string counts_text(std::size_t female, std::size_t male) {
  return std::to_string(female) + " female and " + std::to_string(male) + " male image(s)";
}

// Throws when `records` (indices into the manifest) lack a sex; `part` names them, `remedy` says
// what would help.
void require_both_sexes(const Dataset& dataset, const std::vector<std::size_t>& records,
                        const std::string& part, const std::string& remedy) {
  std::size_t counts[2] = {0, 0};
  for (std::size_t index : records) {
    ++counts[data::class_index(dataset.manifest.records.at(index).sex)];
  }
  if (counts[0] > 0 && counts[1] > 0) return;
  throw std::invalid_argument("not enough data: --data " + dataset.location + " (" +
                              counts_text(dataset.manifest.count(data::Sex::Female),
                                          dataset.manifest.count(data::Sex::Male)) +
                              ") leaves " + part + " with " + counts_text(counts[0], counts[1]) +
                              "; every part needs at least one image of each sex (" + remedy +
                              "). Nothing was written.");
}

std::string fractions_text(const TrainingConfig& config) {
  return "--validation-fraction " + format_number(config.validation_fraction) +
         ", --test-fraction " + format_number(config.test_fraction);
}

}  // namespace

void check_enough_data(const TrainingConfig& config, const Dataset& dataset,
                       const data::Split& split, const std::vector<Partition>& partitions,
                       DatasetStore& datasets) {
  const std::size_t female = dataset.manifest.count(data::Sex::Female);
  const std::size_t male = dataset.manifest.count(data::Sex::Male);
  if (female == 0 || male == 0) {
    throw std::invalid_argument("not enough data: --data " + dataset.location + " holds " +
                                counts_text(female, male) +
                                ": training needs images of both sexes. Nothing was written.");
  }
  const std::string more = "add images";
  if (split.is_folds) {
    for (int fold = 0; fold < split.label_count; ++fold) {
      require_both_sexes(dataset, split.indices(fold), "fold " + std::to_string(fold + 1),
                         more + " or use fewer --folds");
    }
  } else {
    const std::string remedy = more + ", or change " + fractions_text(config);
    require_both_sexes(dataset, split.indices(data::Part::Train), "the training part", remedy);
    require_both_sexes(dataset, split.indices(data::Part::Validation), "the validation part",
                       remedy);
    // A test part is asked for by --test-fraction, or by a --split file that has one.
    const std::vector<std::size_t> test = split.indices(data::Part::Test);
    if (config.split_file.empty() ? config.test_fraction > 0 : !test.empty()) {
      require_both_sexes(dataset, test, "the test part", remedy + " (0: no test part)");
    }
  }
  for (const StageOptions& stage : config.stage_options()) {
    if (stage.data.empty() || stage.data == config.data) continue;
    for (const Partition& partition : partitions) {
      const PretrainingData pretraining =
          pretraining_data(config, dataset, partition, datasets.get(stage.data));
      const std::string where =
          "stage " + stage.name + (partition.label.empty() ? "" : " (" + partition.label + ")");
      const std::string remedy = more + " to " + stage.data + ", or change --validation-fraction";
      require_both_sexes(pretraining.dataset, pretraining.split.indices(data::Part::Train),
                         "the training part of " + where, remedy);
      require_both_sexes(pretraining.dataset, pretraining.split.indices(data::Part::Validation),
                         "the validation part of " + where, remedy);
    }
  }
}

}  // namespace engine::apps
