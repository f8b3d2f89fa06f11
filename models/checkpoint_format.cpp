// The checkpoint file's format: the metadata as JSON text, the tensor digest and the signature,
// written by checkpoint_metadata and read back and verified by parse_checkpoint. No model is
// built here (checkpoint.cpp does that), so the fuzz target links this file alone.
#include <span>
#include <stdexcept>

#include "models/checkpoint.h"
#include "models/safetensors.h"
#include "util/sha256.h"

namespace engine::models {

namespace {

constexpr const char* info_key = "engine.checkpoint";
constexpr const char* digest_key = "engine.tensor_sha256";
constexpr const char* signature_key = "engine.checkpoint_sha256";
constexpr const char* training_key = "engine.training_state";
// Version 2 signs the metadata (engine.checkpoint_sha256); version 1 hashed only the tensors, so
// an edited temperature or preprocessing size went unnoticed. Version 1 files are refused.
constexpr int format_version = 2;

Json info_to_json(const CheckpointInfo& info) {
  Json json = Json::object();
  json.set("format_version", Json(format_version));
  json.set("architecture", Json(info.architecture));
  Json options = Json::object();
  options.set("classes", Json(info.options.classes));
  options.set("seed", Json(std::to_string(info.options.seed)));  // 64-bit exact as text
  options.set("auxiliary_head", Json(info.options.auxiliary_head));
  options.set("dropout", Json(info.options.dropout));
  options.set("stochastic_depth", Json(info.options.stochastic_depth));
  json.set("options", std::move(options));
  Json names = Json::array();
  for (const std::string& name : info.class_names) names.push_back(Json(name));
  json.set("class_names", std::move(names));
  json.set("input_size", Json(info.input_size));
  json.set("preprocessing", info.preprocessing);
  json.set("training", info.training);
  json.set("calibration", info.calibration);
  json.set("provenance", info.provenance);
  json.set("engine_version", Json(std::string(ENGINE_VERSION)));
  return json;
}

CheckpointInfo info_from_json(const Json& json, const std::string& origin) {
  try {
    const std::int64_t version = json.at("format_version").as_integer();
    if (version == 1) {
      throw std::invalid_argument(
          "format version 1: its metadata (preprocessing, calibration, classes) is not covered by "
          "a digest, so it cannot be verified; this engine reads version " +
          std::to_string(format_version) + " (retrain, or use the file's weights with --init)");
    }
    if (version != format_version) {
      throw std::invalid_argument("format version " + std::to_string(version) +
                                  " (this engine reads " + std::to_string(format_version) + ")");
    }
    CheckpointInfo info;
    info.architecture = json.at("architecture").as_string();
    const Json& options = json.at("options");
    info.options.classes = options.at("classes").as_integer();
    info.options.seed = std::stoull(options.at("seed").as_string());
    info.options.auxiliary_head = options.at("auxiliary_head").as_bool();
    info.options.dropout = options.at("dropout").as_number();
    info.options.stochastic_depth = options.at("stochastic_depth").as_number();
    for (const Json& name : json.at("class_names").as_array()) {
      info.class_names.push_back(name.as_string());
    }
    info.input_size = json.at("input_size").as_integer();
    info.preprocessing = json.at("preprocessing");
    info.training = json.at("training");
    info.calibration = json.at("calibration");
    info.provenance = json.at("provenance");
    info.engine_version = json.at("engine_version").as_string();
    return info;
  } catch (const std::exception& error) {
    throw std::invalid_argument(origin + ": unreadable checkpoint metadata: " + error.what());
  }
}

// A metadata value parsed as JSON; an error names the file and the key.
Json metadata_json(const std::string& text, const std::string& origin, const char* key) {
  try {
    return Json::parse(text);
  } catch (const JsonError& error) {
    throw std::invalid_argument(origin + ": unreadable checkpoint metadata " + key + ": " +
                                error.what());
  }
}

}  // namespace

std::string checkpoint_signature(const std::string& info_text, const std::string& training_text,
                                 const std::string& tensor_sha256) {
  Sha256 hash;
  const std::uint8_t separator[1] = {0};
  for (const std::string* part : {&info_text, &training_text, &tensor_sha256}) {
    hash.update(*part);
    hash.update(std::span<const std::uint8_t>(separator, 1));
  }
  return to_hex(hash.finish());
}

std::string tensor_digest(const std::vector<std::pair<std::string, Tensor>>& tensors) {
  Sha256 hash;
  const std::uint8_t separator[1] = {0};
  for (const auto& [name, tensor] : tensors) {
    const Tensor host = tensor.to(Device::cpu()).contiguous();
    hash.update(name);
    hash.update(std::span<const std::uint8_t>(separator, 1));
    hash.update(std::string(name_of(host.dtype())) + to_string(host.shape()));
    hash.update(std::span<const std::uint8_t>(separator, 1));
    hash.update(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(host.raw_data()),
                                              host.bytes()));
  }
  return to_hex(hash.finish());
}

