"""Data drift between a reference table and a current one: statistics and the verdict.

Pure: no files, no pandas, no typer. ``cli.adapters.drift_io`` reads both tables
in chunks and feeds every column to a summary defined here (``NumericSummary``,
``CategorySummary``); :func:`build_report` turns the two sets of summaries into
a :class:`DriftReport`. numpy and scipy are imported inside the functions that
use them, so importing this module stays cheap.

Statistics (every one names its test, its threshold and its rule in the report):

- ``psi``, population stability index, for every column:
  ``sum((c_i - r_i) * ln(c_i / r_i))`` over bins, where ``r_i`` and ``c_i`` are the
  shares of reference and current values in bin ``i``. Numeric columns use
  ``policy.psi_bins`` bins cut at reference quantiles (ties merge bins; values
  outside the reference range fall into the first or last bin); a numeric column
  with at most ``psi_bins`` distinct reference values, and every categorical
  column, uses one bin per value, and a value the reference never had gets its
  own bin. **Empty bins**: a share of 0 is replaced by ``policy.psi_epsilon``
  (0.0001, as Evidently does) so that the logarithm stays finite; shares are not
  renormalised afterwards. Drift at >= 0.25, warning at >= 0.1.
- Small samples (reference with at most ``policy.small_sample_rows`` rows, 1000,
  as Evidently): p-value tests, drift when p < 0.05. ``ks`` is scipy's
  two-sample Kolmogorov-Smirnov test on the full columns; ``chi_squared`` is
  scipy's ``chi2_contingency`` on the 2 x k table of reference and current
  counts per category (a test of homogeneity; unseen values are categories too).
- Large samples: distances, because p-values flag every trivial difference on
  many rows (evidently#50). ``wasserstein_normed`` is the Wasserstein-1 distance
  divided by the reference standard deviation (floored at 0.001, as Evidently),
  drift at >= 0.1; ``jensen_shannon`` is scipy's Jensen-Shannon distance (natural
  log, range 0 to 0.83) over category shares, drift at >= 0.1.
- ``missing_rate_change``, for every column: current missing share minus
  reference missing share; drift when its absolute value is >= 0.1. Missing
  means null, NaN or an infinite number.

**Binned approximation.** Numeric columns are summarised in one streaming pass
as a log-linear histogram: a value ``x`` is bucketed by the sign, the binary
exponent and the first 12 mantissa bits of ``x - offset``, where ``offset`` is
the median of the first rows of the reference. A bucket therefore spans at most
2^-12 (0.024 %) of the distance of its values from the offset, and the number of
buckets is bounded by the data's dynamic range, not by its rows. Quantile
edges for PSI are bucket boundaries (so PSI counts are exact for those edges,
and identical however the file is chunked); the large-sample Wasserstein
distance is computed between the two histograms, each bucket's mass at its
midpoint. The KS test on small samples is exact (see :func:`ks_test`).

A column drifts when any of its tests says drift; a column of the reference
that the current file lacks counts as drifted. The dataset drifts when the
share of drifted columns is at least ``policy.drift_share`` (0.5). With a model,
the predicted class distribution is compared with PSI; the report is ``ok``
when neither the dataset nor the predictions drift.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cli.results.drift import (
    DRIFT,
    LARGE,
    MISSING,
    OK,
    SMALL,
    WARNING,
    ColumnDrift,
    DriftReport,
    Statistic,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

NUMERIC = "numeric"
CATEGORICAL = "categorical"
PREDICTION = "prediction"


MANTISSA_BITS = 12  # histogram resolution: a bucket spans <= 2^-12 of its distance from the offset
KS_EXACT_ROWS = 10_000  # scipy's ks_2samp is exact up to this many rows per sample
STD_FLOOR = 0.001  # the Wasserstein distance is divided by max(reference std, this), as Evidently
OUT_OF_RANGE_SHARE = 0.01  # note a numeric column when this share of current values is out of range
LISTED = 5  # values quoted in a note before "and N more"
PREDICTION_COLUMN = "(predicted class)"


def _check(name: str, value: Any, kind: type, low: float, high: float, closed: str) -> None:
    """Raise a scikit-learn style ValueError when ``value`` is outside its interval."""
    left, right = closed[0] == "[", closed[1] == "]"
    accepted = (int, float) if kind is float else kind  # YAML writes 1 for 1.0
    numeric = isinstance(value, accepted) and not isinstance(value, bool)
    if numeric and kind is float:
        numeric = math.isfinite(value)
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


# --- streaming summaries -----------------------------------------------------------------------


def bucket_keys(shifted: npt.ArrayLike) -> np.ndarray:
    """Order-preserving histogram keys of finite float64 values (see the module docstring).

    The IEEE-754 bit pattern of a float, with the bits of negative numbers
    inverted and the sign bit of positive ones set, sorts like the numbers; the
    top ``12 + MANTISSA_BITS`` bits of it are the key.
    """
    import numpy as np

    bits = (np.asarray(shifted, dtype=np.float64) + 0.0).view(np.uint64)  # -0.0 becomes 0.0
    sign = np.uint64(1 << 63)
    ordered = np.where(bits & sign, ~bits, bits | sign)
    return ordered >> np.uint64(52 - MANTISSA_BITS)


def bucket_bounds(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The smallest value of each key's bucket, and of the next bucket (shifted values)."""
    import numpy as np

    sign = np.uint64(1 << 63)

    def floor(k: np.ndarray) -> np.ndarray:
        ordered = k.astype(np.uint64) << np.uint64(52 - MANTISSA_BITS)
        bits = np.where(ordered & sign, ordered & ~sign, ~ordered)
        return bits.view(np.float64)

    return floor(keys), floor(keys + np.uint64(1))


