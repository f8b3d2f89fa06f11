#include "apps/predict/prediction.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>

#include "apps/common/environment.h"
#include "apps/predict/batch.h"
#include "apps/predict/output_paths.h"
#include "apps/predict/verification.h"
#include "data/file.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cuda/mode.h"

namespace engine::apps {

namespace {

// As choose_device, but quiet: predict_app's standard output may be the JSON or CSV itself.
Device resolve_device(const std::string& requested, std::vector<std::string>& notes) {
  if (requested == "auto") {
    if (device_runtime::cuda_device_count() > 0) return Device::cuda(0);
    notes.push_back("--device auto chose the CPU: " + device_runtime::cuda_unavailable_reason());
    return Device::cpu();
  }
  try {
    return choose_device(requested);
  } catch (const std::exception& error) {
    throw ArgumentError(error.what());
  }
}

models::LoadedCheckpoint load_model(const std::string& path, Device device) {
  if (!std::filesystem::is_regular_file(path)) {
    throw CheckpointError(path + ": no such checkpoint file");
  }
  try {
    models::LoadedCheckpoint loaded = models::load_checkpoint(path, device);
    loaded.model->eval();
    return loaded;
  } catch (const std::exception& error) {
    throw CheckpointError(error.what());
  }
}

// The checkpoint's calibration, preprocessing and decision policy, and its hashes.
void read_checkpoint_record(const PredictOptions& options, const models::LoadedCheckpoint& loaded,
                            PredictionRun& run) {
  try {
    run.checkpoint_file_sha256 = data::sha256_file_hex(options.model);
    run.input = model_input_from(loaded.info);
    apply_dicom_window(run.input, options.dicom_window);
    run.policy = decision_policy(loaded.info, options.threshold_override());
  } catch (const ArgumentError&) {
    throw;
  } catch (const std::exception& error) {
    throw CheckpointError(options.model + ": " + error.what());
  }
  run.checkpoint_tensor_sha256 = loaded.tensor_sha256;
  run.checkpoint_sha256 = loaded.checkpoint_sha256;
  run.info = loaded.info;
  run.feature_layer = loaded.model->feature_layer();
}

// Notes on the options that change how the results read: test-time augmentation (and whether
// the model was trained for its views) and --allow-outside-paths.
void add_option_notes(const PredictOptions& options, PredictionRun& run) {
  if (options.tta) {
    run.notes.push_back("test-time augmentation: probabilities averaged over " +
                        std::to_string(run.views.size()) +
                        " views; the threshold was fitted on single views");
    // Flipped and rotated views are only in-distribution for a model trained with them.
    const Json* augment = run.info.training.find("augment");
    if (augment == nullptr || !augment->is_string() || augment->as_string() == "none") {
      run.notes.push_back("the checkpoint was not trained with flips and rotations (augment: " +
                          (augment != nullptr && augment->is_string() ? augment->as_string()
                                                                      : std::string("unknown")) +
                          "): its TTA views are unlike its training images");
    }
  }
  if (options.allow_outside_paths) {
    run.notes.push_back(
        "--allow-outside-paths: manifest paths were read even where they resolve outside the "
        "manifest's folder");
  }
}

void create_explain_folder(const std::string& folder) {
  if (folder.empty()) return;
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error || !std::filesystem::is_directory(folder)) {
    throw ArgumentError("--explain " + folder + ": cannot create the folder (" + error.message() +
                        ")");
  }
}

// Every input in batches of --batch-size; inputs that already failed while the arguments were
// expanded are left out.
void predict_all(const PredictOptions& options, PredictionRun& run, BatchContext& context) {
  std::vector<PredictionItem*> batch;
  const auto flush = [&] {
    if (!batch.empty()) predict_batch(context, batch);
    batch.clear();
  };
  for (PredictionItem& item : run.items) {
    if (!item.error.empty()) continue;
    batch.push_back(&item);
    if (static_cast<std::int64_t>(batch.size()) == options.batch_size) flush();
  }
  flush();
}

// --verify-on-cpu's record: the verifier's comparison, and each decision the reference makes
// differently.
void record_verification(const CpuVerifier& verifier, PredictionRun& run) {
  run.verification = verifier.to_json();
  Json changed = Json::array();
  double largest = 0;
  for (const PredictionItem& item : run.items) {
    if (!item.reference) continue;
    largest = std::max(
        largest, std::fabs(item.reference->probability_class1 - item.estimate.probability_class1));
    if (item.reference->name == item.estimate.name) continue;
    ++run.decisions_changed;
    Json entry = Json::object();
    entry.set("image", Json(item.input.label));
    entry.set("estimate", Json(item.estimate.name));
    entry.set("reference_estimate", Json(item.reference->name));
    entry.set("probability_male", Json(item.estimate.probability_class1));
    entry.set("reference_probability_male", Json(item.reference->probability_class1));
    changed.push_back(std::move(entry));
  }
  run.verification.set("largest_probability_difference", Json(largest));
  run.verification.set("decisions_changed", Json(static_cast<std::int64_t>(run.decisions_changed)));
  run.verification.set("changed", std::move(changed));
}

}  // namespace

