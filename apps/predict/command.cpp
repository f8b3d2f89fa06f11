#include "apps/predict/command.h"

#include <filesystem>
#include <string>
#include <vector>

#include "apps/common/arguments.h"
#include "apps/predict/options.h"
#include "apps/predict/output.h"
#include "apps/predict/prediction.h"
#include "data/file.h"

namespace engine::apps {

namespace {

void check_output_file(const std::string& out) {
  if (out.empty()) return;
  const std::filesystem::path parent = std::filesystem::path(out).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent)) {
    throw ArgumentError("--out " + out + ": the folder " + parent.string() + " does not exist");
  }
}

}  // namespace

int predict_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
  PredictOptions options;
  ArgumentTable table(
      "predict_app", "--model runs/NAME/best.safetensors [options] <image|folder|manifest.csv>...");
  register_predict_options(table, options);
  std::vector<std::string> command_line(argv, argv + argc);
  try {
    options.inputs = table.parse(argc, argv);
    if (table.help_requested()) {
      std::fputs(table.help().c_str(), out);
      return 0;
    }
    options.validate();
    check_output_file(options.out);
    const PredictionRun run = run_prediction(options, command_line);
    for (const PredictionItem& item : run.items) {
      if (!item.error.empty()) std::fprintf(err, "predict_app: %s\n", item.error.c_str());
      if (!item.heatmap_error.empty()) {
        std::fprintf(err, "predict_app: heatmap for %s: %s\n", item.input.label.c_str(),
                     item.heatmap_error.c_str());
      }
    }
    const std::string text = format_prediction(run);
    if (options.out.empty()) {
      std::fputs(text.c_str(), out);
    } else {
      try {
        data::write_file_text(options.out, text);
      } catch (const std::exception& error) {
        std::fprintf(err, "predict_app: %s\n", error.what());
        return 2;
      }
      std::fprintf(out, "%s; written to %s\n", summary_line(run).c_str(), options.out.c_str());
    }
    if (run.decisions_changed > 0) {
      std::fprintf(err,
                   "predict_app: the CPU reference changes %zu decision(s); see the "
                   "verification section\n",
                   run.decisions_changed);
    }
    return run.exit_code();
  } catch (const ArgumentError& error) {
    std::fprintf(err, "predict_app: %s\n", error.what());
    return 2;
  } catch (const CheckpointError& error) {
    std::fprintf(err, "predict_app: unusable checkpoint: %s\n", error.what());
    return 2;
  }
}

}  // namespace engine::apps
