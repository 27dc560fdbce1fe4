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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from cli import __version__
from cli.commands import Settings

if TYPE_CHECKING:
    from cli.adapters.startup import TagListing

HELP = (
    "Data-and-model versioning on Git and DVC: data contracts, validated parameters, "
    "model cards, drift checks, releases and a model registry on git tags, and a "
    "reproducibility check. "
    "Exit codes: 0 ok, 1 findings, 2 could not run."
)

# command name -> (module, attribute): a Typer sub-app (a command group) or a command function
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("cli.commands.init", "init"),
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
    "predict": ("cli.commands.predict", "predict"),
    "monitor": ("cli.commands.monitor", "monitor"),
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


def summary(help_text: str | None) -> str:
    """A command's one-line summary: the first line of its help, whole.

    Click cuts a summary to the width left in the command list and ends it with
    "..."; every mlvc summary is one sentence that the list shows whole (wrapped).
    """
    return (help_text or "").strip().split("\n", 1)[0].strip()


class Command(TyperCommand):
    """A command whose usage line names its arguments as their metavariables (``MODEL``)
    and whose summary is its help's first sentence, whole.

    Typer wraps a required argument's metavariable in braces (``{MODEL}``); Click, GTO
    and the POSIX utility conventions write the bare upper-case name.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line's pieces, a required argument's braces removed.

        ``ctx`` is the Click context Typer vendors (not a public name of typer).
        """
        return [_unbraced(piece) for piece in super().collect_usage_pieces(ctx)]

    def get_short_help_str(self, limit: int = 45) -> str:
        """The summary in a command list: the help's first line, whole."""
        return self.short_help or summary(self.help)


class Group(TyperGroup):
    """A command group whose summary is its help's first sentence, whole, and whose
    command-line mistakes are one line on stderr.

    Parsing (options, arguments, their values) happens while a group makes its own
    context or, for its commands, while it invokes them: both run inside
    :func:`one_line_usage_errors`.
    """

    def get_short_help_str(self, limit: int = 45) -> str:
        """The summary in a command list: the help's first line, whole."""
        return self.short_help or summary(self.help)

    def make_context(self, info_name: str | None, args: list[str], *a: Any, **kw: Any) -> Any:
        """Parse the group's own options; a mistake is one line (:class:`CommandLineInvalid`)."""
        with one_line_usage_errors():
            return super().make_context(info_name, args, *a, **kw)

    def invoke(self, ctx: Any) -> Any:
        """Find and parse the command named, then run it; a command-line mistake is one line."""
        with one_line_usage_errors():
            return super().invoke(ctx)


# The exit code of a parser's usage error (click's UsageError: an unknown option, a bad
# value, a missing argument); other errors of the parser exit 1.
USAGE_ERROR = 2


@contextmanager
def one_line_usage_errors() -> Iterator[None]:
    """Turn a usage error of the parser into one line on stderr and exit 2.

    Click prints the usage line, a "Try ... -h" line, a blank line and the error; every
    mlvc failure is one line (``error: WHAT; next: STEP``), and so is this one, the usage
    named as the next step. A help request (``no_args_is_help``) passes through: it
    prints the help. Typer exposes no name for the usage error (its click is vendored),
    so the parser's errors are told apart by their exit code.
    """
    try:
        yield
    except typer.TyperException as exc:
        if exc.exit_code != USAGE_ERROR or type(exc).__name__ == "NoArgsIsHelpError":
            raise
        from cli.errors import CommandLineInvalid
        from cli.funnel import print_error

        context = getattr(exc, "ctx", None)
        command = context.command_path if context is not None else "mlvc"
        print_error(CommandLineInvalid(exc.format_message(), command=command))
        raise typer.Exit(USAGE_ERROR) from None


def _unbraced(piece: str) -> str:
    """``MODEL`` from ``{MODEL}``; any other piece unchanged."""
    if piece.startswith("{") and piece.endswith("}"):
        return piece[1:-1]
    return piece


def _use_command_class(group: typer.Typer) -> None:
    """Give every command of ``group`` and its sub-groups the :class:`Command` class.

    Set here, once, so a command added to any sub-app gets the same usage lines.
    """
    for info in group.registered_commands:
        if info.cls in (None, TyperCommand):  # Typer's default: no class of its own
            info.cls = Command
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _use_command_class(sub.typer_instance)


def build_app(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """A root app holding the commands ``names`` (every command by default), in table order.

    The root app offers ``--install-completion`` and ``--show-completion`` (Typer's
    shell completion). A completing shell runs ``mlvc`` with no command-line arguments
    (the words are in ``COMP_WORDS``), so it gets the full app and completes every
    command and option.
    """
    wanted = set(names)
    root_app = typer.Typer(
        name="mlvc",
        cls=Group,
        help=HELP,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help: rich is never imported (start-up stays short)
        context_settings={"help_option_names": ["-h", "--help"]},  # inherited by every command
    )
    for name, (module, attribute) in COMMANDS.items():
        if name not in wanted:
            continue
        target = getattr(importlib.import_module(module), attribute)
        if isinstance(target, typer.Typer):
            _use_command_class(target)
            root_app.add_typer(target, name=name, cls=Group)
        else:
            root_app.command(name, cls=Command)(target)
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


def main(*, tag_listing: TagListing | None = None) -> None:
    """Build only the invoked command's app, then run it (``cli.entry.main`` calls this).

    ``tag_listing``: ``mlvc registry``'s git call, started by the entry; discarded when
    the command line did not use it.
    """
    name = invoked_command(sys.argv[1:])
    Settings.tag_listing = tag_listing
    try:
        build_app([name] if name else COMMANDS)(prog_name="mlvc")
    finally:
        if Settings.tag_listing is not None:
            Settings.tag_listing.discard()
            Settings.tag_listing = None
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
