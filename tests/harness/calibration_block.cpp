#include "tests/harness/calibration_block.h"

#include <cmath>

#include "metrics/undetermined.h"

namespace engine::testing {

Json calibration_block(double temperature, bool reached, double threshold, double target) {
  metrics::UndeterminedBand band;
  band.target_accuracy = target;
  band.reached = reached;
  band.confidence_threshold = reached ? threshold : std::nan("");
  band.decided_accuracy = {19, 20};
  band.undetermined_fraction = {5, 25};
  Json json = Json::object();
  json.set("temperature", Json(temperature));
  json.set("fitted", Json(true));
  json.set("reason", Json(""));
  json.set("undetermined", metrics::to_json(band));
  return json;
}

}  // namespace engine::testing
