"""Keyword masks: for one vectorised keyword, which cells of a column it rejects."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from cli.core.arrow_np import (
    string_array,
    to_numpy,
)
from cli.core.schema.cells import BOOLEAN, KIND_OF_TYPE, NULL, NUMBER, STRING, Cells

if TYPE_CHECKING:
    import numpy as np


def _json_key(value: Any) -> tuple[str, Any]:
    """Equality key matching jsonschema's ``equal``: 1 == 1.0, but True != 1."""
    if value is None:
        return ("null", None)
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, int | float):
        return ("number", float(value))
    if isinstance(value, str):
        return ("string", value)
    return ("json", json.dumps(value, sort_keys=True))


def _in_values(cells: Cells, values: Iterable[Any]) -> np.ndarray:
    import numpy as np
    import pyarrow.compute as pc

    keys = [_json_key(v) for v in values]
    numbers = [k[1] for k in keys if k[0] == "number"]
    strings = [k[1] for k in keys if k[0] == "string"]
    booleans = [k[1] for k in keys if k[0] == "boolean"]
    hit = np.zeros(len(cells), bool)
    hit |= (cells.kind == NULL) & any(k[0] == "null" for k in keys)
    hit |= (cells.kind == NUMBER) & np.isin(cells.num, numbers)
    hit |= (cells.kind == BOOLEAN) & np.isin(cells.boolean, booleans)
    if strings:
        hit |= to_numpy(pc.is_in(cells.text, string_array(strings)))
    return hit


def _type_fails(cells: Cells, expected: Any) -> np.ndarray:
    import numpy as np

    allowed = np.zeros(len(cells), bool)
    for name in expected if isinstance(expected, list) else [expected]:
        if name == "integer":
            allowed |= (cells.kind == NUMBER) & cells.is_int
        elif name in KIND_OF_TYPE:
            allowed |= cells.kind == KIND_OF_TYPE[name]
    return ~allowed


def _bound_fails(cells: Cells, keyword: str, bound: float) -> np.ndarray:
    import numpy as np

    num = cells.num
    with np.errstate(invalid="ignore"):
        bad = {
            "minimum": num < bound,
            "maximum": num > bound,
            "exclusiveMinimum": num <= bound,
            "exclusiveMaximum": num >= bound,
        }[keyword]
    fails: np.ndarray = (cells.kind == NUMBER) & bad
    return fails


def _multiple_fails(cells: Cells, divisor: float) -> np.ndarray:
    import numpy as np

    num = cells.num
    with np.errstate(all="ignore"):
        if isinstance(divisor, float):
            quotient = num / divisor
            bad = np.trunc(quotient) != quotient
            overflow = np.isfinite(num) & ~np.isfinite(quotient) & (cells.kind == NUMBER)
            bad |= ~np.isfinite(num)
            for i in np.flatnonzero(overflow):  # jsonschema's exact Fraction fallback
                bad[i] = (Fraction(float(num[i])) / Fraction(divisor)).denominator != 1
        else:
            bad = np.fmod(num, divisor) != 0
            bad |= ~np.isfinite(num)
    fails: np.ndarray = (cells.kind == NUMBER) & bad
    return fails


def _length_fails(cells: Cells, keyword: str, limit: int) -> np.ndarray:
    import numpy as np
    import pyarrow.compute as pc

    lengths = np.nan_to_num(to_numpy(pc.utf8_length(cells.text)))
    bad = lengths < limit if keyword == "minLength" else lengths > limit
    fails: np.ndarray = (cells.kind == STRING) & bad
    return fails


def _per_distinct_string(cells: Cells, accepts: Callable[[str], bool]) -> np.ndarray:
    """Run a Python check once per distinct string; True where a string cell fails it."""
    import numpy as np
    import pyarrow.compute as pc

    distinct = [v for v in pc.unique(cells.text).to_pylist() if v is not None]
    failing = [v for v in distinct if not accepts(v)]
    if not failing:
        return np.zeros(len(cells), bool)
    return to_numpy(pc.is_in(cells.text, string_array(failing)))


# (pattern, texts) -> indices of the texts that re.search(pattern, text) does not match;
# may raise TimeoutError (cli.adapters.pattern_worker bounds the time of a search)
PatternSearch = Callable[[str, list[str]], list[int]]


def search_in_process(pattern: str, texts: list[str]) -> list[int]:
    """:data:`PatternSearch` with ``re`` in this process: exact, with no time bound."""
    search = re.compile(pattern).search
    return [i for i, text in enumerate(texts) if search(text) is None]


def _pattern_fails(cells: Cells, pattern: str, search: PatternSearch) -> np.ndarray:
    """True where a string cell does not match ``pattern``; one search per distinct string."""
    import numpy as np
    import pyarrow.compute as pc

    distinct = [v for v in pc.unique(cells.text).to_pylist() if v is not None]
    failing = [distinct[i] for i in search(pattern, distinct)]
    if not failing:
        return np.zeros(len(cells), bool)
    return to_numpy(pc.is_in(cells.text, string_array(failing)))


def keyword_fails(
    cells: Cells,
    keyword: str,
    value: Any,
    checker: Any,
    *,
    search: PatternSearch = search_in_process,
) -> np.ndarray:
    """Boolean mask of the cells that ``keyword: value`` rejects (``search`` runs patterns)."""
    import numpy as np

    if keyword == "type":
        return _type_fails(cells, value)
    if keyword == "enum":
        return ~_in_values(cells, value)
    if keyword == "const":
        return ~_in_values(cells, [value])
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return _bound_fails(cells, keyword, value)
    if keyword == "multipleOf":
        return _multiple_fails(cells, value)
    if keyword in ("minLength", "maxLength"):
        return _length_fails(cells, keyword, value)
    if keyword == "pattern":
        return _pattern_fails(cells, value, search)
    if keyword == "format":
        if value not in checker.checkers:
            return np.zeros(len(cells), bool)
        return _per_distinct_string(cells, lambda s: checker.conforms(s, value))
    raise KeyError(keyword)
