"""Rerunning the DVC pipeline in a clean clone, and reading ``dvc.lock``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli import paths
from cli.adapters import process
from cli.adapters.files import read_yaml


def clean_clone(repo: Path, dest: Path) -> None:
    """Clone the committed state of ``repo`` into ``dest`` (no workspace files, no DVC cache)."""
    process.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(repo.resolve()), str(dest)], cwd=repo
    )


def repro_from_scratch(workdir: Path, *, cache: Path, site_cache: Path) -> str:
    """Run every stage of ``workdir``'s pipeline from its raw inputs; return DVC's output.

    Nothing earlier can stand in for a run: the DVC cache and the site cache are
    the empty folders given here (set in ``.dvc/config.local``, which outranks
    a ``cache.dir`` in the committed ``.dvc/config`` and the user's global
    config), ``--force`` runs stages whose dependencies did not change and
    ``--no-run-cache`` never restores outputs from an earlier run.
    """
    for key, value in (("cache.dir", cache), ("core.site_cache_dir", site_cache)):
        process.run(["dvc", "config", "--local", key, str(value)], cwd=workdir)
    return process.run(["dvc", "repro", "--force", "--no-run-cache"], cwd=workdir).stdout


def read_lock(workdir: Path) -> Any:
    """The parsed ``dvc.lock`` of ``workdir``."""
    return read_yaml(workdir / paths.DVC_LOCK, what="DVC lock file")
