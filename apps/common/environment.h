// What a run record says about where it ran: engine version (git describe at build time),
// compiler, BLAS, operating system, CPU threads, the device and its software versions, and the
// determinism mode.
#pragma once

#include <string>

#include "tensor/device.h"
#include "util/json.h"

namespace engine::apps {

std::string engine_version();  // "v0.1.0-42-gabcdef" (git describe), else the CMake version
Json describe_environment(Device device, bool deterministic);
// The CUDA convolutions' algorithm choices made so far in this process, in order (op, problem,
// mode, algorithm, math, reason: kernels/cuda/mode.h), replacements after an execution failure
// included; [] when nothing ran on a GPU. Call it when the work is done.
Json convolution_algorithms();
std::string describe_device(Device device);  // "cpu (2 threads)" or the GPU's name
// Resolves --device: "auto" is cuda:0 when a GPU is found, otherwise the CPU; says which on
// stderr (stdout may carry JSON or CSV). Asking for CUDA where there is none is an error with the
// reason.
Device choose_device(const std::string& requested);
std::string utc_timestamp();  // "2026-11-26T21:40:00Z"

}  // namespace engine::apps
