#include "apps/train/model_run.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "apps/train/outputs.h"
#include "apps/train/stage.h"
#include "metrics/calibration.h"
#include "metrics/decision_policy.h"
#include "metrics/undetermined.h"
#include "models/checkpoint.h"
#include "models/registry.h"
#include "models/safetensors.h"
#include "models/weights.h"
#include "results/training_results.h"
#include "util/sha256.h"

namespace engine::apps {

namespace {

std::int64_t stage_size(const TrainingConfig& config, const StageOptions& stage,
                        const std::string& architecture) {
  if (stage.input_size > 0) return stage.input_size;
  if (config.input_size > 0) return config.input_size;
  return models::find_architecture(architecture).input_size;
}

Json preprocessing_json(const TrainingConfig& config, std::int64_t side) {
  const data::Normalization normalization = data::Normalization::imagenet();
  Json json = Json::object();
  json.set("side", Json(side));
  json.set("resize", Json(config.resize));
  json.set("clahe", Json(config.clahe));
  const data::ClaheConfig clahe;  // train_app uses the defaults; recorded so nothing is assumed
  json.set("clahe_tiles", Json(static_cast<std::int64_t>(clahe.tiles)));
  json.set("clahe_clip_limit", Json(clahe.clip_limit));
  json.set("clahe_bins", Json(static_cast<std::int64_t>(clahe.bins)));
  json.set("decode_max_pixels", Json(static_cast<std::int64_t>(data::DecodeLimits{}.max_pixels)));
  json.set("dicom_window", Json(config.dicom_window));
  json.set("channels", Json("gray replicated to 3"));
  Json mean = Json::array(), deviation = Json::array();
  for (int c = 0; c < 3; ++c) {
    mean.push_back(Json(static_cast<double>(normalization.mean[c])));
    deviation.push_back(Json(static_cast<double>(normalization.std[c])));
  }
  json.set("mean", std::move(mean));
  json.set("std", std::move(deviation));
  return json;
}

// Loads --init weights: an engine checkpoint (verified) or foreign torchvision/timm safetensors.
// The classifier head is kept from our initialisation when its shape differs; the report says so.
std::string load_initial_weights(const TrainingConfig& config, models::Model& model,
                                 Progress& progress) {
  if (config.init.empty()) return "random (seed " + std::to_string(config.seed) + ")";
  const std::string file_hash = sha256_hex(read_file_bytes(config.init));
  std::vector<std::pair<std::string, Tensor>> state;
  std::string kind;
  const SafetensorsContent content = read_safetensors(config.init);
  if (content.metadata.count("engine.checkpoint") != 0) {
    state = models::read_checkpoint(config.init).model_state;
    kind = "engine checkpoint";
  } else {
    state = content.tensors;
    kind = "foreign weights";
  }
  const models::ImportReport report =
      models::import_state(model, state, models::ImportPolicy::transfer, config.init);
  progress.message("initial weights " + config.init + " (" + kind + "): " + report.summary());
  return config.init + " (" + kind + ", sha256 " + file_hash + "; " +
         std::to_string(report.loaded.size()) + " tensors loaded, " +
         std::to_string(report.kept_initialised.size()) + " re-initialised)";
}

void load_weights(models::Model& model, const std::filesystem::path& checkpoint) {
  models::import_state(model, models::read_checkpoint(checkpoint).model_state,
                       models::ImportPolicy::exact, checkpoint.string());
}

}  // namespace

metrics::Evaluation evaluate_predictions(const TrainingConfig& config, const Dataset& dataset,
                                         const data::ImageCache& cache,
                                         const Predictions& predictions, double temperature,
                                         const std::string& description) {
  metrics::EvaluationInput input;
  input.description = description;
  input.labels = predictions.labels;
  input.probabilities_class1 = predictions.probabilities_male(temperature);
  input.positive_class = config.positive_class == "female" ? 0 : 1;
  input.bootstrap_seed = static_cast<std::uint64_t>(config.seed);
  input.bootstrap_replicates = static_cast<int>(config.bootstrap_replicates);
  if (dataset.manifest.has_age) {
    for (std::size_t sample : predictions.samples) {
      input.ages_years.push_back(dataset.age_in_years(cache.entry(sample).record));
    }
  }
  for (std::size_t sample : predictions.samples) {
    input.ids.push_back(cache.entry(sample).record.path_text);
  }
  return metrics::evaluate(input);
}

PretrainingData pretraining_data(const TrainingConfig& config, const Dataset& final_dataset,
                                 const Partition& partition, const Dataset& stage_dataset) {
  // Hands held out for validation or test in the final data never teach an earlier stage.
  std::set<std::string> held_out = groups_of(final_dataset, partition.validation);
  const std::set<std::string> test_groups = groups_of(final_dataset, partition.test);
  held_out.insert(test_groups.begin(), test_groups.end());
  PretrainingData result;
  result.dataset = without_groups(stage_dataset, held_out, &result.removed);
  result.split = data::split_parts(
      result.dataset.manifest, {1.0 - config.validation_fraction, config.validation_fraction, 0.0},
      static_cast<std::uint64_t>(config.seed));
  return result;
}

const Dataset& DatasetStore::get(const std::string& location) {
  auto& slot = datasets_[location];
  if (!slot) {
    slot = std::make_unique<Dataset>(load_dataset(location, config_.columns, config_.age_unit,
                                                  data::PathPolicy{config_.allow_outside_paths}));
    if (config_.skip_bad_files) {
      std::printf("reading the %zu images of %s once before the split (--skip-bad-files) ...\n",
                  slot->manifest.records.size(), location.c_str());
      std::fflush(stdout);
      remove_unreadable(*slot, data::DecodeLimits{});
    }
  }
  return *slot;
}

namespace {

// The model of one run: its options (with the reason for any departure from the configuration)
// and the weights it starts from.
struct ModelSetup {
  models::ModelOptions options;
  std::string notes;
  std::unique_ptr<models::Model> model;
  std::string initial_weights;  // in words, for results.json and the checkpoint
};

ModelSetup make_model(const TrainingConfig& config, const std::string& architecture,
                      const std::vector<std::int64_t>& sizes, Device device, Progress& progress) {
  ModelSetup setup;
  setup.options.seed = static_cast<std::uint64_t>(config.seed);
  setup.options.dropout = config.dropout;
  setup.options.stochastic_depth = config.stochastic_depth;
  setup.options.auxiliary_head = config.auxiliary_head && architecture == "inception_v3";
  if (setup.options.auxiliary_head && *std::min_element(sizes.begin(), sizes.end()) < 299) {
    setup.options.auxiliary_head = false;  // its 5x5 convolution needs Mixed_6e's 17x17 map
    setup.notes = "InceptionV3's auxiliary head is off: it needs an input of 299 pixels. ";
  }
  setup.model = models::create_model(architecture, setup.options);
  setup.model->to(device);
  setup.initial_weights = load_initial_weights(config, *setup.model, progress);
  return setup;
}

// What a checkpoint of this model records besides its weights (calibration and provenance are
// added by the caller).
models::CheckpointInfo checkpoint_info(const TrainingConfig& config, const ModelSetup& setup,
                                       const std::string& architecture, std::int64_t side) {
  models::CheckpointInfo info;
  info.architecture = architecture;
  info.options = setup.options;
  info.class_names = {"female", "male"};
  info.input_size = side;
  info.preprocessing = preprocessing_json(config, side);
  info.training = config.to_json();
  return info;
}

// A stage's data: the final data's training part, or (--stage data=...) other data without the
// hands held out in the final data, with its own validation part.
struct StageData {
  const Dataset* final_dataset = nullptr;
  std::optional<Dataset> own;  // when the stage has data of its own
  std::vector<std::size_t> train, validation;
  std::string description;
  const Dataset& dataset() const { return own ? *own : *final_dataset; }
};

StageData stage_data(const TrainingConfig& config, const StageOptions& stage,
                     const Partition& partition, const Dataset& final_dataset,
                     DatasetStore& datasets) {
  StageData result;
  result.final_dataset = &final_dataset;
  result.train = partition.train;
  result.validation = partition.validation;
  result.description = final_dataset.location + " (" + partition.label +
                       (partition.label.empty() ? "" : ", ") + "training part)";
  if (stage.data.empty() || stage.data == config.data) return result;
  PretrainingData own =
      pretraining_data(config, final_dataset, partition, datasets.get(stage.data));
  result.train = own.split.indices(data::Part::Train);
  result.validation = own.split.indices(data::Part::Validation);
  result.own = std::move(own.dataset);
  result.description = stage.data + " (" + std::to_string(own.removed) +
                       " images of held-out hands removed; its own validation part)";
  return result;
}

StageSettings stage_settings(const TrainingConfig& config, const StageOptions& stage,
                             std::size_t index, const std::string& description) {
  StageSettings settings;
  settings.index = static_cast<std::int64_t>(index) + 1;
  settings.name = stage.name;
  settings.data_description = description;
  settings.epochs = stage.epochs > 0 ? stage.epochs : config.epochs;
  settings.batch_size = stage.batch_size > 0 ? stage.batch_size : config.batch_size;
  settings.freeze_epochs = stage.freeze_epochs >= 0 ? stage.freeze_epochs : config.freeze_epochs;
  settings.learning_rate =
      stage.learning_rate > 0 ? stage.learning_rate : config.effective_learning_rate();
  settings.augment = stage.augment.empty() ? config.augment : stage.augment;
  return settings;
}

// Everything one model's stages share while they run in turn.
struct StageRun {
  const TrainingConfig& config;
  const std::string& architecture;
  const Partition& partition;
  const Dataset& final_dataset;
  DatasetStore& datasets;
  CacheStore& caches;
  Device device;
  const std::filesystem::path& folder;
  Progress& progress;
  std::int64_t epochs_this_run = 0;  // --interrupt-after-epochs counts across stages
  std::filesystem::path previous_best = {};

