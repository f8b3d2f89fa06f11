#include "tests/apps/predict_support.h"

#include <cstdio>

#include "apps/predict/command.h"
#include "data/augment.h"
#include "data/file.h"
#include "data/phantom.h"
#include "models/checkpoint.h"
#include "models/registry.h"

namespace engine::apps::testing {

void write_test_checkpoint(const std::filesystem::path& file, const std::string& architecture,
                           std::int64_t input_size, const Json& calibration, std::uint64_t seed) {
  models::ModelOptions options;
  options.seed = seed;
  options.auxiliary_head = false;
  auto model = models::create_model(architecture, options);
  models::CheckpointInfo info;
  info.architecture = architecture;
  info.options = options;
  info.class_names = {"female", "male"};
  info.input_size = input_size;
  const data::Normalization normalization = data::Normalization::imagenet();
  Json preprocessing = Json::object();
  preprocessing.set("side", Json(input_size));
  preprocessing.set("resize", Json("pad"));
  preprocessing.set("clahe", Json(false));
  preprocessing.set("channels", Json("gray replicated to 3"));
  Json mean = Json::array(), deviation = Json::array();
  for (int c = 0; c < 3; ++c) {
    mean.push_back(Json(static_cast<double>(normalization.mean[c])));
    deviation.push_back(Json(static_cast<double>(normalization.std[c])));
  }
  preprocessing.set("mean", std::move(mean));
  preprocessing.set("std", std::move(deviation));
  info.preprocessing = std::move(preprocessing);
  info.calibration = calibration;
  models::save_checkpoint(file, *model, info);
}

std::vector<std::filesystem::path> write_phantoms(const std::filesystem::path& folder, int count,
                                                  std::uint64_t seed, int size) {
  data::write_phantom_dataset(folder, count, seed, size);
  std::vector<std::filesystem::path> files;
  for (const data::Record& record : data::read_manifest(folder / "manifest.csv").records) {
    files.push_back(record.file);
  }
  return files;
}

namespace {

std::string read_back(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[4096];
  std::size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, read);
  std::fclose(file);
  return text;
}

}  // namespace

CommandResult run_predict(const std::vector<std::string>& arguments) {
  std::vector<const char*> argv = {"predict_app"};
  for (const std::string& argument : arguments) argv.push_back(argument.c_str());
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  CommandResult result;
  result.exit_code = predict_command(static_cast<int>(argv.size()), argv.data(), out, err);
  result.out = read_back(out);
  result.err = read_back(err);
  return result;
}

Json read_json_file(const std::filesystem::path& file) {
  return Json::parse(data::read_file_text(file));
}

}  // namespace engine::apps::testing
