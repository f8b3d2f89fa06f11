// Where the convolution ops report their algorithm choices; algorithm_choices() (mode.h) reads
// them back. Internal to kernels/cuda.
#pragma once

#include "kernels/cuda/mode.h"

namespace engine::kernels::cuda {

void remember_algorithm_choice(const AlgorithmChoice& choice);

}  // namespace engine::kernels::cuda
