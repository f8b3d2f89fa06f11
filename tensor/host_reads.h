// Host reads: the places where host code takes a tensor's values, and so, on a GPU, waits for the
// device. Counted per thread, by the kind of device the values came from, so that a test can check
// how often a piece of code synchronises (a training step: apps/train/step.h).
//
// Counted, one read each:
//   Tensor::to_vector() and Tensor::item() (item() is one to_vector()), on any device;
//   Tensor::to(Device::cpu()) of a tensor on a GPU (the copy to the host).
// On a GPU each is a synchronisation: the copy waits for every op queued before it. On the CPU
// nothing waits, but to_vector() and item() are where host code takes the values, as it would
// from a GPU, so a CPU run of code that reads values through them counts the reads a GPU run
// makes: x.to(Device::cpu()).item() counts one on either device (to(cpu) of a CPU tensor is the
// tensor itself, and counts nothing). Code that copies to the host and then reads through
// data<T>() is only counted on a GPU.
// Not counted: copies to a GPU (synchronous too: device_runtime::copy_bytes), and reads made by
// other threads. Trace mode reads every op's output (for its checksum): count with it off.
#pragma once

#include <cstdint>

#include "tensor/device.h"

namespace engine {

// Host reads this thread has made from tensors on devices of `kind` since it started.
std::int64_t host_reads(DeviceKind kind);

// Called by Tensor at each counted read (tensor.cpp).
void note_host_read(Device source);

}  // namespace engine
