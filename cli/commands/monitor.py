"""``mlvc monitor``: a released model version in service against its training data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.commands._shared import DriftFormatOption, emit, funnel
from cli.formats import Format


@funnel
def monitor(
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="The released version: NAME@vX.Y.Z, NAME#STAGE or NAME@latest.",
            metavar="REF",
        ),
    ],
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Only logged rows from this UTC day on (YYYY-MM-DD).", metavar="DATE"
        ),
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="A CSV or Parquet file of true labels (the ID column and the target): "
            "compute the live metrics and check them against release.gates.",
            metavar="FILE",
        ),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="The column that joins --labels to the logged rows (a key column of the "
            "scored input).",
            metavar="COLUMN",
        ),
    ] = None,
    fmt: DriftFormatOption = Format.text,
) -> int:
    """Compare a model version's prediction log with its training data and release.

    Training/serving skew: the version's training split against the logged inputs
    (the drift engine and params.yaml's drift section). The version's test-split
    predictions against the logged predictions. Staleness: days since the version
    was trained and since its data were ingested (monitoring.max_model_age_days,
    max_data_age_days). NaN or infinite logged outputs. With --labels and --id: the
    live metrics against release.gates. Exit 0 ok, 1 findings (skew, drifted
    predictions, staleness, non-finite outputs, a metric below its gate), 2 could
    not run (e.g. no logged rows for the version: run mlvc predict or mlvc serve).
    """
    from cli import api

    report = api.monitor(model=model, since=since, labels=labels, id_column=id_column)
    return emit(report, fmt, ok=report.ok)
