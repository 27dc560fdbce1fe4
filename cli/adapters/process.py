"""Running git and dvc as subprocesses: argument lists, no shell, offline DVC."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from cli.errors import CommandFailed, ToolkitError


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for git/dvc: this interpreter's bin first on PATH, DVC analytics off."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["DVC_NO_ANALYTICS"] = "1"
    env.update(extra or {})
    return env


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``cwd``; raise CommandFailed on a non-zero exit when ``check``."""
    try:
        done = subprocess.run(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else tool_env(),
            capture_output=True,
            text=True,
            check=False,
            input=stdin,
        )
    except FileNotFoundError:
        raise ToolkitError(
            f"'{argv[0]}' is not installed or not on PATH",
            hint="run 'make install' to set up the environment",
        ) from None
    if check and done.returncode != 0:
        raise CommandFailed(list(argv), done.returncode, done.stderr or done.stdout)
    return done
