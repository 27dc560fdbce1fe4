"""Model references: ``resolve_model`` turns ``NAME@vX.Y.Z``, ``NAME#STAGE``, ``NAME@latest``
or a ``.skops`` path into a loaded, verified model version with its data contract."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import paths
from cli.adapters import git
from cli.errors import (
    ModelMetadataInvalid,
    ModelNotInRegistry,
    NotAModelReference,
    UnknownModelVersion,
)

if TYPE_CHECKING:
    from cli.core.registry import ModelState, ModelVersion, Shortcut
    from cli.results.models import ResolvedModel


def resolve_model(reference: str, *, repo: Path | None = None) -> ResolvedModel:
    """The model version ``reference`` names, loaded and verified, with its contract.

    ``NAME@vX.Y.Z``, ``NAME@latest`` (the highest active version) and ``NAME#STAGE``
    (the version the stage holds now) are read from the registry's git tags in
    ``repo`` (the current directory by default). The model files come from the DVC
    cache or remote, md5-checked against ``dvc.lock`` at the release tag (as
    ``mlvc checkout`` does), and the work tree is left untouched; ``data/schema.json``
    and the metrics are read at the tag's commit. A path to a ``.skops`` file takes
    its metadata from the ``model.meta.json`` beside it and the contract from the
    work tree's ``data/schema.json`` (a relative path is taken from ``repo``).
    Loading refuses any type outside the trusted list.
    """
    from cli.core.models import parse_model_reference

    root = repo if repo is not None else Path()
    try:
        parsed = parse_model_reference(reference)
    except ValueError:
        raise NotAModelReference(reference) from None
    if parsed.path is not None:  # a relative path is read from ``repo``
        return _from_file(root / parsed.path, root)
    assert parsed.shortcut is not None  # one of the two forms
    return _from_registry(parsed.shortcut, root)


def check_model_reference(reference: str, *, repo: Path | None = None) -> None:
    """Refuse, before any model file is read, a ``reference`` that names no model.

    The checks :func:`resolve_model` starts with, and only those: the grammar; for a
    registry reference, the model's tags, the stage and the version (one ``git
    for-each-ref``); for a path, that the file exists. A server calls it before it
    listens, so such a mistake is one line rather than a server that starts and stops.
    """
    from cli.core.models import parse_model_reference

    root = repo if repo is not None else Path()
    try:
        parsed = parse_model_reference(reference)
    except ValueError:
        raise NotAModelReference(reference) from None
    if parsed.path is not None:
        from cli.adapters.files import require_file

        require_file(root / parsed.path, what="model file", hint=_PATH_HINT)
        return
    assert parsed.shortcut is not None  # one of the two forms
    _registered(parsed.shortcut, root)


_PATH_HINT = "pass a .skops file or NAME@vX.Y.Z"


def _registered(shortcut: Shortcut, repo: Path) -> tuple[ModelState, ModelVersion]:
    """The registry state of ``shortcut``'s model and the active version it names."""
    from cli.api.registry_lookup import release_policy, stage_order
    from cli.core.registry import build_states, resolve_shortcut
    from cli.errors import StageUnassigned

    states = build_states(git.registry_tags(repo))
    state = states.get(shortcut.name)
    if state is None:
        raise ModelNotInRegistry(shortcut.name, sorted(states))
    if shortcut.stage is not None:
        stage_order(release_policy(repo), shortcut.stage)
    version = resolve_shortcut(state, shortcut)
    if version is None and shortcut.stage is not None:
        raise StageUnassigned(shortcut.name, shortcut.stage)
    found = state.find(version) if version is not None else None
    if found is None or not found.active:
        known = [v.version for v in state.versions if v.active]
        raise UnknownModelVersion(shortcut.name, version or "latest", known)
    return state, found


