"""The environment every test that runs git or DVC uses: no user config, a fixed identity."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def isolated_git_env(home: Path) -> dict[str, str]:
    """Variables for an isolated HOME and git identity, DVC analytics off, this venv on PATH."""
    return {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "mlvc test",
        "GIT_AUTHOR_EMAIL": "test@mlvc.invalid",
        "GIT_COMMITTER_NAME": "mlvc test",
        "GIT_COMMITTER_EMAIL": "test@mlvc.invalid",
        "DVC_NO_ANALYTICS": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@contextmanager
def isolated_git_environment(home: Path) -> Iterator[None]:
    """The process environment set to :func:`isolated_git_env` inside the block, restored
    after it (for module-scoped fixtures, which cannot take ``monkeypatch``)."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in isolated_git_env(home).items():
            mp.setenv(key, value)
        yield
