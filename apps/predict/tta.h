// Test-time augmentation: the views of an image whose calibrated probabilities are averaged.
// Without --tta there is one view, the image as prepared. With --tta: the image, its horizontal
// flip, and rotations of +5 and -5 degrees (counter-clockwise as displayed) about the centre,
// rendered by data::render_sample in one bilinear pass as training's augmentation is. The
// rotations are half of train_app's augmentation range (+-10 degrees), so every view is one the
// network saw the like of in training; the flip is only meaningful for a model trained with flips
// (train_app's default augmentation): the output notes a checkpoint trained without augmentation.
//
// The undetermined threshold was fitted on single-view probabilities; averaging views usually
// makes probabilities less extreme, so with TTA more cases may fall in the band (the output says
// the threshold was fitted on single views).
#pragma once

#include <string>
#include <vector>

#include "data/augment.h"
#include "util/json.h"

namespace engine::apps {

struct View {
  std::string name;
  data::AugmentParameters parameters;
};

std::vector<View> prediction_views(bool tta);
Json views_json(const std::vector<View>& views);

}  // namespace engine::apps
