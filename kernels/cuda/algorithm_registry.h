// Where the convolution ops report their algorithm choices; algorithm_choices() (mode.h) reads
// them back; and the failures a test planted. Internal to kernels/cuda.
#pragma once

#include "kernels/cuda/mode.h"

namespace engine::kernels::cuda {

void remember_algorithm_choice(const AlgorithmChoice& choice);
// True (and one fewer left) while fail_next_cudnn_executions_for_testing has failures left.
bool take_planted_cudnn_failure();

}  // namespace engine::kernels::cuda
