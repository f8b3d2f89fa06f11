// Enough data for the run, checked before anything is written: a run that cannot produce a
// validated model must stop with a message that says why, not train and then fail.
//
//   - the data holds images of both sexes;
//   - every part the run uses holds at least one image of each sex: the training part, the
//     validation part (calibration, the undetermined band and the best epoch are chosen on it:
//     with one sex missing its AUC is undefined) and the test part when there is one; with
//     --folds, every fold (each is the test part once and the validation part once);
//   - a stage on other data (--stage data=...) likewise for its own training and validation
//     parts, after the hands held out in the final data are removed.
#pragma once

#include <string>
#include <vector>

#include "apps/train/config.h"
#include "apps/train/dataset.h"
#include "apps/train/model_run.h"
#include "data/split.h"

namespace engine::apps {

// Throws std::invalid_argument naming the data, the part and its counts of each sex.
void check_enough_data(const TrainingConfig& config, const Dataset& dataset,
                       const data::Split& split, const std::vector<Partition>& partitions,
                       DatasetStore& datasets);

}  // namespace engine::apps
