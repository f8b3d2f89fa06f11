#include "data/manifest.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "data/csv.h"
#include "data/decode.h"
#include "data/error.h"
#include "data/file.h"

namespace engine::data {

namespace {

std::string lowercase(std::string_view text) {
  std::string lower(text);
  for (char& byte : lower) {
    if (byte >= 'A' && byte <= 'Z') byte = static_cast<char>(byte - 'A' + 'a');
  }
  return lower;
}

int required_column(const CsvTable& table, const std::string& name, const char* role) {
  const int index = name.empty() ? -1 : table.column_index(name);
  if (index < 0) {
    throw DataError(table.source + ":" + std::to_string(table.header.line) + ":1: no " + role +
                    " column named '" + name + "' in the header (columns: " + table.header_list() +
                    ")");
  }
  return index;
}

int optional_column(const CsvTable& table, const std::string& name) {
  return name.empty() ? -1 : table.column_index(name);
}

std::optional<double> parse_age(const std::string& source, const CsvField& field) {
  if (field.text.empty()) return std::nullopt;
  double value = 0;
  const char* begin = field.text.data();
  const char* end = begin + field.text.size();
  const auto [stop, error] = std::from_chars(begin, end, value);
  if (error != std::errc() || stop != end || !std::isfinite(value) || value < 0) {
    fail_at(source, field, "age '" + field.text + "' is not a finite non-negative number");
  }
  return value;
}

// A folder entry that may be an image: anything with an image name (data/decode.h) but a folder.
// A broken or looping symbolic link is kept, so that reading it fails with its reason instead of
// the file vanishing from the data set unnoticed.
bool is_image_entry(const std::filesystem::directory_entry& entry) {
  if (!has_image_extension(entry.path())) return false;
  std::error_code error;
  return !entry.is_directory(error);
}

}  // namespace

std::string outside_folder_reason(const std::filesystem::path& file,
                                  const std::filesystem::path& folder) {
  const std::filesystem::path resolved_folder = resolved_path(folder);
  const std::filesystem::path resolved_file = resolved_path(file);
  if (lies_inside(resolved_file, resolved_folder)) return "";
  return "resolves to " + resolved_file.string() + ", outside the manifest's folder " +
         resolved_folder.string() + " (--allow-outside-paths reads it)";
}

const char* name_of(Sex sex) { return sex == Sex::Female ? "F" : "M"; }

std::optional<Sex> parse_sex(std::string_view text) {
  const std::string lower = lowercase(text);
  if (lower == "f" || lower == "female" || lower == "0") return Sex::Female;
  if (lower == "m" || lower == "male" || lower == "1") return Sex::Male;
  return std::nullopt;
}

ManifestColumns ManifestColumns::rsna() {
  ManifestColumns columns;
  columns.age = "bone_age_months";
  columns.id = "rsna_id";
  return columns;
}

std::size_t Manifest::count(Sex sex) const {
  return static_cast<std::size_t>(std::count_if(
      records.begin(), records.end(), [sex](const Record& record) { return record.sex == sex; }));
}

Manifest parse_manifest(std::string_view text, const std::string& source,
                        const std::filesystem::path& base_folder, const ManifestColumns& columns,
                        const PathPolicy& paths) {
  const CsvTable table = parse_csv(text, source);
  const int path_column = required_column(table, columns.path, "path");
  const int sex_column = required_column(table, columns.sex, "sex");
  const int age_column = optional_column(table, columns.age);
  const int id_column = optional_column(table, columns.id);

  Manifest manifest;
  manifest.source = source;
  manifest.has_age = age_column >= 0;
  manifest.has_id = id_column >= 0;
  std::map<std::string, int> line_of_path;
  std::map<std::string, std::pair<Sex, int>> sex_of_group;  // and the line that set it
  for (const CsvRecord& row : table.records) {
    const CsvField& path_field = row.fields[path_column];
    const CsvField& sex_field = row.fields[sex_column];
    Record record;
    record.origin = source + ":" + std::to_string(row.line);
    record.path_text = path_field.text;
    if (record.path_text.empty()) fail_at(source, path_field, "empty path");
    if (const auto [where, inserted] = line_of_path.emplace(record.path_text, row.line);
        !inserted) {
      fail_at(source, path_field,
              "path '" + record.path_text + "' is already listed on line " +
                  std::to_string(where->second));
    }
    const std::filesystem::path written(record.path_text);
    record.file = written.is_absolute() ? written : base_folder / written;
    if (!paths.allow_outside) {
      const std::string outside = outside_folder_reason(record.file, base_folder);
      if (!outside.empty())
        fail_at(source, path_field, "path '" + record.path_text + "' " + outside);
    }
    const std::optional<Sex> sex = parse_sex(sex_field.text);
    if (!sex) {
      fail_at(
          source, sex_field,
          "sex '" + sex_field.text + "' is not one of F, female, 0 (female) or M, male, 1 (male)");
    }
    record.sex = *sex;
    if (age_column >= 0) record.age = parse_age(source, row.fields[age_column]);
    if (id_column >= 0) {
      const CsvField& id_field = row.fields[id_column];
      if (id_field.text.empty()) fail_at(source, id_field, "empty " + columns.id);
      record.group = id_field.text;
      const auto [where, inserted] =
          sex_of_group.emplace(record.group, std::make_pair(record.sex, row.line));
      if (!inserted && where->second.first != record.sex) {
        fail_at(source, sex_field,
                columns.id + " '" + record.group + "' is " + name_of(record.sex) + " here but " +
                    name_of(where->second.first) + " on line " +
                    std::to_string(where->second.second));
      }
    } else {
      record.group = record.path_text;
    }
    manifest.records.push_back(std::move(record));
  }
  return manifest;
}

Manifest read_manifest(const std::filesystem::path& csv_file, const ManifestColumns& columns,
                       const PathPolicy& paths) {
  return parse_manifest(read_file_text(csv_file), csv_file.string(), csv_file.parent_path(),
                        columns, paths);
}

Manifest read_class_folders(const std::filesystem::path& root, const PathPolicy& paths) {
  Manifest manifest;
  manifest.source = root.string();
  bool any_folder = false;
  for (const Sex sex : {Sex::Female, Sex::Male}) {
    const std::filesystem::path folder = root / name_of(sex);
    if (!std::filesystem::is_directory(folder)) continue;
    any_folder = true;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      if (is_image_entry(entry)) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const std::filesystem::path& file : files) {
      if (!paths.allow_outside) {
        const std::string outside = outside_folder_reason(file, root);
        if (!outside.empty()) throw DataError(file.string() + ": " + outside);
      }
      Record record;
      record.file = file;
      record.path_text = std::string(name_of(sex)) + "/" + file.filename().string();
      record.sex = sex;
      record.group = record.path_text;
      record.origin = record.path_text;
      manifest.records.push_back(std::move(record));
    }
  }
  if (!any_folder) {
    throw DataError(root.string() + ": neither a manifest.csv nor class folders F/ and M/ found");
  }
  if (manifest.records.empty()) {
    throw DataError(root.string() + ": no .png, .jpg, .jpeg or .dcm files in F/ or M/");
  }
  return manifest;
}

Manifest read_dataset(const std::filesystem::path& location, const ManifestColumns& columns,
                      const PathPolicy& paths) {
  if (std::filesystem::is_regular_file(location)) return read_manifest(location, columns, paths);
  if (!std::filesystem::is_directory(location)) {
    throw DataError(location.string() + ": no such file or folder");
  }
  const std::filesystem::path manifest_file = location / "manifest.csv";
  if (std::filesystem::exists(manifest_file)) return read_manifest(manifest_file, columns, paths);
  return read_class_folders(location, paths);
}

}  // namespace engine::data