std::map<std::string, std::string> checkpoint_metadata(
    const CheckpointInfo& info, const std::vector<std::pair<std::string, Tensor>>& tensors,
    const Json* training_counters) {
  std::map<std::string, std::string> metadata = {{"format", "pt"},
                                                 {info_key, info_to_json(info).dump()}};
  if (training_counters != nullptr) metadata[training_key] = training_counters->dump();
  metadata[digest_key] = tensor_digest(tensors);
  const auto training_text = metadata.find(training_key);
  metadata[signature_key] = checkpoint_signature(
      metadata[info_key], training_text == metadata.end() ? "" : training_text->second,
      metadata[digest_key]);
  return metadata;
}

CheckpointContents read_checkpoint(const std::filesystem::path& path) {
  return parse_checkpoint(read_file_bytes(path.string()), path.string());
}

CheckpointContents parse_checkpoint(const std::vector<std::uint8_t>& bytes,
                                    const std::string& origin) {
  SafetensorsContent content = parse_safetensors(bytes, origin);
  const auto info_text = content.metadata.find(info_key);
  if (info_text == content.metadata.end()) {
    throw std::invalid_argument(origin + " is not an engine checkpoint (no " +
                                std::string(info_key) +
                                " metadata); to start from foreign weights use --init");
  }
  const auto digest = content.metadata.find(digest_key);
  if (digest == content.metadata.end()) {
    throw std::invalid_argument(origin + ": the checkpoint has no recorded tensor digest");
  }
  // Tensors in the order they were written (offset order) are what the digest covered.
  const std::string actual = tensor_digest(content.tensors);
  if (actual != digest->second) {
    throw std::invalid_argument(origin +
                                " is corrupted or was modified: its tensor data hashes to " +
                                actual + ", the checkpoint recorded " + digest->second);
  }
  CheckpointContents loaded;
  loaded.tensor_sha256 = actual;
  loaded.info =
      info_from_json(metadata_json(info_text->second, origin, "engine.checkpoint"), origin);
  const auto signature = content.metadata.find(signature_key);
  if (signature == content.metadata.end()) {
    throw std::invalid_argument(origin + ": the checkpoint has no recorded " +
                                std::string(signature_key) + " (its metadata is unsigned)");
  }
  const auto training_text = content.metadata.find(training_key);
  const std::string signed_now = checkpoint_signature(
      info_text->second, training_text == content.metadata.end() ? "" : training_text->second,
      actual);
  if (signed_now != signature->second) {
    throw std::invalid_argument(
        origin +
        " was modified: its metadata (architecture, classes, preprocessing, "
        "calibration, training, provenance) no longer matches the recorded " +
        std::string(signature_key) + " (" + signature->second + "; now " + signed_now + ")");
  }
  loaded.checkpoint_sha256 = signed_now;

  std::vector<std::pair<std::string, Tensor>>& model_state = loaded.model_state;
  TrainingState training;
  for (auto& [name, tensor] : content.tensors) {
    if (name.rfind(training_tensor_prefix, 0) == 0) {
      training.tensors[name.substr(std::string(training_tensor_prefix).size())] = tensor;
    } else {
      model_state.emplace_back(name, tensor);
    }
  }
  if (const auto counters = content.metadata.find(training_key);
      counters != content.metadata.end()) {
    training.counters = metadata_json(counters->second, origin, "engine.training_state");
    loaded.training_state = std::move(training);
  }
  return loaded;
}

}  // namespace engine::models
