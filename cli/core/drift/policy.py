"""The thresholds of ``mlvc drift`` (:class:`DriftPolicy`) and the constants the tests share."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cli.core.numbers import finite_float

if TYPE_CHECKING:
    pass


NUMERIC = "numeric"
CATEGORICAL = "categorical"
PREDICTION = "prediction"


MANTISSA_BITS = 12  # histogram resolution: a bucket spans <= 2^-12 of its distance from the offset
KS_EXACT_ROWS = 10_000  # scipy's ks_2samp is exact up to this many rows per sample
STD_FLOOR = 0.001  # the Wasserstein distance is divided by max(reference std, this), as Evidently
OUT_OF_RANGE_SHARE = 0.01  # note a numeric column when this share of current values is out of range
LISTED = 5  # values quoted in a note before "and N more"
QUOTED_CHARS = 80  # characters of one value a note quotes (a huge cell stays readable)
PREDICTION_COLUMN = "(predicted class)"


def _check(name: str, value: Any, kind: type, low: float, high: float, closed: str) -> None:
    """Raise a scikit-learn style ValueError when ``value`` is outside its interval."""
    left, right = closed[0] == "[", closed[1] == "]"
    accepted = (int, float) if kind is float else kind  # YAML writes 1 for 1.0
    numeric = isinstance(value, accepted) and not isinstance(value, bool)
    if numeric and kind is float:
        numeric = finite_float(value) is not None
    inside = numeric and (value >= low if left else value > low)
    inside = inside and (value <= high if right else value < high)
    if not inside:
        bounds = f"{'[' if left else '('}{low}, {high}{']' if right else ')'}"
        article = "an" if kind is int else "a"
        raise ValueError(
            f"The '{name}' parameter of DriftPolicy must be {article} {kind.__name__} in {bounds}. "
            f"Got {value!r} instead."
        )


@dataclass(frozen=True)
class DriftPolicy:
    """Thresholds of ``mlvc drift`` (the ``drift:`` section of params.yaml)."""

    psi_bins: int = 10  # reference-quantile bins for numeric columns
    psi_warning: float = 0.1  # PSI at or above: warning
    psi_drift: float = 0.25  # PSI at or above: drift
    psi_epsilon: float = 0.0001  # share used for an empty bin, so that ln() stays finite
    p_value: float = 0.05  # small samples: drift when a test's p-value is below this
    small_sample_rows: int = 1000  # p-value tests up to this many reference rows, distances above
    wasserstein: float = 0.1  # large samples: drift when Wasserstein / reference std >= this
    jensen_shannon: float = 0.1  # large samples: drift when the Jensen-Shannon distance >= this
    missing_rate_change: float = 0.1  # drift when the missing share moves by at least this
    drift_share: float = 0.5  # the dataset drifts when this share of columns drifts

    def __post_init__(self) -> None:
        _check("psi_bins", self.psi_bins, int, 2, 1000, "[]")
        _check("psi_warning", self.psi_warning, float, 0, math.inf, "()")
        _check("psi_drift", self.psi_drift, float, self.psi_warning, math.inf, "[)")
        _check("psi_epsilon", self.psi_epsilon, float, 0, 0.01, "(]")
        _check("p_value", self.p_value, float, 0, 1, "()")
        _check("small_sample_rows", self.small_sample_rows, int, 0, math.inf, "[)")
        _check("wasserstein", self.wasserstein, float, 0, math.inf, "()")
        _check("jensen_shannon", self.jensen_shannon, float, 0, 1, "(]")
        _check("missing_rate_change", self.missing_rate_change, float, 0, 1, "(]")
        _check("drift_share", self.drift_share, float, 0, 1, "(]")
