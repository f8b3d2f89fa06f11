#include "data/phantom_anatomy.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace engine::data::phantom {

namespace {

// One digit of a left hand, thumb first. Lengths and radii in hand units for a hand of the
// female mean size; the angle is the digit's direction from the hand's axis toward the thumb.
struct DigitPlan {
  Point base;  // base of the metacarpal
  double angle_degrees;
  double metacarpal_length;
  std::vector<double> phalanges;  // proximal first; the thumb has two
  double metacarpal_radius;
  std::vector<double> phalanx_radii;
  double tissue_radius;
};

const std::vector<DigitPlan>& digit_plans() {
  static const std::vector<DigitPlan> plans = {
      {{0.115, 0.125}, 40, 0.165, {0.120, 0.085}, 0.024, {0.022, 0.018}, 0.050},
      {{0.058, 0.165}, 7, 0.295, {0.183, 0.113, 0.094}, 0.024, {0.020, 0.016, 0.013}, 0.045},
      {{0.008, 0.172}, 0, 0.285, {0.205, 0.135, 0.088}, 0.025, {0.021, 0.017, 0.014}, 0.046},
      {{-0.040, 0.165}, -5, 0.255, {0.185, 0.122, 0.083}, 0.022, {0.019, 0.015, 0.013}, 0.044},
      {{-0.083, 0.152}, -11, 0.232, {0.148, 0.092, 0.075}, 0.020, {0.016, 0.013, 0.011}, 0.040},
  };
  return plans;
}

constexpr double joint_space = 0.014;  // cartilage between neighbouring bones

Point along(Point from, double angle_degrees, double distance) {
  const double angle = angle_degrees * std::numbers::pi / 180.0;
  return {from.u + distance * std::sin(angle), from.v + distance * std::cos(angle)};
}

// A bone of nominal `length` starting at `start`: the tube's axis is shortened by the end radius
// at both ends so that the rounded ends, not the axis, have the nominal length.
Point add_bone(Hand& hand, Point start, double angle_degrees, double length, double radius) {
  const double end_radius = radius * 1.12;  // the swell at the ends, see Tube
  const Point a = along(start, angle_degrees, end_radius);
  const Point b = along(start, angle_degrees, std::max(length - end_radius, end_radius));
  hand.bone_tubes.push_back({a, b, radius, true});
  return along(start, angle_degrees, length + joint_space);
}

}  // namespace

std::vector<double> phalanx_lengths(const PhantomTraits& traits, int digit) {
  const std::vector<double>& ring = digit_plans()[3].phalanges;
  if (digit == 4) return ring;
  if (digit != 2) throw std::invalid_argument("phalanx_lengths: digit must be 2 or 4");
  // The index finger's proportions, scaled so its total is digit_ratio times the ring finger's.
  const double ring_total = ring[0] + ring[1] + ring[2];
  const std::vector<double>& shape = digit_plans()[1].phalanges;
  const double shape_total = shape[0] + shape[1] + shape[2];
  std::vector<double> lengths;
  for (const double part : shape)
    lengths.push_back(part / shape_total * traits.digit_ratio * ring_total);
  return lengths;
}

Hand build_hand(const PhantomTraits& traits) {
  Hand hand;
  const double width = traits.bone_width;
  const double tissue = traits.soft_tissue;

  // Forearm: radius (thumb side) and ulna with their distal ends, running off the image.
  hand.bone_tubes.push_back({{0.075, -0.80}, {0.080, -0.03}, 0.040 * width, false});
  hand.bone_blobs.push_back({{0.078, -0.030}, 0.068 * width, 0.030, -5, 0.032 * width});
  hand.bone_tubes.push_back({{-0.085, -0.80}, {-0.080, -0.06}, 0.028 * width, false});
  hand.bone_blobs.push_back({{-0.080, -0.055}, 0.034 * width, 0.024, 0, 0.024 * width});
  hand.tissue_tubes.push_back({{0.0, 0.10}, {0.0, -0.90}, 0.135 * tissue, false});

  // Carpals: scaphoid, lunate, triquetrum, pisiform; trapezium, trapezoid, capitate, hamate.
  const Blob carpals[] = {
      {{0.072, 0.050}, 0.036, 0.025, 30},   {{0.000, 0.045}, 0.030, 0.025, 0},
      {{-0.055, 0.060}, 0.026, 0.022, -20}, {{-0.078, 0.078}, 0.016, 0.016, 0},
      {{0.102, 0.112}, 0.028, 0.024, 20},   {{0.055, 0.125}, 0.022, 0.020, 0},
      {{0.005, 0.118}, 0.028, 0.040, 0},    {{-0.052, 0.122}, 0.030, 0.035, -10},
  };
  for (Blob carpal : carpals) {
    carpal.radius_u *= width;
    carpal.radius_v *= width;
    hand.bone_blobs.push_back(carpal);
  }
  // The palm is flat: about 0.16 hand lengths thick, far less than it is wide.
  hand.tissue_blobs.push_back({{0.0, 0.29}, 0.19 * tissue, 0.24, 0, 0.08 * tissue});

  for (int digit = 0; digit < 5; ++digit) {
    const DigitPlan& plan = digit_plans()[static_cast<std::size_t>(digit)];
    const double angle = plan.angle_degrees + traits.finger_spread[digit];
    std::vector<double> phalanges = plan.phalanges;
    if (digit == 1) phalanges = phalanx_lengths(traits, 2);
    Point joint =
        add_bone(hand, plan.base, angle, plan.metacarpal_length, plan.metacarpal_radius * width);
    const Point tissue_start =
        along(plan.base, angle, digit == 0 ? 0.02 : 0.6 * plan.metacarpal_length);
    for (std::size_t k = 0; k < phalanges.size(); ++k) {
      joint = add_bone(hand, joint, angle, phalanges[k], plan.phalanx_radii[k] * width);
    }
    hand.tissue_tubes.push_back(
        {tissue_start, along(joint, angle, 0.004), plan.tissue_radius * tissue, false});
  }
  return hand;
}

}  // namespace engine::data::phantom
