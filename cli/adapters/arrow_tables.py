"""Streaming CSV, Parquet and JSON Lines files as Arrow chunks for the schema engine.

CSV cells are read as raw text (the engine maps them to JSON values);
Parquet keeps its types; JSON Lines records are parsed with ``json``. Memory
stays bounded by the range size times the read-ahead (CSV) or the batch size,
whatever the file size.

Over 400 lines for a reason: the CSV reader's range cutting, parsing and error mapping
(row numbers across ranges) share the range layout; the Parquet and JSON Lines readers
beside it yield the same chunk shape.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli.adapters.tables import check_file, check_unique_columns, csv_header, table_format
from cli.errors import (
    CellTooLarge,
    DataFileEmpty,
    DataFileUnreadable,
    NumberTooLong,
    RecordNotObject,
    RowTooLarge,
    RowWidthMismatch,
    UnclosedQuote,
)

# CSV files are read in byte ranges cut at line ends outside quoted cells; a row must fit in
# a range. Given a parse executor, ranges are parsed on it, one thread each, READ_AHEAD of them
# ahead of the checks: reading starts while the schema is loaded and overlaps the checks.
# Without one, each range is parsed in the reading thread when its chunk is asked for.
RANGE_BYTES = 8 << 20
READ_AHEAD = 4
MAX_CELL_BYTES = 1 << 20  # a longer cell is almost surely a broken quote or a binary blob
JSONL_ROWS = 50_000

Progress = Callable[[int, int], None]  # (bytes or rows done, total)
JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}


@dataclass(frozen=True)
class Stream:
    """An open data file: its columns, whether cells are text, and its chunks."""

    columns: list[str]
    as_text: bool
    chunks: Generator[Any, None, None]  # closing it stops the read-ahead


def _arrow_error(path: Path, exc: Exception) -> DataFileUnreadable:
    message = str(exc).strip().splitlines()[0]
    if "straddl" in message:  # a row spans Arrow's blocks
        message = f"a row is larger than {RANGE_BYTES >> 20} MiB (a huge cell?): {message}"
    elif "UTF8" in message or "utf-8" in message.lower():
        message = f"not UTF-8 text: {message}"
    return DataFileUnreadable(str(path), message)


def _last_line_end(data: Any, end: int) -> int:
    """Index just past the last line end in ``data[:end]`` (an Arrow buffer), or 0."""
    tail = 1 << 16
    while True:
        start = max(0, end - tail)
        window = data.slice(start, end - start).to_pybytes()
        cut = max(window.rfind(b"\n"), window.rfind(b"\r"))
        if cut >= 0:
            return start + cut + 1
        if start == 0:
            return 0
        tail *= 16


def _is_ascii(data: Any) -> bool:
    """Whether an Arrow buffer holds ASCII bytes alone (then it is valid UTF-8)."""
    import numpy as np

    codes = np.frombuffer(data, np.uint8)
    return not len(codes) or int(codes.max()) < 0x80


def _has_quotes(data: Any) -> bool:
    """Whether an Arrow buffer holds a double quote.

    ``bytes.find`` looks for one byte with ``memchr`` over one contiguous copy: no page
    faults of a file mapping (``mmap.find``) and no temporary array (NumPy's ``== '"'``).
    """
    return data.to_pybytes().find(b'"') >= 0


def _line_end(data: Any, quoted: bool) -> int:
    """Index just past the last line end of ``data`` that is not inside a quoted cell, or 0.

    A line end is inside a quoted cell when an odd number of quotes precede it since the
    range's start (a row boundary): every quoted cell holds an even number, "" included.
    """
    import numpy as np

    cut = _last_line_end(data, data.size)
    if not cut or not quoted:
        return cut
    codes = np.frombuffer(data, np.uint8)  # no copy
    quotes = int(np.count_nonzero(codes[:cut] == ord('"')))
    while cut and quotes % 2:
        previous = _last_line_end(data, cut - 1)
        quotes -= int(np.count_nonzero(codes[previous:cut] == ord('"')))
        cut = previous
    return cut


def _lines_before(path: Path, offset: int) -> int:
    """The number of line ends in the file's first ``offset`` bytes (for error messages)."""
    count = 0
    with path.open("rb") as handle:
        while offset > 0:
            block = handle.read(min(offset, RANGE_BYTES))
            if not block:
                break
            count += block.count(b"\n")
            offset -= len(block)
    return count


def _unclosed_quote(data: bytes) -> int | None:
    """Where a quoted cell opens that is still open at the end of ``data``, or None.

    As Arrow reads it: a quote opens a quoted cell at a cell's start only (elsewhere it is a
    character of the cell); inside, ``""`` is one quote and a lone quote closes the cell.
    One step per quote: run on the error path only.
    """
    inside, opened = False, 0
    at = data.find(b'"')
    while at >= 0:
        if inside:
            if data[at + 1 : at + 2] == b'"':
                at = data.find(b'"', at + 2)
                continue
            inside = False
        elif at == 0 or data[at - 1 : at] in (b",", b"\n", b"\r"):
            inside, opened = True, at
        at = data.find(b'"', at + 1)
    return opened if inside else None


def _line_ranges(handle: Any, path: Path) -> Iterator[tuple[Any, bool, int, bool]]:
    """The file as Arrow buffers of at most RANGE_BYTES that end at a line end (or EOF),
    each with whether it holds a quote (then cells may span lines), its offset in the file
    and whether it is the file's last range.

    Arrow's own file reads allocate from its memory pool, which reuses memory between
    ranges (a fresh Python ``bytes`` per range would fault its pages in anew each time).
    """
    start = 0
    while True:
        handle.seek(start)
        data = handle.read_buffer(RANGE_BYTES)
        quoted = _has_quotes(data)
        if data.size < RANGE_BYTES:
            if data.size:
                yield data, quoted, start, True
            return
        cut = _line_end(data, quoted)
        if not cut:
            raise RowTooLarge(str(path), _lines_before(path, start) + 1, RANGE_BYTES >> 20)
        yield data.slice(0, cut), quoted, start, False
        start += cut


# The last row of a probe: a quoted cell still open at the end of the file takes it into
# that cell (Arrow reads an open quote to the end of its input without an error).
END_MARK = "\x00mlvc-end\x00"


def _with_end_row(data: Any, columns: int) -> Any:
    """``data`` with a line end (if missing) and one row of END_MARK cells after it."""
    import pyarrow as pa

    raw = data.to_pybytes()
    tail = b"" if raw.endswith((b"\n", b"\r")) else b"\n"
    return pa.py_buffer(raw + tail + ",".join([END_MARK] * columns).encode() + b"\n")


def _ends_with_end_row(table: Any) -> bool:
    return bool(table.num_rows) and all(
        column[-1].as_py() == END_MARK for column in (table.column(0), table.column(-1))
    )


class _RaggedRow(Exception):
    """A row of a range with the wrong number of cells (``row``: 1-based within the range)."""

    def __init__(self, row: int | None, cells: int, expected: int) -> None:
        super().__init__(row, cells, expected)
        self.row, self.cells, self.expected = row, cells, expected


class _OpenQuote(Exception):
    """A quoted cell still open at the end of the file (``line``: 1-based within the range)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _open_quote(data: Any) -> _OpenQuote:
    raw = data.to_pybytes()
    opened = _unclosed_quote(raw)
    return _OpenQuote(raw.count(b"\n", 0, len(raw) if opened is None else opened) + 1)


def _csv_chunks(
    path: Path, header: list[str], progress: Progress | None, parse_on: Executor | None
) -> Generator[Any, None, None]:
    """Tables of the file's line ranges, in order. A primed generator: its first ``next``
    starts parsing the first READ_AHEAD ranges on ``parse_on`` and yields None (with no
    executor, ranges are parsed one at a time, in this thread, as chunks are asked for).
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    total = path.stat().st_size
    convert = {
        check_utf8: pcsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=check_utf8,
        )
        for check_utf8 in (True, False)
    }
    parse_options: dict[bool, dict[str, Any]] = {
        # quoted cells may hold line ends: then Arrow must not split blocks at any of them
        True: {"newlines_in_values": True},
        # a range without a quote is parsed with quoting off: the same cells, less work
        False: {"quote_char": False},
    }

    def parse(number: int, data: Any, quoted: bool, last: bool) -> Any:
        # the first range starts with the header; later ones are named by it
        if not number and not _last_line_end(data, data.size):
            # the header alone, without a line end (Arrow reads no columns from it)
            return pa.table({name: pa.nulls(0, pa.string()) for name in header})
        probe = quoted and last  # a quote may still be open at the end of the file
        invalid: list[Any] = []
        try:
            table = read(
                number, _with_end_row(data, len(header)) if probe else data, quoted, invalid
            )
        except pa.ArrowInvalid:
            if probe and _unclosed_quote(data.to_pybytes()) is not None:
                raise _open_quote(data) from None
            if not invalid:
                raise
            row = invalid[0]
            # Arrow counts the range's rows from 1, the header included in the first range
            at = None if row.number is None else row.number - (0 if number else 1)
            raise _RaggedRow(at, row.actual_columns, row.expected_columns) from None
        if not probe:
            return table
        if not _ends_with_end_row(table):
            raise _open_quote(data)
        return table.slice(0, table.num_rows - 1)

    def read(number: int, data: Any, quoted: bool, invalid: list[Any]) -> Any:
        # One thread a range: Arrow's own threads cost more CPU for the same parse.
        names = header if number else None
        options = pcsv.ReadOptions(block_size=RANGE_BYTES, column_names=names, use_threads=False)
        reader = pa.BufferReader(data)
        # ASCII text is UTF-8: one scan for a high byte replaces Arrow's per-cell UTF-8 check
        check_utf8 = not _is_ascii(data)

        def refuse(row: Any) -> str:
            invalid.append(row)
            return "error"

        return pcsv.read_csv(
            reader,
            read_options=options,
            parse_options=pcsv.ParseOptions(**parse_options[quoted], invalid_row_handler=refuse),
            convert_options=convert[check_utf8],
        )

    executor: Executor = parse_on or _Inline()
    ahead = READ_AHEAD if parse_on is not None else 0
    pending: deque[tuple[Future[Any], int, int]] = deque()
    with pa.OSFile(str(path)) as handle:
        ranges = enumerate(_line_ranges(handle, path))

        def submit_next() -> None:
            item = next(ranges, None)
            if item is not None:
                number, (data, quoted, start, last) = item
                future = executor.submit(parse, number, data, quoted, last)
                pending.append((future, data.size, start))

        try:
            for _ in range(ahead):
                submit_next()
            yield None
            rows = done = 0
            if not ahead:
                submit_next()
            while pending:
                future, size, start = pending.popleft()
                if ahead:
                    submit_next()
                try:
                    table = future.result()
                    _check_cell_sizes(path, table, rows)
                except _RaggedRow as bad:
                    row = None if bad.row is None else rows + bad.row
                    raise RowWidthMismatch(str(path), row, bad.cells, bad.expected) from None
                except _OpenQuote as bad:
                    line = _lines_before(path, start) + bad.line
                    raise UnclosedQuote(str(path), line) from None
                except (pa.ArrowInvalid, pa.ArrowException) as exc:
                    raise _arrow_error(path, exc) from None
                rows += table.num_rows
                done += size
                if progress is not None:
                    progress(done, total)
                yield table
                if not ahead:
                    submit_next()
        finally:
            for future, _, _ in pending:
                future.cancel()


