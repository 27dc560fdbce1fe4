"""Outcomes of ``mlvc release | promote | rollback | registry [history] | checkout``.

A leaf: imports nothing from ``cli`` at run time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gate:
    """One release or promotion gate and its outcome."""

    gate: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Release:
    """Outcome of ``mlvc release``: the tag (created, pushed, or only planned) and its gates."""

    model: str
    version: str
    tag: str
    commit: str
    gates: tuple[Gate, ...]
    created: bool
    pushed: bool
    dry_run: bool
    remote: str | None

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.gates)


@dataclass(frozen=True)
class Promotion:
    """Outcome of ``mlvc promote`` / ``mlvc rollback``: a stage assignment tag."""

    model: str
    version: str
    stage: str
    tag: str
    previous: str | None  # version the stage pointed at before
    gates: tuple[Gate, ...]
    created: bool
    pushed: bool
    dry_run: bool
    unchanged: bool = False  # the stage already held the version: nothing to do

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.gates)


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


@dataclass(frozen=True)
class CheckoutResult:
    """Files restored into the workspace for a model version, with verified hashes."""

    model: str
    version: str
    files: tuple[tuple[str, str], ...]  # (path, md5)

    @property
    def ok(self) -> bool:
        return True
