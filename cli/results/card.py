"""Outcomes of ``mlvc card build`` and ``mlvc card check``.

A leaf: imports nothing from ``cli`` at run time (core types only for annotations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.core.card import CardProblem


@dataclass(frozen=True)
class CardBuild:
    """A model card written to disk."""

    path: str
    model: str
    flagged_gaps: tuple[str, ...]  # "f1_macro by island (0.123)" for gaps over the threshold
    small_slices: tuple[str, ...]  # "island=Torgersen (n=11)"

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class CardReport:
    """Outcome of checking a model card: front matter against the schema, required sections."""

    path: str
    problems: tuple[CardProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems
