"""Render result objects as text (for people) or JSON (for machines), in one place."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from enum import StrEnum
from functools import singledispatch
from typing import Any

from cli.results import CardBuild, CardReport, ParamsReport, ReproReport


class OutputFormat(StrEnum):
    """Formats every command accepts with ``--format``."""

    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    """Formats of commands whose reports also go into pull requests and CI logs."""

    text = "text"
    json = "json"
    markdown = "markdown"
    github = "github"  # GitHub Actions workflow annotations (::error file=...::message)


def _jsonable(result: Any) -> Any:
    document = asdict(result) if is_dataclass(result) else result
    if hasattr(result, "ok"):
        document["ok"] = result.ok
    return document


def render(result: Any, fmt: str) -> str:
    """The result in format ``fmt`` (text, json, markdown, github), without a trailing newline."""
    if fmt == "json":
        return json.dumps(_jsonable(result), indent=2, sort_keys=True)
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
