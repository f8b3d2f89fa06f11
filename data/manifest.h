// The list of labelled image files a dataset is made of, read from a CSV manifest or from class
// folders, with every record's origin kept for error messages and run records.
//
// Manifest form: a CSV file (data/csv.h) with a header. Required columns: the image path
// (relative to the manifest's folder, or absolute) and the sex. Optional columns: an age and a
// patient/hand id. The column names are configurable (ManifestColumns); missing optional columns
// are allowed and recorded as absent. Without an id column every file is its own group.
//
// Class-folder form: root/F/*.png and root/M/*.png (also .jpg/.jpeg/.dcm, any letter case); other
// files and subfolders are ignored; files are taken in byte order of their names.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace engine::data {

// Biological sex as the skeleton shows it. The enumerator values are the class indices a model
// is trained on: female 0, male 1.
enum class Sex : std::uint8_t { Female = 0, Male = 1 };

inline int class_index(Sex sex) { return static_cast<int>(sex); }
const char* name_of(Sex sex);  // "F" or "M"
// Accepts, in any letter case: F, female, 0 for female and M, male, 1 for male. Surrounding
// spaces are not accepted. Returns nothing for anything else.
std::optional<Sex> parse_sex(std::string_view text);

struct ManifestColumns {
  std::string path = "path";
  std::string sex = "sex";
  std::string age = "age";  // optional; empty name: never read
  std::string id = "id";    // optional; empty name: never read
  // The RSNA Bone Age manifests in ../shared/data/rsna-hands: path, sex, bone_age_months, rsna_id.
  static ManifestColumns rsna();
};

// Where the paths of a manifest may lead. By default every path must resolve, after symbolic
// links, inside the manifest's folder (for class folders: inside the root), so that a manifest
// line such as /etc/shadow or ../../secret.png cannot make a program read a file outside the data
// set it names. allow_outside lifts this (the programs' --allow-outside-paths, recorded in their
// output).
struct PathPolicy {
  bool allow_outside = false;
};

// Empty when `file` resolves inside `folder`; otherwise why not, for an error message: "path
// resolves to /etc/shadow, outside the manifest's folder /data/x".
std::string outside_folder_reason(const std::filesystem::path& file,
                                  const std::filesystem::path& folder);

struct Record {
  std::filesystem::path file;  // where the image is, resolved against the manifest's folder
  std::string path_text;       // the path exactly as the manifest wrote it
  Sex sex = Sex::Female;
  std::optional<double> age;  // in the manifest's unit (RSNA: bone age in months)
  std::string group;          // patient/hand id; path_text when there is no id column
  std::string origin;         // "manifest.csv:12" or "F/a.png": where the record came from
};

struct Manifest {
  std::string source;  // the manifest file or the class-folder root
  bool has_age = false;
  bool has_id = false;
  std::vector<Record> records;

  std::size_t count(Sex sex) const;
};

// Reads a CSV manifest. Errors are DataError "<file>:<line>:<column>: <what>": a missing required
// column, an empty path, a path listed twice, a sex value outside the accepted spellings, an age
// that is not a finite non-negative number, an empty id, the same id with two different sexes, a
// path that resolves outside the manifest's folder (unless the policy allows it).
Manifest read_manifest(const std::filesystem::path& csv_file, const ManifestColumns& columns = {},
                       const PathPolicy& paths = {});
// The same from text already in memory; `base_folder` resolves relative paths.
Manifest parse_manifest(std::string_view text, const std::string& source,
                        const std::filesystem::path& base_folder,
                        const ManifestColumns& columns = {}, const PathPolicy& paths = {});
// Reads root/F and root/M. Throws when neither folder exists or no image is found. Entries with
// an image name that are not folders are records even when they cannot be read (a broken or
// looping symbolic link): reading them fails later, naming the file, as one bad image.
Manifest read_class_folders(const std::filesystem::path& root, const PathPolicy& paths = {});
// A manifest file, a folder holding manifest.csv, or class folders, in that order of preference.
Manifest read_dataset(const std::filesystem::path& location, const ManifestColumns& columns = {},
                      const PathPolicy& paths = {});

}  // namespace engine::data
