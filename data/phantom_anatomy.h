// The shapes a synthetic phantom is drawn from (internal to data/phantom.cpp). Coordinates are in
// hand units: u points to the thumb side, v from the wrist (v = 0) to the fingertips (v near 1).
#pragma once

#include <vector>

#include "data/phantom.h"

namespace engine::data::phantom {

struct Point {
  double u = 0;
  double v = 0;
};

// A long bone or a soft-tissue cylinder: a tube from a to b with rounded ends. Bones swell
// toward their ends (the head and base of a tubular bone) when `swell` is set.
struct Tube {
  Point a, b;
  double radius = 0;
  bool swell = false;
};

// A carpal, an epiphysis or the palm's soft tissue: an ellipsoid seen along its depth axis.
struct Blob {
  Point centre;
  double radius_u = 0;
  double radius_v = 0;
  double angle_degrees = 0;  // counter-clockwise as displayed
  double depth = 0;          // depth radius; 0: the geometric mean of the other two
};

struct Hand {
  std::vector<Tube> bone_tubes;
  std::vector<Blob> bone_blobs;
  std::vector<Tube> tissue_tubes;
  std::vector<Blob> tissue_blobs;
};

Hand build_hand(const PhantomTraits& traits);

// The phalanx lengths of digit 2 (index) and 4 (ring) in hand units, proximal first; their sums'
// ratio is traits.digit_ratio. Exposed for the test that checks the ratio is drawn as stated.
std::vector<double> phalanx_lengths(const PhantomTraits& traits, int digit);

}  // namespace engine::data::phantom
