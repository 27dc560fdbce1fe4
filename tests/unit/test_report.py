"""The pure diff logic of ``mlvc report``: directions, statuses, tolerances, plots, summaries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.core.report import (
    LockedOutput,
    RegressionPolicy,
    card_summary,
    confusion_diff,
    curve_diffs,
    data_diffs,
    direction,
    flatten,
    grid,
    metric_diffs,
    param_diffs,
    resample,
    schema_summary,
)
from cli.results.report import (
    BETTER,
    CHANGED,
    INVALID,
    NEW,
    REMOVED,
    SAME,
    WORSE,
    MetricReport,
    Side,
)

ROOT = Path(__file__).resolve().parents[2]


def by_key(diffs: list) -> dict:
    return {d.key: d for d in diffs}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("accuracy", "higher"),
        ("log_loss", "lower"),
        ("per_class.Adelie.recall", "higher"),
        ("island.Biscoe.log_loss", "lower"),
        ("n", None),
        ("per_class.Gentoo.support", None),
    ],
)
def test_direction(key: str, expected: str | None) -> None:
    assert direction(key) == expected


def test_statuses_follow_each_metrics_direction() -> None:
    base = {"accuracy": 0.9, "log_loss": 0.2, "f1_macro": 0.8, "n": 80, "gone": 1.0, "auc": None}
    head = {"accuracy": 0.95, "log_loss": 0.3, "f1_macro": 0.8, "n": 86, "fresh": 0.5, "auc": 0.7}
    diffs = by_key(metric_diffs("m.json", base, head))
    assert diffs["accuracy"].status == BETTER and diffs["accuracy"].arrow == "↑"
    assert diffs["accuracy"].change == pytest.approx(0.05)
    assert diffs["log_loss"].status == WORSE and diffs["log_loss"].arrow == "↑"
    assert diffs["f1_macro"].status == SAME and diffs["f1_macro"].arrow == "="
    assert diffs["n"].status == CHANGED and diffs["n"].direction is None
    assert diffs["gone"].status == REMOVED and diffs["gone"].head is None
    assert diffs["fresh"].status == NEW and diffs["fresh"].base is None
    assert diffs["auc"].status == CHANGED and diffs["auc"].change is None
    lower = by_key(metric_diffs("m.json", {"log_loss": 0.3}, {"log_loss": 0.1}))["log_loss"]
    assert lower.status == BETTER and lower.arrow == "↓"


def test_nested_keys_are_dotted_and_booleans_are_not_metrics() -> None:
    base = {"island": {"Biscoe": {"accuracy": 1.0, "small": False}}}
    head = {"island": {"Biscoe": {"accuracy": 0.9, "small": True}}}
    diffs = metric_diffs("slices.json", base, head)
    assert [(d.key, d.status) for d in diffs] == [("island.Biscoe.accuracy", WORSE)]


def test_a_missing_base_makes_everything_new_and_nothing_a_regression() -> None:
    policy = RegressionPolicy(tolerances={"accuracy": 0.01, "log_loss": 0.05})
    diffs = metric_diffs("m.json", None, {"accuracy": 0.5, "log_loss": 3.0}, policy)
    assert {d.status for d in diffs} == {NEW}
    assert not any(d.failed for d in diffs)


GATED = RegressionPolicy(tolerances={"accuracy": 0.01, "log_loss": 0.05})
GOOD = {"accuracy": 0.9, "log_loss": 0.2}


@pytest.mark.parametrize(
    ("head", "key", "why"),
    [
        ({}, "accuracy", "missing at head"),
        ([], "accuracy", "missing at head (the metrics file is list, not an object)"),
        ({"log_loss": 0.2, "accuracy": "0.9"}, "accuracy", 'not a number at head: "0.9"'),
        ({"log_loss": 0.2, "accuracy": None}, "accuracy", "not a number at head: null"),
        ({"log_loss": 0.2, "accuracy": True}, "accuracy", "not a number at head: true"),
        ({"log_loss": 0.2, "accuracy": {"x": 1}}, "accuracy", "missing at head"),
        (
            {"accuracy": float("nan"), "log_loss": float("nan")},
            "accuracy",
            "not finite at head: nan",
        ),
        ({"accuracy": 0.9, "log_loss": float("inf")}, "log_loss", "not finite at head: inf"),
        ({"accuracy": 0.9, "log_loss": float("-inf")}, "log_loss", "not finite at head: -inf"),
        (
            {"accuracy": 10**400, "log_loss": 0.2},
            "accuracy",
            "not finite at head: about 10^400 (an integer too large for a float)",
        ),
    ],
)
def test_a_gated_metric_unusable_at_head_fails_the_gate(head: object, key: str, why: str) -> None:
    diffs = by_key(metric_diffs("m.json", GOOD, head, GATED))
    assert diffs[key].status == INVALID
    assert diffs[key].problem == why
    assert diffs[key].failed and not diffs[key].regression
    assert diffs[key].base == GOOD[key] and diffs[key].head is None


@pytest.mark.parametrize(
    "base", [None, {}, {"accuracy": "n/a"}, {"accuracy": float("nan")}, {"accuracy": 10**400}]
)
def test_a_base_without_a_usable_metric_is_never_a_failure(base: object) -> None:
    diffs = metric_diffs("m.json", base, GOOD, GATED)
    assert not any(d.failed for d in diffs)
    assert by_key(diffs)["log_loss"].status in {NEW, CHANGED}


def test_an_invalid_gated_metric_makes_the_report_fail() -> None:
    side = Side(rev="HEAD", commit="c" * 40)
    diffs = metric_diffs("m.json", GOOD, {"accuracy": 0.95, "log_loss": float("nan")}, GATED)
    report = MetricReport(
        base=side,
        head=side,
        metrics_file="m.json",
        metrics=tuple(diffs),
        params=(),
        data=(),
        data_unchanged=0,
        schema=None,
        confusion=None,
        curves=(),
        policy=GATED,
    )
    assert not report.ok
    assert [m.key for m in report.invalid] == ["log_loss"] and not report.regressions


@pytest.mark.parametrize(
    ("base", "head", "regression"),
    [
        (0.90, 0.89, False),  # exactly the tolerance: allowed
        (0.90, 0.8899, True),
        (0.30, 0.29, False),  # better
        (0.1 + 0.2, 0.29, False),  # float noise does not count
    ],
)
def test_tolerance_is_an_absolute_amount_in_the_worse_direction(
    base: float, head: float, regression: bool
) -> None:
    policy = RegressionPolicy(tolerances={"accuracy": 0.01})
    (diff,) = metric_diffs("m.json", {"accuracy": base}, {"accuracy": head}, policy)
    assert diff.regression is regression
    assert diff.tolerance == 0.01


def test_lower_is_better_regressions_and_ungated_metrics() -> None:
    policy = RegressionPolicy(tolerances={"log_loss": 0.05})
    diffs = by_key(
        metric_diffs(
            "m.json",
            {"log_loss": 0.10, "accuracy": 0.9},
            {"log_loss": 0.2, "accuracy": 0.1},
            policy,
        )
    )
    assert diffs["log_loss"].regression
    assert diffs["accuracy"].status == WORSE and not diffs["accuracy"].regression
    assert diffs["accuracy"].tolerance is None


def test_policy_defaults_and_immutability() -> None:
    policy = RegressionPolicy()
    assert policy.tolerance("accuracy") == 0.01 and policy.tolerance("log_loss") == 0.05
    assert policy.tolerance("n") is None
    assert isinstance(policy.tolerances, tuple)
    assert hash(policy) == hash(RegressionPolicy())
    with pytest.raises(AttributeError):
        policy.tolerances = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"tolerances": {"accuracy": -0.1}}, "must be a finite number >= 0, got -0.1"),
        ({"tolerances": {"accuracy": "a lot"}}, "must be a number, got 'a lot'"),
        ({"tolerances": {"accuracy": True}}, "must be a number, got True"),
        (
            {"tolerances": {"accuracy": 10**400}},
            "must be a finite number >= 0, got about 10^400 (an integer too large for a float)",
        ),
        ({"tolerances": [0.1]}, "must map metric names to numbers"),
        ({"tolerance": {}}, "unknown key(s): tolerance"),
        ([1], "must be a mapping, got list"),
    ],
)
def test_policy_from_document_rejects_bad_sections(section: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        RegressionPolicy.from_document(section)


def test_policy_from_document() -> None:
    assert RegressionPolicy.from_document(None) == RegressionPolicy()
    assert RegressionPolicy.from_document({}) == RegressionPolicy()
    policy = RegressionPolicy.from_document({"tolerances": {"f1_macro": 0, "log_loss": 0.1}})
    assert policy.tolerances == (("f1_macro", 0.0), ("log_loss", 0.1))


def test_flatten_and_param_diffs() -> None:
    assert flatten({"a": {"b": 1, "c": {}}, "d": [1, 2]}) == {"a.b": 1, "a.c": {}, "d": [1, 2]}
    base = {"train": {"seed": 1, "rf": {"max_depth": None}}, "old": 1, "same": [1, 2]}
    head = {"train": {"seed": 2, "rf": {"max_depth": 8}}, "new": "x", "same": [1, 2]}
    diffs = [(p.key, p.base, p.head, p.status) for p in param_diffs(base, head)]
    assert diffs == [
        ("new", None, "x", NEW),
        ("old", 1, None, REMOVED),
        ("train.rf.max_depth", None, 8, CHANGED),
        ("train.seed", 1, 2, CHANGED),
    ]
    assert param_diffs(None, None) == []


def test_data_diffs_list_changed_outputs_and_count_the_rest() -> None:
    def out(path: str, md5: str, stage: str = "s") -> LockedOutput:
        return LockedOutput(path=path, stage=stage, md5=md5)

    base = {"a.csv": out("a.csv", "1"), "b.csv": out("b.csv", "2"), "gone": out("gone", "3")}
    head = {"a.csv": out("a.csv", "1"), "b.csv": out("b.csv", "9"), "new.csv": out("new.csv", "4")}
    diffs, unchanged = data_diffs(base, head, {"b.csv": (10, 12), "new.csv": (None, 3)})
    assert [(d.path, d.status, d.base_rows, d.head_rows) for d in diffs] == [
        ("b.csv", CHANGED, 10, 12),
        ("gone", REMOVED, None, None),
        ("new.csv", NEW, None, 3),
    ]
    assert unchanged == 1
    assert diffs[0].is_table and not diffs[1].is_table


def test_schema_summary() -> None:
    report = {
        "data": "d.csv",
        "schema": "s.json",
        "rows": 10,
        "failing_rows": 1,
        "ok": False,
        "violations": [{"column": "x", "keyword": "enum", "count": 1}],
        "table_rules": [
            {"rule": "min_rows", "column": "", "expected": ">= 30", "found": "10", "ok": False},
            {"rule": "unique", "column": "id", "expected": "0", "found": "0", "ok": True},
        ],
    }
    summary = schema_summary(report)
    assert summary is not None and not summary.ok
    assert summary.violations == ("x: enum (1 row)",)
    assert summary.failed_rules == ("min_rows: expected >= 30, found 10",)
    assert schema_summary(None) is None


def test_confusion_matrices_share_the_union_of_labels() -> None:
    base = [("a", "a"), ("a", "b")]
    head = [("a", "a"), ("c", "c"), ("c", "a")]
    diff = confusion_diff(base, head)
    assert diff is not None
    assert diff.labels == ("a", "b", "c")
    assert diff.base == ((1, 1, 0), (0, 0, 0), (0, 0, 0))
    assert diff.head == ((1, 0, 0), (0, 0, 0), (1, 0, 1))
    assert diff.changed
    assert confusion_diff(None, None) is None
    new = confusion_diff(None, head)
    assert new is not None and new.base is None


def test_resample_on_the_pipeline_grid_keeps_the_values() -> None:
    curve = [(i / 100, round((i / 100) ** 0.5, 6)) for i in range(101)]
    values = resample(curve, grid())
    assert len(values) == 21
    assert values[0] == 0.0 and values[-1] == 1.0
    assert values[4] == round(0.2**0.5, 4)


def test_resample_interpolates_clamps_and_takes_the_upper_step() -> None:
    assert resample([(0.0, 0.0), (1.0, 1.0)], [0.25, 0.5]) == (0.25, 0.5)
    assert resample([(0.2, 0.4), (0.6, 0.8)], [0.0, 1.0]) == (0.4, 0.8)
    assert resample([(0.0, 0.0), (0.0, 0.6), (1.0, 1.0)], [0.0]) == (0.6,)
    assert resample([], [0.5]) == ()


@given(
    st.lists(
        st.tuples(st.floats(0, 1, allow_nan=False), st.floats(0, 1, allow_nan=False)),
        min_size=1,
        max_size=30,
    )
)
def test_resampled_values_stay_within_the_curve(points: list[tuple[float, float]]) -> None:
    values = resample(points, grid())
    ys = [y for _, y in points]
    assert all(min(ys) - 1e-4 <= v <= max(ys) + 1e-4 for v in values)


def test_curve_diffs_order_and_changes() -> None:
    line = [(0.0, 0.0), (1.0, 1.0)]
    bent = [(0.0, 0.5), (1.0, 1.0)]
    diffs = curve_diffs(
        {("pr", "a"): line, ("roc", "b"): line},
        {("pr", "a"): line, ("roc", "b"): bent, ("roc", "a"): line},
    )
    assert [(d.kind, d.label, d.changed) for d in diffs] == [
        ("roc", "a", True),
        ("roc", "b", True),
        ("pr", "a", False),
    ]
    assert diffs[0].base is None and diffs[0].x == "fpr" and diffs[2].y == "precision"


def test_card_summary_reads_the_golden_card() -> None:
    text = (ROOT / "tests/golden/model_card.md").read_text()
    summary = card_summary("models/README.md", text)
    assert summary.model == "penguins-classifier"
    assert summary.description.startswith("Predicts the species of a penguin")
    assert "\n" not in summary.description and "**Model:**" not in summary.description


def test_card_summary_skips_the_front_matter_after_a_byte_order_mark() -> None:
    text = "---\n# Model card: a YAML comment\nlicense: mit\n---\n# Model card: penguins\n"
    assert card_summary("README.md", "\ufeff" + text).model == "penguins"


def test_side_labels() -> None:
    assert Side(rev=None, commit=None).label == "workspace"
    assert Side(rev="origin/main", commit="0123456789abcdef").label == "origin/main (0123456)"
    assert Side(rev="0123456", commit="0123456789abcdef").label == "0123456"
