// The one stream per GPU on which everything of that device runs in order: every op, library call
// and copy (kernels/cuda/context.h says why one). The device runtime owns it, so that the tensor
// layer's copies (runtime.cu) and the kernels layer's ops queue on the same stream.
#pragma once

#include <cuda_runtime.h>

namespace engine::device_runtime {

// The stream of cuda:<device_index>, created on first use (a blocking stream, so anything on the
// legacy default stream stays ordered with it) and kept until the process exits. Makes that GPU
// the calling thread's current device. Throws, naming the reason, when there is no such GPU.
cudaStream_t cuda_stream(int device_index);

}  // namespace engine::device_runtime