def _from_registry(shortcut: Shortcut, repo: Path) -> ResolvedModel:
    from cli.adapters.files import parse_json
    from cli.adapters.release_files import fetch_verified, recorded_files
    from cli.errors import ReleaseFilesMissing

    state, found = _registered(shortcut, repo)
    tag, model_path, files = recorded_files(repo, shortcut.name, found.version)
    by_path = dict(files)
    meta_path = str(Path(model_path).with_name(paths.MODEL_META.name))
    if meta_path not in by_path:
        raise ReleaseFilesMissing(tag, f"dvc.lock records no {meta_path} beside {model_path}")
    meta = parse_json(
        fetch_verified(repo, meta_path, by_path[meta_path], tag).decode("utf-8"),
        source=f"{tag}:{meta_path}",
    )
    data = fetch_verified(repo, model_path, by_path[model_path], tag)
    schema = _committed_json(repo, tag, str(paths.DATA_SCHEMA))
    metrics = dict(found.metrics) or (_committed_json(repo, tag, str(paths.METRICS)) or {})
    import tempfile

    with tempfile.TemporaryDirectory(prefix="mlvc-model-") as tmp:
        local = Path(tmp) / Path(model_path).name
        local.write_bytes(data)
        pipeline = _load(local)
    stage = shortcut.stage or _furthest_stage(
        repo, [s for s, v in state.stages.items() if v == found.version]
    )
    return _resolved(
        name=shortcut.name,
        version=found.version,
        stage=stage,
        commit=found.commit,
        meta=meta,
        meta_source=f"{tag}:{meta_path}",
        schema=schema or {},
        metrics=metrics if isinstance(metrics, dict) else {},
        trained_at=git.commit_time(repo, found.commit),
        model_md5=by_path[model_path],
        pipeline=pipeline,
    )


def _furthest_stage(repo: Path, held: list[str]) -> str | None:
    """Of the stages a version holds, the furthest along ``release.stages`` (prod over dev)."""
    from cli.core.registry import DEFAULT_STAGES
    from cli.params import load_params

    if not held:
        return None
    params_file = repo / paths.PARAMS
    order = tuple(load_params(params_file).release.stages) if params_file.is_file() else ()
    order = order or DEFAULT_STAGES
    return max(held, key=lambda s: (order.index(s) if s in order else -1, s))


def _committed_json(repo: Path, rev: str, path: str) -> Any:
    """A JSON file as committed at ``rev`` (bounded parsing), or None when absent."""
    from cli.adapters.files import parse_json

    text = git.show(repo, rev, path)
    return None if text is None else parse_json(text, source=f"{rev}:{path}")


def _from_file(path: Path, repo: Path) -> ResolvedModel:
    from cli.adapters.files import md5_file, read_json, require_file

    require_file(path, what="model file", hint=_PATH_HINT)
    meta_file = path.with_name(paths.MODEL_META.name)
    meta = read_json(meta_file, what="model metadata (model.meta.json beside the model)")
    schema_file = repo / paths.DATA_SCHEMA
    schema = read_json(schema_file, what="data contract") if schema_file.is_file() else {}
    return _resolved(
        name=path.stem,
        version=None,
        stage=None,
        commit=None,
        meta=meta,
        meta_source=str(meta_file),
        schema=schema,
        metrics={},
        trained_at=None,
        model_md5=md5_file(path),
        pipeline=_load(path),
    )


def _load(path: Path) -> Any:
    from cli.adapters.model_store import load_model

    return load_model(path)


def _resolved(*, meta: Any, meta_source: str, **fields: Any) -> ResolvedModel:
    """The result, with the target, features, classes and task read from the metadata."""
    from cli.core.models import REGRESSION, task_of
    from cli.results.models import ResolvedModel

    if not isinstance(meta, dict):
        raise ModelMetadataInvalid(meta_source, "(document)", "is not a JSON object")
    target = meta.get("target")
    if not isinstance(target, str) or not target:
        raise ModelMetadataInvalid(meta_source, "target", "is missing or not a string")
    features = meta.get("features")
    if not isinstance(features, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) for f in features
    ):
        raise ModelMetadataInvalid(meta_source, "features", "is not a list of {name, dtype}")
    task = task_of(meta)
    classes = meta.get("classes") or []
    if not isinstance(classes, list):
        raise ModelMetadataInvalid(meta_source, "classes", "is not a list")
    return ResolvedModel(
        task=task,
        target=target,
        features=tuple(f["name"] for f in features),
        classes=() if task == REGRESSION else tuple(str(c) for c in classes),
        dtypes={f["name"]: str(f.get("dtype", "")) for f in features},
        **fields,
    )
