#include "results/ensemble_file.h"

#include "results/fields.h"
#include "util/sha256.h"

namespace engine::results {

std::string canonical_sha256(const Json& content) {
  Json canonical = Json::object();
  for (const auto& [key, value] : content.as_object()) {
    if (key != "content_sha256") canonical.set(key, value);
  }
  return sha256_hex(canonical.dump());
}

Json EnsembleFile::to_json() const {
  Json json = Json::object();
  json.set("format", Json(ensemble_format));
  json.set("version", Json(ensemble_version));
  Json names = Json::array();
  for (const std::string& name : class_names) names.push_back(Json(name));
  json.set("class_names", std::move(names));
  json.set("combination", Json(combination));
  Json entries = Json::array();
  for (const EnsembleMemberRecord& member : members) {
    Json entry = Json::object();
    entry.set("name", Json(member.name));
    entry.set("checkpoint", Json(member.checkpoint));
    entry.set("checkpoint_sha256", Json(member.checkpoint_sha256));
    entry.set("checkpoint_file_sha256", Json(member.checkpoint_file_sha256));
    entry.set("temperature", Json(member.temperature));
    entries.push_back(std::move(entry));
  }
  json.set("members", std::move(entries));
  json.set("calibration", calibration);
  json.set("content_sha256", Json(canonical_sha256(json)));
  return json;
}

EnsembleFile EnsembleFile::from_json(const Json& json, const std::string& origin) {
  const Field root(json);
  root.require_object();
  if (root["format"].require_text() != ensemble_format) {
    throw ResultsError(origin + ": field 'format' is not \"" + ensemble_format + "\"");
  }
  if (root["version"].require_integer() != ensemble_version) {
    throw ResultsError(origin + ": field 'version' is " +
                       std::to_string(root["version"].require_integer()) +
                       "; this engine reads version " + std::to_string(ensemble_version));
  }
  EnsembleFile file;
  file.content_sha256 = root["content_sha256"].require_text();
  if (canonical_sha256(json) != file.content_sha256) {
    throw ResultsError(origin +
                       ": field 'content_sha256' does not match the file's content: the file was "
                       "edited or corrupted after train_app wrote it");
  }
  for (const Field& name : root["class_names"].require_array().items()) {
    file.class_names.push_back(name.require_text());
  }
  file.combination = root["combination"].require_text();
  for (const Field& member : root["members"].require_array().items()) {
    EnsembleMemberRecord record;
    record.name = member["name"].require_text();
    record.checkpoint = member["checkpoint"].require_text();
    record.checkpoint_sha256 = member["checkpoint_sha256"].require_text();
    record.checkpoint_file_sha256 = member["checkpoint_file_sha256"].require_text();
    record.temperature = member["temperature"].require_number();
    file.members.push_back(std::move(record));
  }
  if (file.members.empty()) throw ResultsError(origin + ": field 'members' is empty");
  root["calibration"].require_object();
  file.calibration = *root["calibration"].json();
  return file;
}

}  // namespace engine::results
