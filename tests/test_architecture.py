"""The layer rules of ``docs/architecture.md``, checked on every module's imports.

Imports are read with ``ast``, function-level and ``TYPE_CHECKING`` ones included
(a lazy import is still a dependency), except where a rule says "at run time".
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "cli"

# What a command may import, and why:
COMMANDS_MAY_IMPORT = (
    "cli.api",  # the one thing a command calls
    "cli.render",  # renders the result it got
    "cli.formats",  # the --format enum
    "cli.errors",  # exit codes and failures
    "cli.paths",  # option defaults (params.yaml, models/README.md)
    "cli.commands._shared",  # the --format option builder, the funnel decorator, emit
    "cli.funnel",  # the error funnel
    "cli.progress",  # a progress bar on stderr, set up by the command (the edge)
    "cli.adapters.signals",  # signal handlers are process state: set at the edge only
    "cli.adapters.runtime",  # malloc settings and worker pools: process state, set at the edge
    "cli.adapters.startup",  # work the entry started before the app loaded, handed to the command
)
# What a stage may import: the stage rule.
STAGES_MAY_IMPORT = (
    "cli.api",  # files, models, params and the features it runs, through cli.api.<feature>
    "cli.core",  # pure computations on what it read
    "cli.results",  # result types it inspects
    "cli.render",  # a result written as a report
    "cli.paths",  # its declared inputs and outputs
    "cli.errors",  # failures
    "cli.funnel",  # stage_errors: one line and exit 2 on a failure
)
CORE_MUST_NOT_IMPORT = (
    "cli.adapters",
    "cli.params",
    "cli.paths",
    "cli.api",
    "cli.commands",
    "cli.render",
    "cli.funnel",
    "cli.progress",
    "cli.app",
    "subprocess",
    "typer",
)
# Modules of cli/core that break a core rule, with the reason (none today).
CORE_EXCEPTIONS: dict[str, str] = {}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, runtime_only: bool) -> Iterator[ast.AST]:
    for child in ast.iter_child_nodes(node):
        if runtime_only and isinstance(child, ast.If) and _is_type_checking(child):
            yield from (n for orelse in child.orelse for n in [orelse, *_walk(orelse, True)])
            continue
        yield child
        yield from _walk(child, runtime_only)


def imports(path: Path, *, runtime_only: bool = False) -> set[str]:
    """Every module (and imported name, as ``module.name``) that ``path`` imports."""
    found: set[str] = set()
    for node in _walk(ast.parse(path.read_text(encoding="utf-8")), runtime_only):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in prefixes)


def modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", modules(CLI / "core"), ids=rel)
def test_core_is_pure(path: Path) -> None:
    if rel(path) in CORE_EXCEPTIONS:
        pytest.skip(CORE_EXCEPTIONS[rel(path)])
    bad = sorted(m for m in imports(path) if under(m, CORE_MUST_NOT_IMPORT))
    assert not bad, f"{rel(path)} (core: data in, data out) imports {bad}"


@pytest.mark.parametrize("path", modules(CLI / "adapters"), ids=rel)
def test_adapters_import_no_upper_layer(path: Path) -> None:
    upper = ("cli.api", "cli.commands", "cli.render", "cli.app")
    bad = sorted(m for m in imports(path) if under(m, upper))
    assert not bad, f"{rel(path)} (an adapter) imports {bad}"


@pytest.mark.parametrize("path", modules(CLI / "commands"), ids=rel)
def test_commands_import_only_the_api_render_and_edge_helpers(path: Path) -> None:
    found = {m for m in imports(path) if m == "cli" or m.startswith("cli.")}
    found = {m for m in found if m != "cli"}  # "from cli import api": cli.api is checked
    bad = sorted(m for m in found if not under(m, COMMANDS_MAY_IMPORT))
    assert not bad, f"{rel(path)} (a command) imports {bad}"


@pytest.mark.parametrize("path", modules(CLI / "api"), ids=rel)
def test_api_neither_renders_nor_imports_itself(path: Path) -> None:
    found = imports(path)
    bad = sorted(m for m in found if under(m, ("cli.commands", "cli.render", "typer")))
    assert not bad, f"{rel(path)} (the API returns results, never prints) imports {bad}"
    if path.name != "__init__.py":  # a feature module may use a sibling, never the facade
        assert "cli.api" not in found, f"{rel(path)} imports the cli.api package (a cycle)"


@pytest.mark.parametrize("path", modules(CLI / "render"), ids=rel)
def test_renderers_take_results_only(path: Path) -> None:
    lower = ("cli.api", "cli.commands", "cli.adapters", "cli.params", "typer")
    bad = sorted(m for m in imports(path) if under(m, lower))
    assert not bad, f"{rel(path)} (a renderer) imports {bad}"


@pytest.mark.parametrize("path", modules(ROOT / "stages"), ids=rel)
def test_stages_follow_the_stage_rule(path: Path) -> None:
    found = {m for m in imports(path) if m.startswith("cli.")}
    bad = sorted(m for m in found if not under(m, STAGES_MAY_IMPORT))
    assert not bad, f"{rel(path)} (a stage) imports {bad}"
    assert "cli.api" not in found, (
        f"{rel(path)}: import from cli.api.<feature>, so dvc.yaml deps list exactly that module"
    )


@pytest.mark.parametrize(
    ("leaf", "allowed"),
    [
        ("cli/errors.py", ()),
        ("cli/paths.py", ()),
        ("cli/formats.py", ()),
        *((f"cli/results/{p.name}", ()) for p in sorted((CLI / "results").glob("*.py"))),
    ],
)
def test_leaves_import_nothing_from_cli_at_run_time(leaf: str, allowed: tuple[str, ...]) -> None:
    found = {
        m for m in imports(ROOT / leaf, runtime_only=True) if m == "cli" or m.startswith("cli.")
    }
    bad = sorted(m for m in found if not under(m, allowed))
    assert not bad, f"{leaf} is a leaf but imports {bad}"


def test_no_feature_modules_at_the_root_of_cli() -> None:
    stray = sorted(p.name for p in CLI.glob("*.py") if p.stem.endswith(("_api", "_render")))
    assert not stray, f"move {stray} into cli/api/ or cli/render/"
