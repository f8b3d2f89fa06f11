#include "tensor/shape.h"

#include <stdexcept>

namespace engine {

std::int64_t element_count(const Shape& shape) {
  std::int64_t count = 1;
  for (std::int64_t extent : shape) {
    if (extent < 0) throw std::invalid_argument("negative extent in shape " + to_string(shape));
    count *= extent;
  }
  return count;
}

Strides contiguous_strides(const Shape& shape) {
  Strides strides(shape.size());
  std::int64_t stride = 1;
  for (std::size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

std::string to_string(const Shape& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

std::size_t normalize_dim(std::int64_t dim, std::size_t rank) {
  const std::int64_t signed_rank = static_cast<std::int64_t>(rank);
  const std::int64_t resolved = dim < 0 ? dim + signed_rank : dim;
  if (resolved < 0 || resolved >= signed_rank) {
    throw std::out_of_range("dimension " + std::to_string(dim) + " out of range for rank " +
                            std::to_string(rank));
  }
  return static_cast<std::size_t>(resolved);
}

}  // namespace engine
