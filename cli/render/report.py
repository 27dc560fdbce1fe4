"""The Markdown rendering of a :class:`cli.results.report.MetricReport`: a pull-request comment.

JSON needs no renderer of its own (the generic converter in :mod:`cli.render`); the
text is in :mod:`cli.render.report_text`, and the cells both show in
:mod:`cli.render.report_cells`. The Markdown starts with the hidden marker
:data:`MARKER` (CI finds its previous comment by it and edits it in place), draws ROC
and PR curves as Mermaid ``xychart-beta`` charts and the confusion matrix as a table,
so GitHub renders everything itself: no images, no upload, no token.
"""

from __future__ import annotations

import json

from cli.render.report_cells import (
    head_rows,
    is_headline,
    metric_change,
    metric_sides,
    metric_value,
    param_sides,
    row_count,
    short_md5,
    tally,
    tolerance_text,
)
from cli.results.report import (
    BETTER,
    CHANGED,
    INVALID,
    NEW,
    REMOVED,
    SAME,
    WORSE,
    ConfusionDiff,
    CurveDiff,
    MetricDiff,
    MetricReport,
)

MARKER = "<!-- mlvc-report -->"
BASE_COLOUR = "#9e9e9e"  # grey
HEAD_COLOUR = "#1f77b4"  # blue
AXIS_TITLES = {
    "fpr": "false positive rate",
    "tpr": "true positive rate",
    "recall": "recall",
    "precision": "precision",
}
KIND_TITLES = {"roc": "ROC curves (one-vs-rest)", "pr": "Precision-recall curves (one-vs-rest)"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_verdict(m: MetricDiff) -> str:
    if m.status == BETTER:
        return "✅ better"
    if m.status == WORSE:
        if m.tolerance is None:
            return "⚠️ worse"
        if m.regression:
            return f"❌ worse (tolerance {tolerance_text(m.tolerance)})"
        return f"⚠️ worse (within {tolerance_text(m.tolerance)})"
    if m.status == NEW:
        return "🆕 new"
    if m.status == REMOVED:
        return "removed"
    if m.status == CHANGED:
        return "changed"
    if m.status == INVALID:
        return f"❌ {_cell(m.problem or '')}"
    return ""


def _metric_table(metrics: list[MetricDiff], *, with_path: bool) -> list[str]:
    """The metrics as a table; a ``baseline`` column (at head) when any metric has one."""
    baseline = any(m.baseline is not None for m in metrics)
    head = (
        "| file | metric | base | head | change | |"
        if with_path
        else "| metric | base | head | change | |"
    )
    rule = "|---|---|---:|---:|---:|---|" if with_path else "|---|---:|---:|---:|---|"
    if baseline:
        head, rule = head + " baseline (head) |", rule + "---:|"
    lines = [head, rule]
    for m in metrics:
        base, new = metric_sides(m)
        first = f"`{m.path}` | " if with_path else ""
        row = (
            f"| {first}`{_cell(m.key)}` | {base} | {new} | {metric_change(m)} | {_md_verdict(m)} |"
        )
        if baseline:
            row += f" {metric_value(m, m.baseline, m.baseline is not None)} |"
        lines.append(row)
    return lines


def _md_metrics(result: MetricReport) -> list[str]:
    path = result.metrics_file
    headline = [m for m in result.metrics if is_headline(m, path)]
    others = [m for m in result.metrics if not is_headline(m, path)]
    lines = ["### Metrics", "", f"`{path}` (test set):", ""]
    lines += _metric_table(headline, with_path=False)
    changed = [m for m in others if m.status != SAME]
    if others:
        lines.append("")
        if changed:
            lines += [
                f"<details><summary>Per-class and per-slice metrics: {len(changed)} of "
                f"{len(others)} changed</summary>",
                "",
                *_metric_table(changed, with_path=True),
                "",
                "</details>",
            ]
        else:
            lines.append(f"Per-class and per-slice metrics: all {len(others)} unchanged.")
    return lines


def _md_params(result: MetricReport) -> list[str]:
    lines = ["### Parameters", ""]
    if not result.params:
        return [*lines, "No parameter in `params.yaml` changed."]
    lines += ["| parameter | base | head |", "|---|---|---|"]
    for p in result.params:
        base, head = param_sides(p)
        lines.append(f"| `{_cell(p.key)}` | `{_cell(base)}` | `{_cell(head)}` |")
    return lines


def _md_data(result: MetricReport) -> list[str]:
    lines = ["### Data", ""]
    if result.data:
        lines += [
            "DVC-tracked outputs (`dvc.lock`) whose content changed:",
            "",
            "| output | stage | rows base | rows head | md5 base → head |",
            "|---|---|---:|---:|---|",
        ]
        for d in result.data:
            lines.append(
                f"| `{_cell(d.path)}` | {d.stage} | "
                f"{row_count(d, d.base_rows, d.base_md5 is not None)} | {head_rows(d)} | "
                f"`{short_md5(d.base_md5)}` → `{short_md5(d.head_md5)}` |"
            )
        lines.append("")
        if any(d.is_table and None in (d.base_rows, d.head_rows) for d in result.data):
            lines += [
                "n/a: that version is not in the local DVC cache (`dvc pull` fetches it).",
                "",
            ]
        lines.append(f"{result.data_unchanged} other output(s) unchanged.")
    else:
        lines.append(f"No DVC-tracked output changed ({result.data_unchanged} unchanged).")
    lines += ["", "#### Data contract", ""]
    s = result.schema
    if s is None:
        lines.append("No schema-check report (`data/validation.json`) at head.")
        return lines
    if s.ok:
        lines.append(
            f"✅ `{s.data}` satisfies `{s.schema}`: {s.rows} rows, none failing; "
            "every table rule passes."
        )
        return lines
    lines.append(f"❌ {s.failing_rows} of {s.rows} rows of `{s.data}` break `{s.schema}`.")
    lines += [""] + [f"- {_cell(v)}" for v in s.violations]
    lines += [f"- table rule {_cell(r)}" for r in s.failed_rules]
    return lines


def _matrix(labels: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    names = [_cell(label) for label in labels]
    lines = [
        "| actual \\ predicted | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    lines += [
        f"| **{name}** | " + " | ".join(row) + " |" for name, row in zip(names, rows, strict=True)
    ]
    return lines


def _md_confusion(c: ConfusionDiff) -> list[str]:
    lines = ["#### Confusion matrix", ""]
    if c.head is None:
        return [*lines, "No confusion matrix at head (`plots/confusion.csv`)."]
    size = len(c.labels)
    if c.base is None or not c.changed:
        state = "new (no base)" if c.base is None else "unchanged"
        cells = [[str(c.head[i][j]) for j in range(size)] for i in range(size)]
        return [*lines, f"Test-set counts at head ({state}):", "", *_matrix(c.labels, cells)]
    cells = []
    for i in range(size):
        row = []
        for j in range(size):
            delta = c.head[i][j] - c.base[i][j]
            row.append(f"{c.head[i][j]} ({delta:+d})" if delta else str(c.head[i][j]))
        cells.append(row)
    base_cells = [[str(c.base[i][j]) for j in range(size)] for i in range(size)]
    return [
        *lines,
        "Test-set counts at head, change from base in brackets:",
        "",
        *_matrix(c.labels, cells),
        "",
        "<details><summary>Base</summary>",
        "",
        *_matrix(c.labels, base_cells),
        "",
        "</details>",
    ]


def _series(values: tuple[float, ...]) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


def _chart(c: CurveDiff) -> list[str]:
    """A Mermaid line chart: base (grey) and head (blue); head alone when they are equal."""
    base = c.base if c.changed else None
    lines = [values for values in (base, c.head) if values is not None]
    colours = [BASE_COLOUR] if base is not None else []
    colours += [HEAD_COLOUR] if c.head is not None else []
    init = {"themeVariables": {"xyChart": {"plotColorPalette": ", ".join(colours)}}}
    title = c.label.replace('"', "'")
    return [
        "```mermaid",
        f"%%{{init: {json.dumps(init)}}}%%",
        "xychart-beta",
        f'    title "{c.kind.upper()}: {title}"',
        f'    x-axis "{AXIS_TITLES.get(c.x, c.x)}" 0 --> 1',
        f'    y-axis "{AXIS_TITLES.get(c.y, c.y)}" 0 --> 1',
        *[f"    line {_series(values)}" for values in lines],
        "```",
    ]


def _md_curves(curves: list[CurveDiff], kind: str) -> list[str]:
    changed = [c for c in curves if c.changed]
    states = [
        f"{c.label} {'new' if c.base is None else 'removed' if c.head is None else 'changed'}"
        for c in changed
    ]
    lines = [
        f"#### {KIND_TITLES[kind]}",
        "",
        f"Grey: base; blue: head. {'; '.join(states) if states else 'No curve changed'}.",
    ]
    for c in changed:
        lines += ["", *_chart(c)]
    same = [c for c in curves if not c.changed]
    if same:
        lines += [
            "",
            f"<details><summary>Unchanged: {', '.join(c.label for c in same)}</summary>",
        ]
        for c in same:
            lines += ["", *_chart(c)]
        lines += ["", "</details>"]
    return lines


def _md_plots(result: MetricReport) -> list[str]:
    lines = ["### Plots"]
    if result.confusion is not None:
        lines += ["", *_md_confusion(result.confusion)]
    for kind in ("roc", "pr"):
        curves = [c for c in result.curves if c.kind == kind]
        if curves:
            lines += ["", *_md_curves(curves, kind)]
    if len(lines) == 1:
        lines += ["", "No plots on either side."]
    return lines


def _md_verdict_line(result: MetricReport) -> str:
    failures = []
    if result.regressions:
        items = ", ".join(
            f"`{m.key}` {m.change:+.4f} (tolerance {tolerance_text(m.tolerance or 0)})"
            for m in result.regressions
        )
        failures.append(
            f"❌ **{len(result.regressions)} metric(s) got worse beyond tolerance:** {items}"
        )
    if result.invalid:
        items = ", ".join(f"`{m.key}` {_cell(m.problem or '')}" for m in result.invalid)
        failures.append(f"❌ **{len(result.invalid)} gated metric(s) unusable:** {items}")
    if failures:
        return " ".join(failures)
    counted = tally(result, result.metrics_file)
    return "✅ **No metric got worse beyond its tolerance**" + (
        f" ({counted})." if counted else "."
    )


def metric_report_markdown(result: MetricReport) -> str:
    lines = [
        MARKER,
        f"## mlvc report: `{result.base.label}` → `{result.head.label}`",
        "",
        _md_verdict_line(result),
    ]
    if result.card:
        lines += ["", f"### Model: `{result.card.model}`", "", result.card.description]
    lines += ["", *_md_metrics(result)]
    lines += ["", *_md_params(result)]
    lines += ["", *_md_data(result)]
    lines += ["", *_md_plots(result)]
    tolerances = ", ".join(
        f"`{k}` {tolerance_text(v)}" for k, v in dict(result.policy.tolerances).items()
    )
    lines += [
        "",
        f"<sub>Generated by `mlvc report`. Regression tolerances: {tolerances or 'none'}.</sub>",
    ]
    return "\n".join(lines)
