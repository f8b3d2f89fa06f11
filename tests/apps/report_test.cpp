// The run report written from a realistic results.json (report_fixture.h): the files and plots
// it references exist, the comparison table carries each model's figures exactly as the JSON
// holds them, the synthetic banner appears exactly when the data is synthetic, undefined
// values are marked, and a second run gives the same bytes.
#include "apps/report/report.h"

#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "results/fields.h"
#include "tests/apps/markup_check.h"
#include "tests/apps/report_fixture.h"

namespace engine::report::testing {

namespace {

std::string interval(const Json& json) {
  // Appended piece by piece: "[" + std::string trips a false -Wrestrict warning in GCC 12.
  std::string text = "[";
  text += printf_percent(json.at("lower").as_number());
  text += ", ";
  text += printf_percent(json.at("upper").as_number());
  return text + "]";
}

// The seed-study row for one model, built from the JSON with printf: an independent rendering.
std::string expected_headline_row(const std::string& name, const Json& evaluation) {
  const Json& accuracy = evaluation.at("accuracy");
  const Json& figures = evaluation.at("positive_class_figures");
  const Json& precision = figures.at("precision");
  const std::string positive = figures.at("positive_class").as_string();
  return "| " + name + " | " +
         std::to_string(evaluation.at("confusion_matrix").at("total").as_integer()) + " | " +
         printf_percent(accuracy.at("value").as_number()) + " " +
         interval(accuracy.at("interval_95")) + " | " +
         printf_percent(precision.at("value").as_number()) + " (" +
         std::to_string(precision.at("numerator").as_integer()) + "/" +
         std::to_string(precision.at("denominator").as_integer()) + ") | " +
         printf_percent(figures.at("recall_sensitivity").at("value").as_number()) + " " +
         interval(evaluation.at("sex_bias").at("recall_" + positive).at("interval_95")) + " | " +
         printf_percent(figures.at("f1").at("value").as_number()) + " " +
         interval(figures.at("f1_interval")) + " |";
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text + "\n").find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("write_report writes report.md, report.html and every plot the markdown shows") {
  const Json results = results_json("compare", true);
  TemporaryFolder folder;
  write_report(results, folder.path());
  REQUIRE(std::filesystem::is_regular_file(folder.path() / "report.md"));
  REQUIRE(std::filesystem::is_regular_file(folder.path() / "report.html"));
  const std::string markdown = read_text(folder.path() / "report.md");
  const std::string html = read_text(folder.path() / "report.html");

  const std::regex image(R"(!\[[^\n]*\]\((plots/[a-z0-9-]+\.svg)\))");
  std::set<std::string> referenced;
  for (auto match = std::sregex_iterator(markdown.begin(), markdown.end(), image);
       match != std::sregex_iterator(); ++match) {
    referenced.insert((*match)[1].str());
  }
  // ROC, accuracy chart, and per model: loss, accuracy, confusion matrix, reliability.
  CHECK(referenced.size() == 2 + 4 * 4);
  CHECK(referenced.count("plots/roc.svg") == 1);
  CHECK(referenced.count("plots/model-2-resnet50-loss.svg") == 1);
  std::size_t on_disk = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder.path() / "plots")) {
    CHECK(referenced.count("plots/" + entry.path().filename().string()) == 1);
    ++on_disk;
  }
  CHECK(on_disk == referenced.size());
  // The HTML holds the same figures inline.
  CHECK(occurrences(html, "<svg xmlns=") == referenced.size());
  for (const std::string& file : referenced) {
    CHECK(html.find(read_text(folder.path() / file)) != std::string::npos);
  }
}

TEST_CASE(
    "the comparison table shows each model's accuracy, precision, recall and F1 from the JSON") {
  const Json results = results_json("compare", true);
  const std::string markdown = render_markdown(build_report(results));
  for (const Json& model : results.at("models").as_array()) {
    const std::string name = model.at("architecture").as_string();
    if (name == "inception_v3") continue;  // its undefined figures are checked below
    for (const char* split : {"test", "validation"}) {
      const std::string row = expected_headline_row(name, model.at(split));
      INFO(name, " ", split, ": ", row);
      CHECK(has_line(markdown, row));
    }
  }
  CHECK(markdown.find("**Accuracy, precision, recall and F1 (the seed study's table) on the test "
                      "split of runs/phantoms/manifest.csv (80 cases), positive class: male**") !=
        std::string::npos);
  CHECK(markdown.find("**Accuracy, precision, recall and F1 (the seed study's table) on the "
                      "validation split of runs/phantoms/manifest.csv (60 cases), positive "
                      "class: male**") != std::string::npos);
  // The study's own figures, labelled as such.
  CHECK(has_line(markdown, "| ResNet-50 | 93.2% | 92.4% | 93.3% | 92.5% |"));
  CHECK(markdown.find("not comparable one-to-one") != std::string::npos);
}

