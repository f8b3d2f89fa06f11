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

}  // namespace

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

ModelRunResult run_model(const TrainingConfig& config, const std::string& architecture,
                         const Partition& partition, const Dataset& final_dataset,
                         DatasetStore& datasets, CacheStore& caches, Device device,
                         const std::filesystem::path& folder, Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  const std::vector<StageOptions> stages = config.stage_options();
  std::vector<std::int64_t> sizes;
  for (const StageOptions& stage : stages) sizes.push_back(stage_size(config, stage, architecture));

  models::ModelOptions options;
  options.seed = static_cast<std::uint64_t>(config.seed);
  options.dropout = config.dropout;
  options.stochastic_depth = config.stochastic_depth;
  std::string notes;
  options.auxiliary_head = config.auxiliary_head && architecture == "inception_v3";
  if (options.auxiliary_head && *std::min_element(sizes.begin(), sizes.end()) < 299) {
    options.auxiliary_head = false;  // its 5x5 convolution needs Mixed_6e's 17x17 map (input 299)
    notes = "InceptionV3's auxiliary head is off: it needs an input of 299 pixels. ";
  }
  auto model = models::create_model(architecture, options);
  model->to(device);
  const std::string initial_weights = load_initial_weights(config, *model, progress);

  ModelRunResult result;
  Json stage_entries = Json::array();
  Json history = Json::array();
  std::vector<StageHistory> histories;
  std::filesystem::path previous_best;
  Json last_stage_summary;
  std::int64_t epochs_this_run = 0;
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const StageOptions& stage = stages[s];
    const bool final_data = stage.data.empty() || stage.data == config.data;
    const Dataset* dataset = &final_dataset;
    Dataset pretraining;
    std::vector<std::size_t> train = partition.train, validation = partition.validation;
    std::string data_description = final_dataset.location + " (" + partition.label +
                                   (partition.label.empty() ? "" : ", ") + "training part)";
    if (!final_data) {
      PretrainingData own =
          pretraining_data(config, final_dataset, partition, datasets.get(stage.data));
      train = own.split.indices(data::Part::Train);
      validation = own.split.indices(data::Part::Validation);
      pretraining = std::move(own.dataset);
      dataset = &pretraining;
      data_description = stage.data + " (" + std::to_string(own.removed) +
                         " images of held-out hands removed; its own validation part)";
    }
    const data::ImageCache& cache = caches.get(*dataset, static_cast<int>(sizes[s]));
    StageInputs inputs{&cache, data::cache_indices(cache, train),
                       data::cache_indices(cache, validation)};
    if (!previous_best.empty()) load_weights(*model, previous_best);

    StageSettings settings;
    settings.index = static_cast<std::int64_t>(s) + 1;
    settings.name = stage.name;
    settings.data_description = data_description;
    settings.epochs = stage.epochs > 0 ? stage.epochs : config.epochs;
    settings.batch_size = stage.batch_size > 0 ? stage.batch_size : config.batch_size;
    settings.freeze_epochs = stage.freeze_epochs >= 0 ? stage.freeze_epochs : config.freeze_epochs;
    settings.learning_rate =
        stage.learning_rate > 0 ? stage.learning_rate : config.effective_learning_rate();
    settings.augment = stage.augment.empty() ? config.augment : stage.augment;

    models::CheckpointInfo info;
    info.architecture = architecture;
    info.options = options;
    info.class_names = {"female", "male"};
    info.input_size = sizes[s];
    info.preprocessing = preprocessing_json(config, sizes[s]);
    info.training = config.to_json();
    info.provenance.set("stage", Json(stage.name));
    info.provenance.set("data", Json(data_description));
    info.provenance.set("initial_weights", Json(s == 0 ? initial_weights : previous_best.string()));

    const std::int64_t epochs_left =
        config.interrupt_after_epochs > 0 ? config.interrupt_after_epochs - epochs_this_run : 0;
    const auto interrupted = [&] {
      return TrainingInterrupted("interrupted after " + std::to_string(epochs_this_run) +
                                 " epochs as asked (--interrupt-after-epochs); continue with "
                                 "--resume and the same options");
    };
    if (config.interrupt_after_epochs > 0 && epochs_left <= 0) throw interrupted();
    const StageResult stage_result =
        run_stage(config, settings, inputs, *model, device, info,
                  folder / ("stage" + std::to_string(s + 1)), config.resume, progress, epochs_left);
    epochs_this_run += stage_result.epochs_run;
    if (!stage_result.completed) throw interrupted();
    previous_best = stage_result.best_checkpoint;
    histories.push_back({stage.name, stage_result.history});
    for (const EpochRecord& record : stage_result.history) {
      Json line = record.to_json();
      line.set("stage", Json(static_cast<std::int64_t>(s + 1)));
      history.push_back(std::move(line));
    }
    Json entry = Json::object();
    entry.set("name", Json(stage.name));
    entry.set("data", Json(data_description));
    entry.set("images_train", Json(static_cast<std::int64_t>(inputs.train.size())));
    entry.set("images_validation", Json(static_cast<std::int64_t>(inputs.validation.size())));
    entry.set("input_size", Json(sizes[s]));
    entry.set("epochs", Json(settings.epochs));
    entry.set("learning_rate", Json(settings.learning_rate));
    entry.set("augment", Json(settings.augment));
    entry.set("initial_weights",
              Json(s == 0 ? initial_weights : "the best of stage " + std::to_string(s)));
    entry.set("best_epoch", Json(stage_result.best_epoch));
    entry.set("stop_reason", Json(stage_result.stop_reason));
    entry.set("stopped_early", Json(stage_result.stopped_early));
    stage_entries.push_back(std::move(entry));
    last_stage_summary = stage_entries.as_array().back();
  }
  write_epochs_csv(folder / "epochs.csv", histories);

  // The final model: the last stage's best weights, calibrated on the validation part.
  load_weights(*model, previous_best);
  const std::int64_t side = sizes.back();
  const data::ImageCache& cache = caches.get(final_dataset, static_cast<int>(side));
  const data::Normalization normalization = data::Normalization::imagenet();
  const Predictions validation =
      predict(*model, cache, data::cache_indices(cache, partition.validation), device,
              static_cast<int>(config.batch_size), normalization, static_cast<int>(config.workers));
  const metrics::TemperatureFit fit =
      metrics::fit_temperature(validation.labels, metrics::logit_margins(validation.logits));
  const double temperature = fit.fitted ? fit.temperature : 1.0;
  const metrics::UndeterminedBand band = metrics::fit_undetermined_band(
      validation.labels, validation.probabilities_male(temperature), config.target_accuracy);

  Json calibration = Json::object();
  calibration.set("temperature", Json(temperature));
  calibration.set("fitted", Json(fit.fitted));
  calibration.set("reason",
                  Json(fit.fitted ? std::string()
                                  : fit.failure + "; probabilities are left uncalibrated (T = 1)"));
  calibration.set("fit", metrics::to_json(fit));
  calibration.set("undetermined", metrics::to_json(band));
  const metrics::DecisionPolicy policy = metrics::decision_policy({}, calibration);

  result.entry = Json::object();
  result.entry.set("architecture", Json(architecture));
  if (!partition.label.empty()) result.entry.set("partition", Json(partition.label));
  result.entry.set("parameters", Json(model->parameter_count()));
  result.entry.set("input_size", Json(side));
  result.entry.set("auxiliary_head", Json(options.auxiliary_head));
  result.entry.set("notes", Json(notes));
  result.entry.set("initial_weights", Json(initial_weights));
  result.entry.set("stages", std::move(stage_entries));
  result.entry.set("history", std::move(history));
  result.entry.set("best_epoch", last_stage_summary.at("best_epoch"));
  result.entry.set("stopped_early", last_stage_summary.at("stopped_early"));
  result.entry.set("stop_reason", last_stage_summary.at("stop_reason"));
  result.entry.set("calibration", calibration);
  const std::string where = partition.label.empty() ? "" : " (" + partition.label + ")";
  const metrics::Evaluation validation_evaluation =
      evaluate_predictions(config, final_dataset, cache, validation, temperature,
                           "validation part of " + final_dataset.location + where);
  result.entry.set("validation", metrics::to_json(validation_evaluation));
  write_predictions_csv(folder / "validation_predictions.csv", final_dataset, cache, validation,
                        policy);
  if (!partition.test.empty()) {
    const Predictions test = predict(*model, cache, data::cache_indices(cache, partition.test),
                                     device, static_cast<int>(config.batch_size), normalization,
                                     static_cast<int>(config.workers));
    result.test = evaluate_predictions(config, final_dataset, cache, test, temperature,
                                       "test part of " + final_dataset.location + where);
    result.entry.set("test", metrics::to_json(*result.test));
    write_predictions_csv(folder / "test_predictions.csv", final_dataset, cache, test, policy);
    result.entry.set("predictions", Json((folder / "test_predictions.csv").string()));
  }

  models::CheckpointInfo info;
  info.architecture = architecture;
  info.options = options;
  info.class_names = {"female", "male"};
  info.input_size = side;
  info.preprocessing = preprocessing_json(config, side);
  info.training = config.to_json();
  info.calibration = calibration;
  info.provenance.set("data", Json(final_dataset.to_json()));
  info.provenance.set("initial_weights", Json(initial_weights));
  info.provenance.set("stages", result.entry.at("stages"));
  info.provenance.set("validation_summary", Json(metrics::summary_text(validation_evaluation)));
  if (result.test) info.provenance.set("test_summary", Json(metrics::summary_text(*result.test)));
  models::save_checkpoint(folder / "best.safetensors", *model, info);
  result.entry.set("checkpoint", Json((folder / "best.safetensors").string()));
  // The signature is an unkeyed hash: a file whose metadata was edited and re-signed verifies.
  // The run record's own copy of both hashes is what such a file is compared against.
  result.entry.set("checkpoint_sha256",
                   Json(models::read_checkpoint(folder / "best.safetensors").checkpoint_sha256));
  result.entry.set("checkpoint_file_sha256",
                   Json(sha256_hex(read_file_bytes((folder / "best.safetensors").string()))));
  result.entry.set(
      "seconds",
      Json(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
  return result;
}

}  // namespace engine::apps
