// predict_app's outputs, checked against its inputs before any work (apps/common/output_guard.h):
// --out and every --explain heatmap may not be the model, a manifest or an image of the run
// (after symbolic links, or as a hard link), may not replace a file predict_app did not write,
// and replace predict_app's own earlier output only with --overwrite.
//
// predict_app recognises its own files by their first bytes (the first 4 KiB):
//   --out, table:  the first line "predict_app <version>: sex estimated from hand radiographs"
//   --out, CSV:    the header "index,image,file,status,estimate,..."
//   --out, JSON:   an object whose text names "program": "predict_app"
//   heatmaps:      a PNG whose tEXt chunk "Software" starts with "predict_app "
// Any of the three --out forms counts as an earlier output, whatever --format is now.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "apps/predict/inputs.h"
#include "apps/predict/options.h"

namespace engine::apps {

// "NNNN_<image name>_gradcam.png", NNNN the item's 1-based position in the run.
std::string heatmap_file_name(std::size_t index, const InputItem& item);

bool is_prediction_output(const std::filesystem::path& file);
bool is_heatmap_output(const std::filesystem::path& file);

// Throws OutputRefused (an ArgumentError) naming the output and the file it collides with.
void check_prediction_outputs(const PredictOptions& options, const ExpandedInputs& inputs);

}  // namespace engine::apps
