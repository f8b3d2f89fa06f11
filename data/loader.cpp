#include "data/loader.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "data/random_streams.h"

namespace engine::data {

std::vector<std::size_t> epoch_order(std::span<const std::size_t> samples, std::uint64_t seed,
                                     std::uint64_t epoch, bool shuffle) {
  std::vector<std::size_t> order(samples.begin(), samples.end());
  if (shuffle) streams::shuffle(order, seed, streams::offset(epoch, streams::Purpose::Shuffle));
  return order;
}

Batch assemble_batch(const ImageCache& cache, const LoaderConfig& config, std::uint64_t epoch,
                     std::span<const std::size_t> samples, std::int64_t batch_index) {
  const int side = config.output_side > 0 ? config.output_side : cache.side();
  const auto count = static_cast<std::int64_t>(samples.size());
  Batch batch;
  batch.index = batch_index;
  batch.samples.assign(samples.begin(), samples.end());
  // Page-locked when a GPU is present, so the copy to it needs no staging buffer.
  batch.images = Tensor::empty_pinned({count, side, side, 3}, DType::Float32);
  batch.targets = Tensor::empty({count}, DType::Int64);
  float* images = batch.images.data<float>();
  std::int64_t* targets = batch.targets.data<std::int64_t>();
  const std::size_t sample_floats = static_cast<std::size_t>(side) * side * 3;
  for (std::int64_t i = 0; i < count; ++i) {
    const std::size_t index = samples[static_cast<std::size_t>(i)];
    const AugmentParameters parameters = draw_augment(config.augment, config.seed, epoch, index);
    render_sample(cache.view(index), parameters, config.normalization, side,
                  images + static_cast<std::size_t>(i) * sample_floats);
    targets[i] = class_index(cache.entry(index).record.sex);
  }
  return batch;
}

Loader::Loader(const ImageCache& cache, std::vector<std::size_t> samples, LoaderConfig config)
    : cache_(cache), samples_(std::move(samples)), config_(std::move(config)) {
  if (config_.batch_size < 1) {
    throw std::invalid_argument("LoaderConfig.batch_size must be at least 1, got " +
                                std::to_string(config_.batch_size));
  }
  if (config_.worker_threads < 0 || config_.prefetch_batches < 1) {
    throw std::invalid_argument(
        "LoaderConfig: worker_threads must be >= 0 and prefetch_batches "
        ">= 1");
  }
  config_.augment.validate();
  for (const std::size_t index : samples_) {
    if (index >= cache_.size()) {
      throw std::out_of_range("Loader: sample " + std::to_string(index) +
                              " is outside the cache (" + std::to_string(cache_.size()) +
                              " images)");
    }
  }
}

Loader::~Loader() { stop_workers(); }

std::size_t Loader::batches_per_epoch() const {
  const std::size_t size = static_cast<std::size_t>(config_.batch_size);
  return config_.last_batch == LastBatch::Drop ? samples_.size() / size
                                               : (samples_.size() + size - 1) / size;
}

std::span<const std::size_t> Loader::batch_samples(std::size_t batch) const {
  const std::size_t size = static_cast<std::size_t>(config_.batch_size);
  const std::size_t begin = batch * size;
  return std::span<const std::size_t>(order_).subspan(begin, std::min(size, order_.size() - begin));
}

void Loader::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

void Loader::start_epoch(std::uint64_t epoch) {
  stop_workers();
  epoch_ = epoch;
  started_ = true;
  order_ = epoch_order(samples_, config_.seed, epoch, config_.shuffle);
  next_to_assemble_ = 0;
  next_to_hand_out_ = 0;
  ready_.clear();
  failed_.clear();
  stopping_ = false;
  for (int i = 0; i < config_.worker_threads; ++i) workers_.emplace_back([this] { work(); });
}

// A worker claims the next batch number while it is within the prefetch window, builds it
// without holding the lock, and files it under its number; next() hands batches out in order.
void Loader::work() {
  const std::size_t total = batches_per_epoch();
  while (true) {
    std::size_t batch = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || next_to_assemble_ >= total ||
               next_to_assemble_ <
                   next_to_hand_out_ + static_cast<std::size_t>(config_.prefetch_batches);
      });
      if (stopping_ || next_to_assemble_ >= total) return;
      batch = next_to_assemble_++;
    }
    try {
      Batch built = assemble_batch(cache_, config_, epoch_, batch_samples(batch),
                                   static_cast<std::int64_t>(batch));
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.emplace(batch, std::move(built));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      failed_.emplace(batch, std::current_exception());
    }
    changed_.notify_all();
  }
}

std::optional<Batch> Loader::next() {
  if (!started_) throw std::logic_error("Loader::next called before start_epoch");
  if (next_to_hand_out_ >= batches_per_epoch()) return std::nullopt;
  const std::size_t batch = next_to_hand_out_;
  if (config_.worker_threads == 0) {
    ++next_to_hand_out_;
    return assemble_batch(cache_, config_, epoch_, batch_samples(batch),
                          static_cast<std::int64_t>(batch));
  }
  std::unique_lock<std::mutex> lock(mutex_);
  // A failure surfaces when its batch is due, so every earlier batch is still handed out.
  changed_.wait(lock, [&] { return ready_.count(batch) > 0 || failed_.count(batch) > 0; });
  if (const auto failure = failed_.find(batch); failure != failed_.end()) {
    std::rethrow_exception(failure->second);
  }
  Batch result = std::move(ready_.at(batch));
  ready_.erase(batch);
  ++next_to_hand_out_;
  lock.unlock();
  changed_.notify_all();
  return result;
}

}  // namespace engine::data
