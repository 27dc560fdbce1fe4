"""What changed between two revisions of the project: metrics, parameters, data, schema, plots.

Pure: parsed documents in, a frozen :class:`MetricReport` out (no git, no files).
Each metric's direction is known (``log_loss`` lower is better, counts such as
``n`` and ``support`` have none, everything else higher is better), so every
change is marked better or worse; :class:`RegressionPolicy` holds the
tolerances that ``mlvc report --fail-on-regression`` enforces. The gate fails
closed: a gated metric that is missing, not a number or not finite at head is
a failure ("invalid"), never a pass.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cli.results.report import (
    BETTER,
    CHANGED,
    INVALID,
    NEW,
    REMOVED,
    SAME,
    WORSE,
    CardSummary,
    ConfusionDiff,
    CurveDiff,
    DataDiff,
    MetricDiff,
    MetricReport,
    ParamDiff,
    SchemaSummary,
    Side,
)

HIGHER = "higher"
LOWER = "lower"

LOWER_IS_BETTER = frozenset({"log_loss"})
UNDIRECTED = frozenset({"n", "support"})  # counts: a change is neither better nor worse

CURVE_POINTS = 21  # points per curve in a chart (0, 0.05, ..., 1)
_EPSILON = 1e-9  # float noise allowed when comparing a change with its tolerance

DEFAULT_TOLERANCES: Mapping[str, float] = {
    "accuracy": 0.01,
    "balanced_accuracy": 0.01,
    "f1_macro": 0.01,
    "roc_auc_ovr": 0.01,
    "log_loss": 0.05,
}


def direction(key: str) -> str | None:
    """``"higher"`` or ``"lower"`` (which way is better) for a metric key; None for counts."""
    leaf = key.rsplit(".", 1)[-1]
    if leaf in UNDIRECTED:
        return None
    return LOWER if leaf in LOWER_IS_BETTER else HIGHER


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
    if not math.isfinite(value) or value < 0:
        return f"must be a finite number >= 0, got {value}"
    return None


@dataclass(frozen=True)
class LockedOutput:
    """An output recorded in ``dvc.lock``."""

    path: str
    stage: str
    md5: str
    nfiles: int | None = None  # directories only


@dataclass(frozen=True)
class Snapshot:
    """The parsed files of one side; None where a file does not exist there."""

    side: Side
    metrics: Mapping[str, Any]  # metrics file -> parsed JSON (or None)
    params: Any = None
    outputs: Mapping[str, LockedOutput] = field(default_factory=dict)
    validation: Any = None
    confusion: Sequence[tuple[str, str]] | None = None  # (actual, predicted) per test row
    curves: Mapping[tuple[str, str], Sequence[tuple[float, float]]] = field(default_factory=dict)


# --- flattening and comparing -------------------------------------------------------------


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


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _is_metric(value: Any) -> bool:
    """Numbers and nulls are metrics; booleans and strings (e.g. ``small``) are not."""
    return value is None or _number(value) is not None


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
    if not math.isfinite(value):
        return f"not finite at head: {value}"
    return None


def _invalid(path: str, key: str, base: Any, tolerance: float, why: str) -> MetricDiff:
    return MetricDiff(
        path=path,
        key=key,
        base=_number(flatten(base).get(key)) if isinstance(base, Mapping) else None,
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
    base_flat = {k: v for k, v in flatten(base or {}).items() if _is_metric(v)}
    head_flat = {k: v for k, v in flatten(head or {}).items() if _is_metric(v)}
    keys = list(dict.fromkeys([*head_flat, *base_flat, *problems]))
    diffs = []
    for key in keys:
        if key in problems:
            diffs.append(_invalid(path, key, base, gated[key], problems[key]))
            continue
        b, h = _number(base_flat.get(key)), _number(head_flat.get(key))
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
        diffs.append(MetricDiff(path, key, b, h, change, way, status, tolerance, bool(regression)))
    return diffs


def param_diffs(base: Any, head: Any) -> list[ParamDiff]:
    """Keys of ``params.yaml`` (dotted) whose values differ, sorted by key."""
    base_flat, head_flat = flatten(base or {}), flatten(head or {})
    diffs = []
    for key in sorted(set(base_flat) | set(head_flat)):
        if key not in base_flat:
            diffs.append(ParamDiff(key, None, head_flat[key], NEW))
        elif key not in head_flat:
            diffs.append(ParamDiff(key, base_flat[key], None, REMOVED))
        elif _canonical(base_flat[key]) != _canonical(head_flat[key]):
            diffs.append(ParamDiff(key, base_flat[key], head_flat[key], CHANGED))
    return diffs


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def locked_outputs(lock: Any) -> dict[str, LockedOutput]:
    """Every output recorded in a parsed ``dvc.lock``, by path."""
    stages = lock.get("stages") if isinstance(lock, Mapping) else None
    found: dict[str, LockedOutput] = {}
    for stage, entry in (stages or {}).items():
        for out in (entry or {}).get("outs", []) or []:
            if isinstance(out, Mapping) and "path" in out:
                nfiles = out.get("nfiles")
                found[str(out["path"])] = LockedOutput(
                    path=str(out["path"]),
                    stage=str(stage),
                    md5=str(out.get("md5", "")),
                    nfiles=int(nfiles) if isinstance(nfiles, int) else None,
                )
    return found


def changed_outputs(
    base: Mapping[str, LockedOutput], head: Mapping[str, LockedOutput]
) -> list[tuple[str, LockedOutput | None, LockedOutput | None]]:
    """``(path, base, head)`` for every output whose md5 differs (or exists on one side only)."""
    return [
        (path, base.get(path), head.get(path))
        for path in sorted(set(base) | set(head))
        if (base[path].md5 if path in base else None) != (head[path].md5 if path in head else None)
    ]


def data_diffs(
    base: Mapping[str, LockedOutput],
    head: Mapping[str, LockedOutput],
    rows: Mapping[str, tuple[int | None, int | None]] | None = None,
) -> tuple[list[DataDiff], int]:
    """Changed outputs with their row counts (``rows``: path -> (base, head)), and how many kept."""
    rows = rows or {}
    diffs = []
    for path, b, h in changed_outputs(base, head):
        status = NEW if b is None else REMOVED if h is None else CHANGED
        base_rows, head_rows = rows.get(path, (None, None))
        either = h or b
        assert either is not None  # changed_outputs names only paths on at least one side
        diffs.append(
            DataDiff(
                path=path,
                stage=either.stage,
                base_md5=b.md5 if b else None,
                head_md5=h.md5 if h else None,
                base_rows=base_rows,
                head_rows=head_rows,
                status=status,
            )
        )
    unchanged = len(set(base) & set(head)) - sum(1 for d in diffs if d.status == CHANGED)
    return diffs, unchanged


def _rows(count: Any) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def schema_summary(report: Any) -> SchemaSummary | None:
    """The headline of a schema-check report (``data/validation.json``); None when absent."""
    if not isinstance(report, Mapping):
        return None
    violations = tuple(
        f"{v.get('column')}: {v.get('keyword')} ({_rows(v.get('count'))})"
        for v in report.get("violations", []) or []
        if isinstance(v, Mapping)
    )
    failed = tuple(
        f"{r.get('rule')}{' ' + r['column'] if r.get('column') else ''}: "
        f"expected {r.get('expected')}, found {r.get('found')}"
        for r in report.get("table_rules", []) or []
        if isinstance(r, Mapping) and not r.get("ok", True)
    )
    rows = int(report.get("rows") or 0)
    failing = int(report.get("failing_rows") or 0)
    ok = report.get("ok")
    return SchemaSummary(
        data=str(report.get("data", "")),
        schema=str(report.get("schema", "")),
        rows=rows,
        failing_rows=failing,
        ok=bool(ok) if ok is not None else (failing == 0 and not failed),
        violations=violations,
        failed_rules=failed,
    )


# --- plots ---------------------------------------------------------------------------------


def confusion_diff(
    base: Sequence[tuple[str, str]] | None, head: Sequence[tuple[str, str]] | None
) -> ConfusionDiff | None:
    """Count (actual, predicted) pairs into matrices over the union of labels."""
    if base is None and head is None:
        return None
    labels = tuple(
        sorted({label for pairs in (base, head) for pair in pairs or () for label in pair})
    )

    def matrix(pairs: Sequence[tuple[str, str]] | None) -> tuple[tuple[int, ...], ...] | None:
        if pairs is None:
            return None
        index = {label: i for i, label in enumerate(labels)}
        counts = [[0] * len(labels) for _ in labels]
        for actual, predicted in pairs:
            counts[index[actual]][index[predicted]] += 1
        return tuple(tuple(row) for row in counts)

    return ConfusionDiff(labels=labels, base=matrix(base), head=matrix(head))


def grid(points: int = CURVE_POINTS) -> tuple[float, ...]:
    """``points`` evenly spaced values from 0 to 1."""
    return tuple(round(i / (points - 1), 6) for i in range(points))


def resample(curve: Iterable[tuple[float, float]], at: Sequence[float]) -> tuple[float, ...]:
    """Linear interpolation of ``y`` at each ``x`` in ``at`` (clamped at the ends).

    Points are sorted by x; for repeated x the last y wins (the upper step of a ROC curve).
    """
    by_x: dict[float, float] = {}
    for x, y in curve:
        by_x[float(x)] = float(y)
    xs = sorted(by_x)
    if not xs:
        return ()
    values = []
    for target in at:
        if target <= xs[0]:
            values.append(by_x[xs[0]])
            continue
        if target >= xs[-1]:
            values.append(by_x[xs[-1]])
            continue
        hi = next(i for i, x in enumerate(xs) if x >= target)
        x0, x1 = xs[hi - 1], xs[hi]
        y0, y1 = by_x[x0], by_x[x1]
        values.append(y0 + (y1 - y0) * (target - x0) / (x1 - x0))
    return tuple(round(v, 4) for v in values)


CURVE_AXES = {"roc": ("fpr", "tpr"), "pr": ("recall", "precision")}


def curve_diffs(
    base: Mapping[tuple[str, str], Sequence[tuple[float, float]]],
    head: Mapping[tuple[str, str], Sequence[tuple[float, float]]],
    points: int = CURVE_POINTS,
) -> list[CurveDiff]:
    """Every (kind, class) curve on either side, resampled on a common grid; ROC first."""
    at = grid(points)
    keys = sorted(set(base) | set(head), key=lambda k: (list(CURVE_AXES).index(k[0]), k[1]))
    diffs = []
    for kind, label in keys:
        x, y = CURVE_AXES[kind]
        b, h = base.get((kind, label)), head.get((kind, label))
        diffs.append(
            CurveDiff(
                kind=kind,
                label=label,
                x=x,
                y=y,
                grid=at,
                base=resample(b, at) if b is not None else None,
                head=resample(h, at) if h is not None else None,
            )
        )
    return diffs


# --- the model card ------------------------------------------------------------------------


def card_summary(path: str, text: str) -> CardSummary:
    """The model name (``# Model card: NAME``) and the first paragraph of "Model details"."""
    lines = text.removeprefix("\ufeff").splitlines()  # a byte-order mark is not the text
    if lines and lines[0].strip() == "---":  # skip YAML front matter
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1 :]
    model = next(
        (line.split(":", 1)[1].strip() for line in lines if line.startswith("# Model card:")), ""
    )
    paragraph: list[str] = []
    in_details = False
    for line in lines:
        if line.startswith("## "):
            if in_details and paragraph:
                break
            in_details = line.strip() == "## Model details"
            continue
        if not in_details or line.lstrip().startswith("<!--"):
            continue
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            break
    return CardSummary(path=path, model=model, description=" ".join(paragraph))


# --- the whole report ----------------------------------------------------------------------


def compare(
    base: Snapshot,
    head: Snapshot,
    *,
    policy: RegressionPolicy,
    gated_path: str,
    rows: Mapping[str, tuple[int | None, int | None]] | None = None,
    card: CardSummary | None = None,
) -> MetricReport:
    """The report from base to head; only ``gated_path``'s metrics are gated by ``policy``."""
    metrics: list[MetricDiff] = []
    for path in dict.fromkeys([*head.metrics, *base.metrics]):
        metrics += metric_diffs(
            path,
            base.metrics.get(path),
            head.metrics.get(path),
            policy if path == gated_path else None,
        )
    data, unchanged = data_diffs(base.outputs, head.outputs, rows)
    return MetricReport(
        base=base.side,
        head=head.side,
        metrics_file=gated_path,
        metrics=tuple(metrics),
        params=tuple(param_diffs(base.params, head.params)),
        data=tuple(data),
        data_unchanged=unchanged,
        schema=schema_summary(head.validation),
        confusion=confusion_diff(base.confusion, head.confusion),
        curves=tuple(curve_diffs(base.curves, head.curves)),
        policy=policy,
        card=card,
    )
