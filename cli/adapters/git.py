"""Git operations for the registry: tags, work-tree state, remotes, file contents at a revision.

The registry lock uses ``fcntl.flock``: POSIX only (Windows is not a target).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cli.adapters import process
from cli.adapters.startup import FIELD, RECORD, TAG_LISTING, TagListing
from cli.core.registry import TagRecord
from cli.errors import (
    CommandFailed,
    NoGitRemote,
    NotARepository,
    PushRejected,
    RegistryBusy,
    RemoteUnreachable,
    TagExists,
    TagOnRemote,
)

# " ! [rejected]  TAG -> TAG (already exists)", " ! [remote rejected] TAG -> TAG (hook declined)"
_REJECTED_RE = re.compile(r"!\s+\[(rejected|remote rejected)\][^(\n]*\(([^)\n]*)\)")
_USERINFO_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@")


def git(repo: Path, *args: str, check: bool = True, stdin: str | None = None) -> str:
    """Run ``git args`` in ``repo`` and return its stdout."""
    return process.run(["git", *args], cwd=repo, check=check, stdin=stdin).stdout


def ensure_repo(repo: Path) -> None:
    """A clear error outside a git work tree or before the first commit."""
    if not repo.is_dir():
        what = "a file, not a directory" if repo.exists() else "no such directory"
        raise NotARepository(
            f"{repo}: {what}", hint="give --repo the folder of a git repository (default: here)"
        )
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


def _tag_listing_output(repo: Path, started: TagListing | None) -> str:
    if started is not None and started.folder == repo.absolute():
        return started.output()
    if started is not None:
        started.discard()
    return process.run([*TAG_LISTING, "refs/tags"], cwd=repo).stdout


def annotated_tags(repo: Path, *, started: TagListing | None = None) -> list[TagRecord]:
    """Every annotated tag with its commit, tagger time and message (one git call).

    ``started``: the same listing begun earlier by :func:`start_tag_listing`, used when
    it was started in ``repo``.
    """
    out = _tag_listing_output(repo, started)
    records = []
    for chunk in out.split(RECORD):
        fields = chunk.strip("\n").split(FIELD)
        if len(fields) != 5 or fields[1] != "tag":
            continue  # lightweight tags are not registry events (as in GTO)
        name, _, commit, created, message = fields
        records.append(TagRecord(name, commit, int(created or 0), message.strip()))
    return records


def registry_tags(repo: Path, *, started: TagListing | None = None) -> list[TagRecord]:
    """``annotated_tags`` of a repository with commits, in one git call when there are tags.

    ``ensure_repo``'s checks (and their clear errors) run only when git fails or finds
    no tag: a listing spends one process start-up fewer, and reads a bare repository
    (a mirror) as well, since it needs no work tree.
    """
    if repo.is_dir():
        try:
            records = annotated_tags(repo, started=started)
        except CommandFailed:
            ensure_repo(repo)  # the clear error when it is no repository
            raise
        if records:
            return records
    elif started is not None:
        started.discard()
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
    done = process.run(argv, cwd=repo, env=env, stdin=message + "\n", check=False)
    if done.returncode != 0 and "already exists" in done.stderr:
        raise TagExists(tag)
    if done.returncode != 0:
        raise CommandFailed(argv, done.returncode, done.stderr or done.stdout)


def delete_tag(repo: Path, tag: str) -> None:
    git(repo, "tag", "--delete", tag, check=False)


def default_remote(repo: Path) -> str:
    """``origin`` if it exists, else the only remote; a clear error when there is none."""
    remotes = git(repo, "remote").split()
    if not remotes:
        raise NoGitRemote(str(repo))
    return "origin" if "origin" in remotes else remotes[0]


def remote_url(repo: Path, remote: str) -> str:
    """The remote's URL as configured, without any user name or password in it."""
    done = process.run(["git", "remote", "get-url", remote], cwd=repo, check=False)
    url = done.stdout.strip() or "no URL"
    return _USERINFO_RE.sub(r"\1", url)


