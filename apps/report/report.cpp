#include "apps/report/report.h"

#include <cctype>
#include <vector>

#include "apps/common/output_guard.h"
#include "apps/report/cells.h"
#include "apps/report/format.h"
#include "apps/report/sections.h"
#include "results/check.h"
#include "util/file_io.h"

#ifndef ENGINE_GIT_DESCRIBE
#define ENGINE_GIT_DESCRIBE "unknown"
#endif

namespace engine::report {

std::string report_generator() {
  return std::string("the report writer of engine ") + ENGINE_GIT_DESCRIBE;
}

std::string chart_notice(const Field& results) {
  return results["data"]["synthetic"].flag().value_or(false) ? "SYNTHETIC DATA" : "";
}

std::string_view shown_split(const Field& model) {
  return model["test"].present() ? "test" : "validation";
}

std::optional<std::int64_t> case_count(const Field& evaluation) {
  return evaluation["confusion_matrix"]["total"].integer();
}

std::string split_description(const Field& results, const Field& evaluation,
                              std::string_view split) {
  const auto cases = case_count(evaluation);
  return "the " + std::string(split) + " split of " + text_cell(results["data"]["source"]) + " (" +
         (cases ? count(*cases) : missing("not recorded")) + " cases)";
}

std::string positive_class(const Field& evaluation) {
  return evaluation["positive_class_figures"]["positive_class"].text().value_or(
      missing("not recorded"));
}

std::string model_name(const Field& model) {
  std::string name = model["architecture"].text().value_or(missing("architecture not recorded"));
  // Fold runs hold one model per architecture and fold: "resnet18 (fold 2)".
  if (const auto partition = model["partition"].text(); partition && !partition->empty()) {
    name += " (" + *partition + ")";
  }
  return name;
}

std::string plot_file(std::size_t model_index, const std::string& name, std::string_view what) {
  std::string slug;
  for (const char character : name) {
    const auto byte = static_cast<unsigned char>(character);
    if (std::isalnum(byte) && byte < 0x80) {
      slug += static_cast<char>(std::tolower(byte));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
    if (slug.size() >= 40) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  std::string file = "plots/model-" + std::to_string(model_index + 1);
  if (!slug.empty()) file += "-" + slug;
  return file + "-" + std::string(what) + ".svg";
}

Document build_report(const Json& results) {
  const Field root(results);
  results::check_results(root);
  Document document;
  add_header(document, root);
  add_reading_guide(document, root);
  add_data(document, root);
  add_comparison(document, root);
  for (std::size_t i = 0; i < root["models"].size(); ++i) add_model(document, root, i);
  add_folds(document, root);
  document.heading(2, "About this report");
  document.paragraph("Written from results.json in the run folder by " + report_generator() +
                     ". The figures are also saved as SVG files under plots/.");
  return document;
}

namespace {

void write_text(const std::filesystem::path& path, const std::string& text) {
  write_file_atomically(path.string(), std::vector<std::uint8_t>(text.begin(), text.end()));
}

}  // namespace

std::vector<std::string> report_files(const Document& document) {
  std::vector<std::string> files;
  for (const Block& block : document.blocks) {
    if (const auto* figure = std::get_if<Figure>(&block)) files.push_back(figure->file);
  }
  files.push_back("report.md");
  files.push_back("report.html");
  return files;
}

bool is_report_file(const std::filesystem::path& file) {
  constexpr std::size_t largest_report = 64 << 20;
  const std::string text = apps::file_head(file, largest_report);
  const std::string writer = "the report writer of engine ";
  const std::string extension = file.extension().string();
  if (extension == ".md") {
    return text.find("by " + writer) != std::string::npos;
  }
  if (extension == ".html") {
    return text.find("<meta name=\"generator\" content=\"" + writer) != std::string::npos;
  }
  const std::string first_line = text.substr(0, text.find('\n'));
  return extension == ".svg" &&
         apps::starts_with(first_line, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"") &&
         first_line.ends_with(" role=\"img\">");
}

void write_report(const Json& results, const std::filesystem::path& run_folder) {
  const Document document = build_report(results);
  const std::string markdown = render_markdown(document);
  const std::string html = render_html(document, report_generator());
  std::filesystem::create_directories(run_folder / "plots");
  for (const Block& block : document.blocks) {
    if (const auto* figure = std::get_if<Figure>(&block)) {
      write_text(run_folder / figure->file, figure->svg);
    }
  }
  write_text(run_folder / "report.md", markdown);
  write_text(run_folder / "report.html", html);
}

}  // namespace engine::report
