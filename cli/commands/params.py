"""``mlvc params``: check params.yaml against its JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import paths
from cli.commands._shared import ReportFormatOption, emit, funnel
from cli.formats import Format

app = typer.Typer(
    rich_markup_mode=None, help="Inspect and validate the pipeline's parameters (params.yaml)."
)


@app.command("check")
@funnel
def check(
    params: Annotated[
        Path,
        typer.Option("--params", "-p", help="Params file to check.", show_default=True),
    ] = paths.PARAMS,
    schema: Annotated[
        Path,
        typer.Option(
            "--schema",
            "-s",
            help="Data contract whose columns data.*, evaluate.slices must name.",
            show_default=True,
        ),
    ] = paths.DATA_SCHEMA,
    fmt: ReportFormatOption = Format.text,
) -> int:
    """Validate a params file against its schema and the data contract: every problem named by key.

    Target, features and evaluate.slices must be columns of the data contract, the estimator
    must fit data.task, and gates and tolerances must name metrics the task writes.
    Exit 0 when valid, 1 when there are problems, 2 when a file is missing or unreadable.
    """
    from cli import api

    report = api.check_params(params=params, schema=schema)
    return emit(report, fmt, ok=report.ok)
