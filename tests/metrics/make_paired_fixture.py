"""Independent reference values for the paired statistics and the ensemble (metrics/mcnemar.h,
metrics/delong.h, metrics/pairwise.h, metrics/ensemble.h), written to
tests/fixtures/paired_statistics.json. Run from the repository root:
    python3 tests/metrics/make_paired_fixture.py

Sources of the reference values, none of them the engine's code:
- McNemar's exact test: min(1, 2 * P(X <= min(b, c))), X ~ Binomial(b + c, 1/2), and the mid-p
  2 * P(X <= min(b, c)) - P(X = min(b, c)) (Fagerland et al. 2013), both summed exactly in
  Python's integers and rounded once; checked against statsmodels' mcnemar(table, exact=True)
  and scipy's binomial distribution.
- DeLong's test (not in scipy or statsmodels): written here from the structural components of
  DeLong, DeLong & Clarke-Pearson (1988) by their definition, an m x n matrix of
  psi(X_i, Y_j) = 1, 1/2 or 0 (the engine uses Sun & Xu's (2014) mid-rank algorithm instead).
  Cross-checked below, before anything is written, against
    (1) scipy's Mann-Whitney U for both AUCs;
    (2) the two-sample jackknife (delete one positive, then one negative, recomputing the AUCs
        with scipy's U each time), whose variance and covariance equal DeLong's exactly: leaving
        out positive i gives AUC_(-i) = (m AUC - V10_i) / (m - 1), so
        (m - 1)/m * sum_i (AUC_(-i) - AUC)^2 = sum_i (V10_i - AUC)^2 / (m (m - 1)) = S10 / m;
    (3) a stratified paired bootstrap of the AUC difference (numpy's generator), whose standard
        error must agree with DeLong's to within 10% on the 1000-case sample;
    (4) Hanley & McNeil's (1982) published rating data (58 normal, 51 abnormal CT images),
        whose area is 0.893.
- Holm's step-down adjustment: statsmodels' multipletests(method="holm").
- The ensemble: each member's temperature by scipy's brentq on the NLL slope in log T, the
  average of the members' calibrated margins with numpy, the ensemble temperature the same way,
  and the undetermined band by a direct walk over the validation confidences.

The 1000-case sample is not stored: both sides rebuild it from an integer hash (hashed_case).
"""
import json
import math
from fractions import Fraction

import numpy as np
import scipy
import statsmodels
from scipy.optimize import brentq
from scipy.special import expit
from scipy.stats import binom, mannwhitneyu
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests

OUTPUT = "tests/fixtures/paired_statistics.json"
MASK64 = (1 << 64) - 1


def mix64(x):
    """MurmurHash3's 64-bit finaliser, in Python integers (the C++ test uses uint64_t)."""
    x &= MASK64
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & MASK64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & MASK64
    x ^= x >> 33
    return x


def hashed_case(n):
    """Labels and two correlated classifiers' probabilities in thousandths (many ties):
    label = mix(4i) & 1, a = (250 label + mix(4i + 1) mod 750) / 1000,
    b = ((2 a_thousandths + 200 label + mix(4i + 2) mod 1000) div 4) / 1000."""
    labels, a, b = [], [], []
    for i in range(n):
        label = mix64(4 * i) & 1
        a_units = 250 * label + mix64(4 * i + 1) % 750
        b_units = (2 * a_units + 200 * label + mix64(4 * i + 2) % 1000) // 4
        labels.append(label)
        a.append(a_units / 1000)
        b.append(b_units / 1000)
    return labels, a, b


# ---- McNemar ---------------------------------------------------------------------------------


