"""Running git and dvc as subprocesses: argument lists, no shell, offline DVC."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from cli.errors import CommandFailed, ToolMissing


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for git/dvc: this interpreter's bin first on PATH, DVC analytics off."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["DVC_NO_ANALYTICS"] = "1"
    env.update(extra or {})
    return env


def start(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    stdin: bool = False,
    pipe_bytes: int = -1,
) -> subprocess.Popen[str]:
    """Start ``argv`` in ``cwd`` with piped output; :func:`finish` collects it.

    ``pipe_bytes``: the capacity of its pipes where the system lets it be set (Linux);
    the child writes that much before it waits for a reader (the default: the system's).
    """
    try:
        return subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else tool_env(),
            stdin=subprocess.PIPE if stdin else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            pipesize=pipe_bytes,
        )
    except FileNotFoundError:
        raise ToolMissing(argv[0]) from None


def finish(
    child: subprocess.Popen[str], *, check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Wait for a started ``child``; raise CommandFailed on a non-zero exit when ``check``."""
    argv = [str(arg) for arg in child.args] if isinstance(child.args, list) else [str(child.args)]
    with child:
        try:
            out, err = child.communicate(stdin)
        except BaseException:  # KeyboardInterrupt and the CLI's Interrupted included
            terminate_tree(child.pid)
            raise
    done = subprocess.CompletedProcess(argv, child.returncode, out, err)
    if check and done.returncode != 0:
        raise CommandFailed(argv, done.returncode, done.stderr or done.stdout)
    return done


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``cwd``; raise CommandFailed on a non-zero exit when ``check``."""
    child = start(argv, cwd=cwd, env=env, stdin=stdin is not None)
    return finish(child, check=check, stdin=stdin)


def terminate_tree(pid: int, *, grace: float = 2.0) -> None:
    """Stop a child and every process it started (SIGTERM, then SIGKILL after ``grace`` s).

    A command stopped by a signal leaves no child behind: a ``git push`` to a local
    remote runs ``git-receive-pack`` and its hooks as grandchildren, which would
    otherwise finish the push after the command said it was stopped.
    """
    try:
        import psutil  # installed with DVC; imported only when a command is interrupted
    except ImportError:  # without it, the child alone
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        return
    try:
        parent = psutil.Process(pid)
        family = [*parent.children(recursive=True), parent]
    except psutil.NoSuchProcess:
        return
    for proc in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.terminate()
    _, alive = psutil.wait_procs(family, timeout=grace)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(alive, timeout=grace)
