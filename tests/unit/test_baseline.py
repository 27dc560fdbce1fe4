"""The baseline beside the model: the beats-baseline release gate and the PR report."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cli import paths
from cli.core.params_check import check_params_document
from cli.core.registry import MetricGate, check_metric_gates
from cli.core.report import RegressionPolicy, Snapshot, compare, direction, metric_diffs
from cli.render import render
from cli.results.report import Side
from tests.test_markdown import assert_tables_render

BEATS = MetricGate("balanced_accuracy", beats_baseline=True)
MODEL = {"accuracy": 0.95, "balanced_accuracy": 0.9, "log_loss": 0.2, "n": 86}


def gate(gates: list[MetricGate], metrics: dict[str, Any]) -> list[tuple[str, bool, str]]:
    return [(r.gate, r.ok, r.detail) for r in check_metric_gates(gates, metrics, None)]


def test_a_model_that_beats_its_baseline_passes() -> None:
    metrics = {**MODEL, "baseline": {"balanced_accuracy": 0.333333}}
    assert gate([BEATS], metrics) == [
        (
            "metric balanced_accuracy beats baseline",
            True,
            "0.9 vs baseline 0.333333, needs > 0.333333",
        )
    ]


def test_a_model_that_does_not_beat_its_baseline_fails() -> None:
    metrics = {**MODEL, "baseline": {"balanced_accuracy": 0.9}}
    assert gate([BEATS], metrics) == [
        ("metric balanced_accuracy beats baseline", False, "0.9 vs baseline 0.9, needs > 0.9")
    ]


@pytest.mark.parametrize(
    ("baseline", "detail"),
    [
        (None, "no baseline in the metrics: 'baseline' is missing"),
        ([0.3], "no baseline in the metrics: 'baseline' is missing"),
        ({}, "baseline's balanced_accuracy is missing from the metrics"),
        ({"balanced_accuracy": None}, "baseline's balanced_accuracy is not a number: None"),
        ({"balanced_accuracy": float("nan")}, "baseline's balanced_accuracy is not finite: nan"),
        ({"balanced_accuracy": float("-inf")}, "baseline's balanced_accuracy is not finite: -inf"),
    ],
)
def test_a_missing_or_unusable_baseline_fails_closed(baseline: Any, detail: str) -> None:
    metrics = dict(MODEL) if baseline is None else {**MODEL, "baseline": baseline}
    ((name, ok, got),) = gate([BEATS], metrics)
    assert (name, ok, got) == ("metric balanced_accuracy beats baseline", False, detail)


def test_lower_is_better_metrics_beat_the_baseline_by_being_lower() -> None:
    metrics = {"rmse": 50.0, "mae": 40.0, "r2": 0.4, "baseline": {"rmse": 70.0, "r2": 0.0}}
    results = gate(
        [MetricGate("rmse", beats_baseline=True), MetricGate("r2", beats_baseline=True)], metrics
    )
    assert results == [
        ("metric rmse beats baseline", True, "50 vs baseline 70, needs < 70"),
        ("metric r2 beats baseline", True, "0.4 vs baseline 0, needs > 0"),
    ]
    assert [direction(k) for k in ("rmse", "mae", "r2", "log_loss")] == [
        "lower",
        "lower",
        "higher",
        "lower",
    ]


def test_the_gate_shape_is_validated_by_the_params_schema(params_doc: dict[str, Any]) -> None:
    schema = json.loads(paths.PARAMS_SCHEMA.read_text())
    assert {"metric": "balanced_accuracy", "beats_baseline": True} in params_doc["release"]["gates"]
    params_doc["release"]["gates"][-1]["beats_baseline"] = "yes"
    (problem,) = check_params_document(params_doc, schema)
    assert problem.key.endswith(".beats_baseline") and problem.allowed == "boolean"


BASE = {**MODEL, "balanced_accuracy": 0.88, "baseline": {"balanced_accuracy": 0.33}}
HEAD = {
    **MODEL,
    "per_class": {"A|b": {"recall": 0.9}},
    "baseline": {"accuracy": 0.45, "balanced_accuracy": 0.333333, "log_loss": 1.05, "n": 86},
}


def test_baseline_keys_are_not_metric_rows_but_stand_beside_them() -> None:
    diffs = {d.key: d for d in metric_diffs("metrics/metrics.json", BASE, HEAD)}
    assert not [k for k in diffs if k.startswith("baseline")]
    assert diffs["balanced_accuracy"].baseline == 0.333333
    assert diffs["log_loss"].baseline == 1.05
    assert diffs["per_class.A|b.recall"].baseline is None


def report_of(base: dict[str, Any], head: dict[str, Any]) -> Any:
    side = Side(rev=None, commit=None)
    return compare(
        Snapshot(side=Side(rev="main", commit="0" * 40), metrics={"metrics/metrics.json": base}),
        Snapshot(side=side, metrics={"metrics/metrics.json": head}),
        policy=RegressionPolicy(),
        gated_path="metrics/metrics.json",
    )


def test_markdown_report_shows_a_baseline_column_gfm_parsed() -> None:
    text = render(report_of(BASE, HEAD), "markdown")
    assert assert_tables_render(text) >= 1
    assert "| metric | base | head | change | | baseline (head) |" in text
    assert "| `balanced_accuracy` | 0.8800 | 0.9000 | +0.0200 ↑ | ✅ better | 0.3333 |" in text
    assert "`baseline." not in text


def test_text_report_shows_the_baseline_beside_each_headline_metric() -> None:
    text = render(report_of(BASE, HEAD), "text")
    line = next(x for x in text.splitlines() if x.strip().startswith("balanced_accuracy"))
    assert line.endswith("(baseline 0.3333)")
    assert "baseline.balanced_accuracy" not in text


def test_a_report_without_a_baseline_has_no_baseline_column() -> None:
    plain = {k: v for k, v in HEAD.items() if k != "baseline"}
    text = render(report_of(MODEL, plain), "markdown")
    assert "baseline" not in text
