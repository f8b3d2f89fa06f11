// Data pipeline throughput in images per second:
//   decode:         read + SHA-256 + decode + resize (+ the 16-bit cache write), i.e. building
//                   the cache, on synthetic phantoms (512 x 512 8-bit PNG) and, where present,
//                   the real radiographs in ../shared/data/rsna-hands/dev;
//   augment+batch:  epochs from the cache at 224 and 299 with the extended augmentation
//                   (rotation, flip, brightness, contrast, scale, translation), NHWC float32
//                   batches of 32, ImageNet normalisation.
// Each with 1 and 2 threads; "per_core" divides by the thread count. The target for
// augment+batch at 224 is 2,000 images/s per core.
//   ./data_loader_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>

#include "data/cache.h"
#include "data/loader.h"
#include "data/phantom.h"

namespace data = engine::data;

namespace {

constexpr int phantom_count = 64;
constexpr int phantom_size = 512;

// Phantoms written once per process into a temporary folder, removed at exit.
struct PhantomFolder {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("engine_loader_bench_" + std::to_string(::getpid()));
  PhantomFolder() { data::write_phantom_dataset(path, phantom_count, 7, phantom_size); }
  ~PhantomFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

const data::Manifest& phantom_manifest() {
  static PhantomFolder folder;
  static const data::Manifest manifest = data::read_dataset(folder.path);
  return manifest;
}

// The repository root is two folders above this file (CMake compiles it by absolute path).
std::filesystem::path rsna_dev() {
  const std::filesystem::path repository =
      std::filesystem::path(__FILE__).parent_path().parent_path();
  return repository / ".." / "shared" / "data" / "rsna-hands" / "dev";
}

void set_rates(benchmark::State& state, std::int64_t images, int threads) {
  state.counters["images_per_s"] =
      benchmark::Counter(static_cast<double>(images), benchmark::Counter::kIsRate);
  state.counters["per_core"] =
      benchmark::Counter(static_cast<double>(images) / threads, benchmark::Counter::kIsRate);
}

void decode(benchmark::State& state, const data::Manifest& manifest) {
  const int threads = static_cast<int>(state.range(0));
  data::PreprocessConfig config;
  config.side = 224;
  std::int64_t images = 0;
  for (auto _ : state) {
    const data::ImageCache cache = data::build_cache(manifest, config, {false, threads});
    benchmark::DoNotOptimize(cache.view(0).pixels);
    images += static_cast<std::int64_t>(cache.size());
  }
  set_rates(state, images, threads);
}

void BM_decode_phantoms(benchmark::State& state) { decode(state, phantom_manifest()); }

void BM_decode_rsna_dev(benchmark::State& state) {
  if (!std::filesystem::exists(rsna_dev() / "manifest.csv")) {
    state.SkipWithError("../shared/data/rsna-hands/dev not found");
    return;
  }
  static data::Manifest manifest = [] {
    data::Manifest all =
        data::read_manifest(rsna_dev() / "manifest.csv", data::ManifestColumns::rsna());
    all.records.resize(200);  // a fixed slice keeps one iteration short
    return all;
  }();
  decode(state, manifest);
}

void BM_augment_batch(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  data::PreprocessConfig preprocess;
  preprocess.side = side;
  static std::map<int, std::unique_ptr<data::ImageCache>> caches;
  if (!caches[side]) {
    caches[side] =
        std::make_unique<data::ImageCache>(data::build_cache(phantom_manifest(), preprocess));
  }
  const data::ImageCache& cache = *caches[side];
  std::vector<std::size_t> samples;  // 256 samples per epoch: every cached image four times
  for (int repeat = 0; repeat < 4; ++repeat) {
    for (std::size_t i = 0; i < cache.size(); ++i) samples.push_back(i);
  }
  data::LoaderConfig config;
  config.batch_size = 32;
  config.augment = data::AugmentConfig::extended();
  config.worker_threads = threads;
  data::Loader loader(cache, samples, config);
  std::int64_t images = 0;
  std::uint64_t epoch = 0;
  for (auto _ : state) {
    loader.start_epoch(epoch++);
    while (std::optional<data::Batch> batch = loader.next()) {
      benchmark::DoNotOptimize(batch->images.raw_data());
      images += batch->images.size(0);
    }
  }
  set_rates(state, images, threads);
}

}  // namespace

BENCHMARK(BM_decode_phantoms)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_decode_rsna_dev)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_augment_batch)
    ->Args({224, 1})
    ->Args({224, 2})
    ->Args({299, 1})
    ->Args({299, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();
