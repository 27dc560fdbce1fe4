"""Resolved model versions, batch predictions and a stopped server: the results of
``resolve_model``, ``predict_table`` and ``serve_model``.

A leaf: imports nothing from ``cli`` at run time (other results only for annotations).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.results.schema import SchemaReport


@dataclass(frozen=True)
class ResolvedModel:
    """One model version, ready to score: its place in the registry, contract and pipeline.

    ``version``, ``stage`` and ``commit`` are None for a model loaded from a path.
    ``task`` is ``classification`` or ``regression`` (older versions without it in
    their metadata are classifiers); ``classes`` is empty for regression.
    """

    name: str
    version: str | None
    stage: str | None
    commit: str | None
    task: str
    target: str
    features: tuple[str, ...]
    classes: tuple[str, ...]
    schema: dict[str, Any] = field(repr=False)
    metrics: dict[str, Any]
    trained_at: str | None
    model_md5: str
    pipeline: Any = field(repr=False, compare=False)
    dtypes: dict[str, str] = field(default_factory=dict)  # feature -> training dtype

    @property
    def label(self) -> str:
        """``NAME@vX.Y.Z``, or the name alone for a model loaded from a path."""
        return f"{self.name}@{self.version}" if self.version else self.name


@dataclass(frozen=True)
class Prediction:
    """Outcome of scoring a table: how many rows were scored, rejected and written, and where.

    ``report`` is the data contract check of the input (target column optional);
    ``written`` is False when the batch failed it without ``skip_invalid`` (nothing
    was written then).
    """

    model: str
    version: str | None
    data: str
    output: str
    rejects: str | None
    rows: int
    scored: int
    rejected: int
    logged: int
    written: bool
    report: SchemaReport

    @property
    def ok(self) -> bool:
        return self.rejected == 0


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