class _Inline(Executor):
    """An executor that runs each task when it is submitted, in the submitting thread."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # delivered by future.result(), as from a pool
            future.set_exception(exc)
        return future


def _check_cell_sizes(path: Path, batch: Any, first_row: int) -> None:
    """Refuse a cell over MAX_CELL_BYTES (the longest found from the offsets)."""
    import numpy as np

    from cli.core.arrow_np import one_array, string_buffers

    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        offsets, data = string_buffers(one_array(column))
        if len(data) <= MAX_CELL_BYTES:
            continue  # no cell is longer than all of them together
        sizes = np.diff(offsets)
        if int(sizes.max()) > MAX_CELL_BYTES:
            row = first_row + int(sizes.argmax()) + 1
            raise CellTooLarge(str(path), row, name, int(sizes.max()), MAX_CELL_BYTES >> 20)


def _parquet_chunks(path: Path, progress: Progress | None) -> Generator[Any, None, None]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with pq.ParquetFile(path) as parquet:
            total, done = parquet.metadata.num_rows, 0
            for batch in parquet.iter_batches(batch_size=200_000):
                done += batch.num_rows
                if progress is not None:
                    progress(done, total)
                yield batch
    except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
        raise _arrow_error(path, exc) from None


def _jsonl_columns(path: Path) -> list[str]:
    columns: dict[str, None] = {}
    for _, record in _jsonl_records(path):
        columns.update(dict.fromkeys(record))
    if not columns:
        raise DataFileEmpty(str(path))
    return list(columns)


def _jsonl_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(bytes read so far, record)`` for every non-blank line.

    Records go through the one bounded JSON reader: a line nested past its depth
    limit is refused naming the line, never a RecursionError.
    """
    from cli.core.documents import IntegerTooLong, ParseLimitExceeded, load_json

    with path.open(encoding="utf-8") as handle:
        done = 0
        try:
            for number, line in enumerate(handle, start=1):
                done += len(line.encode("utf-8"))
                if not line.strip():
                    continue
                try:
                    record = load_json(line)
                except IntegerTooLong as exc:
                    raise NumberTooLong(str(path), f"line {number}: {exc.detail}") from None
                except ParseLimitExceeded as exc:
                    raise DataFileUnreadable(str(path), f"line {number}: {exc.detail}") from None
                except json.JSONDecodeError as exc:
                    raise DataFileUnreadable(str(path), f"line {number}: {exc.msg}") from None
                if not isinstance(record, dict):
                    kind = JSON_KINDS.get(type(record), "null")
                    raise RecordNotObject(str(path), number, kind)
                yield done, record
        except UnicodeDecodeError as exc:
            raise DataFileUnreadable(str(path), f"not UTF-8 text ({exc.reason})") from None


