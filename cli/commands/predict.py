"""``mlvc predict``: score a table with a released model version, checked against its contract."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.commands._shared import funnel, output_file
from cli.errors import ExitCode
from cli.progress import ProgressBar


class TableFormat(StrEnum):
    """The formats a prediction table is written in."""

    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"


@funnel
def predict(
    data: Annotated[
        Path,
        typer.Argument(help="Rows to score: a CSV, Parquet or JSON Lines file.", metavar="INPUT"),
    ],
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="NAME@vX.Y.Z, NAME#STAGE, NAME@latest or a path to a .skops file "
            "(relative to the repository root).",
            metavar="REF",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the predictions ('-' or none: standard output).",
            metavar="OUTPUT",
            **output_file("predictions.csv"),
        ),
    ] = None,
    fmt: Annotated[
        TableFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output table format (default: from the output's suffix, else csv).",
        ),
    ] = None,
    skip_invalid: Annotated[
        Path | None,
        typer.Option(
            "--skip-invalid",
            help="Score the valid rows and write the invalid ones, with their reasons, here.",
            metavar="REJECTS",
            **output_file("rejects.csv"),
        ),
    ] = None,
    no_log: Annotated[
        bool, typer.Option("--no-log", help="Do not append this run to the prediction log.")
    ] = False,
) -> int:
    """Score every row of INPUT with a model version; write key columns and predictions.

    Rows are read in chunks and checked against the version's data contract
    (data/schema.json at its commit; the target may be absent; columns the
    contract does not describe are carried through as keys). One invalid row fails
    the batch (exit 1, the 'schema check' report, nothing written) unless
    --skip-invalid. Output: key columns, prediction, proba_<class> per class
    (classifiers), model_version. Scored rows are logged to monitoring/ as set by
    params.yaml's monitoring section. Exit 0 all scored, 1 invalid rows, 2 could not run.
    """
    from cli import api
    from cli.render import render

    to_stdout = output is None or output.name == "-"
    bar = ProgressBar(f"scoring {data.name}")
    try:
        result = api.predict_table(
            model=model,
            data=data,
            output=sys.stdout.buffer if to_stdout or output is None else output,
            fmt=fmt.value if fmt is not None else None,
            rejects=skip_invalid,
            log=not no_log,
            progress=bar,
        )
    finally:
        bar.close()
    typer.echo(render(result, "text"), err=to_stdout)
    return ExitCode.OK if result.ok else ExitCode.FINDINGS
