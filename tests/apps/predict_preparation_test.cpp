// Preparing images for predict_app: the checkpoint's preprocessing reproduces train_app's image
// cache bit for bit, the sanity rules reject what is not plausibly a hand radiograph, and the
// command line's images, folders and manifests expand into items that fail one by one.
#include <doctest/doctest.h>

#include <algorithm>

#include "apps/predict/image_rules.h"
#include "apps/predict/inputs.h"
#include "apps/predict/preparation.h"
#include "data/error.h"
#include "data/file.h"
#include "data/png_write.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

namespace {

models::CheckpointInfo info_with_preprocessing(Json preprocessing) {
  models::CheckpointInfo info;
  info.preprocessing = std::move(preprocessing);
  return info;
}

Json preprocessing_json(std::int64_t side, const char* resize, bool clahe) {
  Json json = Json::object();
  json.set("side", Json(side));
  json.set("resize", Json(resize));
  json.set("clahe", Json(clahe));
  Json mean = Json::array(), deviation = Json::array();
  for (double value : {0.485, 0.456, 0.406}) mean.push_back(Json(value));
  for (double value : {0.229, 0.224, 0.225}) deviation.push_back(Json(value));
  json.set("mean", std::move(mean));
  json.set("std", std::move(deviation));
  return json;
}

void write_gray_png(const std::filesystem::path& file, int width, int height, bool blank) {
  data::Image image;
  image.width = width;
  image.height = height;
  image.pixels.resize(static_cast<std::size_t>(width) * height);
  for (std::size_t i = 0; i < image.pixels.size(); ++i)
    image.pixels[i] = blank ? 90 : (i * 7) % 256;
  data::write_png(file, image);
}

}  // namespace

TEST_CASE("prepared images equal train_app's cache bit for bit, with and without CLAHE") {
  TemporaryFolder folder("predict_preparation");
  write_phantoms(folder.path, 4, 21, 96);
  const data::Manifest manifest = data::read_manifest(folder.path / "manifest.csv");
  for (const auto& [resize, clahe] : {std::pair{"pad", false}, std::pair{"squash", true}}) {
    INFO(resize << (clahe ? " with CLAHE" : ""));
    const ModelInput input =
        model_input_from(info_with_preprocessing(preprocessing_json(64, resize, clahe)));
    CHECK(input.preprocess.side == 64);
    CHECK(input.preprocess.use_clahe == clahe);
    const data::ImageCache cache = data::build_cache(manifest, input.preprocess);
    REQUIRE(cache.size() == manifest.records.size());
    for (std::size_t i = 0; i < cache.size(); ++i) {
      const std::vector<std::uint8_t> bytes = data::read_file_bytes(manifest.records[i].file);
      const PreparedImage prepared = prepare_image(bytes, "test", input, ImageRules{}, false);
      const data::CachedImageView expected = cache.view(i);
      REQUIRE(prepared.side == expected.side);
      CHECK(std::equal(prepared.pixels.begin(), prepared.pixels.end(), expected.pixels));
      CHECK(prepared.mean == expected.mean);
      CHECK(prepared.width == 96);
      CHECK(prepared.bit_depth == 8);
    }
  }
}

TEST_CASE("preprocessing metadata that is missing or wrong is refused") {
  CHECK_THROWS_AS(model_input_from(info_with_preprocessing(Json::object())), std::invalid_argument);
  CHECK_THROWS_AS(model_input_from(info_with_preprocessing(preprocessing_json(64, "crop", false))),
                  std::invalid_argument);
  Json zero_std = preprocessing_json(64, "pad", false);
  Json deviations = Json::array();
  for (int c = 0; c < 3; ++c) deviations.push_back(Json(0.0));
  zero_std.set("std", deviations);
  CHECK_THROWS_AS(model_input_from(info_with_preprocessing(zero_std)), std::invalid_argument);
  const ModelInput good =
      model_input_from(info_with_preprocessing(preprocessing_json(64, "pad", false)));
  // What the checkpoint does not record (CLAHE's parameters) is stated in the output.
  CHECK(good.description.at("clahe_parameters").at("tiles").as_integer() == 8);
}