def mcnemar_reference(b, c):
    """Both p-values in exact rational arithmetic (Python integers), rounded once to a double;
    statsmodels' exact p-value and scipy's mid-p must agree with them."""
    n, k = b + c, min(b, c)
    lower_tail = Fraction(sum(math.comb(n, i) for i in range(k + 1)), 2**n)
    point = Fraction(math.comb(n, k), 2**n)
    p_exact = float(min(Fraction(1), 2 * lower_tail))
    p_mid = float(2 * lower_tail - point)
    statsmodels_p = float(mcnemar([[0, b], [c, 0]], exact=True).pvalue)
    scipy_mid_p = float(2 * binom.cdf(k, n, 0.5) - binom.pmf(k, n, 0.5)) if n > 0 else 1.0
    assert math.isclose(statsmodels_p, p_exact, rel_tol=1e-12, abs_tol=0), (b, c, statsmodels_p)
    # scipy's mid-p loses digits to cancellation (2 cdf - pmf); agreement to 1e-9 is enough.
    assert math.isclose(scipy_mid_p, p_mid, rel_tol=1e-9, abs_tol=0), (b, c, scipy_mid_p)
    return {"b": b, "c": c, "p_exact": p_exact, "p_mid": p_mid}


def mcnemar_of_predictions(labels, a, b, threshold):
    y = np.asarray(labels)
    right_a = (np.asarray(a) >= threshold).astype(int) == y
    right_b = (np.asarray(b) >= threshold).astype(int) == y
    result = mcnemar_reference(int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b)))
    result["both_correct"] = int(np.sum(right_a & right_b))
    result["both_wrong"] = int(np.sum(~right_a & ~right_b))
    return result


# ---- DeLong ----------------------------------------------------------------------------------


def structural_components(labels, score, positive_class):
    """V10 per positive case and V01 per negative case (DeLong et al. 1988, section 3)."""
    y = np.asarray(labels)
    s = np.asarray(score, dtype=float)
    if positive_class == 0:
        s = -s  # the positive-class score orders like 1 - p without rounding
    x, z = s[y == positive_class], s[y != positive_class]
    psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
    return psi.mean(axis=1), psi.mean(axis=0)


def delong_reference(labels, a, b, positive_class):
    v10_a, v01_a = structural_components(labels, a, positive_class)
    v10_b, v01_b = structural_components(labels, b, positive_class)
    m, n = len(v10_a), len(v01_a)
    s10 = np.cov(np.vstack([v10_a, v10_b]), ddof=1)
    s01 = np.cov(np.vstack([v01_a, v01_b]), ddof=1)
    s = s10 / m + s01 / n
    auc_a, auc_b = float(v10_a.mean()), float(v10_b.mean())
    difference = auc_a - auc_b
    variance = float(s[0, 0] + s[1, 1] - 2 * s[0, 1])
    if variance > 0:
        z = difference / math.sqrt(variance)
        p = float(math.erfc(abs(z) / math.sqrt(2)))
    else:
        z = p = None  # undefined: no spread to scale the difference by
    return {"auc_a": auc_a, "auc_b": auc_b, "difference": difference,
            "variance_a": float(s[0, 0]), "variance_b": float(s[1, 1]),
            "covariance": float(s[0, 1]), "variance_difference": variance, "z": z, "p": p}


def scipy_auc(labels, score, positive_class):
    y = np.asarray(labels)
    s = np.asarray(score, dtype=float) * (1 if positive_class == 1 else -1)
    x, z = s[y == positive_class], s[y != positive_class]
    return mannwhitneyu(x, z).statistic / (len(x) * len(z))


def jackknife_difference_variance(labels, a, b, positive_class):
    """Two-sample jackknife of AUC(a) - AUC(b), each AUC from scipy's U."""
    y = np.asarray(labels)
    total = 0.0
    for group in (positive_class, 1 - positive_class):
        members = np.flatnonzero(y == group)
        values = []
        for i in members:
            keep = np.ones(len(y), dtype=bool)
            keep[i] = False
            values.append(scipy_auc(y[keep], np.asarray(a)[keep], positive_class) -
                          scipy_auc(y[keep], np.asarray(b)[keep], positive_class))
        values = np.asarray(values)
        k = len(values)
        total += (k - 1) / k * float(np.sum((values - values.mean()) ** 2))
    return total


