"""``mlvc report``: what changed between two revisions, for people, pull requests and machines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.commands._shared import ReportOutputOption, emit, funnel
from cli.errors import ExitCode
from cli.formats import Format


@funnel
def report(
    base: Annotated[
        str,
        typer.Option(
            "--base",
            "-b",
            help="Revision to compare against (branch, tag, commit or DVC experiment name).",
        ),
    ] = "HEAD",
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="Revision to compare (as --base); default: the files in the workspace.",
        ),
    ] = None,
    fmt: ReportOutputOption = Format.text,
    fail_on_regression: Annotated[
        bool,
        typer.Option(
            "--fail-on-regression",
            help="Exit 1 when a metric got worse by more than its tolerance "
            "(report.tolerances in params.yaml), or is missing, not a number or not finite.",
        ),
    ] = False,
    card: Annotated[
        Path | None,
        typer.Option(
            "--card", help="Start with this model card's name and description (release notes)."
        ),
    ] = None,
    repo: Annotated[
        Path, typer.Option("--repo", help="The git repository (default: here).")
    ] = Path(),
) -> int:
    """Compare metrics, parameters, data, the schema check and plots between two revisions.

    Metrics of metrics/metrics.json and metrics/slices.json with the change and
    whether it is better or worse (log_loss lower is better, counts have no
    direction, everything else higher is better); changed params.yaml keys;
    DVC-tracked outputs whose md5 in dvc.lock changed, with row counts of CSV
    files when the local cache has them (else n/a); the data-contract check at
    head; the confusion matrix and ROC/PR curves (Mermaid charts in Markdown).
    A base without metrics shows everything as new. A revision is what git
    resolves (it wins) or a DVC experiment name (refs/exps/...). Exit 0, or 1 with
    --fail-on-regression when a metric with a tolerance got worse beyond it or is
    missing, not a number or not finite at head; 2 could not run.
    """
    from cli import api

    result = api.build_report(base=base, head=head, repo=repo, card=card)
    code = emit(result, fmt, ok=result.ok)
    return code if fail_on_regression else ExitCode.OK