TEST_CASE("undefined figures print as a dash with their reason") {
  // inception_v3's test cases are all female: its recall of male is 0/0 and it has no ROC.
  const std::string markdown = render_markdown(build_report(results_json("compare", true)));
  const std::string dash = "\xE2\x80\x94";
  const std::size_t headline = markdown.find("| inception_v3 | 80 | ");
  REQUIRE(headline != std::string::npos);
  const std::string row = markdown.substr(headline, markdown.find('\n', headline) - headline);
  CHECK(row.find(" | " + dash + " (undefined: denominator is 0) | ") != std::string::npos);
  // The extended table's AUC cell gives the reason metrics recorded.
  const std::size_t extended = markdown.find("| inception_v3 | ", headline + 1);
  REQUIRE(extended != std::string::npos);
  const std::string extended_row =
      markdown.substr(extended, markdown.find('\n', extended) - extended);
  CHECK(extended_row.find(dash + " (undefined: the cases are all of one class; ROC and AUC need "
                                 "both)") != std::string::npos);
  // No NaN, inf or empty cell leaks into the report.
  CHECK(markdown.find("nan%") == std::string::npos);
  CHECK(markdown.find("NaN") == std::string::npos);
  CHECK(markdown.find("inf%") == std::string::npos);
  CHECK(markdown.find("|  |") == std::string::npos);
}

TEST_CASE("the synthetic banner appears exactly when data.synthetic is true") {
  const std::string banner = "SYNTHETIC DATA";
  const std::string synthetic_md = render_markdown(build_report(results_json("single", true)));
  const std::string real_md = render_markdown(build_report(results_json("single", false)));
  CHECK(synthetic_md.find("> **" + banner) != std::string::npos);
  CHECK(real_md.find(banner) == std::string::npos);
  const std::string synthetic_html =
      render_html(build_report(results_json("single", true)), "test");
  const std::string real_html = render_html(build_report(results_json("single", false)), "test");
  CHECK(synthetic_html.find("<div class=\"banner\" role=\"alert\">") != std::string::npos);
  CHECK(real_html.find("class=\"banner\"") == std::string::npos);
  // The banner comes before any figure: nobody reads a number without having seen it.
  CHECK(synthetic_md.find(banner) < synthetic_md.find("%"));
}

TEST_CASE("every plot of a synthetic run says so, and no plot of a real run does") {
  for (const bool synthetic : {true, false}) {
    INFO("synthetic: ", synthetic);
    TemporaryFolder folder;
    write_report(results_json("compare", synthetic), folder.path());
    int plots = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder.path() / "plots")) {
      INFO(entry.path().filename().string());
      const bool marked =
          read_text(entry.path()).find(">SYNTHETIC DATA</text>") != std::string::npos;
      CHECK(marked == synthetic);
      ++plots;
    }
    CHECK(plots == 18);
  }
}

TEST_CASE("a second run writes the same bytes") {
  const Json results = results_json("compare", true);
  TemporaryFolder first;
  TemporaryFolder second;
  write_report(results, first.path());
  write_report(Json::parse(results.dump()), second.path());
  std::size_t compared = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(first.path())) {
    if (!entry.is_regular_file()) continue;
    const auto relative = std::filesystem::relative(entry.path(), first.path());
    INFO(relative.string());
    REQUIRE(std::filesystem::is_regular_file(second.path() / relative));
    CHECK(read_text(entry.path()) == read_text(second.path() / relative));
    ++compared;
  }
  CHECK(compared == 2 + 18);
}

TEST_CASE("every table names its split and its number of cases") {
  const Document document = build_report(results_json("compare", true));
  int evaluation_tables = 0;
  for (const Block& block : document.blocks) {
    const auto* table = std::get_if<Table>(&block);
    if (table == nullptr) continue;
    const std::string& caption = table->caption;
    const bool is_evaluation = caption.find("Accuracy, precision, recall and F1") == 0 ||
                               caption.find("Extended figures") == 0 ||
                               caption.find("Confusion matrix") == 0 ||
                               caption.find("Figures per") == 0;
    if (!is_evaluation) continue;
    ++evaluation_tables;
    INFO(caption);
    CHECK((caption.find("the test split") != std::string::npos ||
           caption.find("the validation split") != std::string::npos));
    CHECK(std::regex_search(caption, std::regex(R"(\(\d+ cases\))")));
  }
  // 2 splits x 2 comparison tables + per model (4): confusion, per class, age bands.
  CHECK(evaluation_tables == 4 + 4 * 3);
}

