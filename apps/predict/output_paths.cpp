#include "apps/predict/output_paths.h"

#include <cstdio>

#include "apps/common/output_guard.h"

namespace engine::apps {

std::string heatmap_file_name(std::size_t index, const InputItem& item) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%04zu_", index);
  return prefix + item.file.stem().string() + "_gradcam.png";
}

bool is_prediction_output(const std::filesystem::path& file) {
  const std::string head = file_head(file);
  const std::string first_line = head.substr(0, head.find('\n'));
  if (starts_with(first_line, "predict_app ") &&
      first_line.find(": sex estimated from hand radiographs") != std::string::npos) {
    return true;
  }
  if (starts_with(head, "index,image,file,status,estimate,")) return true;
  return starts_with(head, "{") && head.find("\"program\": \"predict_app\"") != std::string::npos;
}

bool is_heatmap_output(const std::filesystem::path& file) {
  static const std::string signature = "\x89PNG\r\n\x1a\n";
  static const std::string software = std::string("tEXtSoftware") + '\0' + "predict_app ";
  const std::string head = file_head(file);
  return starts_with(head, signature) && head.find(software) != std::string::npos;
}

void check_prediction_outputs(const PredictOptions& options, const ExpandedInputs& inputs) {
  OutputGuard guard("predict_app", options.overwrite);
  guard.add_input(options.model, "the model (--model)");
  for (const std::filesystem::path& manifest : inputs.manifests) {
    guard.add_input(manifest, "the manifest");
  }
  for (const InputItem& item : inputs.items) guard.add_input(item.file, "the input image");
  if (!options.out.empty())
    guard.check_file(options.out, "--out " + options.out, is_prediction_output);
  if (options.explain.empty()) return;
  for (std::size_t i = 0; i < inputs.items.size(); ++i) {
    const InputItem& item = inputs.items[i];
    if (!item.error.empty()) continue;  // fails before any image is read: no heatmap
    const std::filesystem::path file =
        std::filesystem::path(options.explain) / heatmap_file_name(i + 1, item);
    guard.check_file(file, "--explain heatmap " + file.string(), is_heatmap_output);
  }
}

}  // namespace engine::apps
