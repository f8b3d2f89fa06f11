// One model's section: its provenance (initial weights, stages and their data), the training
// curves with stage boundaries and best epochs marked, the per-epoch figures, how training
// stopped; then its evaluation (evaluation_section.cpp).
#include "apps/report/cells.h"
#include "apps/report/charts.h"
#include "apps/report/format.h"
#include "apps/report/sections.h"
#include "apps/report/tables.h"

namespace engine::report {

void add_model_evaluation(Document& document, const Field& results, const Field& model,
                          std::size_t index);

namespace {

void add_provenance(Document& document, const Field& model) {
  Table table;
  table.caption = "Model, initial weights and outputs";
  table.header = {"Item", "Value"};
  const auto seconds = model["seconds"].number();
  table.rows = {
      {"Architecture", text_cell(model["architecture"])},
      {"Parameters", count_cell(model["parameters"])},
      {"Input size (pixels, square)", count_cell(model["input_size"])},
      {"Initial weights", text_cell(model["initial_weights"])},
      {"Best checkpoint", text_cell(model["checkpoint"])},
      {"Per-image predictions", text_cell(model["predictions"])},
      {"Training time", seconds ? duration(*seconds) : missing(model["seconds"].missing_reason())},
  };
  if (!model["notes"].text().value_or("").empty()) {
    table.rows.push_back({"Notes", text_cell(model["notes"])});
  }
  document.add(std::move(table));
  if (model["stages"].size() == 0) return;
  Table stages;
  stages.caption = "Training stages, in order (each starts from the weights named)";
  stages.header = {"Stage",           "Data",       "Images (training/validation)",
                   "Input size",      "Epochs",     "Learning rate",
                   "Initial weights", "Best epoch", "Stop reason"};
  stages.align = {Align::left,  Align::left, Align::right, Align::right, Align::right,
                  Align::right, Align::left, Align::right, Align::left};
  for (const Field& stage : model["stages"].items()) {
    const auto rate = stage["learning_rate"].number();
    stages.rows.push_back(
        {text_cell(stage["name"]), text_cell(stage["data"]),
         count_cell(stage["images_train"]) + "/" + count_cell(stage["images_validation"]),
         count_cell(stage["input_size"]), count_cell(stage["epochs"]),
         rate ? significant(*rate, 4) : missing(stage["learning_rate"].missing_reason()),
         text_cell(stage["initial_weights"]), count_cell(stage["best_epoch"]),
         text_cell(stage["stop_reason"])});
  }
  document.add(std::move(stages));
}

std::optional<double> percent_value(const Field& number) {
  const auto value = number.number();
  if (!value) return std::nullopt;
  return 100 * *value;
}

// x of the history entry for (stage, epoch), counting entries from 1 across stages.
std::optional<double> position_of(const std::vector<Field>& history, std::int64_t stage,
                                  std::int64_t epoch) {
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i]["stage"].integer().value_or(1) == stage &&
        history[i]["epoch"].integer() == epoch) {
      return static_cast<double>(i + 1);
    }
  }
  return std::nullopt;
}

std::vector<VerticalMark> training_marks(const Field& model, const std::vector<Field>& history) {
  std::vector<VerticalMark> marks;
  for (std::size_t i = 1; i < history.size(); ++i) {
    const auto stage = history[i]["stage"].integer();
    if (stage && stage != history[i - 1]["stage"].integer()) {
      marks.push_back(
          {static_cast<double>(i) + 0.5, "stage " + std::to_string(*stage) + " starts"});
    }
  }
  const std::vector<Field> stages = model["stages"].items();
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const auto best = stages[s]["best_epoch"].integer();
    const auto stage = static_cast<std::int64_t>(s + 1);
    if (const auto x = best ? position_of(history, stage, *best) : std::nullopt) {
      marks.push_back({*x, stages.size() == 1 ? std::string("best epoch")
                                              : "best, stage " + std::to_string(stage)});
    }
  }
  if (stages.empty()) {
    const auto best = model["best_epoch"].integer();
    const auto stage = history.empty() ? 1 : history.back()["stage"].integer().value_or(1);
    if (const auto x = best ? position_of(history, stage, *best) : std::nullopt) {
      marks.push_back({*x, "best epoch"});
    }
  }
  return marks;
}

