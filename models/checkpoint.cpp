// Saving and loading a checkpoint with a model (the registry builds it, models/weights.h moves
// its tensors); reading and verifying the file is in checkpoint_format.cpp.
#include "models/checkpoint.h"

#include <stdexcept>

#include "models/registry.h"
#include "models/safetensors.h"
#include "models/weights.h"

namespace engine::models {

void save_checkpoint(const std::filesystem::path& path, const Model& model,
                     const CheckpointInfo& info, const TrainingState* training_state) {
  if (info.architecture != model.architecture()) {
    throw std::invalid_argument("save_checkpoint: info says " + info.architecture +
                                " but the model is " + model.architecture());
  }
  std::vector<std::pair<std::string, Tensor>> tensors = export_state(model);
  if (training_state != nullptr) {
    for (const auto& [key, tensor] : training_state->tensors) {
      tensors.emplace_back(training_tensor_prefix + key, tensor.detach());
    }
  }
  write_safetensors(
      path.string(), tensors,
      checkpoint_metadata(info, tensors,
                          training_state != nullptr ? &training_state->counters : nullptr));
}

LoadedCheckpoint load_checkpoint(const std::filesystem::path& path, Device device) {
  CheckpointContents contents = read_checkpoint(path);
  LoadedCheckpoint loaded;
  loaded.info = std::move(contents.info);
  loaded.tensor_sha256 = std::move(contents.tensor_sha256);
  loaded.checkpoint_sha256 = std::move(contents.checkpoint_sha256);
  loaded.training_state = std::move(contents.training_state);
  loaded.model = create_model(loaded.info.architecture, loaded.info.options);
  import_state(*loaded.model, contents.model_state, ImportPolicy::exact, path.string());
  loaded.model->to(device);
  return loaded;
}

}  // namespace engine::models
