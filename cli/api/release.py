"""The registry's writes: ``release``, ``promote`` and ``rollback``, their gates and tags.

Each creates one annotated git tag in GTO's grammar under the registry lock, once its
gates pass; with ``push`` the tag is published (the DVC objects first, verified) or
deleted again. The reads (``registry``, ``registry_history``, ``checkout``) live in
:mod:`cli.api.registry`. ``cli.api`` imports this module with every other, so a listing
(``mlvc registry``) loads it too: the DVC adapters, the release results and
:mod:`cli.api.registry_lookup` (the policy and a model's state) are imported inside the
functions that use them.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import paths
from cli.adapters import git
from cli.adapters.files import md5_file, read_json
from cli.core.metric_names import TASK_METRICS
from cli.core.registry import (
    GateResult,
    MetricGate,
    ModelState,
    Version,
    check_metric_gates,
    check_promotion_order,
    stage_tag,
    version_tag,
)
from cli.errors import (
    AlreadyReleasedHere,
    DetachedHead,
    NoModelArtifact,
    NotASemVer,
    NotAVersion,
    NothingToRollBack,
    PublishInterrupted,
    ReleaseFailed,
    RemoteLacksObjects,
    StageUnassigned,
    TagExists,
    ToolkitError,
    UnknownModelName,
    UnknownModelVersion,
    VersionExists,
)

if TYPE_CHECKING:
    from cli.results.release import Gate, Promotion, Release

# Every task's headline metrics, recorded in the release tag for the change gates.
KEY_METRICS = tuple(dict.fromkeys(k for keys in TASK_METRICS.values() for k in keys))


def _gates(results: list[GateResult]) -> tuple[Gate, ...]:
    from cli.results.release import Gate

    return tuple(Gate(r.gate, r.ok, r.detail) for r in results)


def _model(repo: Path, name: str | None = None) -> tuple[str, str]:
    """The model's name and path from dvc.yaml's ``artifacts:`` block."""
    from cli.adapters.dvcfile import artifacts

    models = {n: a for n, a in artifacts(repo / paths.DVC_YAML).items() if a.get("type") == "model"}
    if not models:
        raise NoModelArtifact(str(repo / paths.DVC_YAML))
    if name is None:
        name = sorted(models)[0]
    if name not in models:
        raise UnknownModelName(str(repo / paths.DVC_YAML), name, sorted(models))
    return name, str(models[name]["path"])


def _version_text(text: str) -> str:
    """``vX.Y.Z`` from ``X.Y.Z`` or ``vX.Y.Z``; NotAVersion (exit 2) otherwise."""
    try:
        return str(Version.parse(text))
    except ValueError:
        raise NotAVersion(text) from None


def _metric_gates(specs: Any) -> list[MetricGate]:
    return [MetricGate(**dict(spec)) for spec in specs]


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
    from cli.api.registry_lookup import model_state
    from cli.results.release import Gate, Release

    git.ensure_repo(repo)
    if git.current_branch(repo) is None:
        raise DetachedHead(str(repo))
    name, model_path = _model(repo, model)
    with git.registry_lock(repo):
        state = model_state(repo, name)
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
    from cli.adapters import dvc_cli
    from cli.api.registry_lookup import release_policy

    # params.yaml first: a missing or malformed one is its own one-line error, not the
    # error DVC reports for it from 'dvc status' (which reads it too)
    policy = release_policy(repo)
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
    from cli.adapters import dvc_cli

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
    from cli.api.registry_lookup import model_state, release_policy, stage_order
    from cli.results.release import Gate, Promotion

    git.ensure_repo(repo)
    name, _ = _model(repo, model)
    policy = release_policy(repo)
    order = stage_order(policy, stage)
    wanted = _version_text(version)
    with git.registry_lock(repo):
        state = model_state(repo, name)
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
    from cli.api.registry_lookup import model_state, release_policy, stage_order
    from cli.results.release import Gate, Promotion

    git.ensure_repo(repo)
    name, _ = _model(repo, model)
    stage_order(release_policy(repo), stage)
    with git.registry_lock(repo):
        state = model_state(repo, name)
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
