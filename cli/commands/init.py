"""``mlvc init``: retarget the project to the user's own table in one command."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.commands._shared import FormatOption, emit, funnel
from cli.formats import Format


class Task(StrEnum):
    """What the model predicts; ``auto`` decides from the target column."""

    auto = "auto"
    classification = "classification"
    regression = "regression"


@funnel
def init(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            help="CSV, Parquet or JSON Lines table (copied under data/external/ if elsewhere).",
            metavar="FILE",
        ),
    ],
    target: Annotated[
        str, typer.Option("--target", help="The column to predict.", metavar="COLUMN")
    ],
    task: Annotated[
        Task,
        typer.Option(
            "--task",
            help="auto, classification or regression. auto: a text, boolean or whole-number "
            "target with at most 20 values is classification, another number regression.",
            metavar="TASK",
        ),
    ] = Task.auto,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="The model's name in dvc.yaml and the registry (default: from the file name, "
            "e.g. wine-classifier).",
            metavar="MODEL_NAME",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a project already set up for other data."),
    ] = False,
    fmt: FormatOption = Format.text,
) -> int:
    """Set the project up for your own table: data contract, params, card and model name.

    Decides each column's role (target, numeric, categorical, datetime, or excluded:
    ID-like, constant), the task and estimator, and the evaluation slices; writes
    data/schema.json, params.yaml, models/card.yaml (with TODO markers) and the model
    artifact in dvc.yaml, all or nothing. Prints every decision and what is left for
    a person; then run 'dvc repro'. Refuses, exit 2, a project set up for other data
    unless --force.
    """
    from cli import api
    from cli.adapters.signals import interrupts_as_exceptions

    with interrupts_as_exceptions(next_step="run the same 'mlvc init' again"):
        result = api.init_project(data=data, target=target, task=task.value, name=name, force=force)
    return emit(result, fmt, ok=result.ok)
