"""glibc's malloc keeps freed blocks for reuse during a check (set once, safely elsewhere)."""

from __future__ import annotations

import platform
import sys
from typing import Any

import pytest

from cli.adapters import memory


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
    memory.keep_freed_memory.cache_clear()
    yield memory.keep_freed_memory
    memory.keep_freed_memory.cache_clear()


def test_sets_both_thresholds_once(fresh: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    libc = FakeLibc()
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: libc)
    assert fresh() and fresh()
    assert libc.calls == [
        (memory.M_MMAP_THRESHOLD, 16 << 20),
        (memory.M_TRIM_THRESHOLD, 32 << 20),
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
