// A run folder's ensemble/ensemble.json: which member checkpoints an ensemble is made of (with
// both of each checkpoint's hashes and the temperature it enters with), how they are combined,
// and the ensemble's own calibration, sealed by a digest over the canonical content.
//
//   {"format": "engine.ensemble", "version": 1,
//    "class_names": ["female", "male"],
//    "combination": "...",              the rule (metrics/ensemble.h): mean of d_i / T_i
//    "members": [{"name", "checkpoint", "checkpoint_sha256", "checkpoint_file_sha256",
//                 "temperature"}],      checkpoint: relative to the run folder
//    "calibration": {temperature, fitted, reason, fit, undetermined},
//                                       metrics::calibration_metadata, read by the one decision
//                                       policy (metrics/decision_policy.h); "no band" there when
//                                       validation never reached the target accuracy
//    "content_sha256": "..."}           SHA-256 of the canonical content
//
// Canonical content: the object without "content_sha256", keys in the order written, as
// util/json's compact dump() prints it (numbers with 17 significant digits, so parsing and
// dumping again gives the same text). Editing, adding or removing any field changes it. The
// digest is unkeyed: it detects edits and corruption, not a forger who recomputes it; the run's
// results.json keeps its own copy (models[ensemble].checkpoint_sha256) to compare against.
#pragma once

#include <string>
#include <vector>

#include "util/json.h"

namespace engine::results {

inline constexpr const char* ensemble_format = "engine.ensemble";
inline constexpr std::int64_t ensemble_version = 1;

struct EnsembleMemberRecord {
  std::string name;
  std::string checkpoint;              // relative to the run folder
  std::string checkpoint_sha256;       // the checkpoint's verified signature (models/checkpoint.h)
  std::string checkpoint_file_sha256;  // of the whole file, as sha256sum prints it
  double temperature = 1.0;            // the member's own, as its checkpoint records it
};

struct EnsembleFile {
  std::vector<std::string> class_names;
  std::string combination;
  std::vector<EnsembleMemberRecord> members;
  Json calibration = nullptr;
  std::string content_sha256;  // filled by to_json() and by from_json()

  // The file's content, with content_sha256 computed over the rest.
  Json to_json() const;
  // Reads and verifies a parsed file; `origin` names it in errors. Throws ResultsError naming the
  // field for a wrong format or version, a missing or mistyped field, or a content_sha256 that
  // does not match the content ("... was edited or corrupted").
  static EnsembleFile from_json(const Json& json, const std::string& origin);
};

// SHA-256 (hex) of `content` without its "content_sha256" member, compactly dumped.
std::string canonical_sha256(const Json& content);

}  // namespace engine::results
