"""DVC through its command line: status, push, and the remote's content check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cli.adapters import process
from cli.errors import ObjectNotCached, reason_line


def _json(argv: list[str], repo: Path) -> Any:
    done = process.run(argv, cwd=repo)
    text = done.stdout.strip()
    return json.loads(text) if text else {}


def pipeline_changes(repo: Path) -> dict[str, Any]:
    """``dvc status --json``: stages whose deps or outs changed (empty when up to date)."""
    return _json(["dvc", "status", "--json"], repo)


def remote_missing(repo: Path, remote: str | None = None) -> dict[str, Any]:
    """``dvc status --cloud --json``: objects the remote lacks (empty when it holds everything).

    DVC's push can print "Everything is up to date." when an object is in neither
    the cache nor the remote (treeverse/dvc#10498); this check catches that case.
    """
    argv = ["dvc", "status", "--cloud", "--json", *(["--remote", remote] if remote else [])]
    return _json(argv, repo)


def push(repo: Path, remote: str | None = None) -> None:
    """``dvc push`` of every output in dvc.lock (not ``--quiet``: that hides DVC's ERROR line)."""
    process.run(["dvc", "push", *(["--remote", remote] if remote else [])], cwd=repo)


def fetch_file(repo: Path, path: str, rev: str) -> bytes:
    """A DVC-tracked file's bytes at ``rev``, from the cache or the remote (``dvc get``)."""
    import tempfile  # on use: keeps every command's start-up short

    with tempfile.TemporaryDirectory(prefix="mlvc-get-") as tmp:
        target = Path(tmp) / "file"
        done = process.run(
            ["dvc", "get", str(repo.resolve()), path, "--rev", rev, "-o", str(target)],
            cwd=repo,
            check=False,
        )
        if done.returncode != 0 or not target.is_file():
            reason = reason_line(done.stderr or done.stdout)
            raise ObjectNotCached(path, rev, reason)
        return target.read_bytes()
