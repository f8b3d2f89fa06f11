#include "apps/train/run_folder.h"

#include <set>

#include "apps/common/environment.h"
#include "apps/common/output_guard.h"
#include "data/file.h"
#include "util/file_io.h"

namespace engine::apps {

namespace {

Json read_json_file(const std::filesystem::path& file) {
  const std::string text = data::read_file_text(file);
  return Json::parse(text);
}

// "learning_rate: 0.001 in config.json, 0.002 now; epochs: ..." for every key that differs.
std::string differences(const Json& recorded, const Json& now) {
  std::string text;
  std::set<std::string> seen;
  const auto add = [&](const std::string& key) {
    if (!seen.insert(key).second) return;
    const Json* before = recorded.find(key);
    const Json* after = now.find(key);
    const std::string was = before != nullptr ? before->dump() : "(absent)";
    const std::string is = after != nullptr ? after->dump() : "(absent)";
    if (was == is) return;
    text += (text.empty() ? "" : "; ") + key + ": " + was + " in config.json, " + is + " now";
  };
  for (const auto& [key, value] : now.as_object()) add(key);
  for (const auto& [key, value] : recorded.as_object()) add(key);
  return text;
}

}  // namespace

bool is_run_record(const Json& configuration) {
  if (!configuration.is_object()) return false;
  const Json* options = configuration.find("options");
  const Json* command = configuration.find("command");
  return options != nullptr && options->is_object() && command != nullptr && command->is_string();
}

RunFolderState inspect_run_folder(const TrainingConfig& config) {
  const std::filesystem::path folder = config.out;
  RunFolderState state;
  std::error_code error;
  if (!std::filesystem::exists(folder, error)) return state;
  if (!std::filesystem::is_directory(folder)) {
    throw ArgumentError("--out " + config.out + " exists and is not a folder");
  }
  if (std::filesystem::is_empty(folder)) return state;
  if (!config.resume) {
    throw ArgumentError("--out " + config.out +
                        " already holds a run; add --resume to continue it or choose "
                        "another folder");
  }
  const std::filesystem::path record_file = folder / "config.json";
  try {
    state.record = read_json_file(record_file);
  } catch (const std::exception& failure) {
    throw ArgumentError("--resume: " + config.out +
                        " holds files but no readable config.json written by train_app (" +
                        failure.what() + "); --resume continues only a run folder train_app wrote");
  }
  if (!is_run_record(state.record)) {
    throw ArgumentError("--resume: " + record_file.string() +
                        " was not written by train_app (no \"options\" and \"command\"); "
                        "--resume continues only a run folder train_app wrote");
  }
  state.resuming = true;
  return state;
}

void check_resume(const TrainingConfig& config, const RunFolderState& state,
                  const std::string& split_text) {
  if (!state.resuming) return;
  const std::filesystem::path folder = config.out;
  const Json now = config.to_json();
  const std::string changed = differences(state.record.at("options"), now);
  if (!changed.empty()) {
    throw ArgumentError("--resume: " + (folder / "config.json").string() +
                        " was written with different settings (" + changed +
                        "); resume with the same options or start a new --out. Nothing was "
                        "changed.");
  }
  const std::filesystem::path split_file = folder / "split.csv";
  std::error_code error;
  if (std::filesystem::exists(split_file, error) &&
      data::read_file_text(split_file) != split_text) {
    throw ArgumentError("--resume: the split drawn now differs from " + split_file.string() +
                        ": the data changed since the run began (a manifest edited, an image "
                        "added or left out); resume with the same data or start a new --out. "
                        "Nothing was changed.");
  }
}

void check_inputs_outside(const TrainingConfig& config, const std::vector<const Dataset*>& datasets,
                          const std::vector<std::filesystem::path>& folders) {
  OutputGuard guard("train_app", false);
  for (const Dataset* dataset : datasets) {
    const std::string of = " of --data " + dataset->location;
    guard.add_input(dataset->manifest.source, "the data (--data " + dataset->location + ")");
    for (const data::Record& record : dataset->manifest.records) {
      guard.add_input(record.file, "an image" + of);
    }
    for (const data::SkippedFile& file : dataset->skipped)
      guard.add_input(file.file, "an image" + of);
  }
  if (!config.init.empty()) guard.add_input(config.init, "the initial weights (--init)");
  if (!config.split_file.empty()) guard.add_input(config.split_file, "the split (--split)");
  for (const std::filesystem::path& folder : folders) {
    guard.check_folder(folder, "--out " + config.out);
  }
}

Json begin_segment(const TrainingConfig& config, const RunFolderState& state,
                   const std::string& command_line, const std::string& started_utc,
                   const Json& environment, const std::string& device) {
  Json segment = Json::object();
  segment.set("command", Json(command_line));
  segment.set("engine_version", environment.at("engine_version"));
  segment.set("device", Json(device));
  segment.set("started", Json(started_utc));
  segment.set("finished", Json(nullptr));
  segment.set("seconds", Json(nullptr));
  segment.set("outcome", Json("running"));
  Json record = state.record;
  if (!state.resuming) {
    record = Json::object();
    record.set("program", Json("train_app"));
    record.set("command", Json(command_line));
    record.set("options", config.to_json());
    record.set("environment", environment);
  }
  if (record.find("segments") == nullptr) {
    Json segments = Json::array();
    if (state.resuming) {  // a run begun by a build that did not record segments
      Json first = Json::object();
      first.set("command", record.at("command"));
      first.set("started", Json(nullptr));
      first.set("finished", Json(nullptr));
      first.set("seconds", Json(nullptr));
      first.set("outcome", Json("not recorded (begun before train_app recorded segments)"));
      segments.push_back(std::move(first));
    }
    record.set("segments", std::move(segments));
  }
  Json segments = record.at("segments");
  segments.push_back(std::move(segment));
  record.set("segments", std::move(segments));
  return record;
}

void end_segment(Json& record, const std::string& outcome, double seconds) {
  Json segments = record.at("segments");
  Json& last = segments.as_array().back();
  last.set("finished", Json(utc_timestamp()));
  last.set("seconds", Json(seconds));
  last.set("outcome", Json(outcome));
  record.set("segments", std::move(segments));
}

void add_segment_times(Json& run, const Json& record, double seconds) {
  Json segments = record.at("segments");
  segments.as_array().back().set("seconds", Json(seconds));
  double total = 0;
  std::string missing;
  for (std::size_t i = 0; i < segments.as_array().size(); ++i) {
    const Json& time = segments.as_array()[i].at("seconds");
    if (time.is_number()) {
      total += time.as_number();
    } else {
      missing += (missing.empty() ? "" : ", ") + std::to_string(i + 1);
    }
  }
  run.set("seconds", Json(total));
  run.set("seconds_this_segment", Json(seconds));
  run.set("segments", std::move(segments));
  if (!missing.empty()) {
    run.set("seconds_note",
            Json("segment(s) " + missing +
                 " have no recorded end (killed, or begun by an older build): their time is not in "
                 "seconds; their completed epochs' times are in each model's history"));
  }
}

void write_json_file(const std::filesystem::path& file, const Json& json) {
  const std::string text = json.dump(1) + "\n";
  write_file_atomically(file.string(), std::vector<std::uint8_t>(text.begin(), text.end()));
}

}  // namespace engine::apps
