"""The registry's state: a model's tag events folded into versions and stage assignments,
and its history, as GTO computes them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from cli.core.registry.tags import (
    ASSIGNED_VERSION,
    Event,
    TagEvent,
    TagRecord,
    parse_release_message,
    parse_tag,
    version_order,
)


class ModelVersion(NamedTuple):
    """One registered version of a model."""

    version: str
    tag: str
    commit: str
    created: int
    metrics: Mapping[str, float]
    stages: tuple[str, ...]  # stages currently pointing at this version
    active: bool  # False once deregistered


class ModelState(NamedTuple):
    """Everything the registry knows about one model."""

    name: str
    versions: tuple[ModelVersion, ...]  # ascending SemVer
    stages: Mapping[str, str]  # stage -> version currently assigned
    history: Mapping[str, tuple[str, ...]]  # stage -> versions assigned, oldest first
    next_counter: int
    deprecated: bool
    newest: int  # tagger time of the artifact's newest registry tag (GTO orders by it)
    # stage -> active versions whose last event for that stage is an assignment, the most
    # recently assigned first: the first holds the stage, the rest are what it falls back to
    holders: Mapping[str, tuple[str, ...]]

    @property
    def latest(self) -> ModelVersion | None:
        active = [v for v in self.versions if v.active]
        return active[-1] if active else None

    def find(self, version: str) -> ModelVersion | None:
        return next((v for v in self.versions if v.version == version), None)


def build_states(records: Iterable[TagRecord]) -> dict[str, ModelState]:
    """Every model with a registry tag, by name (sorted), each folded from its own tags."""
    by_name: dict[str, list[TagEvent]] = {}
    for event in map(parse_tag, records):
        if event is not None:
            by_name.setdefault(event.name, []).append(event)
    return {name: _fold(name, by_name[name]) for name in sorted(by_name)}


def build_state(name: str, records: Iterable[TagRecord]) -> ModelState:
    """Fold a model's tags into versions, stage assignments and the next counter."""
    events = [e for e in map(parse_tag, records) if e is not None and e.name == name]
    return _fold(name, events)


# GTO's event priorities (``gto/base.py``): the tie-break of ``gto history`` within a second
PRIORITY = {
    Event.deprecation: 2,
    Event.registration: 3,
    Event.deregistration: 4,
    Event.assignment: 5,
    Event.unassignment: 6,
}


def _order(event: TagEvent) -> tuple[int, int]:
    """GTO orders registry events by tagger time; the counter only breaks ties within a second."""
    return (event.created, event.counter or 0)


def _fold(name: str, events: Sequence[TagEvent]) -> ModelState:
    """GTO's reading of an artifact's tags (``gto show``, ``--sort timestamp``).

    A version is active while its latest registration event is a registration. A
    (version, stage) pair is assigned while its latest stage event is an assignment;
    an unassignment cancels only that pair. A stage is held by the active version
    whose still-standing assignment is the most recent; when that one is unassigned
    (or deregistered) the stage falls back to the next, as in GTO.
    """
    ordered = sorted(events, key=_order)
    counters = [e.counter for e in ordered if e.counter is not None]
    registered: dict[str, TagEvent] = {}
    active: dict[str, bool] = {}
    for e in ordered:
        if e.event is Event.registration and e.version:
            registered.setdefault(e.version, e)
            active[e.version] = True
        elif e.event is Event.deregistration and e.version:
            active[e.version] = False
    history: dict[str, list[str]] = {}
    standing: dict[tuple[str, str], TagEvent | None] = {}  # (version, stage) -> assignment
    by_commit = versions_by_commit(registered)
    for e in ordered:
        if e.event not in (Event.assignment, Event.unassignment):
            continue
        version = version_of_stage_event(e, by_commit)
        if version is None or version not in registered:
            continue  # an unregistered commit: GTO names it by its SHA; mlvc lists versions only
        stage = e.stage or ""
        if e.event is Event.assignment:
            standing[(version, stage)] = e
            history.setdefault(stage, []).append(version)
        else:
            standing[(version, stage)] = None
    holders: dict[str, list[tuple[tuple[int, int], str]]] = {}
    for (version, stage), assignment in standing.items():
        if assignment is not None and active.get(version, False):
            holders.setdefault(stage, []).append((_order(assignment), version))
    by_stage = {
        stage: tuple(v for _, v in sorted(pairs, reverse=True))
        for stage, pairs in sorted(holders.items())
    }
    current = {stage: versions[0] for stage, versions in by_stage.items()}
    staged: dict[str, list[str]] = {}
    for stage, version in current.items():
        staged.setdefault(version, []).append(stage)
    versions = tuple(
        ModelVersion(
            version=v,
            tag=e.tag,
            commit=e.commit,
            created=e.created,
            metrics=parse_release_message(e.message),
            stages=tuple(sorted(staged.get(v, ()))),
            active=active[v],
        )
        for v, e in sorted(registered.items(), key=lambda kv: version_order(kv[0]))
    )
    return ModelState(
        name=name,
        versions=versions,
        stages=current,
        history={s: tuple(v) for s, v in sorted(history.items())},
        next_counter=max(counters, default=0) + 1,
        deprecated=any(e.event is Event.deprecation for e in ordered),
        newest=max((e.created for e in ordered), default=0),
        holders=by_stage,
    )


