// A paired bootstrap of the difference between two classifiers' AUCs on the same cases: the
// cross-check of DeLong's test (metrics/delong.h) that assumes no normality of the components.
//
// Each replicate is one stratified resample of the cases (metrics/bootstrap.h: the same Philox
// draws, keyed by seed and replicate), and both classifiers are scored on that same resample,
// so the correlation between them is kept: AUC_a(r) - AUC_b(r), the AUC as metrics/roc.h
// computes it (ties 1/2), the difference from one exact integer (delong.h's auc_difference).
// Stratification keeps both classes in every replicate, so every replicate's AUC is defined.
//
// Reported: the percentile interval of the difference (Hyndman-Fan 7, as bootstrap.h), the
// bootstrap standard error (the replicates' standard deviation, denominator R - 1), and, as in
// pROC's bootstrap test (Robin et al. 2011), z = (observed difference) / (standard error) with
// the two-sided normal p-value. The standard error should agree with DeLong's sqrt(Var) to a
// few percent on samples of realistic size; a large disagreement is a reason to distrust the
// normal approximation. z and p are undefined (NaN) when every replicate gives the same
// difference (standard error 0).
#pragma once

#include <cstdint>
#include <vector>

#include "metrics/bootstrap.h"
#include "metrics/classes.h"
#include "util/json.h"

namespace engine::metrics {

struct PairedAucBootstrap {
  BootstrapInterval difference;  // AUC(a) - AUC(b): estimate, percentile interval, seed
  double standard_error = 0;     // standard deviation of the replicate differences
  double z = 0;                  // estimate / standard_error; NaN when that is 0
  double p_value = 0;            // two-sided normal; NaN when z is
};

PairedAucBootstrap paired_bootstrap_auc_difference(const std::vector<int>& labels,
                                                   const std::vector<double>& probabilities_a,
                                                   const std::vector<double>& probabilities_b,
                                                   int positive_class, std::uint64_t seed,
                                                   int replicates = default_bootstrap_replicates,
                                                   const ClassNames& names = {});

Json to_json(const PairedAucBootstrap& bootstrap);

}  // namespace engine::metrics
