"""The text rendering of a :class:`cli.results.report.MetricReport` (``mlvc report``).

The Markdown, for a pull-request comment, is in :mod:`cli.render.report`; the cells
both show (values, changes, row counts) in :mod:`cli.render.report_cells`.
"""

from __future__ import annotations

from dataclasses import replace

from cli.render.report_cells import (
    head_rows,
    is_headline,
    metric_change,
    metric_sides,
    metric_value,
    param_sides,
    row_count,
    short_md5,
    tolerance_text,
)
from cli.results.report import (
    INVALID,
    SAME,
    WORSE,
    MetricDiff,
    MetricReport,
)


def _text_metric(m: MetricDiff, width: int) -> str:
    base, head = metric_sides(m)
    verdict = f"{m.status}: {m.problem}" if m.status == INVALID else m.status
    if m.status == WORSE and m.tolerance is not None:
        verdict += (
            f" (beyond tolerance {tolerance_text(m.tolerance)})"
            if m.regression
            else f" (within {tolerance_text(m.tolerance)})"
        )
    beside = f"  (baseline {metric_value(m, m.baseline, True)})" if m.baseline is not None else ""
    return f"  {m.key:<{width}} {base:>8} -> {head:>8}  {metric_change(m):<10} {verdict}{beside}"


def metric_report_text(result: MetricReport) -> str:
    path = result.metrics_file
    lines = [f"mlvc report: {result.base.label} -> {result.head.label}"]
    if result.card:
        lines.append(f"model: {result.card.model}: {result.card.description}")
    headline = [m for m in result.metrics if is_headline(m, path)]
    others = [m for m in result.metrics if not is_headline(m, path) and m.status != SAME]
    width = max((len(m.key) for m in headline), default=10)
    lines.append(f"metrics ({path}):")
    lines += [_text_metric(m, width) for m in headline]
    if others:
        lines.append("other metrics that changed:")
        width = max(len(f"{m.path}:{m.key}") for m in others)
        lines += [_text_metric(replace(m, key=f"{m.path}:{m.key}"), width) for m in others]
    if result.params:
        lines.append("parameters:")
        for p in result.params:
            base, head = param_sides(p)
            lines.append(f"  {p.key}: {base} -> {head}")
    else:
        lines.append("parameters: unchanged")
    if result.data:
        lines.append("data (DVC-tracked outputs):")
        for d in result.data:
            rows = ""
            if d.is_table:
                base_rows = row_count(d, d.base_rows, d.base_md5 is not None)
                rows = f", rows {base_rows} -> {head_rows(d)}"
            lines.append(
                f"  {d.path} ({d.stage}): {d.status}, md5 {short_md5(d.base_md5)} -> "
                f"{short_md5(d.head_md5)}{rows}"
            )
        lines.append(f"  {result.data_unchanged} other output(s) unchanged")
    else:
        lines.append(f"data: no DVC-tracked output changed ({result.data_unchanged} unchanged)")
    if result.schema:
        s = result.schema
        state = "ok" if s.ok else "FAILED"
        lines.append(
            f"schema check: {state}: {s.failing_rows} of {s.rows} rows of {s.data} fail {s.schema}"
        )
        lines += [f"  {v}" for v in s.violations]
        lines += [f"  table rule {r}" for r in s.failed_rules]
    else:
        lines.append("schema check: no data/validation.json at head")
    if result.confusion:
        state = "changed" if result.confusion.changed else "unchanged"
        lines.append(f"confusion matrix: {state}")
    for kind in ("roc", "pr"):
        curves = [c for c in result.curves if c.kind == kind]
        if curves:
            changed = [c.label for c in curves if c.changed]
            lines.append(
                f"{kind} curves: {len(changed)} of {len(curves)} changed"
                + (f" ({', '.join(changed)})" if changed else "")
            )
    if result.regressions:
        lines.append(
            "REGRESSION: "
            + "; ".join(
                f"{m.key} {m.change:+.4f} (tolerance {tolerance_text(m.tolerance or 0)})"
                for m in result.regressions
            )
        )
    if result.invalid:
        lines.append("INVALID: " + "; ".join(f"{m.key} {m.problem}" for m in result.invalid))
    if result.ok:
        lines.append("no regressions beyond tolerance")
    return "\n".join(lines)
