"""Arrow <-> NumPy conversions that never import pandas.

pyarrow imports pandas (a heavy import) the first time it converts a Python or NumPy value
(``pa.array``, ``pa.scalar``, a Python constant passed to a compute function) or
converts to NumPy (``to_numpy``, ``np.asarray``): its pandas shim checks each value
for a pandas type. ``mlvc schema check`` never needs pandas, so its engine moves data
through these buffer-level functions instead (a test checks pandas stays unimported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


def one_array(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """An array as one contiguous Array: a one-chunk column's chunk as it is (Arrow's
    ``combine_chunks`` copies even one chunk), or the chunks concatenated."""
    import pyarrow as pa

    if not isinstance(array, pa.ChunkedArray):
        return array
    return array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()


def to_numpy(array: pa.Array) -> np.ndarray:
    """A NumPy view (copy for booleans) of a numeric or boolean array; nulls are NaN/False.

    Integers with nulls are returned as float64 (NaN at the nulls), as ``to_numpy`` does.
    """
    import numpy as np
    import pyarrow.types as pt

    array = one_array(array)
    n, offset = len(array), array.offset
    if not n:
        return np.zeros(0, bool if pt.is_boolean(array.type) else array.type.to_pandas_dtype())
    validity, data = array.buffers()[:2]
    if pt.is_boolean(array.type):
        values = _bits(data, offset, n)
        return values & _bits(validity, offset, n) if array.null_count else values
    values = np.frombuffer(data, array.type.to_pandas_dtype(), n, offset * array.type.byte_width)
    if not array.null_count:
        return values
    valid = _bits(validity, offset, n)
    return np.where(valid, values, np.nan)


def _bits(buffer: pa.Buffer, offset: int, n: int) -> np.ndarray:
    import numpy as np

    packed = np.frombuffer(buffer, np.uint8, (offset + n + 7) // 8)
    return np.unpackbits(packed, count=offset + n, bitorder="little")[offset:].view(bool)


def from_numpy(values: np.ndarray, arrow_type: pa.DataType | None = None) -> pa.Array:
    """An Arrow array over a 1-d NumPy array of booleans or numbers (no nulls).

    ``arrow_type`` (default: the array's own) is a numeric type; integers that do not
    fit an integer type raise OverflowError, as ``pa.array`` does.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.types as pt

    values = np.ascontiguousarray(values)
    if values.dtype == bool:
        data = pa.py_buffer(np.packbits(values, bitorder="little"))
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, data])
    arrow_type = arrow_type or pa.from_numpy_dtype(values.dtype)
    converted = values.astype(arrow_type.to_pandas_dtype(), copy=False)
    narrowed = pt.is_integer(arrow_type) and values.dtype.kind in "iu"
    if narrowed and converted is not values and not np.array_equal(converted, values):
        raise OverflowError(f"values do not fit {arrow_type}")
    values = converted
    return pa.Array.from_buffers(arrow_type, len(values), [None, pa.py_buffer(values)])


def string_buffers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``(offsets, data)`` of a string or binary array as NumPy views: cell ``i`` is
    ``data[offsets[i]:offsets[i + 1]]`` (offsets are rebased to ``data``; null cells
    span whatever bytes the array holds for them).
    """
    import numpy as np
    import pyarrow.types as pt

    large = pt.is_large_string(array.type) or pt.is_large_binary(array.type)
    width = np.dtype(np.int64 if large else np.int32)
    if not len(array):
        return np.zeros(1, width), np.zeros(0, np.uint8)
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, width, len(array) + 1, array.offset * width.itemsize)
    first, last = int(offsets[0]), int(offsets[-1])
    rebased = offsets - first if first else offsets  # a fresh array starts at 0: no copy
    if data_buffer is None or last == first:
        return rebased, np.zeros(0, np.uint8)
    return rebased, np.frombuffer(data_buffer, np.uint8, last - first, first)


def string_array(values: list[str | None]) -> pa.Array:
    """A string array of ``values`` (``None`` is null); ``large_string`` past 2 GiB of text."""
    import numpy as np
    import pyarrow as pa

    encoded = [b"" if v is None else v.encode() for v in values]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    arrow_type = pa.string()
    if offsets[-1] < 2**31:
        offsets = offsets.astype(np.int32)
    else:
        arrow_type = pa.large_string()  # over 2 GiB of text: 64-bit offsets
    validity = None
    if any(v is None for v in values):
        valid = np.array([v is not None for v in values])
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(arrow_type, len(encoded), buffers)


def scalar(value: Any, arrow_type: pa.DataType | None = None) -> pa.Scalar:
    """An Arrow scalar of a Python int (int64), float (float64), str or bool, or a typed null."""
    import numpy as np
    import pyarrow as pa

    if value is None:
        return pa.nulls(1, arrow_type or pa.null())[0]
    if isinstance(value, str):
        return string_array([value])[0]
    if isinstance(value, bool):
        return from_numpy(np.array([value]))[0]
    default = pa.int64() if isinstance(value, int) else pa.float64()
    arrow_type = arrow_type or default
    return from_numpy(np.array([value], arrow_type.to_pandas_dtype()), arrow_type)[0]
