"""Renderings of a :class:`cli.results.params.ParamsReport` (``mlvc params check``)."""

from __future__ import annotations

from cli.render.cells import md_cell
from cli.results.params import ParamsReport


def params_report_text(result: ParamsReport) -> str:
    if result.ok:
        return f"{result.path}: ok"
    lines = [f"{result.path}::{p.message}" for p in result.problems]
    lines.append(f"{len(result.problems)} problem(s) in {result.path}")
    return "\n".join(lines)


def params_report_markdown(result: ParamsReport) -> str:
    if result.ok:
        return f"### ✅ Parameters: `{result.path}` is valid"
    lines = [f"### ❌ Parameters: `{result.path}`", "", "| key | got | allowed |", "|---|---|---|"]
    lines += [
        f"| `{md_cell(p.key or '(top level)')}` | `{md_cell(p.got)}` | {md_cell(p.allowed)} |"
        for p in result.problems
    ]
    return "\n".join(lines)


def params_report_github(result: ParamsReport) -> str:
    lines = [
        f"::error file={result.path},title=params: {p.key or 'top level'}::{p.message}"
        for p in result.problems
    ]
    return "\n".join(lines) or f"::notice file={result.path}::parameters are valid"
