// Resizing gray images with an area (box) filter, separably: each output pixel is the average of
// the source over the output pixel's footprint, each source pixel weighted by how much of it the
// footprint covers. Shrinking therefore averages every source pixel that falls in the footprint
// (no aliasing from skipped pixels); the footprint is never narrower than one source pixel, so
// enlarging interpolates linearly between the two nearest pixels (the same values as bilinear
// interpolation with half-pixel centres). At the borders the weights of the part of the
// footprint that falls outside the image are dropped and the rest renormalised, which repeats
// the edge instead of darkening it.
#pragma once

#include "data/image.h"

namespace engine::data {

enum class ResizeMode {
  Pad,     // keep the aspect ratio: the longer side fills the square, the other is centred and
           // padded with the pad value
  Squash,  // stretch both sides to the square (the aspect ratio changes)
};

FloatImage resize(const FloatImage& source, int width, int height);

// Resizes to a size x size square by `mode`. Padding is 0 (black, a radiograph's background).
FloatImage resize_to_square(const FloatImage& source, int size, ResizeMode mode);

}  // namespace engine::data
