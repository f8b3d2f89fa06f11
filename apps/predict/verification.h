// --verify-on-cpu: the auditor's check that the fast path computes what the readable code says.
//
// Every batch the prediction runs (every TTA view included) is run a second time on the CPU with
// kernels::ReferenceKernelsScope alive, so convolutions and linear layers use their loop-level
// reference instead of im2col/BLAS (and, after a GPU prediction, every op runs on the CPU instead
// of CUDA/cuDNN/cuBLAS). The reference model is a second copy loaded from the same checkpoint on
// the CPU (its tensor digest verified again); on a CPU-only run it is the same model.
// Both sides run the model stage by stage (models::Model::stages(), each network's own
// definition of its forward pass); for each stage the
// largest absolute difference over all images is reported beside the largest absolute reference
// value (the scale the difference is small against). The orchestrator then recomputes every
// decision from the reference logits and lists the ones that change.
#pragma once

#include <string>
#include <vector>

#include "models/model.h"
#include "util/json.h"

namespace engine::apps {

struct StageDeviation {
  std::string name;
  std::string shape;              // per image, e.g. [8, 8, 512]
  double largest_difference = 0;  // max |fast - reference|
  double largest_reference = 0;   // max |reference|
  bool non_finite = false;        // a NaN or infinity on either side (never silently skipped)
};

class CpuVerifier {
 public:
  // `reference` must live on the CPU; it may be `fast` itself on a CPU-only run.
  CpuVerifier(models::Model& fast, Device fast_device, models::Model& reference);

  // Runs `images` (host [N, S, S, 3]) through both; returns the reference logits, N x 2 row by
  // row, and the fast forward_outputs() logits in `fast_logits`.
  std::vector<double> compare(const Tensor& images, std::vector<double>& fast_logits);

  bool stages_reproduce_forward() const { return stages_match_; }
  const std::vector<StageDeviation>& stages() const { return deviations_; }
  // Time spent beyond the prediction's own forward passes (the staged run and the reference).
  double verification_seconds() const { return seconds_verifying_; }
  Json to_json() const;

 private:
  models::Model& fast_;
  Device fast_device_;
  models::Model& reference_;
  std::vector<models::ModelStage> fast_stages_, reference_stages_;
  int feature_index_ = -1;
  bool stages_match_ = true;
  std::string mismatch_;
  std::vector<StageDeviation> deviations_;  // per stage, or logits and features only
  double seconds_verifying_ = 0;
  std::int64_t images_ = 0;
};

}  // namespace engine::apps
