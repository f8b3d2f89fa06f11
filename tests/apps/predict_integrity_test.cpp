// predict_app never writes over a file it reads (issue 14, item 1): --out and --explain heatmaps
// that are the model, an input image or a manifest (directly, through a symbolic link, or as a
// hard link) are refused before any work; a file predict_app did not write is never replaced;
// its own earlier output only with --overwrite. Folder inputs with broken or looping symbolic
// links (item 5), manifest path confinement (item 8) and the alpha-channel note (item 8).
#include <doctest/doctest.h>
#include <stb_image_write.h>

#include "data/decode.h"
#include "data/file.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Fixture {
  TemporaryFolder folder{"predict_integrity"};
  std::filesystem::path model = folder.path / "model.safetensors";
  std::vector<std::filesystem::path> images;

  Fixture() {
    images = write_phantoms(folder.path / "images", 2, 5, 64);
    write_test_checkpoint(model, "resnet18", 64, calibration_block(1.2, true, 0.7));
  }
  std::vector<std::string> arguments(const std::vector<std::string>& extra) const {
    std::vector<std::string> all = {"--model", model.string(), "--device", "cpu"};
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  }
};

// Runs predict_app and requires a refusal (exit 2, nothing predicted) that names `named`, with
// every file in `untouched` unchanged.
void check_refused(const Fixture& fixture, const std::vector<std::string>& extra,
                   const std::vector<std::string>& named,
                   const std::vector<std::filesystem::path>& untouched) {
  std::vector<std::vector<std::uint8_t>> before;
  for (const auto& file : untouched) before.push_back(data::read_file_bytes(file));
  const CommandResult result = run_predict(fixture.arguments(extra));
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.err, "refused"));
  for (const std::string& part : named) CHECK(contains(result.err, part));
  CHECK(result.out.empty());
  for (std::size_t i = 0; i < untouched.size(); ++i) {
    CHECK(data::read_file_bytes(untouched[i]) == before[i]);
  }
}

}  // namespace

TEST_CASE("--out that is the model, an input image or a manifest is refused; both are named") {
  Fixture fixture;
  const std::string model = fixture.model.string(), image = fixture.images[0].string();
  // The two cases of the issue: the checkpoint replaced by a table, the radiograph by text.
  check_refused(fixture, {"--out", model, image},
                {"--out " + model, "the model (--model) " + model}, {fixture.model});
  check_refused(fixture, {"--out", image, image}, {"--out " + image, "the input image " + image},
                {fixture.images[0]});
  // --overwrite never makes an input writable.
  check_refused(fixture, {"--overwrite", "--out", image, image}, {"the input image"},
                {fixture.images[0]});
  // An image listed by a manifest, and the manifest itself.
  const std::filesystem::path manifest = fixture.folder.path / "images" / "manifest.csv";
  check_refused(fixture, {"--out", manifest.string(), manifest.string()},
                {"the manifest " + manifest.string()}, {manifest});
  check_refused(fixture, {"--format", "csv", "--out", image, manifest.string()},
                {"the input image"}, {fixture.images[0]});
}

TEST_CASE("--out through a symbolic link or a hard link to an input is refused") {
  Fixture fixture;
  const std::filesystem::path link = fixture.folder.path / "result.txt";
  std::filesystem::create_symlink(fixture.images[0], link);
  check_refused(fixture, {"--out", link.string(), fixture.images[0].string()},
                {"--out " + link.string(), "resolves to " + fixture.images[0].string()},
                {fixture.images[0]});
  const std::filesystem::path hard = fixture.folder.path / "hard.txt";
  std::filesystem::create_hard_link(fixture.images[1], hard);
  check_refused(fixture, {"--overwrite", "--out", hard.string(), fixture.images[1].string()},
                {"--out " + hard.string(), "a hard link", fixture.images[1].string()},
                {fixture.images[1]});
}

TEST_CASE("--out replaces only predict_app's own earlier output, and only with --overwrite") {
  Fixture fixture;
  const std::filesystem::path notes = fixture.folder.path / "notes.txt";
  data::write_file_text(notes, "an examiner's notes\n");
  check_refused(fixture, {"--overwrite", "--out", notes.string(), fixture.images[0].string()},
                {"--out " + notes.string(), "is not an earlier output of predict_app"}, {notes});

  for (const char* format : {"table", "csv", "json"}) {
    INFO(format);
    const std::filesystem::path out = fixture.folder.path / (std::string("out.") + format);
    const std::vector<std::string> run = {"--format", format, "--out", out.string(),
                                          fixture.images[0].string()};
    REQUIRE(run_predict(fixture.arguments(run)).exit_code == 0);
    check_refused(fixture, run, {"an earlier output of predict_app", "--overwrite"}, {out});
    std::vector<std::string> again = run;
    again.insert(again.begin(), "--overwrite");
    CHECK(run_predict(fixture.arguments(again)).exit_code == 0);
    // Any of the three forms counts as predict_app's own, whatever --format is now.
    again[2] = std::string(format) == "json" ? "table" : "json";
    CHECK(run_predict(fixture.arguments(again)).exit_code == 0);
  }
}

