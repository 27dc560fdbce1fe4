"""Releases and the model registry: release, promote, rollback, registry, history, checkout."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import paths
from cli.adapters import dvc_cli, git
from cli.adapters.dvcfile import artifacts
from cli.adapters.files import md5_bytes, md5_file, parse_yaml, read_json
from cli.core.metric_names import TASK_METRICS
from cli.core.registry import (
    DEFAULT_STAGES,
    GateResult,
    MetricGate,
    ModelState,
    Version,
    build_history,
    build_state,
    build_states,
    check_metric_gates,
    check_promotion_order,
    in_stage_order,
    iso_time,
    parse_shortcut,
    resolve_shortcut,
    stage_tag,
    version_tag,
)
from cli.errors import (
    AlreadyReleasedHere,
    DetachedHead,
    ModelNotInRegistry,
    NoModelArtifact,
    NotARegistryRef,
    NotASemVer,
    NotAVersion,
    NothingToRollBack,
    NoVersionYet,
    PublishInterrupted,
    ReleaseFailed,
    ReleaseFileCorrupt,
    ReleaseFilesMissing,
    ReleaseTagMissing,
    RemoteLacksObjects,
    StageUnassigned,
    TagExists,
    ToolkitError,
    UnknownModelName,
    UnknownModelVersion,
    UnknownRegistryStage,
    VersionExists,
)

if TYPE_CHECKING:
    from cli.adapters.startup import TagListing
    from cli.results.registry import RegistryHistory, RegistryView
    from cli.results.release import CheckoutResult, Gate, Promotion, Release

# Every task's headline metrics, recorded in the release tag for the change gates.
KEY_METRICS = tuple(dict.fromkeys(k for keys in TASK_METRICS.values() for k in keys))


def _gates(results: list[GateResult]) -> tuple[Gate, ...]:
    from cli.results.release import Gate

    return tuple(Gate(r.gate, r.ok, r.detail) for r in results)


def _model(repo: Path, name: str | None = None) -> tuple[str, str]:
    """The model's name and path from dvc.yaml's ``artifacts:`` block."""
    models = {n: a for n, a in artifacts(repo / paths.DVC_YAML).items() if a.get("type") == "model"}
    if not models:
        raise NoModelArtifact(str(repo / paths.DVC_YAML))
    if name is None:
        name = sorted(models)[0]
    if name not in models:
        raise UnknownModelName(str(repo / paths.DVC_YAML), name, sorted(models))
    return name, str(models[name]["path"])


def _policy(repo: Path) -> Any:
    from cli.params import load_params

    return load_params(repo / paths.PARAMS).release


def _stage_order(policy: Any, stage: str) -> tuple[str, ...]:
    """The policy's stage order; UnknownRegistryStage (exit 2) when ``stage`` is not in it."""
    order = tuple(policy.stages) or DEFAULT_STAGES
    if stage not in order:
        raise UnknownRegistryStage(stage, order)
    return order


def _version_text(text: str) -> str:
    """``vX.Y.Z`` from ``X.Y.Z`` or ``vX.Y.Z``; NotAVersion (exit 2) otherwise."""
    try:
        return str(Version.parse(text))
    except ValueError:
        raise NotAVersion(text) from None


def _metric_gates(specs: Any) -> list[MetricGate]:
    return [MetricGate(**dict(spec)) for spec in specs]


def _state(repo: Path, name: str) -> ModelState:
    return build_state(name, git.annotated_tags(repo))


def _release_message(name: str, version: Version, model_path: str, repo: Path) -> str:
    """GTO's registration message, then the model's md5, the card's params digest, metrics."""
    from cli.adapters.card_sources import card_params_digest
    from cli.params import load_params

    metrics = read_json(repo / paths.METRICS, what="metrics file")
    digest = card_params_digest(load_params(repo / paths.PARAMS), repo / paths.DVC_YAML)
    lines = [
        f"Registering artifact {name} version {version}",
        "",
        f"model: {model_path}",
        f"model_md5: {md5_file(repo / model_path)}",
        f"params_digest: {digest}",
    ]
    lines += [f"metric.{k}: {metrics[k]}" for k in KEY_METRICS if metrics.get(k) is not None]
    return "\n".join(lines)


def _next_version(state: ModelState, bump: str, explicit: str | None) -> Version:
    if explicit is not None:
        try:
            version = Version.parse(explicit)
        except ValueError as exc:
            raise NotASemVer(str(exc)) from None
        if state.find(str(version)):
            raise VersionExists(state.name, str(version))
        return version
    latest = max((Version.parse(v.version) for v in state.versions), default=Version.parse("0.0.0"))
    return latest.bump(bump)


