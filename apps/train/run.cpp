#include "apps/train/run.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>

#include "apps/common/environment.h"
#include "apps/report/report.h"
#include "apps/train/comparison.h"
#include "apps/train/data_checks.h"
#include "apps/train/model_run.h"
#include "apps/train/run_folder.h"
#include "apps/train/stage.h"
#include "data/split.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cuda/mode.h"
#include "results/training_results.h"
#include "util/file_io.h"

namespace engine::apps {

namespace {

data::Split make_split(const TrainingConfig& config, const Dataset& dataset) {
  if (!config.split_file.empty()) return data::read_split(config.split_file, dataset.manifest);
  const auto seed = static_cast<std::uint64_t>(config.seed);
  if (config.folds > 0)
    return data::split_folds(dataset.manifest, static_cast<int>(config.folds), seed);
  const double train = 1.0 - config.validation_fraction - config.test_fraction;
  return data::split_parts(dataset.manifest,
                           {train, config.validation_fraction, config.test_fraction}, seed);
}

// k folds: fold k is the test part, fold k+1 (cyclically) the validation part, the rest train.
std::vector<Partition> make_partitions(const data::Split& split) {
  if (!split.is_folds) {
    return {Partition{"", "", split.indices(data::Part::Train),
                      split.indices(data::Part::Validation), split.indices(data::Part::Test)}};
  }
  std::vector<Partition> partitions;
  const int folds = split.label_count;
  for (int fold = 0; fold < folds; ++fold) {
    const int validation_fold = (fold + 1) % folds;
    Partition partition{"fold " + std::to_string(fold + 1),
                        "fold" + std::to_string(fold + 1),
                        {},
                        split.indices(validation_fold),
                        split.indices(fold)};
    for (std::size_t i = 0; i < split.labels.size(); ++i) {
      if (split.labels[i] != fold && split.labels[i] != validation_fold)
        partition.train.push_back(i);
    }
    partitions.push_back(std::move(partition));
  }
  return partitions;
}

Json split_json(const TrainingConfig& config, const data::Split& split, const Dataset& dataset) {
  Json json = Json::object();
  json.set(
      "method",
      Json(std::string(config.split_file.empty() ? "drawn" : "read from " + config.split_file) +
           ": stratified by sex, grouped by " + (dataset.manifest.has_id ? "hand id" : "file") +
           ", seed " + std::to_string(config.seed)));
  if (split.is_folds) {
    json.set("folds", Json(static_cast<std::int64_t>(split.label_count)));
  } else {
    for (data::Part part : {data::Part::Train, data::Part::Validation, data::Part::Test}) {
      json.set(data::name_of(part), Json(static_cast<std::int64_t>(split.indices(part).size())));
    }
  }
  json.set("file", Json("split.csv"));
  return json;
}

// Mean and sample standard deviation over folds of each headline figure, per architecture.
Json fold_summary(const std::vector<std::pair<std::string, metrics::Evaluation>>& folds) {
  std::map<std::string, std::map<std::string, std::vector<double>>> values;
  for (const auto& [architecture, e] : folds) {
    auto& v = values[architecture];
    v["accuracy"].push_back(e.positive.accuracy.value());
    v["balanced_accuracy"].push_back(e.positive.balanced_accuracy);
    v["precision"].push_back(e.positive.precision.value());
    v["recall"].push_back(e.positive.recall.value());
    v["specificity"].push_back(e.positive.specificity.value());
    v["f1"].push_back(e.positive.f1.value());
    v["auc"].push_back(e.roc ? e.auc : std::nan(""));
  }
  Json summary = Json::object();
  for (const auto& [architecture, metrics_by_name] : values) {
    Json figures = Json::object();
    for (const auto& [name, list] : metrics_by_name) {
      double sum = 0, squares = 0;
      for (double v : list) sum += v;
      const double mean = sum / list.size();
      for (double v : list) squares += (v - mean) * (v - mean);
      Json figure = Json::object();
      figure.set("mean", std::isfinite(mean) ? Json(mean) : Json(nullptr));
      figure.set("sd", list.size() > 1 && std::isfinite(squares)
                           ? Json(std::sqrt(squares / (list.size() - 1)))
                           : Json(nullptr));
      figure.set("folds", Json(static_cast<std::int64_t>(list.size())));
      figures.set(name, std::move(figure));
    }
    summary.set(architecture, std::move(figures));
  }
  return summary;
}

// Every folder the run writes into: the run folder, plots/, and each model's and stage's folder.
std::vector<std::filesystem::path> output_folders(const TrainingConfig& config,
                                                  const std::vector<Partition>& partitions) {
  const std::filesystem::path folder = config.out;
  std::vector<std::filesystem::path> folders = {folder, folder / "plots"};
  if (config.ensemble) folders.push_back(folder / "ensemble");
  const std::size_t stages = config.stage_options().size();
  for (const std::string& architecture : config.architectures()) {
    folders.push_back(folder / architecture);
    for (const Partition& partition : partitions) {
      const std::filesystem::path model_folder = folder / architecture / partition.folder;
      folders.push_back(model_folder);
      for (std::size_t s = 1; s <= stages; ++s) {
        folders.push_back(model_folder / ("stage" + std::to_string(s)));
      }
    }
  }
  return folders;
}

// The datasets of the run, all read (and, with --skip-bad-files, every image decoded) before
// anything is written: the final data first, then each stage's own.
std::vector<const Dataset*> load_datasets(const TrainingConfig& config, DatasetStore& datasets) {
  std::vector<const Dataset*> loaded = {&datasets.get(config.data)};
  for (const StageOptions& stage : config.stage_options()) {
    if (!stage.data.empty() && stage.data != config.data)
      loaded.push_back(&datasets.get(stage.data));
  }
  return loaded;
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  write_file_atomically(file.string(), std::vector<std::uint8_t>(text.begin(), text.end()));
}

// results.json's data: the final data set, its split, the files left out and the images whose
// alpha channel was composited on black.
Json data_record(const TrainingConfig& config, const Dataset& dataset, const data::Split& split,
                 const CacheStore& caches, Progress& progress) {
  Json data_json = dataset.to_json();
  data_json.set("split", split_json(config, split, dataset));
  std::vector<data::SkippedFile> skipped = dataset.skipped;
  for (const data::SkippedFile& file : caches.skipped_files()) skipped.push_back(file);
  data_json.set("skipped", skipped_files_json(skipped));
  const std::vector<std::pair<std::string, std::string>> alpha = caches.alpha_files();
  if (!alpha.empty()) {
    progress.message("note: " + std::to_string(alpha.size()) +
                     " image(s): " + data::alpha_composited_note + " (results.json lists them)");
  }
  data_json.set("alpha_composited", alpha_files_json(alpha));
  data_json.set("dicom", caches.dicom_json(config.dicom_window));
  return data_json;
}

std::string outcome_of(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const TrainingInterrupted&) {
    return "interrupted (--interrupt-after-epochs)";
  } catch (const TrainingDiverged& error) {
    return std::string("stopped: ") + error.what();
  } catch (const std::exception& error) {
    return std::string("failed: ") + error.what();
  } catch (...) {
    return "failed";
  }
}

}  // namespace

