// train_app checks everything before it writes (issue 14): a refused --resume changes nothing on
// disk (item 3); an input inside the run folder is refused (item 1); too little data (item 6)
// and bad --class-weights (item 7) stop before the run folder exists; --skip-bad-files keeps
// unreadable files out of the counts and the split, a resumed run's results.json counts every
// segment's time, an alpha channel is noted, manifest paths stay in their folder (item 8).
#include <doctest/doctest.h>
#include <stb_image_write.h>

#include <map>

#include "apps/train/run.h"
#include "apps/train/stage.h"
#include "data/decode.h"
#include "data/file.h"
#include "data/phantom.h"
#include "models/checkpoint.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every file below `folder` with its bytes.
std::map<std::string, std::vector<std::uint8_t>> snapshot(const std::filesystem::path& folder) {
  std::map<std::string, std::vector<std::uint8_t>> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) files[entry.path().string()] = data::read_file_bytes(entry.path());
  }
  return files;
}

Json read_json(const std::filesystem::path& file) {
  return Json::parse(data::read_file_text(file));
}

// `count` phantoms at 64 px in `folder` (even indices female), written for one test.
std::filesystem::path small_dataset(const std::filesystem::path& folder, int count) {
  data::write_phantom_dataset(folder, count, 17, 64);
  return folder;
}

// A manifest in `folder` listing the phantoms of `source` whose index passes `keep`.
void write_subset(const std::filesystem::path& folder, const std::filesystem::path& source,
                  int count, bool (*keep)(int)) {
  std::string manifest = "path,sex,id\n";
  for (int index = 0; index < count; ++index) {
    if (!keep(index)) continue;
    const std::string name = data::phantom_file_name(index);
    std::filesystem::copy_file(source / name, folder / name);
    manifest += name + "," + (index % 2 == 0 ? "F" : "M") + ",hand-" + std::to_string(index) + "\n";
  }
  data::write_file_text(folder / "manifest.csv", manifest);
}

