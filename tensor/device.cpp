#include "tensor/device.h"

#include <stdexcept>

namespace engine {

std::string Device::str() const {
  return kind == DeviceKind::CPU ? std::string("cpu") : "cuda:" + std::to_string(index);
}

Device device_from_name(const std::string& name) {
  if (name == "cpu") return Device::cpu();
  if (name == "cuda") return Device::cuda(0);
  if (name.rfind("cuda:", 0) == 0 && name.size() > 5) {
    const std::string digits = name.substr(5);
    if (digits.find_first_not_of("0123456789") == std::string::npos) {
      return Device::cuda(std::stoi(digits));
    }
  }
  throw std::invalid_argument("unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
}

}  // namespace engine