namespace {

// The data of the run, read and checked (with its split) before anything is written.
struct PreparedData {
  DatasetStore datasets;
  std::vector<const Dataset*> all_data;  // the final data first, then each stage's own
  const Dataset* dataset = nullptr;      // the final data
  data::Split split;
  std::vector<Partition> partitions;
  std::string split_text;  // split.csv
  explicit PreparedData(const TrainingConfig& config) : datasets(config) {}
};

void prepare_data(const TrainingConfig& config, const RunFolderState& state, PreparedData& data) {
  data.all_data = load_datasets(config, data.datasets);
  data.dataset = data.all_data.front();
  data.split = make_split(config, *data.dataset);
  data.partitions = make_partitions(data.split);
  check_enough_data(config, *data.dataset, data.split, data.partitions, data.datasets);
  check_inputs_outside(config, data.all_data, output_folders(config, data.partitions));
  data.split_text = data::split_to_csv(data.dataset->manifest, data.split);
  check_resume(config, state, data.split_text);
}

std::string data_message(const Dataset& dataset) {
  return "data: " + dataset.location + ": " + std::to_string(dataset.manifest.records.size()) +
         " images (" + std::to_string(dataset.manifest.count(data::Sex::Female)) + " female, " +
         std::to_string(dataset.manifest.count(data::Sex::Male)) + " male)" +
         (dataset.synthetic ? ", SYNTHETIC phantoms" : "") +
         (dataset.skipped.empty() ? ""
                                  : "; " + std::to_string(dataset.skipped.size()) +
                                        " unreadable file(s) left out (skipped.csv)");
}

CacheStore make_caches(const TrainingConfig& config) {
  data::PreprocessConfig preprocess;
  preprocess.resize_mode =
      config.resize == "squash" ? data::ResizeMode::Squash : data::ResizeMode::Pad;
  preprocess.use_clahe = config.clahe;
  preprocess.dicom_window =
      config.dicom_window == "none" ? data::DicomWindow::None : data::DicomWindow::File;
  data::CacheOptions cache_options;
  cache_options.skip_bad_files = config.skip_bad_files;
  return CacheStore(preprocess, cache_options);
}

// Every architecture on every partition, in order; returns each run (its results.json entry and
// its predictions) and fills (fold runs) the test evaluations the fold summary is made of.
std::vector<ModelRunResult> train_models(
    const TrainingConfig& config, PreparedData& data, CacheStore& caches, Device device,
    Progress& progress, std::vector<std::pair<std::string, metrics::Evaluation>>& fold_tests) {
  std::vector<ModelRunResult> runs;
  const std::filesystem::path folder = config.out;
  for (const std::string& architecture : config.architectures()) {
    for (const Partition& partition : data.partitions) {
      const std::string label =
          architecture + (partition.label.empty() ? "" : " " + partition.label);
      progress.message("== " + label);
      ModelRunResult run =
          run_model(config, architecture, partition, *data.dataset, data.datasets, caches, device,
                    folder / architecture / partition.folder, progress);
      if (run.test && data.split.is_folds) fold_tests.emplace_back(architecture, *run.test);
      progress.message(label + ": " +
                       (run.test ? metrics::summary_text(*run.test)
                                 : std::string("no test part; see the validation figures")));
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

// --compare on one split: the ensemble (--ensemble) as one more model, then every pair of
// models on the test cases. Fills results.models and results.comparisons.
void add_comparisons(const TrainingConfig& config, const PreparedData& data, CacheStore& caches,
                     Progress& progress, std::vector<ModelRunResult>& runs,
                     results::TrainingResults& results) {
  if (!config.compare.empty() && !data.split.is_folds) {
    if (config.ensemble) {
      progress.message("== ensemble of " + std::to_string(runs.size()) + " models");
      runs.push_back(run_ensemble(config, *data.dataset, caches, runs, progress));
    }
    std::vector<ComparedModel> compared;
    for (const ModelRunResult& run : runs) {
      compared.push_back(compared_model(run.entry.architecture, run));
    }
    results.comparisons = compare_models(config, *data.dataset, compared);
  }
  for (ModelRunResult& run : runs) results.models.push_back(std::move(run.entry));
}

// results.json's run: the command, times (over every segment), version, device, determinism,
// seed, environment and the CUDA convolution algorithms chosen.
Json run_record(const TrainingConfig& config, const std::string& command_line,
                const std::string& started_at, const Json& record, double seconds, Json environment,
                Device device) {
  Json run = Json::object();
  run.set("name", Json(config.name.empty() ? std::filesystem::path(config.out).filename().string()
                                           : config.name));
  run.set("command", Json(command_line));
  run.set("started", Json(started_at));
  run.set("finished", Json(utc_timestamp()));
  add_segment_times(run, record, seconds);
  run.set("engine_version", Json(engine_version()));
  run.set("device", Json(describe_device(device)));
  run.set("determinism",
          Json(config.deterministic ? "deterministic" : "fast (TF32 allowed on GPU)"));
  run.set("seed", Json(std::to_string(config.seed)));
  environment.set("libraries", Json(kernels::cuda::library_versions()));
  run.set("environment", environment);
  run.set("convolution_algorithms", convolution_algorithms());
  return run;
}

// The segment of the run that writes: split.csv (and skipped.csv), each model, results.json and
// the report. `seconds_so_far` counts from the start of this invocation.
RunOutcome train_and_report(const TrainingConfig& config, const std::string& command_line,
                            PreparedData& data, Device device, const std::string& started_at,
                            const Json& record, const Json& environment,
                            const std::function<double()>& seconds_so_far) {
  const std::filesystem::path folder = config.out;
  Progress progress;
  write_text(folder / "split.csv", data.split_text);
  if (config.skip_bad_files) write_text(folder / "skipped.csv", skipped_files_csv(data.all_data));
  progress.message(data_message(*data.dataset));
  CacheStore caches = make_caches(config);

  results::TrainingResults results;
  std::vector<std::pair<std::string, metrics::Evaluation>> fold_tests;
  std::vector<ModelRunResult> runs =
      train_models(config, data, caches, device, progress, fold_tests);
  add_comparisons(config, data, caches, progress, runs, results);
  results.kind = data.split.is_folds      ? results::Kind::folds
                 : config.compare.empty() ? results::Kind::single
                                          : results::Kind::compare;
  results.run =
      run_record(config, command_line, started_at, record, seconds_so_far(), environment, device);
  results.data = data_record(config, *data.dataset, data.split, caches, progress);
  if (data.split.is_folds) {
    results.folds = results::FoldsResult{static_cast<std::int64_t>(data.split.label_count),
                                         fold_summary(fold_tests)};
  }
  const Json results_json = results.to_json();
  RunOutcome outcome;
  outcome.results_file = (folder / "results.json").string();
  write_json_file(folder / "results.json", results_json);
  if (config.report) {
    report::write_report(results_json, folder);
    outcome.report_markdown = (folder / "report.md").string();
    outcome.report_html = (folder / "report.html").string();
  }
  return outcome;
}

}  // namespace

RunOutcome run_training(const TrainingConfig& config, const std::string& command_line) {
  // Everything is checked before the first byte is written: options, the run folder, the data,
  // the split, inputs inside the run folder, and (--resume) the recorded settings and split.
  config.validate();
  const RunFolderState state = inspect_run_folder(config);
  const auto started = std::chrono::steady_clock::now();
  const std::string started_at = utc_timestamp();
  if (config.threads > 0) kernels::cpu::set_thread_count(static_cast<int>(config.threads));
  kernels::cuda::set_deterministic(config.deterministic);
  const Device device = choose_device(config.device);
  const std::filesystem::path folder = config.out;
  PreparedData data(config);
  prepare_data(config, state, data);

  const Json environment = describe_environment(device, config.deterministic);
  Json record =
      begin_segment(config, state, command_line, started_at, environment, describe_device(device));
  std::filesystem::create_directories(folder);
  write_json_file(folder / "config.json", record);
  const auto seconds_so_far = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  try {
    RunOutcome outcome = train_and_report(config, command_line, data, device, started_at, record,
                                          environment, seconds_so_far);
    end_segment(record, "completed", seconds_so_far());
    write_json_file(folder / "config.json", record);
    return outcome;
  } catch (...) {
    // The segment's end is recorded however it ended; a failure to record it must not hide why.
    try {
      end_segment(record, outcome_of(std::current_exception()), seconds_so_far());
      write_json_file(folder / "config.json", record);
    } catch (const std::exception&) {
    }
    throw;
  }
}

}  // namespace engine::apps