def _jsonl_chunks(
    path: Path, columns: list[str], progress: Progress | None
) -> Generator[Any, None, None]:
    from cli.core.schema.cells import ABSENT

    total = path.stat().st_size
    batch: list[dict[str, Any]] = []

    def flush() -> dict[str, list[Any]]:
        return {c: [r.get(c, ABSENT) for r in batch] for c in columns}

    for done, record in _jsonl_records(path):
        batch.append(record)
        if len(batch) >= JSONL_ROWS:
            yield flush()
            batch = []
            if progress is not None:
                progress(done, total)
    if batch:
        yield flush()


def read_columns(path: Path) -> list[str]:
    """The column names ``open_stream`` gives, without reading rows: the CSV header, the
    Parquet schema, or every key of a JSON Lines file (one pass)."""
    check_file(path)
    fmt = table_format(path)
    if fmt == "csv":
        header = csv_header(path)
        check_unique_columns(path, header)
        return header
    if fmt == "parquet":
        return _parquet_names(path)
    return _jsonl_columns(path)


def _parquet_names(path: Path) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        names = list(pq.read_schema(path).names)
    except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
        raise _arrow_error(path, exc) from None
    check_unique_columns(path, names)
    return names


def open_stream(
    path: Path, *, progress: Progress | None = None, parse: Executor | None = None
) -> Stream:
    """Open ``path`` for chunked checking; ToolkitErrors for missing, empty or malformed files.

    ``parse`` parses CSV ranges ahead of the reader; without it, each range is parsed in the
    reading thread when its chunk is asked for.
    """
    check_file(path)
    fmt = table_format(path)
    if fmt == "csv":
        header = csv_header(path)
        check_unique_columns(path, header)
        chunks = _csv_chunks(path, header, progress, parse)
        next(chunks)  # start parsing
        return Stream(header, True, chunks)
    if fmt == "parquet":
        return Stream(_parquet_names(path), False, _parquet_chunks(path, progress))
    columns = _jsonl_columns(path)
    return Stream(columns, False, _jsonl_chunks(path, columns, progress))
