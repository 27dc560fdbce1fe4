"""Cells: one column of one chunk as JSON kinds and values, and the documented cell mapping."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from cli.core.arrow_np import (
    from_numpy,
)

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

_T = TypeVar("_T")

# CSV cells that stand for a missing value (JSON null), in every command that reads tables.
NULL_TOKENS = ("", "NA", "N/A", "NaN", "nan", "null", "NULL", "None")
NUMBER_RE = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"
INTEGER_RE = r"^-?(0|[1-9][0-9]*)$"
MAX_EXACT_DIGITS = 15
MAX_NULL_TOKEN_BYTES = max(len(token.encode()) for token in NULL_TOKENS)

NULL, NUMBER, STRING, BOOLEAN, OTHER = 0, 1, 2, 3, 4
KIND_OF_TYPE = {"null": NULL, "number": NUMBER, "integer": NUMBER, "string": STRING}
KIND_OF_TYPE["boolean"] = BOOLEAN

ABSENT = object()  # marks a key missing from a JSON Lines record


class CellIntegerTooLong(Exception):
    """A numeric cell is an integer with more digits than Python converts to an int.

    Its JSON value (the int) cannot be built, so no keyword can be checked on it;
    the check stops here. ``row`` is the cell's index among its cells until the
    checker names the 1-based data row; ``column`` is None until then.
    """

    def __init__(self, digits: int, row: int = 0, column: str | None = None) -> None:
        super().__init__(f"an integer of {digits:,} digits at row {row} of column {column!r}")
        self.digits, self.row, self.column = digits, row, column

    def at(self, row: int) -> CellIntegerTooLong:
        """The same cell at index ``row`` (of the cells that gathered it)."""
        return CellIntegerTooLong(self.digits, row, self.column)


def cell_to_json(text: str | None) -> Any:
    """The documented mapping of one CSV cell (text, or None for a null token) to a JSON value.

    Raises CellIntegerTooLong for an integer past ``sys.get_int_max_str_digits()``.
    """
    if text is None or text in NULL_TOKENS:
        return None
    if re.fullmatch(NUMBER_RE, text):
        try:
            return json.loads(text)
        except ValueError:  # int() past the digit limit: NUMBER_RE text is otherwise JSON
            raise CellIntegerTooLong(len(text.lstrip("-"))) from None
    return text


class unlocked_cached_property(Generic[_T]):
    """``functools.cached_property`` without its lock, which Python 3.11 shares between all
    instances (so columns on other threads would wait for each other)."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...
    def __get__(self, instance: object, owner: type | None = None) -> Self | _T:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)  # shadows this
        return value


@dataclass
class Cells:
    """One column of one chunk, as JSON kinds and values ready for vectorised checks."""

    kind: np.ndarray  # uint8: NULL, NUMBER, STRING, BOOLEAN, OTHER
    num: np.ndarray  # float64 value where kind == NUMBER, else NaN
    is_int: np.ndarray  # bool: a number that jsonschema calls an integer
    boolean: np.ndarray  # bool value where kind == BOOLEAN
    text: pa.Array  # string values where kind == STRING, else null
    inexact: np.ndarray  # bool: the float64 view differs from the JSON value
    value: Callable[[int], Any]  # the exact JSON value of one cell
    absent: np.ndarray | None = None  # JSON Lines: the row has no such key

    def __len__(self) -> int:
        return len(self.kind)

    def gather(self, rows: np.ndarray) -> Cells:
        """The cells at positions ``rows`` (for values checked once per distinct value)."""
        return _GatheredCells(self, rows)


def _gathered_value(source: Cells, rows: np.ndarray, i: int) -> Any:
    """The value of ``source`` at ``rows[i]``; a refused cell is named by ``i``."""
    try:
        return source.value(int(rows[i]))
    except CellIntegerTooLong as exc:
        raise exc.at(i) from None


class _GatheredCells(Cells):
    """Cells at ``rows`` of other cells. Kinds and exactness are gathered at once; the
    values, which only the keyword checks read (and those ran on the source), when first
    read. ``text`` becomes a dictionary array over the source's text: no strings copied.
    """

    def __init__(self, source: Cells, rows: np.ndarray) -> None:
        self._source, self._rows = source, rows
        self.kind = take(source.kind, rows)
        self.inexact = take(source.inexact, rows)
        self.absent = None if source.absent is None else take(source.absent, rows)
        self.value = lambda i: _gathered_value(source, rows, i)

    @unlocked_cached_property
    def num(self) -> np.ndarray:
        return take(self._source.num, self._rows)

    @unlocked_cached_property
    def is_int(self) -> np.ndarray:
        return take(self._source.is_int, self._rows)

    @unlocked_cached_property
    def boolean(self) -> np.ndarray:
        return take(self._source.boolean, self._rows)

    @unlocked_cached_property
    def text(self) -> pa.Array:
        import pyarrow as pa

        indices = from_numpy(self._rows, pa.int32())
        return pa.DictionaryArray.from_arrays(indices, self._source.text)


def take(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``values[rows]``, read-only; a constant array becomes a broadcast view (no memory)."""
    import numpy as np

    if len(values) and len(rows):
        first = values[0]
        if values.dtype.kind == "f" and first != first:
            same = bool(np.isnan(values).all())
        else:
            same = bool((values == first).all())
        if same:
            return np.broadcast_to(values[:1], (len(rows),))
    gathered: np.ndarray = values[rows]
    return gathered
