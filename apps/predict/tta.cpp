#include "apps/predict/tta.h"

namespace engine::apps {

std::vector<View> prediction_views(bool tta) {
  std::vector<View> views{{"original", {}}};
  if (!tta) return views;
  data::AugmentParameters flip;
  flip.flip = true;
  data::AugmentParameters left, right;
  left.angle_degrees = 5.0;
  right.angle_degrees = -5.0;
  views.push_back({"horizontal flip", flip});
  views.push_back({"rotation +5 degrees", left});
  views.push_back({"rotation -5 degrees", right});
  return views;
}

Json views_json(const std::vector<View>& views) {
  Json json = Json::array();
  for (const View& view : views) {
    Json item = Json::object();
    item.set("name", Json(view.name));
    item.set("flip", Json(view.parameters.flip));
    item.set("rotation_degrees", Json(view.parameters.angle_degrees));
    json.push_back(std::move(item));
  }
  return json;
}

}  // namespace engine::apps
