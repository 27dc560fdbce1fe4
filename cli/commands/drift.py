"""``mlvc drift``: compare a new batch of data with the reference, column by column."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import paths
from cli.commands._shared import DriftFormatOption, emit, funnel
from cli.formats import Format


@funnel
def drift(
    reference: Annotated[
        Path,
        typer.Option(
            "--reference",
            "-r",
            help="Reference data, e.g. the training data (.csv, .parquet or .jsonl).",
        ),
    ],
    current: Annotated[
        Path,
        typer.Option("--current", "-c", help="The new batch to compare with the reference."),
    ],
    schema: Annotated[
        Path | None,
        typer.Option(
            "--schema",
            "-s",
            help="JSON Schema of one row: its 'required' columns must be in the reference, "
            "its types set each column's kind (number/integer numeric, string/boolean "
            "categorical).",
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model", "-m", help="A skops model: also compare its predicted class distribution."
        ),
    ] = None,
    params: Annotated[
        Path,
        typer.Option(
            "--params",
            "-p",
            help="Params file whose 'drift:' section sets the thresholds and whose "
            "'data.target' names the label column (built-in defaults and no target when "
            "the file does not exist).",
        ),
    ] = paths.PARAMS,
    fmt: DriftFormatOption = Format.text,
) -> int:
    """Compare a new batch of data with the reference: per-column drift and a verdict.

    Default thresholds shown. Numeric columns: population stability index (10
    reference-quantile bins) and, when the reference has at most 1000 rows, the
    Kolmogorov-Smirnov test (drift if p < 0.05), else the Wasserstein distance
    over the reference std (drift at >= 0.1). Categorical columns: PSI and
    chi-squared, or the Jensen-Shannon distance (>= 0.1) on large samples. Every
    column: the change in its missing rate (drift at >= 0.1). PSI >= 0.25 is
    drift, >= 0.1 a warning. The dataset drifts when at least half of its
    columns drift; a reference column missing from the current file counts as
    drifted, except the target ('data.target' in --params): a batch without
    labels is not compared on it. Exit 0 no drift, 1 drift (of the dataset or
    of the model's predicted classes), 2 could not run.
    """
    from cli import api

    policy, target = api.drift_settings(params=params)
    report = api.check_drift(
        reference=reference,
        current=current,
        schema=schema,
        model=model,
        policy=policy,
        target=target,
    )
    return emit(report, fmt, ok=report.ok)
