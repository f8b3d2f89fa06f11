#include "apps/predict/batch.h"

#include <chrono>
#include <cstdio>
#include <exception>

#include "apps/common/environment.h"
#include "apps/predict/heatmap_image.h"
#include "apps/predict/output_paths.h"
#include "autograd/autograd.h"
#include "data/file.h"
#include "explain/grad_cam.h"
#include "metrics/classes.h"
#include "util/sha256.h"

namespace engine::apps {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Tensor render_batch(const std::vector<PreparedImage>& images, const View& view,
                    const ModelInput& input) {
  const int side = input.preprocess.side;
  const std::size_t area = static_cast<std::size_t>(side) * side * 3;
  std::vector<float> values(images.size() * area);
  for (std::size_t i = 0; i < images.size(); ++i) {
    render_view(images[i], view.parameters, input, values.data() + i * area);
  }
  return Tensor::from_vector(values, {static_cast<std::int64_t>(images.size()), side, side, 3});
}

std::vector<double> forward_logits(models::Model& model, const Tensor& images, Device device) {
  NoGradGuard no_grad;
  return model.forward(images.to(device)).to(Device::cpu()).to(DType::Float64).to_vector<double>();
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

void explain(BatchContext& context, const std::vector<PredictionItem*>& items,
             const std::vector<PreparedImage>& images, const Tensor& original_view) {
  const PredictionRun& run = context.run;
  std::vector<int> classes;
  for (const PredictionItem* item : items) {
    classes.push_back(metrics::predicted_class(item->estimate.probability_class1));
  }
  std::vector<explain::GradCam> cams;
  try {
    cams = explain::grad_cam(context.model, original_view.to(run.device), classes);
  } catch (const std::exception& error) {
    for (PredictionItem* item : items)
      item->heatmap_error = std::string("Grad-CAM: ") + error.what();
    return;
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    PredictionItem& item = *items[i];
    const explain::GradCam& cam = cams[i];
    HeatmapCaption caption{run.info.architecture, run.feature_layer,
                           run.policy.class_names.of(cam.explained_class), item.estimate.name,
                           "predict_app " + engine_version()};
    const std::filesystem::path file =
        std::filesystem::path(run.options.explain) / heatmap_file_name(item.index, item.input);
    try {
      data::write_file_bytes(file, heatmap_png(images[i].pixels, cam, caption));
    } catch (const std::exception& error) {
      item.heatmap_error = error.what();
      continue;
    }
    Json json = Json::object();
    json.set("file", Json(file.string()));
    json.set("method", Json("Grad-CAM through the engine's autograd"));
    json.set("layer", Json(run.feature_layer));
    json.set("explained_class", Json(caption.class_name));
    json.set("explained_class_reason",
             Json(item.estimate.decision.determined
                      ? "the estimate"
                      : "undetermined: the class with the higher calibrated probability"));
    json.set("view", Json(run.views.front().name));
    Json map_size = Json::array();
    map_size.push_back(Json(cam.feature_height));
    map_size.push_back(Json(cam.feature_width));
    json.set("feature_map_size", std::move(map_size));
    json.set("raw_maximum", Json(cam.maximum));
    json.set("scale", Json(cam.empty() ? "the map is 0 everywhere: no positive evidence"
                                       : "per image: 0 = no positive evidence, 1 = raw_maximum"));
    Json peak = Json::array();
    peak.push_back(Json(cam.peak_x));
    peak.push_back(Json(cam.peak_y));
    json.set("peak_input_pixel_xy", std::move(peak));
    json.set("description", Json(heatmap_description(cam, caption)));
    item.heatmap = std::move(json);
  }
}

// Reads and prepares each image of the batch; an image that cannot be read or prepared fails
// alone, named. Returns the items that go on, with their prepared images in `images`.
std::vector<PredictionItem*> prepare_items(const PredictionRun& run,
                                           const std::vector<PredictionItem*>& batch,
                                           std::vector<PreparedImage>& images) {
  std::vector<PredictionItem*> items;
  for (PredictionItem* item : batch) {
    try {
      const std::vector<std::uint8_t> bytes = data::read_file_bytes(item->input.file);
      item->image_sha256 = sha256_hex(bytes);
      PreparedImage image = prepare_image(bytes, item->input.file.string(), run.input, run.rules,
                                          run.options.allow_unusual_images);
      item->width = image.width;
      item->height = image.height;
      item->bit_depth = image.bit_depth;
      item->unusual = image.unusual;
      item->dicom = image.dicom;
      if (image.had_alpha) item->notes.push_back(data::alpha_composited_note);
      images.push_back(std::move(image));
      items.push_back(item);
    } catch (const std::exception& error) {
      item->error = error.what();
    }
  }
  return items;
}

// Every view of the batch through the model (and the CPU reference with --verify-on-cpu): each
// item's logits and calibrated probability per view, the reference's probabilities in
// `reference_probabilities`. Returns the first view's input (for Grad-CAM); throws when a
// forward pass fails.
Tensor run_views(BatchContext& context, const std::vector<PredictionItem*>& items,
                 const std::vector<PreparedImage>& images,
                 std::vector<std::vector<double>>& reference_probabilities) {
  const PredictionRun& run = context.run;
  Tensor original_view;
  for (const View& view : run.views) {
    const Tensor input = render_batch(images, view, run.input);
    if (!original_view.defined()) original_view = input;
    std::vector<double> logits, reference;
    if (context.verifier != nullptr) {
      reference = context.verifier->compare(input, logits);
    } else {
      logits = forward_logits(context.model, input, run.device);
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      const double female = logits[2 * i], male = logits[2 * i + 1];
      items[i]->view_logits.push_back({female, male});
      items[i]->view_probabilities.push_back(
          metrics::calibrated_probability_class1(female, male, run.policy));
      if (!reference.empty()) {
        reference_probabilities[i].push_back(metrics::calibrated_probability_class1(
            reference[2 * i], reference[2 * i + 1], run.policy));
      }
    }
  }
  return original_view;
}

// Each item's estimate from its views' mean probability (and the reference's).
void decide(const PredictionRun& run, const std::vector<PredictionItem*>& items,
            const std::vector<std::vector<double>>& reference_probabilities) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    PredictionItem& item = *items[i];
    try {
      item.estimate = metrics::estimate(mean(item.view_probabilities), run.policy);
      if (!reference_probabilities[i].empty()) {
        item.reference = metrics::estimate(mean(reference_probabilities[i]), run.policy);
      }
      item.predicted = true;
    } catch (const std::exception& error) {  // a non-finite logit: a broken model, not a number
      item.error = item.input.file.string() + ": the model produced no usable probability (" +
                   error.what() + ")";
    }
    item.time_utc = utc_timestamp();
  }
}

