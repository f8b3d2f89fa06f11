#include "kernels/op_run.h"

#include <atomic>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "kernels/trace.h"
#include "kernels/trace_writer.h"
#include "tensor/bfloat16.h"

namespace engine::kernels {

namespace {

std::atomic<std::uint64_t>* call_counters() {
  static std::atomic<std::uint64_t> counters[op_count] = {};
  return counters;
}

thread_local bool use_reference_kernels = false;

Device device_of(const std::vector<const Tensor*>& inputs,
                 const std::vector<const Tensor*>& outputs) {
  for (const auto* list : {&inputs, &outputs}) {
    for (const Tensor* tensor : *list) {
      if (tensor->defined()) return tensor->device();
    }
  }
  return Device::cpu();
}

std::string quote(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

// A float64 sum of the elements and an FNV-1a hash of the bytes: the sum is readable, the hash
// tells bitwise-identical outputs apart from merely close ones.
std::string checksum(const Tensor& tensor) {
  const Tensor host = tensor.to(Device::cpu()).contiguous();
  double sum = 0.0;
  const auto count = static_cast<std::size_t>(host.numel());
  switch (host.dtype()) {
    case DType::Float32:
      for (std::size_t i = 0; i < count; ++i) sum += host.data<float>()[i];
      break;
    case DType::Float64:
      for (std::size_t i = 0; i < count; ++i) sum += host.data<double>()[i];
      break;
    case DType::BFloat16:
      for (std::size_t i = 0; i < count; ++i) sum += to_float(host.data<BFloat16>()[i]);
      break;
    case DType::UInt8:
      for (std::size_t i = 0; i < count; ++i) sum += host.data<std::uint8_t>()[i];
      break;
    case DType::Int32:
      for (std::size_t i = 0; i < count; ++i) sum += host.data<std::int32_t>()[i];
      break;
    case DType::Int64:
      for (std::size_t i = 0; i < count; ++i)
        sum += static_cast<double>(host.data<std::int64_t>()[i]);
      break;
  }
  std::uint64_t hash = 1469598103934665603ull;
  const auto* bytes = static_cast<const unsigned char*>(host.raw_data());
  for (std::size_t i = 0; i < host.bytes(); ++i) hash = (hash ^ bytes[i]) * 1099511628211ull;
  char text[96];
  std::snprintf(text, sizeof text, "{\"sum\":%.17g,\"fnv1a\":\"%016" PRIx64 "\"}",
                std::isfinite(sum) ? sum : 0.0, hash);
  std::string result = text;
  if (!std::isfinite(sum)) result.insert(result.size() - 1, ",\"non_finite\":true");
  return result;
}

std::string describe_list(const std::vector<const Tensor*>& tensors, bool with_checksum) {
  std::string text = "[";
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (i > 0) text += ",";
    const Tensor& tensor = *tensors[i];
    if (!tensor.defined()) {
      text += "null";
      continue;
    }
    text +=
        "{\"dtype\":" + quote(name_of(tensor.dtype())) + ",\"shape\":" + to_string(tensor.shape());
    if (with_checksum) text += ",\"checksum\":" + checksum(tensor);
    text += "}";
  }
  return text + "]";
}

}  // namespace

const char* backend_name(Backend backend) {
  switch (backend) {
    case Backend::cpu_reference: return "cpu_reference";
    case Backend::cpu: return "cpu";
    case Backend::cuda: return "cuda";
  }
  return "unknown";
}

const char* category_name(OpCategory category) {
  switch (category) {
    case OpCategory::forward: return "forward";
    case OpCategory::backward: return "backward";
    case OpCategory::update: return "update";
    case OpCategory::utility: return "utility";
  }
  return "unknown";
}

std::uint64_t call_count(Op op) { return call_counters()[static_cast<std::size_t>(op)].load(); }

ReferenceKernelsScope::ReferenceKernelsScope() : previous_(use_reference_kernels) {
  use_reference_kernels = true;
}
ReferenceKernelsScope::~ReferenceKernelsScope() { use_reference_kernels = previous_; }
bool reference_kernels_active() { return use_reference_kernels; }

std::vector<const Tensor*> pointers_to(const std::vector<Tensor>& tensors) {
  std::vector<const Tensor*> pointers;
  pointers.reserve(tensors.size());
  for (const Tensor& tensor : tensors) pointers.push_back(&tensor);
  return pointers;
}

OpRun::OpRun(Op op, std::vector<const Tensor*> inputs, std::vector<const Tensor*> outputs)
    : op_(op), tracing_(trace_active()) {
  const Device device = device_of(inputs, outputs);
  backend_ = device.is_cuda()        ? Backend::cuda
             : use_reference_kernels ? Backend::cpu_reference
                                     : Backend::cpu;
  call_counters()[static_cast<std::size_t>(op)].fetch_add(1, std::memory_order_relaxed);
  if (tracing_) {
    clear_current_notes();
    inputs_ = std::move(inputs);
    outputs_ = std::move(outputs);
    start_ = std::chrono::steady_clock::now();
  }
}

void OpRun::finish() {
  if (!tracing_) return;
  if (backend_ == Backend::cuda) device_runtime::synchronize(outputs_.front()->device());
  const double microseconds =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start_).count();
  write_trace_line(TraceLine{op_table[static_cast<std::size_t>(op_)].name, backend_name(backend_),
                             trace_module(), parameters_, inputs_, outputs_, microseconds});
}

std::string format_trace_line(const TraceLine& line, std::uint64_t sequence,
                              const std::vector<std::pair<std::string, std::string>>& notes) {
  Json parameters = Json::object();
  for (const auto& [name, value] : line.parameters) parameters.set(name, value);
  std::string text = "{\"sequence\":" + std::to_string(sequence) + ",\"op\":" + quote(line.op) +
                     ",\"backend\":" + quote(line.backend) + ",\"module\":" + quote(line.module) +
                     ",\"parameters\":" + parameters.dump() +
                     ",\"inputs\":" + describe_list(line.inputs, false) +
                     ",\"outputs\":" + describe_list(line.outputs, true);
  char time_text[48];
  std::snprintf(time_text, sizeof time_text, ",\"microseconds\":%.1f", line.microseconds);
  text += time_text;
  if (!notes.empty()) {
    text += ",\"notes\":{";
    for (std::size_t i = 0; i < notes.size(); ++i) {
      if (i > 0) text += ",";
      text += quote(notes[i].first) + ":" + quote(notes[i].second);
    }
    text += "}";
  }
  return text + "}\n";
}

}  // namespace engine::kernels
