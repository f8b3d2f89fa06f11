// Contrast-limited adaptive histogram equalisation (Zuiderveld, "Contrast Limited Adaptive
// Histogram Equalization", Graphics Gems IV, 1994), the optional contrast normalisation applied
// once when images are cached.
//
// The image is cut into a grid of tiles. Each tile's histogram is clipped at clip_limit times the
// mean bin count and the clipped excess is spread evenly over all bins (one pass, as OpenCV does).
// The tile's mapping is its cumulative histogram, made piecewise linear inside each bin so that
// 16-bit gradations are not flattened to the bin count. A pixel's output blends the mappings of
// the four nearest tile centres bilinearly; pixels nearer the border than a tile centre use the
// nearest tiles only. Input and output are in [0, 1].
#pragma once

#include "data/image.h"

namespace engine::data {

struct ClaheConfig {
  int tiles = 8;            // tiles per side (fewer when the image has fewer pixels per side)
  double clip_limit = 2.0;  // in multiples of the mean bin count; <= 0 disables clipping
  int bins = 256;
};

FloatImage clahe(const FloatImage& image, const ClaheConfig& config = {});

}  // namespace engine::data