def bootstrap_difference_se(labels, a, b, positive_class, replicates, seed):
    rng = np.random.default_rng(seed)
    y, a, b = np.asarray(labels), np.asarray(a), np.asarray(b)
    groups = [np.flatnonzero(y == 0), np.flatnonzero(y == 1)]
    values = []
    for _ in range(replicates):
        pick = np.concatenate([rng.choice(g, size=len(g), replace=True) for g in groups])
        values.append(scipy_auc(y[pick], a[pick], positive_class) -
                      scipy_auc(y[pick], b[pick], positive_class))
    return float(np.std(values, ddof=1))


def cross_check(name, labels, a, b, positive_class, reference):
    auc_a = scipy_auc(labels, a, positive_class)
    auc_b = scipy_auc(labels, b, positive_class)
    assert abs(auc_a - reference["auc_a"]) < 1e-14 and abs(auc_b - reference["auc_b"]) < 1e-14, name
    jackknife = jackknife_difference_variance(labels, a, b, positive_class)
    assert abs(jackknife - reference["variance_difference"]) <= 1e-12 * max(jackknife, 1e-300) + 1e-18, \
        (name, jackknife, reference["variance_difference"])
    return {"case": name, "jackknife_variance_difference": jackknife}


def hanley_mcneil_check():
    """Hanley & McNeil (1982), table I: ratings 1..5 of 58 normal and 51 abnormal images."""
    normal, abnormal = [33, 6, 6, 11, 2], [3, 2, 2, 11, 33]
    ratings = np.arange(1, 6) / 5  # any increasing scores in [0, 1]
    labels = [0] * 58 + [1] * 51
    score = list(np.repeat(ratings, normal)) + list(np.repeat(ratings, abnormal))
    reference = delong_reference(labels, score, score, 1)
    assert round(reference["auc_a"], 3) == 0.893, reference["auc_a"]
    return {"case": "Hanley & McNeil (1982) table I", "auc": reference["auc_a"],
            "published_auc": 0.893, "delong_standard_error": math.sqrt(reference["variance_a"]),
            "published_standard_error_hanley_mcneil_formula": 0.032}


# ---- samples ---------------------------------------------------------------------------------


def rounded(values, places):
    return [round(float(v), places) for v in values]


def correlated_pair(rng, n, places, strength_a, strength_b):
    labels = rng.integers(0, 2, size=n)
    common = rng.normal(size=n)
    a = expit(strength_a * (labels - 0.5) * 2 + common + rng.normal(size=n))
    b = expit(strength_b * (labels - 0.5) * 2 + common + rng.normal(size=n))
    return [int(v) for v in labels], rounded(a, places), rounded(b, places)


def stored_cases():
    rng = np.random.default_rng(20261202)
    cases = []
    ten = [1, 0, 1, 1, 0, 1, 0, 1, 0, 1]
    cases.append({"name": "ten cases, ties across classes", "labels": ten,
                  "a": [0.9, 0.1, 0.8, 0.4, 0.3, 0.7, 0.55, 0.2, 0.45, 0.6],
                  "b": [0.7, 0.3, 0.7, 0.3, 0.3, 0.9, 0.6, 0.6, 0.2, 0.4], "positive_class": 1})
    labels, a, b = correlated_pair(rng, 30, 1, 1.0, 0.6)
    cases.append({"name": "30 cases in tenths (heavy ties)", "labels": labels, "a": a, "b": b,
                  "positive_class": 1})
    labels, a, b = correlated_pair(rng, 24, 2, 1.2, 0.8)
    cases.append({"name": "24 cases, class 0 positive", "labels": labels, "a": a, "b": b,
                  "positive_class": 0})
    labels = [0] * 6 + [1] * 6
    separated = [0.1, 0.2, 0.2, 0.3, 0.35, 0.4, 0.6, 0.7, 0.7, 0.8, 0.9, 0.95]
    mixed = [0.3, 0.6, 0.2, 0.5, 0.7, 0.4, 0.65, 0.3, 0.8, 0.45, 0.9, 0.55]
    cases.append({"name": "a separates perfectly, b does not", "labels": labels, "a": separated,
                  "b": mixed, "positive_class": 1})
    cases.append({"name": "identical classifiers", "labels": labels, "a": mixed, "b": mixed,
                  "positive_class": 1})
    cases.append({"name": "both separate perfectly", "labels": labels, "a": separated,
                  "b": [v / 2 + 0.25 for v in separated], "positive_class": 1})
    cases.append({"name": "a separates, b constant", "labels": labels, "a": separated,
                  "b": [0.5] * 12, "positive_class": 1})
    labels, a, b = correlated_pair(rng, 16, 2, 0.5, 0.5)
    cases.append({"name": "16 cases, equal strength", "labels": labels, "a": a, "b": b,
                  "positive_class": 1})
    return cases


