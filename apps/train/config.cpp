#include "apps/train/config.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <system_error>

#include "models/registry.h"

namespace engine::apps {

namespace {
constexpr double unbounded = std::numeric_limits<double>::max();
constexpr std::int64_t large = std::numeric_limits<std::int64_t>::max();

// The options of each section of --help, in its order.
void register_data_options(ArgumentTable& t, TrainingConfig& c) {
  t.section("Data");
  t.text("data", &c.data, "CSV manifest, folder holding manifest.csv, or class folders F/ and M/");
  t.text("columns", &c.columns, "manifest column names", {"auto", "default", "rsna"});
  t.text("age-unit", &c.age_unit, "unit of the age column", {"auto", "months", "years"});
  t.text("split", &c.split_file, "read the train/validation/test split from this CSV");
  t.number("validation-fraction", &c.validation_fraction, "share of each sex for validation", 0.01,
           0.9);
  t.number("test-fraction", &c.test_fraction, "share of each sex for the test part (0: none)", 0,
           0.9);
  t.integer("folds", &c.folds, "k-fold cross-validation with K folds (0: off)", 0, 50);
  t.flag("skip-bad-files", &c.skip_bad_files,
         "leave out images that cannot be read or decoded (all are read before the split) and "
         "list them in skipped.csv");
  t.flag("allow-outside-paths", &c.allow_outside_paths,
         "read manifest paths that resolve (after symbolic links) outside the manifest's folder; "
         "recorded");
  t.text("resize", &c.resize, "fit to the square input", {"pad", "squash"});
  t.flag("clahe", &c.clahe, "contrast-limited adaptive histogram equalisation before caching");
  t.text("dicom-window", &c.dicom_window,
         "how a DICOM file's values become gray: 'file' (its VOI LUT, else its Window "
         "Center/Width, else the full stored range) or 'none' (always the full stored range); "
         "recorded in the checkpoint for predict_app",
         {"file", "none"});
}

void register_model_options(ArgumentTable& t, TrainingConfig& c) {
  t.section("Models");
  t.text("model", &c.model, "architecture",
         {"resnet18", "resnet50", "inception_v3", "efficientnet_b0"});
  t.list("compare", &c.compare,
         "train each of these on the same split and recipe (comma list); results.json and the "
         "report then compare every pair on the test cases (McNemar, DeLong, Holm)");
  t.flag("ensemble", &c.ensemble,
         "with --compare: also an ensemble of all of them (mean of calibrated logit margins, its "
         "own temperature and band), evaluated like a model; writes ensemble/ensemble.json for "
         "predict_app --ensemble");
  t.integer("input-size", &c.input_size, "input side in pixels (0: the architecture's own)", 0,
            1024);
  t.flag("aux", &c.auxiliary_head, "InceptionV3's auxiliary head (needs input 299)");
  t.number("aux-loss-weight", &c.auxiliary_loss_weight, "weight of the auxiliary loss", 0, 10);
  t.number("dropout", &c.dropout, "classifier dropout (negative: the architecture's)", -1, 0.99);
  t.number("stochastic-depth", &c.stochastic_depth,
           "EfficientNet's final drop-path rate (negative: 0.2)", -1, 0.99);
  t.text("init", &c.init, "initial weights: an engine checkpoint or torchvision/timm safetensors");
  t.integer("freeze-epochs", &c.freeze_epochs, "epochs training only the classifier head", 0,
            large);
  t.number("backbone-lr-factor", &c.backbone_learning_rate_factor,
           "learning-rate factor for everything but the head", 0, 1);
}

void register_optimization_options(ArgumentTable& t, TrainingConfig& c) {
  t.section("Training");
  t.text("device", &c.device, "cpu, cuda, cuda:N, or auto (cuda when a GPU is found)");
  t.integer("seed", &c.seed, "seed of the split, initialisation, order, augmentation, dropout", 0,
            large);
  t.flag("deterministic", &c.deterministic, "bitwise-reproducible kernels (off: fast mode)");
  t.integer("epochs", &c.epochs, "epochs per stage", 1, 100000);
  t.integer("batch-size", &c.batch_size, "images per step", 1, 65536);
  t.text("optimizer", &c.optimizer, "optimizer", {"adamw", "sgd"});
  t.number("lr", &c.learning_rate, "base learning rate (0: 1e-3 AdamW, 0.1 SGD)", 0, 10);
  t.number("momentum", &c.momentum, "SGD momentum", 0, 0.999);
  t.flag("nesterov", &c.nesterov, "Nesterov momentum (SGD)");
  t.number("weight-decay", &c.weight_decay,
           "weight decay, not on biases and norms (negative: 0.05 AdamW, 1e-4 SGD)", -1, 1);
  t.text("schedule", &c.schedule, "learning-rate schedule", {"cosine", "step", "constant"});
  t.number("warmup-epochs", &c.warmup_epochs, "linear warmup before the cosine", 0, 1000);
  t.integer("step-epochs", &c.step_epochs, "step schedule: epochs between decays", 1, 100000);
  t.number("step-gamma", &c.step_gamma, "step schedule: decay factor", 0, 1);
  t.number("min-lr", &c.minimum_learning_rate, "cosine schedule's final learning rate", 0, 10);
  t.number("label-smoothing", &c.label_smoothing, "label smoothing of the loss", 0, 0.5);
  t.text("class-weights", &c.class_weights,
         "loss weights: none, balanced (inverse class frequency) or w_female,w_male, each in "
         "[0.01, 100] (only their ratio matters)");
  t.number("max-grad-norm", &c.max_gradient_norm, "clip the gradient norm (0: off)", 0, unbounded);
  t.text("augment", &c.augment, "training augmentation", {"none", "seed-study", "extended"});
  t.text("early-stopping-metric", &c.early_stopping_metric, "validation metric for the best epoch",
         {"auc", "loss", "accuracy", "balanced_accuracy", "f1"});
  t.integer("patience", &c.patience, "stop after this many epochs without improvement (0: never)",
            0, 100000);
  t.repeated("stage", &c.stages,
             "a stage of a multi-stage recipe: data=PATH,size=N,epochs=N,lr=X,batch=N,"
             "augment=NAME,freeze_epochs=N,name=TEXT (repeat for each stage)");
}

void register_evaluation_options(ArgumentTable& t, TrainingConfig& c) {
  t.section("Evaluation");
  t.text("positive-class", &c.positive_class, "class that precision, recall and F1 refer to",
         {"male", "female"});
  t.number("target-accuracy", &c.target_accuracy,
           "accuracy of decided cases that sets the undetermined band", 0.5, 1);
  t.integer("bootstrap", &c.bootstrap_replicates, "bootstrap replicates for F1 and AUC intervals",
            100, 100000);
}

void register_output_options(ArgumentTable& t, TrainingConfig& c) {
  t.section("Output");
  t.text("out", &c.out, "run folder (created; required)");
  t.text("name", &c.name, "run name in the report (default: the folder's name)");
  t.flag("resume", &c.resume, "continue an interrupted run from its last checkpoints");
  t.integer("interrupt-after-epochs", &c.interrupt_after_epochs,
            "stop after this many epochs, as if killed (to test --resume; 0: never)", 0, large);
  t.integer("workers", &c.workers, "data loader threads", 0, 64);
  t.integer("threads", &c.threads, "CPU compute threads (0: all)", 0, 1024);
  t.flag("report", &c.report, "write report.md and report.html");
}

}  // namespace

void register_training_options(ArgumentTable& t, TrainingConfig& c) {
  register_data_options(t, c);
  register_model_options(t, c);
  register_optimization_options(t, c);
  register_evaluation_options(t, c);
  register_output_options(t, c);
}

namespace {

std::string class_weight_bounds() {
  char text[64];
  std::snprintf(text, sizeof text, "[%g, %g]", minimum_class_weight, maximum_class_weight);
  return text;
}

}  // namespace

std::array<double, 2> TrainingConfig::fixed_class_weights() const {
  const std::string usage = "--class-weights: '" + class_weights +
                            "' is not none, balanced, or two numbers w_female,w_male";
  const std::size_t comma = class_weights.find(',');
  if (comma == std::string::npos) throw ArgumentError(usage);
  std::array<double, 2> weights{};
  const std::string texts[2] = {class_weights.substr(0, comma), class_weights.substr(comma + 1)};
  for (int c = 0; c < 2; ++c) {
    const std::string& text = texts[c];
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, weights[c]);
    const bool too_large = error == std::errc::result_out_of_range;  // beyond a double's range
    if (text.empty() || (error != std::errc() && !too_large) || stop != end) {
      throw ArgumentError(usage);
    }
    if (too_large || !std::isfinite(weights[c]) || weights[c] < minimum_class_weight ||
        weights[c] > maximum_class_weight) {
      throw ArgumentError("--class-weights: " + std::string(c == 0 ? "w_female" : "w_male") + " '" +
                          text + "' is outside " + class_weight_bounds() +
                          " (only the ratio of the two weights matters; see --help)");
    }
  }
  return weights;
}

