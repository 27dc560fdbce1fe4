"""``mlvc card``: build and check model cards."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import paths
from cli.commands._shared import FormatOption, emit, funnel, output_file
from cli.formats import Format

app = typer.Typer(rich_markup_mode=None, help="Build and check model cards (Hugging Face format).")


@app.command("build")
@funnel
def build(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Where to write the card.", **output_file("README.md")),
    ] = paths.MODEL_CARD,
    params: Annotated[
        Path, typer.Option("--params", "-p", help="Params file (card and data settings).")
    ] = paths.PARAMS,
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            help="Registry version the card describes (vX.Y.Z), for publishing a release; "
            "the card stage writes none.",
            metavar="VERSION",
        ),
    ] = None,
    fmt: FormatOption = Format.text,
) -> int:
    """Write the model card from the pipeline's outputs and models/card.yaml.

    Metrics, slices, hyperparameters, data summary and lineage are read from the
    pipeline's outputs; nothing is typed twice. Fails (exit 2, old card kept) when
    an input is missing or dvc.lock shows the metrics are older than the model.
    """
    from cli import api

    result = api.build_card(output=output, params_file=params, version=version)
    return emit(result, fmt, ok=result.ok)


@app.command("check")
@funnel
def check(
    card: Annotated[
        Path, typer.Argument(help="The card to check.", metavar="CARD")
    ] = paths.MODEL_CARD,
    card_input: Annotated[
        Path,
        typer.Option(
            "--input",
            "-i",
            help="The card's text (models/card.yaml): each value starting with TODO is a problem.",
        ),
    ] = paths.CARD_INPUT,
    fmt: FormatOption = Format.text,
) -> int:
    """Validate a card's front matter and sections, and list the TODOs left in its text.

    The Hub validates cards only online, when pushed; this check runs offline. Every
    value of models/card.yaml that starts with TODO is a problem named by its key.
    Exit 0 complete, 1 problems found, 2 missing file or front matter that is not YAML.
    """
    from cli import api

    report = api.check_card(card=card, card_input=card_input)
    return emit(report, fmt, ok=report.ok)
