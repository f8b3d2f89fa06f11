// The image cache and the loader: contents, hashes, skipped files, epoch order, batch layout,
// and batches that are bitwise identical whatever the number of threads.
#include "data/loader.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "data/cache.h"
#include "data/error.h"
#include "data/file.h"
#include "data/phantom.h"
#include "fixtures.h"
#include "util/sha256.h"

namespace data = engine::data;

namespace {

// Ten small synthetic phantoms on disk, shared by the tests in this file.
const std::filesystem::path& phantom_folder() {
  static data::testing::TemporaryFolder folder("loader_phantoms");
  static const bool written = [] {
    data::write_phantom_dataset(folder.path(), 10, 2024, 64);
    return true;
  }();
  (void)written;
  return folder.path();
}

data::ImageCache small_cache(int threads = 2) {
  data::PreprocessConfig config;
  config.side = 24;
  return data::build_cache(data::read_dataset(phantom_folder()), config, {false, threads});
}

bool same_bytes(const engine::Tensor& a, const engine::Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.raw_data(), b.raw_data(), a.bytes()) == 0;
}

std::vector<data::Batch> whole_epoch(data::Loader& loader, std::uint64_t epoch) {
  loader.start_epoch(epoch);
  std::vector<data::Batch> batches;
  while (std::optional<data::Batch> batch = loader.next()) batches.push_back(std::move(*batch));
  return batches;
}

}  // namespace

TEST_CASE("cache: every record decoded, hashed and resized; the same for 1 and 2 threads") {
  const data::Manifest manifest = data::read_dataset(phantom_folder());
  const data::ImageCache one = small_cache(1);
  const data::ImageCache two = small_cache(2);
  REQUIRE(one.size() == manifest.records.size());
  CHECK(one.side() == 24);
  CHECK(one.skipped().empty());
  for (std::size_t i = 0; i < one.size(); ++i) {
    const data::CacheEntry& entry = one.entry(i);
    CHECK(entry.record.path_text == manifest.records[i].path_text);
    CHECK(entry.sha256 == data::sha256_file_hex(manifest.records[i].file));
    CHECK(entry.source_width == 64);
    CHECK(entry.source_bit_depth == 8);
    CHECK(entry.mean > 0.0f);
    CHECK(two.entry(i).sha256 == entry.sha256);
    CHECK(two.image(i).pixels == one.image(i).pixels);
    // The cached image is the preprocessed decode, to 16-bit precision.
    const data::FloatImage expected =
        data::preprocess(data::read_image(manifest.records[i].file), one.config());
    const data::FloatImage cached = one.image(i);
    for (std::size_t k = 0; k < expected.pixels.size(); k += 37) {
      CHECK(cached.pixels[k] == doctest::Approx(expected.pixels[k]).epsilon(1e-4));
    }
  }
}

TEST_CASE("cache: bad files stop the build at the first one, or are skipped and listed") {
  data::testing::TemporaryFolder folder("cache_bad");
  for (const char* name : {"a.png", "b.png", "c.png"}) {
    std::filesystem::copy_file(phantom_folder() / "synthetic_phantom_000000.png",
                               folder.path() / name);
  }
  data::testing::write_text(folder.path() / "b.png", "not a png");
  data::testing::write_text(folder.path() / "manifest.csv",
                            "path,sex\na.png,F\nb.png,M\nmissing.png,F\nc.png,M\n");
  const data::Manifest manifest = data::read_dataset(folder.path());
  data::PreprocessConfig config;
  config.side = 16;
  const std::string b = (folder.path() / "b.png").string();
  for (const int threads : {1, 2}) {
    CHECK_THROWS_WITH_AS(
        data::build_cache(manifest, config, {false, threads}),
        (b + ": not a PNG, JPEG or DICOM file (its first bytes are neither the PNG "
             "signature nor a JPEG start-of-image marker, and it has no \"DICM\" at byte "
             "128)")
            .c_str(),
        data::DataError);
  }
  const data::ImageCache cache = data::build_cache(manifest, config, {true, 2});
  REQUIRE(cache.size() == 2);
  CHECK(cache.entry(0).record.path_text == "a.png");
  CHECK(cache.entry(1).record.path_text == "c.png");
  CHECK(cache.image(1).pixels == cache.image(0).pixels);  // the same file under two names
  REQUIRE(cache.skipped().size() == 2);
  CHECK(cache.skipped()[0].file == b);
  CHECK(cache.skipped()[0].origin == (folder.path() / "manifest.csv").string() + ":3");
  CHECK(cache.skipped()[1].reason == (folder.path() / "missing.png").string() + ": file not found");
  // Manifest records map to cache entries; skipped ones drop out.
  CHECK(cache.entry(1).manifest_index == 3);
  CHECK(data::cache_indices(cache, {3, 2, 1, 0}) == std::vector<std::size_t>{1, 0});
}

