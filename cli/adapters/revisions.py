"""Reading project files as they are at a git revision, or in the workspace.

A revision is anything git resolves, or the name of a DVC experiment (found
among the refs under ``refs/exps/``, without importing DVC). Git-tracked files
(metrics, plots, ``params.yaml``, ``dvc.lock``, ``data/validation.json``) are
read with ``git show REV:path``. DVC-cached data
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
from cli.adapters.files import contained, md5_file
from cli.errors import (
    AmbiguousExperiment,
    CommandFailed,
    NotARepository,
    NotARevision,
    PathOutsideRepository,
    UnknownRevision,
)

_MISSING_PATH_MARKERS = ("does not exist in", "exists on disk, but not in")
EXPS_NAMESPACE = "refs/exps/"  # DVC experiments (dvc/repo/experiments/refs.py)


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
        what = "a file, not a directory" if repo.exists() else "no such directory"
        raise NotARepository(f"{repo}: {what}", hint="pass --repo with the project root")
    done = process.run(["git", "rev-parse", "--git-dir"], cwd=repo, check=False)
    if done.returncode != 0:
        raise NotARepository(f"{repo}: not a git repository", hint="run it from the project root")


def workspace(repo: Path) -> Revision:
    """The files on disk in ``repo`` (which must be a git repository)."""
    _require_repository(repo)
    return Revision(repo=repo, rev=None, commit=None)


def _commit(repo: Path, rev: str) -> str | None:
    """The commit git resolves ``rev`` to (branch, tag, SHA, any ref), or None."""
    done = process.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd=repo,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def experiments(repo: Path) -> dict[str, list[tuple[str, str]]]:
    """DVC experiments by name: ``name -> [(ref, commit), ...]``, read from git refs alone.

    DVC stores an experiment as ``refs/exps/<2 hex>/<38 hex>/<name>``: the
    baseline commit's SHA split after two characters, then the experiment's
    name (``dvc/repo/experiments/refs.py``). Refs of DVC's own bookkeeping
    (``refs/exps/stash``, ``exec/``, ``apply/``, ``celery/``, ``temp/``) do not
    have that shape and are skipped.
    """
    listing = _git(repo, "for-each-ref", "--format=%(refname) %(objectname)", EXPS_NAMESPACE)
    found: dict[str, list[tuple[str, str]]] = {}
    for line in listing.splitlines():
        ref, _, commit = line.partition(" ")
        parts = ref.split("/")
        if len(parts) == 5 and _is_hex(parts[2], 2) and _is_hex(parts[3], 38) and parts[4]:
            found.setdefault(parts[4], []).append((ref, commit))
    return found


def _is_hex(text: str, length: int) -> bool:
    return len(text) == length and all(c in "0123456789abcdef" for c in text)


def _experiment_commit(repo: Path, name: str) -> str | None:
    """The commit of the DVC experiment ``name``, as ``dvc exp show`` lists it; None if none.

    Several experiments may share a name across baselines: the one whose
    baseline is HEAD wins (as in DVC); otherwise the name is ambiguous.
    """
    matches = experiments(repo).get(name, [])
    if len(matches) <= 1:
        return matches[0][1] if matches else None
    head = _commit(repo, "HEAD") or ""
    for ref, commit in matches:
        if ref.split("/")[2] + ref.split("/")[3] == head:
            return commit
    raise AmbiguousExperiment(str(repo), name, sorted(ref for ref, _ in matches))


def resolve(repo: Path, rev: str) -> Revision:
    """The commit ``rev`` names in ``repo``; a clear error when neither git nor DVC knows it.

    Git's revision syntax comes first (branch, tag, SHA, ``refs/exps/...``);
    a name git does not know is then looked up among DVC experiment names.
    So a branch or tag wins over an experiment of the same name (as in DVC).
    """
    _require_repository(repo)
    if not rev or rev.startswith("-"):
        raise NotARevision(rev)
    commit = _commit(repo, rev)
    if commit is None and rev != "HEAD" and not rev.startswith("refs/"):
        commit = _experiment_commit(repo, rev)
    if commit is None:
        if rev.startswith("origin/"):
            hint = f"fetch it first: git fetch origin {rev.removeprefix('origin/')}"
        elif rev == "HEAD":
            hint = "the repository has no commits yet: commit first"
        else:
            hint = "check the name with 'git log --oneline', 'git branch -a' or 'dvc exp list'"
        raise UnknownRevision(str(repo), rev, hint=hint)
    return Revision(repo=repo, rev=rev, commit=commit)


def read_text(revision: Revision, path: str | PurePosixPath) -> str | None:
    """The text of ``path`` at ``revision``; None when the file does not exist there."""
    name = PurePosixPath(path).as_posix()
    if revision.is_workspace:
        target = _inside(revision.repo, name)
        return target.read_text(encoding="utf-8") if target and target.is_file() else None
    done = process.run(["git", "show", f"{revision.commit}:{name}"], cwd=revision.repo, check=False)
    if done.returncode == 0:
        return done.stdout
    if any(marker in done.stderr for marker in _MISSING_PATH_MARKERS):
        return None
    raise CommandFailed(["git", "show", f"{revision.commit}:{name}"], done.returncode, done.stderr)


def _inside(repo: Path, path: str) -> Path | None:
    """The file ``path`` (from ``dvc.lock``: untrusted) names in ``repo``; None outside it.

    Symlinks are resolved (the last part too): only a file inside ``repo``, or one
    at a content address of its DVC cache (:func:`is_cache_file`, where
    ``cache.type: symlink`` links outputs), is ever read.
    """
    try:
        return contained(repo, path, source="dvc.lock", link_ok=lambda p: is_cache_file(repo, p))
    except PathOutsideRepository:
        return None


def is_cache_file(repo: Path, path: Path) -> bool:
    """Whether ``path`` (resolved) is a file at a content address of ``repo``'s DVC cache.

    The address is ``files/md5/<2 hex>/<30 hex>`` (DVC 3) or ``<2 hex>/<30 hex>``
    (DVC 2) under :func:`cache_dir`; any other file there (or anywhere) is not one,
    so a ``cache.dir`` set by a commit cannot open an arbitrary folder to reads.
    """
    try:
        relative = path.relative_to(cache_dir(repo).resolve()).parts
    except ValueError:
        return False
    address = relative[2:] if relative[:2] == ("files", "md5") else relative
    return (
        len(address) == 2 and _is_hex(address[0], 2) and _is_hex(address[1], 30) and path.is_file()
    )


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
        on_disk = _inside(revision.repo, path)
        if on_disk is not None and on_disk.is_file() and md5_file(on_disk) == md5:
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
