"""The registry's reads: ``registry``, ``registry_history`` and ``checkout``.

They read the registry's git tags (and, for ``checkout``, the files a release recorded);
none creates or deletes a tag. The writes (``release``, ``promote``, ``rollback``) live in
:mod:`cli.api.release`; both look up the release policy and a model's state through
:mod:`cli.api.registry_lookup`, and ``checkout`` reads a release's files through
:mod:`cli.adapters.release_files` (as ``resolve_model`` and ``monitor`` do).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cli.adapters import git
from cli.core.registry import (
    DEFAULT_STAGES,
    build_history,
    build_states,
    in_stage_order,
    iso_time,
    parse_shortcut,
    resolve_shortcut,
)
from cli.errors import (
    ModelNotInRegistry,
    NotARegistryRef,
    NoVersionYet,
    StageUnassigned,
    ToolkitError,
    UnknownRegistryStage,
)

if TYPE_CHECKING:
    from cli.adapters.startup import TagListing
    from cli.results.registry import RegistryHistory, RegistryView
    from cli.results.release import CheckoutResult


def registry(*, repo: Path = Path(), started: TagListing | None = None) -> RegistryView:
    """Versions, stages and key metrics of every model with registry tags (one git call).

    Stages are listed in the policy's order (release.stages), times in ISO 8601 (UTC).
    ``started``: the tag listing the CLI began at start-up (``startup.start_tag_listing``).
    """
    from cli.results.registry import RegistryModel, RegistryVersion, RegistryView

    states = build_states(git.registry_tags(repo, started=started))
    seen = {stage for state in states.values() for stage in state.stages}
    order = _listing_order(repo, seen)
    models = []
    for name, state in states.items():
        held = in_stage_order(state.stages, order)
        models.append(
            RegistryModel(
                name=name,
                latest=state.latest.version if state.latest else None,
                stages={s: state.stages[s] for s in held},
                versions=tuple(
                    RegistryVersion(
                        v.version,
                        v.commit,
                        iso_time(v.created),
                        in_stage_order(v.stages, order),
                        v.active,
                        dict(v.metrics),
                    )
                    for v in state.versions
                ),
                stage_order=held,
            )
        )
    return RegistryView(models=tuple(models))


def _listing_order(repo: Path, seen: set[str]) -> tuple[str, ...]:
    """The stage order a listing follows: release.stages when a stage outside the default
    order (dev, staging, prod) is held, else the default (the listing then parses no YAML).

    A repository without a readable params.yaml (a bare mirror) lists by the default order.
    """
    if seen <= set(DEFAULT_STAGES):
        return DEFAULT_STAGES
    return _policy_order(repo)


def _policy_order(repo: Path) -> tuple[str, ...]:
    """release.stages of ``repo``'s params.yaml; the default order (dev, staging, prod) when
    the file is missing or unreadable (a bare mirror) or lists none."""
    from cli.api.registry_lookup import release_policy

    try:
        return tuple(release_policy(repo).stages) or DEFAULT_STAGES
    except (ToolkitError, OSError):
        return DEFAULT_STAGES


def registry_history(
    *, model: str, stage: str | None = None, repo: Path = Path()
) -> RegistryHistory:
    """Every registration, deregistration, assignment and unassignment of ``model``.

    Newest first, as ``gto history`` lists them; ``stage`` keeps that stage's events.
    Reads the git tags alone (a bare mirror too). A ``stage`` that no tag of ``model``
    names and the policy (release.stages) does not list is UnknownRegistryStage (a typo
    would otherwise list no events); only then is ``params.yaml`` read.
    """
    from cli.results.registry import HistoryEvent, RegistryHistory

    records = git.registry_tags(repo)
    known = sorted(build_states(records))
    if model not in known:
        raise ModelNotInRegistry(model, known)
    history = build_history(model, records)
    if stage is not None:
        seen = {e.stage for e in history if e.stage}
        if stage not in seen:
            order = _policy_order(repo)
            if stage not in order:
                raise UnknownRegistryStage(stage, in_stage_order(seen | set(order), order))
    events = tuple(
        HistoryEvent(e.timestamp, e.event, e.version, e.stage, e.commit, e.tag)
        for e in history
        if stage is None or e.stage == stage
    )
    return RegistryHistory(model=model, stage=stage, events=events)


def _resolve_ref(repo: Path, ref: str) -> tuple[str, str]:
    """``(name, vX.Y.Z)`` that a GTO shortcut names now: a version, ``@latest`` or ``#STAGE``."""
    from cli.api.registry_lookup import model_state, release_policy, stage_order

    try:
        shortcut = parse_shortcut(ref)
    except ValueError:
        raise NotARegistryRef(ref) from None
    if shortcut.stage is not None:
        stage_order(release_policy(repo), shortcut.stage)
    if shortcut.version is not None:
        return shortcut.name, str(shortcut.version)
    version = resolve_shortcut(model_state(repo, shortcut.name), shortcut)
    if version is None and shortcut.stage is not None:
        raise StageUnassigned(shortcut.name, shortcut.stage)
    if version is None:
        raise NoVersionYet(shortcut.name)
    return shortcut.name, version


def checkout(*, ref: str, repo: Path = Path()) -> CheckoutResult:
    """Restore a version's model files into the workspace and verify their md5s.

    ``ref`` is one of GTO's shortcuts: ``NAME@vX.Y.Z``, ``NAME@latest`` (the highest
    active version) or ``NAME#STAGE`` (the version the stage holds now). Every output
    path of the model's stage at that tag must resolve inside the repository, symlinks
    included (a symlink there that leads outside is refused, one inside is replaced by
    the file); all are checked, fetched and verified before the first file is written.
    """
    from cli.adapters.files import contained, write_bytes
    from cli.adapters.release_files import fetch_verified, recorded_files
    from cli.results.release import CheckoutResult

    git.ensure_repo(repo)
    name, version = _resolve_ref(repo, ref)
    tag, _, files = recorded_files(repo, name, version)
    targets = {path: contained(repo, path, source=f"{tag}:dvc.lock") for path, _ in files}
    fetched = [(path, fetch_verified(repo, path, md5, tag), md5) for path, md5 in files]
    for path, data, _ in fetched:  # write only once every file is checked and verified
        # a symlink at the path is replaced by the file, as `dvc checkout` does: writing
        # through it would change another file (a DVC cache file, with cache.type: symlink)
        write_bytes(targets[path], data, through_links=False)
    return CheckoutResult(name, version, tuple((p, m) for p, _, m in fetched))