TEST_CASE("--explain heatmaps never replace an input or a file predict_app did not write") {
  Fixture fixture;
  const std::filesystem::path heatmaps = fixture.folder.path / "heatmaps";
  std::filesystem::create_directories(heatmaps);
  const std::string image = fixture.images[0].string();
  const std::filesystem::path heatmap =
      heatmaps / ("0001_" + fixture.images[0].stem().string() + "_gradcam.png");
  // A link named like the heatmap, pointing at the radiograph.
  std::filesystem::create_symlink(fixture.images[0], heatmap);
  check_refused(fixture, {"--overwrite", "--explain", heatmaps.string(), image},
                {"--explain heatmap " + heatmap.string(), "the input image"}, {fixture.images[0]});
  std::filesystem::remove(heatmap);
  data::write_file_text(heatmap, "not a heatmap");
  check_refused(fixture, {"--overwrite", "--explain", heatmaps.string(), image},
                {"is not an earlier output of predict_app"}, {heatmap});
  std::filesystem::remove(heatmap);
  REQUIRE(run_predict(fixture.arguments({"--explain", heatmaps.string(), image})).exit_code == 0);
  check_refused(fixture, {"--explain", heatmaps.string(), image}, {"--overwrite"}, {heatmap});
  CHECK(run_predict(fixture.arguments({"--overwrite", "--explain", heatmaps.string(), image}))
            .exit_code == 0);
}

TEST_CASE("a broken or looping symbolic link in a folder is one failed item; the rest run") {
  Fixture fixture;
  const std::filesystem::path images = fixture.folder.path / "loose";
  std::filesystem::create_directories(images);
  std::filesystem::copy_file(fixture.images[0], images / "a.png");
  std::filesystem::copy_file(fixture.images[1], images / "d.png");
  std::filesystem::create_symlink("c_loop.png", images / "b_loop.png");
  std::filesystem::create_symlink("b_loop.png", images / "c_loop.png");
  std::filesystem::create_symlink("gone.png", images / "e_broken.png");
  const std::filesystem::path out = fixture.folder.path / "out.json";
  const CommandResult result =
      run_predict(fixture.arguments({"--format", "json", "--out", out.string(), images.string()}));
  CHECK(result.exit_code == 1);
  const Json::Array items = read_json_file(out).at("predictions").as_array();
  REQUIRE(items.size() == 5);
  CHECK(items[0].at("status").as_string() == "ok");
  CHECK(items[3].at("status").as_string() == "ok");
  for (std::size_t i : {1, 2}) {
    CHECK(contains(items[i].at("error").as_string(), "a symbolic link loop"));
  }
  CHECK(contains(items[4].at("error").as_string(),
                 "e_broken.png: a symbolic link to a missing file"));

  // Named directly, a loop is reported as one, not as a missing file.
  const CommandResult direct = run_predict(
      fixture.arguments({(images / "b_loop.png").string(), images.string() + "/a.png"}));
  CHECK(direct.exit_code == 1);
  CHECK(contains(direct.err, "b_loop.png: a symbolic link loop"));
  CHECK_FALSE(contains(direct.err, "no such file or folder"));
}

TEST_CASE("manifest paths stay inside the manifest's folder unless --allow-outside-paths") {
  Fixture fixture;
  const std::filesystem::path cases = fixture.folder.path / "cases";
  std::filesystem::create_directories(cases);
  std::filesystem::copy_file(fixture.images[0], cases / "inside.png");
  data::write_file_text(cases / "list.csv", "path\ninside.png\n/etc/passwd\n../images/" +
                                                fixture.images[1].filename().string() + "\n");
  const std::filesystem::path out = fixture.folder.path / "out.json";
  CommandResult result = run_predict(fixture.arguments(
      {"--format", "json", "--out", out.string(), (cases / "list.csv").string()}));
  CHECK(result.exit_code == 1);
  Json json = read_json_file(out);
  Json::Array items = json.at("predictions").as_array();
  REQUIRE(items.size() == 3);
  CHECK(items[0].at("status").as_string() == "ok");
  CHECK(
      contains(items[1].at("error").as_string(), "'/etc/passwd' resolves to /etc/passwd, outside"));
  CHECK(items[1].at("image_sha256").is_null());  // never read
  CHECK(contains(items[2].at("error").as_string(), "outside the manifest's folder"));
  CHECK_FALSE(json.at("options").at("allow_outside_paths").as_bool());

  result =
      run_predict(fixture.arguments({"--allow-outside-paths", "--overwrite", "--format", "json",
                                     "--out", out.string(), (cases / "list.csv").string()}));
  json = read_json_file(out);
  items = json.at("predictions").as_array();
  CHECK(json.at("options").at("allow_outside_paths").as_bool());
  CHECK(items[2].at("status").as_string() == "ok");
  CHECK(
      contains(items[1].at("error").as_string(), "not a PNG, JPEG or DICOM"));  // read, as allowed
  CHECK(contains(json.at("notes").dump(), "--allow-outside-paths"));
}

TEST_CASE("an image with an alpha channel carries a note saying it was composited on black") {
  Fixture fixture;
  const std::filesystem::path rgba = fixture.folder.path / "rgba.png";
  std::vector<std::uint8_t> pixels(80 * 80 * 4);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i * 7);
  REQUIRE(stbi_write_png(rgba.c_str(), 80, 80, 4, pixels.data(), 80 * 4) != 0);
  const std::filesystem::path out = fixture.folder.path / "out.json";
  const CommandResult result = run_predict(fixture.arguments(
      {"--format", "json", "--out", out.string(), rgba.string(), fixture.images[0].string()}));
  CHECK(result.exit_code == 0);
  const Json::Array items = read_json_file(out).at("predictions").as_array();
  REQUIRE(items.size() == 2);
  REQUIRE(items[0].at("notes").as_array().size() == 1);
  CHECK(items[0].at("notes").as_array()[0].as_string() == data::alpha_composited_note);
  CHECK(items[1].at("notes").as_array().empty());
  const CommandResult table = run_predict(fixture.arguments({rgba.string()}));
  CHECK(contains(table.out, std::string("note: ") + data::alpha_composited_note));
}

}  // namespace engine::apps::testing
