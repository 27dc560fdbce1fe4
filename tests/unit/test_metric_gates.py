"""The release and promotion metric gates fail closed on unusable metric values."""

from __future__ import annotations

from typing import Any

import pytest

from cli.core.registry import MetricGate, check_metric_gates

GATES = [MetricGate("accuracy", threshold=0.8, min_absolute_change=-0.01)]


def test_a_good_value_passes_both_gates() -> None:
    results = check_metric_gates(GATES, {"accuracy": 0.9}, {"accuracy": 0.89})
    assert [(r.gate, r.ok) for r in results] == [
        ("metric accuracy threshold", True),
        ("metric accuracy change", True),
    ]


@pytest.mark.parametrize(
    ("metrics", "detail"),
    [
        ({}, "accuracy is missing from the metrics"),
        ({"accuracy": "0.9"}, "accuracy is not a number: '0.9'"),
        ({"accuracy": None}, "accuracy is not a number: None"),
        ({"accuracy": True}, "accuracy is not a number: True"),
        ({"accuracy": [0.9]}, "accuracy is not a number: [0.9]"),
        ({"accuracy": float("nan")}, "accuracy is not finite: nan"),
        ({"accuracy": float("inf")}, "accuracy is not finite: inf"),
        ({"accuracy": float("-inf")}, "accuracy is not finite: -inf"),
        (
            {"accuracy": 10**400},
            "accuracy is not finite: about 10^400 (an integer too large for a float)",
        ),
        (
            {"accuracy": -(10**400)},
            "accuracy is not finite: about -10^400 (an integer too large for a float)",
        ),
    ],
)
def test_an_unusable_value_fails_its_gate_by_name(metrics: dict[str, Any], detail: str) -> None:
    for gate in (MetricGate("accuracy", threshold=0.8), MetricGate("accuracy")):
        (result,) = check_metric_gates([gate], metrics, {"accuracy": 0.9})
        assert (result.gate, result.ok, result.detail) == ("metric accuracy", False, detail)


@pytest.mark.parametrize("old", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_baseline_fails_the_change_gate(old: float) -> None:
    gates = [MetricGate("accuracy", min_absolute_change=-0.01, min_relative_change=-1.0)]
    (result,) = check_metric_gates(gates, {"accuracy": 0.9}, {"accuracy": old}, baseline_label="v1")
    assert (result.gate, result.ok) == ("metric accuracy change", False)
    assert result.detail == f"v1's accuracy is {old!r}"


def test_a_baseline_too_large_for_a_float_fails_the_change_gate() -> None:
    gates = [MetricGate("accuracy", min_absolute_change=-0.01)]
    (result,) = check_metric_gates(
        gates, {"accuracy": 0.9}, {"accuracy": 10**400}, baseline_label="v1"
    )
    assert (result.gate, result.ok) == ("metric accuracy change", False)
    assert result.detail == "v1's accuracy is about 10^400 (an integer too large for a float)"


@pytest.mark.parametrize(
    ("higher_is_better", "new", "ok"),
    [(False, 5.0, False), (False, 0.0, True), (True, 0.5, True), (True, -0.5, False)],
)
def test_a_relative_change_gate_from_a_zero_baseline_compares_the_absolute_change(
    higher_is_better: bool, new: float, ok: bool
) -> None:
    gate = MetricGate("log_loss", higher_is_better=higher_is_better, min_relative_change=0.0)
    (result,) = check_metric_gates(
        [gate], {"log_loss": new}, {"log_loss": 0.0}, baseline_label="v1"
    )
    assert (result.gate, result.ok) == ("metric log_loss relative change", ok)
    assert "a relative change from 0 is undefined" in result.detail


def test_no_baseline_passes_the_change_gate_trivially() -> None:
    assert (
        check_metric_gates(
            [MetricGate("accuracy", min_absolute_change=0.1)], {"accuracy": 0.9}, None
        )
        == []
    )
