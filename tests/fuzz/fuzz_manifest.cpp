// Fuzzes the CSV parser and the manifest reader built on it. Besides crashes and sanitizer
// reports, it checks two properties on every input the parser accepts:
//   - the only exception is DataError (anything else escapes and libFuzzer reports it);
//   - writing the parsed records back with csv_record and parsing again gives the same fields.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "data/csv.h"
#include "data/error.h"
#include "data/manifest.h"
#include "tests/fuzz/property.h"

namespace data = engine::data;

namespace {

using engine::fuzz::require;

void check_round_trip(const data::CsvTable& table) {
  const auto texts = [](const data::CsvRecord& record) {
    std::vector<std::string> fields;
    for (const data::CsvField& field : record.fields) fields.push_back(field.text);
    return fields;
  };
  std::string written = data::csv_record(texts(table.header));
  for (const data::CsvRecord& record : table.records) written += data::csv_record(texts(record));
  const data::CsvTable again = data::parse_csv(written, "round-trip");
  require(texts(again.header) == texts(table.header), "header survives a round trip");
  require(again.records.size() == table.records.size(), "record count survives a round trip");
  for (std::size_t i = 0; i < table.records.size(); ++i) {
    require(texts(again.records[i]) == texts(table.records[i]), "fields survive a round trip");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(bytes), size);
  try {
    check_round_trip(data::parse_csv(text, "fuzz.csv"));
  } catch (const data::DataError&) {
  }
  for (const data::ManifestColumns& columns :
       {data::ManifestColumns(), data::ManifestColumns::rsna()}) {
    try {
      const data::Manifest manifest = data::parse_manifest(text, "fuzz.csv", "/base", columns);
      for (const data::Record& record : manifest.records) {
        require(!record.path_text.empty(), "no empty path is accepted");
        require(!record.group.empty(), "every record has a group");
      }
    } catch (const data::DataError&) {
    }
  }
  return 0;
}
