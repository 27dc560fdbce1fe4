"""Rerunning the DVC pipeline in a clean clone, and reading ``dvc.lock``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli import paths
from cli.adapters import process
from cli.adapters.files import read_yaml


def locked_outputs(lock: Any) -> dict[tuple[str, str], str]:
    """``(stage, path) → md5`` for every output recorded in a parsed ``dvc.lock``."""
    stages = lock.get("stages", {}) if isinstance(lock, dict) else {}
    return {
        (stage, out["path"]): out.get("md5", "")
        for stage, entry in stages.items()
        for out in entry.get("outs", []) or []
    }


def clean_clone(repo: Path, dest: Path) -> None:
    """Clone the committed state of ``repo`` into ``dest`` (no workspace files, no DVC cache)."""
    process.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(repo.resolve()), str(dest)], cwd=repo
    )


def repro(workdir: Path, *, site_cache: Path, force: bool = True) -> str:
    """Run ``dvc repro`` in ``workdir`` with its own site cache; return DVC's output."""
    process.run(["dvc", "config", "--local", "core.site_cache_dir", str(site_cache)], cwd=workdir)
    argv = ["dvc", "repro", *(["--force"] if force else [])]
    return process.run(argv, cwd=workdir).stdout


def read_lock(workdir: Path) -> Any:
    """The parsed ``dvc.lock`` of ``workdir``."""
    return read_yaml(workdir / paths.DVC_LOCK, what="DVC lock file")
