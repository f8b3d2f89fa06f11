// Synthetic phantoms: deterministic, labelled synthetic, read through the same path as real
// data, and carrying a sex signal that is real but not trivially separable.
#include "data/phantom.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "data/decode.h"
#include "data/file.h"
#include "data/manifest.h"
#include "data/phantom_anatomy.h"
#include "fixtures.h"
#include "util/sha256.h"

namespace data = engine::data;

namespace {

// The best accuracy of a single threshold on `score` (either direction) for separating sexes.
double best_threshold_accuracy(std::vector<std::pair<double, data::Sex>> scored) {
  std::sort(scored.begin(), scored.end());
  const double total = static_cast<double>(scored.size());
  double males_below = 0, females_below = 0, males = 0;
  for (const auto& item : scored) males += item.second == data::Sex::Male ? 1 : 0;
  const double females = total - males;
  double best = 0.5;
  for (const auto& item : scored) {
    (item.second == data::Sex::Male ? males_below : females_below) += 1;
    // Predict female below the threshold, male above; or the reverse.
    const double accuracy = (females_below + (males - males_below)) / total;
    best = std::max({best, accuracy, 1 - accuracy});
  }
  (void)females;
  return best;
}

}  // namespace

TEST_CASE("phantom: a pure function of (seed, index, size)") {
  const data::Image first = data::phantom_image(5, 3, 96);
  CHECK(data::phantom_image(5, 3, 96).pixels == first.pixels);
  CHECK(data::phantom_image(5, 4, 96).pixels != first.pixels);
  CHECK(data::phantom_image(6, 3, 96).pixels != first.pixels);
  CHECK(first.width == 96);
  CHECK(first.bit_depth == 8);
  // Not blank: bone is much brighter than the background.
  const auto [darkest, brightest] = std::minmax_element(first.pixels.begin(), first.pixels.end());
  CHECK(*brightest - *darkest > 150);
  CHECK(data::draw_phantom_traits(5, 0).sex == data::Sex::Female);
  CHECK(data::draw_phantom_traits(5, 1).sex == data::Sex::Male);
}

TEST_CASE("phantom: the digit ratio is drawn into the index and ring finger bones") {
  const data::PhantomTraits traits = data::draw_phantom_traits(9, 12);
  const std::vector<double> index = data::phantom::phalanx_lengths(traits, 2);
  const std::vector<double> ring = data::phantom::phalanx_lengths(traits, 4);
  const double ratio = (index[0] + index[1] + index[2]) / (ring[0] + ring[1] + ring[2]);
  CHECK(ratio == doctest::Approx(traits.digit_ratio).epsilon(1e-12));
}

TEST_CASE("phantom: sex differs in the stated directions, with overlap; size alone is weak") {
  std::vector<std::pair<double, data::Sex>> apparent_size, combined;
  double size_sum[2] = {0, 0}, ratio_sum[2] = {0, 0}, width_sum[2] = {0, 0};
  const int count = 4000;
  for (int i = 0; i < count; ++i) {
    const data::PhantomTraits t = data::draw_phantom_traits(1, static_cast<std::uint64_t>(i));
    const int s = data::class_index(t.sex);
    size_sum[s] += t.hand_size;
    ratio_sum[s] += t.digit_ratio;
    width_sum[s] += t.bone_width;
    apparent_size.push_back({t.hand_size * t.magnification, t.sex});
    // Standardised evidence for "male" from each trait, summed (roughly the Bayes direction).
    combined.push_back({(t.hand_size * t.magnification - 1.045) / 0.074 +
                            (t.bone_width - 1.025) / 0.05 - (t.digit_ratio - 0.965) / 0.03,
                        t.sex});
  }
  const double half = count / 2.0;
  CHECK(size_sum[1] / half - size_sum[0] / half == doctest::Approx(0.09).epsilon(0.1));
  CHECK(width_sum[1] / half > width_sum[0] / half + 0.04);
  CHECK(ratio_sum[1] / half < ratio_sum[0] / half - 0.015);
  const double size_only = best_threshold_accuracy(apparent_size);
  const double all_traits = best_threshold_accuracy(combined);
  CHECK(size_only > 0.65);  // a real signal
  CHECK(size_only < 0.80);  // but not enough alone
  CHECK(all_traits > size_only + 0.04);
  CHECK(all_traits < 0.92);  // and never trivially separable
}

TEST_CASE("phantom dataset: files, manifest and README say synthetic and read back exactly") {
  data::testing::TemporaryFolder folder("phantom_dataset");
  data::write_phantom_dataset(folder.path(), 6, 31, 64);
  const data::Manifest manifest = data::read_dataset(folder.path());
  REQUIRE(manifest.records.size() == 6);
  CHECK(manifest.has_id);
  CHECK(manifest.count(data::Sex::Female) == 3);
  CHECK(manifest.records[1].path_text == "synthetic_phantom_000001.png");
  CHECK(manifest.records[1].group == "synthetic-1");
  CHECK(data::read_file_text(folder.path() / "manifest.csv").find("SYNTHETIC phantom") !=
        std::string::npos);
  CHECK(data::read_file_text(folder.path() / "README.txt").rfind("SYNTHETIC DATA.", 0) == 0);
  for (std::size_t i = 0; i < manifest.records.size(); ++i) {
    CHECK(data::read_image(manifest.records[i].file).pixels ==
          data::phantom_image(31, i, 64).pixels);
  }
  // Writing again gives the same bytes.
  const std::string hash = data::sha256_file_hex(manifest.records[0].file);
  data::testing::TemporaryFolder again("phantom_dataset_again");
  data::write_phantom_dataset(again.path(), 1, 31, 64);
  CHECK(data::sha256_file_hex(again.path() / "synthetic_phantom_000000.png") == hash);
  CHECK_THROWS_AS(data::write_phantom_dataset(again.path(), 0, 31, 64), std::invalid_argument);
  CHECK_THROWS_AS(data::phantom_image(1, 1, 8), std::invalid_argument);
}
