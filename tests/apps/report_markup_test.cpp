// Well-formed output: every SVG is XML with balanced elements, the HTML's elements balance, the
// HTML needs nothing from outside the file, and text from results.json (names, paths) with
// <, & and " is escaped in the SVG, the HTML and the markdown.
#include <doctest/doctest.h>

#include <algorithm>

#include "apps/report/report.h"
#include "tests/apps/markup_check.h"
#include "tests/apps/report_fixture.h"

namespace engine::report::testing {

TEST_CASE("the markup checker finds what it is meant to find") {
  // Without these the checks below could not fail.
  CHECK(markup_problem("<svg><g></g></svg>", Markup::xml).empty());
  CHECK(markup_problem("<svg><g></svg></g>", Markup::xml).find("does not close") !=
        std::string::npos);
  CHECK(markup_problem("<svg><g></svg>", Markup::xml).find("does not close") != std::string::npos);
  CHECK(markup_problem("<svg><text>a < b</text></svg>", Markup::xml).find("starts no tag") !=
        std::string::npos);
  CHECK(markup_problem("<svg><text>R&D</text></svg>", Markup::xml).find("'&'") !=
        std::string::npos);
  CHECK(markup_problem("<svg width=10></svg>", Markup::xml).find("quoted") != std::string::npos);
  CHECK(markup_problem("<svg></svg><svg></svg>", Markup::xml).find("second root") !=
        std::string::npos);
  CHECK(markup_problem("<svg>", Markup::xml).find("never closed") != std::string::npos);
  CHECK(markup_problem("<svg a=\"x<y\"></svg>", Markup::xml).find("attribute") !=
        std::string::npos);
  CHECK(markup_problem("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head></html>",
                       Markup::html)
            .empty());
  CHECK(!markup_problem("<html><p><b></p></b></html>", Markup::html).empty());
}

TEST_CASE("every SVG is well-formed XML and the HTML's elements balance") {
  for (const char* kind : {"compare", "folds", "single"}) {
    INFO(kind);
    TemporaryFolder folder;
    write_report(results_json(kind, true), folder.path());
    int plots = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder.path() / "plots")) {
      INFO(entry.path().filename().string());
      const std::string svg = read_text(entry.path());
      CHECK(markup_problem(svg, Markup::xml) == "");
      CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
      // Every chart has a title element and a visible title.
      CHECK(svg.find("<title>") != std::string::npos);
      CHECK(svg.find("font-weight=\"bold\"") != std::string::npos);
      ++plots;
    }
    CHECK(plots > 0);
    const std::string html = read_text(folder.path() / "report.html");
    CHECK(markup_problem(html, Markup::html) == "");
    // The kinds of element the writer emits all occur, and nothing that would fetch or run.
    const std::vector<std::string> names = element_names(html);
    for (const char* expected :
         {"html", "head",  "style",   "body",   "h1",         "h2",  "h3",
          "p",    "table", "caption", "thead",  "tbody",      "tr",  "th",
          "td",   "ul",    "li",      "figure", "figcaption", "svg", "strong"}) {
      CHECK_MESSAGE(std::find(names.begin(), names.end(), expected) != names.end(), expected);
    }
    for (const char* forbidden : {"<script", "<link", "<img", "<iframe", " src=", " href=", "url(",
                                  "@import", "https://"}) {
      CHECK_MESSAGE(html.find(forbidden) == std::string::npos, forbidden);
    }
  }
}

TEST_CASE("names and paths with <, & and \" are escaped everywhere") {
  Json results = results_json("compare", true);
  const std::string hostile = "<b>\"R&D\"</b>";
  Json run = results.at("run");
  run.set("name", hostile);
  run.set("command", "train_app --name '" + hostile + "'");
  results.set("run", std::move(run));
  Json models = results.at("models");
  Json first = models.as_array()[0];
  first.set("architecture", hostile);
  first.set("initial_weights", "weights/" + hostile + ".safetensors");
  models.as_array()[0] = std::move(first);
  results.set("models", std::move(models));

  TemporaryFolder folder;
  write_report(results, folder.path());
  const std::string html = read_text(folder.path() / "report.html");
  CHECK(markup_problem(html, Markup::html) == "");
  CHECK(html.find(hostile) == std::string::npos);
  CHECK(html.find("&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;") != std::string::npos);

  const std::string markdown = read_text(folder.path() / "report.md");
  CHECK(markdown.find("<b>") == std::string::npos);
  CHECK(markdown.find("\\<b\\>\"R\\&D\"\\</b\\>") != std::string::npos);

  // The name reaches the plots (titles, legends) escaped, and its file name is sanitised.
  const std::string loss = read_text(folder.path() / "plots/model-1-b-r-d-b-loss.svg");
  CHECK(markup_problem(loss, Markup::xml) == "");
  CHECK(loss.find("&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;: loss per epoch") != std::string::npos);
  const std::string roc = read_text(folder.path() / "plots/roc.svg");
  CHECK(markup_problem(roc, Markup::xml) == "");
  CHECK(roc.find("&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; (AUC ") != std::string::npos);
}

}  // namespace engine::report::testing
