// SYNTHETIC hand-radiograph phantoms: the embedded default dataset for the demo and the tests.
// They are drawings made by this code, not radiographs of anyone, and everything that carries
// them says so (file names, the manifest's note column, a README in the folder).
//
// A phantom is a left hand seen postero-anteriorly: radius and ulna, eight carpals, five
// metacarpals and fourteen phalanges drawn as projected tubes (a cortical shell and a textured
// trabecular core), soft tissue, detector blur and noise, a slight rotation and shift, and a lead
// "L" marker. The sex-dependent signal follows the direction and rough size of published hand
// dimorphism, with overlapping distributions (see the table in phantom.cpp):
//   - hand size: larger in males (about 9 % in adults), blurred by a sex-independent
//     magnification, so apparent size alone separates the classes only moderately;
//   - bone widths relative to hand size: larger in males;
//   - 2nd-to-4th digit ratio (summed phalanx lengths): lower in males.
// Every draw comes from the counter-based generator keyed by (seed, phantom index), so a
// phantom is a pure function of (seed, index, size).
#pragma once

#include <cstdint>
#include <filesystem>

#include "data/image.h"
#include "data/manifest.h"

namespace engine::data {

struct PhantomTraits {
  Sex sex = Sex::Female;
  double hand_size = 1;       // true size relative to the female mean
  double bone_width = 1;      // bone widths relative to hand size
  double digit_ratio = 0.97;  // 2D:4D, summed phalanx lengths
  double magnification = 1;   // acquisition, independent of sex
  double cortical_fraction = 0.3;
  double soft_tissue = 1;       // soft-tissue thickness factor
  double rotation_degrees = 0;  // whole hand, counter-clockwise as displayed
  double shift_x = 0;           // fractions of the image side
  double shift_y = 0;
  double finger_spread[5] = {0, 0, 0, 0, 0};  // degrees added to each digit's direction
  double background = 0.06;                   // gray level of the empty detector
  double exposure = 0.85;                     // gray level span of the attenuation
  double noise = 0.015;                       // standard deviation of the detector noise
  double marker_x = 0.1;  // top-left corner of the L marker, fractions of the side
  double marker_y = 0.08;
};

// Sex alternates with the index: even indices female, odd male.
PhantomTraits draw_phantom_traits(std::uint64_t seed, std::uint64_t index);

// Gray values in [0, 1], size x size.
FloatImage render_phantom(const PhantomTraits& traits, std::uint64_t seed, std::uint64_t index,
                          int size);
// draw + render, quantised to 8 bits.
Image phantom_image(std::uint64_t seed, std::uint64_t index, int size);

// "synthetic_phantom_NNNNNN.png": the file name of phantom `index` in a written data set.
std::string phantom_file_name(int index);

// Writes `count` phantoms as synthetic_phantom_NNNNNN.png, a manifest.csv with the header
// path,sex,id,note (the default ManifestColumns read it) and a README.txt saying what they are.
// Creates `folder` if needed; existing files of the same names are replaced.
void write_phantom_dataset(const std::filesystem::path& folder, int count, std::uint64_t seed,
                           int size = 256);

}  // namespace engine::data
