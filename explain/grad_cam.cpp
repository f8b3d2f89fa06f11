#include "explain/grad_cam.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "autograd/autograd.h"

namespace engine::explain {

namespace {

// Makes only the feature layer's parameters require gradients while alive; restores every flag
// and clears the gradients the pass left on the feature layer.
class FeatureLayerOnly {
 public:
  FeatureLayerOnly(models::Model& model) {
    for (const layers::NamedTensor& parameter : model.named_parameters()) {
      saved_.emplace_back(parameter.tensor, parameter.tensor->requires_grad());
      parameter.tensor->set_requires_grad(false);
    }
    layers::Module& feature_layer = model.submodule(model.feature_layer());
    feature_layer.set_requires_grad(true);
  }
  ~FeatureLayerOnly() {
    for (auto& [tensor, required] : saved_) {
      tensor->set_grad(Tensor());
      tensor->set_requires_grad(required);
    }
  }
  FeatureLayerOnly(const FeatureLayerOnly&) = delete;
  FeatureLayerOnly& operator=(const FeatureLayerOnly&) = delete;

 private:
  std::vector<std::pair<Tensor*, bool>> saved_;
};

}  // namespace

std::vector<float> upsample_bilinear(const std::vector<double>& map, int height, int width,
                                     int side) {
  std::vector<float> result(static_cast<std::size_t>(side) * side);
  const auto source = [&](int output, int extent) {
    // Half-pixel centres: output pixel o covers source coordinate (o + 0.5) * extent / side - 0.5.
    const double position = (output + 0.5) * extent / side - 0.5;
    return std::clamp(position, 0.0, static_cast<double>(extent - 1));
  };
  for (int y = 0; y < side; ++y) {
    const double sy = source(y, height);
    const int y0 = static_cast<int>(std::floor(sy));
    const int y1 = std::min(y0 + 1, height - 1);
    const double fy = sy - y0;
    for (int x = 0; x < side; ++x) {
      const double sx = source(x, width);
      const int x0 = static_cast<int>(std::floor(sx));
      const int x1 = std::min(x0 + 1, width - 1);
      const double fx = sx - x0;
      const auto at = [&](int yy, int xx) {
        return map[static_cast<std::size_t>(yy) * width + xx];
      };
      const double top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
      const double bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
      result[static_cast<std::size_t>(y) * side + x] =
          static_cast<float>(top * (1 - fy) + bottom * fy);
    }
  }
  return result;
}

std::vector<GradCam> grad_cam(models::Model& model, const Tensor& images,
                              const std::vector<int>& classes) {
  if (!grad_enabled()) throw std::logic_error("grad_cam: gradients are disabled (NoGradGuard)");
  const std::int64_t count = images.size(0);
  if (static_cast<std::int64_t>(classes.size()) != count) {
    throw std::logic_error("grad_cam: one class per image is needed");
  }
  std::vector<float> one_hot;
  Tensor features, gradient;
  {
    FeatureLayerOnly scope(model);
    models::Model::Outputs outputs = model.forward_outputs(images);
    features = outputs.features;
    if (!features.defined() || features.rank() != 4 || !features.requires_grad()) {
      throw std::logic_error("grad_cam: " + model.architecture() +
                             " returned no differentiable feature map");
    }
    features.retain_grad();
    const std::int64_t class_count = outputs.logits.size(1);
    one_hot.assign(static_cast<std::size_t>(count * class_count), 0.0f);
    for (std::int64_t n = 0; n < count; ++n) {
      const int k = classes[static_cast<std::size_t>(n)];
      if (k < 0 || k >= class_count) throw std::logic_error("grad_cam: class out of range");
      one_hot[static_cast<std::size_t>(n * class_count + k)] = 1.0f;
    }
    outputs.logits.backward(
        Tensor::from_vector(one_hot, outputs.logits.shape(), outputs.logits.device()));
    gradient = features.grad();
    if (!gradient.defined()) throw std::logic_error("grad_cam: no gradient reached the features");
  }
  const std::vector<float> a = features.detach().to(Device::cpu()).to_vector<float>();
  const std::vector<float> g = gradient.to(Device::cpu()).to_vector<float>();
  const int height = static_cast<int>(features.size(1));
  const int width = static_cast<int>(features.size(2));
  const std::int64_t channels = features.size(3);
  const int side = static_cast<int>(images.size(1));
  const std::size_t area = static_cast<std::size_t>(height) * width;

  std::vector<GradCam> result(static_cast<std::size_t>(count));
  for (std::int64_t n = 0; n < count; ++n) {
    GradCam& cam = result[static_cast<std::size_t>(n)];
    cam.explained_class = classes[static_cast<std::size_t>(n)];
    cam.feature_height = height;
    cam.feature_width = width;
    cam.side = side;
    const std::size_t base = static_cast<std::size_t>(n) * area * channels;
    std::vector<double> weight(static_cast<std::size_t>(channels), 0.0);
    for (std::size_t p = 0; p < area; ++p) {
      for (std::int64_t c = 0; c < channels; ++c) weight[c] += g[base + p * channels + c];
    }
    for (double& w : weight) w /= static_cast<double>(area);
    cam.map.assign(area, 0.0);
    for (std::size_t p = 0; p < area; ++p) {
      double sum = 0;
      for (std::int64_t c = 0; c < channels; ++c) sum += weight[c] * a[base + p * channels + c];
      cam.map[p] = std::max(sum, 0.0);
      cam.maximum = std::max(cam.maximum, cam.map[p]);
    }
    // Normalised before upsampling, in double, so the largest cell is exactly 1.
    std::vector<double> normalised = cam.map;
    for (double& value : normalised) value = cam.empty() ? 0.0 : value / cam.maximum;
    cam.heat = upsample_bilinear(normalised, height, width, side);
    for (float& value : cam.heat) value = std::clamp(value, 0.0f, 1.0f);
    const auto peak = std::max_element(cam.heat.begin(), cam.heat.end());
    cam.peak_x = static_cast<int>((peak - cam.heat.begin()) % side);
    cam.peak_y = static_cast<int>((peak - cam.heat.begin()) / side);
  }
  return result;
}

double GradCam::mass_inside(int x0, int y0, int x1, int y1) const {
  double inside = 0, total = 0;
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      const double value = heat[static_cast<std::size_t>(y) * side + x];
      total += value;
      if (x >= x0 && x < x1 && y >= y0 && y < y1) inside += value;
    }
  }
  return total > 0 ? inside / total : 0.0;
}

}  // namespace engine::explain
