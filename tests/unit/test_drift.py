"""cli.core.drift: PSI by hand, KS / chi-squared / Jensen-Shannon / Wasserstein against scipy."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import stats
from scipy.spatial import distance

from cli.core.drift import (
    KS_EXACT_ROWS,
    CategorySummary,
    DriftPolicy,
    NumericSummary,
    bucket_bounds,
    bucket_keys,
    build_report,
    chi_squared,
    compare_column,
    jensen_shannon,
    ks_test,
    numeric_psi,
    psi,
    quantile_edges,
    wasserstein_normed,
)
from cli.results.drift import DRIFT, MISSING, OK, WARNING

POLICY = DriftPolicy()


def numeric(
    values: list[float] | np.ndarray,
    *,
    offset: float = 0.0,
    keep: int = 0,
    probes: np.ndarray | None = None,
    chunk: int = 1000,
) -> NumericSummary:
    summary = NumericSummary(offset=offset, keep_values=keep, probes=probes)
    values = np.asarray(values, dtype=float)
    for start in range(0, len(values), chunk):
        summary.add(values[start : start + chunk])
    return summary


def categories(counts: dict[str, int], missing: int = 0) -> CategorySummary:
    summary = CategorySummary()
    summary.add(counts, rows=sum(counts.values()) + missing, missing=missing)
    return summary


# --- PSI, by hand ------------------------------------------------------------------------------


def test_psi_two_bins_by_hand() -> None:
    # shares r = (0.5, 0.5), c = (0.8, 0.2):
    # (0.8 - 0.5) ln(0.8 / 0.5) + (0.2 - 0.5) ln(0.2 / 0.5)
    # = 0.3 ln 1.6 + 0.3 ln 2.5 = 0.3 ln 4 = 0.3 * 1.3862944 = 0.4158883
    assert psi([5, 5], [8, 2], epsilon=1e-4) == pytest.approx(0.4158883, abs=1e-7)
    assert psi([5, 5], [5, 5], epsilon=1e-4) == 0.0


def test_psi_empty_bin_uses_epsilon() -> None:
    # r = (1, 0 -> 0.0001), c = (0.5, 0.5):
    # (0.5 - 1) ln(0.5 / 1) + (0.5 - 0.0001) ln(0.5 / 0.0001)
    # = 0.5 ln 2 + 0.4999 ln 5000 = 0.3465736 + 0.4999 * 8.5171932 = 0.3465736 + 4.2577449
    # = 4.6043185
    assert psi([4, 0], [2, 2], epsilon=1e-4) == pytest.approx(4.6043185, abs=1e-6)


def test_numeric_psi_reference_quantile_bins_by_hand() -> None:
    # reference 1..10, 5 bins: edges at sorted positions 2, 4, 6, 8 -> values 3, 5, 7, 9, so
    # bins (-inf, 3) [3, 5) [5, 7) [7, 9) [9, inf) each hold 2 reference values: r = 0.2 each.
    # current: six 1s and two 2s -> bin 0; 9 and 10 -> bin 4: c = (0.8, 0, 0, 0, 0.2)
    # psi = (0.8 - 0.2) ln(0.8 / 0.2) + 3 (0.0001 - 0.2) ln(0.0001 / 0.2) + 0
    #     = 0.6 ln 4 + 3 * 0.1999 * ln 2000 = 0.8317766 + 0.5997 * 7.6009025 = 5.3900378
    ref = numeric(range(1, 11))
    cur = numeric([1, 1, 1, 1, 1, 1, 2, 2, 9, 10])
    value, bins, how = numeric_psi(ref, cur, bins=5, epsilon=1e-4)
    assert bins == 5 and how == "bins cut at reference quantiles"
    assert value == pytest.approx(5.3900378, abs=1e-6)
    edges = quantile_edges(*ref.histogram(), 5)
    assert bucket_bounds(edges)[0].tolist() == [3.0, 5.0, 7.0, 9.0]


def test_numeric_psi_with_few_values_uses_one_bin_per_value() -> None:
    # reference {0: 5, 1: 5}; current {0: 5, 1: 4, 2: 1} (2 is a value the reference never had)
    # r = (0.5, 0.5, 0.0001), c = (0.5, 0.4, 0.1)
    # psi = 0 + (0.4 - 0.5) ln(0.8) + (0.1 - 0.0001) ln(1000)
    #     = 0.0223144 + 0.0999 * 6.9077553 = 0.0223144 + 0.6900848 = 0.7123992
    ref = numeric([0] * 5 + [1] * 5)
    cur = numeric([0] * 5 + [1] * 4 + [2])
    value, bins, how = numeric_psi(ref, cur, bins=10, epsilon=1e-4)
    assert (bins, how) == (3, "one bin per value")
    assert value == pytest.approx(0.7123992, abs=1e-6)


def test_categorical_psi_and_unseen_value_note() -> None:
    # same arithmetic as above: r = (0.5, 0.5, 0.0001) for a, b, and the unseen c
    row = compare_column(
        "colour",
        "categorical",
        categories({"a": 50, "b": 50}),
        categories({"a": 50, "b": 40, "c": 10}),
        small=True,
        policy=POLICY,
    )
    psi_stat = row.statistics[0]
    assert psi_stat.test == "psi" and psi_stat.value == pytest.approx(0.7123992, abs=1e-6)
    assert psi_stat.status == DRIFT and psi_stat.threshold == 0.25
    assert row.notes == ("1 value(s) not in the reference, each its own bin (10 rows): 'c' (10)",)


def test_psi_status_bands() -> None:
    def status(counts: list[int]) -> str:
        return compare_column(
            "x", "categorical", categories({"a": 50, "b": 50}),
            categories(dict(zip("ab", counts, strict=True))), small=False, policy=POLICY,
        ).statistics[0].status  # fmt: skip

    assert status([50, 50]) == OK
    assert status([66, 34]) == WARNING  # 0.16 ln(1.32/0.68) = 0.1061
    assert status([75, 25]) == DRIFT  # 0.25 ln 3 = 0.2747


# --- tests against scipy -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ks_matches_scipy_exact(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = np.round(rng.normal(0, 1, 300), 1)  # ties on purpose
    b = np.round(rng.normal(0.2, 1, 200), 1)
    ref = numeric(a, keep=1000, chunk=37)
    cur = numeric(b, keep=KS_EXACT_ROWS, probes=np.unique(a), chunk=41)
    d, p, how = ks_test(ref, cur)
    expected = stats.ks_2samp(a, b)
    assert (d, p) == (expected.statistic, expected.pvalue)
    assert how.startswith("exact")


def test_ks_on_a_large_current_matches_scipy_without_keeping_it() -> None:
    rng = np.random.default_rng(3)
    a = np.round(rng.normal(0, 1, 400), 2)
    b = np.round(rng.normal(0.05, 1, KS_EXACT_ROWS + 5_000), 2)
    ref = numeric(a, keep=1000)
    cur = numeric(b, keep=KS_EXACT_ROWS, probes=np.unique(a), chunk=3000)
    assert cur.values() is None  # too many to keep: D from counts at the reference values
    d, p, how = ks_test(ref, cur)
    expected = stats.ks_2samp(a, b)  # scipy's own choice here: asymptotic p-value
    assert d == pytest.approx(expected.statistic, abs=1e-12)
    assert p == pytest.approx(expected.pvalue, rel=1e-9)
    assert "asymptotic" in how


def test_chi_squared_matches_scipy() -> None:
    ref, cur = [30, 50, 20], [20, 45, 35]
    expected = stats.chi2_contingency(np.array([ref, cur]))
    assert chi_squared(ref, cur) == (expected.statistic, expected.pvalue)
    # the same statistic as a goodness-of-fit test of each sample against the pooled shares
    pooled = np.add(ref, cur) / (sum(ref) + sum(cur))
    by_hand = sum(stats.chisquare(obs, pooled * sum(obs)).statistic for obs in (ref, cur))
    assert chi_squared(ref, cur)[0] == pytest.approx(by_hand)


def test_chi_squared_single_category_is_no_evidence() -> None:
    assert chi_squared([5], [3]) == (0.0, 1.0)


def test_jensen_shannon_matches_scipy() -> None:
    ref, cur = [30, 50, 20, 0], [20, 45, 30, 5]
    expected = distance.jensenshannon(np.divide(ref, 100), np.divide(cur, 100))
    assert jensen_shannon(ref, cur) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(
    ("a_loc", "b_loc", "scale", "offset"), [(0, 0.3, 1, 0.0), (1000, 1000.05, 0.5, 1000.0)]
)
def test_binned_wasserstein_is_close_to_scipy(
    a_loc: float, b_loc: float, scale: float, offset: float
) -> None:
    rng = np.random.default_rng(4)
    a = rng.normal(a_loc, scale, 20_000)
    b = rng.normal(b_loc, scale, 15_000)
    binned = wasserstein_normed(numeric(a, offset=offset), numeric(b, offset=offset))
    exact = stats.wasserstein_distance(a, b) / a.std()
    assert binned == pytest.approx(exact, abs=1e-3)


def test_bucket_keys_sort_like_the_numbers() -> None:
    values = np.array([-1e300, -3.5, -1.0, -1e-300, 0.0, -0.0, 1e-300, 1.0, 1.0001, 2.0, 1e300])
    keys = bucket_keys(values)
    assert np.all(np.diff(keys[np.argsort(values, kind="stable")].astype(np.int64)) >= 0)
    low, high = bucket_bounds(keys)
    assert np.all((low <= values) & (values < high))
    assert bucket_keys([0.0])[0] == bucket_keys([-0.0])[0]


# --- summaries, missing values, the verdict ----------------------------------------------------


def test_summary_counts_nan_and_infinities_as_missing() -> None:
    summary = numeric([1.0, np.nan, np.inf, -np.inf, 3.0])
    assert (summary.rows, summary.missing, summary.infinite, summary.count) == (5, 3, 2, 2)
    assert summary.mean == 2.0 and summary.std == 1.0
    assert (summary.minimum, summary.maximum) == (1.0, 3.0)


def test_moments_merge_across_chunks() -> None:
    values = np.random.default_rng(5).normal(3, 2, 1001)
    summary = numeric(values, chunk=7)
    assert summary.mean == pytest.approx(values.mean(), rel=1e-12)
    assert summary.std == pytest.approx(values.std(), rel=1e-12)


def test_missing_rate_change_and_all_null_columns() -> None:
    ref = numeric([1.0, 2.0, np.nan, 4.0] * 5)  # 25% missing
    cur = numeric([np.nan] * 10)  # 100% missing
    row = compare_column("x", "numeric", ref, cur, small=True, policy=POLICY)
    assert row.status == DRIFT and row.triggers == ("missing_rate_change",)
    assert (row.reference_missing_rate, row.current_missing_rate) == (0.25, 1.0)
    assert row.statistics[-1].value == 0.75
    assert row.notes == ("every value is missing in the current file: distributions not compared",)
    both = compare_column(
        "y", "numeric", numeric([np.nan] * 3), numeric([np.nan] * 2), small=True, policy=POLICY
    )
    assert both.status == OK and [s.test for s in both.statistics] == ["missing_rate_change"]


def test_report_share_verdict_and_missing_column() -> None:
    same = categories({"a": 5, "b": 5})
    columns = [
        ("a", "categorical", same, categories({"a": 5, "b": 5}), ()),
        ("b", "categorical", same, categories({"a": 10}), ()),
        ("c", "categorical", same, None, ()),
        ("d", "categorical", same, categories({"a": 5, "b": 5}), ()),
    ]
    report = build_report(
        reference="r.csv",
        current="c.csv",
        reference_rows=10,
        current_rows=10,
        columns=columns,
        extra_columns=("e",),
        policy=POLICY,
    )
    assert [c.status for c in report.columns] == [OK, DRIFT, MISSING, OK]
    assert (report.drifted_columns, report.compared_columns, report.share_drifted) == (2, 4, 0.5)
    assert report.dataset_drift and not report.ok  # 0.5 >= drift_share 0.5
    relaxed = build_report(
        reference="r.csv",
        current="c.csv",
        reference_rows=10,
        current_rows=10,
        columns=columns,
        policy=DriftPolicy(drift_share=0.75),
    )
    assert not relaxed.dataset_drift and relaxed.ok


def test_an_absent_target_is_not_compared_but_other_absent_columns_drift() -> None:
    """An unlabelled batch: the target is left out of the share; any other absent column counts."""
    same = categories({"a": 5, "b": 5})
    columns = [
        ("a", "categorical", same, categories({"a": 10}), ()),
        ("label", "categorical", same, None, ()),
        ("c", "categorical", same, categories({"a": 5, "b": 5}), ()),
        ("d", "categorical", same, categories({"a": 5, "b": 5}), ()),
    ]
    common = {"reference": "r.csv", "current": "c.csv", "reference_rows": 10, "current_rows": 10}
    report = build_report(**common, columns=columns, policy=POLICY, target="label")
    assert [c.column for c in report.columns] == ["a", "c", "d"]
    assert (report.drifted_columns, report.compared_columns) == (1, 3)
    assert report.unlabelled_target == "label" and report.ok  # 1 of 3 < 0.5
    untargeted = build_report(**common, columns=columns, policy=POLICY)
    assert untargeted.unlabelled_target is None and untargeted.columns[1].status == MISSING
    assert (untargeted.drifted_columns, untargeted.compared_columns) == (2, 4)
    other = build_report(**common, columns=columns, policy=POLICY, target="a")  # present: compared
    assert other.unlabelled_target is None and other.columns[1].status == MISSING
    assert [c.status for c in other.columns] == [DRIFT, MISSING, OK, OK]


def test_prediction_drift_alone_fails_the_report() -> None:
    report = build_report(
        reference="r.csv",
        current="c.csv",
        reference_rows=10,
        current_rows=10,
        columns=[("a", "categorical", categories({"a": 10}), categories({"a": 10}), ())],
        predictions=(categories({"x": 5, "y": 5}), categories({"x": 9, "y": 1})),
        model="m.skops",
        policy=POLICY,
    )
    assert not report.dataset_drift
    assert report.prediction is not None and report.prediction.status == DRIFT
    assert not report.ok
    assert "x 50.0% -> 90.0%" in report.prediction.notes[0]


def test_policy_takes_a_params_section() -> None:
    section = {"psi_bins": 10, "psi_warning": 0.1, "psi_drift": 0.25, "drift_share": 1}
    assert DriftPolicy(**section).drift_share == 1  # YAML's 1 is a valid float threshold


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("psi_bins", 1, "'psi_bins' parameter of DriftPolicy must be an int in [2, 1000]. Got 1"),
        ("psi_bins", 2.0, "'psi_bins' parameter of DriftPolicy must be an int"),
        ("psi_drift", 0.05, "'psi_drift' parameter of DriftPolicy must be a float in [0.1, inf)"),
        ("p_value", 1.0, "must be a float in (0, 1). Got 1.0 instead."),
        ("drift_share", math.nan, "'drift_share'"),
        pytest.param(
            "p_value",
            10**400,
            "'p_value' parameter of DriftPolicy must be a float in (0, 1)",
            id="p_value-int-too-large-for-a-float",
        ),
        ("small_sample_rows", True, "'small_sample_rows'"),
    ],
)
def test_policy_rejects_bad_values(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        DriftPolicy(**{field: value})  # type: ignore[arg-type]
