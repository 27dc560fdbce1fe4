"""Outcome of ``mlvc drift``: per-column statistics and the verdict.

A leaf: imports nothing from ``cli`` at run time (core types only for annotations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.core.drift import DriftPolicy


# A column's or a statistic's status.
OK = "ok"
WARNING = "warning"
DRIFT = "drift"
MISSING = "missing"  # a reference column absent from the current file
# A report's method.
SMALL = "p_values"  # the method for small samples
LARGE = "distances"  # the method for large samples


@dataclass(frozen=True)
class Statistic:
    """One test on one column: its value, its threshold and what it concluded."""

    test: str  # psi | ks | chi_squared | wasserstein_normed | jensen_shannon | missing_rate_change
    value: float  # the statistic (PSI, KS D, chi-squared, distance, change in missing share)
    threshold: float
    rule: str  # how value or p_value is compared with the threshold, e.g. "drift if p_value < 0.05"
    status: str  # ok | warning | drift
    p_value: float | None = None
    warning_threshold: float | None = None
    detail: str = ""  # how it was computed (bins, exactness)


@dataclass(frozen=True)
class ColumnDrift:
    """The drift verdict for one column (or for the model's predictions)."""

    column: str
    kind: str  # numeric | categorical | prediction
    status: str  # ok | warning | drift | missing (absent from the current file)
    drifted: bool
    reference_missing_rate: float | None
    current_missing_rate: float | None
    statistics: tuple[Statistic, ...]
    notes: tuple[str, ...] = ()

    @property
    def triggers(self) -> tuple[str, ...]:
        """The tests that said drift."""
        return tuple(s.test for s in self.statistics if s.status == DRIFT)


@dataclass(frozen=True)
class DriftReport:
    """Drift of a current table against a reference: per column, shares and the verdict."""

    reference: str
    current: str
    reference_rows: int
    current_rows: int
    method: str  # p_values (small reference) | distances (large reference)
    columns: tuple[ColumnDrift, ...]  # every reference column but an absent target, in file order
    extra_columns: tuple[str, ...]  # in the current file only: reported, not compared
    drifted_columns: int
    compared_columns: int
    share_drifted: float
    dataset_drift: bool
    prediction: ColumnDrift | None
    model: str | None
    policy: DriftPolicy
    # the target column when the current file lacks it (an unlabelled batch): not compared,
    # not counted in drifted_columns or compared_columns
    unlabelled_target: str | None = None

    @property
    def ok(self) -> bool:
        """No dataset drift and no drift of the predicted classes."""
        return not self.dataset_drift and not (self.prediction and self.prediction.drifted)
