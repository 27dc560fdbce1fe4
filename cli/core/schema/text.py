"""CSV text to cells: JSON numbers found by linear scans over the joined cells, null tokens."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cli.core.arrow_np import (
    from_numpy,
    one_array,
    scalar,
    string_array,
    string_buffers,
    to_numpy,
)
from cli.core.schema.cells import (
    INTEGER_RE,
    MAX_EXACT_DIGITS,
    MAX_NULL_TOKEN_BYTES,
    NULL_TOKENS,
    NUMBER_RE,
    STRING,
    CellIntegerTooLong,
    Cells,
    cell_to_json,
    unlocked_cached_property,
)

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
# every line of a text is a JSON number: one linear RE2 (DFA) scan over the joined cells
NUMBER_LINES_RE = rf"\A(?:{_NUMBER}\n)*{_NUMBER}\z"
NUMBER_OR_EMPTY_LINES_RE = rf"\A(?:(?:{_NUMBER})?\n)*(?:{_NUMBER})?\z"
PREFIX_ROWS = 1024


def _all_numbers(array: pa.Array, *, empty_is_null: bool = False) -> bool:
    """Whether every non-null cell may be a JSON number: callers confirm with a float cast.

    Cells made of ``-``, ``.`` and digits alone are decided by :func:`_decimal_texts`
    (NumPy on the buffers). Others go to one regex scan of all cells joined by newlines
    (one linear RE2 pass, without the per-string overhead of a call per cell). A cell
    holding a newline between numbers ("1\\n2") would pass that scan: the cast rejects it.
    With ``empty_is_null``, empty cells pass too (they are nulls the caller has not dropped).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    array = one_array(array)
    present = pc.drop_null(array) if array.null_count else array
    if not len(present):
        return False
    decided = _decimal_texts(present, empty_is_null=empty_is_null)
    if decided is not None:
        return decided
    prefix = present.slice(0, PREFIX_ROWS)
    if len(present) > PREFIX_ROWS and not _all_numbers(prefix, empty_is_null=empty_is_null):
        return False  # most columns that are not numbers show it at once
    offsets = from_numpy(np.array([0, len(present)]), pa.int32())
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, present), scalar("\n"))
    pattern = NUMBER_OR_EMPTY_LINES_RE if empty_is_null else NUMBER_LINES_RE
    return bool(pc.match_substring_regex(joined, pattern)[0].as_py())


_MINUS, _POINT, _ZERO, _NINE = ord("-"), ord("."), ord("0"), ord("9")


def _decimal_texts(array: pa.Array, *, empty_is_null: bool) -> bool | None:
    """For text cells (no nulls) made of ``-``, ``.`` and digits alone: whether each may be
    a JSON number; None when another byte occurs (an exponent, a letter, a space).

    Exact together with the caller's float cast: Arrow's parser accepts ``-?[0-9]*(.[0-9]*)?``
    with at least one digit (and rejects ``/``, the one other byte in this range), and this
    rejects what that allows and JSON's ``-?(0|[1-9][0-9]*)(.[0-9]+)?`` does not (a ``-``
    past the start, a cell starting or ending with ``.``, ``-.``, a leading zero before a
    digit). A test compares with the regex on every text of up to four bytes of ``-./0-9``.
    NumPy on the array's buffers: a few vector operations, no regex.
    """
    import numpy as np

    offsets, data = string_buffers(array)
    if not len(data):
        return empty_is_null  # every cell is empty
    low = data.min()
    if low < _MINUS or data.max() > _NINE:
        return None
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts  # empty cells are nulls here, when allowed
    if not empty_is_null and not filled.all():
        return False

    def byte_at(index: np.ndarray) -> np.ndarray:  # clipped: empty cells may point past the end
        return np.take(data, index, mode="clip")

    lead = starts  # the first digit: after the sign, if any
    if low == _MINUS:  # a "-" may only start a cell, before a digit
        minus = (byte_at(starts) == _MINUS) & filled
        if np.count_nonzero(data == _MINUS) != np.count_nonzero(minus):
            return False
        lead = starts + minus
        if ((lead >= ends) & filled).any():
            return False  # "-"
    if ((byte_at(ends - 1) == _POINT) & filled).any():
        return False  # "1."
    first = byte_at(lead)
    if ((first == _POINT) & filled).any():
        return False  # ".5", "-.5"
    zero = (first == _ZERO) & (ends - lead > 1)
    return not zero.any() or not (zero & (byte_at(lead + 1) != _POINT)).any()  # "0.5", not "05"


