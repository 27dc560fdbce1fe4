"""Outcomes of ``mlvc release | promote | rollback | checkout``: the registry's writes.

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
class CheckoutResult:
    """Files restored into the workspace for a model version, with verified hashes."""

    model: str
    version: str
    files: tuple[tuple[str, str], ...]  # (path, md5)

    @property
    def ok(self) -> bool:
        return True
