// Which algorithm runs a convolution pass, chosen once per (pass, problem, mode) and remembered
// for the process; cudnn_convolution.h states the rules.
//
// The cuDNN 9 headers may mark the legacy convolution API deprecated (cudnn_calls.cu says why the
// engine uses it); silenced for this file, which sets descriptors' math types through it.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/cuda/algorithm_registry.h"
#include "kernels/cuda/cudnn_calls.h"
#include "kernels/cuda/cudnn_check.h"
#include "kernels/cuda/cudnn_convolution.h"
#include "kernels/cuda/mode.h"
#include "kernels/cuda/trace_notes.h"

namespace engine::kernels::cuda {

namespace {

// No algorithm may ask for more scratch than this; cudnnFind gets at most this much.
constexpr std::size_t maximum_workspace = std::size_t{1} << 30;

// A cuDNN algorithm acceptable for a problem in the current mode, with what running it needs.
struct Runnable {
  int algorithm = 0;
  std::string name;
  cudnnMathType_t math = CUDNN_DEFAULT_MATH;
  std::size_t workspace = 0;
};

// The acceptable algorithms of a problem in rank order (the first is the one that runs; the
// others are tried in turn when it fails to execute), or none: engine_direct. `record` describes
// the first, or engine_direct and why.
struct Choice {
  std::vector<Runnable> runnable;
  AlgorithmChoice record;
};

// Deterministic mode admits FMA math only: on Ampere and later, CUDNN_DEFAULT_MATH lets float32
// convolutions use TF32 tensor cores. float64 has no TF32, so default math is as exact there.
bool acceptable_math(DType dtype, cudnnMathType_t math) {
  return math == CUDNN_FMA_MATH || (dtype == DType::Float64 && math == CUDNN_DEFAULT_MATH);
}

// The acceptable candidates of `ranked`, in order; the record names the first, with the
// candidates passed over before it and why, or says why none is acceptable.
Choice acceptable_candidates(cudnnHandle_t handle, ConvolutionPass pass,
                             const ConvolutionProblem& problem, const Descriptors& d,
                             const std::vector<Candidate>& ranked, bool deterministic_mode) {
  Choice choice;
  std::string passed_over;
  for (const Candidate& candidate : ranked) {
    const std::string name = algorithm_name(pass, candidate.algorithm);
    std::string rejection;
    std::size_t bytes = 0;
    if (candidate.status != CUDNN_STATUS_SUCCESS) {
      rejection = cudnnGetErrorString(candidate.status);
    } else if (deterministic_mode && candidate.determinism != CUDNN_DETERMINISTIC) {
      rejection = "not deterministic";
    } else if (deterministic_mode && !acceptable_math(problem.dtype, candidate.math)) {
      rejection = math_name(candidate.math);
    } else {
      ENGINE_CUDNN_CHECK(cudnnSetConvolutionMathType(d.convolution, candidate.math));
      const cudnnStatus_t status = workspace_size(handle, pass, d, candidate.algorithm, &bytes);
      if (status != CUDNN_STATUS_SUCCESS) {
        rejection = std::string("workspace query: ") + cudnnGetErrorString(status);
      } else if (bytes > maximum_workspace) {
        rejection = "needs " + std::to_string(bytes) + " bytes of workspace";
      }
    }
    if (!rejection.empty()) {
      if (choice.runnable.empty()) {
        passed_over += (passed_over.empty() ? "" : "; ") + name + ": " + rejection;
      }
      continue;
    }
    if (choice.runnable.empty()) {
      choice.record.algorithm = name;
      choice.record.math = math_name(candidate.math);
      choice.record.reason =
          (deterministic_mode
               ? "first deterministic FMA-math candidate of cuDNN's heuristics"
               : "fastest in cudnnFind (" + std::to_string(candidate.milliseconds) + " ms)") +
          (passed_over.empty() ? std::string() : "; passed over " + passed_over);
    }
    choice.runnable.push_back({candidate.algorithm, name, candidate.math, bytes});
  }
  if (choice.runnable.empty()) {
    choice.record.reason = "cuDNN offered no acceptable algorithm" +
                           (passed_over.empty() ? std::string() : ": " + passed_over);
  }
  return choice;
}

Choice choose(Context& context, ConvolutionPass pass, const ConvolutionProblem& problem,
              const Descriptors& d, const ConvolutionBuffers& buffers) {
  const bool deterministic_mode = deterministic();
  cudnnHandle_t handle = context.cudnn();
  // Deterministic: FMA math, no TF32, for the ranking and for the run (float64, which has no
  // TF32, keeps default math). Fast: default math, which allows TF32. The chosen candidate's own
  // math type is set again before it runs.
  const bool fma_only = deterministic_mode && problem.dtype == DType::Float32;
  ENGINE_CUDNN_CHECK(
      cudnnSetConvolutionMathType(d.convolution, fma_only ? CUDNN_FMA_MATH : CUDNN_DEFAULT_MATH));
  std::vector<Candidate> ranked;
  cudnnStatus_t status = rank_by_heuristics(handle, pass, d, ranked);
  if (status == CUDNN_STATUS_SUCCESS && !deterministic_mode) {
    std::size_t largest = 0;
    for (const Candidate& candidate : ranked) {
      if (candidate.status == CUDNN_STATUS_SUCCESS) largest = std::max(largest, candidate.memory);
    }
    const std::size_t bytes = std::min(largest, maximum_workspace);
    status = rank_by_measurement(handle, pass, d, buffers, context.workspace(bytes), bytes, ranked);
  }
  if (status != CUDNN_STATUS_SUCCESS) {
    Choice choice;
    choice.record.reason =
        std::string("cuDNN does not support the problem: ") + cudnnGetErrorString(status);
    return choice;
  }
  return acceptable_candidates(handle, pass, problem, d, ranked, deterministic_mode);
}

struct ChoiceCache {
  std::mutex mutex;
  std::map<std::string, Choice> choices;
};

ChoiceCache& cache() {
  static auto* instance = new ChoiceCache();  // never destroyed: ops may run during exit
  return *instance;
}

void note_choice(const Choice& choice) {
  note_for_trace("algorithm", choice.record.algorithm);
  note_for_trace("math", choice.record.math);
  note_for_trace("mode", choice.record.mode);
}

void mark_direct(AlgorithmChoice& record) {
  record.algorithm = "engine_direct";
  record.math = "none (float64 accumulation)";
}

// The choice for `key`, made on first use and remembered (in the cache and the run record).
Choice cached_choice(Context& context, ConvolutionPass pass, const ConvolutionProblem& problem,
                     const std::string& key, const ConvolutionBuffers& buffers,
                     const std::string& direct_reason) {
  ChoiceCache& choices = cache();
  std::lock_guard<std::mutex> lock(choices.mutex);
  auto found = choices.choices.find(key);
  if (found != choices.choices.end()) return found->second;
  Choice choice;
  if (!direct_reason.empty()) {
    choice.record.reason = direct_reason;
  } else {
    try {
      const Descriptors descriptors(problem);
      choice = choose(context, pass, problem, descriptors, buffers);
    } catch (const cuda_detail::CudnnNotSupported& refusal) {
      choice = Choice();
      choice.record.reason = std::string("cuDNN does not support the problem: ") + refusal.what();
    }
  }
  if (choice.runnable.empty()) mark_direct(choice.record);
  choice.record.op = pass_name(pass);
  choice.record.problem = problem.describe();
  choice.record.mode = mode_name();
  remember_algorithm_choice(choice.record);
  return choices.choices.emplace(key, choice).first->second;
}

// Runs one candidate. A failure (cuDNN's status, or no memory for the workspace) returns false
// and appends "<algorithm>: <error>" to `failures`; the caller tries the next candidate.
bool try_to_execute(Context& context, ConvolutionPass pass, const ConvolutionProblem& problem,
                    const Descriptors& d, const ConvolutionBuffers& buffers,
                    const Runnable& candidate, std::string& failures) {
  try {
    if (take_planted_cudnn_failure()) {
      throw std::runtime_error("planted by fail_next_cudnn_executions_for_testing");
    }
    ENGINE_CUDNN_CHECK(cudnnSetConvolutionMathType(d.convolution, candidate.math));
    execute(context.cudnn(), pass, d, problem.dtype, candidate.algorithm, buffers,
            context.workspace(candidate.workspace), candidate.workspace);
    return true;
  } catch (const std::exception& error) {
    failures += (failures.empty() ? "" : "; ") + candidate.name + ": " + error.what();
    return false;
  }
}

// After the first `failed` candidates of `choice` failed to execute: the next candidate, or
// engine_direct when none is left, replaces the cached choice (later calls of the problem start
// from what worked) and is added to the run record with the failures as its reason.
Choice after_failures(const std::string& key, Choice choice, std::size_t failed,
                      const std::string& failures) {
  choice.runnable.erase(choice.runnable.begin(),
                        choice.runnable.begin() + static_cast<std::ptrdiff_t>(failed));
  if (choice.runnable.empty()) {
    mark_direct(choice.record);
    choice.record.reason = "every acceptable cuDNN algorithm failed to execute: " + failures;
  } else {
    choice.record.algorithm = choice.runnable.front().name;
    choice.record.math = math_name(choice.runnable.front().math);
    choice.record.reason = "the next acceptable candidate, after execution failed: " + failures;
  }
  ChoiceCache& choices = cache();
  std::lock_guard<std::mutex> lock(choices.mutex);
  choices.choices[key] = choice;
  remember_algorithm_choice(choice.record);
  return choice;
}

}  // namespace

std::string ConvolutionProblem::describe() const {
  auto extents = [](std::initializer_list<std::int64_t> values) {
    std::string text = "[";
    for (std::int64_t value : values) text += (text.size() > 1 ? "," : "") + std::to_string(value);
    return text + "]";
  };
  return std::string(name_of(dtype)) + " x" + extents({batch, height, width, channels}) + " w" +
         extents({outputs, kernel_h, kernel_w, channels / groups}) + " y" +
         extents({batch, out_height, out_width, outputs}) + " stride " + std::to_string(stride_h) +
         "x" + std::to_string(stride_w) + " pad " + std::to_string(pad_top) + "," +
         std::to_string(pad_bottom) + "," + std::to_string(pad_left) + "," +
         std::to_string(pad_right) + " groups " + std::to_string(groups);
}

bool run_with_cudnn(Context& context, ConvolutionPass pass, const ConvolutionProblem& problem,
                    const ConvolutionBuffers& buffers, const std::string& direct_reason) {
  const std::string key =
      std::string(pass_name(pass)) + " " + problem.describe() + " " + mode_name();
  Choice choice = cached_choice(context, pass, problem, key, buffers, direct_reason);
  if (!choice.runnable.empty()) {
    const Descriptors descriptors(problem);
    std::string failures;
    std::size_t attempt = 0;
    while (attempt < choice.runnable.size() &&
           !try_to_execute(context, pass, problem, descriptors, buffers, choice.runnable[attempt],
                           failures)) {
      ++attempt;
    }
    if (attempt > 0) {
      choice = after_failures(key, choice, attempt, failures);
      note_for_trace("fallback", failures);
    }
  }
  note_choice(choice);
  return !choice.runnable.empty();
}

}  // namespace engine::kernels::cuda
