"""Writing a table chunk by chunk, as CSV, Parquet or JSON Lines, all or nothing.

A file target is written through :func:`cli.adapters.files.atomic_writer`: the
table appears under its name only when every chunk was written; a stream target
(standard output) receives the whole table at the end, from a temporary file, so
a batch that fails half-way writes nothing there either.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cli.adapters.files import atomic_writer, output_target
from cli.errors import PredictionOutputFormat

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "parquet", "jsonl")
_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl"}


def format_for(target: Path | None, fmt: str | None) -> str:
    """The format asked for, else the one the file's suffix names (refused when it names
    none: a ``.xlsx`` file would otherwise hold CSV), else CSV for standard output."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise PredictionOutputFormat(fmt, f"not one of {', '.join(FORMATS)}")
        return fmt
    if target is None:
        return "csv"
    output_target(target)  # a directory (or FIFO, device) is refused as what it is
    suffix = target.suffix.lower()
    if suffix not in _SUFFIXES:
        named = f"'{suffix}'" if suffix else "a name without a suffix"
        raise PredictionOutputFormat("", f"{target}: {named} names no table format")
    return _SUFFIXES[suffix]


class TableWriter:
    """Chunks appended in order to one open binary handle; the first chunk fixes the columns."""

    def __init__(self, handle: IO[bytes], fmt: str) -> None:
        self.handle = handle
        self.fmt = fmt
        self.rows = 0
        self._schema: Any = None
        self._writer: Any = None

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame`` (its columns as in the first chunk)."""
        import pyarrow as pa

        if self.fmt == "jsonl":
            if len(frame):
                text = frame.to_json(orient="records", lines=True, date_format="iso")
                self.handle.write((text.rstrip("\n") + "\n").encode("utf-8"))
            self.rows += len(frame)
            return
        table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
        if self._writer is None:
            self._schema = _widened(table.schema)
            table = table.cast(self._schema)
            self._writer = _open(self.handle, self.fmt, self._schema)
        self._writer.write_table(table)
        self.rows += len(frame)

    def close(self) -> None:
        """Finish the file (Parquet's footer; a CSV header when no chunk came)."""
        if self._writer is not None:
            self._writer.close()


def _widened(schema: Any) -> Any:
    """Integer columns become float64 and null columns strings: a later chunk with a
    missing value (or the first values of an all-missing column) still fits."""
    import pyarrow as pa

    fields = []
    for field in schema:
        kind = field.type
        if pa.types.is_integer(kind):
            kind = pa.float64()
        elif pa.types.is_null(kind):
            kind = pa.string()
        fields.append(pa.field(field.name, kind))
    return pa.schema(fields)


def _open(handle: IO[bytes], fmt: str, schema: Any) -> Any:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetWriter(handle, schema)
    import pyarrow.csv as pacsv

    return pacsv.CSVWriter(handle, schema)


@contextlib.contextmanager
def open_table(target: Path | IO[bytes], fmt: str) -> Iterator[TableWriter]:
    """A :class:`TableWriter` whose table reaches ``target`` only if the block ends normally."""
    if isinstance(target, Path):
        with atomic_writer(target, "wb") as handle:
            writer = TableWriter(handle, fmt)
            yield writer
            writer.close()
        return
    if fmt == "parquet":
        raise PredictionOutputFormat(fmt, "Parquet cannot go to standard output")
    with tempfile.TemporaryFile(prefix="mlvc-out-") as spool:
        writer = TableWriter(spool, fmt)
        yield writer
        writer.close()
        spool.seek(0)
        shutil.copyfileobj(spool, target)
        target.flush()
