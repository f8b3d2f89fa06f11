// Writes the two files of the seam that follow mechanically from the op list, so that adding an
// op touches only ops.def, its signature and contract (signatures.inc, contracts.cpp), its CPU
// and CUDA code and its tests:
//   kernels/dispatch.cpp         one entry point per op: contract, OpRun (count, trace with the
//                                op's parameters), one switch on the backend;
//   kernels/no_cuda/stubs.cpp    the cuda:: side of a CPU-only build: every op throws "built
//                                without CUDA: <op>".
// Inputs: kernels/ops.def (the op names, which must be exactly the functions declared in
// signatures.inc), kernels/signatures.inc (each `void name(parameters);`) and kernels/backend.h
// (the ops with a loop-level cpu::reference:: version, which ReferenceKernelsScope routes to).
// A parameter `const Tensor&` is an input of the op, `Tensor&` an output (in the order declared);
// `const std::vector<Tensor>&` and `std::vector<Tensor>&` are lists of them; anything else is a
// parameter that the trace records by name (kernels/params.h: trace_json).
//
//   generate_seam --check <repository>   exit 1, naming the file, when either file is not what
//                                         the generator writes (ctest: seam_generated_current)
//   generate_seam --write <repository>   rewrite both files
#include <algorithm>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Parameter {
  std::string type;  // "const Tensor&"
  std::string name;  // "x"
};

struct Signature {
  std::string name;
  std::vector<Parameter> parameters;
};

std::string read_text(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string without_comments(const std::string& text) {
  return std::regex_replace(text, std::regex("//[^\n]*"), "");
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\n") - first + 1);
}

// "const Tensor& x" -> {"const Tensor&", "x"}; the name is the last identifier.
Parameter parse_parameter(const std::string& text, const std::string& op) {
  static const std::regex form(R"(^(.*[^\w])(\w+)$)");
  std::smatch match;
  const std::string parameter = std::regex_replace(trimmed(text), std::regex(R"(\s+)"), " ");
  if (!std::regex_match(parameter, match, form)) {
    throw std::runtime_error("signatures.inc: " + op + ": cannot read parameter '" + parameter +
                             "'");
  }
  return {trimmed(match[1].str()), match[2].str()};
}

// Every `void name(...);` of a declaration file, in order.
std::vector<Signature> declarations(const std::string& text, const std::string& origin) {
  std::vector<Signature> result;
  static const std::regex declaration(R"(void\s+(\w+)\s*\(([^;{)]*)\)\s*;)");
  const std::string code = without_comments(text);
  for (auto it = std::sregex_iterator(code.begin(), code.end(), declaration);
       it != std::sregex_iterator(); ++it) {
    Signature signature{(*it)[1].str(), {}};
    std::stringstream list((*it)[2].str());
    std::string item;
    while (std::getline(list, item, ',')) {
      signature.parameters.push_back(parse_parameter(item, signature.name));
    }
    result.push_back(std::move(signature));
  }
  if (result.empty()) throw std::runtime_error(origin + ": no declarations found");
  return result;
}

std::vector<std::string> op_names(const std::string& ops_def) {
  std::vector<std::string> names;
  static const std::regex entry(R"(^ENGINE_OP\((\w+),)");
  std::stringstream lines(ops_def);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, match, entry)) names.push_back(match[1].str());
  }
  return names;
}

// The part of backend.h inside `namespace engine::kernels::cpu::reference { ... }`.
std::set<std::string> reference_ops(const std::string& backend_h) {
  const std::string opening = "namespace engine::kernels::cpu::reference {";
  const auto begin = backend_h.find(opening);
  if (begin == std::string::npos) throw std::runtime_error("backend.h: no reference namespace");
  const auto end = backend_h.find("}  // namespace engine::kernels::cpu::reference", begin);
  std::set<std::string> names;
  for (const Signature& signature :
       declarations(backend_h.substr(begin, end - begin), "backend.h")) {
    names.insert(signature.name);
  }
  return names;
}

