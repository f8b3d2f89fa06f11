// Everything train_app can be told, with its defaults. One struct, registered once in the
// argument table (so --help documents every field with its default) and written to config.json.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "apps/common/arguments.h"
#include "util/json.h"

namespace engine::apps {

// One stage of a multi-stage recipe, e.g. "data=thumbs100,size=96,epochs=12,lr=0.001".
// Keys: name, data, size, epochs, lr, batch, augment, freeze_epochs. Unset values come from the
// run's options. Stages run in order, each starting from the previous stage's best weights.
struct StageOptions {
  std::string name;
  std::string data;                 // empty: the run's --data
  std::int64_t input_size = 0;      // 0: the run's input size
  std::int64_t epochs = 0;          // 0: the run's --epochs
  double learning_rate = 0;         // 0: the run's --lr
  std::int64_t batch_size = 0;      // 0: the run's --batch-size
  std::string augment;              // empty: the run's --augment
  std::int64_t freeze_epochs = -1;  // -1: the run's --freeze-epochs
};

// Bounds of a --class-weights value. The loss is the weighted mean sum_i w[t_i] l_i / sum_i w[t_i],
// so only the ratio of the two weights matters; [0.01, 100] allows ratios up to 10^4, beyond the
// inverse-frequency ("balanced") weights of any data set with up to 1:199 imbalance (those lie in
// [0.5, 100]). A larger ratio makes one sex count less than 1/10^4 of the other, which amounts to
// leaving it out of training; such a value is a typing slip, not a recipe.
inline constexpr double minimum_class_weight = 0.01;
inline constexpr double maximum_class_weight = 100;

struct TrainingConfig {
  // data
  std::string data;
  std::string columns = "auto";   // auto, default (path,sex,age,id), rsna
  std::string age_unit = "auto";  // auto (rsna: months, else years), months, years
  std::string split_file;         // read a split written earlier instead of drawing one
  double validation_fraction = 0.15;
  double test_fraction = 0.15;
  std::int64_t folds = 0;
  bool skip_bad_files = false;
  std::string dicom_window = "file";  // file | none: data/decode.h's DicomWindow
  bool allow_outside_paths = false;   // manifest paths may resolve outside the manifest's folder
  std::string resize = "pad";
  bool clahe = false;

  // models
  std::string model = "resnet18";
  std::vector<std::string> compare;
  bool ensemble =
      false;  // with --compare: an ensemble of every architecture (apps/train/ensemble.h)
  std::int64_t input_size = 0;  // 0: each architecture's own (224; 299 for InceptionV3)
  bool auxiliary_head = true;
  double auxiliary_loss_weight = 0.4;
  double dropout = -1;           // < 0: the architecture's default
  double stochastic_depth = -1;  // < 0: the architecture's default
  std::string init;
  std::int64_t freeze_epochs = 0;
  double backbone_learning_rate_factor = 1.0;

  // optimisation
  std::string device = "auto";
  std::int64_t seed = 1;
  bool deterministic = true;
  std::int64_t epochs = 30;
  std::int64_t batch_size = 32;
  std::string optimizer = "adamw";
  double learning_rate = 0;  // 0: 1e-3 for AdamW, 0.1 for SGD
  double momentum = 0.9;
  bool nesterov = false;
  double weight_decay = -1;  // < 0: 0.05 for AdamW, 1e-4 for SGD
  std::string schedule = "cosine";
  double warmup_epochs = 1;
  std::int64_t step_epochs = 10;
  double step_gamma = 0.1;
  double minimum_learning_rate = 0;
  double label_smoothing = 0;
  std::string class_weights = "none";  // none, balanced, or "w_female,w_male"
  double max_gradient_norm = 5;        // 0: no clipping
  std::string augment = "seed-study";  // none, seed-study, extended
  std::string early_stopping_metric = "auc";
  std::int64_t patience = 0;  // 0: train every epoch, keep the best
  std::vector<std::string> stages;

  // evaluation
  std::string positive_class = "male";  // named in every precision/recall/F1
  double target_accuracy = 0.95;
  std::int64_t bootstrap_replicates = 2000;

  // output and execution
  std::string out;
  std::string name;
  bool resume = false;
  std::int64_t interrupt_after_epochs = 0;  // testing: stop as if killed after N epochs
  std::int64_t workers = 2;
  std::int64_t threads = 0;
  bool report = true;

  std::vector<std::string> architectures() const;  // --compare list, or --model
  // The two weights of "w_female,w_male": finite numbers in [minimum_class_weight,
  // maximum_class_weight]; throws ArgumentError naming --class-weights otherwise.
  std::array<double, 2> fixed_class_weights() const;
  std::vector<StageOptions> stage_options() const;  // parsed --stage items (at least one)
  double effective_learning_rate() const;
  double effective_weight_decay() const;
  void validate() const;  // throws ArgumentError naming the option
  Json to_json() const;
};

void register_training_options(ArgumentTable& table, TrainingConfig& config);

}  // namespace engine::apps
