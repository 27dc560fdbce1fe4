"""``mlvc pipeline``: checks on the DVC pipeline as a whole."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.commands._shared import FormatOption, emit, funnel
from cli.formats import Format

app = typer.Typer(rich_markup_mode=None, help="Checks on the DVC pipeline as a whole.")


@app.command("verify")
@funnel
def verify(
    repo: Annotated[
        Path, typer.Option("--repo", help="Repository to verify (its committed state).")
    ] = Path(),
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the clean clone on disk for inspection.")
    ] = False,
    fmt: FormatOption = Format.text,
) -> int:
    """Rerun the committed pipeline in a clean clone; fail if any output differs from dvc.lock.

    The reproducibility gate: a fresh clone with its own empty DVC cache (the
    repository's cache and any cache.dir in its config are never read) must
    rebuild every output bit for bit, every stage forced, without the run-cache.
    Exit 0 when all match, 1 when any differs.
    """
    from cli import api

    def started() -> None:
        typer.echo(
            "rerunning the pipeline in a clean clone (dvc repro --force --no-run-cache)...",
            err=True,
        )

    report = api.verify_reproduction(repo=repo, keep=keep, started=started)
    return emit(report, fmt, ok=report.ok)
