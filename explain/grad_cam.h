// Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: visual explanations from deep networks via
// gradient-based localization"), computed through the engine's own autograd.
//
// For image n and the class k it explains, with A = the model's last convolutional feature map
// (Model::forward_outputs().features, [N, h, w, C]: the output of the network's stage that
// Model::feature_layer() names: ResNet layer4, InceptionV3 Mixed_7c, EfficientNet features.8):
//   G          = d logit_k / d A            (one backward pass from a one-hot gradient on the
//                                             logits; the samples of a batch are independent in
//                                             evaluation mode, so one pass serves the batch)
//   weight_c   = mean over (y, x) of G[y, x, c]
//   cam[y, x]  = relu(sum_c weight_c * A[y, x, c])
// The map is then upsampled bilinearly (half-pixel centres, edges repeated) to the input's side.
// Only the feature layer's parameters are made to require gradients during the pass (restored
// afterwards): the tape then starts at the feature layer, so nothing before it is
// differentiated and no other parameter's gradient is touched.
//
// The scale is per image: 1 is the largest cam value of that image, 0 no positive evidence. The
// raw maximum is kept so two images' maps can be compared by hand. A map that is 0 everywhere
// (no feature pushes towards the class) is reported as such, never normalised by zero.
#pragma once

#include <vector>

#include "models/model.h"
#include "tensor/tensor.h"

namespace engine::explain {

struct GradCam {
  int explained_class = 0;
  int feature_height = 0, feature_width = 0;
  std::vector<double> map;  // feature_height x feature_width, after the relu, raw values
  double maximum = 0;       // the largest raw value (0: no positive evidence)
  int side = 0;
  std::vector<float> heat;     // side x side in [0, 1]: the upsampled map divided by `maximum`
  int peak_x = 0, peak_y = 0;  // where `heat` is largest, in input pixels

  bool empty() const { return maximum <= 0; }
  // The fraction of the heat's total inside the rectangle [x0, x1) x [y0, y1) of input pixels.
  double mass_inside(int x0, int y0, int x1, int y1) const;
};

// images: the model's input [N, S, S, 3] on the model's device; classes: the class to explain for
// each image. Needs gradients enabled (no NoGradGuard alive); the model should be in evaluation
// mode. Throws std::logic_error otherwise.
std::vector<GradCam> grad_cam(models::Model& model, const Tensor& images,
                              const std::vector<int>& classes);

// Bilinear resampling of a height x width map to side x side, half-pixel centres.
std::vector<float> upsample_bilinear(const std::vector<double>& map, int height, int width,
                                     int side);

}  // namespace engine::explain