// --explain: Grad-CAM heatmaps of the items that got an estimate.
void explain_predicted(BatchContext& context, const std::vector<PredictionItem*>& items,
                       const std::vector<PreparedImage>& images, const Tensor& original_view) {
  const PredictionRun& run = context.run;
  std::vector<PredictionItem*> explained;
  std::vector<PreparedImage> explained_images;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i]->predicted) continue;
    explained.push_back(items[i]);
    explained_images.push_back(images[i]);
  }
  if (explained.size() == items.size()) {
    explain(context, explained, explained_images, original_view);
  } else if (!explained.empty()) {
    // Only the usable images are explained; re-render them as their own batch.
    explain(context, explained, explained_images,
            render_batch(explained_images, run.views.front(), run.input));
  }
}

}  // namespace

void predict_batch(BatchContext& context, const std::vector<PredictionItem*>& batch) {
  const PredictionRun& run = context.run;
  const auto started = Clock::now();
  std::vector<PreparedImage> images;
  const std::vector<PredictionItem*> items = prepare_items(run, batch, images);
  if (items.empty()) return;

  std::vector<std::vector<double>> reference_probabilities(items.size());
  const double verification_before =
      context.verifier != nullptr ? context.verifier->verification_seconds() : 0.0;
  Tensor original_view;
  try {
    original_view = run_views(context, items, images, reference_probabilities);
  } catch (const std::exception& error) {
    // A forward pass that fails (device memory, a backend error) fails this batch's images,
    // named, and the run goes on with the next batch.
    for (PredictionItem* item : items) {
      item->error = item->input.file.string() + ": inference failed: " + error.what();
    }
    return;
  }
  decide(run, items, reference_probabilities);
  if (context.prediction_seconds != nullptr) {
    // The throughput figure is the prediction's own: the verification is not part of it.
    *context.prediction_seconds +=
        seconds_since(started) -
        (context.verifier != nullptr
             ? context.verifier->verification_seconds() - verification_before
             : 0.0);
  }
  if (!run.options.explain.empty()) explain_predicted(context, items, images, original_view);
}

}  // namespace engine::apps
