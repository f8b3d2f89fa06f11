// From a file on disk to the model's input, exactly as train_app prepared its validation images,
// with every setting read from the checkpoint's metadata (never re-specified by hand):
//   read the bytes (SHA-256 of them for the record) -> check the header against the sanity rules
//   -> decode (data::decode_image) -> data::preprocess with the checkpoint's side, resize mode and
//   CLAHE switch -> quantise to 16 bits as data::build_cache does -> data::render_sample with no
//   augmentation (or a TTA view) and the checkpoint's mean and std.
// The 16-bit quantisation is not needed for inference, but train_app's calibration and threshold
// were fitted on quantised images; doing the same keeps a checkpoint's validation image giving
// the very logits train_app computed for it (tests/apps/predict_preparation_test.cpp checks this
// against data::build_cache bit for bit).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "apps/predict/image_rules.h"
#include "data/augment.h"
#include "data/cache.h"
#include "data/dicom.h"
#include "models/checkpoint.h"
#include "util/json.h"

namespace engine::apps {

struct ModelInput {
  data::PreprocessConfig preprocess;
  data::Normalization normalization;
  Json description;  // what was used, for the output (includes the CLAHE parameters)
};

// Reads info.preprocessing; throws std::invalid_argument naming the missing or bad field (a
// checkpoint without it was not written by train_app).
ModelInput model_input_from(const models::CheckpointInfo& info);

// Sets the DICOM VOI choice from --dicom-window: "checkpoint" keeps the checkpoint's
// preprocessing.dicom_window ("file" when absent), "file" or "none" override it. The description
// records the choice and where it came from.
void apply_dicom_window(ModelInput& input, const std::string& option);

struct PreparedImage {
  int width = 0, height = 0, bit_depth = 0;
  std::string unusual;  // the sanity rule it broke, when --allow-unusual-images let it through
  std::shared_ptr<const data::DicomInfo> dicom;  // a DICOM file's metadata, else null
  bool had_alpha = false;  // an alpha channel was composited on black (data::alpha_composited_note)
  std::vector<std::uint16_t> pixels;  // side x side, 65535 = white (as the training cache)
  int side = 0;
  float mean = 0;  // mean gray value in [0, 1], as data::CacheEntry::mean

  data::CachedImageView view() const { return {pixels.data(), side, mean}; }
};

// `bytes`: the file's contents (the caller hashes them first, so that even a file that fails here
// is identified in the record); `source` names it in errors. Throws data::DataError
// "<source>: <what>" for an undecodable file and for a broken sanity rule (unless allow_unusual).
PreparedImage prepare_image(const std::vector<std::uint8_t>& bytes, const std::string& source,
                            const ModelInput& input, const ImageRules& rules, bool allow_unusual);

// Renders one view of the image into side x side x 3 floats (NHWC, normalised).
void render_view(const PreparedImage& image, const data::AugmentParameters& view,
                 const ModelInput& input, float* output);

}  // namespace engine::apps