def release(
    *,
    repo: Path = Path(),
    bump: str = "patch",
    version: str | None = None,
    push: bool = False,
    dry_run: bool = False,
    model: str | None = None,
) -> Release:
    """Tag the current, reproduced model as a new version after every gate passes.

    Gates: clean work tree, pipeline up to date (``dvc status``), metric gates
    from ``params.yaml`` (absolute, and against the latest release), a valid
    model card when one exists. With ``push``: ``dvc push``, then a check that
    the remote holds every object, then ``git push`` of the tag; on any failure
    the local tag is deleted. ``dry_run`` reports the gates and creates nothing.
    """
    from cli.results.release import Gate, Release

    git.ensure_repo(repo)
    if git.current_branch(repo) is None:
        raise DetachedHead(str(repo))
    name, model_path = _model(repo, model)
    with git.registry_lock(repo):
        state = _state(repo, name)
        new = _next_version(state, bump, version)
        commit = git.head_commit(repo)
        tag = version_tag(name, new)
        if git.tag_exists(repo, tag):
            raise VersionExists(name, str(new))
        same_commit = [v for v in state.versions if v.commit == commit and v.active]
        if same_commit and not dry_run:
            raise AlreadyReleasedHere(name, same_commit[0].version)
        gates = _release_gates(repo, state)
        if same_commit:  # a dry run reports it as one more failed gate (exit 1)
            detail = f"already released at this commit as {same_commit[0].version}"
            gates += (Gate("one version per commit", False, f"{detail}; commit a change first"),)
        remote = git.default_remote(repo) if push else None
        if dry_run or not all(g.ok for g in gates):
            return Release(name, str(new), tag, commit, gates, False, False, dry_run, remote)
        message = _release_message(name, new, model_path, repo)
        _tag_and_publish(
            repo, tag, commit, message, after=state.newest, remote=remote, dvc=True, what="release"
        )
        return Release(name, str(new), tag, commit, gates, True, push, False, remote)


def _first_few(items: list[str], shown: int = 5) -> str:
    """``a, b, c, d, e and 7 more``: the first ``shown`` items and the count of the rest."""
    rest = len(items) - shown
    return ", ".join(items[:shown]) + (f" and {rest} more" if rest > 0 else "")


def _release_gates(repo: Path, state: ModelState) -> tuple[Gate, ...]:
    # params.yaml first: a missing or malformed one is its own one-line error, not the
    # error DVC reports for it from 'dvc status' (which reads it too)
    policy = _policy(repo)
    dirty = git.dirty_paths(repo)
    results = [
        GateResult(
            "clean work tree",
            not dirty,
            "no uncommitted changes" if not dirty else f"uncommitted: {_first_few(dirty)}",
        )
    ]
    changes = dvc_cli.pipeline_changes(repo)
    results.append(
        GateResult(
            "pipeline up to date",
            not changes,
            "dvc status is clean"
            if not changes
            else f"dvc status: {', '.join(sorted(changes))} "
            "changed; run 'dvc repro' and commit dvc.lock",
        )
    )
    metrics_file = repo / paths.METRICS
    if not metrics_file.is_file():
        results.append(GateResult("metrics", False, f"{paths.METRICS} missing; run 'dvc repro'"))
    else:
        metrics = read_json(metrics_file, what="metrics file")
        latest = state.latest
        results += check_metric_gates(
            _metric_gates(policy.gates),
            metrics,
            dict(latest.metrics) if latest else None,
            baseline_label=f"{latest.version}" if latest else "the latest release",
        )
    card = repo / paths.MODEL_CARD
    if card.is_file():
        from cli.api.card import check_card

        card_input = repo / paths.CARD_INPUT
        report = check_card(card=card, card_input=card_input if card_input.is_file() else None)
        results.append(
            GateResult(
                "model card",
                report.ok,
                "valid"
                if report.ok
                else "; ".join(f"{p.where}: {p.message}" for p in report.problems),
            )
        )
    return _gates(results)


def _tag_and_publish(
    repo: Path,
    tag: str,
    commit: str,
    message: str,
    *,
    after: int,
    remote: str | None,
    dvc: bool,
    what: str,
) -> None:
    """Create ``tag``; with a ``remote``, publish it, or remove it again.

    Publishing pushes the DVC objects first (``dvc``), verified, then the tag: never a
    tag whose artifacts the remote lacks. Whatever stops it after the tag exists (a
    failed push, Ctrl-C, or SIGTERM/SIGHUP as the CLI raises them) deletes the local
    tag, so running the same command again starts clean.
    """
    pushing = False
    try:
        git.create_tag(repo, tag, commit, message, after=after)
        if remote is None:
            return
        if dvc:
            dvc_cli.push(repo)
            missing = dvc_cli.remote_missing(repo)
            if missing:
                raise RemoteLacksObjects(list(missing))
        pushing = True
        git.push_tag(repo, remote, tag)
    except TagExists:
        raise  # another command created it: it is not ours to delete
    except BaseException as exc:
        git.delete_tag(repo, tag)
        if isinstance(exc, KeyboardInterrupt):
            signum = getattr(exc, "signum", signal.SIGINT)
            name = signal.Signals(signum).name
            raise PublishInterrupted(tag, name, signum, pushing=pushing) from None
        if isinstance(exc, ToolkitError):
            raise ReleaseFailed(what, tag, exc) from None
        raise