def push_tag(repo: Path, remote: str, tag: str) -> None:
    """Push one tag; a named error for a tag the remote holds, a refusal, or no connection."""
    argv = ["git", "push", "--quiet", remote, f"refs/tags/{tag}"]
    done = process.run(argv, cwd=repo, check=False)
    if done.returncode == 0:
        return
    stderr = done.stderr or done.stdout
    rejected = _REJECTED_RE.search(stderr)
    if rejected and "already exists" in rejected.group(2):
        raise TagOnRemote(tag, remote)
    if rejected:
        raise PushRejected(tag, remote, rejected.group(2))
    raise RemoteUnreachable(remote, remote_url(repo, remote), _first_failure(stderr))


def _first_failure(stderr: str) -> str:
    """Git's first ``fatal:``/``error:`` line (its last line is advice, not the cause)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line.removeprefix(prefix)
    return lines[0] if lines else "git push failed without a message"


def show(repo: Path, rev: str, path: str) -> str | None:
    """A file's text at ``rev``, or None when it does not exist there."""
    done = process.run(["git", "show", f"{rev}:{path}"], cwd=repo, check=False)
    return done.stdout if done.returncode == 0 else None


def commit_time(repo: Path, commit: str) -> str | None:
    """The committer date of ``commit`` in ISO 8601 (``%cI``), or None when git cannot say."""
    done = process.run(["git", "show", "-s", "--format=%cI", commit, "--"], cwd=repo, check=False)
    return done.stdout.strip() or None if done.returncode == 0 else None


def _lock_path(repo: Path) -> Path:
    """The lock file in the repository's common git dir, shared by all its worktrees."""
    out = git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir").strip()
    return Path(out) / "mlvc-registry.lock"


def _owner_text() -> str:
    """This process's pid and host as the lock file records them (JSON)."""
    import json
    import socket

    return json.dumps({"pid": os.getpid(), "host": socket.gethostname()})


def _read_owner(fd: int) -> dict[str, Any]:
    """The holder recorded in the lock file ({} when empty or not a recorded owner).

    The record only names the holder in RegistryBusy's message; it never decides
    who holds the lock, so whatever the file contains is harmless.
    """
    import json

    try:
        owner = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return owner if isinstance(owner, dict) else {}


def _record_owner(fd: int) -> None:
    """Replace the lock file's content with this process's pid and host."""
    os.ftruncate(fd, 0)
    os.pwrite(fd, _owner_text().encode("utf-8"), 0)


@contextmanager
def registry_lock(repo: Path) -> Iterator[None]:
    """One registry-changing command at a time per repository, across all its worktrees.

    The lock is a ``fcntl.flock`` (exclusive, non-blocking) on ``mlvc-registry.lock``
    in the common git dir, so POSIX only (Windows is not a target). The kernel drops
    it when the holder's file is closed, by the holder or by its death (SIGKILL
    included), so a killed command never blocks the next one and no stale-lock
    takeover exists. The file itself persists and is never unlinked: unlinking
    would let a later command lock a new inode while another still holds the old
    one. After taking the lock the holder writes its pid and host into the file;
    a refused command reads them for RegistryBusy's message, nothing else. The
    descriptor is close-on-exec, so the git and dvc subprocesses do not inherit it.
    """
    import fcntl

    lock = _lock_path(repo)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_owner(fd)
            raise RegistryBusy(str(lock), holder.get("pid"), holder.get("host")) from None
        _record_owner(fd)
        try:
            yield
        finally:
            # an unheld file names nobody; a killed holder's record stays until the next holder
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the flock


def path_history(repo: Path, rev: str, path: str, *, limit: int) -> list[tuple[str, str]]:
    """``(commit, committer time ISO 8601)`` of the last ``limit`` commits up to ``rev`` that
    changed ``path``, newest first; empty when git cannot say."""
    argv = ["git", "log", f"--max-count={limit}", "--format=%H %cI", rev, "--", path]
    done = process.run(argv, cwd=repo, check=False)
    if done.returncode != 0:
        return []
    history = []
    for line in done.stdout.splitlines():
        commit, _, when = line.partition(" ")
        if when:
            history.append((commit, when))
    return history
