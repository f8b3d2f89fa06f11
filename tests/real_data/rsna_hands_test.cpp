// The real radiographs in ../shared/data/rsna-hands (RSNA Pediatric Bone Age Challenge 2017,
// see that folder's README for licence and caveats): manifests parse with the RSNA preset,
// counts by sex are as published, every image decodes, and a split keeps hands apart.
//
// When the folder is absent the whole suite exits with 77, which ctest reports as SKIPPED. The
// check runs in a static initialiser, before doctest's main, rather than in a test case: that way
// it does not depend on which test cases a filter selects or on their order, and no test case
// can report PASS for data it never saw.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "data/cache.h"
#include "data/decode.h"
#include "data/file.h"
#include "data/manifest.h"
#include "data/split.h"

namespace data = engine::data;

namespace {

const std::filesystem::path& rsna_root() {
  static const std::filesystem::path root =
      std::filesystem::path(ENGINE_SOURCE_DIR) / ".." / "shared" / "data" / "rsna-hands";
  return root;
}

[[maybe_unused]] const bool data_present = [] {
  if (!std::filesystem::is_directory(rsna_root())) {
    std::printf("SKIPPED: %s not found (real-data tests need the RSNA hand radiographs)\n",
                rsna_root().string().c_str());
    std::fflush(stdout);
    std::exit(77);
  }
  return true;
}();

// The PNG colour type from IHDR (byte 25): 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
int png_colour_type(const std::filesystem::path& file) {
  const std::vector<std::uint8_t> bytes = data::read_file_bytes(file);
  REQUIRE(bytes.size() > 25);
  return bytes[25];
}

}  // namespace

TEST_CASE("rsna dev: 901 hands, 420 female and 481 male, ids unique, ages in range") {
  const data::Manifest manifest =
      data::read_manifest(rsna_root() / "dev" / "manifest.csv", data::ManifestColumns::rsna());
  CHECK(manifest.records.size() == 901);
  CHECK(manifest.count(data::Sex::Female) == 420);
  CHECK(manifest.count(data::Sex::Male) == 481);
  CHECK(manifest.has_age);
  CHECK(manifest.has_id);
  std::set<std::string> ids;
  for (const data::Record& record : manifest.records) {
    ids.insert(record.group);
    REQUIRE(record.age.has_value());
    CHECK(*record.age >= 1);
    CHECK(*record.age <= 240);
  }
  CHECK(ids.size() == 901);
}

TEST_CASE("rsna dev: every image decodes, 8-bit gray, longest side at most 640") {
  const data::Manifest manifest =
      data::read_manifest(rsna_root() / "dev" / "manifest.csv", data::ManifestColumns::rsna());
  data::PreprocessConfig config;
  config.side = 32;
  const data::ImageCache cache = data::build_cache(manifest, config, {false, 0});
  REQUIRE(cache.size() == 901);
  CHECK(cache.skipped().empty());
  std::set<std::string> hashes;
  for (const data::CacheEntry& entry : cache.entries()) {
    CHECK(entry.source_bit_depth == 8);
    CHECK(std::max(entry.source_width, entry.source_height) <= 640);
    CHECK(std::min(entry.source_width, entry.source_height) >= 100);
    CHECK(entry.sha256.size() == 64);
    CHECK(entry.mean > 0.02f);  // not blank
    hashes.insert(entry.sha256);
  }
  CHECK(hashes.size() == 901);  // no file is in the set twice
}

TEST_CASE("rsna hires: 40 images decode, palette PNGs among them") {
  const data::Manifest manifest =
      data::read_manifest(rsna_root() / "hires" / "manifest.csv", data::ManifestColumns::rsna());
  REQUIRE(manifest.records.size() == 40);
  CHECK(manifest.count(data::Sex::Female) == 14);
  CHECK(manifest.count(data::Sex::Male) == 26);
  int palette = 0;
  for (const data::Record& record : manifest.records) {
    const data::Image image = data::read_image(record.file);
    CHECK(image.width == 1600);
    CHECK(image.height == 2080);
    CHECK(image.bit_depth == 8);
    palette += png_colour_type(record.file) == 3 ? 1 : 0;
  }
  // The folder's README says 3 palette PNGs; the files hold 2 (colour type 3 in IHDR).
  CHECK(palette >= 2);
}

TEST_CASE("rsna dev: a split by rsna_id is stratified and keeps every hand in one part") {
  const data::Manifest manifest =
      data::read_manifest(rsna_root() / "dev" / "manifest.csv", data::ManifestColumns::rsna());
  const data::Split split = data::split_parts(manifest, {}, 2024);
  for (const data::Sex sex : {data::Sex::Female, data::Sex::Male}) {
    const double total = static_cast<double>(manifest.count(sex));
    std::size_t train = 0;
    for (std::size_t i = 0; i < manifest.records.size(); ++i) {
      train += (manifest.records[i].sex == sex && split.labels[i] == 0) ? 1 : 0;
    }
    CHECK(std::abs(static_cast<double>(train) - 0.7 * total) <= 1.0);
  }
}
