"""The pure parts of ``mlvc monitor``: staleness, non-finite outputs, live metrics and gates."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from cli.core.monitoring import check_live_metrics, live_scores, non_finite, staleness

NOW = datetime(2026, 6, 1, tzinfo=UTC)
GATES = [
    {"metric": "balanced_accuracy", "higher_is_better": True, "threshold": 0.9},
    {"metric": "log_loss", "higher_is_better": False, "threshold": 0.5},
]


def test_a_model_within_its_age_limit_is_not_stale() -> None:
    found = staleness("model", NOW - timedelta(days=10), NOW, 90)
    assert (found.stale, found.days, found.max_days) == (False, 10.0, 90)
    assert found.since == "2026-05-22T00:00:00+00:00"


def test_a_model_past_its_age_limit_is_stale() -> None:
    found = staleness("model", NOW - timedelta(days=91, hours=12), NOW, 90)
    assert found.stale and found.days == 91.5


@pytest.mark.parametrize("limit", [None])
def test_no_limit_switches_the_check_off(limit: float | None) -> None:
    assert not staleness("data", NOW - timedelta(days=10_000), NOW, limit).stale
    assert not staleness("data", None, NOW, limit).stale


def test_an_unknown_time_with_a_limit_is_stale() -> None:
    found = staleness("data", None, NOW, 180)
    assert found.stale and found.days is None and found.since is None


def test_non_finite_outputs_are_named_with_their_count_and_first_rows() -> None:
    columns = {
        "prediction": np.array(["Adelie", "Gentoo", "Adelie"], dtype=object),  # labels: skipped
        "proba_Adelie": np.array([0.5, math.nan, 0.2]),
        "proba_Gentoo": np.array([0.5, 0.5, 0.8]),
        "value": np.array([math.inf, -math.inf, *[math.nan] * 6, 1.0]),
    }
    found = {n.column: n for n in non_finite(columns)}
    assert set(found) == {"proba_Adelie", "value"}
    assert (found["proba_Adelie"].count, found["proba_Adelie"].rows) == (1, (2,))
    assert (found["value"].count, found["value"].rows) == (8, (1, 2, 3, 4, 5))


def test_finite_outputs_are_no_finding() -> None:
    assert non_finite({"prediction": np.array([1.0, 2.0]), "proba_a": np.array([0.0, 1.0])}) == []


def test_a_live_metric_below_its_gate_fails() -> None:
    live = {"balanced_accuracy": 0.8, "log_loss": 0.2, "n": 40}
    result = check_live_metrics(GATES, live, {"balanced_accuracy": 0.97}, rows=50, matched=40)
    failed = [c for c in result.checks if not c.ok]
    assert [c.gate for c in failed] == ["metric balanced_accuracy threshold"]
    assert failed[0].detail == "0.8 >= 0.9"
    assert not result.ok and (result.rows, result.matched) == (50, 40)
    assert result.recorded == {"balanced_accuracy": 0.97}


def test_live_metrics_within_their_gates_pass() -> None:
    live = {"balanced_accuracy": 0.95, "log_loss": 0.2}
    assert check_live_metrics(GATES, live, {}, rows=10, matched=10).ok


def test_a_change_gate_compares_with_the_release_s_recorded_value() -> None:
    gates = [{"metric": "balanced_accuracy", "threshold": 0.5, "min_absolute_change": -0.02}]
    result = check_live_metrics(
        gates, {"balanced_accuracy": 0.9}, {"balanced_accuracy": 0.97}, rows=5, matched=5
    )
    change = [c for c in result.checks if c.gate.endswith("change")]
    assert len(change) == 1 and not change[0].ok
    assert "the release's recorded metrics" in change[0].detail


@pytest.mark.parametrize("value", [None, math.nan, "0.9"])
def test_a_live_metric_that_cannot_be_computed_fails_closed(value: object) -> None:
    live = {"balanced_accuracy": value, "log_loss": 0.1}
    result = check_live_metrics(GATES, live, {}, rows=3, matched=3)
    assert not result.ok


def test_a_gated_metric_missing_from_the_live_ones_fails() -> None:
    result = check_live_metrics(GATES, {"log_loss": 0.1}, {}, rows=3, matched=3)
    assert [c.detail for c in result.checks if not c.ok] == [
        "balanced_accuracy is missing from the metrics"
    ]


def test_regression_live_scores_are_rmse_mae_r2() -> None:
    scores = live_scores(
        "regression",
        [1.0, 2.0, 3.0, 4.0],
        predicted=np.array([1.0, 2.0, 3.0, 6.0]),
        proba=None,
        classes=(),
    )
    assert scores["n"] == 4 and scores["rmse"] == 1.0 and scores["mae"] == 0.5
    assert scores["r2"] == pytest.approx(1 - 4 / 5)


def test_classification_live_scores_are_the_evaluate_metrics() -> None:
    proba = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    scores = live_scores(
        "classification", ["a", "b", "b", "c"], predicted=np.array([]), proba=proba,
        classes=("a", "b", "c"),
    )  # fmt: skip
    assert scores["accuracy"] == 0.75 and scores["n"] == 4
    assert "per_class" not in scores and scores["log_loss"] is not None


def test_the_live_baseline_is_the_training_prior_dummy_on_the_labelled_rows() -> None:
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.1, 0.9]])
    scores = live_scores(
        "classification", [0, 1, 0, 1], predicted=np.array([]), proba=proba,
        classes=("0", "1"), train_truth=[0, 0, 0, 1],
    )  # fmt: skip
    # the prior dummy always predicts the training majority ("0"): balanced accuracy 0.5
    assert scores["baseline"]["balanced_accuracy"] == 0.5
    gates = [{"metric": "balanced_accuracy", "beats_baseline": True}]
    passed = check_live_metrics(gates, scores, {}, rows=4, matched=4)
    assert passed.ok
    worse = live_scores(
        "classification", [0, 1, 0, 1], predicted=np.array([]), proba=proba[:, ::-1].copy(),
        classes=("0", "1"), train_truth=[0, 0, 0, 1],
    )  # fmt: skip
    assert not check_live_metrics(gates, worse, {}, rows=4, matched=4).ok


def test_a_regression_baseline_predicts_the_training_mean() -> None:
    scores = live_scores(
        "regression", [1.0, 3.0], predicted=np.array([1.0, 3.0]), proba=None, classes=(),
        train_truth=[2.0, 2.0, 2.0],
    )  # fmt: skip
    assert scores["baseline"]["rmse"] == 1.0 and scores["rmse"] == 0.0
    no_train = live_scores(
        "regression", [1.0, 3.0], predicted=np.array([1.0, 3.0]), proba=None, classes=()
    )
    assert "baseline" not in no_train
    gate = [{"metric": "rmse", "beats_baseline": True}]
    assert not check_live_metrics(gate, no_train, {}, rows=2, matched=2).ok  # fails closed
