"""Validate table rows against a JSON Schema, column by column, with exactly jsonschema's verdict.

A row passes if and only if ``jsonschema``'s Draft 2020-12 validator (with its
format checker) accepts the row as a JSON object, after this mapping of cells
to JSON values:

- CSV cells are text. An empty cell or one of ``NULL_TOKENS`` is ``null``; a
  cell matching the JSON number grammar (``-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?``)
  is that number (an integer when it has no fraction or exponent); anything
  else is the string itself. So ``007``, ``+1`` and ``true`` stay strings.
- Parquet and JSON Lines keep their own types; NaN is ``null``; dates and
  timestamps become ISO 8601 strings.

The supported keywords (type, enum, const, minimum, maximum, exclusiveMinimum,
exclusiveMaximum, multipleOf, minLength, maxLength, pattern, format, required,
properties, additionalProperties) compile to vectorised operations on Arrow and
NumPy arrays; ``pattern`` and ``format`` run the same Python checks as
jsonschema once per distinct value (``pattern`` through a :data:`PatternSearch`,
which the API bounds in time). Every other keyword is validated per cell
(inside a property, in the scope of that property's ``$id``) or per row (at the
top level) by jsonschema itself, for that part of the schema alone, so results
stay exact. Integers longer than 15
digits, which a float64 cannot hold exactly, also go through jsonschema.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from cli.core.arrow_np import (
    from_numpy,
    one_array,
    scalar,
    string_array,
    string_buffers,
    to_numpy,
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

VECTORISED = frozenset(
    {
        "type",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "format",
    }
)
ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$anchor",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "contentMediaType",
        "contentEncoding",
        "x-mlvc",
    }
)
ROW_VECTORISED = frozenset({"type", "properties", "required", "additionalProperties"})


def cell_to_json(text: str | None) -> Any:
    """The documented mapping of one CSV cell (text, or None for a null token) to a JSON value."""
    if text is None or text in NULL_TOKENS:
        return None
    if re.fullmatch(NUMBER_RE, text):
        return json.loads(text)
    return text


class _cached(Generic[_T]):
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
        self.value = lambda i: source.value(int(rows[i]))

    @_cached
    def num(self) -> np.ndarray:
        return take(self._source.num, self._rows)

    @_cached
    def is_int(self) -> np.ndarray:
        return take(self._source.is_int, self._rows)

    @_cached
    def boolean(self) -> np.ndarray:
        return take(self._source.boolean, self._rows)

    @_cached
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


_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
# every line of a text is a JSON number: one linear RE2 (DFA) scan over the joined cells
NUMBER_LINES_RE = rf"\A(?:{_NUMBER}\n)*{_NUMBER}\z"
NUMBER_OR_EMPTY_LINES_RE = rf"\A(?:(?:{_NUMBER})?\n)*(?:{_NUMBER})?\z"
PREFIX_ROWS = 1024


def _all_numbers(array: pa.Array, *, empty_is_null: bool = False) -> bool:
    """Whether every non-null cell may be a JSON number: callers confirm with a float cast.

    Cells made of ``-``, ``.`` and digits alone are decided by :func:`_decimal_texts`
    (~4 ns a cell). Others go to one regex scan of all cells joined by newlines (RE2
    costs ~20 ns a cell when called per cell, mostly per-string overhead; the joined
    scan ~1.2 ns a byte). A cell holding a newline between numbers ("1\\n2") would pass
    that scan: the cast rejects it. With ``empty_is_null``, empty cells pass too (they
    are nulls the caller has not dropped).
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
    NumPy on the array's buffers: ~4 ns a cell, where the joined regex scan takes ~11.
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
    """Per cell: ASCII digits without a leading zero, a JSON integer (~1.5 ns a cell, no regex).

    Empty and null cells are not (``ascii_is_decimal`` is false or null for them).
    """
    import pyarrow.compute as pc

    longer = pc.greater(pc.binary_length(array), scalar(1))
    leading_zero = pc.and_(pc.starts_with(array, "0"), longer)
    return pc.and_not(pc.ascii_is_decimal(array), leading_zero)


