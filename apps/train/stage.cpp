#include "apps/train/stage.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "apps/train/step.h"
#include "apps/train/training_parts.h"
#include "autograd/functions.h"
#include "models/weights.h"

namespace engine::apps {

namespace {

constexpr double no_score = -std::numeric_limits<double>::infinity();

Json score_to_json(double score) { return std::isfinite(score) ? Json(score) : Json(nullptr); }
double score_from_json(const Json& json) { return json.is_null() ? no_score : json.as_number(); }

// Everything that evolves during a stage besides the weights and the optimizer buffers.
struct Progression {
  std::int64_t epochs_done = 0;
  std::int64_t global_step = 0;
  std::int64_t best_epoch = 0;
  double best_score = no_score;
  std::int64_t epochs_without_improvement = 0;
  StageResult result;
};

Json progression_to_json(const Progression& p, const optim::OptimizerState& optimizer,
                         const TrainingConfig& config, const StageSettings& settings) {
  Json json = Json::object();
  json.set("stage", Json(settings.name));
  json.set("epochs_done", Json(p.epochs_done));
  json.set("global_step", Json(p.global_step));
  json.set("best_epoch", Json(p.best_epoch));
  json.set("best_score", score_to_json(p.best_score));
  json.set("epochs_without_improvement", Json(p.epochs_without_improvement));
  json.set("completed", Json(p.result.completed));
  json.set("stopped_early", Json(p.result.stopped_early));
  json.set("stop_reason", Json(p.result.stop_reason));
  Json history = Json::array();
  for (const results::EpochRecord& record : p.result.history) history.push_back(record.to_json());
  json.set("history", std::move(history));
  Json counters = Json::object();
  for (const auto& [key, value] : optimizer.counters) counters.set(key, Json(value));
  json.set("optimizer_counters", std::move(counters));
  json.set("config", config.to_json());
  return json;
}

Progression progression_from_json(const Json& json) {
  Progression p;
  p.epochs_done = json.at("epochs_done").as_integer();
  p.global_step = json.at("global_step").as_integer();
  p.best_epoch = json.at("best_epoch").as_integer();
  p.best_score = score_from_json(json.at("best_score"));
  p.epochs_without_improvement = json.at("epochs_without_improvement").as_integer();
  p.result.completed = json.at("completed").as_bool();
  p.result.stopped_early = json.at("stopped_early").as_bool();
  p.result.stop_reason = json.at("stop_reason").as_string();
  for (const Json& record : json.at("history").as_array()) {
    p.result.history.push_back(results::EpochRecord::from_json(record));
  }
  return p;
}

void save_last(const std::filesystem::path& folder, const models::Model& model,
               const models::CheckpointInfo& info, const optim::Optimizer& optimizer,
               const Progression& progression, const TrainingConfig& config,
               const StageSettings& settings) {
  const optim::OptimizerState state = optimizer.export_state();
  models::TrainingState training;
  for (const auto& [key, tensor] : state.tensors) training.tensors["optimizer." + key] = tensor;
  training.counters = progression_to_json(progression, state, config, settings);
  models::save_checkpoint(folder / "last.safetensors", model, info, &training);
}

// Restores weights, optimizer and counters from last.safetensors; checks the run's settings
// are those the checkpoint was written with, so a resumed run cannot silently change recipe.
Progression restore(const std::filesystem::path& file, models::Model& model,
                    optim::Optimizer& optimizer, const TrainingConfig& config) {
  models::CheckpointContents contents = models::read_checkpoint(file);
  if (!contents.training_state) {
    throw std::runtime_error(file.string() + " has no training state to resume from");
  }
  const Json& counters = contents.training_state->counters;
  if (counters.at("config").dump() != config.to_json().dump()) {
    throw std::runtime_error("--resume: " + file.string() +
                             " was written with different settings; resume with the same "
                             "options (see config.json) or start a new --out");
  }
  models::import_state(model, contents.model_state, models::ImportPolicy::exact, file.string());
  optim::OptimizerState state;
  const std::string prefix = "optimizer.";
  for (const auto& [key, tensor] : contents.training_state->tensors) {
    if (key.rfind(prefix, 0) == 0) state.tensors[key.substr(prefix.size())] = tensor;
  }
  for (const auto& [key, value] : counters.at("optimizer_counters").as_object()) {
    state.counters[key] = value.as_integer();
  }
  optimizer.import_state(state);
  return progression_from_json(counters);
}

}  // namespace

namespace {

// What a stage trains with, set up once: the loader over its training images, the optimizer (and
// the parameters it updates, for clipping), the schedule and the class weights.
struct StageTraining {
  const TrainingConfig& config;
  const StageSettings& settings;
  const StageInputs& inputs;
  models::Model& model;
  Device device;
  std::filesystem::path folder;
  data::LoaderConfig loader_config = {};
  std::unique_ptr<data::Loader> loader = nullptr;
  std::int64_t steps_per_epoch = 0;
  std::vector<optim::Parameter> parameters = {};
  std::unique_ptr<optim::Optimizer> optimizer = nullptr;
  std::unique_ptr<optim::LearningRateSchedule> schedule = nullptr;
  Tensor class_weights = {};
};

void set_up(StageTraining& t) {
  t.loader_config.batch_size = static_cast<int>(t.settings.batch_size);
  t.loader_config.shuffle = true;
  t.loader_config.seed = static_cast<std::uint64_t>(t.config.seed);
  t.loader_config.augment = augment_config(t.settings.augment);
  t.loader_config.worker_threads = static_cast<int>(t.config.workers);
  t.loader = std::make_unique<data::Loader>(*t.inputs.cache, t.inputs.train, t.loader_config);
  t.steps_per_epoch = static_cast<std::int64_t>(t.loader->batches_per_epoch());
  if (t.steps_per_epoch == 0) throw std::runtime_error(t.settings.name + ": no training images");
  t.optimizer = make_optimizer(t.config, t.model, t.settings.learning_rate, t.parameters);
  t.schedule = make_schedule(t.config, t.settings, t.steps_per_epoch);
  t.class_weights = class_weight_tensor(t.config, *t.inputs.cache, t.inputs.train, t.device);
}

TrainingDiverged diverged(const StageTraining& t, std::int64_t epoch, std::int64_t step,
                          const StepFigures& figures) {
  const std::filesystem::path last = t.folder / "last.safetensors";
  return TrainingDiverged(
      t.settings.name + " epoch " + std::to_string(epoch + 1) + " step " + std::to_string(step) +
      ": the " + (std::isfinite(figures.loss) ? "gradient norm" : "loss") +
      " is not finite; training stopped. " +
      (std::filesystem::exists(last) ? "The last good checkpoint is " + last.string()
                                     : std::string("No checkpoint of this stage was written yet")) +
      " (check the initial weights, lower --lr, or clip with "
      "--max-grad-norm)");
}

struct EpochTotals {
  double loss_total = 0;
  std::int64_t images = 0, correct = 0;
};

// One pass over the training images: a step per batch, the learning rate from the schedule.
EpochTotals train_epoch(StageTraining& t, Progression& p, std::int64_t epoch, Progress& progress) {
  set_backbone_trainable(t.model, epoch >= t.settings.freeze_epochs);
  t.model.train();
  t.loader->start_epoch(static_cast<std::uint64_t>(epoch));
  progress.start(t.settings.name + " epoch " + std::to_string(epoch + 1) + "/" +
                     std::to_string(t.settings.epochs),
                 static_cast<long>(t.steps_per_epoch));
  EpochTotals totals;
  std::int64_t batches = 0;
  while (auto batch = t.loader->next()) {
    // Dropout masks: a pure function of (seed, layer, stage, step), so a resumed run draws
    // exactly the masks an uninterrupted one would.
    t.model.random().set_step((static_cast<std::uint64_t>(t.settings.index) << 40) +
                              static_cast<std::uint64_t>(p.global_step));
    const StepFigures step = forward_backward(t.config, t.model, *t.optimizer, t.parameters,
                                              t.class_weights, *batch, t.device);
    if (!std::isfinite(step.loss) || !std::isfinite(step.gradient_norm)) {
      throw diverged(t, epoch, p.global_step, step);
    }
    t.optimizer->set_learning_rate(t.schedule->learning_rate(p.global_step));
    t.optimizer->step();
    ++p.global_step;
    const std::int64_t count = batch->targets.numel();
    totals.loss_total += step.loss * static_cast<double>(count);
    totals.correct += step.correct;
    totals.images += count;
    ++batches;
    progress.update(static_cast<long>(batches), totals.loss_total / totals.images,
                    static_cast<long>(totals.images));
  }
  progress.finish();
  return totals;
}

// The epoch's figures: training totals, then the validation pass.
results::EpochRecord epoch_record(const StageTraining& t, std::int64_t epoch,
                                  const EpochTotals& totals, double train_seconds,
                                  const QuickFigures& figures,
                                  std::chrono::steady_clock::time_point started) {
  results::EpochRecord record;
  record.epoch = epoch + 1;
  record.train_loss = totals.loss_total / static_cast<double>(totals.images);
  record.train_accuracy = static_cast<double>(totals.correct) / static_cast<double>(totals.images);
  record.validation_loss = figures.loss;
  record.validation_accuracy = figures.accuracy;
  record.validation_balanced_accuracy = figures.balanced_accuracy;
  record.validation_auc = figures.auc;
  record.learning_rate = t.optimizer->learning_rate();
  record.images_per_second = totals.images / train_seconds;
  record.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return record;
}

// After an epoch: keeps the best weights, decides whether the stage is complete (all epochs, or
// out of patience) and saves last.safetensors.
void conclude_epoch(const StageTraining& t, Progression& p, const results::EpochRecord& record,
                    double score, const models::CheckpointInfo& checkpoint_info,
                    Progress& progress) {
  const TrainingConfig& config = t.config;
  p.result.history.push_back(record);
  p.epochs_done = record.epoch;
  const bool improved = score > p.best_score;
  if (improved) {
    p.best_score = score;
    p.best_epoch = record.epoch;
    p.epochs_without_improvement = 0;
    models::save_checkpoint(t.folder / "best.safetensors", t.model, checkpoint_info);
  } else {
    ++p.epochs_without_improvement;
  }
  progress.message(epoch_line(t.settings.name, record, improved));
  const bool out_of_patience =
      config.patience > 0 && p.epochs_without_improvement >= config.patience;
  if (out_of_patience || p.epochs_done == t.settings.epochs) {
    p.result.completed = true;
    p.result.stopped_early = out_of_patience && p.epochs_done < t.settings.epochs;
    p.result.stop_reason = p.result.stopped_early
                               ? "stopped early: no better validation " +
                                     config.early_stopping_metric + " for " +
                                     std::to_string(config.patience) + " epochs"
                               : "completed " + std::to_string(t.settings.epochs) + " epochs";
  }
  save_last(t.folder, t.model, checkpoint_info, *t.optimizer, p, config, t.settings);
}

StageResult finished(Progression& p, const std::filesystem::path& folder) {
  p.result.best_epoch = p.best_epoch;
  p.result.best_score = p.best_score;
  p.result.best_checkpoint = folder / "best.safetensors";
  return p.result;
}

}  // namespace

StageResult run_stage(const TrainingConfig& config, const StageSettings& settings,
                      const StageInputs& inputs, models::Model& model, Device device,
                      const models::CheckpointInfo& checkpoint_info,
                      const std::filesystem::path& folder, bool resume, Progress& progress,
                      std::int64_t epochs_this_call) {
  std::filesystem::create_directories(folder);
  StageTraining t{config, settings, inputs, model, device, folder};
  set_up(t);
  Progression p;
  const std::filesystem::path last = folder / "last.safetensors";
  if (resume && std::filesystem::exists(last)) {
    p = restore(last, model, *t.optimizer, config);
    progress.message(settings.name + ": resumed after epoch " + std::to_string(p.epochs_done));
  }
  if (p.result.completed) return finished(p, folder);

  std::int64_t epochs_run = 0;
  for (std::int64_t epoch = p.epochs_done; epoch < settings.epochs; ++epoch) {
    const auto started = std::chrono::steady_clock::now();
    const EpochTotals totals = train_epoch(t, p, epoch, progress);
    const double train_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const Predictions validation = predict(
        model, *inputs.cache, inputs.validation, device, static_cast<int>(settings.batch_size),
        t.loader_config.normalization, static_cast<int>(config.workers));
    const QuickFigures figures = quick_figures(validation);
    const results::EpochRecord record =
        epoch_record(t, epoch, totals, train_seconds, figures, started);
    conclude_epoch(t, p, record, figures.score(config.early_stopping_metric), checkpoint_info,
                   progress);
    if (p.result.completed) break;
    ++epochs_run;
    if (epochs_this_call > 0 && epochs_run >= epochs_this_call) break;
  }
  p.result.epochs_run = epochs_run;
  set_backbone_trainable(model, true);
  return finished(p, folder);
}

}  // namespace engine::apps
