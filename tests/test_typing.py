"""The type checker in `make lint`: mypy passes, strict on cli/core, every ignore explained."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MYPY = tomllib.loads((ROOT / "pyproject.toml").read_text()).get("tool", {}).get("mypy", {})

# The flags `mypy --strict` turns on that can be set per module. `strict = true` itself is a
# global switch (in an override it turns strict on for every module), so the core override
# lists them; the global-only ones (warn_unused_ignores, warn_redundant_casts) are global.
STRICT_PER_MODULE = {
    "disallow_any_generics",
    "disallow_subclassing_any",
    "disallow_untyped_calls",
    "disallow_untyped_defs",
    "disallow_incomplete_defs",
    "check_untyped_defs",
    "disallow_untyped_decorators",
    "warn_return_any",
    "strict_equality",
    "extra_checks",
}
# What every other module of cli/ and stages/ is held to.
BASELINE = ("check_untyped_defs", "disallow_untyped_defs", "disallow_incomplete_defs")
IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<code>\[[a-z-]+(?:,\s*[a-z-]+)*\])?(?P<rest>.*)$")


def _options(module: str) -> dict[str, object]:
    """The options mypy applies to ``module``: the global section, then its override."""
    options = {k: v for k, v in MYPY.items() if k != "overrides"}
    for override in MYPY.get("overrides", []):
        if module in override["module"]:
            options.update(override)
    return options


def test_mypy_reports_no_errors() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_core_is_checked_with_every_strict_flag() -> None:
    core = _options("cli.core.*")
    assert {flag for flag in STRICT_PER_MODULE if core.get(flag) is not True} == set()
    assert core.get("implicit_reexport") is False
    assert "strict" not in core
    baseline = _options("cli.commands.registry")
    assert [f for f in BASELINE if baseline.get(f) is not True] == []
    assert MYPY.get("warn_unused_ignores") is True
    assert MYPY.get("warn_redundant_casts") is True
    assert sorted(MYPY.get("files", [])) == ["cli", "stages"]


def test_no_first_party_module_is_exempt() -> None:
    for override in MYPY.get("overrides", []):
        first_party = [m for m in override["module"] if m.split(".")[0] in ("cli", "stages")]
        assert not (first_party and override.get("ignore_errors")), override
        if override.get("ignore_missing_imports"):
            assert not first_party, override


def test_every_type_ignore_names_its_code_and_a_reason() -> None:
    unexplained = []
    for path in sorted([*ROOT.glob("cli/**/*.py"), *ROOT.glob("stages/**/*.py")]):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, start=1):
            found = IGNORE.search(line)
            if found is None:
                continue
            reason_after = found["rest"].strip().startswith("#")
            reason_above = number > 1 and lines[number - 2].strip().startswith("#")
            if not found["code"] or not (reason_after or reason_above):
                unexplained.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert unexplained == []