// "prefix(item, item, ...)suffix", wrapped at 100 columns with continuation lines aligned after
// the parenthesis, as clang-format lays out a call or declaration.
std::string wrapped(const std::string& indent, const std::string& prefix,
                    const std::vector<std::string>& items, const std::string& suffix) {
  const std::size_t limit = 100;
  std::string text = indent + prefix;
  const std::string continuation(text.size(), ' ');
  std::string line = text;
  text.clear();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string piece = items[i] + (i + 1 < items.size() ? "," : suffix);
    const bool first_on_line = line.size() == continuation.size();
    if (!first_on_line && line.size() + 1 + piece.size() > limit) {
      text += line + "\n";
      line = continuation + piece;
    } else {
      line += (first_on_line ? "" : " ") + piece;
    }
  }
  if (items.empty()) line += suffix;
  return text + line + "\n";
}

bool is_input(const Parameter& p) { return p.type == "const Tensor&"; }
bool is_output(const Parameter& p) { return p.type == "Tensor&"; }
bool is_input_list(const Parameter& p) { return p.type == "const std::vector<Tensor>&"; }
bool is_output_list(const Parameter& p) { return p.type == "std::vector<Tensor>&"; }
bool is_tensor(const Parameter& p) {
  return is_input(p) || is_output(p) || is_input_list(p) || is_output_list(p);
}

// OpRun's tensor argument: "{&a, &b}" or "pointers_to(list)".
std::string tensor_list(const Signature& op, bool (*single)(const Parameter&),
                        bool (*list)(const Parameter&)) {
  std::vector<std::string> singles, lists;
  for (const Parameter& p : op.parameters) {
    if (single(p)) singles.push_back("&" + p.name);
    if (list(p)) lists.push_back(p.name);
  }
  if (!lists.empty()) {
    if (lists.size() > 1 || !singles.empty()) {
      throw std::runtime_error(op.name + ": a tensor list must be the op's only input (output)");
    }
    return "pointers_to(" + lists.front() + ")";
  }
  std::string text = "{";
  for (std::size_t i = 0; i < singles.size(); ++i) text += (i ? ", " : "") + singles[i];
  return text + "}";
}

std::string dispatch_function(const Signature& op, bool has_reference) {
  std::vector<std::string> declared, arguments;
  for (const Parameter& p : op.parameters) {
    declared.push_back(p.type + " " + p.name);
    arguments.push_back(p.name);
  }
  std::string text = wrapped("", "void " + op.name + "(", declared, ") {");
  text += wrapped("  ", "contracts::" + op.name + "(", arguments, ");");
  text += wrapped("  ", "OpRun run(",
                  {"Op::" + op.name, tensor_list(op, is_input, is_input_list),
                   tensor_list(op, is_output, is_output_list)},
                  ");");
  for (const Parameter& p : op.parameters) {
    if (!is_tensor(p)) text += "  run.parameter(\"" + p.name + "\", " + p.name + ");\n";
  }
  text += "  switch (run.backend()) {\n";
  const auto call = [&](const std::string& label, const std::string& target) {
    const std::string single =
        wrapped("    ", label + " " + target + "::" + op.name + "(", arguments, "); break;");
    if (single.find('\n') == single.size() - 1) return single;  // fits on one line
    return "    " + label + "\n" +
           wrapped("      ", target + "::" + op.name + "(", arguments, ");") + "      break;\n";
  };
  if (has_reference) {
    text += call("case Backend::cpu_reference:", "cpu::reference");
  } else {
    text += "    case Backend::cpu_reference:\n";
  }
  text += call("case Backend::cpu:", "cpu");
  text += call("case Backend::cuda:", "cuda");
  text += "  }\n  run.finish();\n}\n";
  return text;
}

std::string stub_function(const Signature& op) {
  std::vector<std::string> types;
  for (const Parameter& p : op.parameters) types.push_back(p.type);
  const std::string body = " { unavailable(\"" + op.name + "\"); }";
  const std::string single = wrapped("", "void " + op.name + "(", types, ")" + body);
  if (single.find('\n') == single.size() - 1) return single;
  return wrapped("", "void " + op.name + "(", types, ") {") + "  unavailable(\"" + op.name +
         "\");\n}\n";
}

const char* const generated_note =
    "// GENERATED by kernels/generate/generate_seam.cpp from kernels/ops.def, "
    "kernels/signatures.inc\n"
    "// and kernels/backend.h: do not edit. After changing the ops, run\n"
    "//   <build>/tests/generate_seam --write <repository>\n"
    "// (ctest's seam_generated_current fails while this file is out of date).\n";

