"""``mlvc schema``: infer and check data contracts (JSON Schema of one row)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.commands._shared import (
    STDOUT,
    FormatOption,
    ReportFormatOption,
    emit,
    funnel,
    output_file,
)
from cli.errors import ExitCode
from cli.formats import Format
from cli.progress import ProgressBar

app = typer.Typer(
    rich_markup_mode=None,
    help="Data contracts: infer a JSON Schema for one row of a table, and check data against it.",
)


@app.command("infer")
@funnel
def infer(
    data: Annotated[
        Path, typer.Argument(help="CSV, Parquet or JSON Lines file to learn from.", metavar="DATA")
    ],
    # '-' prints the schema on standard output (docs/cli-conventions.md); the help text
    # stays as the README's generated reference quotes it
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Where to write the schema.", **output_file("schema.json")
        ),
    ],
    title: Annotated[
        str | None, typer.Option("--title", help="Title of the schema (default: from the file).")
    ] = None,
    fmt: FormatOption = Format.text,
) -> int:
    """Infer a JSON Schema (Draft 2020-12) describing one row of DATA.

    Per column: type (with null where nulls occur), minimum/maximum, enum for
    low-cardinality strings, format date/date-time where every value fits; all
    columns required; table rules under x-mlvc. Deterministic and meant to be
    edited by hand and committed.
    """
    from cli import api
    from cli.adapters.runtime import configure  # the process's malloc settings and pools
    from cli.render import render

    bar = ProgressBar(f"reading {data.name}")
    try:
        result = api.infer_schema(
            data=data,
            output=None if output == STDOUT else output,
            title=title,
            progress=bar,
            pools=configure(),
        )
    finally:
        bar.close()
    if result.document is None:
        return emit(result, fmt, ok=result.ok)
    # standard output carries the schema alone; the summary is a diagnostic (stderr)
    typer.echo(result.document, nl=False)
    typer.echo(render(result, Format.text), err=True)
    return ExitCode.OK


@app.command("check")
@funnel
def check(
    data: Annotated[
        Path, typer.Argument(help="CSV, Parquet or JSON Lines file to validate.", metavar="DATA")
    ],
    schema: Annotated[Path, typer.Option("--schema", "-s", help="JSON Schema of one row.")],
    fmt: ReportFormatOption = Format.text,
) -> int:
    """Validate every row of DATA against SCHEMA; report every violation.

    Lists missing and unexpected columns, then per column and keyword the number
    of failing rows with the first row numbers and values, then the x-mlvc table
    rules. A row passes exactly when jsonschema accepts it (see the README for
    how cells map to JSON values). Exit 0 valid, 1 violations, 2 could not run.
    """
    from cli import api
    from cli.adapters.runtime import configure  # the process's malloc settings and pools

    bar = ProgressBar(f"checking {data.name}")
    try:
        report = api.check_schema(data=data, schema=schema, progress=bar, pools=configure())
    finally:
        bar.close()
    return emit(report, fmt, ok=report.ok)
