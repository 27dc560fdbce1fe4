"""What every command shares: the --format option and the error funnel."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from cli.errors import ExitCode
from cli.formats import OutputFormat, ReportFormat
from cli.funnel import exit_on_error

F = TypeVar("F", bound=Callable[..., Any])


class Settings:
    """Process-wide flags set by the root callback."""

    traceback: bool = False


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format: 'text' for people, 'json' for machines."),
]


ReportFormatOption = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        "-f",
        help="Output format: 'text', 'json', 'markdown' (pull requests) or 'github' (annotations).",
    ),
]


def funnel(command: F) -> F:
    """Run ``command`` inside the error funnel; its returned int becomes the exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        with exit_on_error(traceback=Settings.traceback):
            code = command(*args, **kwargs)
        raise typer.Exit(int(code or ExitCode.OK))

    return wrapper  # type: ignore[return-value]


def emit(result: Any, fmt: str, *, ok: bool) -> ExitCode:
    """Print ``result`` on stdout; the exit code is 0 when ``ok``, else 1 (findings)."""
    from cli.render import render

    typer.echo(render(result, fmt, pretty=sys.stdout.isatty()))
    return ExitCode.OK if ok else ExitCode.FINDINGS
