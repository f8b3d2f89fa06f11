#include "apps/train/dataset.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "data/csv.h"
#include "data/dicom.h"
#include "data/error.h"
#include "data/file.h"
#include "kernels/cpu/parallel.h"
#include "util/sha256.h"

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
                     const std::string& age_unit, const data::PathPolicy& paths) {
  Dataset dataset;
  dataset.location = location;
  const std::filesystem::path manifest_file = manifest_file_of(location);
  const bool rsna = columns == "rsna" || (columns == "auto" && !manifest_file.empty() &&
                                          header_names_rsna(manifest_file));
  dataset.columns = rsna ? "rsna" : "default";
  dataset.manifest = data::read_dataset(
      location, rsna ? data::ManifestColumns::rsna() : data::ManifestColumns{}, paths);
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
  json.set("skipped_before_split", Json(static_cast<std::int64_t>(skipped.size())));
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

std::string skipped_files_csv(const std::vector<const Dataset*>& datasets) {
  std::string text = data::csv_record({"data", "file", "origin", "reason"});
  for (const Dataset* dataset : datasets) {
    for (const data::SkippedFile& file : dataset->skipped) {
      text += data::csv_record({dataset->location, file.file, file.origin, file.reason});
    }
  }
  return text;
}

Json skipped_files_json(const std::vector<data::SkippedFile>& files) {
  Json list = Json::array();
  for (const data::SkippedFile& file : files) {
    Json item = Json::object();
    item.set("file", Json(file.file));
    item.set("origin", Json(file.origin));
    item.set("reason", Json(file.reason));
    list.push_back(std::move(item));
  }
  return list;
}

Json alpha_files_json(const std::vector<std::pair<std::string, std::string>>& files) {
  Json list = Json::array();
  for (const auto& [file, origin] : files) {
    Json item = Json::object();
    item.set("file", Json(file));
    item.set("origin", Json(origin));
    list.push_back(std::move(item));
  }
  Json json = Json::object();
  json.set("note", Json(data::alpha_composited_note));
  json.set("files", std::move(list));
  return json;
}

std::set<std::string> groups_of(const Dataset& dataset, const std::vector<std::size_t>& records) {
  std::set<std::string> groups;
  for (std::size_t index : records) groups.insert(dataset.manifest.records.at(index).group);
  return groups;
}

void remove_unreadable(Dataset& dataset, const data::DecodeLimits& limits) {
  std::vector<data::Record>& records = dataset.manifest.records;
  std::vector<std::string> failures(records.size());
  kernels::cpu::parallel_for(static_cast<std::int64_t>(records.size()), 1,
                             [&](std::int64_t begin, std::int64_t end) {
                               for (std::int64_t i = begin; i < end; ++i) {
                                 try {
                                   data::read_image(records[i].file, limits);
                                 } catch (const data::DataError& error) {
                                   failures[i] = error.what();
                                 }
                               }
                             });
  std::vector<data::Record> kept;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (failures[i].empty()) {
      kept.push_back(std::move(records[i]));
    } else {
      dataset.skipped.push_back({records[i].file.string(), records[i].origin, failures[i]});
    }
  }
  records = std::move(kept);
}

std::vector<std::pair<std::string, std::string>> CacheStore::alpha_files() const {
  std::vector<std::pair<std::string, std::string>> files;
  std::set<std::string> seen;
  for (const auto& [key, cache] : caches_) {
    for (const data::CacheEntry& entry : cache->entries()) {
      if (entry.had_alpha && seen.insert(entry.record.file.string()).second) {
        files.emplace_back(entry.record.file.string(), entry.record.origin);
      }
    }
  }
  return files;
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
    std::printf("caching %zu images of %s at %dx%d ...\n", records.size(), dataset.location.c_str(),
                side, side);
    std::fflush(stdout);
    slot =
        std::make_unique<data::ImageCache>(data::build_cache(dataset.manifest, config, options_));
  }
  return *slot;
}

}  // namespace engine::apps
