"""Outcome of ``mlvc init``: what it decided about each column and what is left to do.

A leaf: imports nothing from ``cli`` at run time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnDecision:
    """One column's role (target, numeric, categorical, datetime, excluded) and why."""

    column: str
    role: str
    reason: str


@dataclass(frozen=True)
class InitResult:
    """A project retargeted to a user's table."""

    data: str  # the file ingest.source names (under data/external/)
    copied_from: str | None  # the path it was copied from, when it was outside
    dataset: str  # data.name: the raw file is data/raw/<dataset>.csv
    model: str  # the model artifact's name in dvc.yaml
    target: str
    task: str
    task_reason: str
    estimator: str
    rows: int
    columns: tuple[ColumnDecision, ...]
    slices: tuple[str, ...]
    written: tuple[str, ...]  # files written, relative to the repository
    next_steps: tuple[str, ...]  # what only a person can do, in order

    @property
    def ok(self) -> bool:
        return True
