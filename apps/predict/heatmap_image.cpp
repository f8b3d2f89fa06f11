#include "apps/predict/heatmap_image.h"

#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <stdexcept>

#include "apps/predict/glyphs.h"
#include "data/format_check.h"

namespace engine::apps {

namespace {

constexpr std::array<std::uint8_t, 3> background = {255, 255, 255};
constexpr std::array<std::uint8_t, 3> ink = {0, 0, 0};
constexpr int legend_width = 110;

std::string scientific(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

void append_bytes(void* context, void* data, int size) {
  auto* bytes = static_cast<std::vector<std::uint8_t>*>(context);
  const auto* begin = static_cast<const std::uint8_t*>(data);
  bytes->insert(bytes->end(), begin, begin + size);
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(value >> shift));
}

// A PNG tEXt chunk: length, "tEXt", keyword, NUL, text, CRC-32 over type and data.
std::vector<std::uint8_t> text_chunk(const std::string& keyword, const std::string& text) {
  std::vector<std::uint8_t> body = {'t', 'E', 'X', 't'};
  body.insert(body.end(), keyword.begin(), keyword.end());
  body.push_back(0);
  body.insert(body.end(), text.begin(), text.end());
  std::vector<std::uint8_t> chunk;
  put_u32(chunk, static_cast<std::uint32_t>(body.size() - 4));
  chunk.insert(chunk.end(), body.begin(), body.end());
  put_u32(chunk, data::crc32(body));
  return chunk;
}

std::vector<std::string> caption_lines(const explain::GradCam& cam, const HeatmapCaption& caption) {
  return {
      "GRAD-CAM FOR CLASS " + caption.class_name + " (ESTIMATE: " + caption.estimate + ")",
      caption.architecture + ", LAYER " + caption.layer + ", MAP " +
          std::to_string(cam.feature_height) + "X" + std::to_string(cam.feature_width) + " TO " +
          std::to_string(cam.side) + " PX",
      cam.empty() ? std::string("NO POSITIVE EVIDENCE: THE MAP IS 0 EVERYWHERE")
                  : "SCALE PER IMAGE: 0 = NONE, 1 = MAX = " + scientific(cam.maximum),
      "OVERLAY 50% ON THE MODEL INPUT",
  };
}

}  // namespace

std::array<std::uint8_t, 3> heat_colour(double value) {
  static constexpr double anchors[5][3] = {
      {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  const double position = std::clamp(value, 0.0, 1.0) * 4.0;
  const int low = std::min(static_cast<int>(position), 3);
  const double fraction = position - low;
  std::array<std::uint8_t, 3> colour{};
  for (int c = 0; c < 3; ++c) {
    colour[c] = static_cast<std::uint8_t>(
        std::lround(anchors[low][c] * (1 - fraction) + anchors[low + 1][c] * fraction));
  }
  return colour;
}

std::string heatmap_description(const explain::GradCam& cam, const HeatmapCaption& caption) {
  return "Grad-CAM of " + caption.architecture + " at layer " + caption.layer + " (" +
         std::to_string(cam.feature_height) + "x" + std::to_string(cam.feature_width) +
         " feature map, upsampled bilinearly to " + std::to_string(cam.side) + " px) for class " +
         caption.class_name + "; the estimate was " + caption.estimate + ". " +
         (cam.empty()
              ? std::string("No feature pushes towards this class: the map is 0 everywhere.")
              : "Per-image scale: 0 = no positive evidence, 1 = this image's largest "
                "value, " +
                    scientific(cam.maximum) +
                    " in raw units (gradient-weighted "
                    "activations).") +
         " Shown at 50% opacity over the model's input (the radiograph after resizing and "
         "padding).";
}

std::vector<std::uint8_t> heatmap_png(const std::vector<std::uint16_t>& gray,
                                      const explain::GradCam& cam, const HeatmapCaption& caption) {
  const int side = cam.side;
  if (gray.size() != static_cast<std::size_t>(side) * side || cam.heat.size() != gray.size()) {
    throw std::invalid_argument("heatmap_png: image and heat sizes differ");
  }
  const int zoom = std::max(1, (384 + side - 1) / side);  // at least 384 px for legibility
  const int display = side * zoom;
  const std::vector<std::string> lines = caption_lines(cam, caption);
  const int width = display + legend_width;
  std::size_t longest = 0;
  for (const std::string& line : lines) longest = std::max(longest, line.size());
  const int text_scale = text_width(std::string(longest, 'M'), 2) + 16 <= width ? 2 : 1;
  const int line_height = (glyph_height + 4) * text_scale;
  RgbCanvas canvas(width, display + 8 + static_cast<int>(lines.size()) * line_height, background);

  for (int y = 0; y < display; ++y) {
    for (int x = 0; x < display; ++x) {
      const std::size_t source = static_cast<std::size_t>(y / zoom) * side + x / zoom;
      const double value = gray[source] / 65535.0 * 255.0;
      if (cam.empty()) {
        const auto level = static_cast<std::uint8_t>(std::lround(value));
        canvas.set(x, y, {level, level, level});
        continue;
      }
      const std::array<std::uint8_t, 3> heat = heat_colour(cam.heat[source]);
      std::array<std::uint8_t, 3> mixed{};
      for (int c = 0; c < 3; ++c)
        mixed[c] = static_cast<std::uint8_t>(std::lround(0.5 * value + 0.5 * heat[c]));
      canvas.set(x, y, mixed);
    }
  }
  // The colour bar: 1 at the top, 0 at the bottom, labelled at 0, 0.5 and 1.
  const int bar_left = display + 16, bar_width = 20, bar_top = 20, bar_height = display - 40;
  for (int y = 0; y < bar_height; ++y) {
    const auto colour = heat_colour(1.0 - static_cast<double>(y) / (bar_height - 1));
    for (int x = 0; x < bar_width; ++x) canvas.set(bar_left + x, bar_top + y, colour);
  }
  const int label_left = bar_left + bar_width + 6;
  draw_text(canvas, label_left, bar_top - 3, "1", 2, ink);
  draw_text(canvas, label_left, bar_top + bar_height / 2 - 7, "0.5", 2, ink);
  draw_text(canvas, label_left, bar_top + bar_height - 11, "0", 2, ink);
  draw_text(canvas, bar_left - 4, 4, "HEAT", 1, ink);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    draw_text(canvas, 6, display + 8 + static_cast<int>(i) * line_height, lines[i], text_scale,
              ink);
  }

  std::vector<std::uint8_t> png;
  if (!stbi_write_png_to_func(append_bytes, &png, canvas.width, canvas.height, 3,
                              canvas.pixels.data(), canvas.width * 3)) {
    throw std::runtime_error("heatmap_png: stb_image_write failed");
  }
  // Text chunks go right after IHDR (signature 8 bytes + IHDR chunk 25 bytes), which
  // stb_image_write always writes first.
  if (png.size() < 33 || std::string(png.begin() + 12, png.begin() + 16) != "IHDR") {
    throw std::runtime_error("heatmap_png: unexpected PNG layout from stb_image_write");
  }
  std::vector<std::uint8_t> chunks;
  for (const auto& [keyword, text] :
       {std::pair<std::string, std::string>{"Title", "Grad-CAM heatmap"},
        {"Description", heatmap_description(cam, caption)},
        {"Software", caption.software}}) {
    const std::vector<std::uint8_t> chunk = text_chunk(keyword, text);
    chunks.insert(chunks.end(), chunk.begin(), chunk.end());
  }
  png.insert(png.begin() + 33, chunks.begin(), chunks.end());
  return png;
}

}  // namespace engine::apps
