// The data side of a training run: reading a dataset (manifest or class folders), recognising
// its column preset, its age unit and whether it is synthetic, hashing it, splitting it, and
// caching its decoded images once per input size.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "data/cache.h"
#include "data/manifest.h"
#include "data/split.h"
#include "util/json.h"

namespace engine::apps {

struct Dataset {
  std::string location;  // as given
  data::Manifest manifest;
  std::string manifest_sha256;  // of the manifest file, or of the class-folder listing
  std::string columns;          // the preset used: default or rsna
  std::string age_unit;         // months, years, or empty without ages
  bool synthetic = false;       // phantoms (their folder's README says SYNTHETIC DATA)
  // Files left out by --skip-bad-files before the split (remove_unreadable): not in `manifest`.
  std::vector<data::SkippedFile> skipped;

  Json to_json() const;  // source, hash, counts by sex, synthetic
  std::optional<double> age_in_years(const data::Record& record) const;
};

// columns: auto (rsna when the header names rsna_id), default, rsna; age_unit: auto (months for
// the rsna preset, years otherwise), months, years.
// paths: whether manifest paths may resolve outside the manifest's folder.
Dataset load_dataset(const std::string& location, const std::string& columns,
                     const std::string& age_unit, const data::PathPolicy& paths = {});

// --skip-bad-files: reads and decodes every image once, before the split, and moves the records
// that fail to dataset.skipped (with the reason), so that no count, split or split.csv ever
// lists an image that cannot be used. Costs one extra decode per image.
void remove_unreadable(Dataset& dataset, const data::DecodeLimits& limits);

// A copy of `dataset` without the records whose group is in `excluded` (hands held out for
// validation or testing in another stage), so one hand never teaches and grades the model.
Dataset without_groups(const Dataset& dataset, const std::set<std::string>& excluded,
                       std::size_t* removed);

// skipped.csv (data, file, origin, reason): the files --skip-bad-files left out before the split.
std::string skipped_files_csv(const std::vector<const Dataset*>& datasets);
// For results.json: [{file, origin, reason}], and {note, files: [{file, origin}]} for the images
// whose alpha channel was composited on black.
Json skipped_files_json(const std::vector<data::SkippedFile>& files);
Json alpha_files_json(const std::vector<std::pair<std::string, std::string>>& files);

std::set<std::string> groups_of(const Dataset& dataset, const std::vector<std::size_t>& records);

// Decoded, resized images per (dataset, side), built on first use.
class CacheStore {
 public:
  CacheStore(data::PreprocessConfig base, data::CacheOptions options)
      : base_(base), options_(options) {}
  const data::ImageCache& get(const Dataset& dataset, int side);
  // Files left out (--skip-bad-files) by any cache, each once, for the run record.
  std::vector<data::SkippedFile> skipped_files() const;
  // The DICOM images of every cache, each once, for the run record: {"window": ..., "images":
  // [{path, sha256, sop_instance_uid, ...}]} (what data::dicom_info_json gives, never patient
  // data).
  Json dicom_json(const std::string& window) const;
  // Files whose alpha channel was composited on black, by any cache, each once (file, origin).
  std::vector<std::pair<std::string, std::string>> alpha_files() const;

 private:
  data::PreprocessConfig base_;
  data::CacheOptions options_;
  std::map<std::pair<std::string, int>, std::unique_ptr<data::ImageCache>> caches_;
};

}  // namespace engine::apps
