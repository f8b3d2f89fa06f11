#include "apps/predict/command.h"

#include <filesystem>
#include <string>
#include <vector>

#include "apps/common/arguments.h"
#include "apps/predict/ensemble.h"
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

// --model given more than once: refused. An ad-hoc set of models has no band fitted on
// validation for their combination; train_app --compare --ensemble fits one.
void check_single_model(int argc, const char* const* argv) {
  int count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--model" || argument.rfind("--model=", 0) == 0) ++count;
  }
  if (count > 1) {
    throw ArgumentError("--model was given " + std::to_string(count) +
                        " times: predict_app runs one model, or an ensemble with --ensemble "
                        "FILE (train_app --compare ... --ensemble writes it, with the "
                        "temperature and undetermined band fitted for the combination)");
  }
}

void write_output(const std::string& out, const std::string& text) {
  data::write_file_text(out, text);
}

// --ensemble: verify, run every member, combine, write.
int ensemble_command(const PredictOptions& options, const std::vector<std::string>& command_line,
                     std::FILE* out, std::FILE* err) {
  const EnsemblePrediction prediction = run_ensemble_prediction(options, command_line);
  for (const EnsembleCase& one : prediction.cases) {
    if (!one.predicted) std::fprintf(err, "predict_app: %s\n", one.error.c_str());
  }
  const std::string text = format_ensemble_prediction(prediction);
  if (options.out.empty()) {
    std::fputs(text.c_str(), out);
  } else {
    try {
      write_output(options.out, text);
    } catch (const std::exception& error) {
      std::fprintf(err, "predict_app: %s\n", error.what());
      return 2;
    }
    std::fprintf(out, "%s; written to %s\n", ensemble_summary_line(prediction).c_str(),
                 options.out.c_str());
  }
  return prediction.exit_code();
}

}  // namespace

int predict_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
  PredictOptions options;
  ArgumentTable table(
      "predict_app",
      "--model runs/NAME/best.safetensors | --ensemble runs/NAME/ensemble/ensemble.json "
      "[options] <image|folder|manifest.csv>...");
  register_predict_options(table, options);
  std::vector<std::string> command_line(argv, argv + argc);
  try {
    options.inputs = table.parse(argc, argv);
    if (table.help_requested()) {
      std::fputs(table.help().c_str(), out);
      return 0;
    }
    check_single_model(argc, argv);
    options.validate();
    check_output_file(options.out);
    if (!options.ensemble.empty()) return ensemble_command(options, command_line, out, err);
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
    std::fprintf(err, "predict_app: unusable %s: %s\n",
                 options.ensemble.empty() ? "checkpoint" : "ensemble", error.what());
    return 2;
  }
}

}  // namespace engine::apps
