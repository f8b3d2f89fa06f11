// predict_app under bad input: a batch with broken files in the middle completes and counts its
// failures; a checkpoint that is not ours, corrupted or tampered with is refused; usage errors.
#include <doctest/doctest.h>

#include <fstream>

#include "data/file.h"
#include "data/png_write.h"
#include "models/checkpoint.h"
#include "models/registry.h"
#include "models/safetensors.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void write_png_of(const std::filesystem::path& file, int width, int height, bool blank) {
  data::Image image;
  image.width = width;
  image.height = height;
  image.pixels.resize(static_cast<std::size_t>(width) * height);
  for (std::size_t i = 0; i < image.pixels.size(); ++i)
    image.pixels[i] = blank ? 40 : (i * 13) % 256;
  data::write_png(file, image);
}

}  // namespace

TEST_CASE("a batch with broken files in the middle still predicts the others") {
  TemporaryFolder folder("predict_batch");
  const auto phantoms = write_phantoms(folder.path / "phantoms", 3, 8);
  const std::filesystem::path images = folder.path / "images";
  std::filesystem::create_directories(images);
  std::filesystem::copy_file(phantoms[0], images / "a_good.png");
  std::vector<std::uint8_t> truncated = data::read_file_bytes(phantoms[1]);
  truncated.resize(truncated.size() / 2);
  data::write_file_bytes(images / "b_truncated.png", truncated);
  write_png_of(images / "c_thumbnail.png", 40, 30, false);
  write_png_of(images / "d_blank.png", 100, 120, true);
  data::write_file_text(images / "e_text.png", "this is not an image");
  std::filesystem::copy_file(phantoms[2], images / "f_good.png");
  const std::filesystem::path model = folder.path / "model.safetensors";
  write_test_checkpoint(model, "resnet18", 64, calibration_block(1.2, true, 0.7));

  const std::filesystem::path out = folder.path / "out.json";
  const CommandResult result = run_predict(
      {"--model", model.string(), "--device", "cpu", "--batch-size", "4", "--format", "json",
       "--out", out.string(), images.string(), (folder.path / "missing.png").string()});
  CHECK(result.exit_code == 1);
  CHECK(contains(result.out, "7 items: 2 succeeded"));
  CHECK(contains(result.out, "5 failed"));
  const Json json = read_json_file(out);
  const Json::Array& items = json.at("predictions").as_array();
  REQUIRE(items.size() == 7);
  const std::vector<std::pair<const char*, const char*>> expected = {
      {"ok", ""},
      {"failed", "b_truncated.png: PNG is truncated"},
      {"failed", "the short side is below 64 pixels"},
      {"failed", "a blank image"},
      {"failed", "not a PNG, JPEG or DICOM file"},
      {"ok", ""},
      {"failed", "missing.png: no such file or folder"}};
  for (std::size_t i = 0; i < items.size(); ++i) {
    INFO("item " << i << ": " << items[i].dump());
    CHECK(items[i].at("status").as_string() == expected[i].first);
    if (std::string(expected[i].first) == "ok") {
      CHECK(items[i].at("error").is_null());
      CHECK(items[i].at("estimate").is_string());
    } else {
      CHECK(contains(items[i].at("error").as_string(), expected[i].second));
      CHECK(contains(result.err, expected[i].second));  // also said on standard error
      CHECK(items[i].at("estimate").is_null());
    }
  }
  // A file that was read but not usable is still identified by its hash.
  CHECK(items[1].at("image_sha256").as_string() ==
        data::sha256_file_hex(images / "b_truncated.png"));
  CHECK(json.at("summary").at("failed").as_integer() == 5);
  CHECK(json.at("summary").at("succeeded").as_integer() == 2);

  // The examiner may override the sanity rules; the output records that it was done.
  const CommandResult allowed = run_predict(
      {"--model", model.string(), "--device", "cpu", "--format", "json", "--allow-unusual-images",
       (images / "c_thumbnail.png").string(), (images / "d_blank.png").string()});
  CHECK(allowed.exit_code == 0);
  const Json allowed_json = Json::parse(allowed.out);
  for (const Json& item : allowed_json.at("predictions").as_array()) {
    CHECK(item.at("status").as_string() == "ok");
    CHECK(contains(item.at("unusual").as_string(), "allowed by --allow-unusual-images"));
  }
  CHECK(allowed_json.at("image_rules").at("overridden_by_allow_unusual_images").as_bool());
}