TEST_CASE("the sanity rules for a hand radiograph") {
  const ImageRules rules;
  CHECK_FALSE(rules.check_size(2000, 2500).has_value());
  CHECK_FALSE(rules.check_size(64, 256).has_value());
  CHECK(rules.check_size(63, 100).value().find("short side") != std::string::npos);
  CHECK(rules.check_size(8001, 4000).value().find("long side") != std::string::npos);
  CHECK(rules.check_size(1000, 249).value().find("aspect ratio") != std::string::npos);

  // A PNG header (signature, IHDR length and type, width, height) followed by its bit depth.
  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I',
                                   'H',  'D', 'R', 0,   0,    1,    0,    0,    0, 1, 0, 8,  0};
  CHECK_FALSE(rules.check_bit_depth(png).has_value());
  png[24] = 16;
  CHECK_FALSE(rules.check_bit_depth(png).has_value());
  png[24] = 1;
  CHECK(rules.check_bit_depth(png).value().find("1-bit") != std::string::npos);
  const std::vector<std::uint8_t> jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10};
  CHECK_FALSE(rules.check_bit_depth(jpeg).has_value());

  data::Image blank;
  blank.width = blank.height = 2;
  blank.pixels = {7, 7, 7, 7};
  CHECK(rules.check_content(blank).value().find("blank") != std::string::npos);
  blank.pixels[3] = 8;
  CHECK_FALSE(rules.check_content(blank).has_value());

  // Enforced by prepare_image, unless the examiner overrides them (and it is recorded).
  TemporaryFolder folder("predict_rules");
  std::filesystem::create_directories(folder.path);
  write_gray_png(folder.path / "small.png", 40, 40, false);
  const ModelInput input =
      model_input_from(info_with_preprocessing(preprocessing_json(64, "pad", false)));
  const auto bytes = data::read_file_bytes(folder.path / "small.png");
  CHECK_THROWS_WITH_AS(prepare_image(bytes, "small.png", input, rules, false),
                       doctest::Contains("small.png: 40 x 40 pixels"), data::DataError);
  const PreparedImage allowed = prepare_image(bytes, "small.png", input, rules, true);
  CHECK(allowed.unusual.find("allowed by --allow-unusual-images") != std::string::npos);
}

TEST_CASE("images, folders and manifests expand into items, each failing on its own") {
  TemporaryFolder folder("predict_inputs");
  const std::filesystem::path plain = folder.path / "plain";
  std::filesystem::create_directories(plain);
  write_gray_png(plain / "b.png", 80, 80, false);
  write_gray_png(plain / "A.PNG", 80, 80, false);
  data::write_file_text(plain / "notes.txt", "not an image");
  write_phantoms(folder.path / "labelled", 2, 3);
  data::write_file_text(folder.path / "list.csv", "path\nplain/b.png\n/absolute/missing.png\n");
  data::write_file_text(folder.path / "bad.csv", "file,note\nx.png,hello\n");
  std::filesystem::create_directories(folder.path / "classes" / "M");
  write_gray_png(folder.path / "classes" / "M" / "m.png", 80, 80, false);

  const ExpandedInputs inputs =
      expand_inputs({plain.string(), (folder.path / "nothing.png").string(),
                     (folder.path / "labelled").string(), (folder.path / "list.csv").string(),
                     (folder.path / "bad.csv").string(), (folder.path / "classes").string()});
  REQUIRE(inputs.items.size() == 9);
  CHECK(inputs.items[0].file.filename() == "A.PNG");  // byte order: upper case first
  CHECK(inputs.items[1].file.filename() == "b.png");
  CHECK(inputs.items[2].error.find("no such file or folder") != std::string::npos);
  CHECK(inputs.items[3].truth == 0);  // the phantom manifest: even index, female
  CHECK(inputs.items[4].truth == 1);
  CHECK(inputs.items[5].file == folder.path / "plain" / "b.png");  // relative to the manifest
  CHECK_FALSE(inputs.items[5].truth.has_value());
  CHECK(inputs.items[6].file == "/absolute/missing.png");
  // Outside the list's folder: refused before it is read (--allow-outside-paths reads it).
  CHECK(inputs.items[6].error.find("resolves to /absolute/missing.png, outside the manifest's "
                                   "folder") != std::string::npos);
  CHECK(expand_inputs({(folder.path / "list.csv").string()}, data::PathPolicy{true})
            .items[1]
            .error.empty());            // found missing only when read
  CHECK(inputs.manifests.size() == 3);  // labelled/manifest.csv, list.csv, bad.csv
  CHECK(inputs.items[7].error.find("needs a 'path' column") != std::string::npos);
  CHECK(inputs.items[8].truth == 1);  // class folder M
  REQUIRE(inputs.notes.size() == 1);
  CHECK(inputs.notes[0].find("1 file(s)") != std::string::npos);
}

}  // namespace engine::apps::testing
