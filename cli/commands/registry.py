"""``mlvc release | promote | rollback | registry [history] | checkout``: a registry on git tags."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.commands._shared import FormatOption, Settings, emit, funnel
from cli.formats import Format

RepoOption = Annotated[Path, typer.Option("--repo", help="The git repository (default: here).")]
PushOption = Annotated[
    bool, typer.Option("--push", help="Publish: DVC objects first (verified), then the git tag.")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Report every gate and create nothing.")
]


class Bump(StrEnum):
    """Which part of the version to increase."""

    major = "major"
    minor = "minor"
    patch = "patch"


@funnel
def release(
    bump: Annotated[
        Bump | None,
        typer.Option("--bump", help="Increase this part of the latest version (default: patch)."),
    ] = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Explicit version X.Y.Z instead of --bump.")
    ] = None,
    push: PushOption = False,
    dry_run: DryRunOption = False,
    repo: RepoOption = Path(),
    fmt: FormatOption = Format.text,
) -> int:
    """Tag the current, reproduced model as NAME@vX.Y.Z (GTO's grammar) after every gate passes.

    Gates: clean work tree, pipeline up to date (dvc status), metric gates from
    params.yaml (release.gates: absolute thresholds and minimum change against the
    latest release, with each metric's direction), a valid model card. The tag
    message records the metrics, the card's digest of the parameters and the model's md5.
    Exit 0 released, 1 a gate failed, 2 could not run; with --push, SIGINT, SIGTERM
    or SIGHUP removes the local tag and exits 128 + the signal's number (130, 143, 129).
    """
    from cli import api
    from cli.adapters.signals import interrupts_as_exceptions

    if bump is not None and version is not None:
        from cli.errors import OptionsExclusive

        raise OptionsExclusive(f"--bump {bump.value}", f"--version {version}", decide="the version")
    chosen = (bump or Bump.patch).value
    with interrupts_as_exceptions():
        result = api.release(repo=repo, bump=chosen, version=version, push=push, dry_run=dry_run)
    return emit(result, fmt, ok=result.ok)


@funnel
def promote(
    model: Annotated[
        str, typer.Argument(help="Model name (from dvc.yaml artifacts).", metavar="MODEL")
    ],
    version: Annotated[
        str, typer.Argument(help="Version to promote, e.g. v0.1.0.", metavar="VERSION")
    ],
    stage: Annotated[
        str, typer.Argument(help="Target stage, e.g. staging or prod.", metavar="STAGE")
    ],
    push: PushOption = False,
    dry_run: DryRunOption = False,
    repo: RepoOption = Path(),
    fmt: FormatOption = Format.text,
) -> int:
    """Assign STAGE to MODEL's VERSION with a tag NAME#STAGE#N (GTO's counter).

    Stages follow release.stages in params.yaml (default dev -> staging -> prod):
    a version reaches a stage only after the one before it, and must pass that
    stage's gates (release.promotion). A version already in STAGE is a no-op (exit 0); a
    stage not in release.stages exits 2. Exit 0 promoted, 1 a gate failed, 2 could not run.
    """
    from cli import api
    from cli.adapters.signals import interrupts_as_exceptions

    with interrupts_as_exceptions():
        result = api.promote(
            model=model, version=version, stage=stage, repo=repo, push=push, dry_run=dry_run
        )
    return emit(result, fmt, ok=result.ok)


@funnel
def rollback(
    model: Annotated[
        str, typer.Argument(help="Model name (from dvc.yaml artifacts).", metavar="MODEL")
    ],
    stage: Annotated[str, typer.Option("--stage", help="The stage to roll back.")],
    push: PushOption = False,
    repo: RepoOption = Path(),
    fmt: FormatOption = Format.text,
) -> int:
    """Unassign STAGE from its current version (a tag NAME#STAGE!#N, as GTO's unassignment).

    The stage falls back to the version assigned to it before, as gto show reads it;
    each rollback steps one version further back. Exit 0 rolled back, 1 no earlier
    version holds the stage (nothing is tagged), 2 could not run.
    """
    from cli import api
    from cli.adapters.signals import interrupts_as_exceptions

    with interrupts_as_exceptions():
        result = api.rollback(model=model, stage=stage, repo=repo, push=push)
    return emit(result, fmt, ok=result.ok)


registry_app = typer.Typer(rich_markup_mode=None)


@registry_app.callback(invoke_without_command=True)
def registry(
    ctx: typer.Context,
    repo: RepoOption = Path(),
    fmt: FormatOption = Format.text,
) -> None:
    """List every model's versions, stages and key metrics, from the git tags alone.

    Reads any git repository, a bare mirror included (nothing is checked out).
    'mlvc registry history NAME' lists a model's registry events.
    """
    if ctx.invoked_subcommand is None:
        _listing(ctx, repo=repo, fmt=fmt)


@funnel
def _listing(*, repo: Path, fmt: Format) -> int:
    from cli import api

    result = api.registry(repo=repo, started=Settings.take_tag_listing())
    return emit(result, fmt, ok=result.ok)


@registry_app.command("history")
@funnel
def history(
    model: Annotated[
        str, typer.Argument(help="Model name, as in its registry tags.", metavar="MODEL")
    ],
    stage: Annotated[
        str | None, typer.Option("--stage", help="Only the events of this stage.")
    ] = None,
    repo: RepoOption = Path(),
    fmt: FormatOption = Format.text,
) -> int:
    """Every registration, assignment and unassignment of MODEL, newest first (as gto history).

    Each event with its ISO 8601 time, version, stage, commit and tag, read from the
    git tags alone (a bare mirror too).
    """
    from cli import api

    result = api.registry_history(model=model, stage=stage, repo=repo)
    return emit(result, fmt, ok=result.ok)


@funnel
def checkout(
    ref: Annotated[
        str,
        typer.Argument(
            help="NAME@vX.Y.Z, NAME@latest or NAME#STAGE (GTO's shortcuts), "
            "e.g. penguins-classifier#prod.",
            metavar="REF",
        ),
    ],
    repo: RepoOption = Path(),
    fmt: FormatOption = Format.text,
) -> int:
    """Restore a version's model files into the workspace through DVC and verify their md5s.

    NAME#STAGE restores the version the stage holds now. Every path is checked to stay
    inside the repository and every file verified before the first one is written.
    """
    from cli import api

    result = api.checkout(ref=ref, repo=repo)
    return emit(result, fmt, ok=result.ok)
