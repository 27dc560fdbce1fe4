"""Streaming summaries of one column: a log-linear histogram (numbers) or counts (categories)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
from cli.core.drift.policy import MANTISSA_BITS


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
