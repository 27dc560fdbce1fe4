"""The runtime adapter: malloc settings and worker pools, for the CLI only (not library calls)."""

from __future__ import annotations

import platform
import sys
from pathlib import Path
from typing import Any

import pytest

from cli.adapters import runtime


class FakeMallopt:
    """Records calls; ctypes sets argtypes and restype on it like on a C function."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, param: int, value: int) -> int:
        self.calls.append((param, value))
        return 1


class FakeLibc:
    def __init__(self, *, has_mallopt: bool = True) -> None:
        self.calls: list[tuple[int, int]] = []
        if has_mallopt:
            self.mallopt = FakeMallopt()
            self.calls = self.mallopt.calls


@pytest.fixture
def fresh() -> Any:
    runtime.keep_freed_memory.cache_clear()
    yield runtime.keep_freed_memory
    runtime.keep_freed_memory.cache_clear()


def test_sets_both_thresholds_once(fresh: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    libc = FakeLibc()
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: libc)
    assert fresh() and fresh()
    assert libc.calls == [
        (runtime.M_MMAP_THRESHOLD, 16 << 20),
        (runtime.M_TRIM_THRESHOLD, 32 << 20),
    ]


def test_no_mallopt_or_not_linux_is_a_no_op(fresh: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc(has_mallopt=False))
    assert fresh() is False
    fresh.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    assert fresh() is False


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_glibc_accepts_the_settings(fresh: Any) -> None:
    assert fresh() is True


# Runs in a fresh interpreter: which Python threads exist, and the runtime adapter's state.
_THREADS_AFTER = """
import json, sys, threading
from pathlib import Path
before = threading.active_count()
from cli.adapters import runtime
if sys.argv[1] == "api":
    from cli import api
    api.infer_schema(data=Path(sys.argv[2]), output=Path(sys.argv[3]))
    code = 0 if api.check_schema(data=Path(sys.argv[2]), schema=Path(sys.argv[3])).ok else 1
else:
    from cli.app import main
    sys.argv = ["mlvc", "schema", "check", sys.argv[2], "--schema", sys.argv[3], "-f", "json"]
    try:
        main()
    except SystemExit as exc:
        code = exc.code
print(json.dumps({
    "code": code,
    "before": before,
    "after": threading.active_count(),
    "names": sorted(t.name for t in threading.enumerate()),
    "mallopt": runtime.keep_freed_memory.cache_info().currsize,
    "pools": runtime.configure.cache_info().currsize,
}))
"""


def _threads_after(how: str, data: Path, schema: Path) -> dict[str, Any]:
    import json
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", _THREADS_AFTER, how, str(data), str(schema)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])  # after the report
    return result


def test_a_library_call_starts_no_thread_and_sets_no_malloc_option(tmp_path: Path) -> None:
    """cli.api.check_schema/infer_schema without pools: serial, no process state."""
    from tests.conftest import TINY_CSV

    result = _threads_after("api", TINY_CSV, tmp_path / "schema.json")
    assert result["code"] == 0
    assert result["after"] == result["before"], result["names"]
    assert not [name for name in result["names"] if name.startswith("mlvc-")]
    assert result["mallopt"] == 0 and result["pools"] == 0


def test_the_cli_parses_and_checks_on_the_runtime_pools(tmp_path: Path) -> None:
    """mlvc schema check sets the malloc options and runs on both pools."""
    from cli import api
    from tests.conftest import TINY_CSV

    schema = tmp_path / "schema.json"
    api.infer_schema(data=TINY_CSV, output=schema)
    result = _threads_after("cli", TINY_CSV, schema)
    assert result["code"] == 0
    assert result["mallopt"] == 1 and result["pools"] == 1
    names = result["names"]
    assert any(name.startswith("mlvc-csv") for name in names), names
    assert any(name.startswith("mlvc-schema") for name in names), names
