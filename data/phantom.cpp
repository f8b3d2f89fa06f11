#include "data/phantom.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <stdexcept>
#include <string>

#include "data/csv.h"
#include "data/file.h"
#include "data/png_write.h"
#include "data/random_streams.h"

namespace engine::data {

namespace {

using streams::PhantomPurpose;

// The sex-dependent traits: mean and standard deviation per sex. Directions and rough sizes
// follow published adult hand dimorphism: hand length about 9 % larger in men with a within-sex
// coefficient of variation near 5 % (anthropometric surveys, e.g. the review by Kanchan and
// Krishan, 2011); a higher hand breadth index and relatively wider bones in men; a lower
// 2nd-to-4th digit ratio in men (Manning et al., Human Reproduction 1998), shifted down here
// because phalanx lengths on radiographs give lower ratios than finger lengths. The spreads are
// chosen so that the classes overlap: each trait alone gives well under 80 % accuracy.
struct SexTraits {
  double hand_size_mean, hand_size_sd;
  double bone_width_mean, bone_width_sd;
  double digit_ratio_mean, digit_ratio_sd;
};

constexpr SexTraits female_traits{1.00, 0.045, 1.00, 0.05, 0.975, 0.03};
constexpr SexTraits male_traits{1.09, 0.050, 1.05, 0.05, 0.955, 0.03};

double uniform(std::uint64_t seed, std::uint64_t index, PhantomPurpose purpose, double low,
               double high, std::uint64_t slot = 0) {
  const random::Counter bits = random::draw(seed, streams::phantom_offset(index, purpose), slot);
  return low + (high - low) * random::unit_double(bits.words[0], bits.words[1]);
}

// Box-Muller, limited to 3.5 standard deviations so no phantom is drawn outside the image.
double normal(std::uint64_t seed, std::uint64_t index, PhantomPurpose purpose, double mean,
              double sd, std::uint64_t slot = 0) {
  const random::Counter bits = random::draw(seed, streams::phantom_offset(index, purpose), slot);
  const double u1 = 1.0 - random::unit_double(bits.words[0], bits.words[1]);
  const double u2 = random::unit_double(bits.words[2], bits.words[3]);
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  return mean + sd * std::clamp(z, -3.5, 3.5);
}

}  // namespace

PhantomTraits draw_phantom_traits(std::uint64_t seed, std::uint64_t index) {
  PhantomTraits traits;
  traits.sex = index % 2 == 0 ? Sex::Female : Sex::Male;
  const SexTraits& by_sex = traits.sex == Sex::Female ? female_traits : male_traits;
  traits.hand_size =
      normal(seed, index, PhantomPurpose::HandSize, by_sex.hand_size_mean, by_sex.hand_size_sd);
  traits.bone_width =
      normal(seed, index, PhantomPurpose::BoneWidth, by_sex.bone_width_mean, by_sex.bone_width_sd);
  traits.digit_ratio = normal(seed, index, PhantomPurpose::DigitRatio, by_sex.digit_ratio_mean,
                              by_sex.digit_ratio_sd);
  traits.magnification = normal(seed, index, PhantomPurpose::Magnification, 1.0, 0.05);
  traits.cortical_fraction = uniform(seed, index, PhantomPurpose::CorticalFraction, 0.25, 0.35);
  traits.soft_tissue = uniform(seed, index, PhantomPurpose::SoftTissue, 0.85, 1.2);
  traits.rotation_degrees = uniform(seed, index, PhantomPurpose::Rotation, -8, 8);
  traits.shift_x = uniform(seed, index, PhantomPurpose::Shift, -0.04, 0.04, 0);
  traits.shift_y = uniform(seed, index, PhantomPurpose::Shift, -0.04, 0.04, 1);
  for (int digit = 0; digit < 5; ++digit) {
    traits.finger_spread[digit] = normal(seed, index, PhantomPurpose::FingerSpread, 0, 2.5,
                                         static_cast<std::uint64_t>(digit));
  }
  traits.background = uniform(seed, index, PhantomPurpose::Exposure, 0.03, 0.10, 0);
  traits.exposure = uniform(seed, index, PhantomPurpose::Exposure, 0.75, 0.95, 1);
  traits.noise = uniform(seed, index, PhantomPurpose::NoiseLevel, 0.008, 0.025);
  traits.marker_x = uniform(seed, index, PhantomPurpose::Marker, 0.05, 0.14, 0);
  traits.marker_y = uniform(seed, index, PhantomPurpose::Marker, 0.04, 0.10, 1);
  return traits;
}

Image phantom_image(std::uint64_t seed, std::uint64_t index, int size) {
  const FloatImage rendered = render_phantom(draw_phantom_traits(seed, index), seed, index, size);
  Image image;
  image.width = rendered.width;
  image.height = rendered.height;
  image.bit_depth = 8;
  image.pixels.resize(rendered.pixels.size());
  for (std::size_t i = 0; i < rendered.pixels.size(); ++i) {
    image.pixels[i] = static_cast<std::uint16_t>(std::lround(rendered.pixels[i] * 255.0f));
  }
  return image;
}

std::string phantom_file_name(int index) {
  char name[64];
  std::snprintf(name, sizeof(name), "synthetic_phantom_%06d.png", index);
  return name;
}

void write_phantom_dataset(const std::filesystem::path& folder, int count, std::uint64_t seed,
                           int size) {
  if (count < 1) throw std::invalid_argument("write_phantom_dataset: count must be at least 1");
  std::filesystem::create_directories(folder);
  std::string manifest = csv_record({"path", "sex", "id", "note"});
  for (int index = 0; index < count; ++index) {
    const std::string name = phantom_file_name(index);
    const auto phantom_index = static_cast<std::uint64_t>(index);
    write_png(folder / name, phantom_image(seed, phantom_index, size));
    manifest +=
        csv_record({name, name_of(draw_phantom_traits(seed, phantom_index).sex),
                    "synthetic-" + std::to_string(index), "SYNTHETIC phantom, not a radiograph"});
  }
  write_file_text(folder / "manifest.csv", manifest);
  write_file_text(
      folder / "README.txt",
      "SYNTHETIC DATA. These " + std::to_string(count) +
          " images are hand-radiograph phantoms drawn by engine::data::write_phantom_dataset "
          "(seed " +
          std::to_string(seed) + ", " + std::to_string(size) + " x " + std::to_string(size) +
          " px). They are not radiographs of any person. Their sex-dependent signal (hand "
          "size, relative bone width, 2nd-to-4th digit ratio) is modelled on published "
          "dimorphism with overlapping distributions; see data/phantom.cpp.\n");
}

}  // namespace engine::data
