"""The ``mlvc`` command: a root Typer app composed of one sub-app per command group.

Every command is listed once, in ``COMMANDS``. ``app`` (for tests, ``python -m cli`` and
the generated CLI reference) holds them all; the console script ``main`` builds a root
app holding only the command named on its command line, so a command imports and
converts one command module rather than eleven (click's "lazy group" pattern). Any other
command line (``--help``, a typo, no command) gets the full app and its messages.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

import typer

from cli import __version__
from cli.commands._shared import Settings

HELP = (
    "Data-and-model versioning on Git and DVC: data contracts, validated parameters, "
    "model cards, drift checks, releases and a model registry on git tags, and a "
    "reproducibility check. "
    "Exit codes: 0 ok, 1 findings, 2 could not run."
)

# command name -> (module, attribute): a Typer sub-app (a command group) or a command function
COMMANDS: dict[str, tuple[str, str]] = {
    "card": ("cli.commands.card", "app"),
    "params": ("cli.commands.params", "app"),
    "pipeline": ("cli.commands.pipeline", "app"),
    "schema": ("cli.commands.schema", "app"),
    "release": ("cli.commands.registry", "release"),
    "promote": ("cli.commands.registry", "promote"),
    "rollback": ("cli.commands.registry", "rollback"),
    "registry": ("cli.commands.registry", "registry_app"),
    "checkout": ("cli.commands.registry", "checkout"),
    "drift": ("cli.commands.drift", "drift"),
    "report": ("cli.commands.report", "report"),
    "serve": ("cli.commands.serve", "serve"),
}


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"mlvc {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    traceback: Annotated[
        bool, typer.Option("--traceback", hidden=True, help="Re-raise errors with a traceback.")
    ] = False,
) -> None:
    """mlvc: data-and-model versioning toolkit layered on Git and DVC."""
    Settings.traceback = traceback


def build_app(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """A root app holding the commands ``names`` (every command by default), in table order."""
    wanted = set(names)
    root_app = typer.Typer(
        name="mlvc",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help: rich is never imported (start-up stays short)
        context_settings={"help_option_names": ["-h", "--help"]},  # inherited by every command
    )
    for name, (module, attribute) in COMMANDS.items():
        if name not in wanted:
            continue
        target = getattr(importlib.import_module(module), attribute)
        if isinstance(target, typer.Typer):
            root_app.add_typer(target, name=name)
        else:
            root_app.command(name)(target)
    root_app.callback()(root)
    return root_app


def invoked_command(argv: Sequence[str]) -> str | None:
    """The command named on a command line, if it names one (the root options take no value).

    None after a root ``--help``/``-h``: the root help lists every command.
    """
    for arg in argv:
        if arg in ("--help", "-h"):
            return None
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main() -> None:
    """Console entry point: build only the invoked command's app, then run it."""
    name = invoked_command(sys.argv[1:])
    try:
        build_app([name] if name else COMMANDS)(prog_name="mlvc")
    finally:
        # The command is done: leave what is still alive to the exit. The interpreter's
        # final garbage collections then skip those objects (a shorter exit); objects are
        # still freed by reference counts and files closed as before.
        gc.freeze()


def __getattr__(name: str) -> Any:
    """``app``, the full root app, built on first use (``from cli.app import app``)."""
    if name == "app":
        full = build_app()
        globals()["app"] = full
        return full
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