def _plain_integer_cells(array: pa.Array) -> pa.Array:
    """Per cell: ASCII digits without a leading zero, a JSON integer (string kernels, no regex).

    Empty and null cells are not (``ascii_is_decimal`` is false or null for them).
    """
    import pyarrow.compute as pc

    longer = pc.greater(pc.binary_length(array), scalar(1))
    leading_zero = pc.and_(pc.starts_with(array, "0"), longer)
    return pc.and_not(pc.ascii_is_decimal(array), leading_zero)


def _null_token_cells(array: pa.Array) -> tuple[pa.Array, bool] | None:
    """Which cells are null tokens, and whether all of them are empty; None when none is.

    Every null token is at most MAX_NULL_TOKEN_BYTES long, so only short cells are looked up
    with ``is_in`` (a hash lookup per cell; most columns have few short cells besides empty
    ones).
    """
    import numpy as np
    import pyarrow.compute as pc

    lengths = pc.binary_length(array)
    empty = pc.equal(lengths, scalar(0))
    short = pc.and_(pc.less_equal(lengths, scalar(MAX_NULL_TOKEN_BYTES)), pc.invert(empty))
    short_cells = to_numpy(short)
    where = np.flatnonzero(short_cells)
    is_token = np.zeros(len(array), bool)  # non-empty null tokens
    if len(where) > len(array) // 4:
        is_token = to_numpy(pc.is_in(array, _null_tokens())) & short_cells
    elif len(where):
        is_token[where] = to_numpy(pc.is_in(array.take(from_numpy(where)), _null_tokens()))
    if is_token.any():
        return from_numpy(is_token | to_numpy(empty)), False
    return (empty, True) if pc.any(empty).as_py() else None


def _number_cells(array: pa.Array, valid: np.ndarray) -> np.ndarray:
    """Which cells are JSON numbers (``NUMBER_RE``), per cell, as a NumPy mask.

    Plain unsigned integers without a leading zero are recognised by cheap kernels
    (``ascii_is_decimal``, one byte scan) and the regex runs on the other cells only
    (on all of them when most are undecided).
    """
    import numpy as np
    import pyarrow.compute as pc

    is_num = to_numpy(_plain_integer_cells(array))  # nulls: False
    undecided = valid & ~is_num
    count = int(undecided.sum())
    if not count:
        return is_num
    if count > len(array) // 4:
        return to_numpy(pc.match_substring_regex(array, NUMBER_RE))
    where = np.flatnonzero(undecided)
    subset = array.take(from_numpy(where))
    is_num[where] = to_numpy(pc.match_substring_regex(subset, NUMBER_RE))
    return is_num


