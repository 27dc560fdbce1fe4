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


# --- tests use public functions only (issue 15) ----------------------------------------------

OURS = ("cli", "stages")  # the packages whose private names a test must not reach
PATCHERS = ("setattr", "delattr", "getattr", "hasattr")  # monkeypatch's, and the builtins


def is_private(name: str) -> bool:
    """``_y`` (a private name), not ``__y__`` (a dunder such as ``__version__``)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_part(dotted: str) -> bool:
    """Whether a dotted path into our packages (``cli.x._y``) names something private."""
    parts = dotted.split(".")
    return parts[0] in OURS and any(is_private(p) for p in parts[1:])


def our_names(tree: ast.AST) -> set[str]:
    """The names a test module binds to our packages, their modules or their members."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if under(alias.name, OURS):
                    bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and under(node.module, OURS):
            bound |= {alias.asname or alias.name for alias in node.names}
    return bound


def root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def private_uses(source: str, label: str) -> list[str]:
    """Every place a test module reaches a private name of ``cli`` or ``stages``."""
    tree = ast.parse(source)
    ours = our_names(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{label}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names if private_part(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and under(node.module, OURS):
            names = [a.name for a in node.names if is_private(a.name)]
            if private_part(node.module) or names:
                found.append(f"{where}: from {node.module} import {', '.join(names) or '...'}")
        elif isinstance(node, ast.Attribute) and is_private(node.attr):
            if root_name(node) in ours:
                found.append(f"{where}: {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            found += [f"{where}: {ast.unparse(node)}" for _ in _private_targets(node, ours)]
    return found


def _private_targets(call: ast.Call, ours: set[str]) -> Iterator[str]:
    """``setattr(<our module>, "_y")``, ``monkeypatch.setattr("cli.x._y", ...)``,
    ``import_module("cli.x._y")``: a private name reached through a string."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    strings = [a.value for a in call.args if isinstance(a, ast.Constant)]
    strings = [s for s in strings if isinstance(s, str)]
    if name in PATCHERS and call.args and root_name(call.args[0]) in ours:
        yield from (s for s in strings[:1] if is_private(s))
    if name in (*PATCHERS, "import_module"):
        yield from (s for s in strings if private_part(s))


@pytest.mark.parametrize("path", modules(ROOT / "tests"), ids=rel)
def test_tests_reach_no_private_name_of_cli_or_stages(path: Path) -> None:
    found = private_uses(path.read_text(encoding="utf-8"), rel(path))
    assert not found, "use the public function instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "private"),
    [
        ("from cli.api.registry import _policy", True),
        ("import cli.commands._shared", True),
        ("from cli.adapters import git\ngit._run(['status'])", True),
        ("import cli.api\ncli.api.registry._state", True),
        ("from cli.adapters import dvc_cli\nmonkeypatch.setattr(dvc_cli, '_dvc', None)", True),
        ("monkeypatch.setattr('cli.api.registry._policy', None)", True),
        ("from cli import __version__, api\napi.__path__", False),
        ("from cli.adapters import arrow_tables\nsetattr(arrow_tables, 'RANGE_BYTES', 64)", False),
        ("import json\njson._default_encoder", False),  # not ours
    ],
)
def test_the_private_name_check_tells_private_from_public(source: str, private: bool) -> None:
    assert bool(private_uses(source, "probe")) is private, source


# --- no module of cli/ or stages/ reaches another module's private name (issue 15) -----------


def module_name(path: Path) -> str:
    """``cli.api.registry`` for cli/api/registry.py, ``cli.api`` for cli/api/__init__.py."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_owner(dotted: str) -> str | None:
    """Where the first private part of ``dotted`` belongs: the module that defines ``_y``
    (``cli.api.registry`` for ``cli.api.registry._policy``), or the package that holds the
    private module ``_m`` (``cli.commands`` for ``cli.commands._shared.emit``); None when
    every part is public."""
    parts = dotted.split(".")
    return next((".".join(parts[:i]) for i in range(1, len(parts)) if is_private(parts[i])), None)


def absolute(node: ast.ImportFrom, module: str, *, package: bool) -> str:
    """The module a ``from`` import names, relative ones (``from . import x``) resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if package else 0)]
    return ".".join([*base, *([node.module] if node.module else [])])


def bound_names(tree: ast.AST, module: str, *, package: bool) -> dict[str, str]:
    """Each name an import binds, and the dotted path it stands for."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                bound[name] = alias.name if alias.asname else name
        elif isinstance(node, ast.ImportFrom):
            source = absolute(node, module, package=package)
            bound |= {a.asname or a.name: f"{source}.{a.name}" for a in node.names}
    return bound


def foreign_privates(source: str, module: str, *, package: bool = False) -> list[str]:
    """Every private name of another module of ``cli`` or ``stages`` that ``module``
    imports (module-level, function-level or ``TYPE_CHECKING``) or reads as an attribute of
    what it imported. A private module is its package's: its siblings may import it."""
    tree = ast.parse(source)
    bound = bound_names(tree, module, package=package)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            reached = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = absolute(node, module, package=package)
            reached = [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Attribute) and is_private(node.attr):
            root = root_name(node)
            if root not in bound:
                continue
            reached = [bound[root] + ast.unparse(node)[len(root) :]]
        else:
            continue
        for dotted in reached:
            owner = private_owner(dotted)
            if dotted.split(".")[0] in OURS and owner is not None and not under(module, (owner,)):
                found.append(f"{module}:{node.lineno}: {dotted} (private to {owner})")
    return found


@pytest.mark.parametrize("path", [*modules(CLI), *modules(ROOT / "stages")], ids=rel)
def test_no_module_reaches_a_private_name_of_another(path: Path) -> None:
    found = foreign_privates(
        path.read_text(encoding="utf-8"), module_name(path), package=path.name == "__init__.py"
    )
    assert not found, "give it a public name in the layer it belongs to:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("module", "source", "private"),
    [
        ("cli.api.models", "from cli.api.registry import _policy", True),
        ("cli.api.serve", "def f():\n    from cli.api.predict import _open_log", True),
        ("cli.api.release", "if TYPE_CHECKING:\n    from cli.api.registry import _State", True),
        ("cli.api.models", "from . import registry\nregistry._policy(repo)", True),
        ("cli.api.models", "import cli.api.registry\ncli.api.registry._state", True),
        ("cli.api.models", "import cli.api.registry as r\nr._state", True),
        ("stages.validate", "from cli.core.schema.cells import _cached", True),
        ("cli.app", "from cli.commands._shared import Settings", True),  # outside its package
        ("cli.commands.card", "from cli.commands._shared import funnel", False),  # a sibling
        ("cli.commands.card", "from ._shared import funnel", False),
        ("cli.commands", "from . import _shared", False),  # the package itself (__init__)
        ("cli.api.registry", "def _policy():\n    pass\n_policy()", False),  # its own
        ("cli.app", "from cli import __version__", False),  # a dunder is public
        ("cli.api.models", "from cli.api.registry import registry\nregistry.__doc__", False),
        ("cli.api.models", "import json\njson._default_encoder", False),  # not ours
    ],
)
def test_the_foreign_private_check_tells_private_from_public(
    module: str, source: str, private: bool
) -> None:
    package = module == "cli.commands"
    assert bool(foreign_privates(source, module, package=package)) is private, source
