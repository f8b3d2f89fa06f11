#include "data/csv.h"

#include <set>

#include "data/error.h"

namespace engine::data {

namespace {

// Walks the text once, keeping the line and column of the next byte.
class CsvScanner {
 public:
  CsvScanner(std::string_view text, const std::string& source) : text_(text), source_(source) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") position_ = 3;  // UTF-8 byte order mark
  }

  bool at_end() const { return position_ >= text_.size(); }

  // Reads one record. Returns false, reading nothing, when the text is used up.
  bool read_record(CsvRecord& record) {
    if (at_end()) return false;
    record.fields.clear();
    record.line = line_;
    if (at_line_break()) fail(line_, column_, "blank line (a record needs at least one field)");
    while (true) {
      record.fields.push_back(read_field());
      if (at_end()) return true;
      const char separator = text_[position_];
      if (separator == ',') {
        advance();
        continue;
      }
      consume_line_break();
      return true;
    }
  }

  [[noreturn]] void fail(int line, int column, const std::string& what) const {
    throw DataError(source_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                    what);
  }

 private:
  bool at_line_break() const {
    return !at_end() && (text_[position_] == '\n' || text_[position_] == '\r');
  }

  // Moves past one byte; a line feed starts a new line.
  void advance() {
    if (text_[position_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++position_;
  }

  void consume_line_break() {
    if (text_[position_] == '\r') {
      if (position_ + 1 >= text_.size() || text_[position_ + 1] != '\n') {
        fail(line_, column_, "carriage return not followed by a line feed");
      }
      advance();
    }
    advance();  // the line feed
  }

  void check_byte(char byte) const {
    if (byte == '\0') fail(line_, column_, "NUL byte (is this a binary file?)");
  }

  CsvField read_field() {
    CsvField field;
    field.line = line_;
    field.column = column_;
    if (!at_end() && text_[position_] == '"') {
      read_quoted(field);
    } else {
      read_unquoted(field);
    }
    return field;
  }

  void read_unquoted(CsvField& field) {
    while (!at_end()) {
      const char byte = text_[position_];
      if (byte == ',' || byte == '\n') return;
      if (byte == '\r') {
        if (position_ + 1 < text_.size() && text_[position_ + 1] == '\n') return;
        fail(line_, column_, "carriage return not followed by a line feed");
      }
      if (byte == '"') {
        fail(line_, column_,
             "quote inside an unquoted field (enclose the whole field in quotes and write a "
             "quote as two quotes)");
      }
      check_byte(byte);
      field.text.push_back(byte);
      advance();
    }
  }

  void read_quoted(CsvField& field) {
    advance();  // the opening quote
    while (true) {
      if (at_end()) {
        fail(field.line, field.column, "quoted field is never closed (the file ends inside it)");
      }
      const char byte = text_[position_];
      if (byte == '"') {
        if (position_ + 1 < text_.size() && text_[position_ + 1] == '"') {
          field.text.push_back('"');
          advance();
          advance();
          continue;
        }
        advance();  // the closing quote
        if (!at_end() && text_[position_] != ',' && !at_line_break()) {
          fail(line_, column_,
               std::string("unexpected character '") + printable(text_[position_]) +
                   "' after a closing quote (expected a comma or the end of the line)");
        }
        return;
      }
      check_byte(byte);
      field.text.push_back(byte);
      advance();
    }
  }

  static std::string printable(char byte) {
    const auto value = static_cast<unsigned char>(byte);
    if (value >= 0x20 && value < 0x7f) return std::string(1, byte);
    static constexpr char digits[] = "0123456789abcdef";
    return std::string("\\x") + digits[value >> 4] + digits[value & 0x0f];
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t position_ = 0;
  int line_ = 1;
  int column_ = 1;
};

bool needs_quotes(std::string_view text) {
  if (text.empty()) return false;
  if (text.front() == ' ' || text.back() == ' ') return true;
  // Unquoted at the start of a file, a field that begins with a byte order mark would lose it
  // when read back (found by fuzzing).
  if (text.substr(0, 3) == "\xEF\xBB\xBF") return true;
  return text.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

int CsvTable::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    if (header.fields[i].text == name) return static_cast<int>(i);
  }
  return -1;
}

std::string CsvTable::header_list() const {
  std::string list;
  for (const CsvField& field : header.fields) {
    if (!list.empty()) list += ", ";
    list += field.text;
  }
  return list;
}

CsvTable parse_csv(std::string_view text, const std::string& source) {
  CsvScanner scanner(text, source);
  CsvTable table;
  table.source = source;
  if (!scanner.read_record(table.header)) scanner.fail(1, 1, "empty file (no header)");
  std::set<std::string> names;
  for (const CsvField& field : table.header.fields) {
    if (field.text.empty()) scanner.fail(field.line, field.column, "empty column name in header");
    if (!names.insert(field.text).second) {
      scanner.fail(field.line, field.column, "column name '" + field.text + "' appears twice");
    }
  }
  CsvRecord record;
  while (scanner.read_record(record)) {
    if (record.fields.size() != table.header.fields.size()) {
      const CsvField& last = record.fields.back();
      scanner.fail(last.line, last.column,
                   "record has " + std::to_string(record.fields.size()) +
                       " fields, the header has " + std::to_string(table.header.fields.size()));
    }
    table.records.push_back(std::move(record));
    record = CsvRecord{};
  }
  return table;
}

void fail_at(const std::string& source, const CsvField& field, const std::string& what) {
  throw DataError(source + ":" + std::to_string(field.line) + ":" + std::to_string(field.column) +
                  ": " + what);
}

std::string csv_field(std::string_view text) {
  if (!needs_quotes(text)) return std::string(text);
  std::string quoted = "\"";
  for (const char byte : text) {
    if (byte == '"') quoted.push_back('"');
    quoted.push_back(byte);
  }
  quoted.push_back('"');
  return quoted;
}

std::string csv_record(const std::vector<std::string>& fields) {
  // A lone empty field would otherwise be written as a blank line, which the parser rejects.
  if (fields.size() == 1 && fields[0].empty()) return "\"\"\n";
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.push_back(',');
    line += csv_field(fields[i]);
  }
  line.push_back('\n');
  return line;
}

}  // namespace engine::data
