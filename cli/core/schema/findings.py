"""What a schema check finds: violations and table rules (the report's parts), and the
per-chunk findings and per-(column, keyword) tallies the checker builds them from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from cli.core.schema.cells import Cells

ROW = "(row)"  # the column of rules on the whole row
EXAMPLES = 5  # example rows kept per (column, keyword)


@dataclass(frozen=True)
class Violation:
    """Rows where one column breaks one keyword."""

    column: str  # "(row)" for rules on the whole row
    keyword: str
    expected: str  # the keyword's value in the schema, as JSON
    count: int
    rows: tuple[int, ...]  # first few 1-based data row numbers
    values: tuple[Any, ...]  # the offending values of those rows


@dataclass(frozen=True)
class TableRule:
    """Outcome of one table-level rule from ``x-mlvc``."""

    rule: str
    column: str
    expected: str
    found: str
    ok: bool


@dataclass
class Tally:
    expected: str
    count: int = 0
    rows: list[int] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)


def expected_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


@dataclass(frozen=True)
class Finding:
    """Rows of one chunk where one column breaks one keyword: how many, the first few."""

    column: str
    keyword: str
    expected: Any
    count: int
    examples: list[tuple[int, Any]]  # (0-based row in the chunk, value)


def finding_of(
    column: str, keyword: str, expected: Any, mask: np.ndarray, cells: Cells | None
) -> Finding | None:
    """The finding of a failure mask, or None when no row fails (thread-safe)."""
    import numpy as np

    if not any_set(mask):
        return None
    hits = np.flatnonzero(mask)
    examples = [
        (int(i), cells.value(int(i)) if cells is not None else None) for i in hits[:EXAMPLES]
    ]
    return Finding(column, keyword, expected, len(hits), examples)


def constant(mask: np.ndarray) -> bool:
    """Whether ``mask`` is a broadcast view of one value (as :func:`take` returns)."""
    return mask.ndim == 1 and mask.strides == (0,) and len(mask) > 0


def any_set(mask: np.ndarray) -> bool:
    """``mask.any()``, at once for a broadcast view."""
    return bool(mask[0]) if constant(mask) else bool(mask.any())


@dataclass(frozen=True)
class Checked:
    """One column of one chunk, checked: its cells, the rows that fail, what failed."""

    cells: Cells
    failing: np.ndarray | None  # None: no row fails in this column
    findings: list[Finding]
    nulls: int  # null cells among present ones


def absent_rule(rule: str, column: str, missing: list[str], expected: str = "") -> TableRule:
    """A table rule that names columns the data lacks: a failure, never a silent pass."""
    expected = expected or "no duplicate keys"
    return TableRule(rule, column, expected, f"no column {', '.join(missing)} in the data", False)