TEST_CASE("epoch_order: a permutation keyed by (seed, epoch); no shuffle keeps the order") {
  std::vector<std::size_t> samples(50);
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = 100 + i;
  const std::vector<std::size_t> order = data::epoch_order(samples, 1, 0, true);
  CHECK(std::multiset<std::size_t>(order.begin(), order.end()) ==
        std::multiset<std::size_t>(samples.begin(), samples.end()));
  CHECK(order != samples);
  CHECK(data::epoch_order(samples, 1, 0, true) == order);
  CHECK(data::epoch_order(samples, 1, 1, true) != order);
  CHECK(data::epoch_order(samples, 2, 0, true) != order);
  CHECK(data::epoch_order(samples, 1, 0, false) == samples);
}

TEST_CASE("loader: batch layout, targets, last batch kept or dropped") {
  const data::ImageCache cache = small_cache();
  std::vector<std::size_t> all(cache.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  data::LoaderConfig config;
  config.batch_size = 4;
  config.shuffle = false;
  config.worker_threads = 1;
  data::Loader keep(cache, all, config);
  CHECK(keep.batches_per_epoch() == 3);
  const std::vector<data::Batch> batches = whole_epoch(keep, 0);
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].images.shape() == engine::Shape{4, 24, 24, 3});
  CHECK(batches[0].images.dtype() == engine::DType::Float32);
  CHECK(batches[0].targets.shape() == engine::Shape{4});
  CHECK(batches[0].targets.dtype() == engine::DType::Int64);
  CHECK(batches[2].images.shape() == engine::Shape{2, 24, 24, 3});
  for (const data::Batch& batch : batches) {
    const std::vector<std::int64_t> targets = batch.targets.to_vector<std::int64_t>();
    for (std::size_t i = 0; i < targets.size(); ++i) {
      CHECK(targets[i] == data::class_index(cache.entry(batch.samples[i]).record.sex));
    }
  }
  // Phantoms alternate female, male: the unshuffled first batch is 0, 1, 0, 1.
  CHECK(batches[0].targets.to_vector<std::int64_t>() == std::vector<std::int64_t>{0, 1, 0, 1});

  config.last_batch = data::LastBatch::Drop;
  data::Loader drop(cache, all, config);
  CHECK(drop.batches_per_epoch() == 2);
  CHECK(whole_epoch(drop, 0).size() == 2);

  // Without augmentation and with identity normalisation a sample is its cached image.
  config.normalization = data::Normalization::identity();
  data::Loader plain(cache, all, config);
  const std::vector<data::Batch> plain_batches = whole_epoch(plain, 0);
  const std::vector<float> values = plain_batches[0].images.to_vector<float>();
  const data::FloatImage first = cache.image(0);
  for (std::size_t k = 0; k < first.pixels.size(); ++k) CHECK(values[3 * k] == first.pixels[k]);
}

TEST_CASE("loader: batches are bitwise identical for 0, 1 and 2 worker threads") {
  const data::ImageCache cache = small_cache();
  std::vector<std::size_t> all(cache.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  data::LoaderConfig config;
  config.batch_size = 3;
  config.seed = 77;
  config.augment = data::AugmentConfig::extended();
  config.prefetch_batches = 1;
  std::vector<std::vector<data::Batch>> runs;
  for (const int threads : {0, 1, 2}) {
    config.worker_threads = threads;
    data::Loader loader(cache, all, config);
    runs.push_back(whole_epoch(loader, 5));
  }
  for (const auto& run : runs) {
    REQUIRE(run.size() == runs[0].size());
    for (std::size_t b = 0; b < run.size(); ++b) {
      CHECK(run[b].samples == runs[0][b].samples);
      CHECK(same_bytes(run[b].images, runs[0][b].images));
      CHECK(same_bytes(run[b].targets, runs[0][b].targets));
    }
  }
  // And they equal the pure assemble_batch on the same samples.
  const std::vector<std::size_t> order = data::epoch_order(all, 77, 5, true);
  const data::Batch direct = data::assemble_batch(cache, config, 5, {order.data(), 3}, 0);
  CHECK(same_bytes(direct.images, runs[0][0].images));
  // Another epoch shuffles and augments differently.
  config.worker_threads = 2;
  data::Loader loader(cache, all, config);
  const std::vector<data::Batch> other = whole_epoch(loader, 6);
  CHECK_FALSE(same_bytes(other[0].images, runs[0][0].images));
}

TEST_CASE("loader: restarting an epoch mid-way and bad settings") {
  const data::ImageCache cache = small_cache();
  std::vector<std::size_t> all(cache.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  data::LoaderConfig config;
  config.batch_size = 2;
  data::Loader loader(cache, all, config);
  CHECK_THROWS_AS(loader.next(), std::logic_error);
  loader.start_epoch(0);
  const data::Batch first = *loader.next();
  loader.start_epoch(0);  // abandons the epoch in progress
  CHECK(same_bytes(loader.next()->images, first.images));

  CHECK_THROWS_AS(data::Loader(cache, {0, cache.size()}, config), std::out_of_range);
  config.batch_size = 0;
  CHECK_THROWS_AS(data::Loader(cache, all, config), std::invalid_argument);
  config.batch_size = 2;
  config.augment.rotation_degrees = 400;
  CHECK_THROWS_AS(data::Loader(cache, all, config), std::invalid_argument);
}
