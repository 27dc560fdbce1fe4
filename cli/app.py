"""The ``mlvc`` command: a root Typer app composed of one sub-app per command group."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import __version__
from cli.commands import card, drift, params, pipeline, registry, report, schema
from cli.commands._shared import Settings

app = typer.Typer(
    name="mlvc",
    help=(
        "Data-and-model versioning on Git and DVC: data contracts, validated parameters, "
        "model cards, drift checks, releases and a model registry on git tags, and a "
        "reproducibility check. "
        "Exit codes: 0 ok, 1 findings, 2 could not run."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rendering through rich costs ~0.17 s of start-up
)
app.add_typer(card.app, name="card")
app.add_typer(params.app, name="params")
app.add_typer(pipeline.app, name="pipeline")
app.add_typer(schema.app, name="schema")
app.command("release")(registry.release)
app.command("promote")(registry.promote)
app.command("rollback")(registry.rollback)
app.command("registry")(registry.registry)
app.command("checkout")(registry.checkout)
app.command("drift")(drift.drift)
app.command("report")(report.report)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"mlvc {__version__}")
        raise typer.Exit()


@app.callback()
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
