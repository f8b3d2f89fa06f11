#include "apps/common/arguments.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace engine::apps {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) text += (i ? separator : "") + items[i];
  return text;
}

}  // namespace

std::string format_number(double value) {
  char text[64];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

ArgumentTable::ArgumentTable(std::string program, std::string synopsis)
    : program_(std::move(program)), synopsis_(std::move(synopsis)) {}

void ArgumentTable::section(std::string title) { section_ = std::move(title); }

ArgumentTable::Option& ArgumentTable::add(const std::string& name, const std::string& help,
                                          std::string default_text, bool takes_value,
                                          std::function<void(const std::string&)> assign,
                                          std::function<std::string()> current) {
  if (find(name) != nullptr) throw std::logic_error("option --" + name + " registered twice");
  options_.push_back(Option{name, help, std::move(default_text), takes_value, std::move(assign),
                            std::move(current), false, section_});
  return options_.back();
}

void ArgumentTable::flag(const std::string& name, bool* target, const std::string& help) {
  add(
      name, help, *target ? "on" : "off", false,
      [target](const std::string& value) { *target = value == "true"; },
      [target] { return std::string(*target ? "on" : "off"); });
}

void ArgumentTable::integer(const std::string& name, std::int64_t* target, const std::string& help,
                            std::int64_t minimum, std::int64_t maximum) {
  add(
      name, help, std::to_string(*target), true,
      [=](const std::string& value) {
        std::size_t used = 0;
        long long parsed = 0;
        try {
          parsed = std::stoll(value, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != value.size() || value.empty()) {
          throw ArgumentError("--" + name + ": '" + value + "' is not a whole number");
        }
        if (parsed < minimum || parsed > maximum) {
          throw ArgumentError("--" + name + ": " + value + " is outside [" +
                              std::to_string(minimum) + ", " + std::to_string(maximum) + "]");
        }
        *target = parsed;
      },
      [target] { return std::to_string(*target); });
}

void ArgumentTable::number(const std::string& name, double* target, const std::string& help,
                           double minimum, double maximum) {
  add(
      name, help, format_number(*target), true,
      [=](const std::string& value) {
        char* end = nullptr;
        const double parsed = std::strtod(value.c_str(), &end);
        if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(parsed)) {
          throw ArgumentError("--" + name + ": '" + value + "' is not a finite number");
        }
        if (parsed < minimum || parsed > maximum) {
          throw ArgumentError("--" + name + ": " + value + " is outside [" +
                              format_number(minimum) + ", " + format_number(maximum) + "]");
        }
        *target = parsed;
      },
      [target] { return format_number(*target); });
}

void ArgumentTable::text(const std::string& name, std::string* target, const std::string& help,
                         std::vector<std::string> choices) {
  const std::string full_help = choices.empty() ? help : help + " (" + join(choices, ", ") + ")";
  add(
      name, full_help, target->empty() ? "none" : *target, true,
      [=](const std::string& value) {
        if (!choices.empty() && std::find(choices.begin(), choices.end(), value) == choices.end()) {
          throw ArgumentError("--" + name + ": '" + value + "' is not one of " +
                              join(choices, ", "));
        }
        *target = value;
      },
      [target] { return *target; });
}

void ArgumentTable::list(const std::string& name, std::vector<std::string>* target,
                         const std::string& help) {
  add(
      name, help, target->empty() ? "none" : join(*target, ","), true,
      [this, name, target](const std::string& value) {
        // The first occurrence replaces the default; later ones append.
        Option* option = find(name);
        if (!option->given) target->clear();
        std::size_t start = 0;
        while (start <= value.size()) {
          const std::size_t comma = value.find(',', start);
          const std::string item =
              value.substr(start, comma == std::string::npos ? comma : comma - start);
          if (item.empty()) throw ArgumentError("--" + name + ": empty item in '" + value + "'");
          target->push_back(item);
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      },
      [target] { return join(*target, ","); });
}

void ArgumentTable::repeated(const std::string& name, std::vector<std::string>* target,
                             const std::string& help) {
  add(
      name, help, target->empty() ? "none" : join(*target, " "), true,
      [this, name, target](const std::string& value) {
        if (!find(name)->given) target->clear();
        if (value.empty()) throw ArgumentError("--" + name + ": empty value");
        target->push_back(value);
      },
      [target] { return join(*target, " "); });
}

ArgumentTable::Option* ArgumentTable::find(const std::string& name) {
  for (Option& option : options_) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

bool ArgumentTable::was_given(const std::string& name) const {
  for (const Option& option : options_) {
    if (option.name == name) return option.given;
  }
  throw std::logic_error("was_given: no option --" + name);
}

std::string ArgumentTable::nearest(const std::string& name) const {
  std::string best;
  std::size_t best_distance = 4;  // suggest only close matches
  for (const Option& option : options_) {
    const std::size_t distance = edit_distance(name, option.name);
    if (distance < best_distance) best_distance = distance, best = option.name;
  }
  return best.empty() ? "" : " (did you mean --" + best + "?)";
}

std::vector<std::string> ArgumentTable::parse(int argc, const char* const* argv) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument == "--help" || argument == "-h") {
      help_requested_ = true;
      continue;
    }
    if (argument.rfind("--", 0) != 0) {
      positional.push_back(argument);
      continue;
    }
    std::string name = argument.substr(2), value;
    bool has_inline_value = false;
    if (const std::size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
      has_inline_value = true;
    }
    Option* option = find(name);
    if (option == nullptr && name.rfind("no-", 0) == 0) {
      Option* negated = find(name.substr(3));
      if (negated != nullptr && !negated->takes_value && !has_inline_value) {
        negated->assign("false");
        negated->given = true;
        continue;
      }
    }
    if (option == nullptr) throw ArgumentError("unknown option --" + name + nearest(name));
    if (option->takes_value) {
      if (!has_inline_value) {
        if (i + 1 >= argc) throw ArgumentError("--" + name + " needs a value");
        value = argv[++i];
      }
      option->assign(value);
    } else {
      if (has_inline_value) throw ArgumentError("--" + name + " takes no value");
      option->assign("true");
    }
    option->given = true;
  }
  return positional;
}

std::string ArgumentTable::help() const {
  std::string text = "usage: " + program_ + " " + synopsis_ + "\n";
  std::string current_section = "\x01";
  for (const Option& option : options_) {
    if (option.section != current_section) {
      current_section = option.section;
      if (!current_section.empty()) text += "\n" + current_section + ":\n";
    }
    // Built by appending: GCC 12's -Wrestrict misreads `"\n" + std::string(...)` under
    // -O3 with the sanitizers (a false positive that -Werror made fatal in CI).
    std::string left = "  --";
    left += option.name;
    if (option.takes_value) {
      left += " VALUE";
    } else {
      left += " / --no-";
      left += option.name;
    }
    if (left.size() < 34) {
      left.append(34 - left.size(), ' ');
    } else {
      left += '\n';
      left.append(34, ' ');
    }
    text += left;
    text += option.help;
    text += " [default: ";
    text += option.default_text;
    text += "]\n";
  }
  return text;
}

std::vector<std::pair<std::string, std::string>> ArgumentTable::values() const {
  std::vector<std::pair<std::string, std::string>> result;
  for (const Option& option : options_) result.emplace_back(option.name, option.current());
  return result;
}

}  // namespace engine::apps
