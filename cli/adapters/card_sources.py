"""Gathering the facts a model card states, from the pipeline's outputs and models/card.yaml."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cli import paths
from cli.adapters.dvcfile import artifacts, declared_params
from cli.adapters.files import md5_file, read_json, read_table, read_yaml, require_file
from cli.core.card import CardFacts
from cli.core.lock import locked_deps, locked_outputs
from cli.errors import (
    DocumentInvalid,
    ModelMetadataInvalid,
    StaleMetrics,
    UnknownStage,
)
from cli.params import Params, to_document
from cli.paths import CardSources


def _schema(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def read_human_parts(path: Path) -> dict[str, Any]:
    """models/card.yaml, validated against its schema (first problem reported with its key).

    A problem is worded as ``mlvc params check`` words one: the key, the value received
    (as JSON, cut when long) and what is allowed.
    """
    from cli.core.params_check import check_params_document

    document = read_yaml(path, what="card text file")
    problems = check_params_document(document, _schema(paths.CARD_INPUT_SCHEMA))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DocumentInvalid(
            str(path),
            f"{problems[0].message}{more}",
            hint=f"fix it against {paths.shown(paths.CARD_INPUT_SCHEMA)}",
        )
    return document


def _first_key(error: Any) -> str:
    """The dotted key an error is about; for a missing key, that key itself."""
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        parts.append(next(k for k in error.validator_value if k not in error.instance))
    return ".".join(parts) or "(top level)"


def read_model_meta(path: Path) -> dict[str, Any]:
    """models/model.meta.json, validated against its schema: a bad one names the file and key."""
    from jsonschema import Draft202012Validator

    document = read_json(path, what="model metadata file")
    errors = sorted(
        Draft202012Validator(_schema(paths.MODEL_META_SCHEMA)).iter_errors(document),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        first = errors[0]
        problem = "missing" if first.validator == "required" else first.message
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ModelMetadataInvalid(str(path), _first_key(first), problem + more)
    return document


def model_name(dvc_yaml: Path) -> str:
    """The model's name: its key in the ``artifacts:`` block of dvc.yaml."""
    names = [n for n, a in artifacts(dvc_yaml).items() if a.get("type") == "model"]
    if not names:
        raise DocumentInvalid(
            str(dvc_yaml), "no artifact of type 'model' under 'artifacts:'", hint="add one"
        )
    return names[0]


def check_metrics_fresh(sources: CardSources) -> None:
    """Fail when dvc.lock says the metrics were computed from another model, or were edited.

    Skipped when dvc.lock has no ``evaluate`` entry yet (first run).
    """
    if not sources.dvc_lock.is_file():
        return
    lock = read_yaml(sources.dvc_lock, what="DVC lock file")
    used = {path: md5 for (stage, path), md5 in locked_deps(lock).items() if stage == "evaluate"}
    recorded = locked_outputs(lock).get(("evaluate", str(paths.METRICS)))
    if not used and recorded is None:
        return
    model_md5 = md5_file(sources.model)
    if str(paths.MODEL) in used and used[str(paths.MODEL)] != model_md5:
        raise StaleMetrics(
            f"dvc.lock records that {sources.metrics} was computed from model md5 "
            f"{used[str(paths.MODEL)]}, but {sources.model} has md5 {model_md5}"
        )
    if recorded and recorded.md5 and recorded.md5 != md5_file(sources.metrics):
        raise StaleMetrics(f"{sources.metrics} differs from the file dvc.lock records")


def _class_counts(frame: Any, target: str) -> dict[str, int]:
    counts = frame[target].astype(str).value_counts()
    return {str(k): int(counts[k]) for k in sorted(counts.index)}


def _target_summary(frame: Any, target: str) -> dict[str, Any]:
    """Mean, standard deviation, minimum and maximum of a numeric target (rounded, stable)."""
    import pandas as pd

    values = pd.to_numeric(frame[target], errors="coerce").dropna()
    stats = {
        "mean": values.mean(),
        "std": values.std(),
        "min": values.min(),
        "max": values.max(),
    }
    return {k: round(float(v), 6) if pd.notna(v) else None for k, v in stats.items()}


def _split_part(frame: Any, target: str, task: str) -> dict[str, Any]:
    if task == "regression":
        return {"rows": len(frame), "target": _target_summary(frame, target)}
    return {"rows": len(frame), "class_counts": _class_counts(frame, target)}


