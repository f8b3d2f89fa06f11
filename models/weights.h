// Moving weights between a Model and torchvision's state_dict layout: the same names, with
// convolution weights OIHW in the file and OHWI in memory. This is the only place where that
// conversion happens.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/model.h"
#include "models/safetensors.h"

namespace engine::models {

// The model's state (parameters and buffers, state_dict order) as host tensors in torchvision's
// layout, ready for write_safetensors.
std::vector<std::pair<std::string, Tensor>> export_state(const layers::Module& model);

enum class ImportPolicy {
  // Every tensor present with the same shape and dtype, nothing extra: our own checkpoints.
  exact,
  // Transfer learning (ImageNet weights): the classifier head is re-initialised when its shape
  // differs (e.g. 1000 -> 2 classes); the auxiliary head may be absent from the file; anything
  // else missing, extra or mis-shaped is still an error.
  transfer,
};

struct ImportReport {
  std::vector<std::string> loaded;
  std::vector<std::string> kept_initialised;  // head tensors not taken from the file, and why
  std::vector<std::string> ignored;           // file tensors deliberately not used
  std::string summary() const;                // one paragraph for the log and the run record
};

// Copies values into the model's own tensors, in place (same device as the model; the tensors
// keep their identity, so an optimizer built earlier still updates them). Throws naming the
// source and every offending tensor; on error the model is left unchanged.
ImportReport import_state(Model& model, const std::vector<std::pair<std::string, Tensor>>& state,
                          ImportPolicy policy, const std::string& source);

Tensor to_torch_layout(const Tensor& ohwi_weight);    // OHWI -> OIHW (host)
Tensor from_torch_layout(const Tensor& oihw_weight);  // OIHW -> OHWI (host)

}  // namespace engine::models
