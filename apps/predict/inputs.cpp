#include "apps/predict/inputs.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include "data/csv.h"
#include "data/decode.h"
#include "data/file.h"
#include "data/manifest.h"

namespace engine::apps {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

InputItem failed(const std::string& argument, const std::string& error) {
  InputItem item;
  item.label = argument;
  item.file = argument;
  item.origin = argument;
  item.error = error;
  return item;
}

void add_manifest(const data::Manifest& manifest, bool labelled, std::vector<InputItem>& items) {
  for (const data::Record& record : manifest.records) {
    InputItem item;
    item.label = record.path_text;
    item.file = record.file;
    item.origin = record.origin;
    if (labelled) item.truth = data::class_index(record.sex);
    items.push_back(std::move(item));
  }
}

// A CSV with a sex column is a manifest in the training sense; one with only a path column is a
// list of unlabelled casework images.
void add_csv(const std::filesystem::path& file, const data::PathPolicy& paths,
             ExpandedInputs& expanded) {
  std::vector<InputItem>& items = expanded.items;
  expanded.manifests.push_back(file);
  const data::CsvTable table = data::parse_csv(data::read_file_text(file), file.string());
  if (table.column_index("sex") >= 0) {
    add_manifest(data::read_manifest(file, {}, paths), true, items);
    return;
  }
  const int path_column = table.column_index("path");
  if (path_column < 0) {
    throw std::invalid_argument(
        file.string() + ": a manifest needs a 'path' column (it has: " + table.header_list() + ")");
  }
  for (const data::CsvRecord& record : table.records) {
    const data::CsvField& field = record.fields[static_cast<std::size_t>(path_column)];
    InputItem item;
    item.label = field.text;
    item.file = std::filesystem::path(field.text).is_absolute() ? std::filesystem::path(field.text)
                                                                : file.parent_path() / field.text;
    item.origin = file.string() + ":" + std::to_string(record.line);
    if (field.text.empty()) {
      item.error = item.origin + ": empty path";
    } else if (!paths.allow_outside) {
      const std::string outside = data::outside_folder_reason(item.file, file.parent_path());
      if (!outside.empty()) item.error = item.origin + ": path '" + field.text + "' " + outside;
    }
    items.push_back(std::move(item));
  }
}

// Whether `path` exists; a path that cannot be looked at (a symbolic link loop) counts as
// existing, so that reading it fails with its reason instead of it being passed over.
bool present(const std::filesystem::path& path) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  return std::filesystem::exists(status) || error != std::errc::no_such_file_or_directory;
}

bool is_folder(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_directory(path, error);
}

void add_folder(const std::filesystem::path& folder, const data::PathPolicy& paths,
                ExpandedInputs& expanded) {
  if (present(folder / "manifest.csv")) {
    add_csv(folder / "manifest.csv", paths, expanded);
    return;
  }
  if (is_folder(folder / "F") || is_folder(folder / "M")) {
    add_manifest(data::read_class_folders(folder, paths), true, expanded.items);
    return;
  }
  // Every entry with an image name that is not a folder is an item, broken or looping symbolic
  // links included: each then fails on its own, named, and the folder's other images still run.
  std::vector<std::filesystem::path> images;
  std::size_t others = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    std::error_code error;
    if (data::has_image_extension(entry.path())) {
      if (!entry.is_directory(error)) images.push_back(entry.path());
    } else if (entry.is_regular_file(error)) {
      ++others;
    }
  }
  if (images.empty()) {
    throw std::invalid_argument(folder.string() + ": no PNG, JPEG or DICOM (.dcm) files");
  }
  std::sort(images.begin(), images.end(), [](const auto& a, const auto& b) {
    return a.filename().string() < b.filename().string();
  });
  for (const std::filesystem::path& image : images) {
    InputItem item;
    item.label = image.string();
    item.file = image;
    item.origin = folder.string();
    expanded.items.push_back(std::move(item));
  }
  if (others > 0) {
    expanded.notes.push_back(folder.string() + ": " + std::to_string(others) +
                             " file(s) without a .png, .jpg, .jpeg or .dcm name were not read");
  }
}

}  // namespace

ExpandedInputs expand_inputs(const std::vector<std::string>& arguments,
                             const data::PathPolicy& paths) {
  ExpandedInputs expanded;
  for (const std::string& argument : arguments) {
    const std::filesystem::path path(argument);
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status)) {
      const std::string reason = data::missing_file_reason(path, error);
      expanded.items.push_back(failed(
          argument,
          argument + ": " + (reason == "file not found" ? "no such file or folder" : reason)));
      continue;
    }
    // A manifest or folder that cannot be read fails as one item; the other arguments go on.
    try {
      if (std::filesystem::is_directory(status)) {
        add_folder(path, paths, expanded);
      } else if (lower(path.extension().string()) == ".csv") {
        add_csv(path, paths, expanded);
      } else {
        InputItem item;
        item.label = argument;
        item.file = path;
        item.origin = argument;
        expanded.items.push_back(std::move(item));
      }
    } catch (const std::exception& failure) {
      expanded.items.push_back(failed(argument, failure.what()));
    }
  }
  return expanded;
}

}  // namespace engine::apps
