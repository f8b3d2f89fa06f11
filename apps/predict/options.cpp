#include "apps/predict/options.h"

#include <cmath>
#include <cstdlib>

namespace engine::apps {

void register_predict_options(ArgumentTable& table, PredictOptions& options) {
  table.section("What to run");
  table.text("model", &options.model,
             "the checkpoint train_app wrote (runs/NAME/best.safetensors); preprocessing, "
             "calibration and the undetermined threshold come from it");
  table.text("ensemble", &options.ensemble,
             "instead of --model: the ensemble/ensemble.json of train_app --compare --ensemble; "
             "its digest and every member checkpoint's hashes are verified, every member runs, "
             "and their calibrated logit margins are averaged and decided with the ensemble's "
             "own temperature and band (not with --tta, --explain or --verify-on-cpu)");
  table.text("device", &options.device, "auto (a GPU when one is found), cpu, or cuda:N");
  table.integer("batch-size", &options.batch_size, "images per forward pass", 1, 4096);
  table.integer("threads", &options.threads, "CPU threads (0: one per core)", 0, 1024);
  table.flag("deterministic", &options.deterministic,
             "bitwise-reproducible GPU kernels (off: fast mode, TF32 and any cuDNN algorithm; "
             "recorded in the output)");

  table.text("dicom-window", &options.dicom_window,
             "how a DICOM file's values become gray: 'file' (its VOI LUT, else its Window "
             "Center/Width, else the full stored range), 'none' (always the full stored range), "
             "'checkpoint' (what train_app used; 'file' when the checkpoint does not say)",
             {"checkpoint", "file", "none"});

  table.section("Decisions");
  table.text("threshold", &options.threshold,
             "confidence max(p, 1 - p) a case needs to be decided, in [0.5, 1]; 'checkpoint' "
             "uses the one fitted on the validation set (stated in the output)");
  table.flag("tta", &options.tta,
             "test-time augmentation: average the calibrated probabilities of the image, its "
             "horizontal flip and rotations of +5 and -5 degrees");
  table.flag("allow-unusual-images", &options.allow_unusual_images,
             "predict on images that break the sanity rules for a hand radiograph (size, aspect "
             "ratio, bit depth, a blank image); recorded in the output");
  table.flag("allow-outside-paths", &options.allow_outside_paths,
             "read manifest paths that resolve (after symbolic links) outside the manifest's "
             "folder; recorded in the output");

  table.section("Output");
  table.text("format", &options.format, "what is written", {"table", "json", "csv"});
  table.text("out", &options.out, "file to write instead of standard output");
  table.text("explain", &options.explain,
             "folder for one Grad-CAM heatmap PNG per image (the predicted class, over the "
             "radiograph, with a colour scale)");
  table.flag("verify-on-cpu", &options.verify_on_cpu,
             "rerun every forward pass on the CPU's loop-level reference kernels and report the "
             "largest deviation per layer and any decision that changes");
  table.flag("overwrite", &options.overwrite,
             "replace predict_app's own earlier output (--out, heatmaps); a file that is an input "
             "or not predict_app's output is never replaced");
}

double PredictOptions::threshold_override() const {
  if (threshold == "checkpoint") return -1.0;
  char* end = nullptr;
  const double value = std::strtod(threshold.c_str(), &end);
  if (threshold.empty() || end != threshold.c_str() + threshold.size() || !std::isfinite(value) ||
      value < 0.5 || value > 1.0) {
    throw ArgumentError("--threshold: '" + threshold +
                        "' is neither 'checkpoint' nor a confidence in [0.5, 1]");
  }
  return value;
}

void PredictOptions::validate() const {
  if (!ensemble.empty()) {
    if (!model.empty()) {
      throw ArgumentError(
          "--ensemble and --model cannot be combined: the ensemble file names "
          "its member checkpoints");
    }
    for (const auto& [given, name] :
         {std::pair{tta, "--tta"}, std::pair{!explain.empty(), "--explain"},
          std::pair{verify_on_cpu, "--verify-on-cpu"}}) {
      if (given) {
        throw ArgumentError(std::string(name) +
                            " cannot be combined with --ensemble: predict_app does not support "
                            "it for ensembles; run it with each member's --model instead");
      }
    }
  } else if (model.empty()) {
    throw ArgumentError("--model is required (a best.safetensors of train_app), or --ensemble");
  }
  if (inputs.empty()) {
    throw ArgumentError("no input: give image files, folders of images or CSV manifests");
  }
  threshold_override();
}

}  // namespace engine::apps
