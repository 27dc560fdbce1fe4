"""DataFrames over the one reader, for commands that summarise columns with pandas (drift).

:func:`iter_frames` reads through :func:`cli.adapters.arrow_tables.open_stream`, the reader
of ``mlvc schema check``, so every command accepts and refuses the same files with the
same errors (ragged CSV rows, cells over 1 MiB, rows over 8 MiB, a quote left open, a JSON
Lines line that is not an object). CSV cells arrive as text: the tokens of ``NULL_TOKENS``
are missing values, and a column whose other cells are all numbers becomes float64.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.adapters.arrow_tables import open_stream
from cli.adapters.tables import DEFAULT_CHUNK_ROWS
from cli.core.schema.cells import NULL_TOKENS

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def _looks_numeric(column: pa.ChunkedArray) -> bool:
    """Whether the first cell that is not a null token (among the first 64) is a number.

    A failing Arrow cast costs more than a successful one: a column of words is not tried.
    """
    for cell in column.slice(0, 64).to_pylist():
        if cell not in NULL_TOKENS:
            try:
                float(cell)
            except ValueError:
                return False
            return True
    return True


def _text_column(column: pa.ChunkedArray) -> Any:
    """CSV text cells as float64 when every cell that is not a null token is a number, else
    as text (``NaN`` for null tokens, as pandas and scikit-learn expect)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    nulls = pc.is_in(column, value_set=pa.array(NULL_TOKENS, pa.string()))
    values = pc.if_else(nulls, pa.scalar(None, pa.string()), column)
    if _looks_numeric(column):
        try:
            return pc.cast(values, pa.float64()).to_numpy()
        except pa.ArrowInvalid:
            pass
    return values.to_pandas()  # pandas' text dtype: missing cells are NaN


def _json_values(values: list[Any]) -> list[Any]:
    """JSON Lines values for one column: absent keys are missing, arrays and objects text."""
    from cli.core.schema.cells import ABSENT

    return [
        None if v is ABSENT else json.dumps(v, sort_keys=True) if isinstance(v, list | dict) else v
        for v in values
    ]


def _frame(chunk: Any, columns: list[str], *, as_text: bool) -> pd.DataFrame:
    """One chunk of :func:`open_stream` as a DataFrame of ``columns``."""
    import numpy as np
    import pandas as pd

    if as_text:  # CSV: an Arrow table of text
        return pd.DataFrame({c: _text_column(chunk.column(c)) for c in columns})
    if isinstance(chunk, dict):  # JSON Lines: lists of parsed values
        frame = pd.DataFrame({c: _json_values(chunk[c]) for c in columns})
        for column in columns:
            if pd.api.types.is_object_dtype(frame[column].dtype):
                frame[column] = frame[column].where(frame[column].notna(), np.nan)
        return frame
    return chunk.select(columns).to_pandas()  # Parquet: a record batch of its own types


def iter_frames(
    path: Path, *, chunk_rows: int = DEFAULT_CHUNK_ROWS, columns: list[str] | None = None
) -> Generator[pd.DataFrame, None, None]:
    """The file as DataFrames of at most ``chunk_rows`` rows, in order (``columns``: a subset).

    Read through the schema check's stream, so a file one command refuses the other refuses
    with the same error.
    """
    stream = open_stream(path)
    wanted = list(columns) if columns is not None else stream.columns
    try:
        for chunk in stream.chunks:
            frame = _frame(chunk, wanted, as_text=stream.as_text)
            for start in range(0, len(frame), chunk_rows):
                yield frame.iloc[start : start + chunk_rows]
    finally:
        stream.chunks.close()  # stops the read-ahead
