"""``resolve_model``: a model reference to a loaded, described model (interface 5).

Minimal on this branch: a path to a ``.skops`` file, described by the work tree's
data contract (``data/schema.json``) and metadata (``models/model.meta.json``).
Registry references (``NAME@vX.Y.Z``, ``NAME#STAGE``, ``NAME@latest``) come with the
full resolver.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.results.models import ResolvedModel

# Headline metrics a resolved model reports (the keys of metrics/metrics.json that are numbers).
_NOT_HEADLINE = ("per_class", "baseline")


def resolve_model(reference: str, *, repo: Path | None = None) -> ResolvedModel:
    """The model ``reference`` names (untrusted types refused), its contract and metadata."""
    from cli import paths
    from cli.adapters.files import md5_file, read_json
    from cli.adapters.model_store import load_model
    from cli.errors import ModelMetadataInvalid, ModelReferenceUnsupported
    from cli.results.models import ResolvedModel

    root = repo or paths.repository_root(Path.cwd().resolve()) or Path.cwd()
    model_path = Path(reference)
    if model_path.suffix != ".skops":
        raise ModelReferenceUnsupported(reference)
    if not model_path.is_absolute():
        model_path = Path.cwd() / model_path
    pipeline = load_model(model_path)
    meta = read_json(root / paths.MODEL_META, what="model metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("target"), str):
        raise ModelMetadataInvalid(
            str(root / paths.MODEL_META), "target", "missing or not a string"
        )
    schema = read_json(root / paths.DATA_SCHEMA, what="data contract")
    metrics_file = root / paths.METRICS
    metrics: dict[str, Any] = {}
    if metrics_file.is_file():
        recorded = read_json(metrics_file, what="metrics file")
        metrics = {k: v for k, v in recorded.items() if k not in _NOT_HEADLINE}
    classes = tuple(str(c) for c in meta.get("classes") or ())
    return ResolvedModel(
        name=model_path.stem,
        version=str(meta.get("version") or "local"),
        stage=None,
        commit=None,
        task=str(meta.get("task") or ("classification" if classes else "regression")),
        target=meta["target"],
        features=tuple(str(f["name"]) for f in meta.get("features") or ()),
        classes=classes,
        schema=schema,
        metrics=metrics,
        trained_at=meta.get("trained_at"),
        model_md5=md5_file(model_path),
        pipeline=pipeline,
    )
