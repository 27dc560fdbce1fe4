"""What every command shares: the --format option, the error funnel, the repository root."""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Concatenate, ParamSpec, get_args, get_origin

import typer

from cli import paths
from cli.errors import ExitCode
from cli.formats import EVERY, TEXT_JSON, TEXT_JSON_MARKDOWN, Format
from cli.funnel import exit_on_error

if TYPE_CHECKING:
    from cli.adapters.startup import TagListing

P = ParamSpec("P")
STDOUT = Path("-")  # an output option's value for standard output


class Settings:
    """Process-wide flags set by the root callback."""

    traceback: bool = False
    # ``mlvc registry``'s tag listing, started by ``cli.entry``; the listing takes it
    tag_listing: TagListing | None = None

    @classmethod
    def take_tag_listing(cls) -> TagListing | None:
        """The started tag listing, once (later calls get None)."""
        listing, cls.tag_listing = cls.tag_listing, None
        return listing


def format_option(offered: tuple[Format, ...], help: str) -> Any:
    """The ``--format``/``-f`` option of a command whose result renders in ``offered``.

    Every command takes the one :class:`cli.formats.Format` enum; a format outside
    ``offered`` is a usage error (exit 2) naming the ones offered (and only those: the
    value is parsed here, not checked against the whole enum first), which the help
    (and the README's reference) list as the option's choices and the shell completes.
    """

    names = ", ".join(f"'{f.value}'" for f in offered)

    def only_offered(value: Format | str) -> Format:
        """The Format named ``value``, if this command offers it (the parser passes text)."""
        if value not in [f.value for f in offered]:
            raise typer.BadParameter(f"'{value}' is not one of {names}.")
        return Format(value)

    return Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help=help,
            metavar=f"[{'|'.join(f.value for f in offered)}]",
            parser=only_offered,
            autocompletion=lambda: [f.value for f in offered],  # the shell completes these
        ),
    ]


FormatOption = format_option(TEXT_JSON, "Output format: 'text' for people, 'json' for machines.")
# Defined here beside the others: an option type must be a name imported from one module
# (mypy reads a module-level call result used as an annotation in the same module as a
# variable, not a type).
DriftFormatOption = format_option(
    TEXT_JSON_MARKDOWN, "Output format: 'text', 'json' or 'markdown' (pull requests, alias 'md')."
)
ReportOutputOption = format_option(
    TEXT_JSON_MARKDOWN,
    "Output format: 'text', 'md' (pull-request comment, alias 'markdown') or 'json'.",
)
ReportFormatOption = format_option(
    EVERY,
    "Output format: 'text', 'json', 'markdown' or 'md' (pull requests) or 'github' (annotations).",
)


def output_file(example: str) -> dict[str, Any]:
    """``typer.Option`` settings of an option that names a file to write (``-o``).

    The parser sees the value as typed, before it becomes a ``Path`` (which drops a
    trailing ``/``): a value that names a folder (``out/``, ``.``, ``..``) is a usage
    error (exit 2, nothing written) whose message suggests a file in it, ``example``
    (e.g. ``predictions.csv``). ``-`` (standard output) passes. The shell completes
    file names (:func:`complete_paths`).
    """

    def path(value: str | Path) -> Path:
        """``value`` as a Path, unless it names a folder (the name is the help's ``<path>``)."""
        if isinstance(value, Path):  # a default: never typed with a trailing slash
            return value
        text = value.replace(os.sep, "/")
        if text.rsplit("/", 1)[-1] in ("", ".", ".."):
            folder = text if text.endswith("/") or not text else f"{text}/"
            raise typer.BadParameter(
                f"'{value}' names a folder; name the file to write in it, e.g. {folder}{example}"
            )
        return Path(value)

    return {"parser": path, "autocompletion": complete_paths}


def complete_paths(incomplete: str) -> list[str]:
    """The entries of the folder ``incomplete`` names that start as its last part does
    (folders with a trailing ``/``): an option with a parser loses Typer's file completion."""
    folder, slash, start = incomplete.rpartition("/")
    try:
        entries = sorted(Path(folder + slash or ".").iterdir())
    except OSError:
        return []
    return [
        f"{folder}{slash}{entry.name}{'/' if entry.is_dir() else ''}"
        for entry in entries
        if entry.name.startswith(start)
    ]


