// Decoding and resizing happen once: every image of a manifest is decoded, converted to [0, 1],
// resized to a square of `side` pixels, optionally equalised with CLAHE, and kept in memory as
// 16-bit samples (65535 = white). Epochs then augment from this cache.
//
// 16 bits rather than float halves the memory (901 images at 224 px: 90 MB) and keeps more
// precision than any 8-bit source has (the rounding step is 1/65535).
//
// Each entry keeps the record it came from, the SHA-256 of the file's bytes and the source size
// and bit depth, for the run record. With skip_bad_files, files that fail to read or decode are
// left out and listed in skipped() with the reason; otherwise the first failure (in manifest
// order, whatever the thread count) is thrown.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/augment.h"
#include "data/clahe.h"
#include "data/decode.h"
#include "data/image.h"
#include "data/manifest.h"
#include "data/resize.h"

namespace engine::data {

struct PreprocessConfig {
  int side = 224;  // the cached square's side, usually the model's input size
  ResizeMode resize_mode = ResizeMode::Pad;
  bool use_clahe = false;
  ClaheConfig clahe;
  DecodeLimits limits;
  DicomWindow dicom_window = DicomWindow::File;  // DICOM only: the file's VOI, or the full range
};

// The deterministic part of preprocessing for one decoded image: to [0, 1], resize, CLAHE.
FloatImage preprocess(const Image& image, const PreprocessConfig& config);

struct CacheOptions {
  bool skip_bad_files = false;
  int threads = 0;  // 0: one per hardware thread
};

struct SkippedFile {
  std::string file;
  std::string origin;  // the manifest line or class-folder entry
  std::string reason;  // the DataError message
};

struct CacheEntry {
  std::size_t manifest_index = 0;  // the record's position in the manifest the cache was built from
  Record record;
  std::string sha256;  // of the file's bytes, 64 hex digits
  int source_width = 0;
  int source_height = 0;
  int source_bit_depth = 0;
  bool had_alpha = false;                  // the file's alpha channel was composited on black
  float mean = 0;                          // mean gray value of the cached image, in [0, 1]
  std::shared_ptr<const DicomInfo> dicom;  // a DICOM file's metadata (never patient data)
};

class ImageCache {
 public:
  std::size_t size() const { return entries_.size(); }
  int side() const { return config_.side; }
  const PreprocessConfig& config() const { return config_; }
  const CacheEntry& entry(std::size_t index) const { return entries_.at(index); }
  const std::vector<CacheEntry>& entries() const { return entries_; }
  const std::vector<SkippedFile>& skipped() const { return skipped_; }
  CachedImageView view(std::size_t index) const;
  // The cached image as floats in [0, 1].
  FloatImage image(std::size_t index) const;

 private:
  friend ImageCache build_cache(const Manifest&, const PreprocessConfig&, const CacheOptions&);

  PreprocessConfig config_;
  std::vector<CacheEntry> entries_;
  std::vector<std::uint16_t> pixels_;  // size() * side * side samples
  std::vector<SkippedFile> skipped_;
};

ImageCache build_cache(const Manifest& manifest, const PreprocessConfig& config,
                       const CacheOptions& options = {});

// The cache indices of the given manifest records (for example a split's training part), in the
// given order. Records that were skipped while caching are left out.
std::vector<std::size_t> cache_indices(const ImageCache& cache,
                                       const std::vector<std::size_t>& manifest_indices);

}  // namespace engine::data
