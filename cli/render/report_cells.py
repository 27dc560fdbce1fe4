"""The cells both renderings of a :class:`cli.results.report.MetricReport` share.

A metric's values and change, a parameter's sides, a data output's rows and md5: the
text (:mod:`cli.render.report_text`) and the Markdown (:mod:`cli.render.report`) show
them alike, so a number reads the same in a terminal and in a pull-request comment.
"""

from __future__ import annotations

import json
from typing import Any

from cli.results.report import (
    BETTER,
    NEW,
    REMOVED,
    SAME,
    WORSE,
    DataDiff,
    MetricDiff,
    MetricReport,
    ParamDiff,
)


def _is_count(m: MetricDiff) -> bool:
    return m.direction is None and all(v is None or float(v).is_integer() for v in (m.base, m.head))


def metric_value(m: MetricDiff, value: float | None, present: bool) -> str:
    """One side of a metric: ``-`` when absent there, ``n/a`` when not a number."""
    if not present:
        return "-"
    if value is None:
        return "n/a"
    return str(int(value)) if _is_count(m) else f"{value:.4f}"


def metric_change(m: MetricDiff) -> str:
    """The change from base to head with its arrow; ``=`` when the metric is the same."""
    if m.status == SAME:
        return "="
    if m.change is None:
        return ""
    text = f"{int(m.change):+d}" if _is_count(m) else f"{m.change:+.4f}"
    return f"{text} {m.arrow}"


def metric_sides(m: MetricDiff) -> tuple[str, str]:
    """The metric's base and head cells."""
    return metric_value(m, m.base, m.status != NEW), metric_value(m, m.head, m.status != REMOVED)


def tolerance_text(value: float) -> str:
    """A tolerance as written in params.yaml (no trailing zeros)."""
    return f"{value:g}"


def is_headline(m: MetricDiff, path: str) -> bool:
    """Whether ``m`` is a top-level metric of the metrics file ``path`` (not per class)."""
    return m.path == path and "." not in m.key


def _param(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def param_sides(p: ParamDiff) -> tuple[str, str]:
    """The parameter's base and head values as JSON; ``-`` on the side it is absent."""
    base = "-" if p.status == NEW else _param(p.base)
    head = "-" if p.status == REMOVED else _param(p.head)
    return base, head


def row_count(d: DataDiff, value: int | None, present: bool) -> str:
    """One side's row count of a table output (empty for other outputs)."""
    if not d.is_table or not present:
        return "" if not d.is_table else "-"
    return "n/a" if value is None else str(value)


def head_rows(d: DataDiff) -> str:
    """The head's row count, with the change from base when it changed."""
    text = row_count(d, d.head_rows, d.head_md5 is not None)
    if d.base_rows is not None and d.head_rows is not None and d.head_rows != d.base_rows:
        text += f" ({d.head_rows - d.base_rows:+d})"
    return text


def short_md5(md5: str | None) -> str:
    """The first seven hex digits of an md5 (``-`` when absent)."""
    return "-" if md5 is None else md5[:7]


def tally(report: MetricReport, path: str) -> str:
    """``2 better, 1 same``: the headline metrics of ``path`` counted by status."""
    headline = [m for m in report.metrics if is_headline(m, path)]
    counts = {s: sum(1 for m in headline if m.status == s) for s in (BETTER, WORSE, SAME, NEW)}
    parts = [f"{n} {s}" for s, n in counts.items() if n]
    return ", ".join(parts)
