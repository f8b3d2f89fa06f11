// Calibration in predict_app: temperature scaling recovers a known temperature from a synthetic
// logit set, and predict_app applies the checkpoint's temperature exactly as stated in its output.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "apps/predict/decision.h"
#include "metrics/calibration.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"

namespace engine::apps::testing {

TEST_CASE("temperature scaling recovers the temperature that generated the labels") {
  // Margins spread like an over-confident network's; each label drawn with probability
  // sigmoid(margin / 2.5), so the calibrated model is exactly temperature 2.5.
  constexpr double true_temperature = 2.5;
  std::mt19937_64 generator(20240611);
  std::normal_distribution<double> margin_of(0.0, 6.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> margins;
  std::vector<int> labels;
  for (int i = 0; i < 20000; ++i) {
    const double margin = margin_of(generator);
    margins.push_back(margin);
    labels.push_back(uniform(generator) < 1.0 / (1.0 + std::exp(-margin / true_temperature)) ? 1
                                                                                             : 0);
  }
  const metrics::TemperatureFit fit = metrics::fit_temperature(labels, margins);
  REQUIRE(fit.fitted);
  MESSAGE("fitted temperature " << fit.temperature << " (true " << true_temperature << ")");
  // The sampling error of T from 20,000 cases is about 1.5%; 5% is a failure, not noise.
  CHECK(fit.temperature == doctest::Approx(true_temperature).epsilon(0.05));
  CHECK(fit.mean_nll_after < fit.mean_nll_before);

  // predict_app, given a checkpoint with that temperature, computes exactly sigmoid(d / T).
  TemporaryFolder folder("predict_calibration_policy");
  std::filesystem::create_directories(folder.path);
  write_test_checkpoint(folder.path / "model.safetensors", "resnet18", 64,
                        calibration_block(fit.temperature, true, 0.8));
  const models::CheckpointInfo info =
      models::read_checkpoint(folder.path / "model.safetensors").info;
  const DecisionPolicy policy = decision_policy(info, -1.0);
  CHECK(policy.temperature == fit.temperature);
  CHECK(policy.calibrated);
  for (const double logit_male : {-7.0, -0.3, 0.0, 0.2, 4.0, 30.0}) {
    const double logit_female = 0.5;
    const double expected = 1.0 / (1.0 + std::exp(-(logit_male - logit_female) / fit.temperature));
    const double p = metrics::calibrated_probability_class1(logit_female, logit_male, policy);
    CHECK(p == doctest::Approx(expected).epsilon(1e-12));
    // Temperature scaling never changes which class is more probable.
    CHECK((p >= 0.5) == (logit_male >= logit_female));
  }
}

TEST_CASE("predict_app's probabilities are the logits scaled by the checkpoint's temperature") {
  TemporaryFolder folder("predict_calibration_run");
  const auto images = write_phantoms(folder.path / "images", 4, 5);
  std::vector<Json> runs;
  for (const double temperature : {1.0, 3.0}) {
    const std::filesystem::path model =
        folder.path / (temperature == 1.0 ? "plain.safetensors" : "scaled.safetensors");
    write_test_checkpoint(model, "resnet18", 64, calibration_block(temperature, true, 0.9));
    const CommandResult result =
        run_predict({"--model", model.string(), "--format", "json", "--device", "cpu",
                     (folder.path / "images").string()});
    REQUIRE(result.exit_code == 0);
    runs.push_back(Json::parse(result.out));
  }
  for (std::size_t i = 0; i < images.size(); ++i) {
    const Json& plain = runs[0].at("predictions").as_array().at(i);
    const Json& scaled = runs[1].at("predictions").as_array().at(i);
    const double margin =
        plain.at("logits").at("male").as_number() - plain.at("logits").at("female").as_number();
    // Same weights, same image: the same logits; only the temperature differs.
    CHECK(scaled.at("logits").at("male").as_number() == plain.at("logits").at("male").as_number());
    const double p = scaled.at("probabilities").at("male").as_number();
    CHECK(std::log(p / (1.0 - p)) == doctest::Approx(margin / 3.0).epsilon(1e-9));
    const double q = plain.at("probabilities").at("male").as_number();
    CHECK(std::log(q / (1.0 - q)) == doctest::Approx(margin).epsilon(1e-9));
    CHECK(scaled.at("probabilities").at("female").as_number() + p == doctest::Approx(1.0));
  }
  CHECK(runs[1].at("decision_policy").at("temperature").as_number() == 3.0);
}

}  // namespace engine::apps::testing
