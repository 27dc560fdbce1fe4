"""Renderings of the results of ``mlvc schema``: ``SchemaReport`` and ``SchemaInferred``."""

from __future__ import annotations

import json
from typing import Any

from cli.render.cells import escape_annotation, md_cell, quoted
from cli.results.schema import SchemaInferred, SchemaReport


def _values(values: tuple[Any, ...]) -> str:
    """The example values of a violation as JSON, each cut to a readable length."""
    return ", ".join(quoted(json.dumps(v, default=str)) for v in values)


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


def schema_report_text(result: SchemaReport) -> str:
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


def schema_report_markdown(result: SchemaReport) -> str:
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


def schema_report_github(result: SchemaReport) -> str:
    """One ``::error`` per problem; ``line`` is the first failing row plus the header line."""
    lines = []
    for line in _schema_structural(result):
        lines.append(f"::error file={result.data},title=schema::{escape_annotation(line)}")
    for v in result.violations:
        if _is_structural(v, result):
            continue
        where = f"file={result.data},line={v.rows[0] + 1}" if v.rows else f"file={result.data}"
        title = f"schema: {v.column} {v.keyword}"
        lines.append(f"::error {where},title={title}::{escape_annotation(_violation_line(v))}")
    for r in result.table_rules:
        if not r.ok:
            message = f"{r.rule} {r.column}: expected {r.expected}, found {r.found}"
            lines.append(f"::error file={result.data},title=schema table rule::{message}")
    lines.append(("::notice::" if result.ok else "::error::") + _schema_verdict(result))
    return "\n".join(lines)


def schema_inferred_text(result: SchemaInferred) -> str:
    found = f"{len(result.columns)} columns inferred from {result.rows} rows of {result.data}"
    if result.document is not None:  # printed on standard output, not written
        return f"printed the schema on standard output: {found}"
    return f"wrote {result.schema}: {found}; review and commit it"