std::vector<std::string> TrainingConfig::architectures() const {
  return compare.empty() ? std::vector<std::string>{model} : compare;
}

double TrainingConfig::effective_learning_rate() const {
  if (learning_rate > 0) return learning_rate;
  return optimizer == "sgd" ? 0.1 : 1e-3;
}

double TrainingConfig::effective_weight_decay() const {
  if (weight_decay >= 0) return weight_decay;
  return optimizer == "sgd" ? 1e-4 : 0.05;
}

std::vector<StageOptions> TrainingConfig::stage_options() const {
  std::vector<StageOptions> result;
  for (const std::string& text : stages) {
    StageOptions stage;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t comma = text.find(',', start);
      const std::string pair =
          text.substr(start, comma == std::string::npos ? comma : comma - start);
      const std::size_t equals = pair.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw ArgumentError("--stage '" + text + "': '" + pair + "' is not key=value");
      }
      const std::string key = pair.substr(0, equals), value = pair.substr(equals + 1);
      try {
        if (key == "name")
          stage.name = value;
        else if (key == "data")
          stage.data = value;
        else if (key == "size")
          stage.input_size = std::stoll(value);
        else if (key == "epochs")
          stage.epochs = std::stoll(value);
        else if (key == "lr")
          stage.learning_rate = std::stod(value);
        else if (key == "batch")
          stage.batch_size = std::stoll(value);
        else if (key == "augment")
          stage.augment = value;
        else if (key == "freeze_epochs")
          stage.freeze_epochs = std::stoll(value);
        else
          throw ArgumentError("unknown key");
      } catch (const std::exception&) {
        throw ArgumentError(
            "--stage '" + text + "': bad " + key + " '" + value +
            "' (keys: name, data, size, epochs, lr, batch, augment, freeze_epochs)");
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (stage.name.empty()) stage.name = "stage " + std::to_string(result.size() + 1);
    result.push_back(stage);
  }
  if (result.empty()) {
    StageOptions only;
    only.name = "training";
    result.push_back(only);
  }
  return result;
}

