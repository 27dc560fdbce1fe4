"""Git operations for the registry: tags, work-tree state, remotes, file contents at a revision."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cli.adapters import process
from cli.core.registry import TagRecord
from cli.errors import CommandFailed, ToolkitError

_FIELD, _RECORD = "\x1f", "\x1e"
_FORMAT = (
    _FIELD.join(
        [
            "%(refname:strip=2)",
            "%(objecttype)",
            "%(*objectname)",
            "%(taggerdate:unix)",
            "%(contents)",
        ]
    )
    + _RECORD
)


class NotARepository(ToolkitError):
    """The directory is not inside a git work tree."""


class RegistryBusy(ToolkitError):
    """Another mlvc command holds the registry lock."""


def git(repo: Path, *args: str, check: bool = True, stdin: str | None = None) -> str:
    """Run ``git args`` in ``repo`` and return its stdout."""
    return process.run(["git", *args], cwd=repo, check=check, stdin=stdin).stdout


def ensure_repo(repo: Path) -> None:
    """A clear error outside a git work tree or before the first commit."""
    if not repo.is_dir():
        raise NotARepository(f"{repo}: no such directory")
    # one git call: prints "true" inside a work tree, then HEAD's SHA when there is a commit
    argv = ["git", "rev-parse", "--is-inside-work-tree", "--verify", "-q", "HEAD"]
    lines = process.run(argv, cwd=repo, check=False).stdout.split()
    if not lines or lines[0] != "true":
        raise NotARepository(f"{repo}: not a git repository", hint="run it inside your project")
    if len(lines) < 2:
        raise NotARepository(f"{repo}: the repository has no commits yet", hint="commit first")


def head_commit(repo: Path) -> str:
    """The full SHA of HEAD."""
    return git(repo, "rev-parse", "HEAD").strip()


def current_branch(repo: Path) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    done = process.run(["git", "symbolic-ref", "-q", "--short", "HEAD"], cwd=repo, check=False)
    return done.stdout.strip() or None


def dirty_paths(repo: Path) -> list[str]:
    """Tracked files with changes and untracked files that are not ignored."""
    out = git(repo, "status", "--porcelain", "--untracked-files=normal")
    return [line[3:] for line in out.splitlines() if line.strip()]


def annotated_tags(repo: Path) -> list[TagRecord]:
    """Every annotated tag with its commit, tagger time and message (one git call)."""
    out = git(repo, "for-each-ref", f"--format={_FORMAT}", "refs/tags")
    records = []
    for chunk in out.split(_RECORD):
        fields = chunk.strip("\n").split(_FIELD)
        if len(fields) != 5 or fields[1] != "tag":
            continue  # lightweight tags are not registry events (as in GTO)
        name, _, commit, created, message = fields
        records.append(TagRecord(name, commit, int(created or 0), message.strip()))
    return records


def registry_tags(repo: Path) -> list[TagRecord]:
    """``annotated_tags`` of a repository with commits, in one git call when there are tags.

    ``ensure_repo``'s checks (and their clear errors) run only when git fails or finds
    no tag: a listing spends one process start-up fewer, and reads a bare repository
    (a mirror) as well, since it needs no work tree.
    """
    if repo.is_dir():
        try:
            records = annotated_tags(repo)
        except CommandFailed:
            ensure_repo(repo)  # the clear error when it is no repository
            raise
        if records:
            return records
    ensure_repo(repo)
    return []


def tag_exists(repo: Path, tag: str) -> bool:
    done = process.run(
        ["git", "rev-parse", "-q", "--verify", f"refs/tags/{tag}"], cwd=repo, check=False
    )
    return done.returncode == 0


def create_tag(repo: Path, tag: str, commit: str, message: str, *, after: int = 0) -> None:
    """Create an annotated tag (the message is read from stdin, so any text is safe).

    Its tagger time is made later than ``after`` (seconds since the epoch): GTO orders
    registry events by tagger time in whole seconds, so two tags of one artifact in the
    same second would be read in an arbitrary order.
    """
    _, when, zone = git(repo, "var", "GIT_COMMITTER_IDENT").strip().rsplit(" ", 2)
    env = None
    if int(when) <= after:
        env = process.tool_env({"GIT_COMMITTER_DATE": f"{after + 1} {zone}"})
    argv = ["git", "tag", "--annotate", "--file=-", tag, commit]
    process.run(argv, cwd=repo, env=env, stdin=message + "\n")


def delete_tag(repo: Path, tag: str) -> None:
    git(repo, "tag", "--delete", tag, check=False)


def default_remote(repo: Path) -> str:
    """``origin`` if it exists, else the only remote; a clear error when there is none."""
    remotes = git(repo, "remote").split()
    if not remotes:
        raise ToolkitError(
            f"{repo}: no git remote configured", hint="add one with 'git remote add origin URL'"
        )
    return "origin" if "origin" in remotes else remotes[0]


def push_tag(repo: Path, remote: str, tag: str) -> None:
    git(repo, "push", "--quiet", remote, f"refs/tags/{tag}")


def show(repo: Path, rev: str, path: str) -> str | None:
    """A file's text at ``rev``, or None when it does not exist there."""
    done = process.run(["git", "show", f"{rev}:{path}"], cwd=repo, check=False)
    return done.stdout if done.returncode == 0 else None


@contextmanager
def registry_lock(repo: Path) -> Iterator[None]:
    """One registry-changing command at a time per repository (a lock file in .git)."""
    git_dir = Path(git(repo, "rev-parse", "--absolute-git-dir").strip())
    lock = git_dir / "mlvc-registry.lock"
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        raise RegistryBusy(
            f"{lock}: another mlvc release or promotion is running in this repository",
            hint="wait for it; if none is running, delete the lock file",
        ) from None
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)
