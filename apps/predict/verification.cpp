#include "apps/predict/verification.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>

#include "autograd/autograd.h"
#include "kernels/ops.h"

namespace engine::apps {

namespace {

std::vector<float> host_values(const Tensor& tensor) {
  return tensor.to(Device::cpu()).contiguous().to_vector<float>();
}

std::string per_image_shape(const Tensor& tensor) {
  std::string text = "[";
  for (std::size_t d = 1; d < tensor.rank(); ++d) {
    text += (d > 1 ? ", " : "") + std::to_string(tensor.size(static_cast<std::int64_t>(d)));
  }
  return text + "]";
}

void accumulate(StageDeviation& deviation, const Tensor& fast, const Tensor& reference) {
  const std::vector<float> a = host_values(fast), b = host_values(reference);
  deviation.shape = per_image_shape(reference);
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) {
      deviation.non_finite = true;
      continue;
    }
    deviation.largest_difference =
        std::max(deviation.largest_difference, std::fabs(static_cast<double>(a[i]) - b[i]));
    deviation.largest_reference = std::max(deviation.largest_reference, std::fabs(double{b[i]}));
  }
}

bool bitwise_equal(const Tensor& a, const Tensor& b) {
  const std::vector<float> x = host_values(a), y = host_values(b);
  return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), [](float p, float q) {
           return std::memcmp(&p, &q, sizeof p) == 0;
         });
}

// Runs the stages in order (no gradients) and returns every stage's output.
std::vector<Tensor> run_stages(const std::vector<models::ModelStage>& stages,
                               const Tensor& images) {
  NoGradGuard no_grad;
  std::vector<Tensor> outputs;
  Tensor x = images;
  for (const models::ModelStage& stage : stages) {
    x = stage.run(x);
    outputs.push_back(x);
  }
  return outputs;
}

// The index of the stage whose output is the feature map, or -1.
int feature_stage(const std::vector<models::ModelStage>& stages, const std::string& feature_layer) {
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].name == feature_layer) return static_cast<int>(i);
  }
  return -1;
}

std::vector<double> logits_of(const Tensor& logits) {
  return logits.to(Device::cpu()).to(DType::Float64).to_vector<double>();
}

}  // namespace

CpuVerifier::CpuVerifier(models::Model& fast, Device fast_device, models::Model& reference)
    : fast_(fast),
      fast_device_(fast_device),
      reference_(reference),
      fast_stages_(fast.stages()),
      reference_stages_(reference.stages()),
      feature_index_(feature_stage(fast_stages_, fast.feature_layer())) {
  if (feature_index_ < 0) {
    stages_match_ = false;
    mismatch_ = "no stage of the model is the feature layer " + fast.feature_layer();
    return;
  }
  for (const models::ModelStage& stage : fast_stages_)
    deviations_.push_back({stage.name, "", 0, 0, false});
}

std::vector<double> CpuVerifier::compare(const Tensor& images, std::vector<double>& fast_logits) {
  NoGradGuard no_grad;
  const Tensor device_images = images.to(fast_device_);
  const models::Model::Outputs fast = fast_.forward_outputs(device_images);
  fast_logits = logits_of(fast.logits);
  images_ += images.size(0);
  // Everything after the prediction's own forward pass is the verification's cost.
  const auto started = std::chrono::steady_clock::now();

  std::vector<Tensor> fast_outputs;
  if (stages_match_) {
    try {
      fast_outputs = run_stages(fast_stages_, device_images);
      if (!bitwise_equal(fast_outputs.back(), fast.logits) ||
          !bitwise_equal(fast_outputs[static_cast<std::size_t>(feature_index_)], fast.features)) {
        stages_match_ = false;
        mismatch_ =
            "running the model's stages one by one did not reproduce forward_outputs() "
            "bit for bit";
      }
    } catch (const std::exception& error) {  // a layer fed what forward_outputs never gives it
      stages_match_ = false;
      mismatch_ = std::string(
                      "running the model's stages one by one did not reproduce "
                      "forward_outputs(): ") +
                  error.what();
    }
    if (!stages_match_) deviations_.clear();
  }
  kernels::ReferenceKernelsScope reference_kernels;
  std::vector<double> reference_logits;
  if (stages_match_) {
    // The same op sequence as forward_outputs() (checked above on the fast side), so the last
    // stage's output is the reference's logits.
    const std::vector<Tensor> reference_outputs = run_stages(reference_stages_, images);
    for (std::size_t s = 0; s < reference_outputs.size(); ++s) {
      accumulate(deviations_[s], fast_outputs[s], reference_outputs[s]);
    }
    reference_logits = logits_of(reference_outputs.back());
  } else {
    const models::Model::Outputs reference = reference_.forward_outputs(images);
    if (deviations_.empty()) {
      deviations_ = {{"features (" + fast_.feature_layer() + ")", "", 0, 0, false},
                     {"logits", "", 0, 0, false}};
    }
    accumulate(deviations_[0], fast.features, reference.features);
    accumulate(deviations_[1], fast.logits, reference.logits);
    reference_logits = logits_of(reference.logits);
  }
  seconds_verifying_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return reference_logits;
}

Json CpuVerifier::to_json() const {
  Json json = Json::object();
  json.set("fast_backend",
           Json(fast_device_.is_cuda() ? "cuda (" + fast_device_.str() + ")"
                                       : std::string("cpu (im2col/direct + BLAS)")));
  json.set("reference_backend", Json("cpu loop-level reference (kernels::ReferenceKernelsScope)"));
  json.set("images_compared", Json(images_));
  json.set("verification_seconds", Json(seconds_verifying_));
  json.set("per_layer", Json(stages_match_));
  json.set("note",
           Json(stages_match_ ? "the model's stages run one by one; checked to reproduce "
                                "forward_outputs() bit for bit on the fast backend"
                              : mismatch_ + "; only the feature map and the logits are compared"));
  Json layers = Json::array();
  for (const StageDeviation& deviation : deviations_) {
    Json item = Json::object();
    item.set("layer", Json(deviation.name));
    item.set("output_shape_per_image", Json(deviation.shape));
    item.set("largest_abs_difference", Json(deviation.largest_difference));
    item.set("largest_abs_reference", Json(deviation.largest_reference));
    item.set("non_finite_values", Json(deviation.non_finite));
    layers.push_back(std::move(item));
  }
  json.set("layers", std::move(layers));
  return json;
}

}  // namespace engine::apps