def _cast_numbers(numbers: Any) -> tuple[np.ndarray, bool] | None:
    """float64 values of text cells and whether all are integers (texts of digits), or None
    when a cell does not parse.

    Cells of digits (and ``-``) alone are cast to int64 first (a simpler parse than the
    float cast's), then to float64: both round the same integer to the nearest
    float64. Integers beyond int64 take the float cast.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    integral = _integer_texts(numbers)
    if integral:
        try:
            return to_numpy(pc.cast(numbers, pa.int64())).astype(np.float64), True
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # beyond int64, or not a number: the float cast decides
    try:
        return to_numpy(pc.cast(numbers, pa.float64())), integral
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _integer_texts(array: pa.Array) -> bool:
    """Whether the cells' bytes are digits and ``-`` alone (no ``.``, no exponent); the bytes
    under null cells count too (so they can only make this false)."""
    _, data = string_buffers(one_array(array))
    if not len(data) or data.max() > _NINE:
        return False
    low = data.min()
    return bool(low >= _ZERO or (low == _MINUS and not (data == _POINT).any()))


def from_text(array: pa.Array) -> Cells:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(array)
    # A column of JSON numbers holds no null token (none is a number): no lookup needed.
    cast = None
    if not array.null_count and _all_numbers(array):
        cast = _cast_numbers(array)
    if cast is not None:
        valid = np.ones(n, bool)
    else:
        found = _null_token_cells(array)
        if found is not None:
            nulls, only_empty = found
            raw = array
            array = pc.if_else(nulls, scalar(None, pa.string()), array)
            # only empty cells are null: scan the text as it is, empty lines allowed
            if _all_numbers(raw, empty_is_null=True) if only_empty else _all_numbers(array):
                cast = _cast_numbers(array)
        valid = to_numpy(pc.is_valid(array))
    num, integral = cast if cast is not None else (None, False)
    is_num = valid if num is not None else _number_cells(array, valid)
    any_number = bool(is_num.any())
    all_numbers = any_number and bool((is_num == valid).all())
    if not any_number:
        num = np.full(n, np.nan)
    elif num is None:
        no_text = scalar(None, pa.string())
        numbers = array if all_numbers else pc.if_else(from_numpy(is_num), array, no_text)
        num = to_numpy(pc.cast(numbers, pa.float64()))
    # NULL = 0, NUMBER = 1, STRING = 2, in one pass over bytes
    kind = valid.view(np.uint8) * (np.uint8(STRING) - is_num.view(np.uint8))
    inexact = np.zeros(n, bool)
    if any_number and _longest_cell(array) > MAX_EXACT_DIGITS:
        is_intstr = to_numpy(pc.match_substring_regex(array, INTEGER_RE))
        lengths = np.nan_to_num(to_numpy(pc.utf8_length(array))).astype(int)
        digits = lengths - to_numpy(pc.starts_with(array, "-")).astype(int)
        inexact = is_intstr & (digits > MAX_EXACT_DIGITS)
    if all_numbers:
        text = pa.nulls(n, pa.string())
    elif not any_number:
        text = array
    else:
        text = pc.if_else(from_numpy(is_num), scalar(None, pa.string()), array)

    def value(i: int) -> Any:
        try:
            return cell_to_json(array[i].as_py())
        except CellIntegerTooLong as exc:
            raise exc.at(i) from None

    return _TextCells(kind, num, is_num, text, inexact, value, integral=integral)


class _TextCells(Cells):
    """Cells of CSV text. Which numbers are integers is found when first read (only
    ``type: integer`` reads it); ``integral`` says every number's text is digits alone.
    """

    def __init__(
        self,
        kind: np.ndarray,
        num: np.ndarray,
        is_num: np.ndarray,
        text: pa.Array,
        inexact: np.ndarray,
        value: Callable[[int], Any],
        *,
        integral: bool,
    ) -> None:
        import numpy as np

        self.kind, self.num, self.text, self.inexact, self.value = kind, num, text, inexact, value
        self.boolean = np.zeros(len(kind), bool)
        self.absent = None
        self._is_num, self._integral = is_num, integral

    @unlocked_cached_property
    def is_int(self) -> np.ndarray:
        import numpy as np

        integer: np.ndarray
        if self._integral:  # digits alone: integers, unless too long for a float64 (inf)
            integer = self._is_num & np.isfinite(self.num)
            return integer
        with np.errstate(invalid="ignore"):
            integer = self._is_num & np.isfinite(self.num) & (np.floor(self.num) == self.num)
        return integer


def _longest_cell(array: Any) -> int:
    """Bytes of the longest cell, from the offsets (bytes a null cell spans count too)."""
    import numpy as np

    offsets, _ = string_buffers(one_array(array))
    return int(np.diff(offsets).max()) if len(offsets) > 1 else 0


@functools.cache
def _null_tokens() -> pa.Array:
    return string_array(list(NULL_TOKENS))