def versions_by_commit(registered: Mapping[str, TagEvent]) -> dict[str, list[str]]:
    """The versions registered at each commit, in registration order."""
    index: dict[str, list[str]] = {}
    for version, event in registered.items():
        index.setdefault(event.commit, []).append(version)
    return index


def version_of_stage_event(event: TagEvent, by_commit: Mapping[str, Sequence[str]]) -> str | None:
    """The version a stage tag refers to: the one registered at its commit, as in GTO.

    ``by_commit`` is :func:`versions_by_commit` of the registrations. GTO reads no
    version from the message; None when no version is registered there. When several
    versions share the commit (GTO refuses that case), the message's version decides
    among them, else the latest registered.
    """
    at_commit = by_commit.get(event.commit, ())
    if len(at_commit) <= 1:
        return at_commit[0] if at_commit else None
    match = re.search(ASSIGNED_VERSION, event.message)
    named = match.group(1) if match else None
    return named if named in at_commit else at_commit[-1]


class HistoryEntry(NamedTuple):
    """One registry event as ``gto history`` lists it."""

    timestamp: str  # ISO 8601, UTC
    event: str
    version: str | None
    stage: str | None
    commit: str
    tag: str


def build_history(
    name: str, records: Iterable[TagRecord], *, stage: str | None = None
) -> tuple[HistoryEntry, ...]:
    """Every registry event of ``name``, newest first (GTO: by time, then event priority).

    A stage event's version is the one registered at its commit, else the commit's SHA
    (GTO's name for an unregistered commit). ``stage`` keeps only that stage's events.
    """
    events = [e for e in map(parse_tag, records) if e is not None and e.name == name]
    registered: dict[str, TagEvent] = {}
    for e in sorted(events, key=_order):
        if e.event is Event.registration and e.version:
            registered.setdefault(e.version, e)
    by_commit = versions_by_commit(registered)
    entries = []
    for e in sorted(events, key=lambda e: (e.created, PRIORITY[e.event], e.counter or 0)):
        if stage is not None and e.stage != stage:
            continue
        version = e.version
        if e.event in (Event.assignment, Event.unassignment):
            version = version_of_stage_event(e, by_commit) or e.commit
        when = iso_time(e.created)
        entries.append(HistoryEntry(when, e.event.value, version, e.stage, e.commit, e.tag))
    return tuple(reversed(entries))


def in_stage_order(stages: Iterable[str], order: Sequence[str]) -> tuple[str, ...]:
    """``stages`` in the policy's ``order`` (release.stages), then any others by name.

    A registry written by another tool (GTO) may hold stages the policy does not list:
    they follow the policy's, so a listing never hides one.
    """
    if not stages:
        return ()  # most versions hold no stage: a listing calls this once per version
    rank = {stage: i for i, stage in enumerate(order)}
    return tuple(sorted(set(stages), key=lambda s: (rank.get(s, len(rank)), s)))


def iso_time(created: int) -> str:
    """A tag's tagger time (Unix seconds) as ISO 8601 in UTC: ``2026-12-01T02:03:04+00:00``."""
    return datetime.fromtimestamp(created, tz=UTC).isoformat()
