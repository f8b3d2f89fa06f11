// Stratified bootstrap percentile intervals (Efron & Tibshirani 1993, ch. 13) for figures that
// have no closed-form interval here: F1, AUC, or any metric given as a function.
//
// Stratified: each replicate draws, with replacement, as many cases from each true class as the
// sample has, so every replicate keeps the sample's class counts (and AUC stays defined).
// Random draws: Philox4x32-10 (util/philox.h). Case j of replicate r (j counts class 0's draws
// first, then class 1's) draws 64 bits from draw(seed, bootstrap_domain | r, j) and maps them to
// an index below the class size by multiply-and-shift (Lemire 2019). A replicate is therefore a
// pure function of (seed, r): the interval is reproducible from the recorded seed alone, on any
// machine and thread count.
// Percentile interval: the (1 - confidence)/2 and (1 + confidence)/2 quantiles of the replicate
// values, by linear interpolation between order statistics (Hyndman & Fan 1996, definition 7,
// numpy's default). If any replicate's metric is undefined (NaN), the interval is reported as
// undefined and the count of such replicates is given: dropping them would bias the interval.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "metrics/classes.h"
#include "metrics/intervals.h"
#include "util/json.h"

namespace engine::metrics {

inline constexpr std::uint64_t bootstrap_domain = std::uint64_t{0xB007} << 48;
inline constexpr int default_bootstrap_replicates = 2000;

// A metric of a sample: true labels and probabilities of class 1, same size.
using SampleMetric = std::function<double(const std::vector<int>& labels,
                                          const std::vector<double>& probabilities_class1)>;

struct BootstrapInterval {
  std::string metric;   // what was resampled, e.g. "F1 (positive class: male)"
  double estimate = 0;  // the metric on the sample itself
  Interval interval;    // percentile interval; undefined if any replicate was
  double confidence = 0.95;
  std::uint64_t seed = 0;
  int replicates = 0;
  int undefined_replicates = 0;
};

// Replicate indices (positions into the sample) of replicate `replicate`; exposed so tests and
// auditors can see the resamples.
std::vector<std::size_t> bootstrap_resample(const std::vector<int>& labels, std::uint64_t seed,
                                            std::uint64_t replicate);

// The (sorted_values.size() - 1) * q order statistic, linearly interpolated; q in [0, 1].
double interpolated_quantile(const std::vector<double>& sorted_values, double q);

// A figure of one replicate, given the replicate's case positions (bootstrap_resample).
using ResampleMetric = std::function<double(const std::vector<std::size_t>& resample)>;

// The figure of replicates 0, 1, ..., replicates - 1, in that order, NaN values kept. Every
// bootstrap here (single-sample or paired) draws its replicates through this one function.
std::vector<double> replicate_values(const std::vector<int>& labels, std::uint64_t seed,
                                     int replicates, const ResampleMetric& metric);

// Sets result.interval (the percentile interval at result.confidence) and
// result.undefined_replicates from the replicate values; the interval is undefined when any
// value is NaN.
void set_percentile_interval(BootstrapInterval& result, std::vector<double> values);

BootstrapInterval stratified_bootstrap(const std::string& metric_name, const SampleMetric& metric,
                                       const std::vector<int>& labels,
                                       const std::vector<double>& probabilities_class1,
                                       std::uint64_t seed,
                                       int replicates = default_bootstrap_replicates,
                                       double confidence = 0.95);

// F1 of `positive_class` with predictions at `threshold`.
BootstrapInterval bootstrap_f1(const std::vector<int>& labels,
                               const std::vector<double>& probabilities_class1, double threshold,
                               int positive_class, std::uint64_t seed,
                               int replicates = default_bootstrap_replicates,
                               const ClassNames& names = {});
// AUC with `positive_class` as positive.
BootstrapInterval bootstrap_auc(const std::vector<int>& labels,
                                const std::vector<double>& probabilities_class1, int positive_class,
                                std::uint64_t seed, int replicates = default_bootstrap_replicates,
                                const ClassNames& names = {});

Json to_json(const BootstrapInterval& interval);

}  // namespace engine::metrics
