// Batches for training and evaluation, assembled by worker threads ahead of the consumer.
//
// An epoch's order is a Fisher-Yates shuffle of the loader's samples keyed by (seed, epoch), or
// the samples as given when shuffling is off. A batch holds
//   images  float32 [B, S, S, 3] (NHWC): each sample rendered by render_sample with its own
//           augmentation draw keyed by (seed, epoch, cache index), then normalised;
//   targets int64 [B]: class_index(sex), female 0, male 1.
// Every value depends only on (cache, config, epoch, batch index), never on which worker built
// the batch or how many workers there are: batches are bitwise identical for any thread count.
//
// Memory: batch images are CPU tensors in page-locked (pinned) host memory when a GPU is present
// (Tensor::empty_pinned), so copies to the GPU need no staging; ordinary memory otherwise.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "data/augment.h"
#include "data/cache.h"
#include "tensor/tensor.h"

namespace engine::data {

enum class LastBatch {
  Keep,  // the last batch may be smaller
  Drop,  // a last batch smaller than batch_size is left out
};

struct LoaderConfig {
  int batch_size = 32;
  int output_side = 0;  // 0: the cache's side; otherwise the warp also rescales
  bool shuffle = true;
  LastBatch last_batch = LastBatch::Keep;
  std::uint64_t seed = 0;
  AugmentConfig augment;  // all ranges 0 (the default): no augmentation, as for evaluation
  Normalization normalization;
  int worker_threads = 2;    // 0: batches are assembled on the caller's thread in next()
  int prefetch_batches = 4;  // how far workers may run ahead of the consumer
};

struct Batch {
  std::int64_t index = 0;            // position in the epoch
  std::vector<std::size_t> samples;  // cache indices, in batch order
  Tensor images;
  Tensor targets;
};

// The order of `samples` for `epoch`.
std::vector<std::size_t> epoch_order(std::span<const std::size_t> samples, std::uint64_t seed,
                                     std::uint64_t epoch, bool shuffle);

// Builds one batch from the given cache indices. A pure function: the loader's workers call it.
Batch assemble_batch(const ImageCache& cache, const LoaderConfig& config, std::uint64_t epoch,
                     std::span<const std::size_t> samples, std::int64_t batch_index);

class Loader {
 public:
  // `samples` are cache indices (a split's part through cache_indices); an index may repeat.
  // The cache must outlive the loader.
  Loader(const ImageCache& cache, std::vector<std::size_t> samples, LoaderConfig config);
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  std::size_t batches_per_epoch() const;
  // Starts producing `epoch`'s batches, abandoning any epoch in progress.
  void start_epoch(std::uint64_t epoch);
  // The next batch of the current epoch in order, or nothing when the epoch is finished.
  // Rethrows an exception raised while a worker assembled it.
  std::optional<Batch> next();

 private:
  std::span<const std::size_t> batch_samples(std::size_t batch) const;
  void stop_workers();
  void work();

  const ImageCache& cache_;
  std::vector<std::size_t> samples_;
  LoaderConfig config_;

  std::uint64_t epoch_ = 0;
  bool started_ = false;
  std::vector<std::size_t> order_;
  std::size_t next_to_assemble_ = 0;
  std::size_t next_to_hand_out_ = 0;
  std::map<std::size_t, Batch> ready_;
  std::map<std::size_t, std::exception_ptr> failed_;  // batches whose assembly threw
  bool stopping_ = false;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> workers_;
};

}  // namespace engine::data
