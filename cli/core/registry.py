"""The model registry on git tags, in GTO's grammar, and the release/promotion gates.

Tags (``gto/tag.py``): ``NAME@vX.Y.Z`` registers a version, ``NAME@vX.Y.Z!``
deregisters it, ``NAME#STAGE#N`` assigns a stage, ``NAME#STAGE!#N`` unassigns
it, ``NAME@deprecated`` deprecates the artifact. ``N`` is one counter per
artifact shared by every stage: the highest existing counter + 1. Only
annotated tags count. Pure functions: tags in, state out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

NAME = r"[a-zA-Z0-9]([a-zA-Z0-9-/_]*[a-zA-Z0-9])?"
SEMVER = (
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
STAGE = r"[a-zA-Z0-9]([a-zA-Z0-9-_]*[a-zA-Z0-9])?"
TAG_RE = re.compile(
    rf"^(?P<name>{NAME})(?:"
    rf"@v(?P<version>{SEMVER})(?P<dereg>!)?(?:#(?P<vcounter>\d+))?"
    rf"|#(?P<stage>{STAGE})(?P<unassign>!)?#(?P<counter>\d+)"
    rf"|@(?P<deprecated>deprecated)(?:#(?P<dcounter>\d+))?"
    r")$"
)
# GTO's shortcuts (``gto/constants.py``: ``shortcut_re``), as ``gto show`` accepts them;
# a bare X.Y.Z is accepted too, as everywhere in mlvc
SHORTCUT_RE = re.compile(
    rf"^(?P<name>{NAME})(?:#(?P<stage>{STAGE})|@(?P<version>latest|greatest|v?{SEMVER}))$"
)
SEMVER_RE = re.compile(SEMVER)
ASSIGNED_VERSION_RE = re.compile(r"version '?(v" + SEMVER + r")'?")
METRIC_LINE_RE = re.compile(r"metric\.([\w.-]+):\s*(-?[\d.eE+-]+)\s*")
DEFAULT_STAGES = ("dev", "staging", "prod")


class Event(StrEnum):
    """What a registry tag records (GTO's event names)."""

    registration = "registration"
    deregistration = "deregistration"
    assignment = "assignment"
    unassignment = "unassignment"
    deprecation = "deprecation"


@dataclass(frozen=True, order=True)
class Version:
    """A SemVer version, ordered by precedence (pre-releases before the release)."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[Any, ...] = ()
    text: str = field(default="", compare=False)

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``1.2.3`` or ``v1.2.3`` (with optional -pre and +build); ValueError otherwise."""
        match = SEMVER_RE.fullmatch(text[1:] if text.startswith("v") else text)
        if not match:
            raise ValueError(f"'{text}' is not a SemVer version like 1.2.3 or v1.2.3-rc.1")
        major, minor, patch, pre, _build = match.groups()
        parts = tuple(
            (0, int(p), "") if p.isdigit() else (1, 0, p) for p in (pre or "").split(".") if p
        )
        # a release sorts after all of its pre-releases
        key = parts if pre else ((2, 0, ""),)
        return cls(int(major), int(minor), int(patch), key, match.group(0))

    def __str__(self) -> str:
        return f"v{self.text}"

    def bump(self, part: str) -> Version:
        """The next version: ``major``, ``minor`` or ``patch``."""
        if part == "major":
            return Version.parse(f"{self.major + 1}.0.0")
        if part == "minor":
            return Version.parse(f"{self.major}.{self.minor + 1}.0")
        if part == "patch":
            if self.prerelease and self.prerelease != ((2, 0, ""),):
                return Version.parse(f"{self.major}.{self.minor}.{self.patch}")
            return Version.parse(f"{self.major}.{self.minor}.{self.patch + 1}")
        raise ValueError(f"bump must be major, minor or patch, not '{part}'")


@dataclass(frozen=True)
class TagRecord:
    """One annotated git tag as read from the repository."""

    tag: str
    commit: str
    created: int  # tagger time, seconds since the epoch
    message: str


@dataclass(frozen=True)
class TagEvent:
    """A registry tag, parsed."""

    tag: str
    name: str
    event: Event
    version: str | None  # "v1.2.3"
    stage: str | None
    counter: int | None
    commit: str
    created: int
    message: str


@dataclass(frozen=True)
class Shortcut:
    """A reference to one version: ``NAME@vX.Y.Z``, ``NAME@latest`` or ``NAME#STAGE``."""

    name: str
    version: Version | None = None  # NAME@vX.Y.Z
    stage: str | None = None  # NAME#STAGE: the version the stage holds now
    latest: bool = False  # NAME@latest / NAME@greatest: the highest active version


def parse_shortcut(text: str) -> Shortcut:
    """Parse GTO's shortcut grammar; ValueError for anything else."""
    match = SHORTCUT_RE.fullmatch(text)
    if not match:
        raise ValueError(f"'{text}' is not NAME@vX.Y.Z, NAME@latest or NAME#STAGE")
    name, stage, version = match.group("name", "stage", "version")
    if stage is not None:
        return Shortcut(name, stage=stage)
    if version in ("latest", "greatest"):
        return Shortcut(name, latest=True)
    return Shortcut(name, version=Version.parse(version))


def resolve_shortcut(state: ModelState, shortcut: Shortcut) -> str | None:
    """The version (``vX.Y.Z``) a shortcut names in ``state``, or None when it names none."""
    if shortcut.stage is not None:
        return state.stages.get(shortcut.stage)
    if shortcut.latest:
        return state.latest.version if state.latest else None
    return str(shortcut.version)


def version_tag(name: str, version: Version) -> str:
    """``NAME@vX.Y.Z``"""
    return f"{name}@{version}"


def stage_tag(name: str, stage: str, counter: int, *, unassign: bool = False) -> str:
    """``NAME#STAGE#N`` (or ``NAME#STAGE!#N``)."""
    return f"{name}#{stage}{'!' if unassign else ''}#{counter}"


def parse_tag(record: TagRecord) -> TagEvent | None:
    """The registry event of a tag, or None for tags outside GTO's grammar."""
    match = TAG_RE.match(record.tag)
    if not match:
        return None
    g = match.groupdict()
    if g["version"] is not None:
        event = Event.deregistration if g["dereg"] else Event.registration
        counter = g["vcounter"]
        version = f"v{g['version']}"
        stage = None
    elif g["stage"] is not None:
        event = Event.unassignment if g["unassign"] else Event.assignment
        counter, version, stage = g["counter"], None, g["stage"]
    else:
        event, counter, version, stage = Event.deprecation, g["dcounter"], None, None
    return TagEvent(
        tag=record.tag,
        name=g["name"],
        event=event,
        version=version,
        stage=stage,
        counter=int(counter) if counter is not None else None,
        commit=record.commit,
        created=record.created,
        message=record.message,
    )


@dataclass(frozen=True)
class ModelVersion:
    """One registered version of a model."""

    version: str
    tag: str
    commit: str
    created: int
    metrics: Mapping[str, float]
    stages: tuple[str, ...]  # stages currently pointing at this version
    active: bool  # False once deregistered


@dataclass(frozen=True)
class ModelState:
    """Everything the registry knows about one model."""

    name: str
    versions: tuple[ModelVersion, ...]  # ascending SemVer
    stages: Mapping[str, str]  # stage -> version currently assigned
    history: Mapping[str, tuple[str, ...]]  # stage -> versions assigned, oldest first
    next_counter: int
    deprecated: bool
    newest: int = 0  # tagger time of the artifact's newest registry tag (GTO orders by it)
    # stage -> active versions whose last event for that stage is an assignment, the most
    # recently assigned first: the first holds the stage, the rest are what it falls back to
    holders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def latest(self) -> ModelVersion | None:
        active = [v for v in self.versions if v.active]
        return active[-1] if active else None

    def find(self, version: str) -> ModelVersion | None:
        return next((v for v in self.versions if v.version == version), None)


def parse_release_message(message: str) -> dict[str, float]:
    """Metrics recorded in a release tag's message (``metric.NAME: VALUE`` lines)."""
    metrics: dict[str, float] = {}
    for line in message.splitlines():
        if "metric." not in line:
            continue  # most lines: skip the strip and the match
        match = METRIC_LINE_RE.fullmatch(line.strip())
        if match is None:
            continue
        try:
            metrics[match.group(1)] = float(match.group(2))
        except ValueError:
            continue  # not a number ('e', '1-2'): absent, so a gate reading it fails closed
    return metrics


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
    for e in ordered:
        if e.event not in (Event.assignment, Event.unassignment):
            continue
        version = version_of_stage_event(e, registered)
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
        for v, e in sorted(registered.items(), key=lambda kv: Version.parse(kv[0]))
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


def version_of_stage_event(event: TagEvent, registered: Mapping[str, TagEvent]) -> str | None:
    """The version a stage tag refers to: the one registered at its commit, as in GTO.

    GTO reads no version from the message; None when no version is registered there.
    When several versions share the commit (GTO refuses that case), the message's
    version decides among them, else the latest registered.
    """
    at_commit = [v for v, e in registered.items() if e.commit == event.commit]
    if len(at_commit) <= 1:
        return at_commit[0] if at_commit else None
    match = ASSIGNED_VERSION_RE.search(event.message)
    named = match.group(1) if match else None
    return named if named in at_commit else at_commit[-1]


@dataclass(frozen=True)
class HistoryEntry:
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
    entries = []
    for e in sorted(events, key=lambda e: (e.created, PRIORITY[e.event], e.counter or 0)):
        if stage is not None and e.stage != stage:
            continue
        version = e.version
        if e.event in (Event.assignment, Event.unassignment):
            version = version_of_stage_event(e, registered) or e.commit
        when = datetime.fromtimestamp(e.created, tz=UTC).isoformat()
        entries.append(HistoryEntry(when, e.event.value, version, e.stage, e.commit, e.tag))
    return tuple(reversed(entries))


# --- gates ---------------------------------------------------------------------


@dataclass(frozen=True)
class MetricGate:
    """MLflow-style validation threshold for one metric."""

    metric: str
    higher_is_better: bool = True
    threshold: float | None = None  # absolute bound the new value must reach
    min_absolute_change: float | None = None  # vs the latest release, in the better direction
    min_relative_change: float | None = None  # fraction of the latest release's value


@dataclass(frozen=True)
class GateResult:
    """One gate, passed or not, with what it compared."""

    gate: str
    ok: bool
    detail: str


def _unusable(metrics: Mapping[str, Any], metric: str) -> str | None:
    """Why ``metrics[metric]`` cannot be gated (missing, not a number, not finite); else None."""
    if metric not in metrics:
        return f"{metric} is missing from the metrics"
    value = metrics[metric]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{metric} is not a number: {value!r}"
    if not math.isfinite(value):
        return f"{metric} is not finite: {value!r}"
    return None


def check_metric_gates(
    gates: Sequence[MetricGate],
    metrics: Mapping[str, Any],
    baseline: Mapping[str, float] | None,
    *,
    baseline_label: str = "the latest release",
) -> list[GateResult]:
    """Evaluate every gate; a change gate passes trivially when there is no baseline.

    Fails closed: a gated metric that is missing, not a number (a string,
    null, a boolean) or not finite (NaN, an infinity) fails its gate, named
    with the value received; so does a baseline value that is not finite.
    """
    results: list[GateResult] = []
    for gate in gates:
        name = f"metric {gate.metric}"
        problem = _unusable(metrics, gate.metric)
        if problem is not None:
            results.append(GateResult(name, False, problem))
            continue
        value = float(metrics[gate.metric])
        sign = 1 if gate.higher_is_better else -1
        better = "higher" if gate.higher_is_better else "lower"
        if gate.threshold is not None:
            ok = sign * (value - gate.threshold) >= 0
            relation = ">=" if gate.higher_is_better else "<="
            results.append(
                GateResult(f"{name} threshold", ok, f"{value:g} {relation} {gate.threshold:g}")
            )
        old = (baseline or {}).get(gate.metric)
        if old is None:
            continue
        if _unusable(baseline or {}, gate.metric) is not None:
            results.append(
                GateResult(f"{name} change", False, f"{baseline_label}'s {gate.metric} is {old!r}")
            )
            continue
        change = sign * (value - old)  # positive = better
        if gate.min_absolute_change is not None:
            ok = change >= gate.min_absolute_change
            results.append(
                GateResult(
                    f"{name} change",
                    ok,
                    f"{old:g} -> {value:g} vs {baseline_label}: {change:+g} ({better} is better),"
                    f" needs >= {gate.min_absolute_change:+g}",
                )
            )
        if gate.min_relative_change is not None and old != 0:
            relative = change / abs(old)
            ok = relative >= gate.min_relative_change
            results.append(
                GateResult(
                    f"{name} relative change",
                    ok,
                    f"{relative:+.2%} vs {baseline_label},"
                    f" needs >= {gate.min_relative_change:+.2%}",
                )
            )
    return results


def check_promotion_order(
    state: ModelState, version: str, stage: str, order: Sequence[str]
) -> GateResult:
    """A version may enter a stage only after it has been in the stage before it."""
    if stage not in order:
        return GateResult(
            "stage order", False, f"unknown stage '{stage}'; stages are: {' -> '.join(order)}"
        )
    position = order.index(stage)
    if position == 0:
        return GateResult("stage order", True, f"'{stage}' is the first stage")
    previous = order[position - 1]
    if version in state.history.get(previous, ()):
        return GateResult("stage order", True, f"{version} has been in '{previous}'")
    return GateResult(
        "stage order",
        False,
        f"{version} has never been in '{previous}', which comes before '{stage}'",
    )
