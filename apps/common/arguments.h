// The command-line table shared by the programs: each option is registered once with its target
// variable and a help line; the target's value at registration is the default that --help shows.
// Errors name the option and what was wrong; an unknown option suggests the nearest known one.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace engine::apps {

class ArgumentError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class ArgumentTable {
 public:
  ArgumentTable(std::string program, std::string synopsis);

  void section(std::string title);  // a heading in --help
  // --name sets true; --no-name sets false.
  void flag(const std::string& name, bool* target, const std::string& help);
  void integer(const std::string& name, std::int64_t* target, const std::string& help,
               std::int64_t minimum, std::int64_t maximum);
  void number(const std::string& name, double* target, const std::string& help, double minimum,
              double maximum);
  // choices: when not empty, the value must be one of them.
  void text(const std::string& name, std::string* target, const std::string& help,
            std::vector<std::string> choices = {});
  // Repeatable; each occurrence may hold a comma-separated list.
  void list(const std::string& name, std::vector<std::string>* target, const std::string& help);
  // Repeatable; each occurrence is one item, commas included.
  void repeated(const std::string& name, std::vector<std::string>* target, const std::string& help);

  // Parses argv[1..]; returns the positional arguments. "--help" makes help_requested() true.
  std::vector<std::string> parse(int argc, const char* const* argv);
  bool help_requested() const { return help_requested_; }
  bool was_given(const std::string& name) const;
  std::string help() const;
  // The parsed values of every option as "--name value" text, for run records.
  std::vector<std::pair<std::string, std::string>> values() const;

 private:
  struct Option {
    std::string name;
    std::string help;
    std::string default_text;
    bool takes_value;
    std::function<void(const std::string&)> assign;
    std::function<std::string()> current;
    bool given = false;
    std::string section;
  };
  Option& add(const std::string& name, const std::string& help, std::string default_text,
              bool takes_value, std::function<void(const std::string&)> assign,
              std::function<std::string()> current);
  Option* find(const std::string& name);
  std::string nearest(const std::string& name) const;

  std::string program_;
  std::string synopsis_;
  std::string section_;
  std::vector<Option> options_;
  bool help_requested_ = false;
};

std::string format_number(double value);  // shortest text that reads back the same

}  // namespace engine::apps
