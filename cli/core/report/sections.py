"""The sections of a report (parameters, data, schema, model card) and the whole report."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cli.core.lock import LockedOutput
from cli.core.report.metrics import RegressionPolicy, flatten, metric_diffs
from cli.core.report.plots import confusion_diff, curve_diffs
from cli.results.report import (
    CHANGED,
    NEW,
    REMOVED,
    CardSummary,
    DataDiff,
    MetricDiff,
    MetricReport,
    ParamDiff,
    SchemaSummary,
    Side,
)


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
