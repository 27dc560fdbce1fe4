"""What every reader of CSV, Parquet and JSON Lines files shares: formats and checks.

The one reader is :func:`cli.adapters.arrow_tables.open_stream` (schema checks, schema
inference and drift read through it, so they accept and refuse the same files).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cli.adapters.files import first_non_utf8_line, require_file
from cli.errors import DataFileEmpty, DataFileNotUtf8, DataFileUnreadable, DuplicateColumns

FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
DEFAULT_CHUNK_ROWS = 200_000


def table_format(path: Path) -> str:
    """'csv', 'parquet' or 'jsonl', from the file name; a ToolkitError for anything else."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataFileUnreadable(
            str(path),
            f"unsupported format '{path.suffix}'; use .csv, .parquet or .jsonl",
            hint="rename it if it holds one of those formats, or convert it",
        )
    return fmt


def check_file(path: Path) -> None:
    """A ToolkitError unless ``path`` is an existing, non-empty file."""
    require_file(path, what="data file")
    if path.stat().st_size == 0:
        raise DataFileEmpty(str(path))


def check_unique_columns(path: Path, columns: list[str]) -> None:
    """A ToolkitError naming any column name that occurs twice."""
    dupes = sorted(name for name, count in Counter(columns).items() if count > 1)
    if dupes:
        raise DuplicateColumns(str(path), dupes)


def csv_header(path: Path) -> list[str]:
    """The column names of a CSV file (its first record)."""
    import csv

    try:
        # utf-8-sig: a byte-order mark is not part of the first name (Arrow drops it too)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError:  # decoded a block at a time: the bad byte may be past the header
        raise DataFileNotUtf8(str(path), first_non_utf8_line(path)) from None
    if not header:
        raise DataFileEmpty(str(path))
    return header
