"""Reading CSV, Parquet and JSON Lines files in chunks, with bounded memory and clear errors.

Shared by every command that scans data files (schema checks, drift). Memory
is bounded by ``chunk_rows`` rows at a time, whatever the file size.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cli.adapters.files import require_file
from cli.errors import DataFileEmpty, DataFileUnreadable, ToolkitError

if TYPE_CHECKING:
    import pandas as pd

FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
DEFAULT_CHUNK_ROWS = 200_000
# Cells read as text (``as_text=True``) that stand for a missing value (JSON null).
NULL_TOKENS = ("", "NA", "N/A", "NaN", "nan", "null", "NULL", "None")


def table_format(path: Path) -> str:
    """'csv', 'parquet' or 'jsonl', from the file name; a ToolkitError for anything else."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataFileUnreadable(
            str(path), f"unsupported format '{path.suffix}'; use .csv, .parquet or .jsonl"
        )
    return fmt


def check_file(path: Path) -> None:
    """A ToolkitError unless ``path`` is an existing, non-empty file."""
    require_file(path, what="data file")
    if path.stat().st_size == 0:
        raise DataFileEmpty(str(path))


def read_columns(path: Path) -> list[str]:
    """Column names from the header (CSV), the schema (Parquet) or the first record (JSONL)."""
    check_file(path)
    return list(next(iter_chunks(path, chunk_rows=1, as_text=True)).columns)


def check_unique_columns(path: Path, columns: list[str]) -> None:
    """A ToolkitError naming any column name that occurs twice."""
    seen: set[str] = set()
    dupes = sorted({c for c in columns if c in seen or seen.add(c)})  # type: ignore[func-returns-value]
    if dupes:
        raise DataFileUnreadable(str(path), f"duplicate column name(s): {', '.join(dupes)}")


def csv_header(path: Path) -> list[str]:
    """The column names of a CSV file (its first record)."""
    import csv

    try:
        # utf-8-sig: a byte-order mark is not part of the first name (Arrow drops it too)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError as exc:
        raise DataFileUnreadable(
            str(path), f"not UTF-8 text (byte {exc.start} of the header)"
        ) from None
    if not header:
        raise DataFileEmpty(str(path))
    return header


def iter_chunks(
    path: Path,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    as_text: bool = False,
    columns: list[str] | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield the file as DataFrames of at most ``chunk_rows`` rows, in order.

    ``as_text=True`` keeps CSV cells as strings (``None`` for the tokens in
    NULL_TOKENS), so callers can apply their own exact cell mapping; Parquet and
    JSON Lines keep their own types. Raises ToolkitErrors for missing, empty,
    non-UTF-8, truncated or malformed files and duplicate column names.
    """
    import pandas as pd

    check_file(path)
    fmt = table_format(path)
    if fmt == "csv":
        check_unique_columns(path, csv_header(path))
    yielded = False
    try:
        for chunk in _raw_chunks(path, fmt, chunk_rows, as_text, columns):
            if fmt != "csv":
                check_unique_columns(path, [str(c) for c in chunk.columns])
            yielded = True
            yield chunk
    except ToolkitError:
        raise
    except UnicodeDecodeError as exc:
        raise DataFileUnreadable(str(path), f"not UTF-8 text ({exc.reason})") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise DataFileUnreadable(str(path), str(exc).strip().splitlines()[0]) from None
    except Exception as exc:  # pyarrow raises its own types for corrupt files
        if type(exc).__module__.startswith("pyarrow"):
            raise DataFileUnreadable(str(path), str(exc).strip().splitlines()[0]) from None
        raise
    if not yielded:
        raise DataFileEmpty(str(path))


def _raw_chunks(
    path: Path, fmt: str, chunk_rows: int, as_text: bool, columns: list[str] | None
) -> Iterator[pd.DataFrame]:
    import pandas as pd

    if fmt == "csv":
        options = (
            {"dtype": str, "keep_default_na": False, "na_values": list(NULL_TOKENS)}
            if as_text
            else {}
        )
        reader = pd.read_csv(
            path,
            chunksize=chunk_rows,
            encoding="utf-8",
            usecols=columns,
            **options,
        )
        with reader:
            for chunk in reader:
                if as_text:
                    chunk = chunk.astype(object).where(chunk.notna(), None)
                yield chunk
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        with pq.ParquetFile(path) as parquet:
            for batch in parquet.iter_batches(batch_size=chunk_rows, columns=columns):
                yield batch.to_pandas()
    else:
        reader = pd.read_json(path, lines=True, chunksize=chunk_rows, dtype=False)
        with reader:
            for chunk in reader:
                yield chunk if columns is None else chunk[columns]
