// Comma-separated values as RFC 4180 defines them: fields separated by commas, records by CRLF
// (a bare LF is accepted too), fields optionally enclosed in double quotes, a quote inside a
// quoted field written as two quotes, commas and line breaks allowed inside quoted fields. The
// first record is the header.
//
// The parser is strict because a manifest is evidence: anything RFC 4180 does not allow (a quote
// inside an unquoted field, text after a closing quote, an unterminated quote, a blank line, a
// record with the wrong number of fields, a bare CR, a NUL byte) is a DataError
// "<source>:<line>:<column>: <what>", lines and columns counted from 1, columns in bytes. One
// leniency: a UTF-8 byte order mark at the very start (spreadsheet programs write one) is skipped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace engine::data {

struct CsvField {
  std::string text;  // unquoted, doubled quotes collapsed
  int line = 0;      // where the field starts
  int column = 0;
};

struct CsvRecord {
  std::vector<CsvField> fields;
  int line = 0;  // where the record starts
};

struct CsvTable {
  std::string source;  // the file name used in error messages
  CsvRecord header;
  std::vector<CsvRecord> records;  // the data records, header excluded

  // Index of the header field named `name`, or -1. Names are compared exactly.
  int column_index(std::string_view name) const;
  std::string header_list() const;  // "path, sex, age" for error messages
};

// Parses `text`; `source` names it in errors. Header names must be non-empty and distinct.
CsvTable parse_csv(std::string_view text, const std::string& source);

// Throws DataError "<source>:<line>:<column>: <what>" at the start of `field`.
[[noreturn]] void fail_at(const std::string& source, const CsvField& field,
                          const std::string& what);

// One field as it must be written: quoted (with quotes doubled) when it contains a comma, a
// quote, CR or LF, starts or ends with a space, or starts with a UTF-8 byte order mark;
// unchanged otherwise.
std::string csv_field(std::string_view text);
// A record: the fields joined by commas and terminated by "\n".
std::string csv_record(const std::vector<std::string>& fields);

}  // namespace engine::data
