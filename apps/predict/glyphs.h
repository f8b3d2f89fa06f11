// A 5 x 7 pixel bitmap font, drawn for this program, for the captions and the scale labels of the
// Grad-CAM heatmaps (the PNG must state its scale on its own, without a viewer that reads
// metadata). Upper-case letters, digits and the punctuation the captions use; lower case is drawn
// as upper case and anything else as '?'.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace engine::apps {

struct RgbCanvas {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major RGB

  RgbCanvas(int width_, int height_, std::array<std::uint8_t, 3> fill);
  void set(int x, int y, std::array<std::uint8_t, 3> colour);  // ignores points outside
  std::array<std::uint8_t, 3> get(int x, int y) const;
};

inline constexpr int glyph_width = 5, glyph_height = 7, glyph_advance = 6;

// Draws `text` with its top-left corner at (x, y), each font pixel a scale x scale square.
void draw_text(RgbCanvas& canvas, int x, int y, std::string_view text, int scale,
               std::array<std::uint8_t, 3> colour);
int text_width(std::string_view text, int scale);

}  // namespace engine::apps
