"""A resolved model reference: one released (or local) model, loaded and described.

A leaf: imports nothing from ``cli`` at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ResolvedModel:
    """What a model reference (``NAME@vX.Y.Z``, ``NAME#STAGE``, ``NAME@latest``, a ``.skops``
    path) names: the version, its commit, its data contract, its metadata and its pipeline."""

    name: str
    version: str
    stage: str | None
    commit: str | None
    task: str  # "classification" or "regression"
    target: str
    features: tuple[str, ...]  # feature column names, in the training order
    classes: tuple[str, ...]  # () for regression
    schema: dict[str, Any]  # the data contract (data/schema.json) at that commit
    metrics: dict[str, Any]  # headline metrics recorded for the version
    trained_at: str | None  # ISO 8601, when known
    model_md5: str
    pipeline: Any = field(repr=False, compare=False)  # the fitted scikit-learn Pipeline

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class ServeStopped:
    """``mlvc serve`` ran and stopped: where it listened and the version it served last."""

    reference: str
    host: str
    port: int
    workers: int
    version: str | None  # None with several workers (each loads its own) or when none loaded

    @property
    def ok(self) -> bool:
        return True
