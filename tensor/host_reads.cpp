#include "tensor/host_reads.h"

namespace engine {

namespace {
thread_local std::int64_t reads_from_cpu = 0;
thread_local std::int64_t reads_from_cuda = 0;
}  // namespace

std::int64_t host_reads(DeviceKind kind) {
  return kind == DeviceKind::CPU ? reads_from_cpu : reads_from_cuda;
}

void note_host_read(Device source) { ++(source.is_cpu() ? reads_from_cpu : reads_from_cuda); }

}  // namespace engine
