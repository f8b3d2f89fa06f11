// What train_app checks about its run folder before it writes a byte there, and the record of
// the invocations ("segments") that built it.
//
//   - A fresh run needs --out to be absent or an empty folder. --resume continues only a folder
//     train_app wrote: its config.json (recognised by its "options" object and "command" text)
//     must hold exactly this run's options, and its split.csv must equal the split drawn now;
//     otherwise the run is refused and nothing on disk changes.
//   - No input (a manifest or data folder, an image, --init, --split) may lie inside the run
//     folder or one of its model and stage folders, after resolving symbolic links: train_app
//     rewrites what is there. (Every file in the run folder is written atomically, by renaming a
//     temporary file over it, so a symbolic or hard link there is replaced, never written
//     through.)
//   - config.json keeps one entry per invocation in "segments": the command, the engine version,
//     the device, when it started and ended, its seconds and its outcome (completed, interrupted,
//     stopped, failed). A segment killed outright has no end; results.json then says its time is
//     not counted.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apps/train/config.h"
#include "apps/train/dataset.h"
#include "util/json.h"

namespace engine::apps {

struct RunFolderState {
  bool resuming = false;  // --resume and the folder holds a run train_app wrote
  Json record = nullptr;  // that run's config.json
};

// Throws ArgumentError naming --out when the folder cannot be used (see above).
RunFolderState inspect_run_folder(const TrainingConfig& config);
bool is_run_record(const Json& configuration);

// --resume: throws ArgumentError naming every option that differs from config.json, or
// split.csv when `split_text` differs from it. Nothing is written either way.
void check_resume(const TrainingConfig& config, const RunFolderState& state,
                  const std::string& split_text);

// Throws OutputRefused when an input of the run lies inside one of `folders` (the run folder and
// the model and stage folders below it).
void check_inputs_outside(const TrainingConfig& config, const std::vector<const Dataset*>& datasets,
                          const std::vector<std::filesystem::path>& folders);

// config.json's content for this invocation: a new record, or the existing one with a segment
// appended; the new segment's outcome is "running".
Json begin_segment(const TrainingConfig& config, const RunFolderState& state,
                   const std::string& command_line, const std::string& started_utc,
                   const Json& environment, const std::string& device);
// Records how the last segment ended.
void end_segment(Json& record, const std::string& outcome, double seconds);
// results.json's run timing: "seconds" over every segment with a recorded time (this one's
// `seconds` included), "seconds_this_segment", "segments", and "seconds_note" when a segment has
// no recorded end.
void add_segment_times(Json& run, const Json& record, double seconds);

// Written atomically (a reader never sees half a file).
void write_json_file(const std::filesystem::path& file, const Json& json);

}  // namespace engine::apps