def _null_token_cells(array: pa.Array) -> tuple[pa.Array, bool] | None:
    """Which cells are null tokens, and whether all of them are empty; None when none is.

    Every null token is at most 4 bytes long, so only short cells are looked up (``is_in``
    costs ~7 ns a cell; most columns have few short cells besides empty ones).
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
    (``ascii_is_decimal`` costs ~2 ns a cell) and the regex runs on the other cells only
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

    Cells of digits (and ``-``) alone are cast to int64 first (~4.5 ns a cell where the
    float cast takes ~8), then to float64: both round the same integer to the nearest
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


def _from_text(array: pa.Array) -> Cells:
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
        return cell_to_json(array[i].as_py())

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

    @_cached
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


ABSENT = object()  # marks a key missing from a JSON Lines record


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
    return _from_text(column) if as_text else _from_typed(column)


# --- keyword evaluation ------------------------------------------------------


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


# --- plans: which parts are vectorised, which fall back to jsonschema --------


@dataclass(frozen=True)
class ColumnPlan:
    """How one property's subschema is checked."""

    vectorised: tuple[tuple[str, Any], ...]
    # checked per cell by jsonschema, descending from the row schema as ``properties`` does
    residual: Mapping[str, Any] | bool | None
    full: Mapping[str, Any] | bool  # the whole subschema (for inexact cells)


@dataclass(frozen=True)
class Plan:
    """A compiled schema: per-column plans, structural rules and the per-row residual."""

    columns: dict[str, ColumnPlan]  # every column of the file, including extra ones
    missing_required: tuple[str, ...]
    unexpected: tuple[str, ...]  # columns rejected by additionalProperties: false
    root_type_fails: bool
    row_residual: Mapping[str, Any] | None
    table_rules: Mapping[str, Any] = field(default_factory=dict)


def _is_vectorisable(keyword: str, value: Any) -> bool:
    if keyword == "type":
        names = value if isinstance(value, list) else [value]
        return all(isinstance(n, str) for n in names)
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if keyword in ("minLength", "maxLength"):
        return isinstance(value, int) and not isinstance(value, bool)
    if keyword in ("pattern", "format"):
        return isinstance(value, str)
    return keyword in ("enum", "const") and (keyword == "const" or isinstance(value, list))


def plan_column(subschema: Any) -> ColumnPlan:
    """Split a property subschema into vectorised keywords and a jsonschema residual."""
    if isinstance(subschema, bool):
        return ColumnPlan((), None if subschema else False, subschema)
    vectorised = tuple(
        (k, v) for k, v in subschema.items() if k in VECTORISED and _is_vectorisable(k, v)
    )
    done = {k for k, _ in vectorised} | ANNOTATIONS
    residual = {k: v for k, v in subschema.items() if k not in done}
    if residual and "$id" in subschema:  # the residual stays in its own resource's scope
        residual["$id"] = subschema["$id"]
    return ColumnPlan(vectorised, residual or None, subschema)


def compile_plan(schema: Mapping[str, Any] | bool, columns: list[str]) -> Plan:
    """Compile ``schema`` (one row) for a file with ``columns``."""
    if isinstance(schema, bool):
        everything = {c: ColumnPlan((), None, True) for c in columns}
        return Plan(everything, (), (), False, None if schema else {"not": {}})
    if "unevaluatedProperties" in schema or "patternProperties" in schema:
        # these interact with properties/additionalProperties: let jsonschema do the lot
        residual = {k: v for k, v in schema.items() if k not in ANNOTATIONS}
        plain = {c: ColumnPlan((), None, True) for c in columns}
        return Plan(plain, (), (), False, residual, schema.get("x-mlvc", {}))
    properties = schema.get("properties", {})
    extra_schema = schema.get("additionalProperties", True)
    plans: dict[str, ColumnPlan] = {}
    unexpected: list[str] = []
    for column in columns:
        if column in properties:
            plans[column] = plan_column(properties[column])
        elif extra_schema is False:
            unexpected.append(column)
            plans[column] = ColumnPlan((), None, True)
        else:
            plans[column] = plan_column(extra_schema)
    required = schema.get("required", [])
    root_type = schema.get("type")
    root_type_fails = root_type is not None and "object" not in (
        root_type if isinstance(root_type, list) else [root_type]
    )
    residual = {k: v for k, v in schema.items() if k not in ROW_VECTORISED and k not in ANNOTATIONS}
    return Plan(
        columns=plans,
        missing_required=tuple(c for c in required if c not in columns),
        unexpected=tuple(unexpected),
        root_type_fails=root_type_fails,
        row_residual=residual or None,
        table_rules=schema.get("x-mlvc", {}),
    )
