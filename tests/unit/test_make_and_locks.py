"""The Makefile's install, run and test targets, and the two lock files they install."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = (ROOT / "Makefile").read_text()
# packages that only the dev, bench and s3 extras bring in
DEV_ONLY = ("pytest", "hypothesis", "ruff", "moto", "boto3", "zizmor", "pandera", "dvc-s3")


def pins(lock: str) -> dict[str, str]:
    """``name -> version`` of every pinned requirement in a uv-compiled lock file."""
    text = (ROOT / lock).read_text()
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def recipe(target: str) -> tuple[str, str]:
    """A target's prerequisites line and its recipe text."""
    _, _, rest = MAKEFILE.partition(f"\n{target}:")
    assert rest, f"no '{target}:' target"
    prerequisites, _, body = rest.partition("\n")
    return prerequisites.split("##")[0], body.split("\n\n", 1)[0]


def test_the_runtime_lock_has_no_dev_packages() -> None:
    runtime = pins("requirements.lock")
    assert {"dvc", "typer", "pandas", "scikit-learn", "pyarrow"} <= set(runtime)
    assert not set(DEV_ONLY) & set(runtime)


def test_the_dev_lock_pins_every_runtime_package_at_the_same_version() -> None:
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime
    assert set(DEV_ONLY) <= set(dev)


def test_both_locks_keep_hashes() -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        assert text.count("==") == len(pins(lock)) and "--hash=sha256:" in text, lock


def test_run_installs_the_runtime_lock_only() -> None:
    assert recipe("run")[0].split() == ["install"]
    assert recipe("install")[0].split() == ["$(VENV)/.installed"]
    _, body = recipe("$(VENV)/.installed")
    assert "-r requirements.lock" in body and "requirements-dev.lock" not in body


def test_test_lint_and_bench_add_the_dev_lock() -> None:
    _, body = recipe("$(VENV)/.installed-dev")
    assert "-r requirements-dev.lock" in body
    for target in ("test", "test-fast", "lint", "bench"):
        assert "install-dev" in recipe(target)[0].split(), target


def test_make_test_runs_each_kind_once_and_prints_both_budgets() -> None:
    _, body = recipe("test")
    assert body.count("-m pytest") == 2
    assert '-m pytest -m "not slow" $(PYTEST_WORKERS)' in body
    assert "-m pytest -m slow $(PYTEST_WORKERS)" in body
    assert re.search(r"^PYTEST_WORKERS \?= -n auto --dist worksteal$", MAKEFILE, re.M)
    assert re.search(r"^FAST_BUDGET_S := 90$", MAKEFILE, re.M)
    assert re.search(r"^WHOLE_BUDGET_S := 360$", MAKEFILE, re.M)
    assert "fast suite" in body and "whole suite" in body and "budget" in body
    assert '-m pytest -m "not slow"' in recipe("test-fast")[1]