def promote(
    *,
    model: str,
    version: str,
    stage: str,
    repo: Path = Path(),
    push: bool = False,
    dry_run: bool = False,
) -> Promotion:
    """Assign ``stage`` to a version (``NAME#STAGE#N``), after the stage order and stage gates."""
    from cli.results.release import Gate, Promotion

    git.ensure_repo(repo)
    name, _ = _model(repo, model)
    policy = _policy(repo)
    order = _stage_order(policy, stage)
    wanted = _version_text(version)
    with git.registry_lock(repo):
        state = _state(repo, name)
        found = state.find(wanted)
        if found is None or not found.active:
            known = [v.version for v in state.versions if v.active]
            raise UnknownModelVersion(
                name, wanted, known, hint="release it first with 'mlvc release'"
            )
        previous = state.stages.get(stage)
        if previous == wanted:  # nothing to do, as GTO without --force (exit 0)
            gate = Gate("stage", True, f"{wanted} is already in '{stage}'")
            return Promotion(
                name, wanted, stage, "", previous, (gate,), False, False, dry_run, unchanged=True
            )
        results = [check_promotion_order(state, wanted, stage, order)]
        results += check_metric_gates(
            _metric_gates(policy.promotion.get(stage, [])), found.metrics, None
        )
        gates = _gates(results)
        tag = stage_tag(name, stage, state.next_counter)
        if dry_run or not all(g.ok for g in gates):
            return Promotion(name, wanted, stage, tag, previous, gates, False, False, dry_run)
        _assign(repo, name, wanted, stage, tag, found.commit, push, after=state.newest)
        return Promotion(name, wanted, stage, tag, previous, gates, True, push, False)


def _assign(
    repo: Path,
    name: str,
    version: str,
    stage: str,
    tag: str,
    commit: str,
    push: bool,
    *,
    after: int = 0,
    message: str | None = None,
) -> None:
    message = message or f"Assigning stage {stage} to artifact {name} version {version}"
    remote = git.default_remote(repo) if push else None
    _tag_and_publish(
        repo, tag, commit, message, after=after, remote=remote, dvc=False, what="stage tag"
    )


def rollback(*, model: str, stage: str, repo: Path = Path(), push: bool = False) -> Promotion:
    """Unassign ``stage`` from its current version (``NAME#STAGE!#N``, GTO's unassignment).

    The stage falls back to the version whose assignment to it is the most recent one
    still standing (GTO's reading), so each rollback steps one version further back;
    with no such version, ``NothingToRollBack`` (exit 1) and no tag.
    """
    from cli.results.release import Gate, Promotion

    git.ensure_repo(repo)
    name, _ = _model(repo, model)
    _stage_order(_policy(repo), stage)
    with git.registry_lock(repo):
        state = _state(repo, name)
        holders = state.holders.get(stage, ())
        if not holders:
            raise StageUnassigned(name, stage)
        current = holders[0]
        if len(holders) < 2:
            raise NothingToRollBack(name, stage, current)
        target = holders[1]
        found = state.find(current)
        assert found is not None  # holders are registered versions
        tag = stage_tag(name, stage, state.next_counter, unassign=True)
        message = f"Unassigning stage '{stage}' to artifact '{name}' version '{current}'"
        gate = Gate(
            "rollback", True, f"'{stage}' goes back from {current} (unassigned) to {target}"
        )
        _assign(
            repo, name, current, stage, tag, found.commit, push, after=state.newest, message=message
        )
        return Promotion(name, target, stage, tag, current, (gate,), True, push, False)


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
        raise ReleaseTagMissing(tag)
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
        raise ReleaseFilesMissing(
            tag, "dvc.yaml/dvc.lock at that tag do not record the model's path"
        )
    files = sorted((out.path, out.md5) for out in outputs.values() if out.stage == producer)
    return tag, str(model_path), files


def _fetch_verified(repo: Path, path: str, md5: str, tag: str) -> bytes:
    """The bytes of the DVC output ``path`` at ``tag``, whose md5 must be ``md5`` (dvc.lock's).

    The local DVC cache first (by content address, no DVC process), else ``dvc get``
    (the cache or the remote); either way the bytes are hashed before they are used.
    """
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
