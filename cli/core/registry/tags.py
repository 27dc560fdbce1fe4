"""GTO's tag grammar (``gto/tag.py``): tag names parsed into events and built from parts;
release messages; ``NAME@vX.Y.Z`` / ``NAME@stage`` shortcuts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from cli.core.registry.state import ModelState

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
SHORTCUT = rf"^(?P<name>{NAME})(?:#(?P<stage>{STAGE})|@(?P<version>latest|greatest|v?{SEMVER}))$"
SEMVER_RE = re.compile(SEMVER)
# the version a stage tag's message names (read only when several versions share a commit)
ASSIGNED_VERSION = r"version '?(v" + SEMVER + r")'?"
# SHORTCUT and ASSIGNED_VERSION stay pattern texts: ``re`` compiles each on first use and
# keeps it, so a listing (which parses no shortcut) never compiles them
METRIC_LINE_RE = re.compile(r"metric\.([\w.-]+):\s*(-?[\d.eE+-]+)\s*")
DEFAULT_STAGES = ("dev", "staging", "prod")
# the prerelease key of a release: it sorts after all of its pre-releases
RELEASE: tuple[Any, ...] = ((2, 0, ""),)


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
        key = parts if pre else RELEASE
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
            if self.prerelease and self.prerelease != RELEASE:
                return Version.parse(f"{self.major}.{self.minor}.{self.patch}")
            return Version.parse(f"{self.major}.{self.minor}.{self.patch + 1}")
        raise ValueError(f"bump must be major, minor or patch, not '{part}'")


def version_order(text: str) -> tuple[Any, ...]:
    """The precedence key of a valid SemVer ``text`` (``vX.Y.Z...``): sorting by it orders
    versions as :class:`Version` does. A plain ``vX.Y.Z`` is read without the grammar."""
    parts = text.removeprefix("v").split(".")
    if len(parts) == 3 and all(part.isdecimal() for part in parts):
        return (int(parts[0]), int(parts[1]), int(parts[2]), RELEASE)
    version = Version.parse(text)
    return (version.major, version.minor, version.patch, version.prerelease)


class TagRecord(NamedTuple):
    """One annotated git tag as read from the repository."""

    tag: str
    commit: str
    created: int  # tagger time, seconds since the epoch
    message: str


class TagEvent(NamedTuple):
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


class Shortcut(NamedTuple):
    """A reference to one version: ``NAME@vX.Y.Z``, ``NAME@latest`` or ``NAME#STAGE``."""

    name: str
    version: Version | None = None  # NAME@vX.Y.Z
    stage: str | None = None  # NAME#STAGE: the version the stage holds now
    latest: bool = False  # NAME@latest / NAME@greatest: the highest active version


def parse_shortcut(text: str) -> Shortcut:
    """Parse GTO's shortcut grammar; ValueError for anything else."""
    match = re.fullmatch(SHORTCUT, text)
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