PredictionRun run_prediction(const PredictOptions& options,
                             const std::vector<std::string>& command_line) {
  options.validate();
  // Inputs first, so that no output is written over one of them (nor over a file predict_app did
  // not write) before any work is done.
  ExpandedInputs inputs =
      expand_inputs(options.inputs, data::PathPolicy{options.allow_outside_paths});
  check_prediction_outputs(options, inputs);
  PredictionRun run;
  run.options = options;
  run.command_line = command_line;
  run.started_utc = utc_timestamp();
  if (options.threads > 0) kernels::cpu::set_thread_count(static_cast<int>(options.threads));
  kernels::cuda::set_deterministic(options.deterministic);
  run.device = resolve_device(options.device, run.notes);
  run.device_description = describe_device(run.device);
  run.determinism = run.device.is_cuda()
                        ? std::string(kernels::cuda::mode_name())
                        : "deterministic (the CPU backend has one mode; --deterministic only "
                          "changes GPU kernels)";

  models::LoadedCheckpoint loaded = load_model(options.model, run.device);
  read_checkpoint_record(options, loaded, run);
  run.views = prediction_views(options.tta);
  run.environment = describe_environment(run.device, options.deterministic);
  run.environment.set("libraries", Json(kernels::cuda::library_versions()));
  create_explain_folder(options.explain);
  add_option_notes(options, run);
  const auto started = std::chrono::steady_clock::now();
  run.notes.insert(run.notes.end(), inputs.notes.begin(), inputs.notes.end());
  for (std::size_t i = 0; i < inputs.items.size(); ++i) {
    PredictionItem item;
    item.input = std::move(inputs.items[i]);
    item.index = i + 1;
    item.error = item.input.error;
    run.items.push_back(std::move(item));
  }

  // The CPU reference: the same model on a CPU-only run, else a second copy on the CPU.
  std::optional<models::LoadedCheckpoint> reference_copy;
  std::optional<CpuVerifier> verifier;
  if (options.verify_on_cpu) {
    models::Model* reference = loaded.model.get();
    if (run.device.is_cuda()) {
      reference_copy = load_model(options.model, Device::cpu());
      reference = reference_copy->model.get();
    }
    verifier.emplace(*loaded.model, run.device, *reference);
  }
  BatchContext context{run, *loaded.model, verifier ? &*verifier : nullptr,
                       &run.prediction_seconds};
  predict_all(options, run, context);
  if (verifier) record_verification(*verifier, run);
  run.total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.finished_utc = utc_timestamp();
  return run;
}

std::size_t PredictionRun::succeeded() const { return items.size() - failed(); }

std::size_t PredictionRun::failed() const {
  std::size_t count = 0;
  for (const PredictionItem& item : items) count += item.failed() ? 1 : 0;
  return count;
}

std::size_t PredictionRun::count(const std::string& estimate) const {
  std::size_t count = 0;
  for (const PredictionItem& item : items) {
    count += item.predicted && item.estimate.name == estimate ? 1 : 0;
  }
  return count;
}

int PredictionRun::exit_code() const {
  if (decisions_changed > 0) return 3;
  return failed() > 0 ? 1 : 0;
}

}  // namespace engine::apps