TEST_CASE("a checkpoint that is tampered with, corrupted or not ours is refused with exit 2") {
  TemporaryFolder folder("predict_checkpoints");
  const auto phantoms = write_phantoms(folder.path / "images", 1, 4);
  const std::string image = phantoms[0].string();
  const std::filesystem::path model = folder.path / "model.safetensors";
  write_test_checkpoint(model, "resnet18", 64, calibration_block(1.0, true, 0.8));
  REQUIRE(run_predict({"--model", model.string(), "--device", "cpu", image}).exit_code == 0);

  // One bit of one weight changed (the last bytes of the file are tensor data).
  std::vector<std::uint8_t> bytes = data::read_file_bytes(model);
  bytes[bytes.size() - 17] ^= 0x01;
  const std::filesystem::path tampered = folder.path / "tampered.safetensors";
  data::write_file_bytes(tampered, bytes);
  const CommandResult changed =
      run_predict({"--model", tampered.string(), "--device", "cpu", image});
  CHECK(changed.exit_code == 2);
  CHECK(contains(changed.err, "corrupted or was modified"));
  CHECK(changed.out.empty());  // nothing is predicted with it

  // Truncated in the middle of its tensors.
  bytes = data::read_file_bytes(model);
  bytes.resize(bytes.size() - 1000);
  data::write_file_bytes(folder.path / "short.safetensors", bytes);
  CHECK(run_predict({"--model", (folder.path / "short.safetensors").string(), image}).exit_code ==
        2);

  // Foreign safetensors: valid, but without the engine's metadata.
  write_safetensors((folder.path / "foreign.safetensors").string(),
                    {{"weight", Tensor::zeros({2, 2})}}, {{"format", "pt"}});
  const CommandResult foreign =
      run_predict({"--model", (folder.path / "foreign.safetensors").string(), image});
  CHECK(foreign.exit_code == 2);
  CHECK(contains(foreign.err, "not an engine checkpoint"));

  data::write_file_text(folder.path / "text.safetensors", "hello");
  CHECK(run_predict({"--model", (folder.path / "text.safetensors").string(), image}).exit_code ==
        2);
  const CommandResult missing =
      run_predict({"--model", (folder.path / "none.safetensors").string(), image});
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "no such checkpoint file"));

  // Ours, intact, but without the preprocessing predict_app must not guess.
  models::ModelOptions options;
  auto network = models::create_model("resnet18", options);
  models::CheckpointInfo info;
  info.architecture = "resnet18";
  info.class_names = {"female", "male"};
  info.input_size = 64;
  models::save_checkpoint(folder.path / "bare.safetensors", *network, info);
  const CommandResult bare =
      run_predict({"--model", (folder.path / "bare.safetensors").string(), image});
  CHECK(bare.exit_code == 2);
  CHECK(contains(bare.err, "preprocessing metadata is missing"));
}

TEST_CASE("usage errors exit with 2; --help documents every option with its default") {
  CHECK(run_predict({}).exit_code == 2);
  CHECK(run_predict({"image.png"}).exit_code == 2);  // no --model
  const CommandResult unknown = run_predict({"--model", "m", "--tresh", "0.8", "x.png"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "unknown option --tresh"));
  CHECK(run_predict({"--model", "m", "--format", "xml", "x.png"}).exit_code == 2);
  CHECK(run_predict({"--model", "m", "--out", "/no/such/folder/out.json", "x.png"}).exit_code == 2);
  const CommandResult help = run_predict({"--help"});
  CHECK(help.exit_code == 0);
  for (const char* option :
       {"--model", "--device", "--batch-size", "--threads", "--deterministic", "--threshold",
        "--tta", "--allow-unusual-images", "--format", "--out", "--explain", "--verify-on-cpu"}) {
    const std::string name = option;
    INFO(name);
    CHECK(contains(help.out, option));
  }
  CHECK(contains(help.out, "[default: checkpoint]"));
  CHECK(contains(help.out, "[default: table]"));
}

}  // namespace engine::apps::testing
