"""One answer to "is this a usable finite number?", shared by the report and the release gates;
and the one rule for writing whole numbers back as integers, shared by ingest and ``mlvc init``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def finite_float(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not one.

    None for booleans, non-numbers (strings, null, containers), NaN, the
    infinities and integers too large for a float (``float(10**400)`` raises
    OverflowError): a gate reading such a value must fail, never crash.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def shown_number(value: int | float) -> str:
    """A number for a one-line message; an int too large for a float by its magnitude.

    ``str()`` of an int past Python's 4,300-digit conversion limit raises
    ValueError, so such an int is never converted to text whole.
    """
    if isinstance(value, int) and not isinstance(value, bool) and finite_float(value) is None:
        magnitude = int(math.log10(abs(value)))  # math.log10 accepts ints of any size
        sign = "-" if value < 0 else ""
        return f"about {sign}10^{magnitude} (an integer too large for a float)"
    return repr(value)


def integral_floats_to_int(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers (and NA) become nullable integers.

    CSV readers turn an integer column with a missing value into floats; this
    writes ``181`` back rather than ``181.0``. Returns a copy.
    """
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values) and values.notna().any():
            present = values.dropna()
            if (present == present.round()).all() and present.abs().max() < 2**53:
                out[column] = values.astype("Int64")
    return out
