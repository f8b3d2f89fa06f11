#include "apps/predict/glyphs.h"

#include <cctype>

namespace engine::apps {

namespace {

struct Glyph {
  char character;
  std::uint8_t rows[glyph_height];  // bit 4 is the leftmost column
};

// clang-format off
constexpr Glyph font[] = {
  {'0', {0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110}},
  {'1', {0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}},
  {'2', {0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111}},
  {'3', {0b11110, 0b00001, 0b00001, 0b01110, 0b00001, 0b00001, 0b11110}},
  {'4', {0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010}},
  {'5', {0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110}},
  {'6', {0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110}},
  {'7', {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000}},
  {'8', {0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110}},
  {'9', {0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100}},
  {'A', {0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001}},
  {'B', {0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110}},
  {'C', {0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110}},
  {'D', {0b11110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11110}},
  {'E', {0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111}},
  {'F', {0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000}},
  {'G', {0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111}},
  {'H', {0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001}},
  {'I', {0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}},
  {'J', {0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100}},
  {'K', {0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001}},
  {'L', {0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111}},
  {'M', {0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001}},
  {'N', {0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001, 0b10001}},
  {'O', {0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110}},
  {'P', {0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000}},
  {'Q', {0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101}},
  {'R', {0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001}},
  {'S', {0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110}},
  {'T', {0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100}},
  {'U', {0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110}},
  {'V', {0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100}},
  {'W', {0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010}},
  {'X', {0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001}},
  {'Y', {0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100, 0b00100}},
  {'Z', {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111}},
  {' ', {0, 0, 0, 0, 0, 0, 0}},
  {'.', {0, 0, 0, 0, 0, 0b01100, 0b01100}},
  {',', {0, 0, 0, 0, 0b01100, 0b00100, 0b01000}},
  {'-', {0, 0, 0, 0b01110, 0, 0, 0}},
  {'+', {0, 0b00100, 0b00100, 0b11111, 0b00100, 0b00100, 0}},
  {'=', {0, 0, 0b11111, 0, 0b11111, 0, 0}},
  {':', {0, 0b01100, 0b01100, 0, 0b01100, 0b01100, 0}},
  {'(', {0b00010, 0b00100, 0b01000, 0b01000, 0b01000, 0b00100, 0b00010}},
  {')', {0b01000, 0b00100, 0b00010, 0b00010, 0b00010, 0b00100, 0b01000}},
  {'/', {0b00001, 0b00010, 0b00010, 0b00100, 0b01000, 0b01000, 0b10000}},
  {'_', {0, 0, 0, 0, 0, 0, 0b11111}},
  {'%', {0b11000, 0b11001, 0b00010, 0b00100, 0b01000, 0b10011, 0b00011}},
  {'?', {0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0, 0b00100}},
};
// clang-format on

const Glyph& glyph_of(char character) {
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(character)));
  for (const Glyph& glyph : font) {
    if (glyph.character == upper) return glyph;
  }
  return font[sizeof(font) / sizeof(font[0]) - 1];  // '?'
}

}  // namespace

RgbCanvas::RgbCanvas(int width_, int height_, std::array<std::uint8_t, 3> fill)
    : width(width_), height(height_), pixels(static_cast<std::size_t>(width_) * height_ * 3) {
  for (std::size_t i = 0; i < pixels.size(); i += 3) {
    pixels[i] = fill[0], pixels[i + 1] = fill[1], pixels[i + 2] = fill[2];
  }
}

void RgbCanvas::set(int x, int y, std::array<std::uint8_t, 3> colour) {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  std::uint8_t* pixel = &pixels[(static_cast<std::size_t>(y) * width + x) * 3];
  pixel[0] = colour[0], pixel[1] = colour[1], pixel[2] = colour[2];
}

std::array<std::uint8_t, 3> RgbCanvas::get(int x, int y) const {
  const std::uint8_t* pixel = &pixels[(static_cast<std::size_t>(y) * width + x) * 3];
  return {pixel[0], pixel[1], pixel[2]};
}

int text_width(std::string_view text, int scale) {
  return text.empty() ? 0 : (static_cast<int>(text.size()) * glyph_advance - 1) * scale;
}

void draw_text(RgbCanvas& canvas, int x, int y, std::string_view text, int scale,
               std::array<std::uint8_t, 3> colour) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const Glyph& glyph = glyph_of(text[i]);
    const int left = x + static_cast<int>(i) * glyph_advance * scale;
    for (int row = 0; row < glyph_height; ++row) {
      for (int column = 0; column < glyph_width; ++column) {
        if ((glyph.rows[row] >> (glyph_width - 1 - column) & 1) == 0) continue;
        for (int dy = 0; dy < scale; ++dy) {
          for (int dx = 0; dx < scale; ++dx) {
            canvas.set(left + column * scale + dx, y + row * scale + dy, colour);
          }
        }
      }
    }
  }
}

}  // namespace engine::apps
