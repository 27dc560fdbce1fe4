"""Outcomes of the registry's reads: ``mlvc registry`` and ``mlvc registry history``.

The commands that write or restore the registry (release, promote, rollback, checkout)
return :mod:`cli.results.release`'s types: a listing builds only the types it returns.
A leaf: imports nothing from ``cli`` at run time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegistryVersion:
    """One version row of the registry view."""

    version: str
    commit: str
    created: str  # ISO 8601 in UTC, e.g. 2026-12-01T02:03:04+00:00
    stages: tuple[str, ...]  # in the policy's order (release.stages)
    active: bool
    metrics: dict[str, float]


@dataclass(frozen=True)
class RegistryModel:
    """One model of the registry view."""

    name: str
    latest: str | None
    stages: dict[str, str]  # stage -> version, in the policy's order (release.stages)
    versions: tuple[RegistryVersion, ...]
    # the held stages in the policy's order: JSON prints an object's keys sorted
    stage_order: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegistryView:
    """Every model, its versions, stages and key metrics."""

    models: tuple[RegistryModel, ...]

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class HistoryEvent:
    """One registry event (``gto history``'s fields): ISO 8601 time, event, version, stage."""

    timestamp: str
    event: str
    version: str | None
    stage: str | None
    commit: str
    tag: str


@dataclass(frozen=True)
class RegistryHistory:
    """Every registration, assignment and unassignment of a model, newest first."""

    model: str
    stage: str | None  # the stage the events were filtered to, if any
    events: tuple[HistoryEvent, ...]

    @property
    def ok(self) -> bool:
        return True