std::string dispatch_file(const std::vector<Signature>& ops,
                          const std::set<std::string>& reference) {
  std::string text = generated_note;
  text +=
      "//\n"
      "// The seam between the engine and its backends: one function per op, each with one "
      "visible\n"
      "// switch on the backend chosen from its tensors' device. Nothing here computes; every "
      "entry\n"
      "// checks the op's contract (contracts.cpp), runs the backend, and lets OpRun count and "
      "trace\n"
      "// it (with the op's parameters and the module that ran it).\n"
      "#include \"kernels/backend.h\"\n"
      "#include \"kernels/contracts.h\"\n"
      "#include \"kernels/op_run.h\"\n"
      "#include \"kernels/ops.h\"\n\n"
      "namespace engine::kernels {\n\n"
      "// ops.def and signatures.inc name the same " +
      std::to_string(ops.size()) +
      " ops; an edit of ops.def since this file\n// was generated fails here.\n"
      "static_assert(op_count == " +
      std::to_string(ops.size()) + ", \"ops.def changed: rerun generate_seam --write\");\n";
  for (const Signature& op : ops) {
    text += '\n';  // (not "\n" + ...: GCC 12 warns falsely of overlapping memcpy there)
    text += dispatch_function(op, reference.count(op.name) > 0);
  }
  return text + "\n}  // namespace engine::kernels\n";
}

std::string stubs_file(const std::vector<Signature>& ops) {
  std::string text = generated_note;
  text +=
      "//\n"
      "// The cuda:: side of the seam in a CPU-only build: every op exists and says plainly that\n"
      "// this build has no CUDA, so a CUDA tensor can never fall back to the CPU without the "
      "user\n"
      "// knowing. (A CPU-only build cannot create CUDA tensors in the first place; these are the\n"
      "// last guard.)\n"
      "#include <stdexcept>\n#include <string>\n\n"
      "#include \"kernels/backend.h\"\n\n"
      "namespace engine::kernels::cuda {\n\n"
      "namespace {\n"
      "[[noreturn]] void unavailable(const char* op) {\n"
      "  throw std::runtime_error(std::string(\"built without CUDA: \") + op);\n"
      "}\n"
      "}  // namespace\n\n";
  for (const Signature& op : ops) text += stub_function(op);
  return text + "\n}  // namespace engine::kernels::cuda\n";
}

struct Output {
  std::string path;  // relative to the repository
  std::string text;
};

std::vector<Output> generate(const std::string& root) {
  const std::vector<Signature> ops =
      declarations(read_text(root + "/kernels/signatures.inc"), "signatures.inc");
  const std::vector<std::string> listed = op_names(read_text(root + "/kernels/ops.def"));
  std::set<std::string> declared;
  for (const Signature& op : ops) declared.insert(op.name);
  for (const std::string& name : listed) {
    if (declared.count(name) == 0) {
      throw std::runtime_error("ops.def lists " + name + ", which signatures.inc does not declare");
    }
  }
  for (const Signature& op : ops) {
    if (std::find(listed.begin(), listed.end(), op.name) == listed.end()) {
      throw std::runtime_error("signatures.inc declares " + op.name + ", which ops.def lacks");
    }
  }
  const std::set<std::string> reference = reference_ops(read_text(root + "/kernels/backend.h"));
  return {{"kernels/dispatch.cpp", dispatch_file(ops, reference)},
          {"kernels/no_cuda/stubs.cpp", stubs_file(ops)}};
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc == 3 ? argv[1] : "";
  if (mode != "--check" && mode != "--write") {
    std::cerr << "usage: generate_seam --check|--write <repository>\n";
    return 2;
  }
  const std::string root = argv[2];
  try {
    int stale = 0;
    for (const Output& output : generate(root)) {
      const std::string path = root + "/" + output.path;
      if (mode == "--write") {
        std::ofstream(path, std::ios::binary) << output.text;
        std::cout << "generate_seam: wrote " << output.path << "\n";
        continue;
      }
      std::ifstream existing(path, std::ios::binary);
      std::stringstream text;
      text << existing.rdbuf();
      if (text.str() != output.text) {
        std::cerr << "generate_seam: " << output.path
                  << " is not what kernels/ops.def, signatures.inc and backend.h give; run\n"
                  << "  generate_seam --write " << root << "\n";
        ++stale;
      }
    }
    if (mode == "--check" && stale == 0) std::cout << "generate_seam: the seam is current\n";
    return stale == 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "generate_seam: " << error.what() << "\n";
    return 1;
  }
}