std::string refusal(TrainingConfig config) {
  try {
    run_training(config, "train_app (test)");
  } catch (const std::exception& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a refused --resume changes nothing on disk") {
  TemporaryFolder out("apps_refused_resume"), data_folder("apps_refused_resume_data");
  TrainingConfig config = small_config(out.path);
  config.data = small_dataset(data_folder.path, 40).string();
  config.epochs = 1;
  run_training(config, "train_app (test)");
  const auto before = snapshot(out.path);
  REQUIRE(before.count((out.path / "config.json").string()) == 1);

  config.resume = true;
  config.learning_rate = 0.002;
  const std::string changed = refusal(config);
  CHECK(contains(changed, "different settings"));
  CHECK(contains(changed, "learning_rate: 0.001 in config.json, 0.002 now"));
  CHECK(contains(changed, "Nothing was changed"));
  CHECK(snapshot(out.path) == before);

  // The same options on changed data: the split would differ from split.csv.
  config.learning_rate = 0;
  const std::string manifest = data::read_file_text(data_folder.path / "manifest.csv");
  data::write_file_text(data_folder.path / "manifest.csv",
                        manifest.substr(0, manifest.rfind('\n', manifest.size() - 2) + 1));
  CHECK(contains(refusal(config), "the split drawn now differs from"));
  CHECK(snapshot(out.path) == before);

  // An input inside the run folder (here the initial weights) would be rewritten by the run.
  data::write_file_text(data_folder.path / "manifest.csv", manifest);
  config.init = (out.path / "resnet18" / "best.safetensors").string();
  const std::string inside = refusal(config);
  CHECK(contains(inside, "refused: the initial weights (--init) " + config.init));
  CHECK(contains(inside, "lies inside"));
  CHECK(snapshot(out.path) == before);
}

TEST_CASE("too little data stops before anything is written, saying why") {
  TemporaryFolder out("apps_little"), source("apps_little_source"), data_folder("apps_little_data");
  small_dataset(source.path, 20);
  TrainingConfig config = small_config(out.path);
  config.data = data_folder.path.string();

  std::filesystem::create_directories(data_folder.path);
  write_subset(data_folder.path, source.path, 20, [](int index) { return index % 2 == 0; });
  std::string why = refusal(config);
  CHECK(contains(why, "holds 10 female and 0 male image(s): training needs images of both sexes"));
  CHECK_FALSE(std::filesystem::exists(out.path));

  std::filesystem::remove_all(data_folder.path);
  std::filesystem::create_directories(data_folder.path);
  write_subset(data_folder.path, source.path, 20, [](int index) { return index < 4; });
  why = refusal(config);
  CHECK(contains(why, "not enough data: --data " + config.data +
                          " (2 female and 2 male image(s)) leaves the validation part with 0 "
                          "female and 0 male image(s)"));
  CHECK(contains(why, "--validation-fraction 0.15"));
  CHECK_FALSE(std::filesystem::exists(out.path));

  config.data = source.path.string();
  config.folds = 12;
  why = refusal(config);
  CHECK(contains(why, "leaves fold 11 with"));
  CHECK(contains(why, "use fewer --folds"));
  CHECK_FALSE(std::filesystem::exists(out.path));
}

TEST_CASE("--class-weights: non-finite, non-positive or absurd weights are refused by name") {
  TemporaryFolder out("apps_weights");
  TrainingConfig config = small_config(out.path);
  for (const char* bad :
       {"1e300,1", "nan,1", "inf,1", "1,-inf", "0,1", "-2,1", "0.001,1", "1,101", "1e400,1"}) {
    INFO(bad);
    config.class_weights = bad;
    CHECK_THROWS_WITH_AS(config.validate(), doctest::Contains("outside [0.01, 100]"),
                         ArgumentError);
    CHECK(contains(refusal(config), "--class-weights"));
    CHECK_FALSE(std::filesystem::exists(out.path));
  }
  for (const char* malformed : {"1,", ",1", "a,b", "1;2", "1,2,3", "+1,2", "1 ,2"}) {
    INFO(malformed);
    config.class_weights = malformed;
    CHECK_THROWS_WITH_AS(config.validate(),
                         doctest::Contains("is not none, balanced, or two numbers"), ArgumentError);
  }
  for (const char* good : {"none", "balanced", "2,1", "0.01,100", "1.5e1,3"}) {
    config.class_weights = good;
    CHECK_NOTHROW(config.validate());
  }
  config.class_weights = "0.5,2";
  CHECK(config.fixed_class_weights() == std::array<double, 2>{0.5, 2.0});
}

TEST_CASE("skipped files, alpha channels and every segment's time are in the run record") {
  TemporaryFolder out("apps_record"), data_folder("apps_record_data");
  small_dataset(data_folder.path, 40);
  // Image 0 becomes RGBA; a line naming an unreadable file is added.
  std::vector<std::uint8_t> rgba(64 * 64 * 4);
  for (std::size_t i = 0; i < rgba.size(); ++i) rgba[i] = static_cast<std::uint8_t>(i * 5 + 3);
  const std::filesystem::path first = data_folder.path / data::phantom_file_name(0);
  REQUIRE(stbi_write_png(first.c_str(), 64, 64, 4, rgba.data(), 64 * 4) != 0);
  data::write_file_text(data_folder.path / "broken.png", "not an image");
  data::write_file_text(data_folder.path / "manifest.csv",
                        data::read_file_text(data_folder.path / "manifest.csv") +
                            "broken.png,F,broken-1,unreadable\n");

  TrainingConfig config = small_config(out.path);
  config.data = data_folder.path.string();
  config.epochs = 2;
  config.skip_bad_files = true;
  config.interrupt_after_epochs = 1;
  CHECK_THROWS_AS(run_training(config, "train_app (part 1)"), TrainingInterrupted);
  config.resume = true;
  config.interrupt_after_epochs = 0;
  const RunOutcome outcome = run_training(config, "train_app (part 2)");

  const Json results = read_json(outcome.results_file);
  const Json& record = results.at("data");
  CHECK(record.at("images").as_integer() == 40);  // the unreadable file is not counted
  CHECK(record.at("female").as_integer() == 20);
  REQUIRE(record.at("skipped").as_array().size() == 1);
  CHECK(contains(record.at("skipped").dump(), "broken.png"));
  CHECK_FALSE(contains(data::read_file_text(out.path / "split.csv"), "broken.png"));
  CHECK(contains(data::read_file_text(out.path / "skipped.csv"), "broken.png"));
  const Json& alpha = record.at("alpha_composited");
  CHECK(alpha.at("note").as_string() == data::alpha_composited_note);
  REQUIRE(alpha.at("files").as_array().size() == 1);
  CHECK(alpha.at("files").as_array()[0].at("file").as_string() == first.string());

  const Json& run = results.at("run");
  const Json::Array& segments = run.at("segments").as_array();
  REQUIRE(segments.size() == 2);
  CHECK(contains(segments[0].at("outcome").as_string(), "interrupted"));
  CHECK(segments[0].at("command").as_string() == "train_app (part 1)");
  CHECK(segments[1].at("command").as_string() == "train_app (part 2)");
  const double first_seconds = segments[0].at("seconds").as_number();
  CHECK(first_seconds > 0);
  CHECK(run.at("seconds").as_number() ==
        doctest::Approx(first_seconds + run.at("seconds_this_segment").as_number()));
  // The run record keeps the final checkpoint's signature and file hash, to compare against.
  const Json& model = results.at("models").as_array()[0];
  const std::filesystem::path best = out.path / "resnet18" / "best.safetensors";
  CHECK(model.at("checkpoint_sha256").as_string() ==
        models::read_checkpoint(best).checkpoint_sha256);
  CHECK(model.at("checkpoint_file_sha256").as_string() == data::sha256_file_hex(best));
  const Json configuration = read_json(out.path / "config.json");
  CHECK(configuration.at("segments").as_array().back().at("outcome").as_string() == "completed");
  CHECK_FALSE(configuration.at("options").at("allow_outside_paths").as_bool());
}

TEST_CASE("a manifest path outside the manifest's folder stops the run before it writes") {
  TemporaryFolder out("apps_outside"), data_folder("apps_outside_data");
  small_dataset(data_folder.path, 20);
  data::write_file_text(
      data_folder.path / "manifest.csv",
      data::read_file_text(data_folder.path / "manifest.csv") + "/etc/passwd,M,outside-1,x\n");
  TrainingConfig config = small_config(out.path);
  config.data = data_folder.path.string();
  CHECK(contains(refusal(config),
                 "'/etc/passwd' resolves to /etc/passwd, outside the manifest's "
                 "folder"));
  CHECK_FALSE(std::filesystem::exists(out.path));
}

}  // namespace engine::apps::testing
