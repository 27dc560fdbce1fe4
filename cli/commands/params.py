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
    fmt: ReportFormatOption = Format.text,
) -> int:
    """Validate a params file against its schema: every problem with key, value and what is allowed.

    Exit 0 when valid, 1 when there are problems, 2 when the file is missing or not YAML.
    """
    from cli import api

    report = api.check_params(params=params)
    return emit(report, fmt, ok=report.ok)
