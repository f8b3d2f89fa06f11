// predict_app: estimates sex from hand radiographs with a checkpoint written by train_app:
// calibrated probabilities, an undetermined band, optional Grad-CAM heatmaps, test-time
// augmentation and a check against the CPU reference, with the provenance of every prediction.
// See --help and docs/PREDICT.md.
//
//   predict_app --model runs/NAME/best.safetensors [options] <image|folder|manifest.csv>...
#include <cstdio>
#include <exception>

#include "apps/predict/command.h"

int main(int argc, char** argv) {
  try {
    return engine::apps::predict_command(argc, argv, stdout, stderr);
  } catch (const std::exception& error) {
    // Anything not attributable to one image or to the command line: a defect, said plainly.
    std::fprintf(stderr, "predict_app: internal error: %s\n", error.what());
    return 4;
  }
}
