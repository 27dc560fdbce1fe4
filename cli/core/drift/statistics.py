"""The drift statistics on two summaries: PSI, KS, chi-squared, Jensen-Shannon, Wasserstein."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
from cli.core.drift.policy import STD_FLOOR
from cli.core.drift.summaries import NumericSummary, bucket_bounds


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