void TrainingConfig::validate() const {
  if (data.empty()) throw ArgumentError("--data is required (a manifest, or class folders)");
  if (out.empty()) throw ArgumentError("--out is required (the run folder)");
  for (const std::string& architecture : architectures()) {
    try {
      models::find_architecture(architecture);
    } catch (const std::exception& error) {
      throw ArgumentError(std::string("--compare: ") + error.what());
    }
  }
  if (folds == 1) throw ArgumentError("--folds must be 0 (off) or at least 2");
  if (ensemble && compare.size() < 2) {
    throw ArgumentError("--ensemble needs --compare with at least two architectures");
  }
  if (ensemble && folds > 0) {
    throw ArgumentError(
        "--ensemble and --folds cannot be combined (an ensemble is fitted on one "
        "split's validation part)");
  }
  for (std::size_t i = 0; i < compare.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (compare[i] == compare[j]) {
        throw ArgumentError("--compare names " + compare[i] + " twice");
      }
    }
  }
  if (folds > 0 && !split_file.empty()) {
    throw ArgumentError("--folds and --split cannot be combined");
  }
  if (validation_fraction + test_fraction >= 0.9) {
    throw ArgumentError("--validation-fraction plus --test-fraction must leave training data");
  }
  if (class_weights != "none" && class_weights != "balanced") fixed_class_weights();
  for (const StageOptions& stage : stage_options()) {
    if (stage.input_size < 0 || stage.epochs < 0 || stage.batch_size < 0 ||
        stage.learning_rate < 0) {
      throw ArgumentError("--stage " + stage.name + ": sizes, epochs and rates must be positive");
    }
    if (!stage.augment.empty() && stage.augment != "none" && stage.augment != "seed-study" &&
        stage.augment != "extended") {
      throw ArgumentError("--stage " + stage.name +
                          ": augment must be none, seed-study or extended");
    }
  }
}

