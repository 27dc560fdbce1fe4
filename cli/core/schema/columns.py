"""Any column to cells: CSV text, a typed Arrow column (Parquet) or parsed JSON values."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cli.core.arrow_np import (
    one_array,
    string_array,
    to_numpy,
)
from cli.core.schema.cells import ABSENT, BOOLEAN, NULL, NUMBER, OTHER, STRING, Cells
from cli.core.schema.text import from_text

if TYPE_CHECKING:
    import pyarrow as pa


def _empty_text(n: int) -> pa.Array:
    import pyarrow as pa

    return pa.nulls(n, pa.string())


def _from_typed(array: pa.Array) -> Cells:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.types as pt

    array = one_array(array)
    if pt.is_dictionary(array.type):
        array = array.dictionary_decode()
    n = len(array)
    valid = to_numpy(pc.is_valid(array)) if n else np.zeros(0, bool)
    zeros = np.zeros(n, bool)
    nan = np.full(n, np.nan)
    if pt.is_string(array.type) or pt.is_large_string(array.type):
        kind = np.where(valid, STRING, NULL).astype(np.uint8)
        return Cells(kind, nan, zeros, zeros, array.cast(pa.string()), zeros, _py(array))
    if pt.is_integer(array.type):
        num = to_numpy(pc.cast(array, pa.float64(), safe=False))
        kind = np.where(valid, NUMBER, NULL).astype(np.uint8)
        inexact = valid & (np.abs(np.nan_to_num(num)) > 2**53)
        return Cells(kind, num, valid.copy(), zeros, _empty_text(n), inexact, _py(array))
    if pt.is_floating(array.type):
        num = to_numpy(pc.cast(array, pa.float64()))
        present = valid & ~np.isnan(num)
        num = np.where(present, num, np.nan)
        with np.errstate(invalid="ignore"):
            whole = present & np.isfinite(num) & (np.floor(num) == num)
        kind = np.where(present, NUMBER, NULL).astype(np.uint8)

        def value(i: int) -> Any:
            return None if not present[i] else float(num[i])

        return Cells(kind, num, whole, zeros, _empty_text(n), zeros, value)
    if pt.is_boolean(array.type):
        kind = np.where(valid, BOOLEAN, NULL).astype(np.uint8)
        boolean = to_numpy(array)  # nulls: False
        return Cells(kind, nan, zeros, boolean, _empty_text(n), zeros, _py(array))
    if pt.is_timestamp(array.type) or pt.is_date(array.type):
        fmt = "%Y-%m-%d" if pt.is_date(array.type) else "%Y-%m-%dT%H:%M:%S"
        if pt.is_timestamp(array.type) and array.type.tz is not None:
            fmt += "%z"
        return _from_typed(pc.strftime(array, format=fmt))
    kind = np.where(valid, OTHER, NULL).astype(np.uint8)
    return Cells(kind, nan, zeros, zeros, _empty_text(n), kind == OTHER, _py(array))


def _py(array: pa.Array) -> Callable[[int], Any]:
    return lambda i: array[i].as_py()


# JSON values by their exact type (json.loads makes no subclasses); any other type
# (a subclass, an array, an object) is classified one value at a time.
_KIND_OF_JSON: dict[type, int] = {
    type(None): NULL,
    bool: BOOLEAN,
    int: NUMBER,
    float: NUMBER,
    str: STRING,
}


def _from_python(values: list[Any]) -> Cells:
    """Cells from parsed JSON values (JSON Lines, request rows); ``ABSENT`` where a record
    lacks the key.

    Built a column at a time (one pass per property, arrays filled at once), the same
    cells as :func:`_from_python_each`, which takes any column this cannot.
    """
    import numpy as np

    kinds = [_KIND_OF_JSON.get(type(v), -1) for v in values]
    if -1 in kinds:  # ABSENT, arrays, objects or subclasses: value by value
        return _from_python_each(values)
    n = len(values)
    kind = np.array(kinds, np.uint8) if n else np.zeros(0, np.uint8)
    num = np.full(n, np.nan)
    is_int = np.zeros(n, bool)
    boolean = np.zeros(n, bool)
    inexact = np.zeros(n, bool)
    numbers = np.flatnonzero(kind == NUMBER)
    if numbers.size:
        picked = [values[i] for i in numbers]
        try:
            num[numbers] = [float(v) for v in picked]
        except OverflowError:  # an integer past float's range: as the value-by-value path
            return _from_python_each(values)
        is_int[numbers] = [type(v) is int or v.is_integer() for v in picked]
        inexact[numbers] = [type(v) is int and abs(v) > 2**53 for v in picked]
    flags = np.flatnonzero(kind == BOOLEAN)
    if flags.size:
        boolean[flags] = [values[i] for i in flags]
    text = [v if type(v) is str else None for v in values]
    return Cells(
        kind, num, is_int, boolean, string_array(text), inexact,
        lambda i: values[i], np.zeros(n, bool),
    )  # fmt: skip


def _from_python_each(values: list[Any]) -> Cells:
    """:func:`_from_python`, one value at a time (any Python values)."""
    import numpy as np

    n = len(values)
    kind = np.full(n, OTHER, np.uint8)
    num = np.full(n, np.nan)
    is_int = np.zeros(n, bool)
    boolean = np.zeros(n, bool)
    inexact = np.zeros(n, bool)
    absent = np.zeros(n, bool)
    text: list[str | None] = [None] * n
    for i, v in enumerate(values):
        if v is ABSENT:
            absent[i], kind[i] = True, NULL
        elif v is None:
            kind[i] = NULL
        elif isinstance(v, bool):
            kind[i], boolean[i] = BOOLEAN, v
        elif isinstance(v, int | float):
            kind[i] = NUMBER
            num[i] = float(v)
            is_int[i] = isinstance(v, int) or v.is_integer()
            inexact[i] = isinstance(v, int) and abs(v) > 2**53
        elif isinstance(v, str):
            kind[i], text[i] = STRING, v
        else:
            inexact[i] = True  # arrays and objects: jsonschema decides
    return Cells(
        kind, num, is_int, boolean, string_array(text), inexact,
        lambda i: values[i], absent,
    )  # fmt: skip


def to_cells(column: Any, *, as_text: bool) -> Cells:
    """Cells for one column: CSV text (``as_text``), a typed Arrow column, or JSON values."""
    if isinstance(column, list):
        return _from_python(column)
    return from_text(column) if as_text else _from_typed(column)
