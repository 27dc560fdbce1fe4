"""The registry's reads: ``registry``, ``registry_history`` and ``checkout``.

They read the registry's git tags (and, for ``checkout``, the files a release recorded);
none creates or deletes a tag. The writes (``release``, ``promote``, ``rollback``) live in
:mod:`cli.api.release`, which shares the helpers here that read the release policy and a
model's state (as :mod:`cli.api.models` and :mod:`cli.api.monitor` share the verified
fetch of a release's files).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import paths
from cli.adapters import git
from cli.adapters.files import md5_bytes, parse_yaml
from cli.core.registry import (
    DEFAULT_STAGES,
    ModelState,
    Version,
    build_history,
    build_state,
    build_states,
    in_stage_order,
    iso_time,
    parse_shortcut,
    resolve_shortcut,
    version_tag,
)
from cli.errors import (
    ModelNotInRegistry,
    NotARegistryRef,
    ReleaseFileCorrupt,
    StageUnassigned,
    ToolkitError,
    UnknownRegistryStage,
)

if TYPE_CHECKING:
    from cli.adapters.startup import TagListing
    from cli.results.registry import RegistryHistory, RegistryView
    from cli.results.release import CheckoutResult


def _policy(repo: Path) -> Any:
    """The ``release:`` section of ``params.yaml``: stage order, release and promotion gates."""
    from cli.params import load_params

    return load_params(repo / paths.PARAMS).release


def _stage_order(policy: Any, stage: str) -> tuple[str, ...]:
    """The policy's stage order; UnknownRegistryStage (exit 2) when ``stage`` is not in it."""
    order = tuple(policy.stages) or DEFAULT_STAGES
    if stage not in order:
        raise UnknownRegistryStage(stage, order)
    return order


def _state(repo: Path, name: str) -> ModelState:
    """``name``'s versions and stages, folded from the repository's annotated tags."""
    return build_state(name, git.annotated_tags(repo))


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
    try:
        return tuple(_policy(repo).stages) or DEFAULT_STAGES
    except (ToolkitError, OSError):
        return DEFAULT_STAGES


def registry_history(
    *, model: str, stage: str | None = None, repo: Path = Path()
) -> RegistryHistory:
    """Every registration, deregistration, assignment and unassignment of ``model``.

    Newest first, as ``gto history`` lists them; ``stage`` keeps that stage's events.
    Reads the git tags alone (a bare mirror too).
    """
    from cli.results.registry import HistoryEvent, RegistryHistory

    records = git.registry_tags(repo)
    known = sorted(build_states(records))
    if model not in known:
        raise ModelNotInRegistry(model, known)
    events = tuple(
        HistoryEvent(e.timestamp, e.event, e.version, e.stage, e.commit, e.tag)
        for e in build_history(model, records, stage=stage)
    )
    return RegistryHistory(model=model, stage=stage, events=events)


def _resolve_ref(repo: Path, ref: str) -> tuple[str, str]:
    """``(name, vX.Y.Z)`` that a GTO shortcut names now: a version, ``@latest`` or ``#STAGE``."""
    try:
        shortcut = parse_shortcut(ref)
    except ValueError:
        raise NotARegistryRef(ref) from None
    if shortcut.stage is not None:
        _stage_order(_policy(repo), shortcut.stage)
    if shortcut.version is not None:
        return shortcut.name, str(shortcut.version)
    version = resolve_shortcut(_state(repo, shortcut.name), shortcut)
    if version is None and shortcut.stage is not None:
        raise StageUnassigned(shortcut.name, shortcut.stage)
    if version is None:
        raise ToolkitError(
            f"{shortcut.name} has no registered version", hint="create one with 'mlvc release'"
        )
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
    from cli.results.release import CheckoutResult

    git.ensure_repo(repo)
    name, version = _resolve_ref(repo, ref)
    tag, _, files = _release_files(repo, name, version)
    targets = {path: contained(repo, path, source=f"{tag}:dvc.lock") for path, _ in files}
    fetched = [(path, _fetch_verified(repo, path, md5, tag), md5) for path, md5 in files]
    for path, data, _ in fetched:  # write only once every file is checked and verified
        # a symlink at the path is replaced by the file, as `dvc checkout` does: writing
        # through it would change another file (a DVC cache file, with cache.type: symlink)
        write_bytes(targets[path], data, through_links=False)
    return CheckoutResult(name, version, tuple((p, m) for p, _, m in fetched))


def _release_files(repo: Path, name: str, version: str) -> tuple[str, str, list[tuple[str, str]]]:
    """The release tag, the model's path and every ``(path, md5)`` its stage outputs there.

    Read from ``dvc.yaml`` (the artifact's path) and ``dvc.lock`` (the outputs of the
    stage that writes it) as committed at the tag; paths are untrusted (callers contain them).
    """
    from cli.core.lock import locked_outputs

    tag = version_tag(name, Version.parse(version))
    if not git.tag_exists(repo, tag):
        raise ToolkitError(f"no release tag '{tag}'", hint="list versions with 'mlvc registry'")
    committed = f"{tag} cannot be restored as committed; pick another version ('mlvc registry')"
    dvc_yaml = parse_yaml(
        git.show(repo, tag, str(paths.DVC_YAML)) or "{}", source=f"{tag}:dvc.yaml", hint=committed
    )
    artifact = (dvc_yaml.get("artifacts") or {}).get(name) if isinstance(dvc_yaml, dict) else None
    model_path = artifact.get("path") if isinstance(artifact, dict) else None
    lock_text = git.show(repo, tag, str(paths.DVC_LOCK)) or "{}"
    lock = parse_yaml(lock_text, source=f"{tag}:dvc.lock", hint=committed)
    outputs = locked_outputs(lock)
    producer = next((stage for (stage, p) in outputs if p == model_path), None)
    if model_path is None or producer is None:
        raise ToolkitError(f"{tag}: dvc.yaml/dvc.lock at that tag do not record the model's path")
    files = sorted((out.path, out.md5) for out in outputs.values() if out.stage == producer)
    return tag, str(model_path), files


def _fetch_verified(repo: Path, path: str, md5: str, tag: str) -> bytes:
    """The bytes of the DVC output ``path`` at ``tag``, whose md5 must be ``md5`` (dvc.lock's).

    The local DVC cache first (by content address, no DVC process), else ``dvc get``
    (the cache or the remote); either way the bytes are hashed before they are used.
    """
    from cli.adapters import dvc_cli
    from cli.adapters.revisions import cached_file

    cached = cached_file(repo, md5)
    data = cached.read_bytes() if cached is not None else dvc_cli.fetch_file(repo, path, tag)
    actual = md5_bytes(data)
    if actual != md5 and cached is not None:  # a damaged cache file: ask DVC instead
        data = dvc_cli.fetch_file(repo, path, tag)
        actual = md5_bytes(data)
    if actual != md5:
        raise ReleaseFileCorrupt(f"{path}@{tag}", actual, md5)
    return data
