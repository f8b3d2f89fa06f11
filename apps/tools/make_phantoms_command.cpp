#include "apps/tools/make_phantoms_command.h"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <set>
#include <string>

#include "apps/common/arguments.h"
#include "apps/common/output_guard.h"
#include "data/csv.h"
#include "data/file.h"
#include "data/phantom.h"

namespace engine::apps {

namespace {

const char* const manifest_header = "path,sex,id,note\n";

bool is_phantom_readme(const std::filesystem::path& file) {
  const std::string head = file_head(file, 1024);
  return starts_with(head, "SYNTHETIC DATA.") &&
         head.find("drawn by engine::data::write_phantom_dataset") != std::string::npos;
}

bool is_phantom_manifest(const std::filesystem::path& file) {
  return starts_with(file_head(file, 64), manifest_header);
}

// The image names an earlier make_phantoms listed in `folder`'s manifest (none when the folder
// holds no manifest of ours, or it cannot be read).
std::set<std::string> listed_phantoms(const std::filesystem::path& folder) {
  std::set<std::string> names;
  const std::filesystem::path manifest = folder / "manifest.csv";
  if (!is_phantom_readme(folder / "README.txt") || !is_phantom_manifest(manifest)) return names;
  try {
    const data::CsvTable table = data::parse_csv(data::read_file_text(manifest), manifest.string());
    const int path = table.column_index("path");
    for (const data::CsvRecord& record : table.records) {
      names.insert(record.fields[static_cast<std::size_t>(path)].text);
    }
  } catch (const std::exception&) {
    names.clear();
  }
  return names;
}

void check_outputs(const std::filesystem::path& folder, std::int64_t count, bool overwrite) {
  OutputGuard guard("make_phantoms", overwrite);
  const std::set<std::string> listed = listed_phantoms(folder);
  for (std::int64_t index = 0; index < count; ++index) {
    const std::string name = data::phantom_file_name(static_cast<int>(index));
    guard.check_file(folder / name, (folder / name).string(),
                     [&](const std::filesystem::path&) { return listed.count(name) > 0; });
  }
  guard.check_file(folder / "manifest.csv", (folder / "manifest.csv").string(),
                   is_phantom_manifest);
  guard.check_file(folder / "README.txt", (folder / "README.txt").string(), is_phantom_readme);
}

}  // namespace

int make_phantoms_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
  std::int64_t count = 600, seed = 1, size = 256;
  bool overwrite = false;
  ArgumentTable table("make_phantoms", "<folder> [options]");
  table.integer("count", &count, "number of phantoms (half female, half male)", 2, 1000000);
  table.integer("seed", &seed, "seed of the phantoms' anatomy and noise", 0,
                std::numeric_limits<std::int64_t>::max());
  table.integer("size", &size, "image side in pixels", 32, 4096);
  table.flag("overwrite", &overwrite,
             "replace the files of an earlier make_phantoms in the folder (never any other file)");
  try {
    const std::vector<std::string> positional = table.parse(argc, argv);
    if (table.help_requested()) {
      std::fputs(table.help().c_str(), out);
      return 0;
    }
    if (positional.size() != 1) throw ArgumentError("give exactly one output folder");
    const std::filesystem::path folder = positional[0];
    check_outputs(folder, count, overwrite);
    data::write_phantom_dataset(folder, static_cast<int>(count), static_cast<std::uint64_t>(seed),
                                static_cast<int>(size));
    std::fprintf(out, "%s: %lld SYNTHETIC phantoms at %lldx%lld (seed %lld) with manifest.csv\n",
                 positional[0].c_str(), static_cast<long long>(count), static_cast<long long>(size),
                 static_cast<long long>(size), static_cast<long long>(seed));
    return 0;
  } catch (const ArgumentError& error) {
    std::fprintf(err, "make_phantoms: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(err, "make_phantoms: %s\n", error.what());
    return 1;
  }
}

}  // namespace engine::apps
