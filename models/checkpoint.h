// The engine's checkpoint: one safetensors file holding the model's state_dict (torchvision names
// and layout, so PyTorch loads it with strict=True) and, in the metadata, everything needed to
// use it and to defend it: architecture and options, class names, input size and preprocessing,
// the training configuration, calibration, provenance, the engine's version, a SHA-256 of the
// tensor data, and a signature (SHA-256) over that digest and the exact metadata text, both
// verified on loading: editing the temperature, the band, the preprocessing or the class names
// is detected like editing a weight.
//
// A resumable checkpoint may also carry training state (optimizer buffers and counters) under
// the key prefix "training." — PyTorch users drop those keys before load_state_dict.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/model.h"
#include "util/json.h"

namespace engine::models {

struct CheckpointInfo {
  std::string architecture;
  ModelOptions options;                  // classes, seed, auxiliary head, dropout settings
  std::vector<std::string> class_names;  // in class-index order, e.g. {"female", "male"}
  std::int64_t input_size = 0;
  Json preprocessing = Json::object();  // how images must be prepared (set by the data code)
  Json training = Json::object();       // the training configuration that produced it
  Json calibration = nullptr;           // temperature, undetermined threshold (train_app)
  Json provenance = Json::object();     // run, data hashes, metrics, initial weights
  std::string engine_version;           // filled by save_checkpoint
};

// Training-state tensors are saved under this prefix beside the model's own.
inline constexpr const char* training_tensor_prefix = "training.";

struct TrainingState {
  std::map<std::string, Tensor> tensors;  // saved under "training.<key>"
  Json counters = Json::object();         // saved in the metadata as "engine.training_state"
};

// Writes atomically (temporary file, flush, rename). Tensors are copied to the host.
void save_checkpoint(const std::filesystem::path& path, const Model& model,
                     const CheckpointInfo& info, const TrainingState* training_state = nullptr);

// A checkpoint file read and verified, without building a model: for loading into an existing
// model (resuming) or inspecting.
struct CheckpointContents {
  CheckpointInfo info;
  std::vector<std::pair<std::string, Tensor>> model_state;  // torchvision layout, host
  std::string tensor_sha256;
  std::string checkpoint_sha256;  // the verified signature over metadata and tensors
  std::optional<TrainingState> training_state;
};
CheckpointContents read_checkpoint(const std::filesystem::path& path);
// The same from the file's bytes; `origin` names it in errors. Reads and verifies only: no model
// is built (checkpoint_format.cpp, which the fuzz target links without the models).
CheckpointContents parse_checkpoint(const std::vector<std::uint8_t>& bytes,
                                    const std::string& origin);

struct LoadedCheckpoint {
  CheckpointInfo info;
  std::unique_ptr<Model> model;   // built from the registry, weights loaded, on the device asked
  std::string tensor_sha256;      // verified
  std::string checkpoint_sha256;  // verified: metadata and tensors
  std::optional<TrainingState> training_state;
};

// Rejects, naming the file: something that is not safetensors, a safetensors file without the
// engine's metadata ("use --init for foreign weights"), a tensor digest that does not match the
// recorded one (corruption or tampering), metadata that no longer matches the recorded signature,
// a format version 1 file (unsigned metadata), and tensors that do not fit the architecture.
LoadedCheckpoint load_checkpoint(const std::filesystem::path& path, Device device = Device::cpu());

// The SHA-256 over (name, dtype, shape, bytes) of each tensor in order: renaming, reshaping or
// changing any byte changes it.
std::string tensor_digest(const std::vector<std::pair<std::string, Tensor>>& tensors);

// The metadata save_checkpoint writes beside `tensors` (training-state tensors included):
// "format", engine.checkpoint (the info as JSON text), engine.training_state (the counters, when
// given), engine.tensor_sha256 and engine.checkpoint_sha256.
std::map<std::string, std::string> checkpoint_metadata(
    const CheckpointInfo& info, const std::vector<std::pair<std::string, Tensor>>& tensors,
    const Json* training_counters);

// The SHA-256 over the metadata text exactly as stored (engine.checkpoint, then
// engine.training_state or nothing), and the tensor digest, each followed by a zero byte.
std::string checkpoint_signature(const std::string& info_text, const std::string& training_text,
                                 const std::string& tensor_sha256);

}  // namespace engine::models