TEST_CASE("a model trained in two stages has both stages and the boundary in its plots") {
  const Json results = results_json("compare", true);
  TemporaryFolder folder;
  write_report(results, folder.path());
  const std::string loss = read_text(folder.path() / "plots/model-2-resnet50-loss.svg");
  CHECK(loss.find(">stage 2 starts</text>") != std::string::npos);
  CHECK(loss.find(">best, stage 1</text>") != std::string::npos);
  CHECK(loss.find(">best, stage 2</text>") != std::string::npos);
  const std::string markdown = read_text(folder.path() / "report.md");
  CHECK(markdown.find("| stage 2 | runs/phantoms/manifest.csv | 460/60 | 96 | 4 | 0.001 | the "
                      "best of stage 1 | 4 | completed 4 epochs |") != std::string::npos);
  // The missing AUC of the first epoch is a dash in the per-epoch table.
  CHECK(markdown.find("| 1 | 1 | ") != std::string::npos);
  CHECK(markdown.find("| \xE2\x80\x94 (undefined) | 0.001 |") != std::string::npos);
}

TEST_CASE("a fold run gives a per-fold table and mean and standard deviation per metric") {
  const Json results = results_json("folds", true);
  const std::string markdown = render_markdown(build_report(results));
  CHECK(markdown.find("## Cross-validation (3 folds)") != std::string::npos);
  for (const Json& model : results.at("models").as_array()) {
    const std::string fold = model.at("partition").as_string();
    const std::string row = expected_headline_row(fold + " | resnet18", model.at("test"));
    CHECK(markdown.find(row.substr(0, row.size() - 1)) != std::string::npos);
  }
  const Json& accuracy = results.at("folds").at("summary").at("resnet18").at("accuracy");
  char spread[64];
  std::snprintf(spread, sizeof spread, "%.1f pp", 100 * accuracy.at("sd").as_number());
  CHECK(has_line(markdown, "| accuracy | " + printf_percent(accuracy.at("mean").as_number()) +
                               " \xC2\xB1 " + spread + " | 3 |"));
  const Json& auc = results.at("folds").at("summary").at("resnet18").at("auc");
  char auc_text[64];
  std::snprintf(auc_text, sizeof auc_text, "%.3f \xC2\xB1 %.3f", auc.at("mean").as_number(),
                auc.at("sd").as_number());
  CHECK(has_line(markdown, "| AUC | " + std::string(auc_text) + " | 3 |"));
  CHECK(has_line(markdown,
                 "| specificity | \xE2\x80\x94 (undefined) \xC2\xB1 \xE2\x80\x94 "
                 "(undefined) | 3 |"));
  // Model names carry their fold.
  CHECK(markdown.find("## Model 2: resnet18 (fold 2)") != std::string::npos);
}

TEST_CASE("a fold run with folds.per_fold uses those rows") {
  Json results = results_json("folds", false);
  Json per_fold = Json::array();
  for (int fold = 1; fold <= 3; ++fold) {
    Json entry = Json::object();
    entry.set("fold", fold);
    entry.set("architecture", "resnet18");
    entry.set("test",
              results.at("models").as_array()[static_cast<std::size_t>(fold - 1)].at("test"));
    per_fold.push_back(std::move(entry));
  }
  Json folds = results.at("folds");
  folds.set("per_fold", std::move(per_fold));
  results.set("folds", std::move(folds));
  const std::string markdown = render_markdown(build_report(results));
  CHECK(markdown.find("| 2 | resnet18 | 80 | ") != std::string::npos);
}

}  // namespace engine::report::testing

namespace engine::report::testing {

TEST_CASE("models evaluated on different numbers of cases do not share one count in a caption") {
  Json results = results_json("folds", true);
  Json models = results.at("models");
  Json third = models.as_array()[2];
  third.set("test", evaluation_json(make_cases(99, 70, 2.0), "fold 3 held-out cases"));
  models.as_array()[2] = std::move(third);
  results.set("models", std::move(models));
  const std::string markdown = render_markdown(build_report(results));
  CHECK(markdown.find("**Accuracy, precision, recall and F1 (the seed study's table) on the test "
                      "parts of runs/phantoms/manifest.csv (cases of each model in the Cases "
                      "column), positive class: male**") != std::string::npos);
  CHECK(markdown.find("| resnet18 (fold 3) | 70 | ") != std::string::npos);
  CHECK(markdown.find("| resnet18 (fold 1) | 80 | ") != std::string::npos);
}

}  // namespace engine::report::testing
