// train_app: trains, validates and compares the study's networks on hand radiographs (or the
// synthetic phantoms), and writes a run folder with checkpoints, predictions, metrics and a
// report. See --help for every option and its default.
//
//   train_app --data <manifest|folder> --out runs/NAME [--model resnet50 | --compare a,b,...]
//             [--folds K] [--stage ...] [options]
#include <cstdio>
#include <string>

#include "apps/common/arguments.h"
#include "apps/train/config.h"
#include "apps/train/run.h"
#include "apps/train/stage.h"

using namespace engine;

int main(int argc, char** argv) {
  apps::TrainingConfig config;
  apps::ArgumentTable table("train_app", "--data <manifest|folder> --out <run folder> [options]");
  apps::register_training_options(table, config);
  std::string command_line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) command_line += ' ';
    command_line += argv[i];
  }
  try {
    const std::vector<std::string> positional = table.parse(argc, argv);
    if (table.help_requested()) {
      std::fputs(table.help().c_str(), stdout);
      return 0;
    }
    if (!positional.empty()) {
      throw apps::ArgumentError("unexpected argument '" + positional.front() + "' (see --help)");
    }
    const apps::RunOutcome outcome = apps::run_training(config, command_line);
    std::printf("results: %s\n", outcome.results_file.c_str());
    if (!outcome.report_html.empty()) {
      std::printf("report:  %s\n         %s\n", outcome.report_markdown.c_str(),
                  outcome.report_html.c_str());
    }
    return 0;
  } catch (const apps::ArgumentError& error) {
    std::fprintf(stderr, "train_app: %s\n", error.what());
    return 2;
  } catch (const apps::TrainingDiverged& error) {
    std::fprintf(stderr, "\ntrain_app: %s\n", error.what());
    return 3;
  } catch (const apps::TrainingInterrupted& error) {
    std::fprintf(stderr, "\ntrain_app: %s\n", error.what());
    return 4;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "\ntrain_app: %s\n", error.what());
    return 1;
  }
}
