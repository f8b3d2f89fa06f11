#include "apps/train/dataset.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "data/dicom.h"
#include "data/file.h"
#include "tensor/sha256.h"

namespace engine::apps {

namespace {

std::filesystem::path manifest_file_of(const std::filesystem::path& location) {
  if (std::filesystem::is_regular_file(location)) return location;
  if (std::filesystem::is_regular_file(location / "manifest.csv")) return location / "manifest.csv";
  return {};
}

bool header_names_rsna(const std::filesystem::path& csv) {
  std::ifstream file(csv);
  std::string header;
  std::getline(file, header);
  return header.find("rsna_id") != std::string::npos;
}

bool says_synthetic(const std::filesystem::path& folder) {
  std::ifstream readme(folder / "README.txt");
  std::string first;
  std::getline(readme, first);
  return first.rfind("SYNTHETIC DATA", 0) == 0;
}

}  // namespace

Dataset load_dataset(const std::string& location, const std::string& columns,
                     const std::string& age_unit) {
  Dataset dataset;
  dataset.location = location;
  const std::filesystem::path manifest_file = manifest_file_of(location);
  const bool rsna = columns == "rsna" ||
                    (columns == "auto" && !manifest_file.empty() && header_names_rsna(manifest_file));
  dataset.columns = rsna ? "rsna" : "default";
  dataset.manifest = data::read_dataset(location, rsna ? data::ManifestColumns::rsna()
                                                       : data::ManifestColumns{});
  if (!manifest_file.empty()) {
    dataset.manifest_sha256 = data::sha256_file_hex(manifest_file);
    dataset.synthetic = says_synthetic(manifest_file.parent_path());
  } else {
    // Class folders: the hash covers the listing (paths and classes), not the image bytes,
    // which the run record hashes one by one.
    std::string listing;
    for (const data::Record& record : dataset.manifest.records) {
      listing += record.path_text + "," + data::name_of(record.sex) + "\n";
    }
    dataset.manifest_sha256 = sha256_hex(std::string_view(listing));
    dataset.synthetic = says_synthetic(location);
  }
  if (dataset.manifest.has_age) {
    dataset.age_unit = age_unit != "auto" ? age_unit : (rsna ? "months" : "years");
  }
  return dataset;
}

std::optional<double> Dataset::age_in_years(const data::Record& record) const {
  if (!record.age) return std::nullopt;
  return age_unit == "months" ? *record.age / 12.0 : *record.age;
}

Json Dataset::to_json() const {
  Json json = Json::object();
  json.set("source", Json(location));
  json.set("manifest", Json(manifest.source));
  json.set("manifest_sha256", Json(manifest_sha256));
  json.set("columns", Json(columns));
  json.set("synthetic", Json(synthetic));
  json.set("images", Json(static_cast<std::int64_t>(manifest.records.size())));
  json.set("female", Json(static_cast<std::int64_t>(manifest.count(data::Sex::Female))));
  json.set("male", Json(static_cast<std::int64_t>(manifest.count(data::Sex::Male))));
  json.set("age_unit", age_unit.empty() ? Json(nullptr) : Json(age_unit));
  json.set("grouped_by", Json(manifest.has_id ? "id column" : "file (no id column)"));
  return json;
}

Dataset without_groups(const Dataset& dataset, const std::set<std::string>& excluded,
                       std::size_t* removed) {
  Dataset kept = dataset;
  kept.manifest.records.clear();
  for (const data::Record& record : dataset.manifest.records) {
    if (excluded.count(record.group) == 0) kept.manifest.records.push_back(record);
  }
  if (removed != nullptr) *removed = dataset.manifest.records.size() - kept.manifest.records.size();
  return kept;
}

std::set<std::string> groups_of(const Dataset& dataset, const std::vector<std::size_t>& records) {
  std::set<std::string> groups;
  for (std::size_t index : records) groups.insert(dataset.manifest.records.at(index).group);
  return groups;
}

std::vector<data::SkippedFile> CacheStore::skipped_files() const {
  std::vector<data::SkippedFile> files;
  std::set<std::string> seen;
  for (const auto& [key, cache] : caches_) {
    for (const data::SkippedFile& file : cache->skipped()) {
      if (seen.insert(file.file).second) files.push_back(file);
    }
  }
  return files;
}

Json CacheStore::dicom_json(const std::string& window) const {
  Json images = Json::array();
  std::set<std::string> seen;
  for (const auto& [key, cache] : caches_) {
    for (const data::CacheEntry& entry : cache->entries()) {
      if (!entry.dicom || !seen.insert(entry.record.file.string()).second) continue;
      Json image = data::dicom_info_json(*entry.dicom);
      image.set("path", Json(entry.record.path_text));
      image.set("sha256", Json(entry.sha256));
      images.push_back(std::move(image));
    }
  }
  Json json = Json::object();
  json.set("window", Json(window));
  json.set("images", std::move(images));
  return json;
}

const data::ImageCache& CacheStore::get(const Dataset& dataset, int side) {
  // Filtered copies of one manifest differ only in their records: the key hashes them all.
  const auto& records = dataset.manifest.records;
  Sha256 listing;
  for (const data::Record& record : records) listing.update(record.file.string() + "\n");
  auto& slot = caches_[{to_hex(listing.finish()), side}];
  if (!slot) {
    data::PreprocessConfig config = base_;
    config.side = side;
    std::printf("caching %zu images of %s at %dx%d ...\n", records.size(),
                dataset.location.c_str(), side, side);
    std::fflush(stdout);
    slot = std::make_unique<data::ImageCache>(data::build_cache(dataset.manifest, config, options_));
  }
  return *slot;
}

}  // namespace engine::apps
