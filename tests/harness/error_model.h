// Where float32 tolerances come from (docs/TESTING.md, "Where tolerances come from").
//
// A float32 result of ours is compared with the float64 result of the same computation, and the
// deviation allowed is a multiple of the *reference implementation's own* float32 deviation on
// the same inputs and weights: PyTorch's for model parity (measured by
// tests/models/make_parity_fixture.py and stored in the fixture), our CPU's for CPU-vs-CUDA
// parity (measured in the same process). Never the value one machine happened to print: the
// error model holds for whatever BLAS kernel, thread count or GPU the machine gives.
//
//   |ours - exact| <= K * max(reference_error, u * scale)
//
// u = 2^-24 is float32's unit roundoff; `scale` the magnitude of the values compared, so the
// floor is a few roundings of the result itself (for quantities that are exactly zero in exact
// arithmetic, or where the reference happened to round without error). K, below, is justified
// in the docs: both implementations round with the same unit roundoff but sum in other orders
// and with other algorithms (im2col + BLAS, oneDNN, cuDNN), so their errors are of the same
// order; a bug in an op (a wrong index, a missing term) gives errors of the order of the values
// themselves, thousands of times larger.
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace engine::testing {

inline constexpr double float32_error_factor = 8.0;
inline constexpr double float32_unit_roundoff = 0x1p-24;

// K * max(reference_error, u * scale).
double allowed_float32_deviation(double reference_error, double scale);

// A doctest CHECK that |ours - exact| is within the bound; the message names `what`, the three
// values and the ratio of our deviation to the reference's. Returns that ratio.
double check_float32(const std::string& what, double ours, double exact, double reference_error,
                     double scale);

// A whole tensor: `actual` (float32, on any device) against `exact` (float64), as Euclidean
// norms of the differences: ||actual - exact|| within K * max(||reference - exact||, u ||exact||),
// `reference` being the reference implementation's float32 result on the same inputs. The norm
// rather than the largest element: where a ReLU or max-pooling kink falls on the other side in
// one implementation, a few elements move by a whole term, and the norm weighs that as what it
// is for training. Any NaN in `actual` fails. Returns the ratio of our deviation to the
// reference's.
double check_float32_tensor(const std::string& what, const Tensor& actual, const Tensor& exact,
                            const Tensor& reference);

// The largest ratio (our deviation / the reference's error) that check_float32 and
// check_float32_tensor have seen since the last reset, for the tests' closing message.
double largest_float32_error_ratio();
void reset_largest_float32_error_ratio();

}  // namespace engine::testing
