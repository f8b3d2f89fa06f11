#include "apps/predict/preparation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "data/error.h"
#include "data/format_check.h"

namespace engine::apps {

namespace {

std::array<float, 3> three_numbers(const Json& preprocessing, const char* key) {
  const Json::Array& values = preprocessing.at(key).as_array();
  if (values.size() != 3) throw std::invalid_argument(std::string(key) + " must hold 3 numbers");
  std::array<float, 3> result{};
  for (int c = 0; c < 3; ++c) result[c] = static_cast<float>(values[c].as_number());
  return result;
}

// As data/cache.cpp stores a preprocessed sample.
std::uint16_t quantise(float value) {
  return static_cast<std::uint16_t>(std::lround(std::clamp(value, 0.0f, 1.0f) * 65535.0f));
}

}  // namespace

ModelInput model_input_from(const models::CheckpointInfo& info) {
  ModelInput input;
  try {
    const Json& json = info.preprocessing;
    const std::int64_t side = json.at("side").as_integer();
    if (side <= 0 || side > 4096) throw std::invalid_argument("side " + std::to_string(side));
    input.preprocess.side = static_cast<int>(side);
    const std::string& resize = json.at("resize").as_string();
    if (resize != "pad" && resize != "squash") {
      throw std::invalid_argument("resize '" + resize + "' (expected pad or squash)");
    }
    input.preprocess.resize_mode =
        resize == "pad" ? data::ResizeMode::Pad : data::ResizeMode::Squash;
    input.preprocess.use_clahe = json.at("clahe").as_bool();
    // Checkpoints record the CLAHE parameters and the decode limit (older ones only on/off:
    // then the engine's defaults, which train_app used, apply).
    if (const Json* tiles = json.find("clahe_tiles")) {
      input.preprocess.clahe.tiles = static_cast<int>(tiles->as_integer());
      input.preprocess.clahe.clip_limit = json.at("clahe_clip_limit").as_number();
      input.preprocess.clahe.bins = static_cast<int>(json.at("clahe_bins").as_integer());
    }
    if (const Json* limit = json.find("decode_max_pixels")) {
      input.preprocess.limits.max_pixels = limit->as_integer();
    }
    input.normalization.mean = three_numbers(json, "mean");
    input.normalization.std = three_numbers(json, "std");
    for (float deviation : input.normalization.std) {
      if (!(deviation > 0)) throw std::invalid_argument("std must be positive");
    }
  } catch (const std::exception& error) {
    throw std::invalid_argument("the checkpoint's preprocessing metadata is missing or invalid (" +
                                std::string(error.what()) +
                                "); predict_app takes checkpoints written by train_app");
  }
  input.description = info.preprocessing;
  // The CLAHE parameters in force, written out so the output states everything that was done.
  Json clahe = Json::object();
  clahe.set("enabled", Json(input.preprocess.use_clahe));
  clahe.set("tiles", Json(input.preprocess.clahe.tiles));
  clahe.set("clip_limit", Json(input.preprocess.clahe.clip_limit));
  clahe.set("bins", Json(input.preprocess.clahe.bins));
  input.description.set("clahe_parameters", std::move(clahe));
  input.description.set("quantisation", Json("16 bits after resizing, as train_app's image cache"));
  return input;
}

void apply_dicom_window(ModelInput& input, const std::string& option) {
  std::string window = option;
  std::string source = "--dicom-window";
  if (option == "checkpoint") {
    const Json* recorded = input.description.find("dicom_window");
    window = recorded != nullptr && recorded->is_string() ? recorded->as_string() : "file";
    source = recorded != nullptr ? "checkpoint" : "default (the checkpoint does not say)";
  }
  if (window != "file" && window != "none") {
    throw std::invalid_argument("the checkpoint's dicom_window '" + window +
                                "' is neither 'file' nor 'none'");
  }
  input.preprocess.dicom_window =
      window == "none" ? data::DicomWindow::None : data::DicomWindow::File;
  input.description.set("dicom_window", Json(window));
  input.description.set("dicom_window_source", Json(source));
}

PreparedImage prepare_image(const std::vector<std::uint8_t>& bytes, const std::string& source,
                            const ModelInput& input, const ImageRules& rules, bool allow_unusual) {
  if (bytes.empty()) throw data::DataError(source + ": file is empty");
  PreparedImage prepared;

  // Size and bit depth are judged from the header, before anything large is decoded.
  const data::ImageHeader header = data::inspect_image(bytes, source);
  std::optional<std::string> broken = rules.check_size(header.width, header.height);
  if (!broken) broken = rules.check_bit_depth(bytes);
  if (broken && !allow_unusual) {
    throw data::DataError(source + ": " + *broken + " (--allow-unusual-images overrides)");
  }
  const data::Image decoded =
      data::decode_image(bytes, source, input.preprocess.limits, input.preprocess.dicom_window);
  if (!broken && decoded.dicom) broken = rules.check_dicom(*decoded.dicom);
  if (!broken) broken = rules.check_content(decoded);
  if (broken && !allow_unusual) {
    throw data::DataError(source + ": " + *broken + " (--allow-unusual-images overrides)");
  }
  if (broken) prepared.unusual = *broken + " (allowed by --allow-unusual-images)";
  prepared.width = decoded.width;
  prepared.height = decoded.height;
  prepared.bit_depth = decoded.bit_depth;
  prepared.dicom = decoded.dicom;
  prepared.had_alpha = decoded.had_alpha;

  const data::FloatImage square = data::preprocess(decoded, input.preprocess);
  prepared.side = square.width;
  prepared.pixels.resize(square.pixels.size());
  double sum = 0;
  for (std::size_t i = 0; i < square.pixels.size(); ++i) {
    prepared.pixels[i] = quantise(square.pixels[i]);
    sum += prepared.pixels[i];
  }
  prepared.mean = static_cast<float>(sum / 65535.0 / static_cast<double>(square.pixels.size()));
  return prepared;
}

void render_view(const PreparedImage& image, const data::AugmentParameters& view,
                 const ModelInput& input, float* output) {
  data::render_sample(image.view(), view, input.normalization, image.side, output);
}

}  // namespace engine::apps
