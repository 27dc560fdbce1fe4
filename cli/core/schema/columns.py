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


def _from_python(values: list[Any]) -> Cells:
    """Cells from parsed JSON values (JSON Lines); ``ABSENT`` where a record lacks the key."""
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
