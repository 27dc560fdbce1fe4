"""Outcome of ``mlvc pipeline verify``.

A leaf: imports nothing from ``cli`` at run time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputCheck:
    """One pipeline output: the md5 ``dvc.lock`` records and the md5 a clean rerun produced."""

    stage: str
    path: str
    expected: str
    actual: str | None

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass(frozen=True)
class ReproReport:
    """Outcome of rerunning the pipeline in a clean clone and comparing output hashes."""

    outputs: tuple[OutputCheck, ...]
    workdir: str | None  # kept clone, when asked for

    @property
    def ok(self) -> bool:
        return bool(self.outputs) and all(o.ok for o in self.outputs)
