#include "kernels/parameter_trace.h"

#include <cstdint>
#include <string>

namespace engine::kernels {

namespace {

Json pair(std::int64_t first, std::int64_t second) { return Json(Json::Array{first, second}); }

// JSON integers are int64 here; a larger seed is written as its decimal text.
Json unsigned_json(std::uint64_t value) {
  if (value > static_cast<std::uint64_t>(INT64_MAX)) return Json(std::to_string(value));
  return Json(static_cast<std::int64_t>(value));
}

}  // namespace

Json trace_json(const Conv2dGeometry& geometry) {
  return Json(Json::Object{{"kernel", pair(geometry.kernel_h, geometry.kernel_w)},
                           {"stride", pair(geometry.stride_h, geometry.stride_w)},
                           // top, bottom, left, right
                           {"padding", Json(Json::Array{geometry.pad_top, geometry.pad_bottom,
                                                        geometry.pad_left, geometry.pad_right})},
                           {"groups", geometry.groups}});
}

Json trace_json(const Pool2dGeometry& geometry) {
  return Json(Json::Object{{"kernel", pair(geometry.kernel_h, geometry.kernel_w)},
                           {"stride", pair(geometry.stride_h, geometry.stride_w)},
                           {"padding", pair(geometry.pad_h, geometry.pad_w)},
                           {"count_include_pad", geometry.count_include_pad}});
}

Json trace_json(const BatchNormConfig& config) {
  return Json(Json::Object{{"momentum", config.momentum}, {"eps", config.eps}});
}

Json trace_json(const CrossEntropyConfig& config) {
  return Json(Json::Object{{"reduction", config.reduction == Reduction::Mean ? "mean" : "sum"},
                           {"label_smoothing", config.label_smoothing}});
}

Json trace_json(const RandomStream& stream) {
  return Json(
      Json::Object{{"seed", unsigned_json(stream.seed)}, {"offset", unsigned_json(stream.offset)}});
}

Json trace_json(const SgdConfig& config) {
  return Json(Json::Object{{"learning_rate", config.learning_rate},
                           {"momentum", config.momentum},
                           {"dampening", config.dampening},
                           {"nesterov", config.nesterov},
                           {"weight_decay", config.weight_decay},
                           {"decoupled_weight_decay", config.decoupled_weight_decay},
                           {"step", config.step}});
}

Json trace_json(const AdamWConfig& config) {
  return Json(Json::Object{{"learning_rate", config.learning_rate},
                           {"beta1", config.beta1},
                           {"beta2", config.beta2},
                           {"eps", config.eps},
                           {"weight_decay", config.weight_decay},
                           {"step", config.step}});
}

}  // namespace engine::kernels
