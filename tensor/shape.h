// Shapes and strides, counted in elements. Dimensions are int64 as in PyTorch.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace engine {

using Shape = std::vector<std::int64_t>;
using Strides = std::vector<std::int64_t>;

std::int64_t element_count(const Shape& shape);
Strides contiguous_strides(const Shape& shape);  // row-major: the last dimension varies fastest
std::string to_string(const Shape& shape);       // "[8, 56, 56, 64]"
// Resolves a negative dimension index (-1 is the last) and checks it is in range.
std::size_t normalize_dim(std::int64_t dim, std::size_t rank);

}  // namespace engine
