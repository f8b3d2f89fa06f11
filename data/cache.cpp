#include "data/cache.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "data/error.h"
#include "data/file.h"
#include "util/sha256.h"

namespace engine::data {

namespace {

std::uint16_t quantise(float value) {
  return static_cast<std::uint16_t>(std::lround(std::clamp(value, 0.0f, 1.0f) * 65535.0f));
}

// Reads, hashes, decodes and preprocesses record `index` into its slot of `pixels`.
void cache_one(const Record& record, const PreprocessConfig& config, CacheEntry& entry,
               std::uint16_t* pixels) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(record.file);
  entry.record = record;
  entry.sha256 = sha256_hex(bytes);
  const Image decoded =
      decode_image(bytes, record.file.string(), config.limits, config.dicom_window);
  entry.source_width = decoded.width;
  entry.source_height = decoded.height;
  entry.source_bit_depth = decoded.bit_depth;
  entry.dicom = decoded.dicom;
  entry.had_alpha = decoded.had_alpha;
  const FloatImage processed = preprocess(decoded, config);
  double sum = 0;
  for (std::size_t i = 0; i < processed.pixels.size(); ++i) {
    pixels[i] = quantise(processed.pixels[i]);
    sum += pixels[i];
  }
  entry.mean = static_cast<float>(sum / 65535.0 / static_cast<double>(processed.pixels.size()));
}

}  // namespace

FloatImage preprocess(const Image& image, const PreprocessConfig& config) {
  FloatImage square = resize_to_square(to_unit_range(image), config.side, config.resize_mode);
  if (config.use_clahe) square = clahe(square, config.clahe);
  return square;
}

CachedImageView ImageCache::view(std::size_t index) const {
  const float mean = entries_.at(index).mean;  // checks the index
  const std::size_t area = static_cast<std::size_t>(config_.side) * config_.side;
  return CachedImageView{pixels_.data() + index * area, config_.side, mean};
}

FloatImage ImageCache::image(std::size_t index) const {
  const CachedImageView source = view(index);
  FloatImage result(source.side, source.side);
  // The same arithmetic as render_sample, so an unaugmented sample equals this bit for bit.
  const float scale = 1.0f / 65535.0f;
  for (std::size_t i = 0; i < result.pixels.size(); ++i) {
    result.pixels[i] = static_cast<float>(source.pixels[i]) * scale;
  }
  return result;
}

ImageCache build_cache(const Manifest& manifest, const PreprocessConfig& config,
                       const CacheOptions& options) {
  if (config.side <= 0) throw std::invalid_argument("PreprocessConfig.side must be positive");
  const std::size_t count = manifest.records.size();
  const std::size_t area = static_cast<std::size_t>(config.side) * config.side;
  ImageCache cache;
  cache.config_ = config;
  cache.pixels_.resize(count * area);
  std::vector<CacheEntry> entries(count);
  std::vector<std::optional<std::string>> failures(count);

  // Workers take records in increasing order and only stop between records, so when a failure
  // stops the run every earlier record has been processed: the error reported is the first in
  // manifest order whatever the thread count.
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr unexpected;
  std::mutex unexpected_mutex;
  const auto work = [&] {
    while (!stop.load()) {
      const std::size_t index = next.fetch_add(1);
      if (index >= count) return;
      try {
        cache_one(manifest.records[index], config, entries[index], &cache.pixels_[index * area]);
      } catch (const DataError& error) {
        failures[index] = error.what();
        if (!options.skip_bad_files) stop = true;
      } catch (...) {
        std::lock_guard<std::mutex> lock(unexpected_mutex);
        if (!unexpected) unexpected = std::current_exception();
        stop = true;
      }
    }
  };
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  if (unexpected) std::rethrow_exception(unexpected);

  // Keep the good entries in manifest order, moving their pixels down over the skipped ones.
  std::size_t kept = 0;
  for (std::size_t index = 0; index < count; ++index) {
    if (failures[index]) {
      if (!options.skip_bad_files) throw DataError(*failures[index]);
      const Record& record = manifest.records[index];
      cache.skipped_.push_back({record.file.string(), record.origin, *failures[index]});
      continue;
    }
    if (kept != index) {
      std::copy_n(&cache.pixels_[index * area], area, &cache.pixels_[kept * area]);
    }
    entries[index].manifest_index = index;
    cache.entries_.push_back(std::move(entries[index]));
    ++kept;
  }
  cache.pixels_.resize(kept * area);
  cache.pixels_.shrink_to_fit();
  return cache;
}

std::vector<std::size_t> cache_indices(const ImageCache& cache,
                                       const std::vector<std::size_t>& manifest_indices) {
  std::unordered_map<std::size_t, std::size_t> cache_index_of;
  for (std::size_t i = 0; i < cache.size(); ++i) {
    cache_index_of.emplace(cache.entry(i).manifest_index, i);
  }
  std::vector<std::size_t> result;
  for (const std::size_t manifest_index : manifest_indices) {
    const auto found = cache_index_of.find(manifest_index);
    if (found != cache_index_of.end()) result.push_back(found->second);
  }
  return result;
}

}  // namespace engine::data
