"""Outcome of ``mlvc monitor``: skew, prediction drift, staleness, non-finite outputs, live metrics.

A leaf: imports nothing from ``cli`` at run time (drift results only for annotations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.results.drift import DriftReport


@dataclass(frozen=True)
class Staleness:
    """The age of the model or of its data against its threshold (``max_days`` None: off)."""

    what: str  # model | data
    since: str | None  # ISO 8601, or None when unknown
    days: float | None
    max_days: float | None
    stale: bool


@dataclass(frozen=True)
class NonFinite:
    """A logged output column with NaN or infinite values: how many, and the first rows."""

    column: str
    count: int
    rows: tuple[int, ...]  # 1-based rows of the log read (since --since), first few


@dataclass(frozen=True)
class MetricCheck:
    """One release gate on a live metric."""

    gate: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class LiveMetrics:
    """Metrics on the logged rows whose labels arrived, against the release gates."""

    rows: int  # rows in the labels file
    matched: int  # logged rows joined to a label by the ID column
    metrics: dict[str, Any]
    recorded: dict[str, Any]  # the release's recorded value of each live metric
    checks: tuple[MetricCheck, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


@dataclass(frozen=True)
class MonitorReport:
    """One model version in service: what it met (the log) against what it learnt from."""

    model: str
    version: str
    stage: str | None
    commit: str | None
    task: str
    since: str | None
    logged_rows: int
    skew: DriftReport  # training split (reference) vs logged inputs (current): the drift policy
    predictions: DriftReport | None  # test-set predictions vs logged predictions
    staleness: tuple[Staleness, ...]
    non_finite: tuple[NonFinite, ...]
    live: LiveMetrics | None
    unlogged: tuple[str, ...] = ()  # features the log leaves out (monitoring.exclude_columns)

    @property
    def skewed_columns(self) -> tuple[str, ...]:
        """The input columns whose logged values drifted from the training data."""
        return tuple(c.column for c in self.skew.columns if c.drifted)

    @property
    def findings(self) -> tuple[str, ...]:
        """One line per finding: what exit status 1 stands for."""
        found = []
        if self.skew.dataset_drift:
            found.append(f"training/serving skew in {', '.join(self.skewed_columns)}")
        if self.predictions is not None and not self.predictions.ok:
            found.append("the logged predictions drifted from the test-set predictions")
        found += [f"the {s.what} is stale" for s in self.staleness if s.stale]
        found += [f"non-finite values in {n.column} ({n.count} rows)" for n in self.non_finite]
        if self.live is not None:
            found += [f"live {c.gate} not met ({c.detail})" for c in self.live.checks if not c.ok]
        return tuple(found)

    @property
    def ok(self) -> bool:
        """No skew, no drift of the predictions, nothing stale, all finite, every gate passed."""
        return not self.findings
