"""Outcome of ``mlvc report``: what changed from base to head, and the verdict.

A leaf: imports nothing from ``cli`` at run time (core types only for annotations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.core.report import RegressionPolicy


# A metric's, a parameter's or an output's status from base to head.
NEW = "new"
REMOVED = "removed"
SAME = "same"
CHANGED = "changed"
BETTER = "better"
WORSE = "worse"
INVALID = "invalid"  # a gated metric that is missing, non-numeric or non-finite at head


@dataclass(frozen=True)
class Side:
    """One side of the comparison: a revision (with its commit) or the workspace."""

    rev: str | None  # None: the files on disk
    commit: str | None

    @property
    def label(self) -> str:
        if self.rev is None:
            return "workspace"
        short = (self.commit or "")[:7]
        return f"{self.rev} ({short})" if short and short != self.rev else self.rev


@dataclass(frozen=True)
class MetricDiff:
    """One metric at base and head."""

    path: str  # the metrics file
    key: str  # dotted key inside it
    base: float | None
    head: float | None
    change: float | None  # head - base, when both are numbers
    direction: str | None  # "higher" / "lower" is better; None for counts
    status: str  # new, removed, same, changed, better, worse, invalid
    tolerance: float | None  # None: not gated
    regression: bool  # worse by more than the tolerance
    problem: str | None = None  # why a gated head value cannot be compared (status "invalid")
    baseline: float | None = None  # the baseline's value at head (metrics.json's ``baseline``)

    @property
    def failed(self) -> bool:
        """The gate fails on this metric: a regression, or a gated value that is unusable."""
        return self.regression or self.problem is not None

    @property
    def arrow(self) -> str:
        """↑ when the value went up, ↓ when down, = when unchanged, blank otherwise."""
        if self.change is None:
            return "=" if self.status == SAME else ""
        return "↑" if self.change > 0 else "↓" if self.change < 0 else "="


@dataclass(frozen=True)
class ParamDiff:
    """One ``params.yaml`` key whose value differs."""

    key: str
    base: Any
    head: Any
    status: str  # new, removed, changed


@dataclass(frozen=True)
class DataDiff:
    """A DVC-tracked output whose md5 differs between base and head."""

    path: str
    stage: str
    base_md5: str | None
    head_md5: str | None
    base_rows: int | None  # CSV files only; None when the content could not be found
    head_rows: int | None
    status: str  # new, removed, changed

    @property
    def is_table(self) -> bool:
        return self.path.endswith(".csv")


@dataclass(frozen=True)
class SchemaSummary:
    """The data-contract check at head (``data/validation.json``)."""

    data: str
    schema: str
    rows: int
    failing_rows: int
    ok: bool
    violations: tuple[str, ...]  # "island: enum (3 rows)"
    failed_rules: tuple[str, ...]  # "min_rows: expected >= 30, found 12"


@dataclass(frozen=True)
class ConfusionDiff:
    """Confusion matrices at base and head over the same labels (rows actual, columns predicted)."""

    labels: tuple[str, ...]
    base: tuple[tuple[int, ...], ...] | None
    head: tuple[tuple[int, ...], ...] | None

    @property
    def changed(self) -> bool:
        return self.base != self.head


@dataclass(frozen=True)
class CurveDiff:
    """One curve (ROC or PR of one class) at base and head, on a common grid."""

    kind: str  # "roc" or "pr"
    label: str
    x: str  # column names: fpr/tpr or recall/precision
    y: str
    grid: tuple[float, ...]
    base: tuple[float, ...] | None
    head: tuple[float, ...] | None

    @property
    def changed(self) -> bool:
        return self.base != self.head


@dataclass(frozen=True)
class CardSummary:
    """The model card's name and description, for release notes."""

    path: str
    model: str
    description: str


@dataclass(frozen=True)
class MetricReport:
    """Everything ``mlvc report`` shows: what changed from base to head, and the verdict."""

    base: Side
    head: Side
    metrics_file: str  # the headline metrics, the only file the policy gates
    metrics: tuple[MetricDiff, ...]
    params: tuple[ParamDiff, ...]
    data: tuple[DataDiff, ...]
    data_unchanged: int  # outputs of dvc.lock with the same md5 on both sides
    schema: SchemaSummary | None
    confusion: ConfusionDiff | None
    curves: tuple[CurveDiff, ...]
    policy: RegressionPolicy
    card: CardSummary | None = None

    @property
    def regressions(self) -> tuple[MetricDiff, ...]:
        return tuple(m for m in self.metrics if m.regression)

    @property
    def invalid(self) -> tuple[MetricDiff, ...]:
        """Gated metrics whose head value is missing, not a number or not finite."""
        return tuple(m for m in self.metrics if m.problem is not None)

    @property
    def ok(self) -> bool:
        return not any(m.failed for m in self.metrics)
