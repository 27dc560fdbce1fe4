"""Metric diffs: each metric's direction, the regression policy, and its gate (fail closed)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cli.core.metric_names import (
    BASELINE,
    HIGHER,
    direction,
)
from cli.core.numbers import finite_float, shown_number
from cli.results.report import (
    BETTER,
    CHANGED,
    INVALID,
    NEW,
    REMOVED,
    SAME,
    WORSE,
    MetricDiff,
)

_EPSILON = 1e-9  # float noise allowed when comparing a change with its tolerance

DEFAULT_TOLERANCES: Mapping[str, float] = {
    "accuracy": 0.01,
    "balanced_accuracy": 0.01,
    "f1_macro": 0.01,
    "roc_auc_ovr": 0.01,
    "log_loss": 0.05,
}


@dataclass(frozen=True)
class RegressionPolicy:
    """How much worse each metric of ``metrics/metrics.json`` may get before it is a regression.

    ``tolerances`` maps a metric key (dotted for nested keys, e.g.
    ``per_class.Adelie.recall``) to the largest allowed change in the worse
    direction, as an absolute amount. Metrics not listed are reported but never
    fail. Accepts any mapping; stored as sorted pairs so the policy is immutable.
    """

    tolerances: tuple[tuple[str, float], ...] | Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_TOLERANCES)
    )

    def __post_init__(self) -> None:
        items = self.tolerances.items() if isinstance(self.tolerances, Mapping) else self.tolerances
        pairs = []
        for key, value in items:
            if not isinstance(key, str) or not key:
                raise ValueError(f"tolerance keys must be metric names, got {key!r}")
            problem = _tolerance_problem(value)
            if problem is not None:
                raise ValueError(f"tolerance of '{key}' {problem}")
            pairs.append((key, float(value)))
        object.__setattr__(self, "tolerances", tuple(sorted(pairs)))

    def tolerance(self, key: str) -> float | None:
        """The tolerance of ``key``, or None when the metric is not gated."""
        return dict(self.tolerances).get(key)

    @classmethod
    def from_document(cls, section: Any) -> RegressionPolicy:
        """The policy in params.yaml's ``report:`` section: ``{tolerances: {metric: amount}}``."""
        if section is None:
            return cls()
        if not isinstance(section, Mapping):
            raise ValueError(f"'report' must be a mapping, got {type(section).__name__}")
        unknown = sorted(set(section) - {"tolerances"})
        if unknown:
            raise ValueError(f"'report' has unknown key(s): {', '.join(map(str, unknown))}")
        tolerances = section.get("tolerances", DEFAULT_TOLERANCES)
        if not isinstance(tolerances, Mapping):
            raise ValueError("'report.tolerances' must map metric names to numbers")
        for key, value in tolerances.items():
            problem = _tolerance_problem(value)
            if problem is not None:
                raise ValueError(f"'report.tolerances.{key}' {problem}")
        return cls(tolerances=tolerances)


def _tolerance_problem(value: Any) -> str | None:
    """Why ``value`` is not a tolerance (a finite number >= 0; NaN and infinities are not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number, got {value!r}"
    if finite_float(value) is None or value < 0:
        return f"must be a finite number >= 0, got {shown_number(value)}"
    return None


def flatten(document: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings as one level with dotted keys; lists and scalars are leaves."""
    if not isinstance(document, Mapping):
        return {prefix: document} if prefix else {}
    flat: dict[str, Any] = {}
    for key, value in document.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, name))
        else:
            flat[name] = value
    return flat


def _is_metric(value: Any) -> bool:
    """Numbers and nulls are metrics; booleans and strings (e.g. ``small``) are not."""
    return value is None or finite_float(value) is not None


def head_problem(head: Any, key: str) -> str | None:
    """Why the head value of a gated ``key`` cannot be compared; None when it is a finite number.

    ``head`` is the whole parsed metrics document at head: a missing key, a
    document that is not an object, a string, null, a boolean, NaN or an
    infinity are each a reason, named with the value received.
    """
    if not isinstance(head, Mapping):
        kind = "null" if head is None else type(head).__name__
        return f"missing at head (the metrics file is {kind}, not an object)"
    flat = flatten(head)
    if key not in flat:
        return "missing at head"
    value = flat[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"not a number at head: {json.dumps(value, default=str)}"
    if finite_float(value) is None:
        return f"not finite at head: {shown_number(value)}"
    return None


def _invalid(path: str, key: str, base: Any, tolerance: float, why: str) -> MetricDiff:
    return MetricDiff(
        path=path,
        key=key,
        base=finite_float(flatten(base).get(key)) if isinstance(base, Mapping) else None,
        head=None,
        change=None,
        direction=direction(key),
        status=INVALID,
        tolerance=tolerance,
        regression=False,
        problem=why,
    )


def metric_diffs(
    path: str, base: Any, head: Any, policy: RegressionPolicy | None = None
) -> list[MetricDiff]:
    """Every numeric key of one metrics file, base vs head, in the order of head then base.

    ``base`` or ``head`` is None when the file does not exist on that side: its
    keys are then all "new" (or "removed"). ``policy`` gates keys of this file:
    a gated key whose head value is missing, not a number or not finite is
    "invalid" (a failure, with the reason), whatever the base holds.
    """
    gated = dict(policy.tolerances) if policy is not None else {}
    problems = {key: why for key in gated if (why := head_problem(head, key)) is not None}
    base_flat = {k: v for k, v in flatten(base or {}).items() if _is_metric(v) and _own(k)}
    head_flat = {k: v for k, v in flatten(head or {}).items() if _is_metric(v) and _own(k)}
    baseline = baseline_values(head)
    keys = list(dict.fromkeys([*head_flat, *base_flat, *problems]))
    diffs = []
    for key in keys:
        if key in problems:
            diffs.append(_invalid(path, key, base, gated[key], problems[key]))
            continue
        b, h = finite_float(base_flat.get(key)), finite_float(head_flat.get(key))
        way = direction(key)
        change = h - b if b is not None and h is not None else None
        if key not in base_flat:
            status = NEW
        elif key not in head_flat:
            status = REMOVED
        elif b == h:
            status = SAME
        elif change is None or way is None:
            status = CHANGED
        else:
            status = BETTER if (change > 0) == (way == HIGHER) else WORSE
        tolerance = policy.tolerance(key) if policy is not None else None
        regression = (
            status == WORSE
            and tolerance is not None
            and change is not None
            and abs(change) > tolerance + _EPSILON
        )
        diffs.append(
            MetricDiff(
                path,
                key,
                b,
                h,
                change,
                way,
                status,
                tolerance,
                bool(regression),
                baseline=baseline.get(key),
            )
        )
    return diffs


def _own(key: str) -> bool:
    """A key of the model itself, not of its baseline (shown beside it, never as a row)."""
    return key.split(".", 1)[0] != BASELINE


def baseline_values(document: Any) -> dict[str, float]:
    """The finite numbers of a metrics document's ``baseline`` object, by metric key."""
    section = document.get(BASELINE) if isinstance(document, Mapping) else None
    if not isinstance(section, Mapping):
        return {}
    found = {str(k): finite_float(v) for k, v in section.items() if not isinstance(v, bool)}
    return {k: v for k, v in found.items() if v is not None}
