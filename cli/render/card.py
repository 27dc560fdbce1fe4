"""Renderings of the results of ``mlvc card``: ``CardBuild`` and ``CardReport``."""

from __future__ import annotations

from cli.results.card import CardBuild, CardReport


def card_build_text(result: CardBuild) -> str:
    lines = [f"wrote {result.path} (model card for {result.model})"]
    lines += [f"  gap over threshold: {gap}" for gap in result.flagged_gaps]
    if result.small_slices:
        lines.append(f"  small slices (marked in the card): {', '.join(result.small_slices)}")
    return "\n".join(lines)


def card_report_text(result: CardReport) -> str:
    if result.ok:
        return f"{result.path}: ok"
    lines = [f"{result.path}::{p.where}: {p.message}" for p in result.problems]
    lines.append(f"{len(result.problems)} problem(s) in {result.path}")
    return "\n".join(lines)