def _merge_histograms(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    if not parts:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    if len(parts) == 1:
        return parts[0]
    keys = np.concatenate([k for k, _ in parts])
    counts = np.concatenate([c for _, c in parts])
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)


class NumericSummary:
    """A numeric column seen chunk by chunk, in memory bounded by its dynamic range.

    Keeps counts, exact min and max, moments (Chan's parallel update), the
    log-linear histogram, the values themselves while there are at most
    ``keep_values`` of them, and, when ``probes`` (sorted reference values) are
    given, how many values lie below and at-or-below each probe (exact KS).
    """

    def __init__(
        self,
        *,
        offset: float = 0.0,
        keep_values: int = 0,
        probes: np.ndarray | None = None,
    ) -> None:
        self.offset = float(offset) if math.isfinite(offset) else 0.0
        self.rows = 0
        self.missing = 0
        self.infinite = 0
        self.count = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.minimum = math.inf
        self.maximum = -math.inf
        self._keep = keep_values
        self._values: list[np.ndarray] | None = [] if keep_values > 0 else None
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending = 0
        self.probes = probes
        self.below: np.ndarray | None = None
        self.at_or_below: np.ndarray | None = None
        if probes is not None:
            import numpy as np

            self.below = np.zeros(len(probes), np.int64)
            self.at_or_below = np.zeros(len(probes), np.int64)

    def add(self, values: np.ndarray) -> None:
        """Add one chunk of float64 values; NaN and infinities count as missing."""
        import numpy as np

        values = np.asarray(values, dtype=np.float64)
        finite = np.isfinite(values)
        self.rows += len(values)
        self.infinite += int(np.isinf(values).sum())
        x = values[finite]
        self.missing += len(values) - len(x)
        if not len(x):
            return
        n = len(x)
        mean = float(x.mean())
        m2 = float(((x - mean) ** 2).sum())
        total = self.count + n
        delta = mean - self.mean
        self.mean += delta * n / total
        self.m2 += m2 + delta * delta * self.count * n / total
        self.count = total
        self.minimum = min(self.minimum, float(x.min()))
        self.maximum = max(self.maximum, float(x.max()))
        keys, counts = np.unique(bucket_keys(x - self.offset), return_counts=True)
        self._parts.append((keys, counts.astype(np.int64)))
        self._pending += len(keys)
        if len(self._parts) > 16 or self._pending > 2_000_000:
            self._parts = [_merge_histograms(self._parts)]
            self._pending = len(self._parts[0][0])
        if self._values is not None:
            if self.count <= self._keep:
                self._values.append(x.copy())
            else:
                self._values = None
        if self.probes is not None:
            assert self.below is not None and self.at_or_below is not None  # set with probes
            ordered = np.sort(x)
            self.below += np.searchsorted(ordered, self.probes, side="left")
            self.at_or_below += np.searchsorted(ordered, self.probes, side="right")

    def histogram(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted bucket keys and their counts."""
        self._parts = [_merge_histograms(self._parts)] if self._parts else []
        return self._parts[0] if self._parts else _merge_histograms([])

    def values(self) -> np.ndarray | None:
        """Every finite value, when there were at most ``keep_values``; else None."""
        import numpy as np

        if self._values is None:
            return None
        return np.concatenate(self._values) if self._values else np.empty(0)

    @property
    def std(self) -> float:
        """Population standard deviation of the finite values."""
        return math.sqrt(self.m2 / self.count) if self.count else 0.0


class CategorySummary:
    """A categorical column (or the predicted classes): counts per value, and missing."""

    def __init__(self) -> None:
        self.rows = 0
        self.missing = 0
        self.counts: dict[str, int] = {}

    def add(self, counts: Mapping[str, int], *, rows: int, missing: int) -> None:
        """Add one chunk's value counts."""
        self.rows += rows
        self.missing += missing
        for value, n in counts.items():
            self.counts[value] = self.counts.get(value, 0) + int(n)

    @property
    def count(self) -> int:
        """Non-missing values."""
        return self.rows - self.missing


Summary = NumericSummary | CategorySummary


# --- statistics ---------------------------------------------------------------------------------


def psi(reference_counts: Any, current_counts: Any, *, epsilon: float) -> float:
    """Population stability index of two aligned count vectors (empty shares -> ``epsilon``)."""
    import numpy as np

    ref = np.asarray(reference_counts, dtype=np.float64)
    cur = np.asarray(current_counts, dtype=np.float64)
    r = np.maximum(ref / ref.sum(), epsilon)
    c = np.maximum(cur / cur.sum(), epsilon)
    return float(np.sum((c - r) * np.log(c / r)))


def quantile_edges(keys: np.ndarray, counts: np.ndarray, bins: int) -> np.ndarray:
    """Inner bin edges (bucket keys) at the reference quantiles 1/bins, ..., (bins-1)/bins.

    Edge ``i`` is the bucket of the value at sorted position ``floor(i * n / bins)``;
    a bin holds the keys from its edge up to the next. Repeated edges merge bins,
    and an edge at the smallest key is dropped (no value lies below it).
    """
    import numpy as np

    cumulative = np.cumsum(counts)
    n = int(cumulative[-1])
    positions = np.array([i * n // bins for i in range(1, bins)], dtype=np.int64)
    edges = np.unique(keys[np.searchsorted(cumulative, positions, side="right")])
    inner: np.ndarray = edges[edges > keys[0]]
    return inner


def _aligned_keys(ref: NumericSummary, cur: NumericSummary) -> tuple[Any, Any, Any]:
    import numpy as np

    if ref.offset != cur.offset:
        raise ValueError("both summaries of a column must share the reference's offset")
    rk, rc = ref.histogram()
    ck, cc = cur.histogram()
    union = np.union1d(rk, ck)
    r = np.zeros(len(union), np.int64)
    c = np.zeros(len(union), np.int64)
    r[np.searchsorted(union, rk)] = rc
    c[np.searchsorted(union, ck)] = cc
    return union, r, c


def numeric_psi(
    ref: NumericSummary, cur: NumericSummary, *, bins: int, epsilon: float
) -> tuple[float, int, str]:
    """PSI of a numeric column and the number of bins it used, with how they were cut."""
    import numpy as np

    if ref.offset != cur.offset:
        raise ValueError("both summaries of a column must share the reference's offset")
    rk, rc = ref.histogram()
    if len(rk) <= bins:
        _, r, c = _aligned_keys(ref, cur)
        return psi(r, c, epsilon=epsilon), len(r), "one bin per value"
    edges = quantile_edges(rk, rc, bins)
    ck, cc = cur.histogram()
    size = len(edges) + 1
    r = np.bincount(np.searchsorted(edges, rk, side="right"), weights=rc, minlength=size)
    c = np.bincount(np.searchsorted(edges, ck, side="right"), weights=cc, minlength=size)
    return psi(r, c, epsilon=epsilon), size, "bins cut at reference quantiles"


def aligned_categories(
    reference: Mapping[str, int], current: Mapping[str, int]
) -> tuple[list[str], list[int], list[int]]:
    """Reference values (sorted) then values only the current has (sorted), with both counts."""
    unseen = sorted(set(current) - set(reference))
    values = sorted(reference) + unseen
    return values, [reference.get(v, 0) for v in values], [current.get(v, 0) for v in values]


def ks_test(ref: NumericSummary, cur: NumericSummary) -> tuple[float, float, str]:
    """Two-sample Kolmogorov-Smirnov statistic D and p-value, exactly as ``scipy.stats.ks_2samp``.

    The reference (a small sample) is kept whole. When the current sample has at
    most KS_EXACT_ROWS values it is kept too and scipy runs on both. Otherwise D
    is computed exactly from the current's counts below and at each reference
    value (the ECDF difference can only peak there), and the p-value with the
    asymptotic formula ``kstwo.sf(D, round(n*m/(n+m)))``, which is what scipy's
    ``method='auto'`` uses beyond 10000 rows.
    """
    import numpy as np
    from scipy import stats

    reference = ref.values()
    current = cur.values()
    assert reference is not None, "ks_test needs the whole reference sample"
    if current is not None:
        result = stats.ks_2samp(reference, current)
        return float(result.statistic), float(result.pvalue), "exact, scipy.stats.ks_2samp"
    assert cur.probes is not None and cur.below is not None and cur.at_or_below is not None
    n, m = len(reference), cur.count
    ordered = np.sort(reference)
    at = np.searchsorted(ordered, cur.probes, side="right") / n
    before = np.concatenate([[0.0], at[:-1]])
    d = max(
        float(np.max(np.abs(at - cur.at_or_below / m))),
        float(np.max(np.abs(before - cur.below / m))),
    )
    big, small = max(n, m), min(n, m)
    p = float(stats.kstwo.sf(d, np.round(big * small / (big + small))))
    return (
        d,
        min(max(p, 0.0), 1.0),
        "exact D; asymptotic p-value (scipy's choice beyond 10000 rows)",
    )


def chi_squared(reference_counts: list[int], current_counts: list[int]) -> tuple[float, float]:
    """``scipy.stats.chi2_contingency`` on the 2 x k table of counts: statistic and p-value."""
    import numpy as np
    from scipy import stats

    result = stats.chi2_contingency(np.array([reference_counts, current_counts]))
    return float(result.statistic), float(result.pvalue)


def jensen_shannon(reference_counts: list[int], current_counts: list[int]) -> float:
    """``scipy.spatial.distance.jensenshannon`` (natural log) of the two share vectors."""
    import numpy as np
    from scipy.spatial import distance

    ref = np.asarray(reference_counts, dtype=np.float64)
    cur = np.asarray(current_counts, dtype=np.float64)
    return float(distance.jensenshannon(ref / ref.sum(), cur / cur.sum()))


def wasserstein_normed(ref: NumericSummary, cur: NumericSummary) -> float:
    """Wasserstein-1 distance between the two histograms over max(reference std, 0.001)."""
    import numpy as np
    from scipy import stats

    union, r, c = _aligned_keys(ref, cur)
    low, high = bucket_bounds(union)
    middle = np.where(np.isfinite(high), (low + high) / 2, low)
    distance = stats.wasserstein_distance(middle, middle, r, c)
    return float(distance) / max(ref.std, STD_FLOOR)


# --- the verdict --------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:g}"


def _psi_statistic(value: float, policy: DriftPolicy, detail: str) -> Statistic:
    status = DRIFT if value >= policy.psi_drift else WARNING if value >= policy.psi_warning else OK
    return Statistic(
        test="psi",
        value=value,
        threshold=policy.psi_drift,
        warning_threshold=policy.psi_warning,
        rule=f"drift if value >= {_fmt(policy.psi_drift)}; warning if >= "
        f"{_fmt(policy.psi_warning)}",
        status=status,
        detail=detail,
    )


def _p_statistic(test: str, value: float, p: float, policy: DriftPolicy, detail: str) -> Statistic:
    return Statistic(
        test=test,
        value=value,
        p_value=p,
        threshold=policy.p_value,
        rule=f"drift if p_value < {_fmt(policy.p_value)}",
        status=DRIFT if p < policy.p_value else OK,
        detail=detail,
    )


def _distance_statistic(test: str, value: float, threshold: float, detail: str) -> Statistic:
    return Statistic(
        test=test,
        value=value,
        threshold=threshold,
        rule=f"drift if value >= {_fmt(threshold)}",
        status=DRIFT if value >= threshold else OK,
        detail=detail,
    )


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return ", ".join(items[:LISTED]) + more


def _numeric_tests(
    ref: NumericSummary, cur: NumericSummary, small: bool, policy: DriftPolicy
) -> tuple[list[Statistic], list[str]]:
    value, bins, how = numeric_psi(ref, cur, bins=policy.psi_bins, epsilon=policy.psi_epsilon)
    stats = [
        _psi_statistic(
            value, policy, f"{bins} bins, {how}; empty bins count as {_fmt(policy.psi_epsilon)}"
        )
    ]
    if small:
        d, p, how = ks_test(ref, cur)
        stats.append(_p_statistic("ks", d, p, policy, how))
    else:
        stats.append(
            _distance_statistic(
                "wasserstein_normed",
                wasserstein_normed(ref, cur),
                policy.wasserstein,
                f"Wasserstein-1 / reference std ({_fmt(ref.std)}); binned approximation "
                f"(buckets of <= 2^-{MANTISSA_BITS} relative width)",
            )
        )
    notes = []
    below, above = _outside(ref, cur)
    if below + above >= OUT_OF_RANGE_SHARE * cur.count:
        notes.append(
            f"{100 * (below + above) / cur.count:.1f}% of current values lie outside the "
            f"reference range [{_fmt(ref.minimum)}, {_fmt(ref.maximum)}] ({below} below, "
            f"{above} above)"
        )
    return stats, notes


def _outside(ref: NumericSummary, cur: NumericSummary) -> tuple[int, int]:
    """Current values in buckets wholly below the reference minimum, and wholly above its maximum.

    Values sharing a bucket with the reference's extremes are not counted, so
    these are lower bounds (exact unless a value lies within 2^-12 of an extreme).
    """
    if cur.minimum >= ref.minimum and cur.maximum <= ref.maximum:
        return 0, 0
    keys, counts = cur.histogram()
    low, high = bucket_keys([ref.minimum - ref.offset, ref.maximum - ref.offset])
    return int(counts[keys < low].sum()), int(counts[keys > high].sum())


def _category_tests(
    ref: CategorySummary, cur: CategorySummary, small: bool, policy: DriftPolicy
) -> tuple[list[Statistic], list[str]]:
    values, r, c = aligned_categories(ref.counts, cur.counts)
    stats = [
        _psi_statistic(
            psi(r, c, epsilon=policy.psi_epsilon),
            policy,
            f"{len(values)} bins, one per value; empty bins count as {_fmt(policy.psi_epsilon)}",
        )
    ]
    if small:
        statistic, p = chi_squared(r, c)
        stats.append(
            _p_statistic(
                "chi_squared", statistic, p, policy, "scipy.stats.chi2_contingency, 2 x k table"
            )
        )
    else:
        stats.append(
            _distance_statistic(
                "jensen_shannon",
                jensen_shannon(r, c),
                policy.jensen_shannon,
                "scipy.spatial.distance.jensenshannon, natural log",
            )
        )
    unseen = sorted(
        ((v, n) for v, n in cur.counts.items() if v not in ref.counts),
        key=lambda vn: (-vn[1], vn[0]),
    )
    notes = []
    if unseen:
        rows = sum(n for _, n in unseen)
        notes.append(
            f"{len(unseen)} value(s) not in the reference, each its own bin ({rows} rows): "
            + _listed([f"{v!r} ({n})" for v, n in unseen])
        )
    return stats, notes


def _missing_statistic(ref_rate: float, cur_rate: float, policy: DriftPolicy) -> Statistic:
    change = cur_rate - ref_rate
    threshold = policy.missing_rate_change
    return Statistic(
        test="missing_rate_change",
        value=change,
        threshold=threshold,
        rule=f"drift if |value| >= {_fmt(threshold)}",
        status=DRIFT if abs(change) >= threshold else OK,
        detail="current missing share minus reference missing share",
    )


def _status(statistics: list[Statistic]) -> str:
    found = {s.status for s in statistics}
    return DRIFT if DRIFT in found else WARNING if WARNING in found else OK


def compare_column(
    name: str,
    kind: str,
    ref: Summary,
    cur: Summary | None,
    *,
    small: bool,
    policy: DriftPolicy,
    notes: tuple[str, ...] = (),
) -> ColumnDrift:
    """Every test for one column, and its status."""
    ref_rate = ref.missing / ref.rows if ref.rows else 0.0
    if cur is None:
        return ColumnDrift(
            column=name,
            kind=kind,
            status=MISSING,
            drifted=True,
            reference_missing_rate=ref_rate,
            current_missing_rate=None,
            statistics=(),
            notes=(*notes, "absent from the current file: counted as drifted"),
        )
    cur_rate = cur.missing / cur.rows if cur.rows else 0.0
    statistics: list[Statistic] = []
    found: list[str] = list(notes)
    if ref.count and cur.count:
        if isinstance(ref, NumericSummary) and isinstance(cur, NumericSummary):
            tests, more = _numeric_tests(ref, cur, small, policy)
        else:
            assert isinstance(ref, CategorySummary) and isinstance(cur, CategorySummary)
            tests, more = _category_tests(ref, cur, small, policy)
        statistics += tests
        found += more
    elif not ref.count and not cur.count:
        found.append("every value is missing in both files: no distribution to compare")
    else:
        empty = "reference" if not ref.count else "current"
        found.append(f"every value is missing in the {empty} file: distributions not compared")
    for summary, role in ((ref, "reference"), (cur, "current")):
        if isinstance(summary, NumericSummary) and summary.infinite:
            found.append(f"{summary.infinite} infinite value(s) in the {role} counted as missing")
    statistics.append(_missing_statistic(ref_rate, cur_rate, policy))
    status = _status(statistics)
    return ColumnDrift(
        column=name,
        kind=kind,
        status=status,
        drifted=status == DRIFT,
        reference_missing_rate=ref_rate,
        current_missing_rate=cur_rate,
        statistics=tuple(statistics),
        notes=tuple(found),
    )


def compare_predictions(
    ref: CategorySummary, cur: CategorySummary, *, policy: DriftPolicy
) -> ColumnDrift:
    """PSI of the predicted class distribution, with the class shares in a note."""
    values, r, c = aligned_categories(ref.counts, cur.counts)
    statistic = _psi_statistic(
        psi(r, c, epsilon=policy.psi_epsilon),
        policy,
        f"{len(values)} bins, one per predicted class; empty bins count as "
        f"{_fmt(policy.psi_epsilon)}",
    )
    shares = [
        f"{v} {100 * a / sum(r):.1f}% -> {100 * b / sum(c):.1f}%"
        for v, a, b in zip(values, r, c, strict=True)
    ]
    return ColumnDrift(
        column=PREDICTION_COLUMN,
        kind=PREDICTION,
        status=statistic.status,
        drifted=statistic.status == DRIFT,
        reference_missing_rate=None,
        current_missing_rate=None,
        statistics=(statistic,),
        notes=(f"predicted class shares (reference -> current): {', '.join(shares)}",),
    )


def build_report(
    *,
    reference: str,
    current: str,
    reference_rows: int,
    current_rows: int,
    columns: list[tuple[str, str, Summary, Summary | None, tuple[str, ...]]],
    extra_columns: tuple[str, ...] = (),
    predictions: tuple[CategorySummary, CategorySummary] | None = None,
    model: str | None = None,
    policy: DriftPolicy,
) -> DriftReport:
    """The report from per-column summaries ``(name, kind, reference, current or None, notes)``.

    The method follows the reference size: p-value tests up to
    ``policy.small_sample_rows`` reference rows, distances above.
    """
    small = reference_rows <= policy.small_sample_rows
    rows = tuple(
        compare_column(name, kind, ref, cur, small=small, policy=policy, notes=notes)
        for name, kind, ref, cur, notes in columns
    )
    drifted = sum(row.drifted for row in rows)
    share = drifted / len(rows) if rows else 0.0
    return DriftReport(
        reference=reference,
        current=current,
        reference_rows=reference_rows,
        current_rows=current_rows,
        method=SMALL if small else LARGE,
        columns=rows,
        extra_columns=tuple(extra_columns),
        drifted_columns=drifted,
        compared_columns=len(rows),
        share_drifted=share,
        dataset_drift=bool(rows) and share >= policy.drift_share,
        prediction=(
            compare_predictions(*predictions, policy=policy) if predictions is not None else None
        ),
        model=model,
        policy=policy,
    )