def paired_case(case, threshold=0.5):
    labels, a, b = case["labels"], case["a"], case["b"]
    entry = dict(case)
    entry["threshold"] = threshold
    entry["mcnemar"] = mcnemar_of_predictions(labels, a, b, threshold)
    entry["delong"] = delong_reference(labels, a, b, case["positive_class"])
    return entry


# ---- Holm ------------------------------------------------------------------------------------


def holm_cases():
    lists = [[0.01, 0.04, 0.03, 0.005], [0.2, 0.2, 0.01, 1.0, 0.04, 0.04],
             [0.5], [1e-10, 0.3, 0.02], [0.04, 0.03, 0.02, 0.01, 0.9, 0.6]]
    return [{"p": p, "adjusted": [float(v) for v in multipletests(p, method="holm")[1]]}
            for p in lists]


# ---- pairwise table of three models -----------------------------------------------------------


def pairwise_case(rng):
    n = 80
    labels = rng.integers(0, 2, size=n)
    common = rng.normal(size=n)
    models = {}
    for name, strength in (("resnet18", 1.4), ("resnet50", 1.0), ("efficientnet_b0", 0.4)):
        models[name] = rounded(expit(strength * (2 * labels - 1) + common + rng.normal(size=n)), 3)
    names = list(models)
    pairs, mcnemar_p, delong_p = [], [], []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = models[names[i]], models[names[j]]
            test = mcnemar_of_predictions(labels, a, b, 0.5)
            auc = delong_reference(labels, a, b, 1)
            pairs.append({"a": names[i], "b": names[j], "mcnemar_p": test["p_exact"],
                          "delong_p": auc["p"], "auc_difference": auc["difference"]})
            mcnemar_p.append(test["p_exact"])
            delong_p.append(auc["p"])
    for pair, m, d in zip(pairs, multipletests(mcnemar_p, method="holm")[1],
                          multipletests(delong_p, method="holm")[1]):
        pair["mcnemar_p_holm"] = float(m)
        pair["delong_p_holm"] = float(d)
    return {"labels": [int(v) for v in labels], "names": names,
            "probabilities": [models[k] for k in names], "positive_class": 1, "threshold": 0.5,
            "pairs": pairs}


# ---- ensemble ----------------------------------------------------------------------------------


def fitted_temperature(labels, margins):
    """The T in [0.01, 100] where the mean NLL's slope in s = 1/T is zero (brentq)."""
    t = 2.0 * np.asarray(labels) - 1.0
    d = np.asarray(margins)

    def slope(log_s):
        return -np.sum(t * d * expit(-t * d * math.exp(log_s)))

    return math.exp(-brentq(slope, math.log(0.01), math.log(100.0), xtol=1e-14, rtol=1e-15))