  TrainingInterrupted interrupted() const {
    return TrainingInterrupted("interrupted after " + std::to_string(epochs_this_run) +
                               " epochs as asked (--interrupt-after-epochs); continue with "
                               "--resume and the same options");
  }
};

// Stage s (0-based) of the recipe: trains `setup.model` from the previous stage's best weights
// and returns its summary (with its epochs) for results.json.
results::StageSummary run_one_stage(StageRun& run, ModelSetup& setup, std::size_t s,
                                    std::int64_t side) {
  const TrainingConfig& config = run.config;
  const StageOptions stage = config.stage_options()[s];
  const StageData data = stage_data(config, stage, run.partition, run.final_dataset, run.datasets);
  const data::ImageCache& cache = run.caches.get(data.dataset(), static_cast<int>(side));
  const StageInputs inputs{&cache, data::cache_indices(cache, data.train),
                           data::cache_indices(cache, data.validation)};
  if (!run.previous_best.empty()) load_weights(*setup.model, run.previous_best);
  const StageSettings settings = stage_settings(config, stage, s, data.description);

  models::CheckpointInfo info = checkpoint_info(config, setup, run.architecture, side);
  info.provenance.set("stage", Json(stage.name));
  info.provenance.set("data", Json(data.description));
  info.provenance.set("initial_weights",
                      Json(s == 0 ? setup.initial_weights : run.previous_best.string()));

  const std::int64_t epochs_left =
      config.interrupt_after_epochs > 0 ? config.interrupt_after_epochs - run.epochs_this_run : 0;
  if (config.interrupt_after_epochs > 0 && epochs_left <= 0) throw run.interrupted();
  const StageResult result = run_stage(config, settings, inputs, *setup.model, run.device, info,
                                       run.folder / ("stage" + std::to_string(s + 1)),
                                       config.resume, run.progress, epochs_left);
  run.epochs_this_run += result.epochs_run;
  if (!result.completed) throw run.interrupted();
  run.previous_best = result.best_checkpoint;

  results::StageSummary summary;
  summary.name = stage.name;
  summary.data = data.description;
  summary.images_train = static_cast<std::int64_t>(inputs.train.size());
  summary.images_validation = static_cast<std::int64_t>(inputs.validation.size());
  summary.input_size = side;
  summary.epochs = settings.epochs;
  summary.learning_rate = settings.learning_rate;
  summary.augment = settings.augment;
  summary.initial_weights =
      s == 0 ? setup.initial_weights : "the best of stage " + std::to_string(s);
  summary.best_epoch = result.best_epoch;
  summary.stop_reason = result.stop_reason;
  summary.stopped_early = result.stopped_early;
  summary.history = result.history;
  return summary;
}

// The final model (the last stage's best weights, already loaded), calibrated on the validation
// part and evaluated there and on the test part; writes both prediction files.
void evaluate_final(const StageRun& run, models::Model& model, std::int64_t side,
                    results::ModelResult& entry, ModelRunResult& result,
                    metrics::Evaluation& validation_evaluation) {
  const TrainingConfig& config = run.config;
  const data::ImageCache& cache = run.caches.get(run.final_dataset, static_cast<int>(side));
  const data::Normalization normalization = data::Normalization::imagenet();
  const auto predict_part = [&](const std::vector<std::size_t>& part) {
    return predict(model, cache, data::cache_indices(cache, part), run.device,
                   static_cast<int>(config.batch_size), normalization,
                   static_cast<int>(config.workers));
  };
  const Predictions& validation = result.validation_predictions =
      predict_part(run.partition.validation);
  const metrics::TemperatureFit fit =
      metrics::fit_temperature(validation.labels, metrics::logit_margins(validation.logits));
  const double temperature = result.temperature = fit.fitted ? fit.temperature : 1.0;
  const metrics::UndeterminedBand band = metrics::fit_undetermined_band(
      validation.labels, validation.probabilities_male(temperature), config.target_accuracy);
  entry.calibration = Json::object();
  entry.calibration.set("temperature", Json(temperature));
  entry.calibration.set("fitted", Json(fit.fitted));
  entry.calibration.set("reason",
                        Json(fit.fitted ? std::string()
                                        : fit.failure + "; probabilities are left uncalibrated "
                                                        "(T = 1)"));
  entry.calibration.set("fit", metrics::to_json(fit));
  entry.calibration.set("undetermined", metrics::to_json(band));
  const metrics::DecisionPolicy policy = metrics::decision_policy({}, entry.calibration);

  const std::string& label = run.partition.label;
  const std::string where = label.empty() ? "" : " (" + label + ")";
  validation_evaluation =
      evaluate_predictions(config, run.final_dataset, cache, validation, temperature,
                           "validation part of " + run.final_dataset.location + where);
  entry.validation = metrics::to_json(validation_evaluation);
  write_predictions_csv(run.folder / "validation_predictions.csv", run.final_dataset, cache,
                        validation, policy);
  if (run.partition.test.empty()) return;
  const Predictions test = predict_part(run.partition.test);
  result.test = evaluate_predictions(config, run.final_dataset, cache, test, temperature,
                                     "test part of " + run.final_dataset.location + where);
  entry.test = metrics::to_json(*result.test);
  write_predictions_csv(run.folder / "test_predictions.csv", run.final_dataset, cache, test,
                        policy);
  entry.predictions = (run.folder / "test_predictions.csv").string();
  result.test_predictions = test;
}

// Saves the final model as <folder>/best.safetensors with its calibration and provenance, and
// records where it is and both its hashes.
void save_final(const StageRun& run, const ModelSetup& setup, std::int64_t side,
                const metrics::Evaluation& validation, const ModelRunResult& result,
                results::ModelResult& entry) {
  models::CheckpointInfo info = checkpoint_info(run.config, setup, run.architecture, side);
  info.calibration = entry.calibration;
  info.provenance.set("data", Json(run.final_dataset.to_json()));
  info.provenance.set("initial_weights", Json(setup.initial_weights));
  info.provenance.set("stages", entry.stages_json());
  info.provenance.set("validation_summary", Json(metrics::summary_text(validation)));
  if (result.test) info.provenance.set("test_summary", Json(metrics::summary_text(*result.test)));
  const std::filesystem::path file = run.folder / "best.safetensors";
  models::save_checkpoint(file, *setup.model, info);
  entry.checkpoint = file.string();
  // The signature is an unkeyed hash: a file whose metadata was edited and re-signed verifies.
  // The run record's own copy of both hashes is what such a file is compared against.
  entry.checkpoint_sha256 = models::read_checkpoint(file).checkpoint_sha256;
  entry.checkpoint_file_sha256 = sha256_hex(read_file_bytes(file.string()));
}

}  // namespace

ModelRunResult run_model(const TrainingConfig& config, const std::string& architecture,
                         const Partition& partition, const Dataset& final_dataset,
                         DatasetStore& datasets, CacheStore& caches, Device device,
                         const std::filesystem::path& folder, Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::int64_t> sizes;
  for (const StageOptions& stage : config.stage_options()) {
    sizes.push_back(stage_size(config, stage, architecture));
  }
  ModelSetup setup = make_model(config, architecture, sizes, device, progress);
  StageRun run{config, architecture, partition, final_dataset, datasets,
               caches, device,       folder,    progress};
  ModelRunResult result;
  results::ModelResult& entry = result.entry;
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    entry.stages.push_back(run_one_stage(run, setup, s, sizes[s]));
  }
  write_epochs_csv(folder / "epochs.csv", entry.stages);

  load_weights(*setup.model, run.previous_best);
  const std::int64_t side = sizes.back();
  entry.architecture = architecture;
  entry.partition = partition.label;
  entry.parameters = setup.model->parameter_count();
  entry.input_size = side;
  entry.auxiliary_head = setup.options.auxiliary_head;
  entry.notes = setup.notes;
  entry.initial_weights = setup.initial_weights;
  metrics::Evaluation validation;
  evaluate_final(run, *setup.model, side, entry, result, validation);
  save_final(run, setup, side, validation, result, entry);
  entry.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace engine::apps
