// How the trace records an op's parameters (kernels/trace.h): each parameter record of
// kernels/params.h, and each plain number or flag an op takes, as a JSON value whose field names
// are the record's own. An op with a new kind of parameter adds its overload here.
#pragma once

#include "kernels/params.h"
#include "util/json.h"

namespace engine::kernels {

Json trace_json(const Conv2dGeometry& geometry);
Json trace_json(const Pool2dGeometry& geometry);
Json trace_json(const BatchNormConfig& config);
Json trace_json(const CrossEntropyConfig& config);
Json trace_json(const RandomStream& stream);
Json trace_json(const SgdConfig& config);
Json trace_json(const AdamWConfig& config);
inline Json trace_json(double value) { return Json(value); }
inline Json trace_json(bool value) { return Json(value); }

}  // namespace engine::kernels
