"""Outcome of ``mlvc params check``.

A leaf: imports nothing from ``cli`` at run time (core types only for annotations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.core.params_check import ParamProblem


@dataclass(frozen=True)
class ParamsReport:
    """Outcome of checking a params file against its JSON Schema."""

    path: str
    problems: tuple[ParamProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems
