"""Reading project files as they are at a git revision, or in the workspace.

Git-tracked files (metrics, plots, ``params.yaml``, ``dvc.lock``,
``data/validation.json``) are read with ``git show REV:path``. DVC-cached data
files are found by the md5 that ``dvc.lock`` records: in the local DVC cache,
or in the workspace when the file there has that md5. Nothing is fetched from
a remote; content that is not available locally is reported as missing (None).
"""

from __future__ import annotations

import configparser
import csv
import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cli.adapters import process
from cli.adapters.files import md5_file
from cli.errors import CommandFailed, ToolkitError

_MISSING_PATH_MARKERS = ("does not exist in", "exists on disk, but not in")


@dataclass(frozen=True)
class Revision:
    """A place to read files from: a commit of ``repo``, or its workspace (``rev`` None)."""

    repo: Path
    rev: str | None
    commit: str | None

    @property
    def is_workspace(self) -> bool:
        return self.rev is None


def _git(repo: Path, *args: str, check: bool = True) -> str:
    return process.run(["git", *args], cwd=repo, check=check).stdout


def _require_repository(repo: Path) -> None:
    if not repo.is_dir():
        raise ToolkitError(f"{repo}: no such directory", hint="pass --repo with the project root")
    done = process.run(["git", "rev-parse", "--git-dir"], cwd=repo, check=False)
    if done.returncode != 0:
        raise ToolkitError(f"{repo}: not a git repository", hint="run it from the project root")


def workspace(repo: Path) -> Revision:
    """The files on disk in ``repo`` (which must be a git repository)."""
    _require_repository(repo)
    return Revision(repo=repo, rev=None, commit=None)


def resolve(repo: Path, rev: str) -> Revision:
    """The commit ``rev`` names in ``repo``; a clear error when git does not know it."""
    _require_repository(repo)
    if not rev or rev.startswith("-"):
        raise ToolkitError(f"'{rev}' is not a revision", hint="pass a branch, tag or commit")
    done = process.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd=repo,
        check=False,
    )
    if done.returncode != 0:
        if rev.startswith("origin/"):
            hint = f"fetch it first: git fetch origin {rev.removeprefix('origin/')}"
        elif rev == "HEAD":
            hint = "the repository has no commits yet: commit first"
        else:
            hint = "check the name with 'git log --oneline' or 'git branch -a'"
        raise ToolkitError(f"{repo}: unknown revision '{rev}'", hint=hint)
    return Revision(repo=repo, rev=rev, commit=done.stdout.strip())


def read_text(revision: Revision, path: str | PurePosixPath) -> str | None:
    """The text of ``path`` at ``revision``; None when the file does not exist there."""
    name = PurePosixPath(path).as_posix()
    if revision.is_workspace:
        target = revision.repo / name
        return target.read_text(encoding="utf-8") if target.is_file() else None
    done = process.run(["git", "show", f"{revision.commit}:{name}"], cwd=revision.repo, check=False)
    if done.returncode == 0:
        return done.stdout
    if any(marker in done.stderr for marker in _MISSING_PATH_MARKERS):
        return None
    raise CommandFailed(["git", "show", f"{revision.commit}:{name}"], done.returncode, done.stderr)


def list_files(revision: Revision, folder: str, suffix: str = "") -> list[str]:
    """Paths (``folder/name``) of the files directly inside ``folder`` at ``revision``, sorted."""
    prefix = PurePosixPath(folder).as_posix().rstrip("/")
    if revision.is_workspace:
        base = revision.repo / prefix
        if not base.is_dir():
            return []
        return sorted(
            f"{prefix}/{p.name}" for p in base.iterdir() if p.is_file() and p.name.endswith(suffix)
        )
    listing = _git(revision.repo, "ls-tree", "--name-only", f"{revision.commit}", f"{prefix}/")
    return sorted(line for line in listing.splitlines() if line.endswith(suffix))


def cache_dir(repo: Path) -> Path:
    """The local DVC cache of ``repo``: ``cache.dir`` from ``.dvc/config[.local]``, else default."""
    dvc_dir = repo / ".dvc"
    for name in ("config.local", "config"):
        config = configparser.ConfigParser(interpolation=None)
        try:
            config.read(dvc_dir / name, encoding="utf-8")
        except configparser.Error:
            continue
        if config.has_option("cache", "dir"):
            value = Path(config.get("cache", "dir").strip().strip("'\""))
            return value if value.is_absolute() else (dvc_dir / value)
    return dvc_dir / "cache"


def cached_file(repo: Path, md5: str) -> Path | None:
    """The file in the local DVC cache with this md5 (DVC 3 or DVC 2 layout), if present."""
    if len(md5) != 32 or not all(c in "0123456789abcdef" for c in md5):
        return None  # directories (".dir") and unknown hashes
    root = cache_dir(repo)
    for candidate in (root / "files" / "md5" / md5[:2] / md5[2:], root / md5[:2] / md5[2:]):
        if candidate.is_file():
            return candidate
    return None


def count_rows(text: str) -> int:
    """Data rows of a CSV text (records after the header; quoted newlines stay in their record)."""
    return max(sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1, 0)


def _count_file_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def csv_rows(revision: Revision, path: str, md5: str) -> int | None:
    """Rows of the CSV output ``path`` whose md5 at ``revision`` is ``md5``; None if not local.

    Looks in the local DVC cache, then the workspace file (if its md5 matches),
    then git (outputs with ``cache: false`` are committed). Never downloads.
    """
    cached = cached_file(revision.repo, md5)
    try:
        if cached is not None:
            return _count_file_rows(cached)
        on_disk = revision.repo / path
        if on_disk.is_file() and md5_file(on_disk) == md5:
            return _count_file_rows(on_disk)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if not revision.is_workspace:
        text = read_text(revision, path)
        if text is not None:
            try:
                return count_rows(text)
            except csv.Error:
                return None
    return None
