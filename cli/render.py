"""Render result objects as text (for people) or JSON (for machines), in one place."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from functools import cache, singledispatch
from typing import Any

from cli.formats import OutputFormat, ReportFormat  # noqa: F401  (re-exported)
from cli.results import (
    CardBuild,
    CardReport,
    CheckoutResult,
    ParamsReport,
    Promotion,
    RegistryHistory,
    RegistryView,
    Release,
    ReproReport,
    SchemaInferred,
    SchemaReport,
)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _fields(value: Any) -> Any:
    """JSON's hook for what it cannot encode: a dataclass as a dict of its fields.

    The encoder (C) walks lists, tuples and dicts itself and calls this once per
    dataclass: ``asdict`` without its deep copies, and several times faster.
    """
    if is_dataclass(value) and not isinstance(value, type):
        return {name: getattr(value, name) for name in _field_names(type(value))}
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _jsonable(result: Any) -> Any:
    document = _fields(result)
    if hasattr(result, "ok"):
        document["ok"] = result.ok
    return document


def render(result: Any, fmt: str, *, pretty: bool = True) -> str:
    """The result in format ``fmt`` (text, json, markdown, github), without a trailing newline.

    JSON is indented when ``pretty`` and on one line otherwise (the CLI indents it on a
    terminal only, as DVC does: one-line JSON is several times faster to write).
    """
    if fmt == "json":
        document = _jsonable(result)
        return json.dumps(document, indent=2 if pretty else None, sort_keys=True, default=_fields)
    renderer = {"text": render_text, "markdown": render_markdown, "github": render_github}[fmt]
    return renderer(result)


@singledispatch
def render_text(result: Any) -> str:
    """Human-readable text for a result object."""
    raise TypeError(f"no text renderer for {type(result).__name__}")


@singledispatch
def render_markdown(result: Any) -> str:
    """Markdown (for pull-request comments and job summaries) for a result object."""
    raise TypeError(f"no markdown renderer for {type(result).__name__}")


@singledispatch
def render_github(result: Any) -> str:
    """GitHub Actions annotation lines for a result object."""
    raise TypeError(f"no github renderer for {type(result).__name__}")


@render_text.register
def _(result: ParamsReport) -> str:
    if result.ok:
        return f"{result.path}: ok"
    lines = [f"{result.path}::{p.message}" for p in result.problems]
    lines.append(f"{len(result.problems)} problem(s) in {result.path}")
    return "\n".join(lines)


@render_markdown.register
def _(result: ParamsReport) -> str:
    if result.ok:
        return f"### ✅ Parameters: `{result.path}` is valid"
    lines = [f"### ❌ Parameters: `{result.path}`", "", "| key | got | allowed |", "|---|---|---|"]
    lines += [
        f"| `{md_cell(p.key or '(top level)')}` | `{md_cell(p.got)}` | {md_cell(p.allowed)} |"
        for p in result.problems
    ]
    return "\n".join(lines)


@render_github.register
def _(result: ParamsReport) -> str:
    lines = [
        f"::error file={result.path},title=params: {p.key or 'top level'}::{p.message}"
        for p in result.problems
    ]
    return "\n".join(lines) or f"::notice file={result.path}::parameters are valid"


@render_text.register
def _(result: ReproReport) -> str:
    width = max((len(o.path) for o in result.outputs), default=4)
    lines = []
    for out in result.outputs:
        mark = "ok  " if out.ok else "DIFF"
        actual = out.actual or "(missing)"
        detail = "" if out.ok else f"  dvc.lock {out.expected} != rerun {actual}"
        lines.append(f"{mark} {out.stage:<9} {out.path:<{width}}{detail}")
    bad = sum(not o.ok for o in result.outputs)
    verdict = (
        f"reproducible: all {len(result.outputs)} outputs match dvc.lock"
        if result.ok
        else f"NOT reproducible: {bad} of {len(result.outputs)} outputs differ from dvc.lock"
    )
    lines.append(verdict)
    if result.workdir:
        lines.append(f"clean clone kept at {result.workdir}")
    return "\n".join(lines)


@render_text.register
def _(result: CardBuild) -> str:
    lines = [f"wrote {result.path} (model card for {result.model})"]
    lines += [f"  gap over threshold: {gap}" for gap in result.flagged_gaps]
    if result.small_slices:
        lines.append(f"  small slices (marked in the card): {', '.join(result.small_slices)}")
    return "\n".join(lines)


@render_text.register
def _(result: CardReport) -> str:
    if result.ok:
        return f"{result.path}: ok"
    lines = [f"{result.path}::{p.where}: {p.message}" for p in result.problems]
    lines.append(f"{len(result.problems)} problem(s) in {result.path}")
    return "\n".join(lines)


def md_cell(text: object) -> str:
    """Text for one Markdown table cell: GFM splits cells at every ``|`` not written ``\\|``
    (code spans included) and ends the row at a line end."""
    return str(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _values(values: tuple[Any, ...]) -> str:
    return ", ".join(json.dumps(v, default=str) for v in values)


def _violation_line(v: Any) -> str:
    rows = ", ".join(map(str, v.rows))
    more = ", ..." if v.count > len(v.rows) else ""
    return (
        f"{v.keyword} {v.expected}: {v.count} row(s) fail (rows {rows}{more}; "
        f"values {_values(v.values)})"
    )


def _schema_structural(result: SchemaReport) -> list[str]:
    lines = []
    if result.missing_columns:
        lines.append(
            f"missing column(s) required by the schema: {', '.join(result.missing_columns)}"
        )
    if result.unexpected_columns:
        lines.append(f"unexpected column(s): {', '.join(result.unexpected_columns)}")
    return lines


def _schema_verdict(result: SchemaReport) -> str:
    if result.ok:
        return f"valid: {result.rows} rows of {result.data} satisfy {result.schema}"
    failed_rules = sum(not r.ok for r in result.table_rules)
    return (
        f"INVALID: {result.failing_rows} of {result.rows} rows of {result.data} break "
        f"{result.schema}" + (f"; {failed_rules} table rule(s) fail" if failed_rules else "")
    )


def _is_structural(v: Any, result: SchemaReport) -> bool:
    return (v.column == "(row)" and v.keyword == "required" and bool(result.missing_columns)) or (
        v.keyword == "additionalProperties" and v.column in result.unexpected_columns
    )


@render_text.register
def _(result: SchemaReport) -> str:
    lines = [f"{result.data}: {line}" for line in _schema_structural(result)]
    lines += [
        f"{result.data}::{v.column}: {_violation_line(v)}"
        for v in result.violations
        if not _is_structural(v, result)
    ]
    lines += [
        f"{result.data}: table rule {r.rule}{' ' + r.column if r.column else ''}: "
        f"expected {r.expected}, found {r.found}"
        for r in result.table_rules
        if not r.ok
    ]
    lines.append(_schema_verdict(result))
    return "\n".join(lines)


@render_markdown.register
def _(result: SchemaReport) -> str:
    icon = "✅" if result.ok else "❌"
    lines = [f"### {icon} Data contract: `{result.data}`", "", _schema_verdict(result), ""]
    structural = _schema_structural(result)
    lines += [f"- {line}" for line in structural]
    rows = [v for v in result.violations if not _is_structural(v, result)]
    if rows:
        # a table needs a blank line before it, or it continues the last bullet as text
        lines += [""] if structural else []
        lines += [
            "| column | rule | failing rows | first rows | values |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{md_cell(v.column)}` | `{md_cell(f'{v.keyword}: {v.expected}')}` | {v.count} | "
            f"{', '.join(map(str, v.rows))} | `{md_cell(_values(v.values))}` |"
            for v in rows
        ]
    if result.table_rules:
        lines += ["", "| table rule | column | expected | found | |", "|---|---|---|---|---|"]
        lines += [
            f"| {r.rule} | {md_cell(r.column)} | {md_cell(r.expected)} | {md_cell(r.found)} | "
            f"{'✅' if r.ok else '❌'} |"
            for r in result.table_rules
        ]
    return "\n".join(lines)


def _escape_annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


@render_github.register
def _(result: SchemaReport) -> str:
    """One ``::error`` per problem; ``line`` is the first failing row plus the header line."""
    lines = []
    for line in _schema_structural(result):
        lines.append(f"::error file={result.data},title=schema::{_escape_annotation(line)}")
    for v in result.violations:
        if _is_structural(v, result):
            continue
        where = f"file={result.data},line={v.rows[0] + 1}" if v.rows else f"file={result.data}"
        title = f"schema: {v.column} {v.keyword}"
        lines.append(f"::error {where},title={title}::{_escape_annotation(_violation_line(v))}")
    for r in result.table_rules:
        if not r.ok:
            message = f"{r.rule} {r.column}: expected {r.expected}, found {r.found}"
            lines.append(f"::error file={result.data},title=schema table rule::{message}")
    lines.append(("::notice::" if result.ok else "::error::") + _schema_verdict(result))
    return "\n".join(lines)


@render_text.register
def _(result: SchemaInferred) -> str:
    return (
        f"wrote {result.schema}: {len(result.columns)} columns inferred from {result.rows} rows "
        f"of {result.data}; review and commit it"
    )


def _gate_lines(gates: tuple[Any, ...]) -> list[str]:
    return [f"  {'ok  ' if g.ok else 'FAIL'} {g.gate}: {g.detail}" for g in gates]


@render_text.register
def _(result: Release) -> str:
    lines = _gate_lines(result.gates)
    if not result.ok:
        lines.append(f"not released: {sum(not g.ok for g in result.gates)} gate(s) failed")
    elif result.dry_run:
        lines.append(f"dry run: would create {result.tag} at {result.commit[:12]}")
    else:
        where = f" and pushed to {result.remote}" if result.pushed else ""
        lines.append(f"released {result.tag} at {result.commit[:12]}{where}")
        if not result.pushed:
            lines.append(f"publish with: mlvc release --push (or git push origin '{result.tag}')")
    return "\n".join(lines)


@render_text.register
def _(result: Promotion) -> str:
    lines = _gate_lines(result.gates)
    was = f" (was {result.previous})" if result.previous else ""
    if not result.ok:
        lines.append(f"not promoted: {sum(not g.ok for g in result.gates)} gate(s) failed")
    elif result.unchanged:
        lines.append(
            f"nothing to do: {result.model}@{result.version} is already in stage '{result.stage}'"
        )
    elif result.dry_run:
        lines.append(f"dry run: would create {result.tag}: {result.stage} -> {result.version}{was}")
    else:
        pushed = " (pushed)" if result.pushed else ""
        lines.append(
            f"{result.model} {result.stage} -> {result.version}{was}: {result.tag}{pushed}"
        )
    return "\n".join(lines)


@render_text.register
def _(result: RegistryView) -> str:
    if not result.models:
        return "no registered models yet: create one with 'mlvc release'"
    lines = []
    for model in result.models:
        stages = ", ".join(f"{s}={v}" for s, v in model.stages.items()) or "none"
        lines.append(f"{model.name}  latest {model.latest or '-'}  stages: {stages}")
        keys = sorted({k for v in model.versions for k in v.metrics})
        header = f"  {'version':<14}{'commit':<10}{'stages':<18}" + "".join(
            f"{k[:12]:>13}" for k in keys
        )
        lines.append(header)
        for v in reversed(model.versions):
            stages = ",".join(v.stages) + ("" if v.active else " (deregistered)")
            metrics = "".join(f"{v.metrics.get(k, float('nan')):>13.4f}" for k in keys)
            lines.append(f"  {v.version:<14}{v.commit[:8]:<10}{stages:<18}{metrics}")
    return "\n".join(lines)


@render_text.register
def _(result: RegistryHistory) -> str:
    where = f" stage {result.stage}" if result.stage else ""
    if not result.events:
        return f"no registry events for {result.model}{where}"
    rows = [("timestamp", "event", "version", "stage", "commit", "tag")]
    rows += [
        (e.timestamp, e.event, e.version or "-", e.stage or "-", e.commit[:7], e.tag)
        for e in result.events
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in rows
    )


@render_text.register
def _(result: CheckoutResult) -> str:
    lines = [f"restored {result.model}@{result.version}:"]
    lines += [f"  {path}  md5 {md5} (verified)" for path, md5 in result.files]
    return "\n".join(lines)