def undetermined_band(labels, probabilities, target):
    """Smallest confidence threshold whose decided cases reach the target accuracy."""
    p = np.asarray(probabilities)
    confidence = np.where(p >= 0.5, p, 1 - p)
    correct = (p >= 0.5).astype(int) == np.asarray(labels)
    best = None
    for c in sorted(set(confidence.tolist()), reverse=True):
        decided = confidence >= c
        if correct[decided].sum() / decided.sum() >= target:
            best = {"threshold": c, "decided": int(decided.sum()),
                    "decided_correct": int(correct[decided].sum())}
    return best


def ensemble_case(rng):
    n_validation, n_test = 40, 12
    labels = rng.integers(0, 2, size=n_validation)
    signs = 2 * labels - 1
    common = rng.normal(size=n_validation + n_test)
    test_signs = 2 * rng.integers(0, 2, size=n_test) - 1
    members = []
    for scale, strength in ((3.0, 1.0), (0.7, 1.5), (1.8, 0.8)):
        noise = rng.normal(size=n_validation + n_test)
        all_signs = np.concatenate([signs, test_signs])
        margins = scale * (strength * all_signs + common + noise)
        members.append({"validation": rounded(margins[:n_validation], 6),
                        "test": rounded(margins[n_validation:], 6)})
    temperatures = [fitted_temperature(labels, m["validation"]) for m in members]
    validation = np.mean([np.asarray(m["validation"]) / t for m, t in zip(members, temperatures)], 0)
    test = np.mean([np.asarray(m["test"]) / t for m, t in zip(members, temperatures)], axis=0)
    temperature = fitted_temperature(labels, validation)
    band = undetermined_band(labels, expit(validation / temperature), 0.95)
    return {"validation_labels": [int(v) for v in labels], "members": members,
            "target_accuracy": 0.95, "member_temperatures": temperatures,
            "validation_margins": [float(v) for v in validation],
            "test_margins": [float(v) for v in test], "temperature": temperature,
            "test_probabilities": [float(v) for v in expit(test / temperature)], "band": band}


def main():
    counts = [(0, 0), (1, 0), (0, 1), (5, 5), (0, 7), (3, 12), (12, 3), (40, 62), (61, 1),
              (30, 31), (31, 32), (20, 43), (300, 352), (31, 31), (0, 1000), (2000, 2200), (10000, 10400)]
    paired = [paired_case(c) for c in stored_cases()]
    labels, a, b = hashed_case(1000)
    large = paired_case({"name": "1000 hashed cases", "labels": labels, "a": a, "b": b,
                         "positive_class": 1})
    checks = [cross_check(c["name"], c["labels"], c["a"], c["b"], c["positive_class"], c["delong"])
              for c in paired + [large]]
    bootstrap_se = bootstrap_difference_se(labels, a, b, 1, 2000, 7)
    delong_se = math.sqrt(large["delong"]["variance_difference"])
    assert abs(bootstrap_se / delong_se - 1) < 0.1, (bootstrap_se, delong_se)
    checks.append({"case": "1000 hashed cases", "bootstrap_replicates": 2000,
                   "bootstrap_standard_error": bootstrap_se, "delong_standard_error": delong_se})
    checks.append(hanley_mcneil_check())
    del large["labels"], large["a"], large["b"]
    large["hashed_cases"] = 1000
    rng = np.random.default_rng(17)
    fixture = {
        "generator": "tests/metrics/make_paired_fixture.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__},
        "mcnemar_counts": [mcnemar_reference(b, c) for b, c in counts],
        "paired_cases": paired,
        "hashed_case": large,
        "cross_checks": checks,
        "holm": holm_cases(),
        "pairwise": pairwise_case(rng),
        "ensemble": ensemble_case(rng),
    }
    with open(OUTPUT, "w") as stream:
        json.dump(fixture, stream, indent=1)
        stream.write("\n")
    print("wrote", OUTPUT)
    for check in checks:
        print(check)


if __name__ == "__main__":
    main()
