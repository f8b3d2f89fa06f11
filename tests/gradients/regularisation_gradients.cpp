// Gradient checks: dropout and drop_path in training mode, on streams whose masks keep some
// elements (samples) and drop others, so that both branches of the mask are checked.
#include "autograd/functions.h"
#include "tests/gradients/registry.h"
#include "util/philox.h"

namespace engine::testing {

namespace {

Tensor leaf(const Shape& shape, std::uint64_t seed) {
  return test_input(shape, seed, -2.0, 2.0).set_requires_grad(true);
}

// Fails the case when the stream's first `draws` draws are all kept or all dropped: a check
// that saw only one branch of the mask would prove less than it claims.
GradcheckResult checked_mix(const RandomStream& stream, std::uint64_t draws, double p,
                            GradcheckResult result) {
  std::uint64_t kept = 0;
  for (std::uint64_t i = 0; i < draws; ++i)
    kept += random::uniform(stream.seed, stream.offset, i) >= p;
  if (kept == 0 || kept == draws) {
    result.ok = false;
    result.report = "the stream keeps " + std::to_string(kept) + " of " + std::to_string(draws) +
                    " draws; choose one that both keeps and drops";
  }
  return result;
}

GradcheckResult dropout_case(const Shape& shape, double p, const RandomStream& stream,
                             std::uint64_t seed) {
  const Tensor x = leaf(shape, seed);
  return checked_mix(
      stream, static_cast<std::uint64_t>(x.numel()), p,
      gradcheck([&](const auto& in) { return dropout(in[0], p, stream, true); }, {x}));
}

GradcheckResult drop_path_case(const Shape& shape, double p, const RandomStream& stream,
                               std::uint64_t seed) {
  return checked_mix(stream, static_cast<std::uint64_t>(shape[0]), p,
                     gradcheck([&](const auto& in) { return drop_path(in[0], p, stream, true); },
                               {leaf(shape, seed)}));
}

const bool registered = [] {
  register_gradient_case({"dropout", "p 0.3, [3, 5, 4, 2]", [] {
                            return dropout_case({3, 5, 4, 2}, 0.3, {.seed = 5, .offset = 0}, 401);
                          }});
  register_gradient_case({"dropout", "p 0.5, batch 1 [1, 3, 3, 4]", [] {
                            return dropout_case({1, 3, 3, 4}, 0.5, {.seed = 6, .offset = 3}, 402);
                          }});
  register_gradient_case({"dropout", "p 0.2 on a head's features [3, 7]", [] {
                            return dropout_case({3, 7}, 0.2, {.seed = 7, .offset = 1}, 403);
                          }});
  register_gradient_case({"drop_path", "p 0.5, [6, 3, 3, 2]", [] {
                            return drop_path_case({6, 3, 3, 2}, 0.5, {.seed = 8, .offset = 0}, 404);
                          }});
  register_gradient_case({"drop_path", "p 0.4, batch 3 [3, 2, 5, 3]", [] {
                            return drop_path_case({3, 2, 5, 3}, 0.4, {.seed = 9, .offset = 2}, 405);
                          }});
  return true;
}();

}  // namespace

}  // namespace engine::testing
