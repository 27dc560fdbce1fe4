"""The release and promotion gates: metric thresholds (fail closed) and the stage order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from cli.core.metric_names import BASELINE, LOWER, direction
from cli.core.numbers import finite_float, shown_number
from cli.core.registry.state import ModelState


class MetricGate(NamedTuple):
    """MLflow-style validation threshold for one metric."""

    metric: str
    higher_is_better: bool | None = None  # None: the metric's own direction (report.metrics)
    threshold: float | None = None  # absolute bound the new value must reach
    min_absolute_change: float | None = None  # vs the latest release, in the better direction
    min_relative_change: float | None = None  # fraction of the latest release's value
    beats_baseline: bool = False  # better than metrics.json's ``baseline`` (a dummy model)

    @property
    def higher(self) -> bool:
        """Whether a higher value is better: as the gate says, else as the metric's direction."""
        if self.higher_is_better is not None:
            return self.higher_is_better
        return direction(self.metric) != LOWER


class GateResult(NamedTuple):
    """One gate, passed or not, with what it compared."""

    gate: str
    ok: bool
    detail: str


def _unusable(metrics: Mapping[str, Any], metric: str) -> str | None:
    """Why ``metrics[metric]`` cannot be gated (missing, not a number, not finite); else None."""
    if metric not in metrics:
        return f"{metric} is missing from the metrics"
    value = metrics[metric]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{metric} is not a number: {value!r}"
    if finite_float(value) is None:
        return f"{metric} is not finite: {shown_number(value)}"
    return None


def check_metric_gates(
    gates: Sequence[MetricGate],
    metrics: Mapping[str, Any],
    baseline: Mapping[str, float] | None,
    *,
    baseline_label: str = "the latest release",
) -> list[GateResult]:
    """Evaluate every gate; a change gate passes trivially when there is no baseline.

    Fails closed: a gated metric that is missing, not a number (a string,
    null, a boolean) or not finite (NaN, an infinity) fails its gate, named
    with the value received; so does a baseline value that is not finite.
    """
    results: list[GateResult] = []
    for gate in gates:
        name = f"metric {gate.metric}"
        problem = _unusable(metrics, gate.metric)
        if problem is not None:
            results.append(GateResult(name, False, problem))
            continue
        value = float(metrics[gate.metric])
        sign = 1 if gate.higher else -1
        better = "higher" if gate.higher else "lower"
        if gate.beats_baseline:
            results.append(_beats_baseline(gate, value, metrics.get(BASELINE)))
        if gate.threshold is not None:
            ok = sign * (value - gate.threshold) >= 0
            relation = ">=" if gate.higher else "<="
            results.append(
                GateResult(f"{name} threshold", ok, f"{value:g} {relation} {gate.threshold:g}")
            )
        old = (baseline or {}).get(gate.metric)
        if old is None:
            continue
        if _unusable(baseline or {}, gate.metric) is not None:
            shown = shown_number(old) if isinstance(old, int | float) else repr(old)
            results.append(
                GateResult(f"{name} change", False, f"{baseline_label}'s {gate.metric} is {shown}")
            )
            continue
        old = float(old)
        change = sign * (value - old)  # positive = better
        if gate.min_absolute_change is not None:
            ok = change >= gate.min_absolute_change
            results.append(
                GateResult(
                    f"{name} change",
                    ok,
                    f"{old:g} -> {value:g} vs {baseline_label}: {change:+g} ({better} is better),"
                    f" needs >= {gate.min_absolute_change:+g}",
                )
            )
        if gate.min_relative_change is not None:
            results.append(
                _relative_change(gate, gate.min_relative_change, old, value, baseline_label)
            )
    return results


def _beats_baseline(gate: MetricGate, value: float, baseline: Any) -> GateResult:
    """The model must be strictly better than its baseline; fails closed without one.

    ``baseline`` is metrics.json's ``baseline`` object: when it is missing, not an
    object, or its value for the metric is missing, not a number or not finite, the
    gate fails with that reason, never passes.
    """
    name = f"metric {gate.metric} beats baseline"
    if not isinstance(baseline, Mapping):
        return GateResult(name, False, f"no baseline in the metrics: '{BASELINE}' is missing")
    problem = _unusable(baseline, gate.metric)
    if problem is not None:
        return GateResult(name, False, f"baseline's {problem}")
    old = float(baseline[gate.metric])
    ok = (value > old) if gate.higher else (value < old)
    relation = ">" if gate.higher else "<"
    return GateResult(name, ok, f"{value:g} vs baseline {old:g}, needs {relation} {old:g}")


def _relative_change(
    gate: MetricGate, minimum: float, old: float, value: float, baseline_label: str
) -> GateResult:
    """The relative-change gate; from a baseline of 0 the absolute change must not be worse.

    A relative change from 0 is undefined, so that case compares the absolute
    change with 0 in the better direction and says so: the gate always gives a
    result, and a regression from 0 fails it.
    """
    name = f"metric {gate.metric} relative change"
    sign = 1 if gate.higher else -1
    better = "higher" if gate.higher else "lower"
    change = sign * (value - old)  # positive = better
    if old == 0:
        return GateResult(
            name,
            change >= 0,
            f"{old:g} -> {value:g} vs {baseline_label}: a relative change from 0 is undefined;"
            f" absolute change {change:+g} ({better} is better), needs >= +0",
        )
    relative = change / abs(old)
    return GateResult(
        name,
        relative >= minimum,
        f"{relative:+.2%} vs {baseline_label}, needs >= {minimum:+.2%}",
    )


def check_promotion_order(
    state: ModelState, version: str, stage: str, order: Sequence[str]
) -> GateResult:
    """A version may enter a stage only after it has been in the stage before it."""
    if stage not in order:
        return GateResult(
            "stage order", False, f"unknown stage '{stage}'; stages are: {' -> '.join(order)}"
        )
    position = order.index(stage)
    if position == 0:
        return GateResult("stage order", True, f"'{stage}' is the first stage")
    previous = order[position - 1]
    if version in state.history.get(previous, ()):
        return GateResult("stage order", True, f"{version} has been in '{previous}'")
    return GateResult(
        "stage order",
        False,
        f"{version} has never been in '{previous}', which comes before '{stage}'",
    )