def _takes_path(annotation: Any) -> bool:
    """Whether a parameter annotated ``annotation`` holds a Path (``Path``, ``Path | None``)."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation is Path or Path in get_args(annotation)


def _from_invocation(value: Path, here: Path, root: Path) -> Path:
    """A path typed relative to ``here``, made relative to ``root`` (absolute when outside it).

    Absolute paths and ``-`` (standard input or output) stay as typed. ``..`` is
    collapsed as the shell would from ``here``.
    """
    if value.is_absolute() or value == STDOUT:
        return value
    full = Path(os.path.normpath(here / value))
    return full.relative_to(root) if full.is_relative_to(root) else full


@contextlib.contextmanager
def at_repository_root(arguments: Mapping[str, Any], typed: set[str]) -> Iterator[dict[str, Any]]:
    """Run at the repository root, as git and DVC do, with the paths typed made to match.

    The working directory is the root while the command runs (and is restored
    after), so the paths of ``params.yaml``, ``dvc.yaml`` and :mod:`cli.paths`
    resolve from the root wherever the command was typed. The Path arguments named
    in ``typed`` (given on the command line) were meant relative to where the user
    stands: they are rewritten relative to the root. Outside any repository
    nothing changes.
    """
    try:
        here = Path.cwd()
    except FileNotFoundError:  # the folder the shell stands in was deleted or moved
        from cli.errors import WorkingFolderGone

        raise WorkingFolderGone() from None
    root = paths.repository_root(here)
    if root is None:
        yield dict(arguments)
        return
    moved = {
        name: _from_invocation(value, here, root)
        if name in typed and isinstance(value, Path)
        else value
        for name, value in arguments.items()
    }
    with contextlib.chdir(root):
        yield moved


def funnel(command: Callable[P, int | None]) -> Callable[Concatenate[typer.Context, P], None]:
    """Run ``command`` inside the error funnel, at the repository root; its int is the exit code.

    The wrapper takes typer's context as well, to tell the Path arguments typed on
    the command line (relative to the current directory) from the defaults
    (relative to the repository root).
    """
    signature = inspect.signature(command, eval_str=True)
    run: Callable[..., int | None] = command  # called with the arguments moved to the root
    path_names = {n for n, p in signature.parameters.items() if _takes_path(p.annotation)}

    @functools.wraps(command)
    def wrapper(ctx: typer.Context, *args: P.args, **kwargs: P.kwargs) -> None:
        from cli.adapters.signals import signals_as_interrupts

        typed = {n for n in path_names if _typed(ctx, n)}
        with (
            exit_on_error(traceback=Settings.traceback),
            signals_as_interrupts(),  # SIGTERM and SIGHUP unwind a command as Ctrl-C does
            at_repository_root(kwargs, typed) as arguments,
        ):
            code = run(*args, **arguments)
        raise typer.Exit(int(code or ExitCode.OK))

    context = inspect.Parameter(
        "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
    )
    # inspect.signature reads __signature__; typeshed declares no such attribute on functions.
    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[context, *signature.parameters.values()]
    )
    return wrapper


def _typed(ctx: typer.Context, name: str) -> bool:
    """Whether the value of parameter ``name`` came from the command line (not its default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT", "PROMPT")


def emit(result: Any, fmt: str, *, ok: bool) -> ExitCode:
    """Print ``result`` on stdout; the exit code is 0 when ``ok``, else 1 (findings).

    Text is coloured on a terminal only (never piped, never with ``NO_COLOR`` set).
    """
    from cli.render import render
    from cli.render.colour import wants_colour

    terminal = sys.stdout.isatty()
    colour = wants_colour(terminal, os.environ)
    typer.echo(render(result, fmt, pretty=terminal, colour=colour), color=colour)
    return ExitCode.OK if ok else ExitCode.FINDINGS