Json TrainingConfig::to_json() const {
  Json json = Json::object();
  const auto list = [](const std::vector<std::string>& items) {
    Json array = Json::array();
    for (const std::string& item : items) array.push_back(Json(item));
    return array;
  };
  json.set("data", Json(data));
  json.set("columns", Json(columns));
  json.set("age_unit", Json(age_unit));
  json.set("split_file", Json(split_file));
  json.set("validation_fraction", Json(validation_fraction));
  json.set("test_fraction", Json(test_fraction));
  json.set("folds", Json(folds));
  json.set("skip_bad_files", Json(skip_bad_files));
  json.set("allow_outside_paths", Json(allow_outside_paths));
  json.set("resize", Json(resize));
  json.set("clahe", Json(clahe));
  json.set("dicom_window", Json(dicom_window));
  json.set("architectures", list(architectures()));
  // Written only when on, so that a config.json from before the option reads as "off" and
  // --resume accepts it.
  if (ensemble) json.set("ensemble", Json(true));
  json.set("input_size", Json(input_size));
  json.set("auxiliary_head", Json(auxiliary_head));
  json.set("auxiliary_loss_weight", Json(auxiliary_loss_weight));
  json.set("dropout", Json(dropout));
  json.set("stochastic_depth", Json(stochastic_depth));
  json.set("init", Json(init));
  json.set("freeze_epochs", Json(freeze_epochs));
  json.set("backbone_learning_rate_factor", Json(backbone_learning_rate_factor));
  json.set("device", Json(device));
  json.set("seed", Json(std::to_string(seed)));
  json.set("deterministic", Json(deterministic));
  json.set("epochs", Json(epochs));
  json.set("batch_size", Json(batch_size));
  json.set("optimizer", Json(optimizer));
  json.set("learning_rate", Json(effective_learning_rate()));
  json.set("momentum", Json(momentum));
  json.set("nesterov", Json(nesterov));
  json.set("weight_decay", Json(effective_weight_decay()));
  json.set("schedule", Json(schedule));
  json.set("warmup_epochs", Json(warmup_epochs));
  json.set("step_epochs", Json(step_epochs));
  json.set("step_gamma", Json(step_gamma));
  json.set("minimum_learning_rate", Json(minimum_learning_rate));
  json.set("label_smoothing", Json(label_smoothing));
  json.set("class_weights", Json(class_weights));
  json.set("max_gradient_norm", Json(max_gradient_norm));
  json.set("augment", Json(augment));
  json.set("early_stopping_metric", Json(early_stopping_metric));
  json.set("patience", Json(patience));
  json.set("stages", list(stages));
  json.set("positive_class", Json(positive_class));
  json.set("target_accuracy", Json(target_accuracy));
  json.set("bootstrap_replicates", Json(bootstrap_replicates));
  json.set("workers", Json(workers));
  json.set("threads", Json(threads));
  return json;
}

}  // namespace engine::apps