void add_training(Document& document, const Field& model, std::size_t index,
                  const std::string& notice) {
  const std::vector<Field> history = model["history"].items();
  const std::string name = model_name(model);
  document.heading(3, "Training");
  document.paragraph(
      count_cell(model["best_epoch"]) + " (the checkpoint kept; chosen on the validation split)",
      "Best epoch");
  document.paragraph(text_cell(model["stop_reason"]) +
                         (model["stopped_early"].flag().value_or(false) ? " (stopped early)" : ""),
                     "Stop reason");
  if (history.empty()) {
    document.paragraph(missing(model["history"].missing_reason()), "Per-epoch history");
    return;
  }
  LineChart loss;
  loss.title = name + ": loss per epoch";
  loss.notice = notice;
  loss.x_title = "Epoch (counted across stages)";
  loss.y_title = "Loss (mean cross-entropy per image)";
  loss.series = {{"training loss", {}}, {"validation loss", {}}};
  LineChart accuracy = loss;
  accuracy.title = name + ": accuracy per epoch";
  accuracy.y_title = "Accuracy (% of cases correct)";
  accuracy.y_suffix = "%";
  accuracy.y_range = std::array<double, 2>{0, 100};
  accuracy.series = {
      {"training accuracy", {}}, {"validation accuracy", {}}, {"validation balanced accuracy", {}}};
  Table table;
  table.caption = name + ": per-epoch figures (training split and validation split)";
  table.header = {"Stage",
                  "Epoch",
                  "Training loss",
                  "Training accuracy",
                  "Validation loss",
                  "Validation accuracy",
                  "Validation balanced accuracy",
                  "Validation AUC",
                  "Learning rate",
                  "Images/s",
                  "Seconds"};
  table.align = numeric_alignment(0, table.header.size());
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Field entry = history[i];
    loss.x.push_back(static_cast<double>(i + 1));
    loss.series[0].values.push_back(entry["train_loss"].number());
    loss.series[1].values.push_back(entry["validation_loss"].number());
    accuracy.series[0].values.push_back(percent_value(entry["train_accuracy"]));
    accuracy.series[1].values.push_back(percent_value(entry["validation_accuracy"]));
    accuracy.series[2].values.push_back(percent_value(entry["validation_balanced_accuracy"]));
    const auto rate = entry["learning_rate"].number();
    const auto speed = entry["images_per_second"].number();
    const auto seconds = entry["seconds"].number();
    table.rows.push_back(
        {count_cell(entry["stage"]), count_cell(entry["epoch"]), decimal_cell(entry["train_loss"]),
         percent_cell(entry["train_accuracy"]), decimal_cell(entry["validation_loss"]),
         percent_cell(entry["validation_accuracy"]),
         percent_cell(entry["validation_balanced_accuracy"]), decimal_cell(entry["validation_auc"]),
         rate ? significant(*rate, 4) : missing(entry["learning_rate"].missing_reason()),
         speed ? fixed(*speed, 1) : missing(entry["images_per_second"].missing_reason()),
         seconds ? fixed(*seconds, 1) : missing(entry["seconds"].missing_reason())});
  }
  loss.marks = training_marks(model, history);
  accuracy.x = loss.x;
  accuracy.marks = loss.marks;
  document.add(Figure{plot_file(index, name, "loss"), line_chart_svg(loss),
                      name + ": training and validation loss per epoch; dashed lines mark "
                             "stage starts and best epochs"});
  document.add(Figure{plot_file(index, name, "accuracy"), line_chart_svg(accuracy),
                      name + ": training and validation accuracy per epoch; dashed lines mark "
                             "stage starts and best epochs"});
  document.add(std::move(table));
}

}  // namespace

void add_model(Document& document, const Field& results, std::size_t index) {
  const Field model = results["models"][index];
  document.heading(2, "Model " + std::to_string(index + 1) + ": " + model_name(model));
  add_provenance(document, model);
  add_training(document, model, index, chart_notice(results));
  add_model_evaluation(document, results, model, index);
}

}  // namespace engine::report