def data_summary(
    sources: CardSources,
    target: str,
    test_size: float,
    task: str = "classification",
    *,
    name: str,
) -> dict[str, Any]:
    """Rows, columns, missing values and class balance (or target spread) of each split."""
    raw = read_table(sources.raw, hint="run 'dvc repro'")
    train = read_table(sources.train, hint="run 'dvc repro'")
    test = read_table(sources.test, hint="run 'dvc repro'")
    how = f"stratified by `{target}`" if task != "regression" else "at random"
    return {
        "raw": {
            "path": str(paths.raw_data(name)),
            "rows": len(raw),
            "columns": raw.shape[1],
            "missing": {str(c): int(raw[c].isna().sum()) for c in raw.columns},
        },
        "train": _split_part(train, target, task),
        "test": _split_part(test, target, task),
        "split_note": f"{how}, {test_size:.0%} held out for testing",
    }


def params_digest(document: Mapping[str, Any]) -> str:
    """md5 of the parameters as canonical JSON (sorted keys), independent of YAML layout."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()


def _declared_part(document: Mapping[str, Any], declared: frozenset[str]) -> dict[str, Any]:
    """The keys of ``document`` that ``declared`` covers, as the stage guard reads them.

    A declared key keeps its whole subtree; a section with a declared key below it
    keeps only that part (``train.seed`` keeps ``{"train": {"seed": ...}}``).
    """
    out: dict[str, Any] = {}
    for key, value in document.items():
        if key in declared:
            out[key] = value
            continue
        inner = frozenset(k[len(key) + 1 :] for k in declared if k.startswith(f"{key}."))
        if inner and isinstance(value, Mapping):
            out[key] = _declared_part(value, inner)
    return out


def card_params_digest(params: Params, dvc_yaml: Path = paths.DVC_YAML) -> str:
    """The parameters' digest that the model card and the release tag both record.

    One set of parameters: those the ``card`` stage declares in ``dvc.yaml`` (what DVC
    tracks for the card), whether ``params`` is the stage's guarded view or the whole
    file, so ``mlvc card build``, the stage and ``mlvc release`` agree. A pipeline
    without a ``card`` stage has no card to agree with: every section counts.
    """
    document = to_document(params)
    try:
        declared = declared_params("card", dvc_yaml)
    except UnknownStage:
        return params_digest(document)
    return params_digest(_declared_part(document, declared))


def gather_facts(
    sources: CardSources,
    *,
    params: Params,
    target: str,
    test_size: float,
    max_slice_gap: float,
    confidence: float,
    version: str | None = None,
) -> CardFacts:
    """Read every input of the card; a missing one raises FileMissing naming what to run."""
    for path, what in (
        (sources.metrics, "metrics file"),
        (sources.slices, "slice metrics file"),
        (sources.meta, "model metadata file"),
        (sources.model, "model file"),
    ):
        require_file(path, what=what, hint="run 'dvc repro' to build it")
    check_metrics_fresh(sources)
    name = model_name(sources.dvc_yaml)
    human = read_human_parts(sources.human)  # the person's text first: its errors come first
    meta = read_model_meta(sources.meta)
    return CardFacts(
        name=name,
        human=human,
        meta=meta,
        metrics=read_json(sources.metrics, what="metrics file"),
        slices=read_json(sources.slices, what="slice metrics file"),
        data=data_summary(
            sources,
            target,
            test_size,
            str(meta.get("task", "classification")),
            name=params.data.name,
        ),
        lineage={
            "raw data": md5_file(sources.raw),
            "training data": md5_file(sources.train),
            "test data": md5_file(sources.test),
            "model": md5_file(sources.model),
            "parameters (canonical JSON)": card_params_digest(params, sources.dvc_yaml),
        },
        max_slice_gap=max_slice_gap,
        confidence=confidence,
        ingest=ingest_record(sources.validation),
        version=version,
    )


def ingest_record(validation: Path) -> dict[str, Any] | None:
    """data/validation.json's ``ingest`` object (what ingest read and dropped), when present.

    A report written before ingest recorded its counts has no such key: the card then
    states nothing about dropped rows rather than a number it does not have.
    """
    if not validation.is_file():
        return None
    record = read_json(validation, what="validation report")
    ingest = record.get("ingest") if isinstance(record, Mapping) else None
    return dict(ingest) if isinstance(ingest, Mapping) else None
