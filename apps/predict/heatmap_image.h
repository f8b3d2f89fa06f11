// The Grad-CAM heatmap as an examiner sees it: one RGB PNG per image holding the model's input
// (the radiograph after resizing/padding, the square the network saw) with the heat laid over it
// at 50% opacity, a colour bar labelled 0 to 1, and captions that state the class explained, the
// layer, the feature map's size and the per-image scale (1 = the raw maximum, printed). The same
// statements are written into the PNG's tEXt chunks (Title, Description, Software) for tools that
// read metadata.
//
// Colour scale: blue-purple (0) through teal and green to yellow (1), linear between five anchor
// colours (approximately matplotlib's viridis at 0, 1/4, 1/2, 3/4 and 1), whose lightness rises
// monotonically so that the order survives gray-scale printing and colour-blind reading.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "explain/grad_cam.h"

namespace engine::apps {

struct HeatmapCaption {
  std::string architecture;
  std::string layer;       // Model::feature_layer()
  std::string class_name;  // the class explained
  std::string estimate;    // what predict_app reported (may be "undetermined")
  std::string software;    // "predict_app <engine version>"
};

std::array<std::uint8_t, 3> heat_colour(double value);  // value in [0, 1]

// gray: the model's input, side x side samples, 65535 = white (PreparedImage::pixels).
std::vector<std::uint8_t> heatmap_png(const std::vector<std::uint16_t>& gray,
                                      const explain::GradCam& cam, const HeatmapCaption& caption);

// One sentence stating what the heatmap shows and its scale (also in the JSON output).
std::string heatmap_description(const explain::GradCam& cam, const HeatmapCaption& caption);

}  // namespace engine::apps
