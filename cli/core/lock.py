"""The outputs and dependencies recorded in a parsed ``dvc.lock``: the one reader of that file.

A lock is untrusted (it may come from any commit): entries that are not mappings,
and outputs without a string ``path``, are left out, so a caller looking for an
output finds it missing rather than crashing on the shape of the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LockedOutput:
    """An output recorded in ``dvc.lock``; ``md5`` is ``""`` when the lock records none."""

    path: str
    stage: str
    md5: str
    nfiles: int | None = None  # directories only


def locked_outputs(lock: Any) -> dict[tuple[str, str], LockedOutput]:
    """``(stage, path) -> LockedOutput`` for every well-formed output of ``lock``."""
    return {
        (stage, entry["path"]): _output(stage, entry) for stage, entry in _entries(lock, "outs")
    }


def locked_deps(lock: Any) -> dict[tuple[str, str], str]:
    """``(stage, path) -> md5`` (``""`` when none) for every well-formed dependency of ``lock``."""
    return {
        (stage, entry["path"]): _output(stage, entry).md5 for stage, entry in _entries(lock, "deps")
    }


def _entries(lock: Any, kind: str) -> list[tuple[str, Mapping[str, Any]]]:
    """``(stage, entry)`` for each mapping with a string ``path`` in a stage's ``kind`` list."""
    stages = lock.get("stages") if isinstance(lock, Mapping) else None
    if not isinstance(stages, Mapping):
        return []
    found = []
    for stage, body in stages.items():
        listed = body.get(kind) if isinstance(body, Mapping) else None
        for entry in listed if isinstance(listed, list) else []:
            if isinstance(entry, Mapping) and isinstance(entry.get("path"), str):
                found.append((str(stage), entry))
    return found


def outputs_by_path(lock: Any) -> dict[str, LockedOutput]:
    """``path -> LockedOutput`` for every well-formed output of ``lock``."""
    return {out.path: out for out in locked_outputs(lock).values()}


def _output(stage: str, out: Mapping[str, Any]) -> LockedOutput:
    md5, nfiles = out.get("md5"), out.get("nfiles")
    return LockedOutput(
        path=out["path"],
        stage=stage,
        md5=md5 if isinstance(md5, str) else "",
        nfiles=nfiles if isinstance(nfiles, int) and not isinstance(nfiles, bool) else None,
    )
