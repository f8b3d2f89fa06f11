// The SVG writer, the charts and the number formats on small hand-made inputs.
#include <doctest/doctest.h>

#include <cmath>

#include "apps/report/chart_frame.h"
#include "apps/report/charts.h"
#include "apps/report/format.h"
#include "apps/report/svg.h"
#include "tests/apps/markup_check.h"

namespace engine::report::testing {

TEST_CASE("numbers are written one way everywhere") {
  CHECK(percent(0.932) == "93.2%");
  CHECK(percent(0.93249) == "93.2%");
  CHECK(percent(1.0) == "100.0%");
  CHECK(percent(0.0) == "0.0%");
  CHECK(percent(-0.0001) == "0.0%");  // no "-0.0%"
  CHECK(percent_interval(0.91, 0.951) == "[91.0%, 95.1%]");
  CHECK(percentage_points(0.022) == "+2.2 pp");
  CHECK(percentage_points(-0.08) == "-8.0 pp");
  CHECK(percentage_points(0.0) == "0.0 pp");
  CHECK(decimal(0.94651) == "0.947");
  CHECK(count(11177538) == "11,177,538");
  CHECK(count(600) == "600");
  CHECK(count(-1234) == "-1,234");
  CHECK(duration(812.4) == "812.4 s (13 min 32 s)");
  CHECK(duration(12.25) == "12.2 s");  // 12.25 is exact in binary: rounds half to even
  CHECK(duration(3725) == "3725.0 s (1 h 2 min 5 s)");
  CHECK(significant(0.1 + 0.2, 4) == "0.3");
  CHECK(significant(1e-5, 4) == "1e-05");
  CHECK(missing() == "\xE2\x80\x94");
  CHECK(missing("not recorded") == "\xE2\x80\x94 (not recorded)");
  CHECK(percent(std::nan("")) == "\xE2\x80\x94 (not a finite number)");
}

TEST_CASE("XML escaping covers markup characters and control characters") {
  CHECK(xml_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  CHECK(xml_escape(std::string("bell\x07")) == "bell\xEF\xBF\xBD");
  CHECK(xml_escape("line\nbreak") == "line\nbreak");
  CHECK(coordinate(-0.001) == "0.00");
  CHECK(coordinate(12.345) == "12.35");  // 12.345 is stored as 12.3450000000000006...
}

TEST_CASE("nice axes cover the data with round ticks") {
  const TickAxis axis = nice_axis(0.31, 0.69, 5);
  CHECK(axis.low == doctest::Approx(0.3));
  CHECK(axis.high == doctest::Approx(0.7));
  CHECK(axis.ticks.size() == 5);
  const TickAxis epochs = nice_axis(1, 3, 8, true);
  CHECK(epochs.ticks == std::vector<double>{1, 2, 3});
  const TickAxis single = nice_axis(5, 5, 5, true);  // one epoch
  CHECK(single.low < 5);
  CHECK(single.high > 5);
  const TickAxis percent_axis = nice_axis(0, 100, 5);
  CHECK(percent_axis.ticks == std::vector<double>{0, 20, 40, 60, 80, 100});
}

TEST_CASE("a line chart breaks its line at missing values and draws a lone point") {
  LineChart chart;
  chart.title = "loss";
  chart.x_title = "Epoch";
  chart.y_title = "Loss";
  chart.x = {1, 2, 3, 4, 5};
  chart.series = {
      {"with a gap", {0.7, 0.6, std::nullopt, 0.4, 0.35}},
      {"one value", {std::nullopt, std::nullopt, 0.5, std::nullopt, std::nullopt}},
      {"nothing", {std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt}}};
  chart.marks = {{2.5, "stage 2 starts"}};
  const std::string svg = line_chart_svg(chart);
  CHECK(markup_problem(svg, Markup::xml) == "");
  // Two pieces for the gapped series, one single-point piece for the lone value.
  CHECK(occurrences(svg, "<polyline") == 3);
  CHECK(occurrences(svg, "<circle") == 4 + 1 + 3);  // data points + legend markers
  CHECK(svg.find(">nothing (no values recorded)</text>") != std::string::npos);
  CHECK(svg.find(">stage 2 starts</text>") != std::string::npos);
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(line_chart_svg(chart) == svg);  // deterministic

  LineChart one_epoch = chart;
  one_epoch.x = {1};
  one_epoch.series = {{"training loss", {0.69}}};
  one_epoch.marks.clear();
  const std::string single = line_chart_svg(one_epoch);
  CHECK(markup_problem(single, Markup::xml) == "");
  CHECK(occurrences(single, "<circle") == 2);
  CHECK(single.find("nan") == std::string::npos);
}

TEST_CASE("the other charts: titles, axis titles with units, legends, counts") {
  RocChart roc;
  roc.title = "ROC";
  roc.positive_class = "male";
  roc.negative_class = "female";
  roc.curves = {{"resnet18 (AUC 0.750)", {{0, 0}, {0, 0.5}, {0.5, 1}, {1, 1}}},
                {"resnet50: no ROC", {}}};
  const std::string roc_svg = roc_chart_svg(roc);
  CHECK(markup_problem(roc_svg, Markup::xml) == "");
  CHECK(roc_svg.find("False positive rate: % of true female called male") != std::string::npos);
  CHECK(roc_svg.find(">chance (AUC 0.500)</text>") != std::string::npos);
  CHECK(roc_svg.find(">resnet50: no ROC</text>") != std::string::npos);

  ConfusionChart confusion;
  confusion.title = "Confusion";
  confusion.classes = {"female", "male"};
  confusion.counts = {{{40, 5}, {3, 42}}};
  const std::string confusion_svg = confusion_chart_svg(confusion);
  CHECK(markup_problem(confusion_svg, Markup::xml) == "");
  CHECK(confusion_svg.find(">88.9% of true female</text>") != std::string::npos);  // 40/45
  CHECK(confusion_svg.find(">6.7% of true male</text>") != std::string::npos);     // 3/45
  CHECK(confusion_svg.find(">Predicted class</text>") != std::string::npos);
  CHECK(confusion_svg.find(">True class</text>") != std::string::npos);

  ReliabilityChart reliability;
  reliability.title = "Reliability";
  reliability.bins = {{0.4, 0.5, 0, std::nullopt}, {0.5, 0.6, 10, 0.6}, {0.9, 1.0, 30, 0.9}};
  const std::string reliability_svg = reliability_chart_svg(reliability);
  CHECK(markup_problem(reliability_svg, Markup::xml) == "");
  CHECK(reliability_svg.find(">n=10</text>") != std::string::npos);
  CHECK(reliability_svg.find(">n=30</text>") != std::string::npos);
  CHECK(reliability_svg.find(">n=0</text>") == std::string::npos);  // empty bins have no bar
  CHECK(reliability_svg.find("Confidence: probability of the predicted class (%)") !=
        std::string::npos);

  IntervalChart intervals;
  intervals.title = "Accuracy";
  intervals.x_title = "Accuracy (%)";
  intervals.rows = {{"resnet18", 0.875, 0.78, 0.93},
                    {"resnet50", std::nullopt, std::nullopt, std::nullopt}};
  intervals.reference = VerticalMark{0.932, "published: 93.2%"};
  const std::string interval_svg = interval_chart_svg(intervals);
  CHECK(markup_problem(interval_svg, Markup::xml) == "");
  CHECK(interval_svg.find(">87.5% [78.0%, 93.0%]</text>") != std::string::npos);
  CHECK(interval_svg.find(">\xE2\x80\x94 (not recorded)</text>") != std::string::npos);
  CHECK(interval_svg.find(">published: 93.2%</text>") != std::string::npos);
}

}  // namespace engine::report::testing
